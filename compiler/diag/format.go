package diag

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// WriteText prints diagnostics like a compiler: a `file:line:col: path:
// message` line, the source line with a caret under the value, then the fix
// when one is known. sources maps a file name to its Source; a diagnostic
// without one is printed without an excerpt.
func WriteText(w io.Writer, ds []Diagnostic, sources map[string]*Source) {
	for _, d := range ds {
		var b strings.Builder
		fmt.Fprintf(&b, "%s:%d:%d: ", d.File, d.Line, d.Column)
		if d.Severity == Warning {
			b.WriteString("warning: ")
		}
		if d.Path != "" {
			b.WriteString(d.Path)
			b.WriteString(": ")
		}
		b.WriteString(d.Message)
		if d.Severity == Warning {
			// The code is what --disable takes.
			b.WriteString(" [" + d.Code + "]")
		}
		b.WriteByte('\n')
		if src := sources[d.File]; src != nil {
			writeExcerpt(&b, src, d)
		}
		if d.Fix != "" {
			fmt.Fprintf(&b, "\tfix: %s\n", d.Fix)
		}
		io.WriteString(w, b.String())
	}
}

func writeExcerpt(b *strings.Builder, src *Source, d Diagnostic) {
	line := src.LineText(d.Line)
	if line == "" && d.Offset >= len(src.Text) {
		return
	}
	const maxWidth = 160
	if utf8.RuneCountInString(line) > maxWidth {
		return // minified or generated: a caret line would not help
	}
	b.WriteByte('\t')
	b.WriteString(line)
	b.WriteByte('\n')
	b.WriteByte('\t')
	// Keep tabs so the caret lines up under tab-indented source.
	col := 1
	for _, r := range line {
		if col >= d.Column {
			break
		}
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
		col++
	}
	width := 1
	if d.End > d.Offset {
		endLine, endCol := src.Position(d.End)
		if endLine == d.Line {
			width = max(endCol-d.Column, 1)
		} else {
			width = max(utf8.RuneCountInString(line)-d.Column+1, 1)
		}
	}
	b.WriteString(strings.Repeat("^", width))
	b.WriteByte('\n')
}

// Report is the --format json document.
type Report struct {
	Version     int          `json:"version"`
	Files       []FileResult `json:"files"`
	Errors      int          `json:"errors"`
	Warnings    int          `json:"warnings"`
	Diagnostics []Diagnostic `json:"diagnostics"`
}

// FileResult says whether one input passed; Error is set when it could
// not be read at all.
type FileResult struct {
	File  string `json:"file"`
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
}

// WriteJSON writes the report as indented JSON.
func WriteJSON(w io.Writer, r Report) error {
	r.Version = 1
	if r.Diagnostics == nil {
		r.Diagnostics = []Diagnostic{}
	}
	if r.Files == nil {
		r.Files = []FileResult{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// WriteGitHub prints GitHub Actions workflow commands, one per finding, so
// findings show as annotations on the pull request.
func WriteGitHub(w io.Writer, ds []Diagnostic) {
	for _, d := range ds {
		msg := d.Message
		if d.Path != "" {
			msg = d.Path + ": " + msg
		}
		if d.Fix != "" {
			msg += "\nfix: " + d.Fix
		}
		fmt.Fprintf(w, "::%s file=%s,line=%d,col=%d,title=%s::%s\n",
			d.Severity, ghProperty(filepath.ToSlash(d.File)), d.Line, d.Column,
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
