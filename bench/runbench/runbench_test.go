package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/openclawcfg/openclawcfg/runtime/inbound"
)

// TestMain lets the end-to-end test's openclawcfg run start this test
// binary as its imsg (`<test binary> rpc ...`).
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "rpc" {
		os.Exit(rpcMain(os.Args[2:]))
	}
	os.Exit(m.Run())
}

// The notification lines must be what the runtime's own parser accepts,
// with the fields the fake meant.
func TestMessageLineParsesAsImsg(t *testing.T) {
	at := time.Date(2026, 3, 24, 10, 11, 12, 345_000_000, time.UTC)
	text := `say "hi" \ back` + "\n🎉 #42"
	line := appendMessage(nil, 2, 77, 3, "+15550000003", text, true, at)
	if !strings.HasSuffix(string(line), "}\n") || strings.Count(string(line), "\n") != 1 {
		t.Fatalf("not one line: %q", line)
	}
	var n struct {
		Method string
		Params struct {
			Subscription int
			Message      json.RawMessage
		}
	}
	if err := json.Unmarshal(line, &n); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, line)
	}
	if n.Method != "message" || n.Params.Subscription != 2 {
		t.Fatalf("method %q subscription %d", n.Method, n.Params.Subscription)
	}
	m, err := inbound.ParseMessage(n.Params.Message)
	if err != nil {
		t.Fatal(err)
	}
	if m.ID.String() != "77" || m.ChatID.String() != "3" || m.Sender != "+15550000003" || !m.IsFromMe ||
		m.Text == nil || *m.Text != text || m.CreatedAt != "2026-03-24T10:11:12.345Z" ||
		m.ChatGUID != "iMessage;-;+15550000003" || m.IsGroup || !m.HasAttachments || len(m.Attachments) != 0 {
		t.Fatalf("parsed %+v (text %q)", m, deref(m.Text))
	}
	if strings.Contains(string(line), `\U`) || !strings.Contains(string(line), "🎉") {
		t.Fatalf("non-ASCII text must stay raw as imsg writes it: %s", line)
	}
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

func TestParseSeq(t *testing.T) {
	for _, seq := range []int{0, 7, 123, 999_999, 1_000_000, 9_999_999_999} {
		got, ok := parseSeq(messageText(seq))
		if !ok || got != seq {
			t.Errorf("parseSeq(messageText(%d)) = %d, %v", seq, got, ok)
		}
	}
	for _, s := range []string{"", "#", "no suffix", "x #12a", "x #-3", "x # 3", "x #12345678901", "Your iMessage sender id: +1666"} {
		if n, ok := parseSeq(s); ok {
			t.Errorf("parseSeq(%q) = %d, true; want no match", s, n)
		}
	}
	if n := len(messageText(123_456)); n < 40 || n > 60 {
		t.Errorf("message text is %d bytes; the benchmark promises about 50", n)
	}
}

func FuzzParseSeq(f *testing.F) {
	f.Add("hello #12")
	f.Add("#")
	f.Add("a#b#99999999999")
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := parseSeq(s)
		if !ok {
			return
		}
		// A match is exactly the decimal digits after the last '#'.
		want, err := strconv.ParseUint(s[strings.LastIndexByte(s, '#')+1:], 10, 63)
		if err != nil || n < 0 || uint64(n) != want {
			t.Fatalf("parseSeq(%q) = %d (%v)", s, n, err)
		}
	})
}

// Any request line, however broken, is answered or ignored without a
// panic.
func FuzzFakeHandle(f *testing.F) {
	f.Add([]byte(`{"jsonrpc":"2.0","id":1,"method":"send","params":{"to":"+15550000001","text":"x #0"}}`))
	f.Add([]byte(`{"id":"a","method":"chats.list","params":{"limit":1}}`))
	f.Add([]byte(`{"id":null,"method":"send","params":[1]}`))
	f.Add([]byte(`[1,2]`))
	f.Add([]byte(`{"method":7}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		fk := newFake(fakeConfig{N: 3, Rate: 1000, Senders: 2, EchoRows: true}, io.Discard)
		fk.handle(line, 1)
	})
}

func TestStrangerShare(t *testing.T) {
	c := fakeConfig{N: 100_000, Strangers: 0.5, StrangerSenders: 10, Senders: 4}
	got := c.expected()
	if got < 49_000 || got > 51_000 {
		t.Fatalf("%d allowlisted of 100,000 at strangers 0.5", got)
	}
	for seq := range 1000 {
		h, chat := c.sender(seq)
		if c.isStranger(seq) != strings.HasPrefix(h, "+1666") || (chat >= 1_000_000) != c.isStranger(seq) {
			t.Fatalf("seq %d: %s chat %d stranger %v", seq, h, chat, c.isStranger(seq))
		}
	}
	if (&fakeConfig{N: 10}).expected() != 10 {
		t.Fatal("without strangers every message is expected")
	}
}

func TestMilestonesAndSenders(t *testing.T) {
	if got := fmt.Sprint(milestones(1_000_000)); got != "[10000 100000 500000 1000000]" {
		t.Errorf("milestones(1M) = %s", got)
	}
	if got := fmt.Sprint(milestones(20_000)); got != "[10000 20000]" {
		t.Errorf("milestones(20k) = %s", got)
	}
	// With echo rows each chat must see fewer than five of its own rows in
	// any 60 s, or OpenClaw's echo-loop limiter drops the next message.
	for _, rate := range []float64{10, 1000, 5000} {
		s := senderCount(0, true, rate)
		if perMinute := rate * 60 / float64(s); perMinute >= 4 {
			t.Errorf("rate %g: %d senders give %.2f messages a chat a minute", rate, s, perMinute)
		}
	}
	if senderCount(0, false, 1000) != 8 || senderCount(3, true, 1000) != 3 {
		t.Error("senderCount ignores the default or the asked count")
	}
	if dmPolicyFor("", 8, 0) != "allowlist" || dmPolicyFor("", 16001, 0) != "open" || dmPolicyFor("", 8, 0.5) != "pairing" || dmPolicyFor("open", 8, 0) != "open" {
		t.Error("dmPolicyFor")
	}
}

func TestQuantiles(t *testing.T) {
	var v []int64
	for i := 1000; i >= 1; i-- {
		v = append(v, int64(i))
	}
	q := quantiles(v)
	if q.Count != 1000 || q.P50 != 500 || q.P90 != 900 || q.P99 != 990 || q.P999 != 999 || q.Max != 1000 || q.Mean != 500 {
		t.Fatalf("%+v", q)
	}
	if (quantiles(nil) != quant{}) {
		t.Fatal("empty input")
	}
}

// The fake answers the probe's calls and streams its messages; sends are
// matched to them, duplicates and strays counted, and with echo rows each
// send comes back as an is_from_me row.
func TestFakeSession(t *testing.T) {
	const n = 40
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	fk := newFake(fakeConfig{N: n, Rate: 20_000, Senders: 3, EchoRows: true}, outW)
	go func() { fk.serve(inR); outW.Close() }()
	out := bufio.NewScanner(outR)
	next := func() map[string]json.RawMessage {
		t.Helper()
		if !out.Scan() {
			t.Fatalf("fake output ended: %v", out.Err())
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(out.Bytes(), &m); err != nil {
			t.Fatalf("bad line %q: %v", out.Bytes(), err)
		}
		return m
	}
	// Requests go through their own writer: the fake may be blocked
	// writing a response we have not read yet.
	reqs := make(chan string, 4*n)
	go func() {
		for s := range reqs {
			io.WriteString(inW, s+"\n")
		}
		inW.Close()
	}()
	defer close(reqs)
	send := func(s string) { reqs <- s }

	// chat.db holds one earlier row per sender (rows 1..3); the newest
	// chat comes first, as the runtime's baseline expects.
	send(`{"jsonrpc":"2.0","id":1,"method":"chats.list","params":{"limit":1}}`)
	if r := next(); string(r["id"]) != "1" || !strings.HasPrefix(string(r["result"]), `{"chats":[{"id":3,"identifier":"+15550000003"`) || strings.Count(string(r["result"]), `"id"`) != 1 {
		t.Fatalf("chats.list: %s", r["result"])
	}
	send(`{"jsonrpc":"2.0","id":"h","method":"messages.history","params":{"chat_id":"3","limit":1}}`)
	if r := next(); !strings.HasPrefix(string(r["result"]), `{"messages":[{"id":3,"chat_id":3,`) {
		t.Fatalf("messages.history: %s", r["result"])
	}
	send(`{"jsonrpc":"2.0","id":2,"method":"nope"}`)
	if r := next(); !strings.Contains(string(r["error"]), "-32601") {
		t.Fatalf("unknown method: %v", r)
	}
	send(`not json`)
	if r := next(); string(r["id"]) != "null" || !strings.Contains(string(r["error"]), "-32700") {
		t.Fatalf("parse error: %v", r)
	}
	send(`{"jsonrpc":"2.0","id":3,"method":"watch.subscribe","params":{}}`)
	if r := next(); string(r["result"]) != `{"subscription":1}` {
		t.Fatalf("subscribe: %v", r)
	}

	// Answer every message as the echo handler would; the send responses
	// and echo rows interleave with the next notifications.
	id := 10
	answered, echoes := 0, 0
	for answered < n || echoes < n {
		m := next()
		if string(m["method"]) == `"message"` {
			var p struct{ Message json.RawMessage }
			json.Unmarshal(m["params"], &p)
			msg, err := inbound.ParseMessage(p.Message)
			if err != nil {
				t.Fatal(err)
			}
			if msg.IsFromMe {
				echoes++
				continue
			}
			id++
			params, _ := json.Marshal(map[string]string{"to": msg.Sender, "text": *msg.Text, "service": "auto"})
			send(fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"send","params":%s}`, id, params))
			answered++
			continue
		}
		if !strings.Contains(string(m["result"]), `"transport":"applescript"`) {
			t.Fatalf("send response: %v", m)
		}
	}
	// One duplicate, one stray, and a pairing reply (OpenClaw sends it to
	// the stranger's chat_id).
	send(`{"jsonrpc":"2.0","id":90,"method":"send","params":{"to":"+15550000001","text":"` + messageText(0) + `"}}`)
	send(`{"jsonrpc":"2.0","id":91,"method":"send","params":{"to":"+15550000001","text":"hello"}}`)
	send(`{"jsonrpc":"2.0","id":92,"method":"send","params":{"chat_id":1000004,"text":"OpenClaw: access not configured."}}`)
	for range 5 { // three responses, two echo rows
		next()
	}
	<-fk.streamDone
	// The history now holds the streamed rows and the sent ones, newest
	// first: the last row of chat 1 is the duplicate's echo.
	var hist struct {
		Messages []struct {
			ID       int64
			Text     string
			IsFromMe bool `json:"is_from_me"`
		}
	}
	if err := json.Unmarshal([]byte(fk.db.history(json.RawMessage(`{"chat_id":1,"limit":1000}`))), &hist); err != nil {
		t.Fatal(err)
	}
	if len(hist.Messages) != 2*((n+2)/3)+3 || !hist.Messages[0].IsFromMe || hist.Messages[0].Text != "hello" ||
		hist.Messages[len(hist.Messages)-1].ID != 1 || hist.Messages[0].ID <= hist.Messages[1].ID {
		t.Fatalf("history of chat 1: %+v", hist.Messages)
	}
	fk.recMu.Lock()
	r := fk.summarise(int64(fk.cfg.expected()), time.Second)
	fk.recMu.Unlock()
	if r.Replied != n || r.Missing != 0 || r.Duplicates != 1 || r.Unexpected != 1 || r.PairingReplies != 1 || r.WrongTo != 0 || r.EchoRows != n+2 || r.Sends != n+3 {
		t.Fatalf("%+v", r)
	}
	if r.Latency.Count != n || r.Latency.P50 <= 0 || r.Corrected.P50 < r.Latency.P50 {
		t.Fatalf("latency %+v corrected %+v", r.Latency, r.Corrected)
	}
}

// The whole benchmark, small: openclawcfg run --echo against this test
// binary as imsg, in both of the runtime's modes. The fake must be imsg
// enough that the runtime warns about nothing.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds openclawcfg")
	}
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	bin, err := buildOpenclawcfg(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name         string
		compat       bool
		rate         float64
		n            int
		wantWarnings int
	}{
		{"compat", true, 2000, 2000, 1}, // the --compat openclaw warning
		{"durable", false, 40, 200, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := runOpts{
				Rate: tc.rate, N: tc.n, Senders: 4, DMPolicy: "allowlist", Chats: 8, Bin: bin, SendRate: 1_000_000,
				Compat: tc.compat, Dir: filepath.Join(dir, tc.name), Drain: 20 * time.Second,
			}
			rep, err := runOnce(ctx, o, nil)
			if err != nil {
				t.Fatal(err)
			}
			r := rep.Result
			if r.Replied != int64(tc.n) || r.Missing != 0 || r.Duplicates != 0 || r.Unexpected != 0 || r.WrongTo != 0 || r.Resubscribes != 0 {
				t.Fatalf("%+v\nerrors %v\nlog problems %v", r, rep.Errors, rep.LogProblem)
			}
			if len(rep.LogProblem) != tc.wantWarnings {
				t.Errorf("the runtime warned: %v", rep.LogProblem)
			}
			if len(rep.Milestones) != 1 || rep.Milestones[0].RSSKiB <= 0 || rep.Milestones[0].CPUSeconds <= 0 {
				t.Fatalf("samples %+v", rep.Milestones)
			}
			var st struct {
				PID      int
				Accounts []struct{ Received, Dispatched, Sent int64 }
			}
			if err := json.Unmarshal(rep.Status, &st); err != nil || st.PID != rep.PID || len(st.Accounts) != 1 ||
				st.Accounts[0].Received != int64(tc.n) || st.Accounts[0].Dispatched != int64(tc.n) || st.Accounts[0].Sent != int64(tc.n) {
				t.Fatalf("status file %s (%v)", rep.Status, err)
			}
			if !strings.Contains(rep.Summary, fmt.Sprintf(`"dispatched":%d`, tc.n)) {
				t.Fatalf("summary %q", rep.Summary)
			}
		})
	}
}
