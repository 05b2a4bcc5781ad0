package compiler_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/openclawcfg/openclawcfg/compiler"
	"github.com/openclawcfg/openclawcfg/compiler/diag"
	"github.com/openclawcfg/openclawcfg/internal/release"
)

// FuzzVet drives the whole pipeline (JSON5, schema walk, OpenClaw rules,
// positions, sorting) with arbitrary bytes: it must never panic or hang,
// and every finding must point inside the input.
func FuzzVet(f *testing.F) {
	for _, glob := range []string{"testdata/conformance/cases/*.json5", "../examples/*.json5"} {
		files, _ := filepath.Glob(glob)
		for _, name := range files {
			if src, err := os.ReadFile(name); err == nil {
				f.Add(src)
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		// Every release's profile, and the stamp's choice.
		for _, rel := range append([]string{""}, release.Supported...) {
			fuzzVet(t, src, rel)
		}
	})
}

func fuzzVet(t *testing.T, src []byte, rel string) {
	start := time.Now()
	// Hermetic: no $include reads, no environment, no wrapper reads.
	r := compiler.Vet("fuzz.json5", src, compiler.Options{
		IncludeFile: func(string) ([]byte, error) { return nil, fs.ErrNotExist },
		ReadFile:    func(string) ([]byte, error) { return nil, fs.ErrNotExist },
		Env:         func(string) (string, bool) { return "", false },
		OpenClaw:    rel,
	})
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("Vet as %q took %v on %d bytes", rel, d, len(src))
	}
	for i, d := range r.Diagnostics {
		if d.Offset < 0 || d.Offset > len(src) || d.End < d.Offset || d.End > len(src) {
			t.Fatalf("diagnostic %d offsets [%d,%d) outside input of %d bytes: %+v", i, d.Offset, d.End, len(src), d)
		}
		if d.Line < 1 || d.Column < 1 || d.Code == "" || d.Message == "" {
			t.Fatalf("diagnostic %d incomplete: %+v", i, d)
		}
		if i > 0 && r.Diagnostics[i-1].Offset > d.Offset {
			t.Fatalf("diagnostics not sorted at %d", i)
		}
	}
	if !r.OK() && len(r.Diagnostics) == 0 {
		t.Fatal("not OK without diagnostics")
	}
	_, _ = diag.Count(r.Diagnostics)
}
