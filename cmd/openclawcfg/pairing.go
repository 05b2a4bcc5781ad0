package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
	"github.com/openclawcfg/openclawcfg/plan"
	"github.com/openclawcfg/openclawcfg/runtime/imsg"
	"github.com/openclawcfg/openclawcfg/runtime/monitor"
	"github.com/openclawcfg/openclawcfg/runtime/pairing"
)

type pairingCmd struct {
	List    pairingListCmd    `cmd:"" help:"List pending pairing requests."`
	Approve pairingApproveCmd `cmd:"" help:"Approve a pairing code: its sender may DM the agent."`
}

func (c *pairingCmd) Help() string {
	return `Reads and writes the pairing store in OpenClaw's own layout and file formats
(<state>/credentials/imessage-pairing.json and imessage-<account>-allowFrom.json),
so approvals carry over between OpenClaw and openclawcfg: point --state-dir at
~/.openclaw to share OpenClaw's.`
}

type pairingListCmd struct {
	Account  string `placeholder:"ID" help:"Only this account's requests."`
	StateDir string `placeholder:"DIR" help:"State dir (default: $OPENCLAWCFG_STATE_DIR, else ~/.openclawcfg)."`
	Format   string `short:"f" enum:"text,json" default:"text" help:"text (a table) or json (the requests as OpenClaw stores them)."`
}

func (c *pairingListCmd) Run(e *env) error {
	account := ""
	if c.Account != "" {
		account = openclaw.NormalizeAccountID(c.Account)
	}
	reqs, err := pairing.New(stateDir(c.StateDir)).List(account)
	if err != nil {
		return fail(err)
	}
	if c.Format == "json" {
		if reqs == nil {
			reqs = []pairing.Request{}
		}
		b, err := json.Marshal(reqs)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(e.stdout, "%s\n", b)
		return fail(err)
	}
	if len(reqs) == 0 {
		fmt.Fprintln(e.stdout, "No pending imessage pairing requests.")
		return nil
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "CODE\tSENDER\tACCOUNT\tREQUESTED")
	for _, r := range reqs {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", r.Code, r.ID, metaValue(r, "accountId", "default"), r.CreatedAt)
	}
	return fail(w.Flush())
}

type pairingApproveCmd struct {
	Args     []string `arg:"" name:"code" help:"The pairing code (OpenClaw's form 'imessage CODE' is accepted too)."`
	Account  string   `placeholder:"ID" help:"Approve into this account's allow list (default: the account the request came from)."`
	Notify   bool     `help:"Tell the sender, through a one-shot imsg process, as 'openclaw pairing approve --notify' does."`
	StateDir string   `placeholder:"DIR" help:"State dir (default: $OPENCLAWCFG_STATE_DIR, else ~/.openclawcfg)."`
	Plan     string   `placeholder:"PLAN" help:"Plan whose imsg sends the notice (default: the plan 'run' last used with this state dir)."`
}

func (c *pairingApproveCmd) Run(e *env) error {
	args := c.Args
	if len(args) == 2 && strings.EqualFold(args[0], "imessage") {
		args = args[1:]
	}
	if len(args) != 1 || strings.TrimSpace(args[0]) == "" {
		return usageErrorf("pairing approve takes one code (e.g. openclawcfg pairing approve ABCD2345)")
	}
	code := args[0]
	dir := stateDir(c.StateDir)
	store := pairing.New(dir)
	account := ""
	if c.Account != "" {
		account = openclaw.NormalizeAccountID(c.Account)
	}
	// The request's account decides where the approval goes and which
	// account's imsg sends the notice.
	from := account
	if reqs, err := store.List(""); err == nil {
		for _, r := range reqs {
			if strings.EqualFold(strings.TrimSpace(r.Code), strings.TrimSpace(code)) && from == "" {
				from = metaValue(r, "accountId", "default")
			}
		}
	}
	id, err := store.Approve(code, account)
	if err != nil {
		return findings(err) // no such code
	}
	fmt.Fprintf(e.stdout, "Approved imessage sender %s.\n", id)
	if !c.Notify {
		return nil
	}
	if from == "" {
		from = "default"
	}
	if err := notifyApproval(dir, c.Plan, from, id); err != nil {
		// OpenClaw logs the failure and still succeeds: the approval stands.
		fmt.Fprintf(e.stderr, "Failed to notify requester: %v\n", err)
	}
	return nil
}

func metaValue(r pairing.Request, key, def string) string {
	for _, m := range r.Meta {
		if m.Key == key && m.Value != "" {
			return m.Value
		}
	}
	return def
}

// notifyApproval sends OpenClaw's approval notice to the approved id with a
// one-shot `imsg rpc`, as the iMessage plugin's notifyApproval does
// (sendMessageIMessage without a monitor client).
func notifyApproval(dir, planPath, account, id string) error {
	if planPath == "" {
		planPath = filepath.Join(dir, "openclawcfg-plan.json")
	}
	p, err := loadPlan(planPath)
	if err != nil {
		return fmt.Errorf("%v (give --plan)", err)
	}
	a := p.Account(account)
	if a == nil {
		a = p.Account(p.DefaultAccount.Value)
	}
	if a == nil {
		return fmt.Errorf("the plan has no account %q", account)
	}
	return oneShotSend(a, id, pairing.ApprovalText(), "")
}

// oneShotSend starts imsg for one send and stops it.
func oneShotSend(a *plan.Account, target, text, file string) error {
	params, err := sendParamsFor(a, target, text, file)
	if err != nil {
		return err
	}
	cliPath := a.CLIPathExpanded
	if cliPath == "" {
		cliPath = a.CLIPath.Value
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	client, err := imsg.Start(ctx, imsg.Config{CLIPath: cliPath, DBPath: a.DBPathExpanded, Env: os.Environ()})
	if err != nil {
		return err
	}
	defer func() {
		sctx, scancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer scancel()
		_ = client.Stop(sctx)
	}()
	var res map[string]any
	return client.Call(ctx, "send", params, &res)
}

// sendParamsFor builds a send request for an account (monitor.SendParams).
func sendParamsFor(a *plan.Account, target, text, file string) (map[string]any, error) {
	return monitor.SendParams(a, target, text, file)
}
