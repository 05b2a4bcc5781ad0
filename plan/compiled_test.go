package plan_test

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/openclawcfg/openclawcfg/compiler"
	"github.com/openclawcfg/openclawcfg/plan"
)

// TestLoadAcceptsEveryCompiledPlan compiles every valid config the repo
// holds (examples, the conformance cases, the inbound oracle's scenarios)
// and loads the plan: the checks refuse nothing compile writes.
func TestLoadAcceptsEveryCompiledPlan(t *testing.T) {
	type input struct {
		name string
		src  []byte
	}
	var inputs []input
	for _, pattern := range []string{"../examples/*.json5", "../compiler/testdata/conformance/cases/*.json5", "../compiler/internal/lower/testdata/fidelity/*.json5"} {
		files, _ := filepath.Glob(pattern)
		for _, f := range files {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			inputs = append(inputs, input{f, src})
		}
	}
	f, err := os.Open("../runtime/inbound/testdata/oracle-inbound-2026.3.24.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var c struct {
			ID     string          `json:"id"`
			Config json.RawMessage `json:"config"`
		}
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, input{c.ID, c.Config})
	}
	compiled := 0
	for _, in := range inputs {
		res, err := compiler.Compile(in.name, in.src, compiler.Options{Generator: "openclawcfg test", Home: "/home/test"})
		sealed := res.Sealed
		if err != nil || sealed == nil {
			continue // a config with errors: no plan
		}
		compiled++
		if _, err := plan.Load(sealed); err != nil {
			t.Errorf("%s: the compiled plan does not load: %v", in.name, err)
		}
	}
	if compiled < 250 {
		t.Fatalf("only %d of %d configs compiled; the corpus moved?", compiled, len(inputs))
	}
	t.Logf("%d compiled plans of %d configs load", compiled, len(inputs))
}
