package compiler

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/openclawcfg/openclawcfg/compiler/internal/lower"
	"github.com/openclawcfg/openclawcfg/plan"
)

// Compile vets src and, when it has no errors, lowers it into a sealed
// plan. Plan and Sealed are nil whenever the result has errors: a plan is
// never built from a config OpenClaw would reject.
// generator is the openclawcfg version recorded in the plan.
func Compile(name string, src []byte, generator string, opt Options) (*Result, *plan.Plan, []byte, error) {
	r, doc := vet(name, src, opt)
	if !r.OK() {
		r.Diagnostics = filter(r.Diagnostics, opt.Disable)
		return r, nil, nil, nil
	}
	p := lower.Lower(doc.Root, lowerOptions(opt))
	r.add(lint(doc, p))
	r.markEnvOrigins(p)
	r.Diagnostics = filter(r.Diagnostics, opt.Disable)
	sum := sha256.Sum256(src)
	p.Generator = generator
	p.TargetOpenClaw = TargetOpenClaw
	p.Source = name
	p.SourceSHA256 = hex.EncodeToString(sum[:])
	sealed, err := plan.Seal(p)
	if err != nil {
		return r, nil, nil, err
	}
	return r, p, sealed, nil
}
