package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/openclawcfg/openclawcfg/compiler"
	"github.com/openclawcfg/openclawcfg/compiler/diag"
	"github.com/openclawcfg/openclawcfg/plan/report"
)

// accessCmd is `openclawcfg access --config FILE`: who can reach the agent
// under a config. `explain --config FILE --access` is its deprecated alias.
type accessCmd struct {
	Config   string   `short:"c" required:"" placeholder:"FILE" predictor:"config" help:"The config whose admission table to print."`
	Format   string   `short:"f" enum:"text,json" default:"text" help:"Output format: ${enum}."`
	NoEnv    bool     `name:"no-env" help:"Read no environment variable for $${VAR}."`
	AllowEnv []string `name:"allow-env" placeholder:"NAME" help:"Read only these environment variables for $${VAR}."`
	OpenClaw string   `name:"openclaw" placeholder:"RELEASE" help:"Read the config as this OpenClaw release (${releases}). Default: its meta.lastTouchedVersion, else ${seed}."`
}

func (c *accessCmd) Help() string {
	return `Prints, per account, who can reach the agent: DMs, group chats, group senders
and mentions, each with the rule of the config that decides it, and a fix
where the config admits nobody, most likely by mistake. Environment values the
config reads are shown as ${NAME}. Exit status 1 when the config has errors
(they are printed instead of the table).`
}

func (c *accessCmd) Run(e *env) error {
	rel, err := releaseFlag(c.OpenClaw)
	if err != nil {
		return err
	}
	opt, err := envRestrict(compiler.Options{OpenClaw: rel}, c.NoEnv, c.AllowEnv)
	if err != nil {
		return err
	}
	r, p, err := compileFile(e, c.Config, opt)
	if err != nil {
		return err
	}
	rows := report.Access(p)
	// Rows quote allow-list entries and hosts, which may come from ${VAR}.
	for i := range rows {
		rw := &rows[i]
		rw.Verdict, rw.Rule, rw.Fix = r.Redact(rw.Verdict), r.Redact(rw.Rule), r.Redact(rw.Fix)
	}
	if c.Format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			OpenClaw          string             `json:"openclaw"`
			OpenClawReason    string             `json:"openclawReason"`
			ChannelConfigured bool               `json:"channelConfigured"`
			Rows              []report.AccessRow `json:"rows"`
		}{r.Release.Release, r.Release.Reason, p.ChannelConfigured, rows})
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	last := ""
	for _, r := range rows {
		if r.Account != last {
			if last != "" {
				fmt.Fprintln(tw)
			}
			fmt.Fprintf(tw, "account %s\n", diag.Sanitize(r.Account))
			last = r.Account
		}
		fmt.Fprintf(tw, "  %s\t%s\n", diag.Sanitize(r.Topic), diag.Sanitize(r.Verdict))
		fmt.Fprintf(tw, "  \t  rule: %s\n", diag.Sanitize(r.Rule))
		if r.Fix != "" {
			fmt.Fprintf(tw, "  \t  fix: %s\n", diag.Sanitize(r.Fix))
		}
	}
	return tw.Flush()
}
