package schema

import (
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/load"
)

func TestRootLoads(t *testing.T) {
	root, err := Root()
	if err != nil {
		t.Fatal(err)
	}
	im := root.LookupPath(cue.MakePath(cue.Str("channels").Optional(), cue.Str("imessage").Optional()))
	if !im.Exists() {
		t.Fatal("#OpenClaw has no channels.imessage")
	}
}

// BenchmarkCompileSchema measures what vet would pay per process if it
// evaluated CUE at start-up: load and build the embedded schema in a fresh
// context. vet avoids it by using the generated table
// (compiler/internal/spec).
func BenchmarkCompileSchema(b *testing.B) {
	for b.Loop() {
		ctx := cuecontext.New()
		insts := load.Instances([]string{"."}, &load.Config{FS: files, Package: Package})
		v := ctx.BuildInstance(insts[0])
		if err := v.LookupPath(cue.ParsePath("#OpenClaw")).Err(); err != nil {
			b.Fatal(err)
		}
	}
}
