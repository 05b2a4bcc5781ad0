package jsregex

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestCompileErrors(t *testing.T) {
	for _, c := range []struct{ src, flags, want string }{
		{"(", "gi", "Invalid regular expression: /(/gi: Unterminated group"},
		{"a", "ii", "Invalid flags supplied to RegExp constructor 'ii'"},
		{"a", "uv", "Invalid flags supplied to RegExp constructor 'uv'"},
		{"a", "q", "Invalid flags supplied to RegExp constructor 'q'"},
		{"(?i)bot", "i", "Invalid regular expression: /(?i)bot/i: Invalid group"},
	} {
		_, err := Compile(c.src, c.flags)
		var se *SyntaxError
		if !errors.As(err, &se) || err.Error() != c.want {
			t.Errorf("Compile(%q, %q) = %v, want SyntaxError %q", c.src, c.flags, err, c.want)
		}
	}
	for _, flags := range []string{"u", "iv"} {
		if _, err := Compile("a", flags); !errors.Is(err, ErrUnsupported) {
			t.Errorf("Compile(a, %q) = %v, want ErrUnsupported", flags, err)
		}
	}
}

func TestMatchUTF16(t *testing.T) {
	for _, c := range []struct {
		src, flags, text string
		want             bool
	}{
		{`^.$`, "", "😀", false},
		{`^..$`, "", "😀", true},
		{`^[^x]{2}$`, "", "😀", true},
		{`\uDE00`, "", "a😀", true},
		{`^\uD83D\uDE00$`, "", "😀", true},
		{`^.$`, "", "\xff", true}, // invalid UTF-8 is one U+FFFD
		{`\u212A`, "i", "k", false},
		{`ſ`, "i", "S", false},
		{`σ`, "i", "ς", true},
		{`\bbot`, "i", "ébot", true},
		{`\s`, "", "\u0085", false},
		{`\s`, "", "\ufeff", true},
	} {
		re, err := Compile(c.src, c.flags)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := re.MatchString(c.text); err != nil || got != c.want {
			t.Errorf("/%s/%s.test(%q) = %v, %v; want %v", c.src, c.flags, c.text, got, err, c.want)
		}
	}
}

func TestString(t *testing.T) {
	for _, c := range []struct{ src, flags, want string }{
		{"", "", "/(?:)/"},
		{"a/b", "ig", "/a\\/b/gi"},
		{"[/]\\/", "", "/[/]\\//"},
		{"\n\\\n\u2028", "", `/\n\n\u2028/`},
	} {
		re, err := Compile(c.src, c.flags)
		if err != nil {
			t.Fatal(err)
		}
		if got := re.String(); got != c.want {
			t.Errorf("String() = %q, want %q", got, c.want)
		}
	}
}

// Exponential backtracking no engine finishes: the match is abandoned
// with ErrTimeout, within regexp2's clock granularity, and the error does
// not quote the (possibly private) input.
func TestTimeout(t *testing.T) {
	re, err := Compile(`^(\w\d|\d\w)*$`, "i")
	if err != nil {
		t.Fatal(err)
	}
	input := strings.Repeat("1", 200) + "!"
	start := time.Now()
	got, err := re.MatchString(input)
	// regexp2 reads a coarse clock that a goroutine advances; on a loaded
	// machine it lags, so the bound is generous (an unbounded match would
	// run for hours).
	if elapsed := time.Since(start); elapsed > 20*time.Second {
		t.Errorf("timed-out match took %v", elapsed)
	}
	if got || !errors.Is(err, ErrTimeout) {
		t.Fatalf("MatchString = %v, %v; want false, ErrTimeout", got, err)
	}
	if strings.Contains(err.Error(), "1111") {
		t.Errorf("error quotes the input: %v", err)
	}
	// The same Regexp still works afterwards.
	if ok, err := re.MatchString("1a2b"); !ok || err != nil {
		t.Errorf("after a timeout: %v, %v", ok, err)
	}
}

func TestConcurrentUse(t *testing.T) {
	re, err := Compile(`\b@?openclaw\b|hey\s+clawd`, "i")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				text, want := "hey   CLAWD 😀", true
				if (g+i)%2 == 1 {
					text, want = "openclawx 😀", false
				}
				if got, err := re.MatchString(text); got != want || err != nil {
					t.Errorf("%q: %v, %v", text, got, err)
					return
				}
			}
		}(g)
	}
	wg.Wait()
}

// Every unit of a case class canonicalizes alike.
func TestCaseClasses(t *testing.T) {
	cc := caseClasses()
	for c, cl := range cc.of {
		if canonicalize(c) != canonicalize(cl[0]) || !slices.Contains(cl, c) {
			t.Fatalf("U+%04X in class %U", c, cl)
		}
	}
	if got := caseClass('k'); len(got) != 2 {
		t.Errorf("caseClass('k') = %U, want [K k]", got)
	}
	if got := caseClass(0x212A); len(got) != 1 {
		t.Errorf("caseClass(KELVIN SIGN) = %U, want itself only", got)
	}
}

// Deep nesting costs no Go stack in the parser. V8 itself throws "Stack
// overflow" from test() at about 12,000 nested capturing groups; regexp2
// reports its backtracking limit there instead. Beyond maxNesting groups
// jsregex declines the pattern.
func TestNestingDepth(t *testing.T) {
	for _, n := range []int{1000, 20000} {
		src := strings.Repeat("(", n) + "a" + strings.Repeat(")", n)
		re, err := Compile(src, "i")
		if err != nil {
			t.Fatalf("depth %d: %v", n, err)
		}
		ok, err := re.MatchString("xA")
		if !(ok && err == nil) && !(n > 10000 && errors.Is(err, ErrBacktrackLimit)) {
			t.Errorf("depth %d: %v, %v", n, ok, err)
		}
	}
	// Quantifiers at every level: linear, not quadratic, in the depth.
	start := time.Now()
	src := strings.Repeat("(?:", 30000) + "a" + strings.Repeat(")*", 30000)
	if _, err := Compile(src, ""); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("compiling 30,000 nested quantified groups took %v", d)
	}
	if _, err := Compile(strings.Repeat("(?:", maxNesting+1)+strings.Repeat(")", maxNesting+1), ""); !errors.Is(err, ErrUnsupported) {
		t.Errorf("nesting past maxNesting: %v, want ErrUnsupported", err)
	}
}
