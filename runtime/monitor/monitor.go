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
	"fmt"
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

	lt := &lifetime{m: m, st: inbound.NewState(), inbox: newQueue(), chats: map[string]*chat{},
		sem: make(chan struct{}, m.opt.Chats)}
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

	var sub struct {
		Subscription json.RawMessage `json:"subscription"`
	}
	subCtx, cancelSub := context.WithTimeout(ctx, probeTimeout)
	err = client.Call(subCtx, "watch.subscribe", map[string]any{"attachments": a.Attachments.Include.Value}, &sub)
	cancelSub()
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
	case <-ctx.Done():
		// Abort (attachIMessageMonitorAbortHandler): unsubscribe, then stop.
		if len(sub.Subscription) > 0 && string(sub.Subscription) != "null" {
			uctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			_ = client.Call(uctx, "watch.unsubscribe", map[string]any{"subscription": sub.Subscription}, nil)
			cancel()
		}
		end()
		return ctx.Err()
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
	case "error":
		lt.m.log.Error("imessage: watch error " + string(n.Params))
	default:
		lt.m.log.Debug("imessage: ignoring notification", "method", n.Method)
	}
}

// decideLoop takes notifications in wire order through the debouncer and
// the decider, and hands pairing challenges and dispatches to the chats.
func (lt *lifetime) decideLoop() {
	m := lt.m
	db := newDebouncer(m.opt.Plan.Global.InboundDebounceMs.Value, m.acct.ID, m.isCmd)
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
			if !ok {
				if n := db.held(); n > 0 {
					m.log.Warn("imessage: debounced messages not handled at shutdown", "count", n)
				}
				return
			}
			msg, err := parseNotification(raw)
			if err != nil {
				m.opt.Stats.drop("malformed payload")
				m.log.Info("imessage: dropping malformed RPC message payload", "err", err.Error())
				continue
			}
			for _, ready := range db.add(msg, m.now()) {
				lt.handle(ready)
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

// parseNotification is parseIMessageNotification on a notification's
// params.
func parseNotification(raw json.RawMessage) (*inbound.Message, error) {
	var params map[string]json.RawMessage
	if err := json.Unmarshal(raw, &params); err != nil || params == nil {
		return nil, inbound.ErrNotMessage
	}
	msg := params["message"]
	if len(msg) == 0 || msg[0] != '{' {
		return nil, inbound.ErrNotMessage
	}
	return inbound.ParseMessage(msg)
}

// handle is handleMessageNow.
func (lt *lifetime) handle(msg *inbound.Message) {
	m := lt.m
	m.opt.Stats.received()
	store, err := m.opt.Store.ReadAllowFrom(m.acct.ID)
	if err != nil {
		m.log.Warn("imessage: pairing store unreadable; approvals in it do not count", "err", err.Error())
	}
	lt.stMu.Lock()
	d := m.dec.Decide(msg, inbound.Input{Store: store, Now: m.now(), KeepHistory: true, Verbose: m.verbose, Sessions: m.opt.Sessions}, lt.st)
	lt.stMu.Unlock()
	for _, l := range d.Logs {
		m.log.Debug(l)
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
	case inbound.Pairing:
		m.opt.Stats.pairingRequest()
		chatID := d.ChatID
		lt.enqueue(chatKey(d), func(ctx context.Context) { lt.pair(ctx, d, chatID) })
	case inbound.Dispatch:
		m.opt.Stats.dispatch()
		m.log.Info("imessage: dispatch", "sender", d.SenderID, "chat", d.ChatID, "agent", d.Route.AgentID, "session", d.Route.SessionKey)
		lt.enqueue(chatKey(d), func(ctx context.Context) { lt.dispatch(ctx, d) })
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
	tasks   []func(context.Context)
	running bool
}

const maxQueuedPerChat = 1000

func (lt *lifetime) enqueue(key string, task func(context.Context)) {
	lt.chatMu.Lock()
	defer lt.chatMu.Unlock()
	c := lt.chats[key]
	if c == nil {
		c = &chat{}
		lt.chats[key] = c
	}
	if len(c.tasks) >= maxQueuedPerChat {
		lt.m.opt.Stats.drop("queue full")
		lt.m.log.Error("imessage: chat queue full; message not handled", "chat", key, "queued", len(c.tasks))
		return
	}
	c.tasks = append(c.tasks, task)
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
		task := c.tasks[0]
		c.tasks = c.tasks[1:]
		lt.chatMu.Unlock()
		select {
		case lt.sem <- struct{}{}:
		case <-lt.ctx.Done():
			lt.discard(key, c)
			return
		}
		task(lt.ctx)
		<-lt.sem
	}
}

// discard drops a stopped lifetime's queued work, saying how much.
func (lt *lifetime) discard(key string, c *chat) {
	lt.chatMu.Lock()
	n := len(c.tasks) + 1
	c.tasks, c.running = nil, false
	delete(lt.chats, key)
	lt.chatMu.Unlock()
	lt.m.log.Warn("imessage: stopped with messages not handled", "chat", key, "count", n)
}

func (lt *lifetime) wait() { lt.wg.Wait() }

// pair is the pairing challenge: record the request; a new one gets
// OpenClaw's pairing reply.
func (lt *lifetime) pair(ctx context.Context, d inbound.Decision, chatID string) {
	m := lt.m
	meta := []pairing.MetaField{{Key: "sender", Value: d.SenderID}}
	if chatID != "" {
		meta = append(meta, pairing.MetaField{Key: "chatId", Value: chatID})
	}
	code, created, err := m.opt.Store.Upsert(m.acct.ID, d.SenderID, meta)
	if err != nil {
		m.log.Error("imessage: pairing request not recorded", "sender", d.SenderID, "err", err.Error())
		return
	}
	if !created {
		m.log.Info("imessage: pairing already pending or store full; no reply", "sender", d.SenderID)
		return
	}
	m.opt.Stats.PairingCodes.Add(1)
	m.log.Info("imessage pairing request", "sender", d.SenderID)
	target := d.Sender
	if chatID != "" {
		target = "chat_id:" + chatID
	}
	if _, err := lt.send(ctx, target, pairing.ReplyText(d.SenderID, code), ""); err != nil {
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

// describe renders an error for a log line.
func describe(err error) string {
	if err == nil {
		return ""
	}
	return fmt.Sprint(err)
}
