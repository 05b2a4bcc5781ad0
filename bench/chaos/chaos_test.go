package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// The analysis on a hand-made run: every figure moves for its own reason.
func TestAnalyze(t *testing.T) {
	sent := []*sentMsg{
		{Token: "m000001", Chat: 1, Kind: "quiet", Phase: "after"},                  // handled, answered
		{Token: "m000002", Chat: 2, Kind: "kill9", Phase: "down", Under: "replace"}, // never handled
		{Token: "m000003", Chat: 3, Kind: "watch-death", Phase: "after"},            // handled twice, unmarked
		{Token: "m000004", Chat: 4, Kind: "kill9", Phase: "mid-handler"},            // redelivered, answered twice
		{Token: "m000005", Chat: 5, Kind: "ghost-send", Phase: "after"},             // handled, no reply
		{Token: "m000006", Chat: 6, Kind: "quiet", Phase: "before"},                 // reply in chat 7
		{Token: "m000009", Chat: 9, Kind: "term", Phase: "mid-handler"},             // redelivered before its reply
		{Token: "late000007", Chat: 1, Late: true, Kind: "late", Phase: "late"},
		{Token: "late000008", Chat: 2, Late: true, Kind: "late", Phase: "late"},
	}
	hlog := strings.Join([]string{
		"m000001\tfalse\tfalse\t10\t1",
		"m000003\tfalse\tfalse\t12\t2",
		"m000004\tfalse\tfalse\t13\t3",
		"m000003\tfalse\ttrue\t12\t4",
		"m000004\ttrue\tfalse\t13\t5\t1778945080000000000", // 15:24:40, after its reply (15:24:36)
		"m000009\tfalse\tfalse\t19\t10\t1778945060000000000",
		"m000009\ttrue\tfalse\t19\t11\t1778945070000000000", // 15:24:30, before its reply
		"m000005\tfalse\tfalse\t14\t6",
		"m000006\tfalse\tfalse\t15\t7",
		"late000007\tfalse\tfalse\t16\t8",
		"garbage",
		"m999999\tfalse\tfalse\t99\t9",
	}, "\n") + "\n"
	ack := func(id, chat int, guid, text string) string {
		return fmt.Sprintf(`{"row":{"id":%d,"chat_id":%d,"guid":%q,"sender":"","is_from_me":true,"text":%q,"created_at":"2026-05-16T15:24:36Z"}}`, id, chat, guid, text)
	}
	gen1 := strings.Join([]string{
		`{"row":{"id":1,"chat_id":1,"guid":"IN-1","sender":"+15550100000","is_from_me":false,"text":"m000001","created_at":"2026-05-16T15:24:36Z"}}`,
		ack(2, 1, "A-1", "ack m000001"),
		ack(3, 4, "A-4a", "ack m000004"),
	}, "\n") + "\n"
	gen2 := gen1 + strings.Join([]string{
		ack(4, 4, "A-4b", "ack m000004"),
		ack(5, 7, "A-6", "ack m000006"),
		ack(6, 1, "A-7", "ack late000007"),
		ack(7, 0, "GHOST", ""),
		ack(8, 3, "A-3", "ack m000003"),
		ack(9, 9, "A-9", "ack m000009"),
	}, "\n") + "\n"
	sends := strings.Join([]string{
		`{"method":"send","params":{"text":"ack m000001"},"result":{"ok":true}}`,
		`{"method":"send","params":{"text":"ack m000005"},"error":{"code":-32603}}`,
		`{"method":"send","params":{"text":"ack m000004"},"result":{"ok":true},"note":"send-no-response: no response was written"}`,
		`{"method":"chats.list"}`,
	}, "\n") + "\n"
	f := analyze(sent, []byte(hlog), [][]byte{[]byte(gen1), []byte(gen2)}, []byte(sends))
	want := figures{
		Messages: 7, LateRows: 2, Handled: 6, Lost: 1, Twice: 1, Redelivered: 2, RedeliveredAnswered: 1, Delayed: 1,
		RepliesDelivered: 5, RepliesLost: 1, RepliesTwice: 1, RepliesWrongChat: 1, LateHandled: 1, LateAnswered: 1,
		SendAttempts: 3, SendErrors: 1, SendNoAnswer: 1, UnknownTokens: 2,
	}
	got := *f
	got.LostBy, got.LostUnder, got.TwiceBy, got.RepliesLostBy, got.RepliesTwiceBy, got.Examples = nil, nil, nil, nil, nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("figures\n got %+v\nwant %+v", got, want)
	}
	if f.LostBy["kill9/down"] != 1 || f.LostUnder["replace"] != 1 || len(f.LostUnder) != 1 || f.TwiceBy["watch-death/after"] != 1 || f.RepliesLostBy["ghost-send/after"] != 1 ||
		f.RepliesTwiceBy["kill9/mid-handler"] != 1 {
		t.Errorf("attribution: lost %v twice %v replies lost %v replies twice %v", f.LostBy, f.TwiceBy, f.RepliesLostBy, f.RepliesTwiceBy)
	}
	if fs := f.failures(); len(fs) != 6 {
		t.Errorf("failures %q, want all six must-be-zero figures", fs)
	}
	var buf bytes.Buffer
	writeTable(&buf, &report{Cycles: 1, Faults: map[string]int{"kill9": 1}, Figures: f, Failures: f.failures()})
	for _, s := range []string{"messages lost                            1  must be 0: FAIL", "first lost:\n  m000002 (cycle 0 kill9, down, chat 2, row 0, under replace)", "\nFAIL: messages lost: 1;"} {
		if !strings.Contains(buf.String(), s) {
			t.Errorf("table lacks %q:\n%s", s, buf.String())
		}
	}
	if ok := analyze(sent[:1], []byte(hlog), [][]byte{[]byte(gen1)}, nil); len(ok.failures()) != 0 {
		t.Errorf("a clean run fails: %q", ok.failures())
	}
}

// Pacing keeps every chat under OpenClaw's echo-loop limit (five of the
// bot's rows a minute), waiting rather than overfilling.
func TestTrafficPacing(t *testing.T) {
	now := time.Date(2026, 5, 16, 12, 0, 0, 0, time.UTC)
	tr, err := newTraffic(filepath.Join(t.TempDir(), "chat.jsonl"), 2, 1, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	defer tr.close()
	tr.now = func() time.Time { return now }
	slept := time.Duration(0)
	tr.sleep = func(d time.Duration) { slept += d; now = now.Add(d) }
	perChat := map[int64][]time.Time{}
	for i := range 30 {
		m, err := tr.say(1, "quiet", "after", "", i%7 == 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		perChat[m.Chat] = append(perChat[m.Chat], now)
		now = now.Add(time.Second)
	}
	for c, ts := range perChat {
		for i := tr.perWindow; i < len(ts); i++ {
			if ts[i].Sub(ts[i-tr.perWindow]) < tr.window {
				t.Fatalf("chat %d got %d messages within %s", c, tr.perWindow+1, tr.window)
			}
		}
	}
	if slept == 0 {
		t.Fatal("30 messages into 3 chats within 30 s should have waited")
	}
	if len(perChat) != 3 {
		t.Fatalf("messages went to %d chats, want all 3", len(perChat))
	}
}

var (
	binsOnce sync.Once
	testBins bins
	binsErr  error
)

// builtBins builds openclawcfg, imsg-fake and the handler once per test
// binary.
func builtBins(t *testing.T) bins {
	t.Helper()
	binsOnce.Do(func() {
		dir, err := os.MkdirTemp("", "chaos-bins-")
		if err != nil {
			binsErr = err
			return
		}
		testBins, binsErr = buildBins(context.Background(), dir, bins{})
	})
	if binsErr != nil {
		t.Fatal(binsErr)
	}
	return testBins
}

func TestMain(m *testing.M) {
	code := m.Run()
	if testBins.Openclawcfg != "" {
		os.RemoveAll(filepath.Dir(testBins.Openclawcfg))
	}
	os.Exit(code)
}

// The chaos test proper: a few dozen cycles under -short, 100 otherwise
// (bench/chaos.sh runs 1,000). Every must-be-zero figure must be 0.
func TestChaos(t *testing.T) {
	cycles := 100
	if testing.Short() {
		cycles = 30
	}
	// No Dir: the driver's temp dir is removed after a pass and kept
	// (and named in the table) after a failure, for its logs.
	o := options{
		Cycles: cycles, Seed: uint64(time.Now().UnixNano()), ImsgVersion: "0.9.0",
		Bins: builtBins(t), DMs: 240, Groups: 4, PollMs: 50, Quiet: 15 * time.Second, MaxDrain: time.Minute,
		Progress: testWriter{t},
	}
	rep, err := chaos(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	writeTable(&buf, rep)
	t.Log("\n" + buf.String())
	if rep.Figures.Messages < cycles {
		t.Errorf("only %d messages in %d cycles", rep.Figures.Messages, cycles)
	}
	if len(rep.Failures) > 0 {
		t.Errorf("seed %d: %s", o.Seed, strings.Join(rep.Failures, "; "))
	}
}

// The driver sees OpenClaw's own losses: with --compat openclaw (or a run
// that has no durability yet), rows written while openclawcfg run is down
// never reach the handler, and the driver must say so.
func TestChaosSeesOpenClawLosses(t *testing.T) {
	if testing.Short() {
		t.Skip("the -short run is TestChaos alone")
	}
	o := options{
		Cycles: 8, Seed: 7, Compat: true, ImsgVersion: "0.9.0", Kinds: []string{"kill9"},
		Bins: builtBins(t), DMs: 40, Groups: 1, PollMs: 50, Quiet: 5 * time.Second, MaxDrain: 30 * time.Second,
		Progress: testWriter{t},
	}
	rep, err := chaos(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	writeTable(&buf, rep)
	t.Log("\n" + buf.String())
	if rep.Faults["kill9"] != 8 || rep.Run.Kills != 8 {
		t.Fatalf("faults %v, kills %d: want 8 kill -9 cycles", rep.Faults, rep.Run.Kills)
	}
	if rep.Figures.LostBy["kill9/down"] == 0 {
		t.Fatalf("no loss of rows written while run was down was seen: %v", rep.Figures.LostBy)
	}
	if rep.failed() {
		t.Fatal("-compat without -strict must not fail the run")
	}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
