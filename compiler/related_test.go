package compiler_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/openclawcfg/openclawcfg/compiler"
)

// TestRelated pins the related places findings carry: the key a
// duplicate loses to, where an unterminated string opened (in the main
// file and in an included one), and the $include chain of a finding in an
// included file, innermost first.
func TestRelated(t *testing.T) {
	files := map[string]string{
		"a.json5":   `{ imessage: { $include: "./b.json5" } }`,
		"b.json5":   "{\n  dmPolicy: \"nope\",\n}",
		"bad.json5": "{ x: 'open",
	}
	for _, c := range []struct {
		name, src string
		want      []string // code, then each related place
	}{
		{
			"duplicate", "{ channels: { imessage: {\n  enabled: true,\n  enabled: false,\n} } }",
			[]string{`duplicate-key main.json5:2:3: related main.json5:3:3-3:10 the "enabled" OpenClaw keeps`},
		},
		{
			"unterminated", "{ channels: {\n  imessage: { cliPath: \"imsg } } }",
			[]string{`syntax main.json5:2:35: related main.json5:2:24-2:25 it starts here`},
		},
		{
			"included", `{ channels: { $include: "./a.json5" } }`,
			[]string{`enum b.json5:2:13: related a.json5:1:25-1:36 included here; related main.json5:1:25-1:36 included here`},
		},
		{
			"included syntax", `{ channels: { imessage: { $include: "./bad.json5" } } }`,
			[]string{`include bad.json5:1:11: related bad.json5:1:6-1:7 it starts here; related main.json5:1:37-1:50 included here`},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := compiler.Vet("main.json5", []byte(c.src), hostileOpts(files, nil))
			var got []string
			for _, d := range r.Diagnostics {
				if len(d.Related) == 0 {
					continue
				}
				s := fmt.Sprintf("%s %s:%d:%d:", d.Code, d.File, d.Line, d.Column)
				var rel []string
				for _, x := range d.Related {
					src := r.Source
					for _, s := range r.Sources {
						if s.Name == x.File {
							src = s
						}
					}
					el, ec := src.Position(x.End)
					rel = append(rel, fmt.Sprintf(" related %s:%d:%d-%d:%d %s", x.File, x.Line, x.Column, el, ec, x.Message))
				}
				got = append(got, s+strings.Join(rel, ";"))
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s\n%v", strings.Join(got, "\n"), strings.Join(c.want, "\n"), r.Diagnostics)
			}
		})
	}
}

// TestLintSites pins where lint findings land: on the value the lowering
// read, found by the site it recorded, even under an account key with
// dots (a path cannot say where such a key ends; OpenClaw never reads
// this entry: "my.bot" normalises to "my-bot").
func TestLintSites(t *testing.T) {
	src := "{ channels: { imessage: { accounts: {\n  \"my.bot\": { cliPath: \"imsg\", dmPolicy: \"open\", allowFrom: [\"*\"] },\n} } } }"
	r := compiler.Vet("main.json5", []byte(src), hostileOpts(nil, nil))
	var got []string
	for _, d := range r.Diagnostics {
		got = append(got, fmt.Sprintf("%s %d:%d %s", d.Code, d.Line, d.Column, d.Path))
	}
	want := []string{"account-key 2:13 channels.imessage.accounts.my.bot"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
