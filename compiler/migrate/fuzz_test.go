package migrate_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/openclawcfg/openclawcfg/compiler"
	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
	"github.com/openclawcfg/openclawcfg/compiler/migrate"
	"github.com/openclawcfg/openclawcfg/internal/release"
)

// FuzzMigrate: whatever the input, migrate never panics, hangs or fails
// with an error (an error is a bug: an output that does not parse); a
// written output parses, passes vet as 2026.9.6 and needs no second run.
func FuzzMigrate(f *testing.F) {
	for _, glob := range []string{"../testdata/conformance/cases/*.json5", "../../examples/*.json5"} {
		files, _ := filepath.Glob(glob)
		for _, name := range files {
			if src, err := os.ReadFile(name); err == nil {
				f.Add(src)
			}
		}
	}
	opt := compiler.Options{
		IncludeFile: func(string) ([]byte, error) { return nil, fs.ErrNotExist },
		ReadFile:    func(string) ([]byte, error) { return nil, fs.ErrNotExist },
		Env:         func(string) (string, bool) { return "", false },
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		start := time.Now()
		res, err := migrate.To("fuzz.json5", src, release.Current, opt)
		if d := time.Since(start); d > 3*time.Second {
			t.Fatalf("migrate took %v on %d bytes", d, len(src))
		}
		if err != nil {
			t.Fatalf("migrate failed: %v", err)
		}
		if res.Output == nil {
			return
		}
		if _, err := json5.Parse(res.Output, json5.Options{}); err != nil {
			t.Fatalf("the output does not parse: %v\n%s", err, res.Output)
		}
		o := opt
		o.OpenClaw = release.Current
		if r := compiler.Vet("fuzz.json5", res.Output, o); !r.OK() {
			t.Fatalf("the output fails as 2026.9.6: %+v\n%s", r.Diagnostics, res.Output)
		}
		again, err := migrate.To("fuzz.json5", res.Output, release.Current, opt)
		if err != nil || !again.Already {
			t.Fatalf("a second migrate is not a no-op: %v %+v", err, again)
		}
	})
}
