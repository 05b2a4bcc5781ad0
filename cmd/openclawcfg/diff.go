package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/openclawcfg/openclawcfg/compiler"
	"github.com/openclawcfg/openclawcfg/compiler/diag"
	"github.com/openclawcfg/openclawcfg/plan/report"
)

// diffCmd is `openclawcfg diff OLD NEW`: every change in who can reach the
// agent, for review in CI. `vet --policy-diff OLD NEW` is its deprecated
// alias.
type diffCmd struct {
	Old      string   `arg:"" name:"old" predictor:"config" help:"The config before the change."`
	New      string   `arg:"" name:"new" predictor:"config" help:"The config after the change."`
	Format   string   `short:"f" enum:"text,json" default:"text" help:"Output format: ${enum}."`
	NoEnv    bool     `name:"no-env" help:"Read no environment variable for $${VAR} (for configs from pull requests)."`
	AllowEnv []string `name:"allow-env" placeholder:"NAME" help:"Read only these environment variables for $${VAR}."`
}

func (c *diffCmd) Help() string {
	return `Compiles both configs and lists every change in who can reach the agent (DM
and group policies, allow lists, groups, mentions, accounts) or in what reaches
the gateway's machine (remoteHost, attachment roots, cliPath). Lines that widen
access are marked +, lines that narrow it -. Environment values the configs
read are shown as ${NAME}.

Exit status: 0 when no access widened, 1 when some did (review before
deploying) or a config has errors, 2 when a config cannot be read.`
}

func (c *diffCmd) Run(e *env) error {
	return policyDiff(e, c.Old, c.New, c.Format, c.NoEnv, c.AllowEnv)
}

// policyDiff compares two configs' effective policies.
func policyDiff(e *env, oldPath, newPath, format string, noEnv bool, allowEnv []string) error {
	opt, err := envRestrict(compiler.Options{}, noEnv, allowEnv)
	if err != nil {
		return err
	}
	rOld, old, err := compileFile(e, oldPath, opt)
	if err != nil {
		return err
	}
	rNew, cur, err := compileFile(e, newPath, opt)
	if err != nil {
		return err
	}
	changes := report.PolicyDiff(old, cur)
	widened := false
	for i := range changes {
		ch := &changes[i]
		widened = widened || ch.Widens
		// Entries and hosts may come from ${VAR}: each side names its own.
		ch.What = rNew.Redact(rOld.Redact(ch.What))
		ch.Old, ch.New = rOld.Redact(ch.Old), rNew.Redact(ch.New)
	}
	if format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(struct {
			OldOpenClaw string          `json:"oldOpenclaw"`
			NewOpenClaw string          `json:"newOpenclaw"`
			Widened     bool            `json:"widened"`
			Changes     []report.Change `json:"changes"`
		}{rOld.Release.Release, rNew.Release.Release, widened, changes}); err != nil {
			return err
		}
	} else {
		if rOld.Release.Release != rNew.Release.Release {
			// Across releases (after openclawcfg migrate, say), each side is
			// read as its own release.
			fmt.Fprintf(e.stdout, "%s read as OpenClaw %s (%s), %s as OpenClaw %s (%s)\n",
				diag.Sanitize(oldPath), rOld.Release.Release, diag.Sanitize(rOld.Release.Reason),
				diag.Sanitize(newPath), rNew.Release.Release, diag.Sanitize(rNew.Release.Reason))
		}
		writeChanges(e.stdout, changes, widened)
	}
	if widened {
		return exitStatus(exitInvalid)
	}
	return nil
}

func writeChanges(w io.Writer, changes []report.Change, widened bool) {
	for _, ch := range changes {
		mark := "  "
		if ch.Widens {
			mark = "+ "
		} else if ch.Narrows {
			mark = "- "
		}
		who := "account " + ch.Account
		if ch.Account == "*" {
			who = "all accounts"
		}
		who, what := diag.Sanitize(who), diag.Sanitize(ch.What)
		if ch.Old == "" {
			fmt.Fprintf(w, "%s%s: %s: %s\n", mark, who, what, diag.Sanitize(ch.New))
		} else {
			fmt.Fprintf(w, "%s%s: %s: %s -> %s\n", mark, who, what, diag.Sanitize(ch.Old), diag.Sanitize(ch.New))
		}
	}
	switch {
	case widened:
		fmt.Fprintf(w, "access widened (lines marked +): review before deploying\n")
	case len(changes) > 0:
		fmt.Fprintf(w, "no access widened\n")
	default:
		fmt.Fprintf(w, "no policy changes\n")
	}
}
