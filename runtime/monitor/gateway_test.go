package monitor

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/openclawcfg/openclawcfg/compiler"
	"github.com/openclawcfg/openclawcfg/plan"
	"github.com/openclawcfg/openclawcfg/runtime/inbound"
)

// TestGatewayRecordings replays what OpenClaw 2026.3.24's real gateway saw
// on the imsg wire (testdata/gateway, copied from
// ../shared/oracle/runtime-e2e/expected: every message notification and every
// send with its result, in wire order) through the debouncer and the
// decider, feeding each send into the echo cache as deliverReplies does, and
// compares every decision with the gateway's (decisions.jsonl) and every
// dispatched context with the one it built (ctx.jsonl). The clock is
// synthetic: 2 s a step, plus the scenario's sleeps; the recorder waits
// 1.5 s of quiet after each step, so debounced rows flush between steps.
func TestGatewayRecordings(t *testing.T) {
	saved := time.Local
	time.Local = time.UTC // the recorder runs with TZ=UTC
	defer func() { time.Local = saved }()
	scenarios, _ := filepath.Glob("testdata/gateway/*.json5")
	if len(scenarios) < 7 {
		t.Fatalf("recordings missing: %v", scenarios)
	}
	var decisions, contexts int
	for _, cfg := range scenarios {
		name := strings.TrimSuffix(filepath.Base(cfg), ".json5")
		t.Run(name, func(t *testing.T) {
			d, c := replayRecording(t, name)
			decisions += d
			contexts += c
		})
	}
	t.Logf("gateway recordings: %d decisions and %d contexts agree", decisions, contexts)
}

type wireLine struct {
	Step    int    `json:"step"`
	Account string `json:"account"`
	Client  string `json:"client"`
	Dir     string `json:"dir"`
	Msg     struct {
		ID     json.RawMessage `json:"id"`
		Method string          `json:"method"`
		Params json.RawMessage `json:"params"`
		Result json.RawMessage `json:"result"`
	} `json:"msg"`
}

type recordedDecision struct {
	Step     int             `json:"step"`
	Account  string          `json:"account"`
	ID       json.Number     `json:"message_id"`
	Decision json.RawMessage `json:"decision"`
}

func readJSONL[T any](t *testing.T, path string) []T {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 8<<20)
	for sc.Scan() {
		var v T
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, v)
	}
	return out
}

func replayRecording(t *testing.T, name string) (nd, nc int) {
	base := filepath.Join("testdata", "gateway", name)
	src, err := os.ReadFile(base + ".json5")
	if err != nil {
		t.Fatal(err)
	}
	res, err := compiler.Compile(name+".json5", src, compiler.Options{Generator: "test", Home: "/home/test"})
	sealed := res.Sealed
	if err != nil || sealed == nil {
		t.Fatalf("scenario config does not compile: %v", err)
	}
	p, err := plan.Load(sealed)
	if err != nil {
		t.Fatal(err)
	}
	wire := readJSONL[wireLine](t, base+".wire.jsonl")
	want := readJSONL[recordedDecision](t, base+".decisions.jsonl")
	wantCtx := readJSONL[struct {
		Step    int             `json:"step"`
		Account string          `json:"account"`
		Ctx     json.RawMessage `json:"ctx"`
	}](t, base+".ctx.jsonl")
	steps := readJSONL[struct {
		Step   int     `json:"step"`
		Sleep  float64 `json:"sleep"`
		Settle *bool   `json:"settle"`
		CLI    []any   `json:"cli"`
	}](t, base+".inbound.jsonl")

	type account struct {
		dec *inbound.Decider
		st  *inbound.State
		db  *debouncer
	}
	accounts := map[string]*account{}
	sessions := inbound.NewSessions()
	get := func(id string) *account {
		if a, ok := accounts[id]; ok {
			return a
		}
		d, err := inbound.New(p, id)
		if err != nil {
			t.Fatal(err)
		}
		a := &account{dec: d, st: inbound.NewState(), db: newDebouncer(p.Global.InboundDebounceMs.Value, d.Account().ID, d.HasControlCommand)}
		accounts[id] = a
		return a
	}
	store := map[string][]string{} // approved senders per account
	var pairingSenders []string    // first appearance order: PAIRING_CODE_n
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	step := 0
	var got []string
	var gotCtx []json.RawMessage
	pending := map[string]string{} // "account\x00request id" -> send text
	decide := func(acct string, m *inbound.Message) {
		a := get(acct)
		d := a.dec.Decide(m, inbound.Input{Store: store[a.dec.Account().ID], Now: now, Sessions: sessions}, a.st)
		id := ""
		if m.ID != nil {
			id = m.ID.String()
		}
		line := fmt.Sprintf("%s %s %s", acct, id, d.Kind)
		switch {
		case d.RateLimited:
			line = fmt.Sprintf("%s %s dispatch+rate-limited", acct, id)
		case d.Kind == inbound.Drop:
			line += " " + d.Reason
		case d.Kind == inbound.Pairing:
			line += " " + d.SenderID
			seen := false
			for _, s := range pairingSenders {
				seen = seen || s == d.SenderID
			}
			if !seen {
				pairingSenders = append(pairingSenders, d.SenderID)
			}
		case d.Kind == inbound.Dispatch:
			line += " " + d.Route.SessionKey
			c := *d.Context
			c.AgentId = ""
			b, _ := json.Marshal(&c)
			gotCtx = append(gotCtx, b)
		}
		got = append(got, line)
	}
	// A step the recorder settled (waited for 1.5 s of quiet) ends 2 s
	// later; an unsettled one at once.
	settled := func(n int) bool {
		for _, s := range steps {
			if s.Step == n && s.Settle != nil {
				return *s.Settle
			}
		}
		return true
	}
	flushDue := func() {
		for id, a := range accounts {
			for _, m := range a.db.due(now) {
				decide(id, m)
			}
		}
	}
	advance := func(to int) {
		for step < to {
			if settled(step) {
				now = now.Add(2 * time.Second)
			}
			step++
			flushDue()
			for _, s := range steps {
				if s.Step != step {
					continue
				}
				now = now.Add(time.Duration(s.Sleep * float64(time.Second)))
				if len(s.CLI) >= 4 && s.CLI[1] == "approve" {
					var n int
					fmt.Sscanf(fmt.Sprint(s.CLI[3]), "<PAIRING_CODE_%d>", &n)
					if n >= 1 && n <= len(pairingSenders) {
						store["default"] = append(store["default"], pairingSenders[n-1])
					}
				}
			}
		}
	}
	for _, w := range wire {
		if w.Client != "monitor" {
			continue
		}
		if w.Step != step {
			advance(w.Step)
		}
		key := w.Account + "\x00" + string(w.Msg.ID)
		switch {
		case w.Dir == ">" && w.Msg.Method == "send":
			// A reply means its message was decided: the debounce window
			// (and the agent run) lay between.
			now = now.Add(time.Second)
			flushDue()
			var params struct {
				Text   string      `json:"text"`
				To     string      `json:"to"`
				ChatID json.Number `json:"chat_id"`
			}
			json.Unmarshal(w.Msg.Params, &params)
			target := "imessage:" + params.To
			if params.ChatID != "" {
				target = "chat_id:" + params.ChatID.String()
			}
			pending[key] = target + "\x00" + params.Text
		case w.Dir == "<" && len(w.Msg.Result) > 0 && pending[key] != "":
			target, text, _ := strings.Cut(pending[key], "\x00")
			delete(pending, key)
			var res sendResult
			json.Unmarshal(w.Msg.Result, &res)
			a := get(w.Account)
			a.st.RememberSent(a.dec.Account().ID, target, text, messageID(res), now)
		case w.Dir == "<" && w.Msg.Method == "message":
			m, _, err := parseNotification(w.Msg.Params)
			if err != nil {
				t.Fatalf("step %d: %v", w.Step, err)
			}
			for _, ready := range get(w.Account).db.add(m, now) {
				decide(w.Account, ready)
			}
		}
	}
	now = now.Add(time.Hour)
	flushDue()

	var exp []string
	for i := 0; i < len(want); i++ {
		w := want[i]
		var d struct {
			Kind, Reason, SenderID string
			Route                  struct{ SessionKey string }
		}
		json.Unmarshal(w.Decision, &d)
		line := fmt.Sprintf("%s %s %s", w.Account, w.ID, d.Kind)
		switch d.Kind {
		case "drop":
			line += " " + d.Reason
		case "pairing":
			line += " " + d.SenderID
		case "dispatch":
			line += " " + d.Route.SessionKey
			if i+1 < len(want) && want[i+1].ID == w.ID && strings.Contains(string(want[i+1].Decision), `"rate-limited"`) {
				line = fmt.Sprintf("%s %s dispatch+rate-limited", w.Account, w.ID)
				i++
			}
		}
		exp = append(exp, line)
	}
	if diff := cmp.Diff(exp, got); diff != "" {
		t.Errorf("decisions differ from the gateway's (-gateway +ours):\n%s", diff)
	} else {
		nd = len(exp)
	}
	if len(gotCtx) != len(wantCtx) {
		t.Fatalf("%d contexts, the gateway built %d", len(gotCtx), len(wantCtx))
	}
	for i := range wantCtx {
		if diff := cmp.Diff(orderedJSON(t, wantCtx[i].Ctx), orderedJSON(t, gotCtx[i])); diff != "" {
			t.Errorf("context %d (step %d) differs (-gateway +ours):\n%s", i+1, wantCtx[i].Step, diff)
		} else {
			nc++
		}
	}
	return nd, nc
}

// orderedJSON decodes JSON keeping key order, so key order is compared too.
func orderedJSON(t *testing.T, b []byte) any {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var walk func() any
	walk = func() any {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		switch tok {
		case json.Delim('{'):
			var kv [][2]any
			for dec.More() {
				k, _ := dec.Token()
				kv = append(kv, [2]any{k, walk()})
			}
			dec.Token()
			return kv
		case json.Delim('['):
			out := []any{}
			for dec.More() {
				out = append(out, walk())
			}
			dec.Token()
			return out
		}
		if n, ok := tok.(json.Number); ok {
			return n.String()
		}
		return tok
	}
	return walk()
}
