package compiler

import (
	"slices"

	"github.com/openclawcfg/openclawcfg/compiler/diag"
	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
	"github.com/openclawcfg/openclawcfg/compiler/internal/lower"
	"github.com/openclawcfg/openclawcfg/compiler/internal/resolve"
	"github.com/openclawcfg/openclawcfg/compiler/internal/safefile"
)

// Resource limits beyond MaxFileBytes and MaxDepth: what one input may
// make openclawcfg build, whatever it reads. Each is refused with an error
// of code diag.CodeLimit that names it.
const (
	MaxValues          = resolve.MaxNodes         // values after $include merging (each inclusion counts)
	MaxEntries         = resolve.MaxEntries       // items of one list, keys of one object
	MaxEnvBytes        = resolve.MaxEnvBytes      // bytes ${VAR} substitution inserts
	MaxEffectiveValues = lower.MaxEffectiveValues // values the plan is built from (per account and agent)
	MaxEffectiveBytes  = lower.MaxEffectiveBytes  // and their text
	MaxPerKind         = diag.MaxPerKind          // findings listed per file and code
	MaxPerRun          = diag.MaxPerRun           // findings listed per run
	minRedactLen       = 4                        // shorter environment values are redacted only where quoted
	limitFix           = "openclawcfg refuses configs this large (OpenClaw configs hold hundreds of values and lists of dozens): keep lists to the entries you need, and the settings every account inherits short"
)

// ReadConfigFile reads a config file named on a command line: a regular
// file only (a FIFO or a device is refused without blocking), at most
// MaxFileBytes+1 bytes so that the caller can tell an oversized file.
func ReadConfigFile(name string) ([]byte, error) {
	return safefile.Read(name, MaxFileBytes)
}

// readSmallFile reads a cliPath wrapper script: regular files only, at
// most 64 KiB (a cliPath may name a large binary, or a FIFO).
func readSmallFile(name string) ([]byte, error) {
	b, err := safefile.Read(name, 64<<10)
	if len(b) > 64<<10 {
		b = b[:64<<10]
	}
	return b, err
}

// envPolicy turns NoEnv and AllowEnv into resolve's EnvAllowed.
func envPolicy(opt Options) (func(string) bool, string) {
	switch {
	case opt.NoEnv:
		return func(string) bool { return false }, "--no-env"
	case opt.AllowEnv != nil:
		return func(name string) bool { return slices.Contains(opt.AllowEnv, name) }, "--allow-env does not list it"
	}
	return nil, ""
}

// limitDiag is the error for a json5 limit (too many values or entries).
func limitDiag(se *json5.Error) diag.Diagnostic {
	return diag.Diagnostic{
		Offset: se.Offset, End: se.Offset, Severity: diag.Error, Code: diag.CodeLimit,
		Message: "the config holds " + se.Msg + ", past openclawcfg's limit", Fix: limitFix,
	}
}

// budgetDiag reports a config whose plan would be too large to build.
func budgetDiag(ov *lower.Overflow) diag.Diagnostic {
	return diag.Diagnostic{
		File: ov.At.Name(), Offset: ov.At.Start, End: ov.At.End, Path: ov.Path, Severity: diag.Error,
		Code: diag.CodeLimit, Message: ov.Message, Fix: limitFix,
	}
}
