package compiler_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openclawcfg/openclawcfg/compiler"
	"github.com/openclawcfg/openclawcfg/compiler/diag"
)

// The policy lints run on a file whose errors leave the policy known, so
// one round of fixes is enough; otherwise the result says why they did not.
func TestLintsDespiteErrors(t *testing.T) {
	for _, c := range []struct {
		name, src string
		codes     string
		note      string // a substring of the note, "" for none
	}{
		{
			"an error elsewhere", `{ channels: { imessage: { dmPolicy: "open", allowFrom: ["*"], textChunkLimit: 0, cliPth: "x" } } }`,
			"open-dm,wildcard-allow,range,unknown-key", "",
		},
		{
			"an error in an account's media limit", `{ channels: { imessage: { accounts: { bot: { groupPolicy: "open", mediaMaxMb: -1 } } } } }`,
			"open-groups,range", "",
		},
		{
			"an error in a group's tools", `{ channels: { imessage: { groupPolicy: "open", groups: { "*": { tools: { allow: ["a"], alsoAllow: ["b"] } } } } } }`,
			"open-groups,mention-undetectable,tool-policy", "",
		},
		{
			"a policy value with the wrong type", `{ channels: { imessage: { dmPolicy: "open", allowFrom: "*" } } }`,
			"dm-policy,type", "the errors at channels.imessage.allowFrom",
		},
		{
			"a misspelt policy key", `{ channels: { imessage: { groupPolicy: "open", allowfrom: ["*"] } } }`,
			"unknown-key", "channels.imessage.allowfrom",
		},
		{
			"an element of allowFrom", `{ channels: { imessage: { dmPolicy: "allowlist", allowFrom: ["a", true] } } }`,
			"type", "the errors at channels.imessage.allowFrom leave",
		},
		{"a syntax error says nothing more", `{ channels: `, "syntax", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := compiler.Vet("x.json5", []byte(c.src), hermetic)
			if got := strings.Join(codes(r.Diagnostics), ","); got != c.codes {
				t.Errorf("findings %s, want %s", got, c.codes)
			}
			if c.note == "" && r.Note != "" || !strings.Contains(r.Note, c.note) {
				t.Errorf("note %q, want one containing %q", r.Note, c.note)
			}
		})
	}
}

// Pruned configs must lower cleanly: over the whole conformance corpus no
// note reports that the lowering tripped.
func TestLintsDespiteErrorsCorpus(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "conformance", "cases", "*.json5"))
	var ran, skipped int
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		r := compiler.Vet(name, src, hermetic)
		if strings.Contains(r.Note, "confuse") {
			t.Errorf("%s: %s", name, r.Note)
		}
		if errs, _ := diag.Count(r.Diagnostics); errs > 0 {
			if r.Note == "" {
				ran++
			} else {
				skipped++
			}
		}
	}
	t.Logf("files with errors: lints ran on %d, skipped on %d (or nothing past the syntax)", ran, skipped)
}

func TestClassify(t *testing.T) {
	for _, c := range []struct {
		src    string
		config bool
		why    string
	}{
		{`{ channels: {} }`, true, ""},
		{`{}`, true, ""},
		{`{ chanels: {} }`, true, ""}, // a typo of a config key: vet it, and say so
		{`{ "$include": "./base.json5" }`, true, ""},
		{`{ imessage: {} }`, true, ""}, // the legacy section: an error to report
		{`{ channels: `, true, ""},     // broken: report it, do not skip it
		{`{ "planVersion": 2, "targetOpenClaw": "2026.3.24", "accounts": [] }`, false, "compiled plan"},
		{`{ "name": "x", "version": "1.0.0", "scripts": {}, "dependencies": {}, "x": 1 }`, false, `("name", "version", "scripts", "dependencies", ...)`},
		{`{ "compilerOptions": {} }`, false, "none of its top-level keys"},
		{`[1, 2]`, false, "its root is a list"},
		{`{ "$schema": "x", "title": "t", "type": "object", "properties": {} }`, false, `none of its top-level keys ("title", "type", "properties")`},
		{`{ "env": {}, "plugins": [], "extends": "x", "rules": {}, "root": true }`, false, "only 2 of its 5 top-level keys are OpenClaw's"},
		{`{ "$schema": "./openclaw.schema.json" }`, true, ""},
		{`{ "$schema": "./s.json", "channels": {}, "chanel": 1 }`, true, ""},
	} {
		config, why := compiler.Classify([]byte(c.src))
		if config != c.config || !strings.Contains(why, c.why) {
			t.Errorf("Classify(%s) = %v %q, want %v and %q", c.src, config, why, c.config, c.why)
		}
	}
}
