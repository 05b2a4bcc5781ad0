package resolve

import (
	"strings"
	"testing"

	"github.com/openclawcfg/openclawcfg/compiler/diag"
	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
	"github.com/openclawcfg/openclawcfg/compiler/source"
)

// Merged lists and objects stop at MaxEntries with one limit error at the
// $include that crosses it; under it they merge as before.
func TestMergeLimits(t *testing.T) {
	list := func(n int) string { return "{ l: [" + strings.Repeat("1,", n) + "] }" }
	for _, c := range []struct {
		name   string
		a, b   string
		fail   string // the error's message, "" when it merges
		length int
	}{
		{"lists under", list(MaxEntries / 2), list(MaxEntries / 2), "", MaxEntries},
		{"lists over", list(MaxEntries / 2), list(MaxEntries/2 + 1), "merging the included lists makes l a list of more than 10000 items, past openclawcfg's limit", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			ffs := &fakeFS{files: map[string]string{"/cfg/a.json5": c.a, "/cfg/b.json5": c.b}}
			res := Resolve(parseDoc(t, mainPath, `{ $include: ["./a.json5", "./b.json5"] }`), Options{ReadFile: ffs.read})
			if c.fail == "" {
				if len(res.Findings) != 0 || len(res.Root.Lookup("l").Elems) != c.length {
					t.Fatalf("findings:\n%s", showFindings(res))
				}
				return
			}
			if res.Root != nil || len(res.Findings) != 1 || res.Findings[0].Code != diag.CodeLimit || res.Findings[0].Message != c.fail || res.Findings[0].Path != "$include.1" {
				t.Fatalf("findings:\n%s", showFindings(res))
			}
		})
	}
}

// Substituted values are recorded (name, value, path) and the string as
// written is kept, for callers that must not print them.
func TestEnvUses(t *testing.T) {
	res := Resolve(parseDoc(t, mainPath, `{ env: { vars: { LOCAL: "l" } }, a: ["x ${TOKEN} ${LOCAL} ${TOKEN}"], b: "${TOKEN}" }`),
		Options{Env: envOf(map[string]string{"TOKEN": "t0k€n"})})
	if len(res.Findings) != 0 {
		t.Fatalf("findings:\n%s", showFindings(res))
	}
	if len(res.Env) != 3 || res.Env[0] != (EnvUse{Name: "TOKEN", Value: "t0k€n", Path: "a.0"}) || res.Env[2].Path != "b" {
		t.Errorf("Env = %+v", res.Env)
	}
	a0 := res.Root.Lookup("a").Elems[0]
	s := res.Subst[a0]
	if a0.Str != "x t0k€n l t0k€n" || s == nil || s.Raw != "x ${TOKEN} ${LOCAL} ${TOKEN}" || len(s.Env) != 1 || s.Env[0] != (EnvRef{"TOKEN", 5, "t0k€n"}) {
		t.Errorf("a.0 = %q, Subst %+v", a0.Str, s)
	}
}

// A refused variable is unset, with the reason in its warning.
func TestEnvAllowed(t *testing.T) {
	res := Resolve(parseDoc(t, mainPath, `{ a: "${TOKEN}${TOKEN}", b: "${OK}" }`), Options{
		Env:        envOf(map[string]string{"TOKEN": "t", "OK": "fine"}),
		EnvAllowed: func(n string) bool { return n == "OK" }, EnvDenied: "--allow-env does not list it",
	})
	if res.Root.Lookup("a").Str != "${TOKEN}${TOKEN}" || res.Root.Lookup("b").Str != "fine" || len(res.Env) != 1 {
		t.Fatalf("a = %q, b = %q, Env %+v", res.Root.Lookup("a").Str, res.Root.Lookup("b").Str, res.Env)
	}
	if len(res.Findings) != 1 || !strings.HasPrefix(res.Findings[0].Message, "environment variable TOKEN was not read (--allow-env does not list it)") {
		t.Errorf("findings:\n%s", showFindings(res))
	}
}

// FuzzMerge resolves two included files into a main one (the same file
// possibly several times, with ${VAR}s): no panic, and every bound holds
// on the result.
func FuzzMerge(f *testing.F) {
	f.Add(`{ $include: ["./a.json5", "./b.json5", "./a.json5"], x: "${V}" }`, `{ l: [1, 2], o: { k: "${V}" } }`, `{ l: ["${V}"], $include: "./a.json5" }`, "val")
	f.Add(`{ a: { $include: "./b.json5" }, env: { vars: { V: "${W}" } } }`, `[]`, `{ __proto__: { x: 1 }, y: [{}] }`, "")
	f.Add(`{ $include: ["./b.json5", "./b.json5", "./b.json5", "./b.json5"] }`, `{}`, `{ l: [`+strings.Repeat("1,", 3000)+`] }`, "x")
	f.Fuzz(func(t *testing.T, main, a, b, v string) {
		mf := source.NewFile(mainPath, []byte(main))
		root, err := json5.ParseFile(mf, ParseOptions)
		if err != nil {
			return
		}
		ffs := &fakeFS{files: map[string]string{"/cfg/a.json5": a, "/cfg/b.json5": b}}
		res := Resolve(Doc{File: mf, Root: root}, Options{ReadFile: ffs.read, Env: envOf(map[string]string{"V": v, "W": v + v})})
		if res.Root == nil {
			if len(res.Findings) == 0 {
				t.Fatal("no root and no finding")
			}
			return
		}
		if n := countNodes(res.Root); n > MaxNodes {
			t.Fatalf("%d values", n)
		}
		var walk func(n *json5.Node)
		inserted := 0
		walk = func(n *json5.Node) {
			if len(n.Elems) > MaxEntries || len(n.Members) > MaxEntries {
				t.Fatalf("%d elements, %d members", len(n.Elems), len(n.Members))
			}
			for _, e := range n.Elems {
				walk(e)
			}
			for i := range n.Members {
				walk(n.Members[i].Value)
			}
		}
		walk(res.Root)
		for _, u := range res.Env {
			inserted += len(u.Value)
		}
		if inserted > MaxEnvBytes {
			t.Fatalf("%d bytes substituted", inserted)
		}
	})
}
