package spec_test

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openclawcfg/openclawcfg/compiler/internal/spec"
	"github.com/openclawcfg/openclawcfg/compiler/internal/spec/specgen"
)

// The checked-in table must be exactly what the CUE schema generates.
func TestTableUpToDate(t *testing.T) {
	for _, r := range specgen.Releases {
		want, err := specgen.GenerateRelease(r.Release)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(r.File)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(string(want), string(got)); d != "" {
			t.Errorf("%s is stale; run `go generate ./compiler/internal/spec` (-want +got):\n%s", r.File, d)
		}
	}
}

// The embedded JSON Schema must be exactly what CUE exports today.
func TestJSONSchemaUpToDate(t *testing.T) {
	for _, r := range specgen.Releases {
		want, err := specgen.GenerateJSONSchemaRelease(r.Release)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(string(want), string(spec.JSONSchemaFor(r.Release))); d != "" {
			t.Errorf("%s is stale; run `go generate ./compiler/internal/spec` (-want +got):\n%s", specgen.JSONSchemaFile(r.Release), d)
		}
	}
}

// A schema that both $refs a closed definition and closes itself rejects
// every key of the other half in JSON Schema (#IMessage embeds #Account):
// the exporter must inline such embeddings.
func TestJSONSchemaNoClosedRefMix(t *testing.T) {
	var doc any
	if err := json.Unmarshal(spec.JSONSchema, &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(v any, path string)
	walk = func(v any, path string) {
		switch v := v.(type) {
		case map[string]any:
			if _, ref := v["$ref"]; ref && v["additionalProperties"] == false {
				t.Errorf("%s: $ref together with additionalProperties false", path)
			}
			for k, c := range v {
				walk(c, path+"/"+k)
			}
		case []any:
			for i, c := range v {
				walk(c, fmt.Sprintf("%s/%d", path, i))
			}
		}
	}
	walk(doc, "#")
	im := doc.(map[string]any)["$defs"].(map[string]any)["IMessage"].(map[string]any)["properties"].(map[string]any)
	for _, k := range []string{"accounts", "defaultAccount", "cliPath", "dmPolicy"} {
		if _, ok := im[k]; !ok {
			t.Errorf("IMessage properties lack %q", k)
		}
	}
}
