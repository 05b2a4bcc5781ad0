// Package compiler reads OpenClaw configs exactly as OpenClaw 2026.3.24
// does (JSON5), checks them against the schema in /schema and OpenClaw's
// rules for channels.imessage, and reports findings as diag.Diagnostic.
package compiler

import (
	"errors"

	"github.com/openclawcfg/openclawcfg/compiler/diag"
	"github.com/openclawcfg/openclawcfg/compiler/internal/check"
	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
)

// TargetOpenClaw is the OpenClaw release whose behaviour this compiler
// reproduces.
const TargetOpenClaw = "2026.3.24"

// Limits bound the work one input may cause.
const (
	MaxFileBytes = json5.DefaultMaxBytes
	MaxDepth     = json5.DefaultMaxDepth
)

// Result is the outcome of vetting one file.
type Result struct {
	Source      *diag.Source
	Diagnostics []diag.Diagnostic // sorted by position
}

// OK reports whether the file has no errors (warnings allowed).
func (r *Result) OK() bool {
	errs, _ := diag.Count(r.Diagnostics)
	return errs == 0
}

// Vet parses and checks one config file. name is used in diagnostics only.
func Vet(name string, src []byte) *Result {
	r := &Result{Source: diag.NewSource(name, src)}
	root, err := json5.Parse(src, json5.Options{})
	if err != nil {
		var se *json5.Error
		if !errors.As(err, &se) {
			se = &json5.Error{Msg: err.Error()}
		}
		r.Diagnostics = []diag.Diagnostic{{
			Offset: se.Offset, End: se.Offset, Severity: diag.Error, Code: diag.CodeSyntax,
			Message: "JSON5 syntax error: " + se.Msg,
		}}
	} else {
		r.Diagnostics = check.Check(root)
	}
	r.Source.Locate(r.Diagnostics)
	r.Diagnostics = diag.Sort(r.Diagnostics)
	return r
}
