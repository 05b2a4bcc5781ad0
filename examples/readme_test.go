package examples_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openclawcfg/openclawcfg/compiler"
	"github.com/openclawcfg/openclawcfg/compiler/diag"
)

// TestExamplesReadme keeps examples/README.md true: it lists every example,
// and the warnings it says they print are the ones their headers announce
// (which TestExamples checks against vet).
func TestExamplesReadme(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^- `([^`]+\\.json5)` — ").FindAllSubmatch(readme, -1) {
		listed[string(m[1])] = true
	}
	files, _ := filepath.Glob("*.json5")
	for _, f := range files {
		if !listed[f] {
			t.Errorf("%s is not listed in README.md", f)
		}
		delete(listed, f)
	}
	for f := range listed {
		t.Errorf("README.md lists %s, which does not exist", f)
	}

	said := map[string][]string{}
	for _, m := range regexp.MustCompile("(?m)^- `([^`]+\\.json5)`: (.+)$").FindAllSubmatch(readme, -1) {
		for _, c := range regexp.MustCompile("`([a-z-]+)`").FindAllSubmatch(m[2], -1) {
			said[string(m[1])] = append(said[string(m[1])], string(c[1]))
		}
	}
	announced := map[string][]string{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range expectRE.FindAllSubmatch(src, -1) {
			announced[f] = append(announced[f], string(m[1]))
		}
	}
	for _, m := range []map[string][]string{said, announced} {
		for _, v := range m {
			slices.Sort(v)
		}
	}
	if d := cmp.Diff(announced, said); d != "" {
		t.Errorf("README.md's warnings differ from the expect-warning headers (-headers +README):\n%s", d)
	}
}

// TestMainReadmeVetExample runs the main README's first vet example and
// compares its output, and checks that every example the README names exists.
func TestMainReadmeVetExample(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	const cmd = "$ openclawcfg vet examples/broken/openclaw.json5\n"
	i := strings.Index(string(readme), cmd)
	if i < 0 {
		t.Fatalf("README.md has no %q", cmd)
	}
	block := string(readme[i+len(cmd):])
	block = block[:strings.Index(block, "```")]

	name := "examples/broken/openclaw.json5"
	src, err := os.ReadFile(filepath.Join("broken", "openclaw.json5"))
	if err != nil {
		t.Fatal(err)
	}
	r := compiler.Vet(name, src, opts)
	var b strings.Builder
	diag.WriteText(&b, r.Diagnostics, map[string]*diag.Source{name: r.Source})
	errs, warns := diag.Count(r.Diagnostics)
	if warns != 0 {
		t.Fatalf("%d warnings; the README shows none", warns)
	}
	fmt.Fprintf(&b, "%d errors; 1 of 1 files failed\n", errs)
	if d := cmp.Diff(block, b.String()); d != "" {
		t.Errorf("README.md's vet example differs from vet's output (-README +vet):\n%s", d)
	}

	for _, m := range regexp.MustCompile(`examples/[\w./-]+\.json5`).FindAll(readme, -1) {
		if _, err := os.Stat(filepath.Join("..", string(m))); err != nil {
			t.Errorf("README.md names %s: %v", m, err)
		}
	}
}
