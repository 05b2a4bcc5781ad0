package specgen

import (
	"errors"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/openclawcfg/openclawcfg/internal/jsregex"
	"github.com/openclawcfg/openclawcfg/internal/openclaw"
)

// alphabet holds the characters the three checks treat specially, plus
// JavaScript-only whitespace (NBSP, U+2028, BOM) and a non-ASCII letter.
var alphabet = []string{
	"a", "Z", "0", "_", "+", "-", ".", "~", "/", `\`, ":", "*", "@", "[", "]", "%", "f",
	" ", "\t", "\n", "\r", "\x00", "\x01", "\x7f", ";", "&", "|", "`", "$", "{", "}", "<", ">", `"`, "'",
	"\u00a0", "\u2028", "\ufeff", "é", "C", "..", "${X}", "${HOME}", "$${X}",
}

// samples yields n random strings over alphabet (deterministic), plus the
// corner cases worth naming.
func samples(n int) []string {
	out := []string{
		"", " ", "imsg", "-imsg", "./imsg", "~/bin/imsg", "/usr/local/bin/imsg", "C:\\imsg", "-/x",
		"host", "user@host", "[::1]", "[fe80::1%en0]", "host:22", "a@b@c", "@host", "user@", " user@host\t",
		"/", "//", "/.", "/..", "/...", "/a/..", "/a/b*/../c", "/a/*", "/a/* ", "/a/*b", "/a/**", "C:/", "C:\\", "C:/x", "c:/..", "/Users/*/Library/Messages/Attachments",
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range n {
		var b strings.Builder
		for range r.IntN(9) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		out = append(out, b.String())
	}
	return out
}

func mustJS(t testing.TB, p string) *jsregex.Regexp {
	t.Helper()
	re, err := jsregex.Compile(p, "")
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	return re
}

// match retries a timed-out match: regexp2 checks deadlines against a
// coarse clock, so a busy test process sees rare spurious timeouts.
func match(t testing.TB, re *jsregex.Regexp, s string) bool {
	for try := 0; ; try++ {
		ok, err := re.MatchString(s)
		if err == nil {
			return ok
		}
		if !errors.Is(err, jsregex.ErrTimeout) || try == 3 {
			t.Fatalf("%q: %v", s, err)
		}
	}
}

var envRefRE = regexp.MustCompile(envRef)

// The cliPath and remoteHost patterns say exactly what OpenClaw's checks
// say, except that a value with a ${VAR} reference is accepted (its value
// is unknown until OpenClaw substitutes it).
func TestPatternsMatchOpenClaw(t *testing.T) {
	cli := mustJS(t, CLIPathPattern)
	host := mustJS(t, RemoteHostPattern)
	var n int
	for _, s := range samples(200000) {
		hasRef := envRefRE.MatchString(s)
		if got, want := match(t, cli, s), openclaw.ExecutableProblem(s) == ""; got != want && !(hasRef && got) {
			t.Errorf("cliPath %q: pattern accepts=%v, OpenClaw accepts=%v (%s)", s, got, want, openclaw.ExecutableProblem(s))
			n++
		}
		if got, want := match(t, host, s), openclaw.RemoteHostProblem(s) == ""; got != want && !(hasRef && got) {
			t.Errorf("remoteHost %q: pattern accepts=%v, OpenClaw accepts=%v (%s)", s, got, want, openclaw.RemoteHostProblem(s))
			n++
		}
		if n > 20 {
			t.Fatal("too many differences")
		}
	}
}

var dotdotRE = regexp.MustCompile(`(^|[/\\])\.\.([/\\]|\s*$)`)

// The attachment-root pattern never rejects a root OpenClaw accepts, and
// agrees with it exactly on roots without a ".." segment.
func TestRootPattern(t *testing.T) {
	re := mustJS(t, RootPattern)
	var lenient int
	for _, s := range samples(200000) {
		got, want := match(t, re, s), openclaw.RootPatternProblem(s) == ""
		switch {
		case want && !got:
			t.Fatalf("attachment root %q: OpenClaw accepts it, the pattern rejects it", s)
		case got && !want && !dotdotRE.MatchString(s) && !envRefRE.MatchString(s):
			t.Fatalf("attachment root %q: the pattern accepts it, OpenClaw rejects it (%s)", s, openclaw.RootPatternProblem(s))
		case got != want:
			lenient++
		}
	}
	t.Logf("%d roots with a \"..\" segment accepted by the pattern and rejected by OpenClaw", lenient)
}

func FuzzPatterns(f *testing.F) {
	for _, s := range samples(50) {
		f.Add(s)
	}
	cli := mustJS(f, CLIPathPattern)
	host := mustJS(f, RemoteHostPattern)
	root := mustJS(f, RootPattern)
	f.Fuzz(func(t *testing.T, s string) {
		hasRef := envRefRE.MatchString(s)
		if got, want := match(t, cli, s), openclaw.ExecutableProblem(s) == ""; got != want && !(hasRef && got) {
			t.Fatalf("cliPath %q: pattern %v, OpenClaw %v", s, got, want)
		}
		if got, want := match(t, host, s), openclaw.RemoteHostProblem(s) == ""; got != want && !(hasRef && got) {
			t.Fatalf("remoteHost %q: pattern %v, OpenClaw %v", s, got, want)
		}
		if got, want := match(t, root, s), openclaw.RootPatternProblem(s) == ""; want && !got {
			t.Fatalf("attachment root %q: OpenClaw accepts it, the pattern rejects it", s)
		}
	})
}
