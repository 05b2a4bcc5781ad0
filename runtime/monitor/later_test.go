//go:build unix

package monitor

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openclawcfg/openclawcfg/compiler"
	"github.com/openclawcfg/openclawcfg/internal/fakeimsg"
	"github.com/openclawcfg/openclawcfg/plan"
	"github.com/openclawcfg/openclawcfg/runtime/handler"
	"github.com/openclawcfg/openclawcfg/runtime/imsg"
	"github.com/openclawcfg/openclawcfg/runtime/pairing"
	"github.com/openclawcfg/openclawcfg/runtime/store"
)

// These tests run the monitor against the product fake (internal/fakeimsg,
// what cmd/imsg-fake runs) as imsg 0.14.2 and as 0.9.0: the test binary is
// the fake when IMSG_FAKE_PRODUCT is set.
func TestMain(m *testing.M) {
	if os.Getenv("IMSG_FAKE_PRODUCT") != "" {
		fakeimsg.Exit(fakeimsg.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

const (
	bridge  = "IMSG_FAKE_BRIDGE=ready"
	v0142   = "IMSG_FAKE_VERSION=0.14.2"
	v090    = "IMSG_FAKE_VERSION=0.9.0"
	friend  = "+15550001111"
	replyTo = "imessage:" + friend
)

// rig is one account against the fake: its database, state and logs.
type rig struct {
	t     *testing.T
	dir   string
	db    string
	env   []string
	plan  *plan.Plan
	state *store.Store
	logs  *syncBuf
}

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newRig(t *testing.T, env ...string) *rig {
	t.Helper()
	dir := t.TempDir()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cli := filepath.Join(dir, "imsg-fake")
	if err := os.Symlink(exe, cli); err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, dir: dir, db: filepath.Join(dir, "chat.jsonl"), logs: &syncBuf{}}
	r.env = append(append(os.Environ(), "IMSG_FAKE_PRODUCT=1", "IMSG_FAKE_POLL_MS=20", "HOME="+dir), env...)
	r.fake("init", "--db", r.db)
	cfg := `{channels: {imessage: {cliPath: "` + cli + `", dbPath: "` + r.db + `", allowFrom: ["` + friend + `"],
		groupPolicy: "open", groups: {"*": {requireMention: false}}}}}`
	res, err := compiler.Compile("cfg.json5", []byte(cfg), compiler.Options{Generator: "test", Home: dir})
	sealed := res.Sealed
	if err != nil || sealed == nil {
		t.Fatalf("config does not compile: %v", err)
	}
	if r.plan, err = plan.Load(sealed); err != nil {
		t.Fatal(err)
	}
	if r.state, err = store.Open(filepath.Join(dir, "state")); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.state.Close() })
	for _, v := range []*time.Duration{&ReconcileAfter, &OutboxInterval, &SendRetryBase} {
		saved := *v
		t.Cleanup(func() { *v = saved })
	}
	ReconcileAfter, OutboxInterval, SendRetryBase = time.Second, 100*time.Millisecond, 100*time.Millisecond
	return r
}

// fake runs one imsg-fake command in process, with the rig's IMSG_FAKE_*.
func (r *rig) fake(args ...string) string {
	r.t.Helper()
	for _, kv := range r.env {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "IMSG_FAKE_") {
			r.t.Setenv(k, v)
		}
	}
	var out, errb bytes.Buffer
	if code := fakeimsg.Main(args, strings.NewReader(""), &out, &errb); code != 0 {
		r.t.Fatalf("imsg-fake %q: exit %d: %s", args, code, errb.String())
	}
	return out.String()
}

func (r *rig) say(text string, flags ...string) {
	r.t.Helper()
	r.fake(append(append([]string{"say", "--db", r.db, "--from", friend}, flags...), text)...)
}

// script appends records (faults, rows) with imsg-fake script.
func (r *rig) script(lines ...string) {
	r.t.Helper()
	p := filepath.Join(r.dir, "script.jsonl")
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		r.t.Fatal(err)
	}
	r.fake("script", "--db", r.db, p)
}

// start runs the account under the supervisor (fast backoff) until the
// returned stop is called.
func (r *rig) start() (stop func()) {
	r.t.Helper()
	m, err := New(Options{
		Plan: r.plan, Store: pairing.New(filepath.Join(r.dir, "state")), Handler: handler.Echo{},
		Logger: slog.New(slog.NewJSONHandler(r.logs, nil)), Env: r.env, StateDir: filepath.Join(r.dir, "state"),
		State: r.state, Reconcile: 200 * time.Millisecond, ProbeTimeout: 3 * time.Second,
	})
	if err != nil {
		r.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		Supervise(ctx, []*Monitor{m}, Backoff{Base: 50 * time.Millisecond, Max: time.Second, Attempts: 10})
	}()
	r.waitLog(`"msg":"imessage: watching"`)
	return func() { cancel(); <-done }
}

func (r *rig) waitLog(s string) {
	r.t.Helper()
	r.waitFor("log line "+s, func() bool { return strings.Contains(r.logs.String(), s) })
}

func (r *rig) waitFor(what string, ok func() bool) {
	r.t.Helper()
	deadline := time.Now().Add(40 * time.Second)
	for time.Now().Before(deadline) {
		if ok() {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.t.Fatalf("timed out waiting for %s; logs:\n%s", what, r.logs.String())
}

type dbRow struct {
	ID       int64  `json:"id"`
	ChatID   int64  `json:"chat_id"`
	GUID     string `json:"guid"`
	IsFromMe bool   `json:"is_from_me"`
	Text     string `json:"text"`
}

// sentRows are the outgoing rows with text in the fake's database.
func (r *rig) sentRows(text string) []dbRow {
	var out []dbRow
	for _, line := range readLines(r.t, r.db) {
		var rec struct {
			Row *dbRow `json:"row"`
		}
		if json.Unmarshal(line, &rec) == nil && rec.Row != nil && rec.Row.IsFromMe && rec.Row.Text == text {
			out = append(out, *rec.Row)
		}
	}
	return out
}

type sendRec struct {
	Method string          `json:"method"`
	Params map[string]any  `json:"params"`
	Result json.RawMessage `json:"result"`
	Error  json.RawMessage `json:"error"`
}

// sends are the send requests the fake received for text.
func (r *rig) sends(text string) []sendRec {
	var out []sendRec
	for _, line := range readLines(r.t, r.db+".sends.jsonl") {
		var s sendRec
		if json.Unmarshal(line, &s) == nil && s.Params["text"] == text {
			out = append(out, s)
		}
	}
	return out
}

func readLines(t *testing.T, path string) [][]byte {
	t.Helper()
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out [][]byte
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		out = append(out, append([]byte(nil), sc.Bytes()...))
	}
	return out
}

func (r *rig) outboxSettled() bool {
	p, err := r.state.Account("default").Pending()
	return err == nil && len(p) == 0
}

// Rows written while the runtime was down are caught up at the restart:
// on 0.14.2 by paging messages.after from the cursor, on 0.9.0 by the
// watch's since_rowid; each is answered exactly once.
func TestCatchUpAfterDowntime(t *testing.T) {
	for _, c := range []struct {
		version  string
		viaAfter bool
	}{{v0142, true}, {v090, false}} {
		t.Run(c.version, func(t *testing.T) {
			r := newRig(t, c.version)
			stop := r.start()
			r.say("before the stop")
			r.waitFor("the first reply", func() bool { return len(r.sentRows("before the stop")) == 1 })
			stop()
			down := []string{"down one", "down two", "down three"}
			for _, text := range down {
				r.say(text)
			}
			stop = r.start()
			for _, text := range down {
				r.waitFor("the reply to "+text, func() bool { return len(r.sentRows(text)) >= 1 })
			}
			r.waitFor("the outbox to settle", r.outboxSettled)
			time.Sleep(300 * time.Millisecond) // a second answer would come now
			stop()
			for _, text := range append(down, "before the stop") {
				if n := len(r.sends(text)); n != 1 {
					t.Errorf("%q sent %d times", text, n)
				}
			}
			caught := strings.Contains(r.logs.String(), `"msg":"imessage: caught up with messages.after","account":"default","from":4,"to":7,"rows":3`)
			if caught != c.viaAfter {
				t.Errorf("catch-up through messages.after = %v, want %v; logs:\n%s", caught, c.viaAfter, r.logs.String())
			}
		})
	}
}

// A watch that overflows (imsg 0.14's terminal watch.overflow) is
// replaced after a catch-up from its resume point: nothing is lost and
// nothing answered twice, even when every new watch overflows again.
func TestOverflowRecovery(t *testing.T) {
	// Rows 1-2 are the sample chats' rows; every subscription overflows at
	// the first row above 2.
	r := newRig(t, v0142, "IMSG_FAKE_FAULTS=watch-overflow=2")
	stop := r.start()
	texts := []string{"burst 1", "burst 2", "burst 3", "burst 4", "burst 5"}
	for _, text := range texts {
		r.say(text)
	}
	for _, text := range texts {
		r.waitFor("the reply to "+text, func() bool { return len(r.sentRows(text)) >= 1 })
	}
	r.say("after the burst")
	r.waitFor("the reply after the burst", func() bool { return len(r.sentRows("after the burst")) >= 1 })
	r.waitFor("the outbox to settle", r.outboxSettled)
	time.Sleep(300 * time.Millisecond)
	stop()
	for _, text := range append(texts, "after the burst") {
		if n := len(r.sends(text)); n != 1 {
			t.Errorf("%q sent %d times", text, n)
		}
	}
	logs := r.logs.String()
	if !strings.Contains(logs, `"msg":"imessage: watch overflow {\"subscription\":`) {
		t.Fatalf("no overflow happened; logs:\n%s", logs)
	}
	if !strings.Contains(logs, `"msg":"imessage: caught up with messages.after"`) {
		t.Errorf("the overflow was not followed by a catch-up; logs:\n%s", logs)
	}
}

// A watch that goes silent while sends still work (imsg#126) is caught
// by the reconciliation sweep: on 0.14.2 it reads forward from the cursor
// with messages.after, in every chat, on 0.9.0 the active chats' history.
// The missed row is answered once, and the watch replaced.
func TestSweepFindsWhatADeafWatchMissed(t *testing.T) {
	for _, version := range []string{v0142, v090} {
		t.Run(version, func(t *testing.T) {
			r := newRig(t, version)
			stop := r.start()
			r.say("heard")
			r.waitFor("the first reply", func() bool { return len(r.sentRows("heard")) == 1 })
			r.script(`{"fault":"watch-silent"}`, `{"sleep_ms":100}`, `{"from":"`+friend+`","group":true,"chat":7,"text":"unheard in a group"}`)
			r.waitFor("the missed row's reply", func() bool { return len(r.sentRows("unheard in a group")) >= 1 })
			r.waitLog(`"msg":"imessage: the watch did not deliver rows that are in chat.db: resubscribing from the cursor (imsg#126)"`)
			r.say("heard again")
			r.waitFor("the reply after the resubscribe", func() bool { return len(r.sentRows("heard again")) >= 1 })
			r.waitFor("the outbox to settle", r.outboxSettled)
			time.Sleep(300 * time.Millisecond)
			stop()
			for _, text := range []string{"heard", "unheard in a group", "heard again"} {
				if n := len(r.sends(text)); n != 1 {
					t.Errorf("%q sent %d times", text, n)
				}
			}
		})
	}
}

// A tracked send whose answer never comes is settled with
// message.send_status: exactly one row, one request, no resend; one that
// did not start is sent again under the same attempt id. Without a bridge
// the send is a plain one, and imsg 0.14's "may have completed" (-32001)
// is settled from the chat's history, not resent.
func TestTrackedSendReconciled(t *testing.T) {
	for _, c := range []struct {
		name, fault string
		bridge      bool
		requests    int    // send requests for the text
		log         string // what the runtime says
	}{
		{"tracked no response", "send-no-response", true, 1, `"msg":"imessage: a send with no answer did go out (message.send_status: sent)"`},
		// The fake answers a bridge send success even under
		// send-unverified (its README and imsg-rpc-later.md §5.5 say
		// -32001): this pins only that nothing is sent twice.
		{"tracked unverified", "send-unverified", true, 1, ""},
		{"tracked not started", "send-not-started", true, 2, ""},
		{"plain unverified", "send-unverified", false, 1, `"msg":"imessage: a send with no answer did go out (found in the chat's history)"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := []string{v0142}
			if c.bridge {
				env = append(env, bridge)
			}
			r := newRig(t, env...)
			stop := r.start()
			text := c.name
			r.script(`{"fault":"`+c.fault+`=1"}`, `{"from":"`+friend+`","text":"`+text+`"}`)
			r.waitFor("the reply", func() bool { return len(r.sentRows(text)) >= 1 })
			r.waitFor("the outbox to settle", r.outboxSettled)
			time.Sleep(1500 * time.Millisecond) // past ReconcileAfter: a resend would come now
			stop()
			rows := r.sentRows(text)
			if len(rows) != 1 {
				t.Fatalf("%d rows with the reply, want 1", len(rows))
			}
			sends := r.sends(text)
			if len(sends) != c.requests {
				t.Fatalf("%d send requests, want %d: %+v", len(sends), c.requests, sends)
			}
			e, ok := r.state.Account("default").Get(1)
			if !ok || e.State != store.OutSent || e.GUID != rows[0].GUID {
				t.Errorf("outbox entry %+v, want sent with the row's guid %s", e, rows[0].GUID)
			}
			if c.log != "" && !strings.Contains(r.logs.String(), c.log) {
				t.Errorf("no %s in the logs:\n%s", c.log, r.logs.String())
			}
			if !c.bridge {
				if sends[0].Method != "send" || e.AttemptID != "" {
					t.Errorf("without a bridge: %s, attempt id %q; want a plain send", sends[0].Method, e.AttemptID)
				}
				return
			}
			attempt, _ := sends[0].Params["attempt_id"].(string)
			for _, s := range sends {
				if s.Method != "send.tracked" || s.Params["attempt_id"] != attempt {
					t.Errorf("request %s %v, want send.tracked with attempt_id %s", s.Method, s.Params, attempt)
				}
			}
			if attempt == "" || attempt != strings.ToLower(attempt) || rows[0].GUID != attempt || e.AttemptID != attempt {
				t.Errorf("attempt_id %q, row guid %q, entry's %q: want one lower-case id, the row's guid", attempt, rows[0].GUID, e.AttemptID)
			}
		})
	}
}

// A send still in flight poisons imsg 0.14's mutation lane: the next send
// gets -32004. The runtime settles the first (it went out), restarts imsg
// and sends the second under its own attempt id: one row each.
func TestMutationLaneBlockedRestarts(t *testing.T) {
	r := newRig(t, v0142, bridge)
	stop := r.start()
	r.script(`{"fault":"send-still-in-flight=1"}`, `{"from":"`+friend+`","text":"first"}`)
	r.waitFor("the first reply", func() bool { return len(r.sentRows("first")) == 1 })
	r.say("second")
	r.waitFor("the second reply", func() bool { return len(r.sentRows("second")) == 1 })
	r.waitFor("the outbox to settle", r.outboxSettled)
	time.Sleep(300 * time.Millisecond)
	stop()
	if n := len(r.sentRows("first")); n != 1 {
		t.Errorf("%d rows for the in-flight send", n)
	}
	// The fake records only the send it ran (it refuses the blocked one
	// before its send handler): one request, under the entry's attempt id.
	second := r.sends("second")
	e, _ := r.state.Account("default").Get(2)
	if len(second) != 1 || second[0].Params["attempt_id"] != e.AttemptID || e.State != store.OutSent || e.Attempts != 2 {
		t.Errorf("second: want a blocked attempt, then one send under the same attempt id after the restart: %+v, entry %+v", second, e)
	}
	logs := r.logs.String()
	for _, want := range []string{
		`"msg":"imessage: imsg blocks every send until it is restarted`,
		`"msg":"channel exited: imsg's send lane is blocked by a send still in flight`,
		`"msg":"imessage: a send with no answer did go out (message.send_status: sent)"`,
	} {
		if !strings.Contains(logs, want) {
			t.Errorf("no %s in the logs:\n%s", want, logs)
		}
	}
}

// imsg 0.9.0: a reply to a DM that came in over SMS goes to the handle,
// which Messages puts in the iMessage chat. When imsg never answers the
// send, the outbox finds the row there (chats.list by identifier) and does
// not send it again.
func TestFindSentDMInOtherChat(t *testing.T) {
	r := newRig(t, v090)
	stop := r.start()
	r.script(`{"fault":"send-no-response=1"}`, `{"from":"`+friend+`","service":"SMS","text":"over sms"}`)
	r.waitFor("the reply", func() bool { return len(r.sentRows("over sms")) >= 1 })
	r.waitLog(`"msg":"imessage: a send with no answer did go out (found in the chat's history)"`)
	r.waitFor("the outbox to settle", r.outboxSettled)
	time.Sleep(1500 * time.Millisecond) // past ReconcileAfter: a resend would come now
	stop()
	rows := r.sentRows("over sms")
	if len(rows) != 1 {
		t.Fatalf("%d rows with the reply, want 1", len(rows))
	}
	if n := len(r.sends("over sms")); n != 1 {
		t.Fatalf("%d send requests, want 1", n)
	}
	e, _ := r.state.Account("default").Get(1)
	if e.ChatID == "" || e.ChatID == itoa(int(rows[0].ChatID)) {
		t.Fatalf("the reply landed in the inbound chat (%s), not another one (%d): the test does not test the lookup", e.ChatID, rows[0].ChatID)
	}
	if e.State != store.OutSent || e.GUID != rows[0].GUID {
		t.Errorf("outbox entry %+v, want sent with guid %s", e, rows[0].GUID)
	}
}

// UUIDv5 as RFC 9562 defines it (the DNS namespace's "python.org" is
// Python's uuid.uuid5 documentation example), and attempt ids that differ
// per entry and per state dir.
func TestAttemptID(t *testing.T) {
	dns := [16]byte{0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
	if got := formatUUID(uuid5(dns, "python.org")); got != "886313e1-3b8a-5372-9b90-0c9aee199e5d" {
		t.Fatalf("uuid5 = %s", got)
	}
	t0 := time.Unix(1_800_000_000, 5)
	a := attemptID("default", 1, t0)
	if !uuidPattern(a) || a != strings.ToLower(a) || a[14] != '5' {
		t.Fatalf("attempt id %q is not a lower-case UUIDv5", a)
	}
	if a != attemptID("default", 1, t0) {
		t.Fatal("attempt id not stable")
	}
	for _, b := range []string{attemptID("work", 1, t0), attemptID("default", 2, t0), attemptID("default", 1, t0.Add(time.Nanosecond))} {
		if b == a {
			t.Fatalf("attempt ids collide: %s", a)
		}
	}
}

func uuidPattern(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdef", c) {
				return false
			}
		}
	}
	return true
}

// imsg's answers to a send, mapped to what the outbox may do (imsg-rpc-later.md §6, §9).
func TestDisposition(t *testing.T) {
	rpc := func(code int, data string) error {
		return &imsg.RPCError{Code: code, Message: "x", Data: json.RawMessage(data)}
	}
	for _, c := range []struct {
		name string
		err  error
		want disposition
	}{
		{"may_have_completed", rpc(-32001, `{"retry_safe":false,"disposition":"may_have_completed","transport":"bridge_v2","operation":"send_message","detail":"d"}`), dispUnknown},
		{"still_in_flight", rpc(-32001, `{"retry_safe":false,"disposition":"still_in_flight","detail":"d"}`), dispUnknown},
		{"read-only fork", rpc(-32001, `"send"`), dispRefused},
		{"not_started", rpc(-32603, `{"retry_safe":true,"disposition":"not_started","detail":"The imsg bridge ready lock is absent"}`), dispRetry},
		{"attempt exists", rpc(-32603, `{"retry_safe":true,"disposition":"not_started","detail":"attempt_id already identifies a message; choose a new UUID"}`), dispExists},
		{"lane blocked", rpc(-32004, `{"retry_safe":false,"disposition":"still_in_flight","detail":"A prior send remains in flight."}`), dispBlocked},
		{"no database", rpc(-32002, `{"path":"/x","detail":"d","retryable":true}`), dispRetry},
		{"no bridge", rpc(-32003, `{"detail":"d","retryable":true}`), dispRetry},
		{"busy", rpc(-32000, `"outstanding request limit exceeded"`), dispRetry},
		{"bad params", rpc(-32602, `"bridge transport requires an existing chat target"`), dispRefused},
		{"0.9 AppleScript", rpc(-32603, `"AppleScript failed: Not authorized to send Apple events to Messages. (-1743)"`), dispRefused},
		{"0.9 ghost row", rpc(-32603, `"AppleScript failed: Messages accepted the chat send but wrote an unjoined empty outgoing row (7); delivery to the target chat was not confirmed"`), dispUnknown},
		{"timeout", &imsg.TimeoutError{Method: "send", Sent: true}, dispUnknown},
		{"gone", &imsg.ExitError{Code: -1}, dispUnknown},
		{"given up", &givenUp{rpc(-32002, `{}`)}, dispRefused},
	} {
		if got := dispositionOf(c.err); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	if !fallsBack(rpc(-32602, `"bridge transport requires an existing chat target"`)) || fallsBack(rpc(-32603, `"x"`)) {
		t.Error("fallsBack")
	}
}

// Whatever imsg answers, reading it never panics.
func FuzzDisposition(f *testing.F) {
	f.Add(-32001, []byte(`{"disposition":"may_have_completed"}`))
	f.Add(-32603, []byte(`{"disposition":"not_started","detail":"attempt_id already identifies a message"}`))
	f.Add(-32603, []byte(`"AppleScript failed"`))
	f.Add(0, []byte(`{`))
	f.Fuzz(func(t *testing.T, code int, data []byte) {
		d := dispositionOf(&imsg.RPCError{Code: code, Data: data})
		if d < dispUnknown || d > dispExists {
			t.Fatalf("disposition %d", d)
		}
		fallsBack(&imsg.RPCError{Code: code, Data: data})
		lt := &lifetime{}
		lt.noteOverflow(data)
	})
}

func BenchmarkAttemptID(b *testing.B) {
	t0 := time.Now()
	for i := range b.N {
		_ = attemptID("default", int64(i), t0)
	}
}
