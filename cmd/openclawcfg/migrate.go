package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/rogpeppe/go-internal/diff"

	"github.com/openclawcfg/openclawcfg/compiler"
	"github.com/openclawcfg/openclawcfg/compiler/diag"
	"github.com/openclawcfg/openclawcfg/compiler/migrate"
)

// migrateCmd is `openclawcfg migrate --to RELEASE FILE [-w]`.
type migrateCmd struct {
	Config string `arg:"" name:"config" predictor:"config" help:"Config file to migrate."`
	To     string `required:"" enum:"2026.9.6" placeholder:"RELEASE" help:"The OpenClaw release to migrate to: ${enum}."`
	Write  bool   `short:"w" help:"Write the migrated config over the file (atomically, keeping its mode) instead of printing a diff."`
	Format string `short:"f" enum:"text,json" default:"text" help:"Output format: ${enum}."`
}

func (c *migrateCmd) Help() string {
	return `Rewrites a config that OpenClaw 2026.3.24 accepts into one that the --to release
accepts with the same behaviour, editing the file's text: comments, key order,
quoting, indentation and blank lines survive. Each change is listed with why it
keeps the behaviour. Without -w it prints a unified diff (standard output) and
the changes (standard error) and writes nothing.

A key with no equivalent in the new release is refused with the reason, and
nothing is written. A file with errors is refused with vet's findings. A file
whose meta.lastTouchedVersion is the --to release already is left alone.
The migrated file is stamped meta.lastTouchedVersion = the --to release, as
OpenClaw stamps the configs it writes.

Exit status: 0 migrated (or already at the release), 1 refused or the file has
errors (nothing written), 2 the file cannot be read or written.`
}

// migrateReport is the JSON output.
type migrateReport struct {
	*migrate.Result
	Written     bool              `json:"written"`
	Diff        string            `json:"diff,omitempty"`
	Diagnostics []diag.Diagnostic `json:"diagnostics,omitempty"`
}

func (c *migrateCmd) Run(e *env) error {
	if c.Config == "-" && c.Write {
		return usageErrorf("-w needs a file: standard input cannot be written back")
	}
	name, src, err := readInput(c.Config, e.stdin)
	if err != nil {
		return failf("%s", readError(err))
	}
	res, err := migrate.To(name, src, c.To, compiler.Options{})
	if err != nil {
		if errors.Is(err, migrate.ErrTarget) {
			return usageErrorf("%v", err)
		}
		return err // a bug: exit 3
	}
	rep := &migrateReport{Result: res}
	var d []byte
	if res.Output != nil {
		d = diff.Diff(name, src, name+" (OpenClaw "+res.To+")", res.Output)
		rep.Diff = string(d)
	}
	refusals := c.refusalDiagnostics(res)
	if res.Invalid() {
		rep.Diagnostics = res.Vet.Diagnostics
	} else {
		rep.Diagnostics = refusals
	}
	if res.Output != nil && c.Write {
		if err := writeKeepingMode(name, res.Output); err != nil {
			return failf("cannot write %s: %s", name, readError(err))
		}
		rep.Written = true
	}
	if c.Format == "json" {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return err
		}
		if _, err := e.stdout.Write(append(b, '\n')); err != nil {
			return fail(err)
		}
	} else if err := c.text(e, rep, d, refusals); err != nil {
		return err
	}
	if res.Invalid() || len(res.Refusals) > 0 {
		return exitStatus(exitInvalid)
	}
	return nil
}

// refusalDiagnostics are the refusals as findings, for the caret excerpt.
func (c *migrateCmd) refusalDiagnostics(res *migrate.Result) []diag.Diagnostic {
	var out []diag.Diagnostic
	for _, r := range res.Refusals {
		out = append(out, diag.Diagnostic{
			File: res.Name, Line: r.Line, Column: r.Column, Offset: r.Offset, End: r.End,
			Path: r.Path, Severity: diag.Error, Code: "migrate",
			Message: "cannot migrate to OpenClaw " + res.To + ": " + r.Message, Fix: r.Fix,
		})
	}
	return out
}

func (c *migrateCmd) text(e *env, rep *migrateReport, d []byte, refusals []diag.Diagnostic) error {
	res := rep.Result
	switch {
	case res.Already:
		fmt.Fprintf(e.stderr, "%s: already OpenClaw %s (%s); nothing to migrate\n", res.Name, res.To, res.Vet.Release.Reason)
		return nil
	case res.Invalid():
		diag.WriteText(e.stderr, res.Vet.Diagnostics, sourcesOf(res.Vet))
		errs, warns := diag.Count(res.Vet.Diagnostics)
		fmt.Fprintf(e.stderr, "%s: not migrated: OpenClaw %s rejects it (%s); fix it first (openclawcfg vet %s)\n", res.Name, res.From, summary(errs, warns), res.Name)
		return nil
	case len(res.Refusals) > 0:
		diag.WriteText(e.stderr, refusals, sourcesOf(res.Vet))
		fmt.Fprintf(e.stderr, "%s: not migrated: %s with no OpenClaw %s equivalent openclawcfg can write; nothing written\n", res.Name, plural(len(res.Refusals), "key"), res.To)
		return nil
	}
	if !c.Write {
		if _, err := e.stdout.Write(d); err != nil {
			return fail(err)
		}
	}
	for _, ch := range res.Changes {
		what := ch.Path
		switch ch.Kind {
		case "move", "rename":
			what += " -> " + ch.To
		case "remove":
			what += " removed"
		case "add":
			what = ch.To + " added"
		case "set":
			what += " set"
		case "keep":
			what += " kept"
		}
		fmt.Fprintf(e.stderr, "%s:%d:%d: %s: %s\n", res.Name, ch.Line, ch.Column, what, ch.Reason)
	}
	for _, d := range res.Differences {
		what := d.What + ": " + d.New
		if d.Old != "" {
			what = d.What + ": " + d.Old + " -> " + d.New
		}
		fmt.Fprintf(e.stderr, "%s: still differs in OpenClaw %s, which reads the same value differently: account %q: %s\n", res.Name, res.To, d.Account, what)
	}
	verb := "migrated"
	if !c.Write {
		verb = "would be migrated (-w writes it)"
	}
	fmt.Fprintf(e.stderr, "%s: %s from OpenClaw %s to %s: %s\n", res.Name, verb, res.From, res.To, plural(len(res.Changes), "change"))
	return nil
}

// writeKeepingMode replaces path by data atomically (a temporary file in
// the same directory, renamed over it), with the file's own mode: a
// reader sees the old config or the new one, never part of one.
func writeKeepingMode(path string, data []byte) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("not a regular file")
	}
	// A symlinked config is replaced at its target, so the link survives.
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	return replaceFile(path, data, fi.Mode().Perm(), true)
}
