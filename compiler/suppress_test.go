package compiler_test

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/openclawcfg/openclawcfg/compiler"
	"github.com/openclawcfg/openclawcfg/compiler/diag"
)

// hermetic reads no file and no environment.
var hermetic = compiler.Options{
	IncludeFile: func(string) ([]byte, error) { return nil, fs.ErrNotExist },
	ReadFile:    func(string) ([]byte, error) { return nil, fs.ErrNotExist },
	Env:         func(string) (string, bool) { return "", false },
}

func codes(ds []diag.Diagnostic) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Code)
	}
	return out
}

func TestSuppression(t *testing.T) {
	for _, c := range []struct {
		name, src  string
		codes      []string // findings left, in order
		suppressed []string
	}{
		{
			name: "above and on the line",
			src: `{ channels: { imessage: {
  // openclawcfg:ignore open-dm a public bot
  dmPolicy: "open",
  allowFrom: ["*"], // openclawcfg:ignore wildcard-allow same bot
  groupPolicy: "disabled",
} } }`,
			suppressed: []string{diag.CodeOpenDM, diag.CodeWildcardAllow},
		},
		{
			name: "two codes, blank lines and a second comment between",
			src: `{ channels: { imessage: {
  /* openclawcfg:ignore open-dm,wildcard-allow one bot */

  // the owner asked for it
  dmPolicy: "open", allowFrom: ["*"],
  groupPolicy: "disabled",
} } }`,
			suppressed: []string{diag.CodeOpenDM, diag.CodeWildcardAllow},
		},
		{
			name: "in a string it is no comment",
			src: `{ channels: { imessage: {
  name: "// openclawcfg:ignore open-dm nope", dmPolicy: "open", allowFrom: ["*"],
  groupPolicy: "disabled",
} } }`,
			codes: []string{diag.CodeOpenDM, diag.CodeWildcardAllow},
		},
		{
			name: "the line after the target is not covered",
			src: `{ channels: { imessage: {
  // openclawcfg:ignore open-dm a public bot
  groupPolicy: "disabled",
  dmPolicy: "open", allowFrom: ["*"],
} } }`,
			codes: []string{diag.CodeIgnore, diag.CodeOpenDM, diag.CodeWildcardAllow},
		},
		{
			name: "errors cannot be suppressed",
			src: `{ channels: { imessage: {
  textChunkLimit: 0, // openclawcfg:ignore range too small on purpose
  groupPolicy: "disabled",
} } }`,
			codes: []string{diag.CodeRange, diag.CodeIgnore},
		},
		{
			name: "no reason, no code, an unknown code",
			src: `{ channels: { imessage: {
  dmPolicy: "open", // openclawcfg:ignore open-dm
  allowFrom: ["*"], // openclawcfg:ignore
  groupPolicy: "disabled", // openclawcfg:ignore nosuch-code whatever
} } }`,
			codes: []string{diag.CodeOpenDM, diag.CodeIgnore, diag.CodeWildcardAllow, diag.CodeIgnore, diag.CodeIgnore},
		},
		{
			name: "a lint comment is not judged when the lints did not run",
			src: `{ channels: { imessage: {
  dmPolicy: "open", // openclawcfg:ignore open-dm a public bot
  allowFrom: "*",
} } }`,
			codes: []string{diag.CodeDMPolicy, diag.CodeType},
		},
		{
			name: "openclawcfg:ignored is not the directive",
			src: `// openclawcfg:ignored by nobody
{ channels: { imessage: { groupPolicy: "disabled" } } }`,
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := compiler.Vet("x.json5", []byte(c.src), hermetic)
			if got := strings.Join(codes(r.Diagnostics), ","); got != strings.Join(c.codes, ",") {
				t.Errorf("findings %s, want %s:\n%+v", got, strings.Join(c.codes, ","), r.Diagnostics)
			}
			var sup []string
			for _, s := range r.Suppressed {
				sup = append(sup, s.Code)
				if s.Reason == "" || s.CommentLine == 0 {
					t.Errorf("suppressed %s without its reason or line: %+v", s.Code, s)
				}
			}
			if got := strings.Join(sup, ","); got != strings.Join(c.suppressed, ",") {
				t.Errorf("suppressed %s, want %s", got, strings.Join(c.suppressed, ","))
			}
		})
	}
}

// A suppression in an included file silences the finding placed there.
func TestSuppressionInInclude(t *testing.T) {
	opt := hermetic
	opt.IncludeFile = func(name string) ([]byte, error) {
		if strings.HasSuffix(name, "dm.json5") {
			return []byte("{\n  // openclawcfg:ignore open-dm demo bot\n  dmPolicy: \"open\",\n  allowFrom: [\"*\"], // openclawcfg:ignore wildcard-allow demo bot\n}\n"), nil
		}
		return nil, fs.ErrNotExist
	}
	r := compiler.Vet("main.json5", []byte(`{ channels: { imessage: { $include: "./dm.json5", groupPolicy: "disabled" } } }`), opt)
	if len(r.Diagnostics) != 0 || len(r.Suppressed) != 2 {
		t.Fatalf("diagnostics %+v, suppressed %+v", r.Diagnostics, r.Suppressed)
	}
	if f := r.Suppressed[0].File; !strings.HasSuffix(f, "dm.json5") {
		t.Errorf("suppressed finding in %q, want the included file", f)
	}
}

func FuzzSuppression(f *testing.F) {
	f.Add([]byte("{ a: 1 } // openclawcfg:ignore open-dm x"))
	f.Add([]byte("/* openclawcfg:ignore open-dm,wildcard-allow y */ { \"a\\\n\": '//' }"))
	f.Add([]byte("// openclawcfg:ignore\r\n{\r}"))
	f.Add([]byte("/* openclawcfg:ignore open-dm"))
	f.Fuzz(func(t *testing.T, src []byte) {
		r := compiler.Vet("f.json5", src, hermetic)
		for _, d := range r.Diagnostics {
			if d.Offset < 0 || d.End > len(src) || d.End < d.Offset || d.Line < 1 {
				t.Fatalf("finding outside the input: %+v", d)
			}
		}
		for _, s := range r.Suppressed {
			if s.Severity != diag.Warning {
				t.Fatalf("suppressed an error: %+v", s)
			}
		}
	})
}
