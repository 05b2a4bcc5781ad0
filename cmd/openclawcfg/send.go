package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
	"github.com/openclawcfg/openclawcfg/internal/openclaw/reply"
	"github.com/openclawcfg/openclawcfg/plan"
	"github.com/openclawcfg/openclawcfg/runtime/imsg"
)

type sendCmd struct {
	Plan    string   `arg:"" name:"plan" help:"A plan written by openclawcfg compile."`
	Text    string   `arg:"" optional:"" name:"text" help:"The message, or - to read it from standard input."`
	To      string   `required:"" placeholder:"TARGET" help:"A handle (+15551234567, me@example.com, imessage:..., sms:...) or a chat (chat_id:42, chat_guid:..., chat_identifier:...)."`
	Account string   `placeholder:"ID" help:"Send from this account (default: the plan's default account)."`
	Media   []string `placeholder:"PATH" help:"Attach a file (repeatable); each is its own send."`
	DryRun  bool     `help:"Print the send requests instead of sending."`
}

func (c *sendCmd) Help() string {
	return `Sends one message through the account's imsg, with the plan's rules: the
target as OpenClaw parses it (the configured service applies to chat targets;
handles carry their own), markdown tables converted, the responsePrefix on the
first chunk, the text chunked at textChunkLimit by chunkMode, and each file
within mediaMaxMb sent on its own.`
}

func (c *sendCmd) Run(e *env) error {
	p, err := loadPlan(c.Plan)
	if err != nil {
		return err
	}
	id := c.Account
	if id == "" {
		id = p.DefaultAccount.Value
	}
	a := p.Account(id)
	if a == nil {
		return usageErrorf("--account %s: no such account in the plan", id)
	}
	text := c.Text
	if text == "-" {
		b, err := io.ReadAll(io.LimitReader(e.stdin, 1<<20+1))
		if err != nil {
			return fail(err)
		}
		if len(b) > 1<<20 {
			return failf("the message on standard input is over 1 MiB")
		}
		text = string(b)
	}
	if strings.TrimSpace(text) == "" && len(c.Media) == 0 {
		return usageErrorf("nothing to send: give a text or --media")
	}
	if _, err := openclaw.ParseTarget(c.To); err != nil {
		return usageErrorf("--to %q: %v", c.To, err)
	}
	for _, m := range c.Media {
		if err := checkMedia(a, m); err != nil {
			return err
		}
	}
	var reqs []map[string]any
	for _, chunk := range outboundChunks(a, text) {
		params, err := sendParamsFor(a, c.To, chunk, "")
		if err != nil {
			return usageErrorf("%v", err) // the target
		}
		reqs = append(reqs, params)
	}
	for _, m := range c.Media {
		params, err := sendParamsFor(a, c.To, "", m)
		if err != nil {
			return usageErrorf("%v", err) // the target
		}
		reqs = append(reqs, params)
	}
	if c.DryRun {
		enc := json.NewEncoder(e.stdout)
		for _, r := range reqs {
			if err := enc.Encode(r); err != nil {
				return fail(err)
			}
		}
		return nil
	}
	return sendAll(a, reqs, e)
}

// outboundChunks applies markdown tables, the responsePrefix and chunking.
func outboundChunks(a *plan.Account, text string) []string {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	text = reply.ConvertMarkdownTables(text, a.Outbound.MarkdownTables.Value)
	if prefix := a.ResponsePrefix.Value; prefix != "" && prefix != "auto" && !strings.HasPrefix(text, prefix) {
		text = prefix + " " + text
	}
	return openclaw.ChunkTextWithMode(text, a.Outbound.TextChunkLimit.Value, a.Outbound.ChunkMode.Value)
}

func checkMedia(a *plan.Account, path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return failf("--media %s: %s", path, readError(err))
	}
	if !fi.Mode().IsRegular() {
		return failf("--media %s: not a regular file", path)
	}
	if max := a.Outbound.MediaMaxBytes.Value; max > 0 && fi.Size() > max {
		return failf("--media %s: %d bytes is over mediaMaxMb (%d bytes)", path, fi.Size(), max)
	}
	return nil
}

// sendAll sends the requests in order through one imsg process.
func sendAll(a *plan.Account, reqs []map[string]any, e *env) error {
	cliPath := a.CLIPathExpanded
	if cliPath == "" {
		cliPath = a.CLIPath.Value
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(len(reqs)+1)*15*time.Second)
	defer cancel()
	client, err := imsg.Start(ctx, imsg.Config{CLIPath: cliPath, DBPath: a.DBPathExpanded, Env: os.Environ()})
	if err != nil {
		return fail(err)
	}
	defer func() {
		sctx, scancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer scancel()
		_ = client.Stop(sctx)
	}()
	for i, r := range reqs {
		var res map[string]any
		if err := client.Call(ctx, "send", r, &res); err != nil {
			return failf("send %d of %d failed: %v", i+1, len(reqs), err)
		}
	}
	fmt.Fprintf(e.stderr, "sent %d message(s)\n", len(reqs))
	return nil
}

type statusCmd struct {
	Plan     string `arg:"" optional:"" name:"plan" help:"With --probe: the plan whose accounts to probe."`
	Probe    bool   `help:"Probe each account's imsg: binary, rpc support, chats.list."`
	StateDir string `placeholder:"DIR" help:"State dir of the running 'openclawcfg run' (default: $OPENCLAWCFG_STATE_DIR, else ~/.openclawcfg)."`
	Format   string `short:"f" enum:"text,json" default:"text" help:"text (a table) or json."`
}

func (c *statusCmd) Help() string {
	return `Without --probe: what the 'openclawcfg run' using the state dir reports, per
account: its state (running, restarting, failed with the failure class and the
fix), the last message in and reply out, restarts, dispatches, and drops by
reason. Exit status 1 when it is not running or an account is not running.

With --probe PLAN: probes every account that starts with its own cliPath and
dbPath, as OpenClaw's probe does (the binary, 'rpc --help' with the "rpc
unsupported" rule, then chats.list {limit: 1}). OpenClaw 2026.3.24's 'channels
status --probe' probes the top-level settings for every account; this probes
each account's own. Exit status 1 when a probe fails.`
}

type probeRow struct {
	Account string `json:"account"`
	CLIPath string `json:"cliPath"`
	DBPath  string `json:"dbPath,omitempty"`
	OK      bool   `json:"ok"`
	Fatal   bool   `json:"fatal,omitempty"`
	Error   string `json:"error,omitempty"`
	Status  string `json:"status,omitempty"` // for accounts that do not start
}

func (c *statusCmd) Run(e *env) error {
	if !c.Probe {
		if c.Plan != "" {
			return usageErrorf("a plan is only read with --probe; without it, status reads the running instance's state dir")
		}
		return showRunStatus(e, stateDir(c.StateDir), c.Format)
	}
	if c.Plan == "" {
		return usageErrorf("status --probe needs the plan to probe")
	}
	p, err := loadPlan(c.Plan)
	if err != nil {
		return err
	}
	var rows []probeRow
	failed := false
	for i := range p.Accounts {
		a := &p.Accounts[i]
		cliPath := a.CLIPathExpanded
		if cliPath == "" {
			cliPath = a.CLIPath.Value
		}
		row := probeRow{Account: a.ID, CLIPath: cliPath, DBPath: a.DBPathExpanded}
		if why := p.NotRunning(a); why != "" {
			row.Status = "not started: " + why
			rows = append(rows, row)
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		r := imsg.Probe(ctx, imsg.Config{CLIPath: cliPath, DBPath: a.DBPathExpanded, Env: os.Environ()}, imsg.DefaultRequestTimeout)
		cancel()
		row.OK, row.Fatal, row.Error = r.OK, r.Fatal, r.Error
		failed = failed || !r.OK
		rows = append(rows, row)
	}
	if c.Format == "json" {
		b, _ := json.Marshal(rows)
		fmt.Fprintf(e.stdout, "%s\n", b)
	} else {
		w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ACCOUNT\tCLIPATH\tDBPATH\tPROBE")
		for _, r := range rows {
			res := "ok"
			switch {
			case r.Status != "":
				res = r.Status
			case r.Fatal:
				res = "fatal: " + r.Error
			case !r.OK:
				res = "failed: " + r.Error
			}
			db := r.DBPath
			if db == "" {
				db = "-"
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", r.Account, r.CLIPath, db, res)
		}
		w.Flush()
	}
	if failed {
		return exitStatus(exitInvalid)
	}
	return nil
}
