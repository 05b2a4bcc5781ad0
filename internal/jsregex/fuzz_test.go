package jsregex

import (
	"testing"
)

// seeds: every pattern of the V8 golden, so the fuzzer starts from the
// constructs V8 accepts and rejects.
func addGoldenSeeds(f *testing.F, withText bool) {
	f.Helper()
	t := &testing.T{}
	for _, r := range readGolden(t) {
		if r.Fn != "v8.RegExp" {
			continue
		}
		if !withText {
			f.Add(r.Pattern, r.Flags)
			continue
		}
		f.Add(r.Pattern, "")
		for _, tw := range r.Tests {
			f.Add(r.Pattern, tw.Text)
		}
	}
}

// FuzzCompile: any pattern and flags compile or fail without panicking,
// and an accepted pattern matches without panicking.
func FuzzCompile(f *testing.F) {
	addGoldenSeeds(f, false)
	f.Fuzz(func(t *testing.T, src, flags string) {
		re, err := Compile(src, flags)
		if err != nil {
			return
		}
		_ = re.String()
		for _, s := range []string{"", src, "a😀\n"} {
			re.MatchString(s)
		}
	})
}

// FuzzMatch: an "i" pattern against any text.
func FuzzMatch(f *testing.F) {
	addGoldenSeeds(f, true)
	f.Fuzz(func(t *testing.T, src, text string) {
		re, err := Compile(src, "i")
		if err != nil {
			return
		}
		re.MatchString(text)
	})
}
