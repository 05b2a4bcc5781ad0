package jsregex

import (
	"strings"
	"testing"
)

// A 100-character group message and three typical mention patterns.
var benchText = strings.Repeat("the quick brown fox jumps over ", 3)[:90] + "hey clawd!"

var benchPatterns = []string{`\b@?openclaw\b`, `@bot`, `hey\s+clawd`}

func BenchmarkMatchMention(b *testing.B) {
	for _, p := range benchPatterns {
		re, err := Compile(p, "i")
		if err != nil {
			b.Fatal(err)
		}
		b.Run(p, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				re.MatchString(benchText)
			}
		})
	}
	re, _ := Compile(`\b@?openclaw\b`, "i")
	astral := benchText[:80] + " 🦞🦞 openclaw"
	b.Run("astral-input", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			re.MatchString(astral)
		}
	})
}

// BenchmarkCompile measures a pattern's translation and compilation (the
// first Compile of it in a process; later ones share the result).
func BenchmarkCompile(b *testing.B) {
	for _, p := range benchPatterns {
		b.Run(p, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := compile(p, "i"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
