package compiler_test

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/openclawcfg/openclawcfg/compiler"
	"github.com/openclawcfg/openclawcfg/compiler/diag"
	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
	"github.com/openclawcfg/openclawcfg/internal/jsregex"
	"github.com/openclawcfg/openclawcfg/internal/release"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schemaRejectGap is how many conformance configs that OpenClaw 2026.3.24
// rejects the exported JSON Schema still accepts: the rules JSON Schema
// cannot express (README, "What the JSON Schema cannot check") plus what
// an editor cannot see ($include, ${VAR}, duplicate keys). Lower it when
// the exporter learns a rule; never raise it without saying why.
//
// 9 until issue 13, then 31: the corpus gained 16 configs whose
// identity.avatar leaves the agent's workspace (a path compared with
// another value, or resolved through "..") and 6 whose agents share an
// agentDir (uniqueness of a property across list items); JSON Schema
// compares neither.
//
// The 2026.9.6 schema: 2026.9.6 no longer checks cliPath, remoteHost and
// attachment roots, but the editor schema keeps openclawcfg's patterns for
// them (vet warns there, and JSON Schema cannot warn), so it rejects the
// configs vet warns about too (counted, each checked to carry such a
// warning). Its gap, 35: 4 $include problems, 14 avatars outside the
// workspace, 13 rosters JSON Schema cannot judge (shared agentDirs,
// several default markers or none for several agents, ids that clash
// once normalised), a padded channel key, and 14 cases of other channels'
// plugin schemas (3 matrix and discord, 11 9xx-ch-*): the editor schema
// leaves channels.<id> open, vet validates them (channel-schema).
var schemaRejectGap = map[string]int{release.Seed: 33, release.Current: 38}

// jsRegexp makes the validator compile "pattern" as JavaScript does, like
// the editors that read the schema, instead of with Go's RE2.
type jsRegexp struct{ re *jsregex.Regexp }

func (r jsRegexp) MatchString(s string) bool { ok, _ := r.re.MatchString(s); return ok }
func (r jsRegexp) String() string            { return r.re.String() }

// compileSchema compiles the exported schema with a validator that checks
// it against the draft 2020-12 meta-schema first.
func compileSchema(t testing.TB, rel string) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(compiler.JSONSchemaFor(rel)))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.UseRegexpEngine(func(s string) (jsonschema.Regexp, error) {
		re, err := jsregex.Compile(s, "")
		if err != nil {
			return nil, err
		}
		return jsRegexp{re}, nil
	})
	const url = "https://openclawcfg.invalid/openclaw.schema.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatalf("the exported JSON Schema does not compile: %v", err)
	}
	return sch
}

// TestJSONSchemaConformance validates every conformance config against the
// exported JSON Schema: it must accept every config OpenClaw accepts (an
// editor must never flag a valid config), and it may accept exactly
// schemaRejectGap of the configs OpenClaw rejects.
func TestJSONSchemaConformance(t *testing.T) {
	for _, rel := range release.Supported {
		t.Run(rel, func(t *testing.T) { jsonSchemaConformance(t, rel) })
	}
}

// securityCodes are vet's warnings for values 2026.9.6 accepts and the
// editor schema still rejects.
var securityCodes = map[string]bool{diag.CodeRemoteHost: true, diag.CodeExecutable: true, diag.CodeAttachmentRoot: true, diag.CodeToolPolicy: true}

func jsonSchemaConformance(t *testing.T, rel string) {
	sch := compileSchema(t, rel)
	dir := filepath.Join("testdata", "conformance")
	var total, rejected, security int
	var gap []string
	for _, oc := range conformanceGolden(t, rel) {
		src, err := os.ReadFile(filepath.Join(dir, "cases", oc.Case))
		if err != nil {
			t.Fatal(err)
		}
		total++
		root, err := json5.Parse(src, json5.Options{})
		if err != nil {
			if oc.OK {
				t.Errorf("%s: OpenClaw accepts it but it does not parse: %v", oc.Case, err)
			}
			rejected++ // not JSON5: every editor flags it
			continue
		}
		// The document an editor validates: the file as parsed, without
		// $include or ${VAR} (NaN and ±Infinity have no JSON type, so the
		// validator rejects them).
		verr := sch.Validate(root.Value())
		switch {
		case oc.OK && verr != nil && rel != release.Seed && securityWarned(t, rel, oc.Case, src):
			security++
		case oc.OK && verr != nil:
			t.Errorf("%s: OpenClaw accepts it, the JSON Schema rejects it: %v", oc.Case, verr)
		case !oc.OK && verr == nil:
			gap = append(gap, oc.Case)
		case !oc.OK:
			rejected++
		}
	}
	sort.Strings(gap)
	t.Logf("JSON Schema of %s: rejects %d of the %d configs OpenClaw rejects; accepts %d of them:\n%s",
		rel, rejected, rejected+len(gap), len(gap), strings.Join(gap, "\n"))
	t.Logf("JSON Schema of %s: rejects %d configs OpenClaw accepts, each one vet warns about (cliPath, remoteHost, attachment roots, tool policy)", rel, security)
	if len(gap) != schemaRejectGap[rel] {
		t.Errorf("the JSON Schema accepts %d configs OpenClaw rejects, want %d (update schemaRejectGap and the README when a rule moved)", len(gap), schemaRejectGap[rel])
	}
	if total < 500 {
		t.Errorf("corpus has %d cases, want at least 500", total)
	}
}

// securityWarned reports whether vet, as rel, warns about the config
// with one of securityCodes.
func securityWarned(t *testing.T, rel, name string, src []byte) bool {
	t.Helper()
	r := compiler.Vet(name, src, compiler.Options{Env: noEnv, OpenClaw: rel})
	for _, d := range r.Diagnostics {
		if d.Severity == diag.Warning && securityCodes[d.Code] {
			return true
		}
	}
	return false
}
