// Package monitor runs one account of a plan against `imsg rpc` as OpenClaw
// 2026.3.24's iMessage monitor does (monitorIMessageProvider): wait for the
// transport, subscribe to the watch, debounce, decide every message with
// runtime/inbound, answer strangers with pairing codes, hand admitted
// messages to a handler and deliver its reply through OpenClaw's reply
// pipeline. Supervise restarts accounts with OpenClaw's backoff.
package monitor

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
	"github.com/openclawcfg/openclawcfg/plan"
	"github.com/openclawcfg/openclawcfg/runtime/handler"
	"github.com/openclawcfg/openclawcfg/runtime/imsg"
	"github.com/openclawcfg/openclawcfg/runtime/inbound"
	"github.com/openclawcfg/openclawcfg/runtime/pairing"
	"github.com/openclawcfg/openclawcfg/runtime/store"
)

// Options configure one account's monitor.
type Options struct {
	Plan    *plan.Plan
	Account string // the account id as the plan lists it
	Store   *pairing.Store
	Handler handler.Handler
	Logger  *slog.Logger
	// Env is the environment of the imsg processes (nil: ours).
	Env []string
	// Chats bounds how many chats are handled at once (default 8);
	// messages of one chat are always handled in order.
	Chats int
	// StateDir holds staged outbound media (media/outbound).
	StateDir string
	// MediaRoots are the directories a reply's media may come from, besides
	// the state dir's media folder.
	MediaRoots []string
	Stats      *Stats
	// Sessions is the gateway's session store, shared by its accounts
	// (nil: one per account).
	Sessions *inbound.Sessions
	// ReadyTimeout, ReadyPoll and ProbeTimeout override OpenClaw's start-up
	// timing (30 s, 500 ms, 10 s); zero keeps it.
	ReadyTimeout, ReadyPoll, ProbeTimeout time.Duration
	// Now is the clock (nil: time.Now).
	Now func() time.Time

	// State is the durable store. With it the runtime goes beyond OpenClaw
	// (durable.go): claimed rows, cursor, dedupe, replay fence, outbox,
	// reconciliation, the group-reply guard, the hardened echo check and
	// loop breaker. Without it (--compat openclaw) it does what OpenClaw
	// does, failures included.
	State *store.Store
	// SendRate caps sends per recipient per minute (0: DefaultSendRate).
	SendRate int
	// HandlerRetries is how many times a failing handler is tried for one
	// message before it is dead-lettered (0: 3). Only with State.
	HandlerRetries int
	// Reconcile is the reconciliation interval (0: ReconcileInterval).
	Reconcile time.Duration
}

// Monitor runs one account. Build it once; Run it once per lifetime of
// the imsg process.
type Monitor struct {
	opt     Options
	acct    *plan.Account
	dec     *inbound.Decider
	log     *slog.Logger
	now     func() time.Time
	isCmd   func(string) bool
	verbose bool // collect OpenClaw's verbose log lines (debug level)
}

// New prepares the account's monitor (its decider compiles the mention
// patterns once).
func New(opt Options) (*Monitor, error) {
	d, err := inbound.New(opt.Plan, opt.Account)
	if err != nil {
		return nil, err
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.Chats <= 0 {
		opt.Chats = 8
	}
	if opt.Stats == nil {
		opt.Stats = NewStats()
	}
	m := &Monitor{opt: opt, acct: d.Account(), dec: d, now: opt.Now}
	if m.now == nil {
		m.now = time.Now
	}
	m.log = opt.Logger.With("account", m.acct.ID)
	m.verbose = m.log.Enabled(context.Background(), slog.LevelDebug)
	m.isCmd = d.HasControlCommand
	return m, nil
}

// Account is the monitored account.
func (m *Monitor) Account() *plan.Account { return m.acct }

// Stats are the account's counters.
func (m *Monitor) Stats() *Stats { return m.opt.Stats }

// Run is one lifetime: wait until `imsg rpc` answers a probe, start it,
// subscribe, and handle messages until imsg ends or ctx does. It returns
// ctx.Err() after a clean stop (the watch unsubscribed, imsg stopped), and
// otherwise a *Failure saying what happened and, when a person must act,
// the fix: the supervisor restarts transient failures only.
func (m *Monitor) Run(ctx context.Context) error {
	a := m.acct
	cfg := imsg.Config{CLIPath: a.CLIPathExpanded, DBPath: a.DBPathExpanded, Env: m.opt.Env, Logger: m.log}
	if cfg.CLIPath == "" {
		cfg.CLIPath = a.CLIPath.Value
	}
	stderr := &stderrLog{}
	noise := newNoise(m.log)
	cfg.OnStderr = func(line string) {
		stderr.add(line)
		m.log.Warn("imsg rpc: " + line)
	}
	cfg.OnNoise = noise.add
	fail := func(err error) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		f := classify(err, cfg.CLIPath, stderr.text())
		if n, last := noise.count(); n > 0 && f.Class == ClassCrashed {
			f.Message += " after writing " + itoa(int(n)) + " non-JSON line(s) to stdout (last: " + last + ")"
			f.Fix = "make the wrapper print nothing but imsg's output: exec ssh -T ... imsg \"$@\", no echo, no MOTD"
		}
		return f
	}
	m.opt.Stats.SetState("waiting for imsg", "")
	probeTimeout := m.opt.ProbeTimeout
	if probeTimeout <= 0 {
		probeTimeout = imsg.DefaultRequestTimeout
	}
	err := imsg.WaitReady(ctx, func(ctx context.Context) imsg.ProbeResult {
		r := imsg.Probe(ctx, cfg, probeTimeout)
		// A missing binary or a missing Full Disk Access grant will not
		// heal in 30 s: end the wait at once (OpenClaw keeps probing).
		if f := classifyProbe(r, cfg.CLIPath); f != nil && f.Permanent {
			r.Fatal = true
		}
		return r
	}, imsg.WaitOptions{Timeout: m.opt.ReadyTimeout, PollInterval: m.opt.ReadyPoll, Logger: m.log})
	if err != nil {
		return fail(err)
	}

	lt := &lifetime{
		m: m, st: inbound.NewState(), inbox: newQueue(), chats: map[string]*chat{},
		sem: make(chan struct{}, m.opt.Chats), intakes: map[*inbound.Message]*intake{},
	}
	lt.ctx, lt.cancel = context.WithCancel(ctx)
	defer lt.cancel()
	cfg.RequestTimeout = probeTimeout
	cfg.OnNotification = lt.onNotification
	client, err := imsg.Start(ctx, cfg)
	if err != nil {
		return fail(err)
	}
	lt.client = client
	defer func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = client.Stop(stopCtx)
	}()

	lt.timeout = probeTimeout
	if m.opt.State != nil {
		lt.discover(ctx)
		lt.du = newDurable(m)
		lt.ob = &outbox{lt: lt, acct: lt.du.acct, rate: newRateCap(m.opt.SendRate), warned: map[int64]bool{}}
		lt.guard = newEchoGuard()
		cursor, err := lt.du.start(ctx, client, a.DBPathExpanded, probeTimeout, lt.findRow)
		if err != nil {
			return &Failure{Class: ClassState, Message: "the state store failed: " + err.Error(), Fix: "check that the state dir is writable and not full", Permanent: true}
		}
		lt.cursor = cursor
	}
	err = lt.subscribe(ctx)
	if err != nil {
		if ctx.Err() == nil {
			m.log.Error("imessage: monitor failed: " + err.Error())
		}
		return fail(err)
	}
	m.log.Info("imessage: watching", "cliPath", cfg.CLIPath, "dbPath", a.DBPathExpanded)
	m.opt.Stats.started()
	m.opt.Stats.SetState("running", "")

	decided := make(chan struct{})
	go func() { defer close(decided); lt.decideLoop() }()
	if lt.du != nil {
		every := m.opt.Reconcile
		if every <= 0 {
			every = ReconcileInterval
		}
		lt.wg.Add(3)
		go func() { defer lt.wg.Done(); lt.reconcileLoop(every) }()
		go func() { defer lt.wg.Done(); lt.watchDB() }()
		go func() { defer lt.wg.Done(); lt.ob.pump(lt.ctx, OutboxInterval) }()
	}
	hung := make(chan error, 1)
	go lt.liveness(probeTimeout, hung)
	end := func() {
		lt.inbox.close()
		<-decided
		lt.cancel()
		lt.wait()
	}
	select {
	case <-client.Done():
		end()
		why := client.ExitErr()
		if why == nil {
			why = imsg.ErrClosed
		}
		m.log.Warn("imessage: imsg rpc ended", "err", why.Error())
		return fail(why)
	case err := <-hung:
		m.log.Error("imessage: imsg rpc stopped answering; restarting it", "err", err.Error())
		end()
		return &Failure{Class: ClassHung, Message: "imsg rpc stopped answering while still running (" + err.Error() + ")"}
	case f := <-lt.later.restart:
		end()
		return f
	case <-ctx.Done():
		// Abort (attachIMessageMonitorAbortHandler): unsubscribe, then stop.
		lt.unsubscribe(300 * time.Millisecond)
		end()
		return ctx.Err()
	}
}

// endWith ends the lifetime with f (the supervisor restarts it unless f
// is permanent).
func (lt *lifetime) endWith(f *Failure) {
	select {
	case lt.later.restart <- f:
	default:
	}
}

// OutboxInterval is how often waiting and unknown sends are looked at.
var OutboxInterval = 2 * time.Second

// subscribe starts the watch: from the cursor when there is one (every
// row after it comes again, the handled ones are skipped), else from the
// tail as OpenClaw does.
func (lt *lifetime) subscribe(ctx context.Context) error {
	params := map[string]any{"attachments": lt.m.acct.Attachments.Include.Value}
	switch {
	case lt.cursor > 0:
		params["since_rowid"] = lt.cursor
	case lt.du != nil && lt.du.based:
		// The database had no rows at the baseline: every row is new
		// (a negative since_rowid replays from the first one).
		params["since_rowid"] = -1
	}
	lt.laterSubscribe(ctx, params)
	var sub struct {
		Subscription json.RawMessage `json:"subscription"`
	}
	subCtx, cancel := context.WithTimeout(ctx, lt.timeout)
	defer cancel()
	if err := lt.client.Call(subCtx, "watch.subscribe", params, &sub); err != nil {
		return err
	}
	lt.subMu.Lock()
	lt.sub = sub.Subscription
	lt.subMu.Unlock()
	return nil
}

func (lt *lifetime) unsubscribe(timeout time.Duration) {
	lt.subMu.Lock()
	sub := lt.sub
	lt.sub = nil
	lt.subMu.Unlock()
	if len(sub) > 0 && string(sub) != "null" {
		uctx, cancel := context.WithTimeout(context.Background(), timeout)
		_ = lt.client.Call(uctx, "watch.unsubscribe", map[string]any{"subscription": sub}, nil)
		cancel()
	}
}

// isCurrentSub: the notification is about the watch in use (not one
// already replaced).
func (lt *lifetime) isCurrentSub(params json.RawMessage) bool {
	var p struct {
		Subscription json.RawMessage `json:"subscription"`
	}
	if json.Unmarshal(params, &p) != nil || len(p.Subscription) == 0 {
		return true
	}
	lt.subMu.Lock()
	defer lt.subMu.Unlock()
	return lt.sub == nil || string(lt.sub) == string(p.Subscription)
}

// resubscribe replaces a watch that missed rows, died or overflowed with
// a new one from the current cursor.
func (lt *lifetime) resubscribe() { lt.resubscribeFrom(-1) }

// resubscribeFrom resumes from since when it is not -1 (the cursor as it
// was before gap rows were handed in: rows the watch missed in chats the
// reconciliation does not read are still ahead of it), else from the
// stored cursor.
func (lt *lifetime) resubscribeFrom(since int64) {
	lt.resubMu.Lock()
	defer lt.resubMu.Unlock()
	if lt.ctx.Err() != nil {
		return
	}
	lt.m.opt.Stats.Durable.Resubscribes.Add(1)
	lt.unsubscribe(lt.timeout)
	if since >= 0 {
		lt.cursor = since
	} else if c, err := lt.du.acct.Cursor(); err == nil {
		lt.cursor = c
	}
	if err := lt.subscribe(lt.ctx); err != nil && lt.ctx.Err() == nil {
		lt.m.log.Error("imessage: resubscribing the watch failed", "err", err.Error())
	}
}

// LivenessInterval is how often a running imsg is asked chats.list
// {limit: 1}; two unanswered probes in a row mean it hung. Liveness is
// judged by this active probe only, never by quiet chats.
var LivenessInterval = 60 * time.Second

func (lt *lifetime) liveness(timeout time.Duration, hung chan<- error) {
	timeout = min(timeout, LivenessInterval)
	t := time.NewTicker(LivenessInterval)
	defer t.Stop()
	misses := 0
	for {
		select {
		case <-lt.ctx.Done():
			return
		case <-lt.client.Done():
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(lt.ctx, timeout)
		err := lt.client.Call(ctx, "chats.list", map[string]any{"limit": 1}, nil)
		cancel()
		var te *imsg.TimeoutError
		switch {
		case err == nil:
			misses = 0
		case errors.As(err, &te):
			misses++
			if misses >= 2 {
				hung <- err
				return
			}
		}
	}
}

// noise aggregates stdout lines that are not JSON-RPC (a wrapper's chatter,
// a legacy banner) into one log line a minute, with the count.
type noise struct {
	log  *slog.Logger
	mu   sync.Mutex
	n    int64
	last string
	at   time.Time
}

func newNoise(log *slog.Logger) *noise { return &noise{log: log} }

func (n *noise) add(line string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.n++
	n.last = line
	if n.n == 1 || time.Since(n.at) >= time.Minute {
		n.at = time.Now()
		n.log.Warn("imsg rpc: stdout lines that are not JSON-RPC (a wrapper printing to stdout?)", "count", n.n, "last", line)
	}
}

func (n *noise) count() (int64, string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.n, n.last
}

// lifetime is one imsg process's worth of monitor state: OpenClaw keeps
// its caches, histories and rate limiter per monitor start.
type lifetime struct {
	m      *Monitor
	client *imsg.Client
	ctx    context.Context
	cancel context.CancelFunc

	stMu sync.Mutex // guards st
	st   *inbound.State

	inbox *queue

	timeout time.Duration
	subMu   sync.Mutex
	sub     json.RawMessage
	resubMu sync.Mutex // one resubscribe at a time
	gapMu   sync.Mutex
	gapIDs  map[int64]bool // rows the watch missed, awaited from the new one
	cursor  int64          // since_rowid of the next subscribe

	// Beyond OpenClaw (nil with --compat openclaw).
	du    *durable
	ob    *outbox
	guard *echoGuard
	later laterState // what imsg 0.14+ offers (later.go)
	// intakes maps messages between intake and handling; only the
	// decision goroutine touches it.
	intakes map[*inbound.Message]*intake

	chatMu sync.Mutex
	chats  map[string]*chat
	sem    chan struct{}
	wg     sync.WaitGroup
}

// onNotification runs on the client's reader goroutine: hand off at once.
func (lt *lifetime) onNotification(n imsg.Notification) {
	switch n.Method {
	case "message":
		lt.inbox.push(n.Params)
	case "error", "watch.overflow":
		if n.Method == "error" {
			lt.m.log.Error("imessage: watch error " + string(n.Params))
		} else {
			lt.m.log.Warn("imessage: watch overflow " + string(n.Params))
		}
		// The subscription has ended for good (imsg-rpc.md §4.6). OpenClaw
		// goes deaf here; with a store the watch resumes from the cursor.
		if lt.du != nil && lt.isCurrentSub(n.Params) {
			if n.Method == "watch.overflow" {
				lt.noteOverflow(n.Params)
			}
			go lt.resubscribe()
		}
	default:
		lt.m.log.Debug("imessage: ignoring notification", "method", n.Method)
	}
}

// decideLoop takes notifications in wire order through the debouncer and
// the decider, and hands pairing challenges and dispatches to the chats.
// With a store it takes what has arrived in one burst and claims it in one
// transaction.
func (lt *lifetime) decideLoop() {
	m := lt.m
	db := newDebouncer(m.opt.Plan.Global.InboundDebounceMs.Value, m.acct.ID, m.isCmd)
	db.onJoin = lt.joinIntakes
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		var wake <-chan time.Time
		if t := db.next(); !t.IsZero() {
			timer.Reset(time.Until(t))
			wake = timer.C
		}
		select {
		case raw, ok := <-lt.inbox.out():
			closed := !ok
			var batch []json.RawMessage
			if ok {
				batch = append(batch, raw)
			}
		more:
			for ok && len(batch) < 256 {
				select {
				case raw, ok = <-lt.inbox.out():
					if !ok {
						closed = true
						break more
					}
					batch = append(batch, raw)
				default:
					break more
				}
			}
			lt.intake(db, batch)
			if closed {
				if held := db.drain(); len(held) > 0 {
					m.log.Warn("imessage: debounced messages not handled at shutdown", "count", len(held))
					for _, msg := range held {
						if in := lt.intakes[msg]; in != nil && lt.du != nil {
							lt.du.unclaim(in.rows)
						}
					}
				}
				return
			}
		case <-wake:
			for _, ready := range db.due(m.now()) {
				lt.handle(ready)
			}
		}
		if wake != nil && !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
	}
}

// intake parses a burst of notifications, claims their rows, holds back
// late-synced ones, and feeds the rest to the debouncer.
func (lt *lifetime) intake(db *debouncer, batch []json.RawMessage) {
	m := lt.m
	msgs := make([]*inbound.Message, 0, len(batch))
	gaps := make([]bool, 0, len(batch))
	for _, raw := range batch {
		msg, gap, err := parseNotification(raw)
		if err != nil {
			m.opt.Stats.drop("malformed payload")
			m.log.Info("imessage: dropping malformed RPC message payload", "err", err.Error())
			continue
		}
		msgs = append(msgs, msg)
		gaps = append(gaps, gap)
	}
	if len(msgs) == 0 {
		return
	}
	var ins []*intake
	if lt.du != nil {
		var err error
		ins, err = lt.du.claim(msgs)
		if err != nil {
			// Handling without a claim risks a second answer after a
			// crash; not handling loses the message. Losing is worse.
			m.log.Error("imessage: rows not claimed (state dir unwritable?); handling them without crash protection", "err", err.Error())
			ins = nil
		}
	}
	now := m.now()
	for i, msg := range msgs {
		in := newIntake(msg)
		if lt.du != nil && ins != nil {
			in = ins[i]
			if in == nil {
				m.opt.Stats.Durable.Duplicates.Add(1)
				m.log.Info("imessage: row delivered again and already handled; skipped", "id", idOf(msg))
				continue
			}
		}
		in.gap = gaps[i] || (lt.du != nil && lt.filledGap(msg))
		if in.gap {
			m.opt.Stats.Durable.GapsFilled.Add(1)
		}
		if lt.du != nil && !msg.IsFromMe && unjoined(msg) {
			// imsg#118: a row not yet joined to its chat (chat_id 0) looks
			// like a DM; OpenClaw answers a group message in the sender's
			// DM. It is held until the reconciliation finds it joined.
			lt.du.park(in.rows)
			m.log.Info("imessage: row not joined to a chat yet (chat_id 0): held until it is, so a group message is not answered in a DM", "id", idOf(msg), "sender", msg.Sender)
			continue
		}
		if lt.du != nil && !msg.IsFromMe {
			late, delayed, dated := lt.du.lateness(msg, now)
			in.dated = dated
			if late && !in.before {
				m.opt.Stats.Durable.Late.Add(1)
				m.opt.Stats.drop("late-synced")
				m.log.Warn("imessage: row synced in late (dated while the watch was known to deliver everything): held back, not answered",
					"id", idOf(msg), "dated", dated.UTC().Format(time.RFC3339), "sender", msg.Sender)
				lt.du.dead(in.rows, "late-synced: dated "+dated.UTC().Format(time.RFC3339)+", when the watch was known to deliver everything", msgSummary(msg))
				continue
			}
			if delayed {
				in.delayed = true
				m.opt.Stats.Durable.Delayed.Add(1)
			}
			if in.redelivered {
				m.opt.Stats.Durable.Redelivered.Add(1)
			}
		}
		lt.intakes[msg] = in
		for _, ready := range db.add(msg, now) {
			lt.handle(ready)
		}
	}
}

// unjoined: imsg gave the row chat_id 0 (it belongs to no chat yet).
func unjoined(msg *inbound.Message) bool {
	return msg.ChatID != nil && msg.ChatID.String() == "0" && msg.ChatGUID == "" && msg.ChatIdentifier == ""
}

func idOf(msg *inbound.Message) string {
	if msg.ID == nil {
		return ""
	}
	return msg.ID.String()
}

// joinIntakes merges the intakes of messages the debouncer joined.
func (lt *lifetime) joinIntakes(joined *inbound.Message, items []*inbound.Message) {
	var in *intake
	for _, it := range items {
		x := lt.intakes[it]
		delete(lt.intakes, it)
		if x == nil {
			continue
		}
		if in == nil {
			c := *x
			in = &c
			continue
		}
		in.join(x)
	}
	if in != nil {
		lt.intakes[joined] = in
	}
}

// parseNotification is parseIMessageNotification on a notification's
// params.
func parseNotification(raw json.RawMessage) (*inbound.Message, bool, error) {
	var params map[string]json.RawMessage
	if err := json.Unmarshal(raw, &params); err != nil || params == nil {
		return nil, false, inbound.ErrNotMessage
	}
	msg := params["message"]
	if len(msg) == 0 || msg[0] != '{' {
		return nil, false, inbound.ErrNotMessage
	}
	m, err := inbound.ParseMessage(msg)
	return m, false, err
}

// handle is handleMessageNow.
func (lt *lifetime) handle(msg *inbound.Message) {
	m := lt.m
	in := lt.intakes[msg]
	delete(lt.intakes, msg)
	if in == nil {
		in = newIntake(msg)
	}
	m.opt.Stats.received()
	allow, err := m.opt.Store.ReadAllowFrom(m.acct.ID)
	if err != nil {
		m.log.Warn("imessage: pairing store unreadable; approvals in it do not count", "err", err.Error())
	}
	lt.stMu.Lock()
	d := m.dec.Decide(msg, inbound.Input{
		Store: allow, Now: m.now(), KeepHistory: true, Verbose: m.verbose,
		Sessions: m.opt.Sessions, NoLoopLimiter: lt.du != nil,
	}, lt.st)
	lt.stMu.Unlock()
	for _, l := range d.Logs {
		m.log.Debug(l)
	}
	if d.Kind == inbound.Dispatch && lt.guard != nil {
		switch lt.guard.verdict(d.Context.To, deref(msg.Text), m.now()) {
		case "echo":
			d.Kind, d.Reason = inbound.Drop, "echo (own text, late or reworded)"
		case "loop":
			m.opt.Stats.drop("echo loop")
			m.log.Warn("imessage: echo loop: this chat keeps sending the bot's own text back and the bot kept answering; message dead-lettered, not answered",
				"chat", d.ChatID, "sender", d.SenderID)
			lt.stMu.Lock()
			m.dec.ClearHistory(lt.st, d)
			lt.stMu.Unlock()
			lt.du.dead(in.rows, "echo loop: more than 3 answers to the bot's own text in this chat within 10 min", msgSummary(msg))
			return
		}
	}
	switch d.Kind {
	case inbound.Drop:
		m.opt.Stats.drop(d.Reason)
		attrs := []any{"reason", d.Reason, "sender", d.Sender}
		if d.ChatID != "" {
			attrs = append(attrs, "chat", d.ChatID)
		}
		if msg.ID != nil {
			attrs = append(attrs, "id", msg.ID.String())
		}
		m.log.Info("imessage: dropped", attrs...)
		lt.finish(in)
	case inbound.Pairing:
		m.opt.Stats.pairingRequest()
		chatID := d.ChatID
		lt.enqueue(chatKey(d), in, func(ctx context.Context) { lt.pair(ctx, d, chatID, in) })
	case inbound.Dispatch:
		m.opt.Stats.dispatch()
		d.Context.Redelivered, d.Context.Delayed = in.redelivered, in.delayed
		if !in.dated.IsZero() {
			m.opt.Stats.DispatchLatency.Observe(m.now().Sub(in.dated))
		}
		attrs := []any{"sender", d.SenderID, "chat", d.ChatID, "agent", d.Route.AgentID, "session", d.Route.SessionKey}
		if in.redelivered {
			attrs = append(attrs, "redelivered", true)
		}
		if in.delayed {
			attrs = append(attrs, "delayed", true)
		}
		if in.gap {
			attrs = append(attrs, "gapFilled", true)
		}
		m.log.Info("imessage: dispatch", attrs...)
		lt.enqueue(chatKey(d), in, func(ctx context.Context) { lt.dispatch(ctx, d, in) })
	}
}

// finish marks an intake's rows handled (nothing to do without a store).
func (lt *lifetime) finish(in *intake) {
	if lt.du != nil && in != nil {
		lt.du.finish(in.rows)
	}
}

// chatKey orders work: messages of one chat (or one DM sender) run in
// order; different chats run concurrently.
func chatKey(d inbound.Decision) string {
	if d.ChatID != "" {
		return "chat:" + d.ChatID
	}
	return "dm:" + d.Sender
}

// chat is one conversation's work queue.
type chat struct {
	tasks   []task
	running bool
}

// task is one message's work and the rows it answers.
type task struct {
	run func(context.Context)
	in  *intake
}

const maxQueuedPerChat = 1000

func (lt *lifetime) enqueue(key string, in *intake, run func(context.Context)) {
	lt.chatMu.Lock()
	defer lt.chatMu.Unlock()
	c := lt.chats[key]
	if c == nil {
		c = &chat{}
		lt.chats[key] = c
	}
	if len(c.tasks) >= maxQueuedPerChat {
		lt.m.opt.Stats.drop("queue full")
		lt.m.log.Error("imessage: chat queue full; message not handled now", "chat", key, "queued", len(c.tasks))
		if lt.du != nil && in != nil {
			// Given back: the next lifetime's watch brings it again.
			lt.du.unclaim(in.rows)
		}
		return
	}
	c.tasks = append(c.tasks, task{run, in})
	if !c.running {
		c.running = true
		lt.wg.Add(1)
		go lt.work(key, c)
	}
}

func (lt *lifetime) work(key string, c *chat) {
	defer lt.wg.Done()
	for {
		lt.chatMu.Lock()
		if len(c.tasks) == 0 {
			c.running = false
			delete(lt.chats, key)
			lt.chatMu.Unlock()
			return
		}
		t := c.tasks[0]
		c.tasks = c.tasks[1:]
		lt.chatMu.Unlock()
		select {
		case lt.sem <- struct{}{}:
		case <-lt.ctx.Done():
			lt.discard(key, c, t)
			return
		}
		if lt.ctx.Err() != nil {
			<-lt.sem
			lt.discard(key, c, t)
			return
		}
		t.run(lt.ctx)
		<-lt.sem
	}
}

// discard drops a stopped lifetime's queued work, saying how much; with a
// store the rows are given back, to come again as new.
func (lt *lifetime) discard(key string, c *chat, first task) {
	lt.chatMu.Lock()
	tasks := append([]task{first}, c.tasks...)
	c.tasks, c.running = nil, false
	delete(lt.chats, key)
	lt.chatMu.Unlock()
	if lt.du != nil {
		for _, t := range tasks {
			if t.in != nil {
				lt.du.unclaim(t.in.rows)
			}
		}
		lt.m.log.Info("imessage: stopped with messages queued; they are handled after the restart", "chat", key, "count", len(tasks))
		return
	}
	lt.m.log.Warn("imessage: stopped with messages not handled", "chat", key, "count", len(tasks))
}

func (lt *lifetime) wait() { lt.wg.Wait() }

// pair is the pairing challenge: record the request; a new one gets
// OpenClaw's pairing reply (through the outbox with a store).
func (lt *lifetime) pair(ctx context.Context, d inbound.Decision, chatID string, in *intake) {
	m := lt.m
	meta := []pairing.MetaField{{Key: "sender", Value: d.SenderID}}
	if chatID != "" {
		meta = append(meta, pairing.MetaField{Key: "chatId", Value: chatID})
	}
	code, created, err := m.opt.Store.Upsert(m.acct.ID, d.SenderID, meta)
	if err != nil {
		m.log.Error("imessage: pairing request not recorded", "sender", d.SenderID, "err", err.Error())
		if lt.du != nil {
			lt.du.release(in.rows)
			lt.du.forget(in.rows)
		}
		return
	}
	if !created {
		m.log.Info("imessage: pairing already pending or store full; no reply", "sender", d.SenderID)
		lt.finish(in)
		return
	}
	m.opt.Stats.PairingCodes.Add(1)
	m.log.Info("imessage pairing request", "sender", d.SenderID)
	target := d.Sender
	if chatID != "" {
		target = "chat_id:" + chatID
	}
	text := pairing.ReplyText(d.SenderID, code)
	if lt.du != nil {
		params, err := SendParams(m.acct, target, text, "")
		if err != nil {
			m.log.Warn("imessage pairing reply failed", "sender", d.SenderID, "err", err.Error())
			lt.finish(in)
			return
		}
		entries := []store.OutEntry{{Reply: "pairing:" + d.SenderID, Target: target, ChatID: in.chatID, Params: params}}
		seqs, err := lt.du.commit(in.rows, entries)
		if err != nil {
			m.log.Error("imessage pairing reply not queued", "sender", d.SenderID, "err", err.Error())
			return
		}
		if _, err := lt.ob.sendQueued(ctx, seqs, entries); err != nil && !errors.Is(err, errHeld) {
			m.log.Warn("imessage pairing reply failed", "sender", d.SenderID, "err", err.Error())
		}
		return
	}
	if _, err := lt.send(ctx, target, text, ""); err != nil {
		m.log.Warn("imessage pairing reply failed", "sender", d.SenderID, "err", err.Error())
	}
}

// errNoClient is returned by send when the lifetime has ended.
var errNoClient = errors.New("imsg rpc is not running")

// sendResult is what imsg's send returns; resolveMessageId reads it.
type sendResult map[string]any

// send is sendMessageIMessage with the monitor's client: target is a
// reply target ("imessage:<handle>", "chat_id:<id>", or a bare handle), the
// text is final. It returns the message id OpenClaw would cache.
func (lt *lifetime) send(ctx context.Context, target, text, file string) (string, error) {
	if lt.client == nil {
		return "", errNoClient
	}
	params, err := SendParams(lt.m.acct, target, text, file)
	if err != nil {
		return "", err
	}
	var res sendResult
	if err := lt.client.Call(ctx, "send", params, &res); err != nil {
		lt.m.opt.Stats.sendFailed()
		return "", err
	}
	lt.m.opt.Stats.sent()
	return messageID(res), nil
}

// SendParams builds the send request as sendMessageIMessage does: the
// configured service applies to chat targets only; handles carry theirs.
func SendParams(a *plan.Account, target, text, file string) (map[string]any, error) {
	t, err := openclaw.ParseTarget(target)
	if err != nil {
		return nil, err
	}
	service := t.Service
	if t.Kind != "handle" {
		service = a.Service.Value
	}
	if service == "" {
		service = "auto"
	}
	region := openclaw.TrimJS(a.Region.Value)
	if region == "" {
		region = "US"
	}
	params := map[string]any{"text": text, "service": service, "region": region}
	if file != "" {
		params["file"] = file
	}
	switch t.Kind {
	case "chat_id":
		params["chat_id"] = json.Number(t.ChatID)
	case "chat_guid":
		params["chat_guid"] = t.ChatGUID
	case "chat_identifier":
		params["chat_identifier"] = t.ChatIdentifier
	default:
		params["to"] = t.To
	}
	return params, nil
}

// messageID is resolveMessageId: the first string of messageId,
// message_id, id or guid, then a numeric message_id or id; else "ok" when
// result.ok, else "unknown". With imsg 0.9 ({id: N, guid: "..."}) that is
// the guid, which the echo check then compares with rows' numeric ids.
func messageID(r sendResult) string {
	for _, k := range []string{"messageId", "message_id", "id", "guid"} {
		if s, ok := r[k].(string); ok && strings.TrimSpace(s) != "" {
			return strings.TrimSpace(s)
		}
	}
	for _, k := range []string{"message_id", "id"} {
		if n, ok := r[k].(float64); ok {
			return openclaw.FormatJSNumber(n)
		}
	}
	if ok, _ := r["ok"].(bool); ok {
		return "ok"
	}
	return "unknown"
}
