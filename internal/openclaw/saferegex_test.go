package openclaw

import "testing"

// OpenClaw 2026.3.24's verdicts (compileSafeRegexDetailed(p, "i").reason ===
// "unsafe-nested-repetition", from dist/safe-regex-*.js, recorded with the
// oracle's Node 24). The golden (mentions_golden_test.go) checks the gate's
// every reason on many more patterns.
var nestedRepetitionOracle = map[string]bool{
	"(a+)+": true, "(a|ab)*": true, "(a|b)*": false, "a+b+": false, `\bbot\b`: false,
	"(?:a+){2}": true, "[a+]+": false, "a{2,}?": false, "(ab)+": false, "((a)+)": false,
	"(a|)+": true, "(a{2}|b{2})+": true, "(a{1,2}|b)+": true, "x**": true, "(a+)?": true,
	"(a+){0}": true, "(.*)*": true, `^hey\s+openclaw\b`: false, `@?ops[- ]?bot\b`: false,
	`\(a+\)+`: false, "(a+|b)c+": false, "((ab)*c)+": true, "a{3}{2}": true, "(🤖+)+": true,
	"(a)(b)+": false, "()+": false, "(a|b|cd){2}": false, "(a|b|cd){2,}": true,
}

func TestHasNestedRepetitionMatchesOpenClaw(t *testing.T) {
	for p, want := range nestedRepetitionOracle {
		if got := HasNestedRepetition(p); got != want {
			t.Errorf("HasNestedRepetition(%q) = %v, OpenClaw %v", p, got, want)
		}
	}
}

func FuzzHasNestedRepetition(f *testing.F) {
	for p := range nestedRepetitionOracle {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p string) {
		HasNestedRepetition(p)
		CompileSafeRegex(p, "i")
	})
}
