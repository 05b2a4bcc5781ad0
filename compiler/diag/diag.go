// Package diag is the one diagnostic type shared by every phase of
// openclawcfg (JSON5 syntax, schema, OpenClaw's rules, lowering) and its
// renderings: compiler-style text with a caret excerpt, JSON, SARIF 2.1.0
// and GitHub workflow annotations.
package diag

import (
	"cmp"
	"slices"

	"github.com/openclawcfg/openclawcfg/compiler/source"
)

// Severity orders findings; only errors fail a run (unless --strict).
type Severity uint8

const (
	Error Severity = iota
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// MarshalText writes "error" or "warning".
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads "error" or "warning".
func (s *Severity) UnmarshalText(b []byte) error {
	if string(b) == "warning" {
		*s = Warning
	} else {
		*s = Error
	}
	return nil
}

// Diagnostic is one finding about one place in one file.
type Diagnostic struct {
	File   string `json:"file"`
	Line   int    `json:"line"`   // 1-based
	Column int    `json:"column"` // 1-based, in Unicode code points
	Offset int    `json:"offset"` // byte offset of the start
	End    int    `json:"endOffset"`
	// Path is the dotted config path as OpenClaw prints it
	// (channels.imessage.accounts.bot.allowFrom, attachmentRoots.0); empty
	// for the whole document.
	Path     string   `json:"path"`
	Severity Severity `json:"severity"`
	// Code is a stable identifier of the kind of finding (see codes.go).
	Code    string `json:"code"`
	Message string `json:"message"`
	// Allowed lists the accepted values when they are a small set.
	Allowed []string `json:"allowed,omitempty"`
	// DidYouMean is the closest valid key or value, when one is close.
	DidYouMean string `json:"didYouMean,omitempty"`
	// Fix says how to repair the value, when we know.
	Fix string `json:"fix,omitempty"`
	// EndLine and EndColumn locate End (filled by Source.LocateEnds).
	EndLine   int `json:"endLine,omitempty"`
	EndColumn int `json:"endColumn,omitempty"`
	// Edit is the replacement that applies Fix, when it is mechanical
	// (a did-you-mean, a value to wrap in [ ]); SARIF carries it as a fix.
	Edit *Edit `json:"edit,omitempty"`
	// Related are other places that explain the finding: the key a
	// duplicate loses to, where an unterminated string opened, the
	// $include that read the file. SARIF carries them as
	// relatedLocations.
	Related []Related `json:"related,omitempty"`
	// OpenClaw, in vet --openclaw all, is the only release that reports
	// this finding.
	OpenClaw string `json:"openclaw,omitempty"`
	// More is set on the entry that stands for findings left out of the
	// list (see Cap): the number of findings it stands for. It is not a
	// finding itself; Count counts the findings it stands for.
	More int `json:"more,omitempty"`
}

// Related is a place, in any file of the run, that explains a finding.
type Related struct {
	File    string `json:"file"`
	Line    int    `json:"line"`   // 1-based
	Column  int    `json:"column"` // 1-based, in Unicode code points
	Offset  int    `json:"offset"`
	End     int    `json:"endOffset"`
	Message string `json:"message"`
}

// RelatedAt is the related place sp, with what it is.
func RelatedAt(sp source.Span, msg string) Related {
	line, col := sp.Position()
	return Related{File: sp.Name(), Line: line, Column: col, Offset: sp.Start, End: sp.End, Message: msg}
}

// Edit replaces the bytes [Offset, End) of the diagnostic's file by Text.
type Edit struct {
	Offset int    `json:"offset"`
	End    int    `json:"endOffset"`
	Text   string `json:"text"`
}

// Source is a file of the run: its name and text, with the line index
// that turns offsets into lines and columns.
type Source = source.File

// NewSource returns a Source for text.
func NewSource(name string, text []byte) *Source { return source.NewFile(name, text) }

// Locate fills File, Line and Column of every diagnostic from its Offset.
func Locate(s *Source, ds []Diagnostic) {
	for i := range ds {
		ds[i].File = s.Name
		ds[i].Line, ds[i].Column = s.Position(ds[i].Offset)
	}
}

// Sort orders diagnostics by file and position, errors before warnings at
// the same place, and drops exact duplicates.
func Sort(ds []Diagnostic) []Diagnostic {
	slices.SortStableFunc(ds, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Offset, b.Offset),
			cmp.Compare(a.Severity, b.Severity),
			cmp.Compare(a.Path, b.Path),
			cmp.Compare(a.Message, b.Message),
		)
	})
	return slices.CompactFunc(ds, func(a, b Diagnostic) bool {
		return a.File == b.File && a.Offset == b.Offset && a.Severity == b.Severity && a.Path == b.Path && a.Message == b.Message
	})
}

// Count returns the number of errors and warnings.
func Count(ds []Diagnostic) (errs, warns int) {
	for _, d := range ds {
		n := 1
		if d.More > 0 {
			n = d.More
		}
		if d.Severity == Error {
			errs += n
		} else {
			warns += n
		}
	}
	return errs, warns
}
