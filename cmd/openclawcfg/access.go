package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/openclawcfg/openclawcfg/compiler/diag"
	"github.com/openclawcfg/openclawcfg/plan/report"
)

func (c *explainCmd) runAccess(e *env) error {
	p, code := compileFile(e, c.Config)
	if p == nil {
		return exitCode(code)
	}
	rows := report.Access(p)
	if c.Format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			ChannelConfigured bool               `json:"channelConfigured"`
			Rows              []report.AccessRow `json:"rows"`
		}{p.ChannelConfigured, rows})
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
