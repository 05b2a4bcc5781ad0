// Package diag is the one diagnostic type shared by every phase of
// openclawcfg (JSON5 syntax, schema, OpenClaw's rules, lowering) and its
// renderings: compiler-style text with a caret excerpt, JSON, SARIF 2.1.0
// and GitHub workflow annotations.
package diag

import (
	"cmp"
	"slices"
	"unicode/utf8"
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
	// More is set on the entry that stands for findings left out of the
	// list (see Cap): the number of findings it stands for. It is not a
	// finding itself; Count counts the findings it stands for.
	More int `json:"more,omitempty"`
}

// Edit replaces the bytes [Offset, End) of the diagnostic's file by Text.
type Edit struct {
	Offset int    `json:"offset"`
	End    int    `json:"endOffset"`
	Text   string `json:"text"`
}

// Source maps byte offsets of one file to lines and columns.
type Source struct {
	Name  string
	Text  []byte
	lines []int // byte offset of each line start; built on first use
	// marks[k] is the code-point count of Text[:markAt[k]], where markAt[k]
	// is the first character boundary at or before k*markStep: a column
	// costs at most markStep bytes of counting, however long its line.
	marks  []int
	markAt []int
}

// markStep is the spacing of the code-point marks.
const markStep = 512

// NewSource returns a Source for text.
func NewSource(name string, text []byte) *Source { return &Source{Name: name, Text: text} }

func (s *Source) index() {
	if s.lines != nil {
		return
	}
	s.lines = append(s.lines, 0)
	for i := 0; i < len(s.Text); i++ {
		switch s.Text[i] {
		case '\n':
			s.lines = append(s.lines, i+1)
		case '\r':
			if i+1 < len(s.Text) && s.Text[i+1] == '\n' {
				i++
			}
			s.lines = append(s.lines, i+1)
		}
	}
	// Counting from a byte that is not a UTF-8 continuation byte gives the
	// same count as counting from the start of the text: no sequence runs
	// across such a byte.
	n, at := 0, 0
	for k := 0; k*markStep <= len(s.Text); k++ {
		next := k * markStep
		for next > at && next < len(s.Text) && !utf8.RuneStart(s.Text[next]) {
			next--
		}
		n += utf8.RuneCount(s.Text[at:next])
		at = next
		s.marks = append(s.marks, n)
		s.markAt = append(s.markAt, at)
	}
}

// runesBefore is utf8.RuneCount(s.Text[:offset]) in O(markStep).
func (s *Source) runesBefore(offset int) int {
	k := offset / markStep
	for k > 0 && s.markAt[k] > offset {
		k--
	}
	return s.marks[k] + utf8.RuneCount(s.Text[s.markAt[k]:offset])
}

// Position returns the 1-based line and code-point column of offset.
func (s *Source) Position(offset int) (line, col int) {
	s.index()
	offset = min(max(offset, 0), len(s.Text))
	i, found := slices.BinarySearch(s.lines, offset)
	if !found {
		i--
	}
	// A line starts after '\n' or '\r' (ASCII): the difference of the two
	// counts is the count of the line's bytes before offset.
	return i + 1, s.runesBefore(offset) - s.runesBefore(s.lines[i]) + 1
}

// lineBounds returns the byte range of line n (1-based) without its
// terminator.
func (s *Source) lineBounds(n int) (start, end int, ok bool) {
	s.index()
	if n < 1 || n > len(s.lines) {
		return 0, 0, false
	}
	start = s.lines[n-1]
	end = len(s.Text)
	if n < len(s.lines) {
		end = s.lines[n]
	}
	for end > start && (s.Text[end-1] == '\n' || s.Text[end-1] == '\r') {
		end--
	}
	return start, end, true
}

// LineTextMax is LineText for a line of at most max bytes; for a longer
// one it returns false without copying it (a minified config is one line
// of megabytes, and findings on it are many).
func (s *Source) LineTextMax(n, max int) (string, bool) {
	start, end, ok := s.lineBounds(n)
	if !ok || end-start > max {
		return "", false
	}
	return string(s.Text[start:end]), true
}

// LineText returns line n (1-based) without its terminator.
func (s *Source) LineText(n int) string {
	start, end, ok := s.lineBounds(n)
	if !ok {
		return ""
	}
	return string(s.Text[start:end])
}

// Locate fills File, Line and Column of every diagnostic from its Offset.
func (s *Source) Locate(ds []Diagnostic) {
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
