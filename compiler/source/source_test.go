package source

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// Position with marks must agree with counting from the start of the line
// on any text: multi-byte characters, invalid bytes, CR, CRLF, long lines.
func TestPositionMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"a", "é", "😀", "ключ", "\n", "\r\n", "\r", "\xff", "\xe2\x82", "\x80", strings.Repeat("x", 700), strings.Repeat("ü", 300)}
	for range 8 {
		var b strings.Builder
		for b.Len() < 4000 {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		text := []byte(b.String())
		s := NewFile("t", text)
		naive := NewFile("t", text)
		naive.index()
		for off := 0; off <= len(text); off++ {
			line, col := s.Position(off)
			i := line - 1
			if want := utf8.RuneCount(text[naive.lines[i]:off]) + 1; col != want {
				t.Fatalf("offset %d: column %d, want %d", off, col, want)
			}
		}
	}
}
