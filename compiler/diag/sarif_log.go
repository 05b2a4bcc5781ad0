package diag

import (
	"io"
	"net/url"
	"path/filepath"
	"strings"
)

// SARIFRun is what one vet run reports as SARIF.
type SARIFRun struct {
	Tool        Tool
	Diagnostics []Diagnostic
	Sources     map[string]*Source
	// Root is the absolute directory that relative file names are
	// relative to (vet's working directory). It becomes the
	// originalUriBaseIds entry %SRCROOT%, which GitHub code scanning maps
	// to the repository checkout.
	Root string
	// Unreadable lists the inputs that could not be read; each becomes an
	// error notification of the invocation, which is then unsuccessful.
	Unreadable []FileError
	ExitCode   int
}

// FileError is an input that could not be read.
type FileError struct {
	File    string `json:"file"`
	Message string `json:"message"`
}

// SrcRoot is the uriBaseId of every relative artifact location.
const SrcRoot = "%SRCROOT%"

const notifUnreadable = "unreadable-input"

// WriteSARIFLog writes one run as a SARIF 2.1.0 log that GitHub code
// scanning and Microsoft's SARIF validator accept: every rule with its
// descriptions and help, artifact URIs percent-encoded and relative to
// %SRCROOT% (absolute file: URIs outside it), regions in Unicode code
// points, fixes where the replacement is known, and an invocation that
// says whether every input was read.
func WriteSARIFLog(w io.Writer, run SARIFRun) error {
	type text struct {
		Text string `json:"text"`
	}
	type mtext struct {
		Text     string `json:"text"`
		Markdown string `json:"markdown,omitempty"`
	}
	type rule struct {
		ID                   string            `json:"id"`
		Name                 string            `json:"name"`
		ShortDescription     text              `json:"shortDescription"`
		FullDescription      text              `json:"fullDescription"`
		Help                 mtext             `json:"help"`
		HelpURI              string            `json:"helpUri"`
		DefaultConfiguration map[string]string `json:"defaultConfiguration"`
		Properties           map[string]any    `json:"properties"`
	}
	rules := make([]rule, 0, len(Rules()))
	index := map[string]int{}
	for _, r := range Rules() {
		d := Doc(r.Code)
		level := "error"
		if r.Warning {
			level = "warning"
		}
		tags := []string{"openclaw", "configuration"}
		if d.Security {
			tags = append(tags, "security")
		}
		index[r.Code] = len(rules)
		rules = append(rules, rule{
			ID: r.Code, Name: ruleName(r.Code),
			ShortDescription:     text{r.Summary},
			FullDescription:      text{d.Full},
			Help:                 mtext{Text: d.Full + " Fix: " + stripMarkdown(d.Fix) + " See " + DocsURL + "#" + d.Anchor, Markdown: HelpMarkdown(r.Code)},
			HelpURI:              DocsURL + "#" + d.Anchor,
			DefaultConfiguration: map[string]string{"level": level},
			Properties:           map[string]any{"tags": tags},
		})
	}

	type region struct {
		StartLine   int   `json:"startLine"`
		StartColumn int   `json:"startColumn"`
		EndLine     int   `json:"endLine,omitempty"`
		EndColumn   int   `json:"endColumn,omitempty"`
		ByteOffset  int   `json:"byteOffset"`
		ByteLength  int   `json:"byteLength"`
		Snippet     *text `json:"snippet,omitempty"`
	}
	type context struct {
		StartLine int   `json:"startLine"`
		EndLine   int   `json:"endLine"`
		Snippet   *text `json:"snippet,omitempty"`
	}
	type physical struct {
		ArtifactLocation artifactLocation `json:"artifactLocation"`
		Region           *region          `json:"region,omitempty"`
		ContextRegion    *context         `json:"contextRegion,omitempty"`
	}
	type location struct {
		ID               *int     `json:"id,omitempty"`
		PhysicalLocation physical `json:"physicalLocation"`
		Message          *text    `json:"message,omitempty"`
	}
	type replacement struct {
		DeletedRegion   region `json:"deletedRegion"`
		InsertedContent text   `json:"insertedContent"`
	}
	type change struct {
		ArtifactLocation artifactLocation `json:"artifactLocation"`
		Replacements     []replacement    `json:"replacements"`
	}
	type fix struct {
		Description     text     `json:"description"`
		ArtifactChanges []change `json:"artifactChanges"`
	}
	type result struct {
		RuleID     string         `json:"ruleId"`
		RuleIndex  int            `json:"ruleIndex"`
		Level      string         `json:"level"`
		Message    text           `json:"message"`
		Locations  []location     `json:"locations"`
		Related    []location     `json:"relatedLocations,omitempty"`
		Fixes      []fix          `json:"fixes,omitempty"`
		Properties map[string]any `json:"properties,omitempty"`
	}
	regionOf := func(file string, offset, end, line, col int) region {
		r := region{StartLine: max(line, 1), StartColumn: max(col, 1), ByteOffset: max(offset, 0), ByteLength: max(end-offset, 0)}
		if src := run.Sources[file]; src != nil {
			r.EndLine, r.EndColumn = src.Position(max(end, offset))
		}
		return r
	}
	// snippets quotes the region and its lines, for readers without the
	// checkout; a region longer than a few lines is not quoted.
	const maxSnippet = 2048
	snippets := func(file string, reg *region) *context {
		src := run.Sources[file]
		if src == nil || reg.ByteLength > maxSnippet || reg.ByteOffset+reg.ByteLength > len(src.Text) {
			return nil
		}
		if reg.ByteLength > 0 {
			reg.Snippet = &text{string(src.Text[reg.ByteOffset : reg.ByteOffset+reg.ByteLength])}
		}
		ctx := &context{StartLine: reg.StartLine, EndLine: max(reg.EndLine, reg.StartLine)}
		var lines []string
		for l := ctx.StartLine; l <= ctx.EndLine; l++ {
			line, ok := src.LineTextMax(l, maxSnippet) // never copies a long line
			if !ok {
				return ctx
			}
			lines = append(lines, line)
		}
		if body := strings.Join(lines, "\n"); len(body) <= maxSnippet {
			ctx.Snippet = &text{body}
		}
		return ctx
	}
	ds := CapRun(run.Diagnostics, MaxPerRun)
	results := make([]result, 0, len(ds))
	for _, d := range ds {
		loc := run.artifact(d.File)
		reg := regionOf(d.File, d.Offset, d.End, d.Line, d.Column)
		ctx := snippets(d.File, &reg)
		msg := d.Message
		if d.Path != "" {
			msg = d.Path + ": " + msg
		}
		if d.Fix != "" {
			msg += "\nfix: " + d.Fix
		}
		props := map[string]any{}
		if d.Path != "" {
			props["path"] = d.Path
		}
		if len(d.Allowed) > 0 {
			props["allowed"] = d.Allowed
		}
		if d.DidYouMean != "" {
			props["didYouMean"] = d.DidYouMean
		}
		res := result{
			RuleID: d.Code, RuleIndex: -1, Level: d.Severity.String(), Message: text{msg},
			Locations:  []location{{PhysicalLocation: physical{ArtifactLocation: loc, Region: &reg, ContextRegion: ctx}}},
			Properties: props,
		}
		for i, rel := range d.Related {
			id := i + 1
			rreg := regionOf(rel.File, rel.Offset, rel.End, rel.Line, rel.Column)
			res.Related = append(res.Related, location{
				ID:               &id,
				PhysicalLocation: physical{ArtifactLocation: run.artifact(rel.File), Region: &rreg},
				Message:          &text{rel.Message},
			})
		}
		if i, ok := index[d.Code]; ok {
			res.RuleIndex = i
		}
		if e := d.Edit; e != nil && run.Sources[d.File] != nil {
			l, c := run.Sources[d.File].Position(e.Offset)
			desc := d.Fix
			if desc == "" {
				desc = "replace with " + e.Text
			}
			res.Fixes = []fix{{
				Description: text{desc},
				ArtifactChanges: []change{{ArtifactLocation: loc, Replacements: []replacement{{
					DeletedRegion: regionOf(d.File, e.Offset, e.End, l, c), InsertedContent: text{e.Text},
				}}}},
			}}
		}
		results = append(results, res)
	}

	type notification struct {
		Level      string     `json:"level"`
		Message    text       `json:"message"`
		Locations  []location `json:"locations,omitempty"`
		Descriptor struct {
			ID    string `json:"id"`
			Index int    `json:"index"`
		} `json:"descriptor"`
	}
	notes := make([]notification, 0, len(run.Unreadable))
	for _, u := range run.Unreadable {
		n := notification{Level: "error", Message: text{u.Message}}
		n.Descriptor.ID = notifUnreadable
		if u.File != "" {
			n.Locations = []location{{PhysicalLocation: physical{ArtifactLocation: run.artifact(u.File)}}}
		}
		notes = append(notes, n)
	}
	invocation := map[string]any{
		"executionSuccessful": len(run.Unreadable) == 0,
		"exitCode":            run.ExitCode,
	}
	if len(notes) > 0 {
		invocation["toolExecutionNotifications"] = notes
	}
	driver := map[string]any{
		"name": run.Tool.Name, "version": run.Tool.Version, "informationUri": run.Tool.InformationURI,
		"rules": rules,
		"notifications": []rule{{
			ID: notifUnreadable, Name: "UnreadableInput",
			ShortDescription:     text{"An input could not be read."},
			FullDescription:      text{"A path given to vet is missing, unreadable, or larger than 8 MiB; it was not checked, so the run cannot vouch for it."},
			Help:                 mtext{Text: "Fix the path or the file's permissions.", Markdown: "Fix the path or the file's permissions."},
			HelpURI:              DocsURL + "#openclawcfg-vet",
			DefaultConfiguration: map[string]string{"level": "error"},
			Properties:           map[string]any{"tags": []string{"openclaw"}},
		}},
	}
	if run.Tool.SemanticVersion != "" {
		driver["semanticVersion"] = run.Tool.SemanticVersion
	}
	runObj := map[string]any{
		"tool":        map[string]any{"driver": driver},
		"invocations": []any{invocation},
		"columnKind":  "unicodeCodePoints",
		"results":     results,
	}
	if run.Root != "" {
		runObj["originalUriBaseIds"] = map[string]any{SrcRoot: map[string]string{"uri": dirURI(run.Root)}}
	}
	log := map[string]any{
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"version": "2.1.0",
		"runs":    []any{runObj},
	}
	// Streamed, one result at a time, with <, > and & escaped.
	return StreamJSON(w, log)
}

type artifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

// artifact locates a file: relative to %SRCROOT% when it lies inside
// Root (or is relative and Root is unknown), else an absolute file: URI.
func (run *SARIFRun) artifact(file string) artifactLocation {
	if run.Root == "" {
		if filepath.IsAbs(file) {
			return artifactLocation{URI: fileURI(file)}
		}
		return artifactLocation{URI: escapePath(filepath.ToSlash(filepath.Clean(file)))}
	}
	abs := file
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(run.Root, file)
	}
	rel, err := filepath.Rel(run.Root, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return artifactLocation{URI: fileURI(abs)}
	}
	return artifactLocation{URI: escapePath(filepath.ToSlash(rel)), URIBaseID: SrcRoot}
}

// escapePath percent-encodes each segment of a slash path, including ':'
// so that a first segment cannot read as a URI scheme.
func escapePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = strings.ReplaceAll(url.PathEscape(s), ":", "%3A")
	}
	return strings.Join(segs, "/")
}

// fileURI is the file: URI of an absolute path ("C:\x" is file:///C:/x).
func fileURI(abs string) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if i == 1 && len(s) == 2 && s[1] == ':' {
			continue // a drive letter stays as it is
		}
		segs[i] = strings.ReplaceAll(url.PathEscape(s), ":", "%3A")
	}
	return "file://" + strings.Join(segs, "/")
}

// dirURI is the file: URI of a directory, with the trailing slash SARIF
// requires of a base URI.
func dirURI(abs string) string {
	u := fileURI(abs)
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	return u
}

// stripMarkdown drops the backticks of inline code for plain-text help.
func stripMarkdown(s string) string { return strings.ReplaceAll(s, "`", "") }
