package main

import (
	"maps"
	"testing"
)

func TestParseEnvFile(t *testing.T) {
	src := "\ufeff# the gateway\n" +
		"A=1\n" +
		"export B = two words \n" +
		"C='lit # $x \\n'\n" +
		"D=\"esc\\n\\t\\\"q\\\" # not a comment\" # a comment\n" +
		"E=plain # a comment\n" +
		"F=a#b\n" +
		"G=\"multi\nline\"\r\n" +
		"\n" +
		"A=last wins\n" +
		"H=\n"
	got, err := parseEnvFile([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"A": "last wins", "B": "two words", "C": "lit # $x \\n", "D": "esc\n\t\"q\" # not a comment",
		"E": "plain", "F": "a#b", "G": "multi\nline", "H": "",
	}
	if !maps.Equal(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	for _, bad := range []string{"no equals sign", "1X=y", "A-B=c", "Q='open", "Q=\"open\nstill", "Q=\"x\" y", "Q='x' y", "=v"} {
		if _, err := parseEnvFile([]byte("OK=1\n" + bad + "\n")); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	if _, err := parseEnvFile([]byte("OK=1\nnot an assignment\n")); err == nil || err.Error() != `2: want NAME=VALUE, got "not an assignment"` {
		t.Errorf("error %v does not name line 2", err)
	}
}

func FuzzParseEnvFile(f *testing.F) {
	f.Add([]byte("A=1\nexport B=\"x\\ny\" # c\nC='z'\n"))
	f.Add([]byte("A=\"unterminated\n\n"))
	f.Add([]byte("\\\"=\"\\"))
	f.Fuzz(func(t *testing.T, src []byte) {
		vars, err := parseEnvFile(src)
		if err != nil {
			return
		}
		for k := range vars {
			if !validEnvName(k) {
				t.Fatalf("invalid name %q accepted", k)
			}
		}
	})
}

func TestExclude(t *testing.T) {
	c := &vetCmd{Exclude: []string{"package.json", "*.plan.json", "testdata", "config/old/*", "**/fixtures/**", "./legacy/"}}
	for name, want := range map[string]bool{
		"package.json":                   true,
		"web/package.json":               true,
		"openclaw.json5":                 false,
		"prod.plan.json":                 true,
		"a/b/prod.plan.json":             true,
		"testdata/x.json5":               true,
		"a/testdata":                     true,
		"config/old/x.json5":             true,
		"config/old":                     false,
		"config/older/x.json5":           false,
		"./config/old/sub/x.json5":       true, // under an excluded directory
		"a/fixtures/b/c.json5":           true,
		"fixtures/c.json5":               true,
		"legacy/openclaw.json5":          true,
		"legacyx/openclaw.json5":         false,
		"config/openclaw.json5":          false,
		"config/testdatax/openclaw.json": false,
	} {
		if got := c.excluded(name); got != want {
			t.Errorf("excluded(%q) = %v, want %v", name, got, want)
		}
	}
}
