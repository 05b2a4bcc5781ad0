package jsregex

import "testing"

// TestCompileShared: a pattern compiles once per process (Regexp is
// immutable); the same source and flags give the same *Regexp, other
// flags another, and a syntax error is returned again, not cached away.
func TestCompileShared(t *testing.T) {
	a, err := Compile(`\bclawd\b`, "i")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Compile(`\bclawd\b`, "i")
	c, _ := Compile(`\bclawd\b`, "")
	if a != b || a == c {
		t.Errorf("shared: same flags %v, other flags %v", a == b, a == c)
	}
	if ok, _ := a.MatchString("hey CLAWD"); !ok {
		t.Error("the shared Regexp does not match")
	}
	for range 2 {
		if _, err := Compile(`(`, ""); err == nil {
			t.Error("an invalid pattern compiled")
		}
	}
}
