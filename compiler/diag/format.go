package diag

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// WriteText prints diagnostics like a compiler: a `file:line:col: path:
// message` line, the source line with a caret under the value, then the fix
// when one is known. sources maps a file name to its Source; a diagnostic
// without one is printed without an excerpt. Everything that comes from
// the input goes through Sanitize.
func WriteText(w io.Writer, ds []Diagnostic, sources map[string]*Source) {
	for _, d := range CapRun(ds, MaxPerRun) {
		var b strings.Builder
		fmt.Fprintf(&b, "%s:%d:%d: ", Sanitize(d.File), d.Line, d.Column)
		if d.Severity == Warning {
			b.WriteString("warning: ")
		}
		if d.Path != "" {
			b.WriteString(Sanitize(d.Path))
			b.WriteString(": ")
		}
		b.WriteString(Sanitize(d.Message))
		if d.Severity == Warning {
			// The code is what --disable takes.
			b.WriteString(" [" + d.Code + "]")
		}
		b.WriteByte('\n')
		if src := sources[d.File]; src != nil && d.More == 0 {
			writeExcerpt(&b, src, d)
		}
		if d.Fix != "" {
			fmt.Fprintf(&b, "\tfix: %s\n", Sanitize(d.Fix))
		}
		io.WriteString(w, b.String())
	}
}

// maxExcerptWidth is the longest source line (in code points) quoted under
// a finding; longer lines are minified or generated, and a caret line
// would not help.
const maxExcerptWidth = 160

// writeExcerpt quotes d's line, sanitised, with a caret line under the
// value. Its cost is bounded by maxExcerptWidth, whatever the line length.
func writeExcerpt(b *strings.Builder, src *Source, d Diagnostic) {
	start, end, ok := src.LineBounds(d.Line)
	if !ok || (start == end && d.Offset >= len(src.Text)) {
		return
	}
	if end-start > maxExcerptWidth*utf8.UTFMax {
		return
	}
	line := string(src.Text[start:end])
	if utf8.RuneCountInString(line) > maxExcerptWidth {
		return
	}
	// The display width of each code point: escapes are wider than the
	// character they stand for, and the caret must stay under the value.
	neut := commandStart(line)
	var shown strings.Builder
	widths := make([]int, 0, len(line))
	tabs := make([]bool, 0, len(line))
	for i := 0; i < len(line); {
		out, size := safeAt(line, i, true, neut)
		if out == "" {
			shown.WriteString(line[i : i+size])
			out = " "
		} else {
			shown.WriteString(out)
		}
		widths = append(widths, len(out))
		tabs = append(tabs, line[i] == '\t')
		i += size
	}
	b.WriteByte('\t')
	b.WriteString(shown.String())
	b.WriteByte('\n')
	b.WriteByte('\t')
	// Keep tabs so the caret lines up under tab-indented source.
	for i := 0; i < len(widths) && i+1 < d.Column; i++ {
		if tabs[i] {
			b.WriteByte('\t')
		} else {
			b.WriteString(strings.Repeat(" ", widths[i]))
		}
	}
	endCol := d.Column + 1
	if d.End > d.Offset {
		endLine, c := src.Position(d.End)
		endCol = c
		if endLine != d.Line {
			endCol = len(widths) + 1
		}
	}
	width := 0
	for i := d.Column - 1; i >= 0 && i < len(widths) && i+1 < endCol; i++ {
		width += widths[i]
	}
	b.WriteString(strings.Repeat("^", max(width, 1)))
	b.WriteByte('\n')
}

// Report is the --format json document.
type Report struct {
	Version     int          `json:"version"`
	Files       []FileResult `json:"files"`
	Errors      int          `json:"errors"`
	Warnings    int          `json:"warnings"`
	Diagnostics []Diagnostic `json:"diagnostics"`
	// Suppressed lists the findings silenced by openclawcfg:ignore
	// comments, each with the comment's reason.
	Suppressed []Suppressed `json:"suppressed,omitempty"`
}

// FileResult says whether one input passed; Error is set when it could
// not be read at all.
type FileResult struct {
	File  string `json:"file"`
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
	// Skipped says why a file found in a directory was not checked (not
	// an OpenClaw config: a compiled plan, package.json, ...).
	Skipped string `json:"skipped,omitempty"`
	// IncludedBy names the file that $includes this one: it was checked
	// as part of that file, not on its own.
	IncludedBy string `json:"includedBy,omitempty"`
	// Note says what could not be checked, such as policy lints that did
	// not run because errors leave the effective policy unknown.
	Note string `json:"note,omitempty"`
	// OpenClaw is the release that judged the file and OpenClawReason
	// why (--openclaw, the meta.lastTouchedVersion stamp, or the seed).
	OpenClaw       string `json:"openclaw,omitempty"`
	OpenClawReason string `json:"openclawReason,omitempty"`
	// Releases is vet --openclaw all: the verdict of every release.
	Releases []ReleaseVerdict `json:"releases,omitempty"`
}

// ReleaseVerdict is one release's verdict on a file.
type ReleaseVerdict struct {
	OpenClaw string `json:"openclaw"`
	OK       bool   `json:"ok"`
	Errors   int    `json:"errors"`
	Warnings int    `json:"warnings"`
}

// WriteJSON writes the report as indented JSON, streamed (see StreamJSON).
func WriteJSON(w io.Writer, r Report) error {
	r.Version = 1
	if r.Diagnostics == nil {
		r.Diagnostics = []Diagnostic{}
	}
	if r.Files == nil {
		r.Files = []FileResult{}
	}
	r.Diagnostics = CapRun(r.Diagnostics, MaxPerRun)
	return StreamJSON(w, r)
}

// WriteGitHub prints GitHub Actions workflow commands, one per finding, so
// findings show as annotations on the pull request.
func WriteGitHub(w io.Writer, ds []Diagnostic) {
	for _, d := range CapRun(ds, MaxPerRun) {
		// Sanitized parts: the runner would act on an escape sequence or a
		// newline-started command inside them.
		msg := Sanitize(d.Message)
		if d.Path != "" {
			msg = Sanitize(d.Path) + ": " + msg
		}
		if d.Fix != "" {
			msg += "\nfix: " + Sanitize(d.Fix)
		}
		// GitHub's end column is the last character (inclusive) and is
		// used only when the annotation stays on one line.
		end := ""
		switch {
		case d.EndLine == d.Line && d.EndColumn > d.Column:
			end = fmt.Sprintf(",endLine=%d,endColumn=%d", d.EndLine, d.EndColumn-1)
		case d.EndLine > d.Line:
			end = fmt.Sprintf(",endLine=%d", d.EndLine)
		}
		fmt.Fprintf(w, "::%s file=%s,line=%d,col=%d%s,title=%s::%s\n",
			d.Severity, ghProperty(sanitizeInline(filepath.ToSlash(d.File))), d.Line, d.Column, end,
			ghProperty("openclawcfg "+d.Code), ghData(msg))
	}
}

// GitHub's escaping rules for workflow command data and properties.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
