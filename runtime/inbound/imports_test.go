package inbound_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestRuntimeImports keeps the runtime free of the compiler and of CUE:
// a plan is plain Go data, and what runs it must not link either.
func TestRuntimeImports(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", "github.com/openclawcfg/openclawcfg/runtime/...").Output()
	if err != nil {
		t.Skipf("go list unavailable: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "github.com/openclawcfg/openclawcfg/compiler") || strings.HasPrefix(dep, "cuelang.org/") {
			t.Errorf("runtime depends on %s", dep)
		}
	}
}
