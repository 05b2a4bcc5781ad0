package spec_test

import (
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openclawcfg/openclawcfg/compiler/internal/spec"
	"github.com/openclawcfg/openclawcfg/compiler/internal/spec/specgen"
)

// The checked-in table must be exactly what the CUE schema generates.
func TestTableUpToDate(t *testing.T) {
	want, err := specgen.Generate()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("table_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("table_gen.go is stale; run `go generate ./compiler/internal/spec` (-want +got):\n%s", d)
	}
}

// The embedded JSON Schema must be exactly what CUE exports today.
func TestJSONSchemaUpToDate(t *testing.T) {
	want, err := specgen.GenerateJSONSchema()
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(string(want), string(spec.JSONSchema)); d != "" {
		t.Errorf("openclaw.schema.json is stale; run `go generate ./compiler/internal/spec` (-want +got):\n%s", d)
	}
}
