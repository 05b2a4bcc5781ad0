// Package compiler reads OpenClaw configs exactly as OpenClaw 2026.3.24
// does (JSON5, $include, ${VAR}), checks them against the schema in /schema
// and OpenClaw's rules for channels.imessage, lints the effective policy,
// lowers them into a runtime plan, and reports findings as diag.Diagnostic.
package compiler

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/openclawcfg/openclawcfg/compiler/diag"
	"github.com/openclawcfg/openclawcfg/compiler/internal/check"
	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
	"github.com/openclawcfg/openclawcfg/compiler/internal/lint"
	"github.com/openclawcfg/openclawcfg/compiler/internal/lower"
	"github.com/openclawcfg/openclawcfg/compiler/internal/resolve"
	"github.com/openclawcfg/openclawcfg/compiler/source"
	"github.com/openclawcfg/openclawcfg/internal/release"
	"github.com/openclawcfg/openclawcfg/plan"
)

// TargetOpenClaw is the seed release: the one a config without a
// meta.lastTouchedVersion stamp is judged by (see Options.OpenClaw).
const TargetOpenClaw = release.Seed

// Limits bound the work one input may cause.
const (
	MaxFileBytes = json5.DefaultMaxBytes
	MaxDepth     = json5.DefaultMaxDepth
)

// Result is the outcome of vetting one file.
type Result struct {
	Source *diag.Source // the file itself
	// Sources holds every file read, the main one first, then included
	// files; diagnostics name theirs in File.
	Sources     []*diag.Source
	Diagnostics []diag.Diagnostic // sorted by file and position
	// Suppressed are the warnings silenced by openclawcfg:ignore comments.
	Suppressed []diag.Suppressed
	// Note says what was not checked: the policy lints, when errors leave
	// the effective policy unknown.
	Note string
	// Plan is the lowered plan and Sealed its canonical JSON (Compile
	// only, and only without errors).
	Plan   *plan.Plan
	Sealed []byte
	// Release is the OpenClaw release that judged the file, and why.
	Release release.Choice
	// secrets are the environment values the config read, kept out of
	// messages.
	secrets *secrets
	// includedAt is, by file name, the $include that first read each
	// included file: the related places of a finding in it.
	includedAt map[string]source.Span
}

// maxIncludeChain bounds the related places an $include chain adds to a
// finding (OpenClaw nests at most 10 levels).
const maxIncludeChain = 10

// relateIncludes gives each finding in an included file the chain of
// $includes that read it, innermost first.
func (r *Result) relateIncludes(ds []diag.Diagnostic) {
	if len(r.includedAt) == 0 {
		return
	}
	for i := range ds {
		at, ok := r.includedAt[ds[i].File]
		for n := 0; ok && at.IsValid() && n < maxIncludeChain; n++ {
			ds[i].Related = append(ds[i].Related, diag.RelatedAt(at, "included here"))
			at, ok = r.includedAt[at.Name()]
		}
	}
}

// OK reports whether the file has no errors (warnings allowed).
func (r *Result) OK() bool {
	errs, _ := diag.Count(r.Diagnostics)
	return errs == 0
}

// Options tune Vet and Compile.
type Options struct {
	// Generator is the openclawcfg version Compile records in the plan.
	Generator string
	// Disable silences warnings by code (diag.Code*); errors cannot be
	// silenced.
	Disable []string
	// Home expands a leading ~ in cliPath and dbPath; empty means $HOME.
	Home string
	// ReadFile reads the cliPath wrapper script for remoteHost detection
	// and wrapper lints; nil reads at most 64 KiB of a regular file.
	ReadFile func(string) ([]byte, error)
	// Env looks up ${VAR} references as OpenClaw does at load; nil uses
	// this process's environment.
	Env func(string) (string, bool)
	// IncludeFile reads $include files; nil reads the file system with
	// OpenClaw's guards.
	IncludeFile func(string) ([]byte, error)
	// NoEnv reads no variable through Env (CI vetting configs from pull
	// requests): every ${VAR} that env.vars does not define is unset.
	NoEnv bool
	// AllowEnv, when not nil, names the only variables Env is asked for.
	AllowEnv []string
	// OpenClaw is the release to judge by (release.Supported); empty
	// means the file's meta.lastTouchedVersion stamp decides.
	OpenClaw string
}

// Vet parses and checks one config file, then lints the effective policy
// of a config without errors. name is used in diagnostics and to resolve
// $include paths.
func Vet(name string, src []byte, opts ...Options) *Result {
	var opt Options
	if len(opts) > 0 {
		opt = opts[0]
	}
	r, root := vet(name, src, opt)
	lintsRan := true
	if r.OK() {
		r.add(lint.Lint(lower.Lower(root, lowerOptions(opt, r.Release.Release))))
	} else {
		// One round of fixes: lint whatever the errors leave known.
		lintsRan, r.Note = r.lintDespiteErrors(root, opt)
	}
	r.suppress(lintsRan)
	r.Diagnostics = filter(r.Diagnostics, opt.Disable)
	return r
}

// Compile vets src and, when it has no errors, lowers it into a sealed
// plan (Result.Plan and Result.Sealed). Both are nil whenever the result
// has errors: a plan is never built from a config OpenClaw would reject.
// The error is for a plan that cannot be sealed, never for the config's
// problems, which are the Result's diagnostics; the Result is never nil.
func Compile(name string, src []byte, opt Options) (*Result, error) {
	r, root := vet(name, src, opt)
	if !r.OK() {
		r.Diagnostics = filter(r.Diagnostics, opt.Disable)
		return r, nil
	}
	low := lower.Lower(root, lowerOptions(opt, r.Release.Release))
	r.add(lint.Lint(low))
	p := low.Plan
	r.markEnvOrigins(p)
	r.Diagnostics = filter(r.Diagnostics, opt.Disable)
	sum := sha256.Sum256(src)
	p.Generator = opt.Generator
	p.TargetOpenClaw = r.Release.Release
	p.Source = name
	p.SourceSHA256 = hex.EncodeToString(sum[:])
	sealed, err := plan.Seal(p)
	if err != nil {
		return r, err
	}
	r.Plan, r.Sealed = p, sealed
	return r, nil
}

func lowerOptions(opt Options, rel string) lower.Options {
	if opt.ReadFile == nil {
		opt.ReadFile = readSmallFile
	}
	return lower.Options{Home: opt.Home, ReadFile: opt.ReadFile, Release: rel}
}

func filter(ds []diag.Diagnostic, disable []string) []diag.Diagnostic {
	if len(disable) == 0 {
		return ds
	}
	out := ds[:0]
	for _, d := range ds {
		if d.Severity == diag.Error || !slices.Contains(disable, d.Code) {
			out = append(out, d)
		}
	}
	return out
}

// add locates ds in their files and merges them into the sorted list,
// with environment values redacted and at most MaxPerKind of each code
// per file.
func (r *Result) add(ds []diag.Diagnostic) {
	r.secrets.redactAll(ds)
	r.relateIncludes(ds)
	byName := map[string]*diag.Source{"": r.Source}
	for _, s := range r.Sources {
		byName[s.Name] = s
	}
	for i := range ds {
		src := byName[ds[i].File]
		if src == nil {
			src = r.Source
		}
		diag.Locate(src, ds[i:i+1])
	}
	r.Diagnostics = diag.Cap(diag.Sort(append(r.Diagnostics, ds...)), diag.MaxPerKind)
}

// vet parses, resolves and checks; it returns the tree OpenClaw validates,
// whose nodes' spans say where each value came from, or nil when OpenClaw
// would stop before validation (syntax, include or env errors).
func vet(name string, src []byte, opt Options) (*Result, *json5.Node) {
	r := &Result{Source: diag.NewSource(name, src)}
	r.Sources = []*diag.Source{r.Source}
	if !r.choose(opt.OpenClaw, "") {
		return r, nil
	}
	root, err := json5.ParseFile(r.Source, resolve.ParseOptions)
	if err != nil {
		var se *json5.Error
		if !errors.As(err, &se) {
			se = &json5.Error{Msg: err.Error()}
		}
		if se.Limit {
			r.add([]diag.Diagnostic{limitDiag(se)})
			return r, nil
		}
		d := diag.Diagnostic{
			Offset: se.Offset, End: se.Offset, Severity: diag.Error, Code: diag.CodeSyntax,
			Message: "JSON5 syntax error: " + se.Msg,
		}
		if se.HasOpened && strings.HasPrefix(se.Msg, "unterminated") {
			line, col := r.Source.Position(se.Opened)
			d.Message += fmt.Sprintf(" (it starts at line %d, column %d)", line, col)
			d.Related = []diag.Related{diag.RelatedAt(source.Span{File: r.Source, Start: se.Opened, End: se.Opened + 1}, "it starts here")}
		}
		r.add([]diag.Diagnostic{d})
		return r, nil
	}
	env := opt.Env
	if env == nil {
		env = os.LookupEnv
	}
	allowed, why := envPolicy(opt)
	res := resolve.Resolve(resolve.Doc{File: r.Source, Root: root},
		resolve.Options{ReadFile: opt.IncludeFile, Env: env, EnvAllowed: allowed, EnvDenied: why})
	r.secrets = newSecrets(res)
	for _, f := range res.Files[1:] {
		r.Sources = append(r.Sources, f.File)
		if r.includedAt == nil {
			r.includedAt = map[string]source.Span{}
		}
		r.includedAt[f.File.Name] = f.IncludedAt
	}
	if res.Root == nil {
		r.add(res.Findings)
		return r, nil
	}
	r.choose(opt.OpenClaw, stampOf(res.Root))
	r.add(append(res.Findings, check.Check(r.Source, res.Root, r.Release.Release)...))
	if ov := lower.CheckBudget(res.Root); ov != nil {
		// No lowering, not even for lints: it would build what is refused.
		r.add([]diag.Diagnostic{budgetDiag(ov)})
		return r, nil
	}
	return r, res.Root
}

// choose sets r.Release from the requested release and the file's stamp;
// an unknown request is an error finding (the CLI refuses it earlier).
func (r *Result) choose(want, stamp string) bool {
	c, err := release.Choose(want, stamp)
	if err != nil {
		r.add([]diag.Diagnostic{{
			Severity: diag.Error, Code: diag.CodeRelease, Message: err.Error(),
			Fix: "pass --openclaw with one of " + release.List(),
		}})
		return false
	}
	r.Release = c
	return true
}

// stampOf is meta.lastTouchedVersion when it is a string, as OpenClaw
// reads it (resolveTouchedVersion).
func stampOf(root *json5.Node) string {
	if root == nil || root.Kind != json5.Object {
		return ""
	}
	meta := root.Lookup("meta")
	if meta == nil || meta.Kind != json5.Object {
		return ""
	}
	v := meta.Lookup("lastTouchedVersion")
	if v == nil || v.Kind != json5.String {
		return ""
	}
	return v.Str
}
