package main

import (
	"encoding/json"
	"fmt"

	"github.com/openclawcfg/openclawcfg/compiler/diag"
	"github.com/openclawcfg/openclawcfg/plan/report"
)

// runPolicyDiff compares two configs' effective policies for review in CI.
func (c *vetCmd) runPolicyDiff(e *env) error {
	if len(c.Paths) != 2 {
		return usageError("--policy-diff needs exactly two configs: OLD NEW")
	}
	if c.Format != "text" && c.Format != "json" {
		return usageError("--policy-diff prints text or json, not " + c.Format)
	}
	old, code := compileFile(e, c.Paths[0])
	if old == nil {
		return exitCode(code)
	}
	cur, code := compileFile(e, c.Paths[1])
	if cur == nil {
		return exitCode(code)
	}
	changes := report.PolicyDiff(old, cur)
	widened := false
	for _, ch := range changes {
		widened = widened || ch.Widens
	}
	switch c.Format {
	case "json":
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(struct {
			Widened bool            `json:"widened"`
			Changes []report.Change `json:"changes"`
		}{widened, changes}); err != nil {
			return err
		}
	default:
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
				fmt.Fprintf(e.stdout, "%s%s: %s: %s\n", mark, who, what, diag.Sanitize(ch.New))
			} else {
				fmt.Fprintf(e.stdout, "%s%s: %s: %s -> %s\n", mark, who, what, diag.Sanitize(ch.Old), diag.Sanitize(ch.New))
			}
		}
		switch {
		case widened:
			fmt.Fprintf(e.stdout, "access widened (lines marked +): review before deploying\n")
		case len(changes) > 0:
			fmt.Fprintf(e.stdout, "no access widened\n")
		default:
			fmt.Fprintf(e.stdout, "no policy changes\n")
		}
	}
	if widened {
		return exitCode(exitInvalid)
	}
	return nil
}
