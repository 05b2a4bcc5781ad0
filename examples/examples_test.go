package examples_test

import (
	"bytes"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openclawcfg/openclawcfg/compiler"
	"github.com/openclawcfg/openclawcfg/compiler/diag"
	"github.com/openclawcfg/openclawcfg/compiler/migrate"
	"github.com/openclawcfg/openclawcfg/internal/release"
	"github.com/openclawcfg/openclawcfg/plan"
)

var update = flag.Bool("update", false, "rewrite the plan goldens in testdata/")

// Machine facts fixed so the goldens do not depend on who runs the test.
var opts = compiler.Options{
	Home:        "/home/gateway",
	Env:         func(string) (string, bool) { return "", false },
	ReadFile:    func(string) ([]byte, error) { return nil, fs.ErrNotExist },
	IncludeFile: func(string) ([]byte, error) { return nil, fs.ErrNotExist },
}

var expectRE = regexp.MustCompile(`(?m)^// expect-warning: ([a-z-]+)$`)

// TestExamples vets every example config. None may have an error; the
// warnings must be exactly those its header announces with
// `// expect-warning: CODE` (the docs' own configs trip some lints, which
// is the point of the tool).
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
			var want, got []string
			for _, m := range expectRE.FindAllSubmatch(src, -1) {
				want = append(want, string(m[1]))
			}
			r := compiler.Vet(name, src, opts)
			for _, d := range r.Diagnostics {
				if d.Severity == diag.Error {
					t.Errorf("%s:%d:%d: error [%s]: %s: %s", d.File, d.Line, d.Column, d.Code, d.Path, d.Message)
					continue
				}
				got = append(got, d.Code)
			}
			slices.Sort(want)
			slices.Sort(got)
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("warnings differ from the expect-warning lines (-want +got):\n%s", d)
			}
		})
	}
}

// TestExamplePlans compiles every example and compares the plan with its
// golden in testdata/ (go test ./examples -update rewrites them), proves
// that compiling twice gives identical bytes, and that the loader accepts
// the plan and refuses it once tampered with.
func TestExamplePlans(t *testing.T) {
	files, _ := filepath.Glob("*.json5")
	for _, name := range files {
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			opts.Generator = "openclawcfg test"
			res, err := compiler.Compile(name, src, opts)
			sealed := res.Sealed
			if err != nil || sealed == nil {
				t.Fatalf("compile: %v (no plan)", err)
			}
			res2, _ := compiler.Compile(name, src, opts)
			again := res2.Sealed
			if !bytes.Equal(sealed, again) {
				t.Fatal("compiling the same input twice gave different bytes")
			}
			golden := filepath.Join("testdata", strings.TrimSuffix(name, ".json5")+".plan.json")
			if *update {
				if err := os.WriteFile(golden, sealed, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./examples -update)", err)
			}
			if d := cmp.Diff(string(want), string(sealed)); d != "" {
				t.Errorf("plan differs from %s (-want +got):\n%s", golden, d)
			}
			if _, err := plan.Load(sealed); err != nil {
				t.Fatalf("load: %v", err)
			}
			tampered := bytes.Replace(sealed, []byte(`"pairingStoreCounts": false`), []byte(`"pairingStoreCounts": true`), 1)
			if bytes.Equal(tampered, sealed) {
				tampered = bytes.Replace(sealed, []byte(`"allowAll": false`), []byte(`"allowAll": true`), 1)
			}
			if _, err := plan.Load(tampered); !errors.Is(err, plan.ErrTampered) {
				t.Fatalf("a tampered plan loaded: err = %v", err)
			}
		})
	}
}

// TestExamplesMigrate migrates every example stamped for no release to
// OpenClaw 2026.9.6: none is refused, the output passes vet as 2026.9.6,
// and who can reach the agent (and which agent answers) is unchanged.
func TestExamplesMigrate(t *testing.T) {
	files, _ := filepath.Glob("*.json5")
	for _, name := range files {
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			res, err := migrate.To(name, src, release.Current, opts)
			switch {
			case err != nil:
				t.Fatal(err)
			case res.Already:
				return // written for 2026.9.6 already
			case len(res.Refusals) > 0:
				t.Fatalf("refused: %+v", res.Refusals)
			case res.Output == nil:
				t.Fatal("no output")
			case len(res.Differences) > 0:
				t.Errorf("policies differ after migration: %+v", res.Differences)
			}
			o := opts
			o.OpenClaw = release.Current
			if r := compiler.Vet(name, res.Output, o); !r.OK() {
				t.Errorf("the migrated example fails as 2026.9.6: %+v", r.Diagnostics)
			}
		})
	}
}
