// Package schema holds the CUE schema of OpenClaw's channels.imessage
// section and the global keys the channel reads. It is the single source of
// truth: the compiler's fast checker is generated from it (see
// compiler/internal/spec) and `openclawcfg schema` exports it.
package schema

import (
	"embed"
	"fmt"
	"path"
	"sync"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/load"
)

//go:embed *.cue
var files embed.FS

// Package is the CUE package name of the schema files.
const Package = "schema"

var loadOnce = sync.OnceValues(func() (cue.Value, error) {
	ctx := cuecontext.New()
	insts := load.Instances([]string{"."}, &load.Config{
		FS:         files,
		Package:    Package,
		FromFSPath: func(p string) string { return path.Join("schema", path.Base(p)) },
	})
	if len(insts) != 1 {
		return cue.Value{}, fmt.Errorf("schema: expected one CUE instance, got %d", len(insts))
	}
	if err := insts[0].Err; err != nil {
		return cue.Value{}, fmt.Errorf("schema: %w", err)
	}
	v := ctx.BuildInstance(insts[0])
	if err := v.Err(); err != nil {
		return cue.Value{}, fmt.Errorf("schema: %w", err)
	}
	return v, nil
})

// Load compiles the embedded schema once and returns the package value.
// Definitions are reached with LookupPath(cue.ParsePath("#OpenClaw")).
func Load() (cue.Value, error) { return loadOnce() }

// Root returns the #OpenClaw definition.
func Root() (cue.Value, error) {
	v, err := Load()
	if err != nil {
		return cue.Value{}, err
	}
	root := v.LookupPath(cue.ParsePath("#OpenClaw"))
	return root, root.Err()
}
