package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
	"github.com/openclawcfg/openclawcfg/plan"
	"github.com/openclawcfg/openclawcfg/runtime/handler"
	"github.com/openclawcfg/openclawcfg/runtime/inbound"
	"github.com/openclawcfg/openclawcfg/runtime/monitor"
	"github.com/openclawcfg/openclawcfg/runtime/pairing"
	"github.com/openclawcfg/openclawcfg/runtime/store"
)

type runCmd struct {
	Plan           string        `arg:"" name:"plan" help:"A plan written by openclawcfg compile."`
	Handler        []string      `arg:"" optional:"" name:"handler" passthrough:"" help:"After --: the program (and its arguments) that answers each admitted message."`
	StateDir       string        `placeholder:"DIR" help:"State dir: pairing store, staged media (default: $OPENCLAWCFG_STATE_DIR, else ~/.openclawcfg)."`
	Account        []string      `placeholder:"ID" help:"Run only these accounts (repeatable; default: every account that starts)."`
	Echo           bool          `help:"Reply with each message's own text instead of running a handler (to try it out)."`
	Webhook        string        `placeholder:"URL" help:"POST each admitted message's context to URL instead of running a handler; the response body is the reply."`
	HandlerTimeout time.Duration `default:"120s" placeholder:"DURATION" help:"Kill a handler that runs longer."`
	Chats          int           `default:"8" placeholder:"N" help:"Chats handled at once per account (one chat's messages are always in order)."`
	MediaRoot      []string      `placeholder:"DIR" help:"A directory a reply's media may come from (repeatable), besides OpenClaw's media roots (/tmp/openclaw, the state dir's media, workspace and sandboxes)."`
	LogFormat      string        `enum:"auto,text,json" default:"auto" help:"Log format on stderr: text on a terminal, json otherwise (auto)."`
	Verbose        bool          `short:"v" help:"Debug logging: every decision's OpenClaw log lines."`
	MetricsAddr    string        `placeholder:"HOST:PORT" help:"Serve Prometheus metrics on http://HOST:PORT/metrics (and /healthz); loopback only unless --metrics-public."`
	MetricsPublic  bool          `help:"Allow a non-loopback --metrics-addr."`
	Compat         string        `enum:",openclaw" default:"" env:"OPENCLAWCFG_COMPAT" placeholder:"openclaw" help:"openclaw: do exactly what OpenClaw 2026.3.24 does, failures included (no store, no cursor, no dedupe, no replay fence, no outbox, OpenClaw's echo limiter)."`
	SendRate       int           `default:"30" placeholder:"N" help:"Sends per recipient per minute before the rest wait in the outbox (a runaway handler cannot flood a person)."`
	HandlerRetries int           `default:"3" placeholder:"N" help:"Attempts per message for a failing handler before it is dead-lettered."`
	VerifyKey      string        `placeholder:"FILE" env:"OPENCLAWCFG_VERIFY_KEY" help:"Run only a plan signed with this ed25519 public key (PEM, from 'openclawcfg keygen' or openssl); refuse an unsigned or otherwise signed one."`
	// Timing that tests shorten: the gap-filling read's interval, the
	// replay fence's slack, when a message counts as Delayed, how long an
	// unanswered send may take to show in its chat, imsg's request timeout.
	Reconcile      time.Duration `hidden:"" default:"30s"`
	LateSlack      time.Duration `hidden:"" default:"2m"`
	DelayedAfter   time.Duration `hidden:"" default:"2m"`
	ReconcileAfter time.Duration `hidden:"" default:"2m"`
	RequestTimeout time.Duration `hidden:"" default:"10s"`
	ReadyTimeout   time.Duration `hidden:"" default:"30s"`
	// StoreNoSync skips fsync in the store (still safe against kill -9,
	// not against power loss): for tests and benchmarks.
	StoreNoSync bool `hidden:"" env:"OPENCLAWCFG_STORE_NOSYNC"`
	// BackoffBase shortens OpenClaw's 5 s restart backoff in tests;
	// Liveness the interval of the hung-imsg probe.
	BackoffBase time.Duration `hidden:"" default:"5s"`
	Liveness    time.Duration `hidden:"" default:"60s"`
}

func (c *runCmd) Help() string {
	return `Runs the plan's iMessage accounts against imsg rpc as OpenClaw 2026.3.24's
gateway would, with a program of yours in place of OpenClaw's agent:

  openclawcfg run plan.json --echo
  openclawcfg run plan.json -- ./answer.sh --flag
  openclawcfg run plan.json --webhook http://127.0.0.1:8080/hook

The handler is started per admitted message (argv only, never a shell) with the
inbound context (OpenClaw's field names, as JSON) on stdin. Its stdout is the
reply: plain text, or {"text": "...", "media": ["/abs/path", ...]}; empty means
no reply. It goes through OpenClaw's reply pipeline (responsePrefix, markdown
tables, chunking) to imsg. Strangers get OpenClaw's pairing codes; approve them
with 'openclawcfg pairing approve CODE'. SIGINT or SIGTERM stops cleanly.

With --webhook the same JSON is POSTed to the URL (http or https; a user or
password only over https) with Idempotency-Key ACCOUNT:MESSAGEID, the same on
every retry, and X-OpenClaw-Account; the response body is the reply, read like
a handler's stdout (204 or empty: no reply). No response, 429, 502, 503 and 504
are retried twice (250 ms, 500 ms; Retry-After up to 30 s) within
--handler-timeout; other statuses are not. Failures are logged, never sent.`
}

func (c *runCmd) Run(e *env) error {
	if len(c.Handler) > 0 && c.Handler[0] == "--" {
		c.Handler = c.Handler[1:]
	}
	var h handler.Handler
	switch {
	case c.Echo && len(c.Handler) > 0:
		return usageErrorf("give either --echo or a handler after --, not both")
	case c.Webhook != "" && c.Echo:
		return usageErrorf("give either --echo or --webhook, not both")
	case c.Webhook != "" && len(c.Handler) > 0:
		return usageErrorf("give either --webhook or a handler after --, not both")
	case c.Webhook != "":
		// Refused here, before any account starts, not on every message.
		if err := handler.CheckWebhookURL(c.Webhook); err != nil {
			return usageErrorf("--webhook %v", err)
		}
		h = &handler.Webhook{URL: c.Webhook, Timeout: c.HandlerTimeout}
	case c.Echo:
		h = handler.Echo{}
	case len(c.Handler) == 0:
		return usageErrorf("no handler: give --echo, --webhook URL, or the program that answers after --, e.g. openclawcfg run plan.json -- ./answer.sh")
	default:
		h = &handler.Exec{Argv: c.Handler, Timeout: c.HandlerTimeout}
	}
	if c.Chats < 1 {
		return usageErrorf("--chats must be at least 1")
	}
	p, err := loadPlanKey(c.Plan, c.VerifyKey)
	if err != nil {
		return err
	}
	accounts, err := selectAccounts(p, c.Account)
	if err != nil {
		return err
	}
	for _, r := range c.MediaRoot {
		if !filepath.IsAbs(r) {
			return usageErrorf("--media-root %s: must be an absolute path", r)
		}
	}
	// Bound before any account starts: a bad address fails the run at once.
	metrics, err := listenMetrics(c.MetricsAddr, c.MetricsPublic)
	if err != nil {
		return fail(err) // --metrics-public alone, or an address that cannot be used
	}
	defer metrics.Close()
	dir := stateDir(c.StateDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return failf("state dir %s: %v", dir, err)
	}
	if err := rememberPlan(dir, c.Plan); err != nil {
		return failf("state dir %s: %v", dir, err)
	}
	log := newLogger(e.stderr, c.LogFormat, c.Verbose)
	if c.SendRate < 1 {
		return usageErrorf("--send-rate must be at least 1")
	}
	if c.HandlerRetries < 1 {
		return usageErrorf("--handler-retries must be at least 1")
	}
	var durable *store.Store
	if c.Compat == "" {
		durable, err = store.Open(dir, store.Options{NoSync: c.StoreNoSync})
		if errors.Is(err, store.ErrInUse) {
			return failf("%v: stop it first ('openclawcfg status --state-dir %s' shows it), or give this run another --state-dir", err, dir)
		}
		if err != nil {
			return failf("state dir %s: %v", dir, err)
		}
		defer durable.Close()
		release, err := lockDatabases(accounts)
		if err != nil {
			return fail(err)
		}
		defer release()
	} else {
		log.Warn("openclawcfg run: --compat openclaw: messages can be lost across restarts and answered twice, as in OpenClaw 2026.3.24")
	}
	store := pairing.New(dir)
	sessions := inbound.NewSessions()
	var ms []*monitor.Monitor
	for _, a := range accounts {
		acctHandler := h
		if x, ok := h.(*handler.Exec); ok {
			copy := *x
			copy.Env = handler.Environ(a.ID)
			acctHandler = &copy
		}
		m, err := monitor.New(monitor.Options{
			Plan: p, Account: a.ID, Store: store, Handler: acctHandler, Logger: log,
			Chats: c.Chats, StateDir: dir, MediaRoots: c.MediaRoot, Sessions: sessions,
			State: durable, SendRate: c.SendRate, HandlerRetries: c.HandlerRetries, Reconcile: c.Reconcile,
			ProbeTimeout: c.RequestTimeout, ReadyTimeout: c.ReadyTimeout,
		})
		if err != nil {
			return err
		}
		ms = append(ms, m)
	}

	if err := metrics.serve(ms, log); err != nil {
		return fail(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.Account().ID
	}
	log.Info("openclawcfg run: starting", "accounts", strings.Join(ids, ","), "stateDir", dir, "plan", c.Plan)
	monitor.LivenessInterval = c.Liveness
	monitor.LateSlack, monitor.DelayedAfter, monitor.ReconcileAfter = c.LateSlack, c.DelayedAfter, c.ReconcileAfter
	started := time.Now()
	done := make(chan struct{})
	go func() {
		b := monitor.DefaultBackoff
		b.Base = c.BackoffBase
		monitor.Supervise(ctx, ms, b)
		close(done)
	}()
	statusDone := make(chan struct{})
	changed := make(chan struct{}, 1)
	for _, m := range ms {
		go func() {
			for range m.Stats().Changed() {
				select {
				case changed <- struct{}{}:
				default:
				}
			}
		}()
	}
	go func() {
		defer close(statusDone)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			if err := writeStatus(dir, c.Plan, started, true, ms, metrics.URL(), durable != nil); err != nil {
				log.Warn("openclawcfg run: status file not written", "err", err.Error())
			}
			select {
			case <-done:
				return
			case <-tick.C:
			case <-changed:
			}
		}
	}()
	select {
	case <-done:
	case <-ctx.Done():
		// Every child gets the stop sequence; do not outlive 3 s.
		select {
		case <-done:
		case <-time.After(2500 * time.Millisecond):
			log.Warn("openclawcfg run: stopped before every child exited")
		}
	}
	<-statusDone
	_ = writeStatus(dir, c.Plan, started, false, ms, metrics.URL(), durable != nil)
	for _, m := range ms {
		s := m.Stats()
		var drops []string
		for _, d := range s.Drops() {
			drops = append(drops, fmt.Sprintf("%s=%d", d.Reason, d.Count))
		}
		log.Info("openclawcfg run: account summary", "account", m.Account().ID, "received", s.Received.Load(),
			"dispatched", s.Dispatched.Load(), "pairingCodes", s.PairingCodes.Load(), "sent", s.Sent.Load(),
			"sendFailed", s.SendFailed.Load(), "handlerFailed", s.HandlerFailed.Load(), "restarts", s.Restarts.Load(),
			"drops", strings.Join(drops, " "))
	}
	if ctx.Err() == nil {
		return &exitError{exitGaveUp, errors.New("every account stopped for good (see the log above for why)")}
	}
	return nil
}

// selectAccounts is the accounts to run: the named ones (each must exist
// and start), else every account that starts.
func selectAccounts(p *plan.Plan, names []string) ([]*plan.Account, error) {
	var out []*plan.Account
	if len(names) == 0 {
		for i := range p.Accounts {
			if p.Running(&p.Accounts[i]) {
				out = append(out, &p.Accounts[i])
			}
		}
		if len(out) == 0 {
			var why []string
			for i := range p.Accounts {
				why = append(why, fmt.Sprintf("%s: %s", p.Accounts[i].ID, p.NotRunning(&p.Accounts[i])))
			}
			return nil, failf("no account of the plan starts (%s)", strings.Join(why, "; "))
		}
		return out, nil
	}
	for _, n := range names {
		a := p.Account(n)
		if a == nil {
			var ids []string
			for _, x := range p.Accounts {
				ids = append(ids, x.ID)
			}
			return nil, usageErrorf("--account %s: no such account (accounts: %s)", n, strings.Join(ids, ", "))
		}
		if why := p.NotRunning(a); why != "" {
			return nil, usageErrorf("--account %s: the account does not start (%s)", n, why)
		}
		out = append(out, a)
	}
	return out, nil
}

// rememberPlan keeps a copy of the running plan in the state dir, so
// 'pairing approve --notify' and 'status' know the accounts' cliPath.
func rememberPlan(dir, planPath string) error {
	b, err := readSmall(planPath, 64<<20)
	if err != nil {
		return err
	}
	return writeAtomic(filepath.Join(dir, "openclawcfg-plan.json"), b)
}

// newLogger logs text on a terminal and JSON otherwise.
func newLogger(w io.Writer, format string, verbose bool) *slog.Logger {
	level := slog.LevelInfo
	if verbose {
		level = slog.LevelDebug
	}
	opts := &slog.HandlerOptions{Level: level}
	if format == "auto" {
		format = "json"
		if f, ok := w.(*os.File); ok && isTerminal(f) {
			format = "text"
		}
	}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

var _ = openclaw.TrimJS
