// Package source holds what the parse tree and the findings share: the
// files of a run and spans of bytes in them. Every parsed value carries
// its Span, every finding and related place is one, so positions carry
// their file from the parser to SARIF with no map on the side.
package source

import (
	"slices"
	"unicode/utf8"
)

// File is one input: its name as messages print it, its text, and the
// index that maps byte offsets to lines and columns (built on first use).
type File struct {
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

// NewFile returns a File for text.
func NewFile(name string, text []byte) *File { return &File{Name: name, Text: text} }

func (s *File) index() {
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
func (s *File) runesBefore(offset int) int {
	k := offset / markStep
	for k > 0 && s.markAt[k] > offset {
		k--
	}
	return s.marks[k] + utf8.RuneCount(s.Text[s.markAt[k]:offset])
}

// Position returns the 1-based line and code-point column of offset.
func (s *File) Position(offset int) (line, col int) {
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

// LineBounds returns the byte range of line n (1-based) without its
// terminator.
func (s *File) LineBounds(n int) (start, end int, ok bool) {
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
func (s *File) LineTextMax(n, max int) (string, bool) {
	start, end, ok := s.LineBounds(n)
	if !ok || end-start > max {
		return "", false
	}
	return string(s.Text[start:end]), true
}

// LineText returns line n (1-based) without its terminator.
func (s *File) LineText(n int) string {
	start, end, ok := s.LineBounds(n)
	if !ok {
		return ""
	}
	return string(s.Text[start:end])
}

// Span is the bytes [Start, End) of a file. The zero Span is no place: a
// value OpenClaw supplies itself rather than reads from a file.
type Span struct {
	File       *File
	Start, End int
}

// IsValid reports whether s is a place in a file.
func (s Span) IsValid() bool { return s.File != nil }

// Name is the name of the span's file, "" for no place.
func (s Span) Name() string {
	if s.File == nil {
		return ""
	}
	return s.File.Name
}

// Position is the 1-based line and code-point column of the span's start.
func (s Span) Position() (line, col int) {
	if s.File == nil {
		return 0, 0
	}
	return s.File.Position(s.Start)
}
