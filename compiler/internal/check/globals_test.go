package check

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/openclawcfg/openclawcfg/compiler/internal/spec/specgen"
	"github.com/openclawcfg/openclawcfg/internal/jsregex"
)

// The parsers of session.maintenance values, against OpenClaw's own
// results (parseDurationMs with defaultUnit "d", parseByteSize; see the
// g-session-maintenance-* conformance cases for the oracle's verdicts).
func TestDurationAndSize(t *testing.T) {
	for _, c := range []struct {
		in       string
		duration bool
		size     bool
	}{
		{"30d", true, false},
		{"1h30m", true, false},
		{"1m5s", true, false},
		{"500ms", true, false},
		{"30", true, true},
		{"0.5", true, true},
		{"1.5h", true, false},
		{"30D", true, false},
		{"  2d  ", true, false},
		{"", false, false},
		{"h", false, false},
		{"1.h", false, false},
		{"1h 30m", false, false},
		{"1w", false, false},
		{"-1", false, false},
		{"1e+21", false, false},
		{"10k", false, true},
		{"10kb", false, true},
		{"10KB", false, true},
		{"10\u212ab", false, true},
		{"10 mb", false, false},
		{"10kib", false, false},
		{"1.5t", false, true},
		{"mb", false, false},
		{"1ms5", false, false},
		{"1.5.5m", false, false},
		{strings.Repeat("9", 400), false, false},
	} {
		if got := validDuration(c.in, "d"); got != c.duration {
			t.Errorf("validDuration(%q) = %v, want %v", c.in, got, c.duration)
		}
		if got := validByteSize(c.in); got != c.size {
			t.Errorf("validByteSize(%q) = %v, want %v", c.in, got, c.size)
		}
	}
}

// The JSON Schema patterns editors run must agree with the Go parsers on
// strings (except digit runs too long for a float64, which only the
// parsers refuse).
func TestDurationAndSizePatterns(t *testing.T) {
	dur, err := jsregex.Compile(specgen.DurationPattern, "")
	if err != nil {
		t.Fatal(err)
	}
	size, err := jsregex.Compile(specgen.ByteSizePattern, "")
	if err != nil {
		t.Fatal(err)
	}
	alphabet := []string{"0", "1", "9", ".", "m", "s", "M", "S", "h", "d", "D", "k", "b", "B", "g", "t", "T", "i", "w", " ", "\t", "\u00a0", "\u212a", "-", "e", "+", "x"}
	r := rand.New(rand.NewPCG(7, 13))
	for range 20000 {
		var b strings.Builder
		for range r.IntN(8) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		s := b.String()
		if got, _ := dur.MatchString(s); got != validDuration(s, "d") {
			t.Errorf("DurationPattern(%q) = %v, validDuration = %v", s, got, !got)
		}
		if got, _ := size.MatchString(s); got != validByteSize(s) {
			t.Errorf("ByteSizePattern(%q) = %v, validByteSize = %v", s, got, !got)
		}
	}
}

func TestDirKey(t *testing.T) {
	same := [][2]string{{"/srv/a", "/srv//x/../a/"}, {"agent", "./agent"}, {"~/a", "~/a/"}, {"~", "~/"}, {"a/../../x", "../x"}}
	for _, p := range same {
		if dirKey(p[0]) != dirKey(p[1]) {
			t.Errorf("dirKey(%q) = %q, dirKey(%q) = %q: want equal", p[0], dirKey(p[0]), p[1], dirKey(p[1]))
		}
	}
	differ := [][2]string{{"../x", "x"}, {"~/../x", "~/x"}, {"x", "/x"}, {"~x", "~/x"}, {"/srv/Agent", "/srv/agent"}}
	for _, p := range differ {
		if dirKey(p[0]) == dirKey(p[1]) {
			t.Errorf("dirKey(%q) == dirKey(%q) = %q: want different", p[0], p[1], dirKey(p[0]))
		}
	}
}

func TestAgentKeyOK(t *testing.T) {
	for k, want := range map[string]bool{
		"main": true, "Ops_2": true, "_x": true, "a-b": true, "-a": false, "": false,
		strings.Repeat("a", 64): true, strings.Repeat("a", 65): false,
		"a.b": false, "a b": false, "ſ": false, "\u212a": false, "é": false, "a@": false, "a[": false,
	} {
		if got := agentKeyOK(k); got != want {
			t.Errorf("agentKeyOK(%q) = %v, want %v", k, got, want)
		}
	}
}
