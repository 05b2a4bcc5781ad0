package examples_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/openclawcfg/openclawcfg/compiler"
	"github.com/openclawcfg/openclawcfg/compiler/diag"
)

// TestExamples vets every example config: each must pass with no errors
// and no warnings, because users copy them.
func TestExamples(t *testing.T) {
	files, err := filepath.Glob("*.json5")
	if err != nil {
		t.Fatal(err)
	}
	const minExamples = 7
	if len(files) < minExamples {
		t.Fatalf("found %d examples (*.json5), want at least %d", len(files), minExamples)
	}
	for _, name := range files {
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			r := compiler.Vet(name, src)
			for _, d := range r.Diagnostics {
				kind := "error"
				if d.Severity == diag.Warning {
					kind = "warning"
				}
				t.Errorf("%s:%d:%d: %s [%s]: %s: %s", d.File, d.Line, d.Column, kind, d.Code, d.Path, d.Message)
			}
		})
	}
}
