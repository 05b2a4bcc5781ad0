package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/openclawcfg/openclawcfg/compiler"
	"github.com/openclawcfg/openclawcfg/compiler/diag"
	"github.com/openclawcfg/openclawcfg/plan"
	"github.com/openclawcfg/openclawcfg/plan/report"
)

type explainCmd struct {
	Path     string   `arg:"" optional:"" help:"Config path, e.g. channels.imessage.groupPolicy, accounts.<id>.cliPath, groups.42.requireMention."`
	Config   string   `short:"c" placeholder:"FILE" predictor:"config" help:"Also show the effective value in each account of this config, with its origin."`
	Access   bool     `help:"Deprecated alias of 'openclawcfg access --config FILE' (kept for one release)."`
	Format   string   `short:"f" enum:"text,json" default:"text" help:"Output format: ${enum}."`
	NoEnv    bool     `name:"no-env" help:"With --config: read no environment variable for $${VAR}."`
	AllowEnv []string `name:"allow-env" placeholder:"NAME" help:"With --config: read only these environment variables for $${VAR}."`
	OpenClaw string   `name:"openclaw" placeholder:"RELEASE" help:"Explain the schema of this OpenClaw release (${releases}). Default: the --config file's meta.lastTouchedVersion, else ${seed}."`
}

func (c *explainCmd) Help() string {
	return `Prints what a field means: its type, allowed values, defaults, where it can be
set, its documentation, and the runtime behaviour that surprises people.
Paths may omit the channels.imessage prefix.

--access (with --config FILE) is a deprecated alias of 'openclawcfg access
--config FILE', kept for one release.`
}

func (c *explainCmd) Run(e *env) error {
	if c.Access {
		if c.Config == "" {
			return usageErrorf("--access needs --config FILE")
		}
		if c.Path != "" {
			return usageErrorf("--access prints the whole admission table; drop the PATH argument")
		}
		deprecated(e, "explain --config FILE --access", "access --config FILE")
		return (&accessCmd{Config: c.Config, Format: c.Format, NoEnv: c.NoEnv, AllowEnv: c.AllowEnv}).Run(e)
	}
	if c.Path == "" {
		return usageErrorf("explain needs a PATH; for who can reach the agent under a config: openclawcfg access --config FILE")
	}
	rel, err := releaseFlag(c.OpenClaw)
	if err != nil {
		return err
	}
	var eff []report.Effective
	var r *compiler.Result
	var p *plan.Plan
	if c.Config != "" {
		opt, err := envRestrict(compiler.Options{OpenClaw: rel}, c.NoEnv, c.AllowEnv)
		if err != nil {
			return err
		}
		if r, p, err = compileFile(e, c.Config, opt); err != nil {
			return err
		}
		rel = r.Release.Release
	}
	ex, err := compiler.Explain(rel, c.Path)
	if ex != nil {
		switch {
		case r != nil:
			ex.OpenClawReason = r.Release.Reason
		case c.OpenClaw != "":
			ex.OpenClawReason = "--openclaw"
		default:
			ex.OpenClawReason = "no --openclaw or --config: the seed release"
		}
	}
	if err != nil {
		var pe *compiler.PathError
		if errors.As(err, &pe) {
			return findings(err)
		}
		return err
	}
	if c.Config != "" {
		eff = redactEffective(r, report.EffectiveValues(p, ex.Path))
		if eff == nil {
			eff = []report.Effective{}
		}
		if id := accountIn(c.Path); id != "" {
			one := []report.Effective{}
			for _, v := range eff {
				if strings.EqualFold(v.Account, id) {
					one = append(one, v)
				}
			}
			eff = one
		}
	}
	if c.Format == "json" {
		// HTML escaping on: <, > and & as \u003c, \u003e, \u0026.
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			*compiler.Explanation
			Effective []report.Effective `json:"effective,omitempty"`
		}{ex, eff})
	}
	writeExplanation(e.stdout, ex, eff)
	return nil
}

func writeExplanation(w io.Writer, ex *compiler.Explanation, eff []report.Effective) {
	fmt.Fprintf(w, "%s\n", ex.Path)
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(w, "  %-9s %s\n", k+":", v)
		}
	}
	row("type", ex.Type)
	if ex.SchemaDefault != nil {
		row("default", string(ex.SchemaDefault)+" (written into the parsed config by OpenClaw's schema)")
	}
	if ex.RuntimeDefault != nil {
		row("runtime", string(ex.RuntimeDefault)+" when unset")
	}
	row("set at", strings.Join(ex.SetAt, ", "))
	if ex.Doc != "" {
		fmt.Fprintf(w, "\n%s\n", indent(ex.Doc, "  "))
	}
	if len(ex.Notes) > 0 {
		fmt.Fprintf(w, "\n  At runtime:\n")
		for _, n := range ex.Notes {
			fmt.Fprintf(w, "  - %s\n", n)
		}
	}
	if len(ex.Children) > 0 {
		fmt.Fprintf(w, "\n  Keys:\n")
		width := 0
		for _, ch := range ex.Children {
			width = max(width, len(ch.Name))
		}
		for _, ch := range ex.Children {
			line := fmt.Sprintf("  %-*s  %s", width, ch.Name, ch.Type)
			if ch.Summary != "" {
				line += ". " + ch.Summary
			}
			fmt.Fprintln(w, line)
		}
	}
	// Account ids, values and origin paths come from the config.
	if eff != nil && len(eff) == 0 {
		fmt.Fprintf(w, "\n  Effective: not resolved for this path (the plan holds the channel's effective settings, not this one), or no such account\n")
	}
	if len(eff) > 0 {
		fmt.Fprintf(w, "\n  Effective:\n")
		for _, v := range eff {
			scope := "account " + v.Account
			if v.Account == "*" {
				scope = "every account"
			} else if strings.HasPrefix(v.Account, "agent ") {
				scope = v.Account
			}
			fmt.Fprintf(w, "  %-20s %s  (%s)\n", diag.Sanitize(scope), diag.Sanitize(v.Value), diag.Sanitize(v.Origin))
		}
	}
}

// redactEffective keeps environment values out of explain's output: a
// value that came from a variable is shown as the variable and its length
// (the plan keeps the value, for the runtime).
func redactEffective(r *compiler.Result, eff []report.Effective) []report.Effective {
	for i := range eff {
		v := &eff[i]
		refs := r.EnvAt(v.Path)
		parts := make([]string, len(refs))
		for j, ref := range refs {
			parts[j] = fmt.Sprintf("${%s} (from the environment, %d characters)", ref.Name, ref.Len)
		}
		switch {
		case len(refs) > 0 && !strings.HasPrefix(v.Value, "["):
			v.Value = strings.Join(parts, ", ")
		case len(refs) > 0:
			// A list: its other entries are the config's own.
			v.Value = r.Redact(v.Value) + " with " + strings.Join(parts, ", ")
		default:
			v.Value = r.Redact(v.Value)
		}
		v.Origin = r.Redact(v.Origin)
	}
	return eff
}

// accountIn returns the concrete account id a path names
// (accounts.bot.cliPath), or "".
func accountIn(path string) string {
	segs := strings.Split(strings.TrimPrefix(path, "channels.imessage."), ".")
	if len(segs) >= 2 && segs[0] == "accounts" && segs[1] != "<id>" && segs[1] != "*" {
		return segs[1]
	}
	return ""
}

func indent(s, pre string) string {
	return pre + strings.ReplaceAll(s, "\n", "\n"+pre)
}

// deprecated notes on stderr that an alias goes away: the output on
// stdout stays what scripts read.
func deprecated(e *env, old, now string) {
	fmt.Fprintf(e.stderr, "openclawcfg: note: '%s' is deprecated and goes away in the next release; use 'openclawcfg %s'\n", old, now)
}
