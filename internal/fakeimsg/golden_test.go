package fakeimsg

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestOpenClawClientGolden replays testdata/openclaw-client-2026.3.24.jsonl,
// recorded by scripts/imsg-fake-oracle.sh: OpenClaw 2026.3.24's own
// IMessageRpcClient, probeIMessage, parseIMessageNotification and
// sendMessageIMessage talking to imsg-fake. The fake must still write exactly
// the lines OpenClaw saw, and OpenClaw must have accepted them.
func TestOpenClawClientGolden(t *testing.T) {
	f, err := os.Open("testdata/openclaw-client-2026.3.24.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	os.MkdirAll(home, 0o755)
	os.WriteFile(filepath.Join(home, "IMG_0001.heic"), []byte("heic"), 0o644)
	db := filepath.Join(dir, "chat.jsonl")
	vars := map[string]string{"HOME": home, "IMSG_FAKE_GUIDS": "rowid", "IMSG_FAKE_NOW": "2026-05-16T16:00:00.000Z"}
	cli := func(stdin string, args ...string) {
		t.Helper()
		var out lineSink
		e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &out, ctx: context.Background(), getenv: func(k string) string { return vars[k] }}
		if code := mainEnv(e, args); code != 0 {
			t.Fatalf("imsg-fake %v: %s", args, out.String())
		}
	}
	cli("", "init", "--db", db)
	now, _ := parseISO(vars["IMSG_FAKE_NOW"])
	h := start(t, db, func(c *Config) {
		c.Home, c.Now, c.Self = home, func() time.Time { return now }, "me@icloud.com"
	})
	escDir := strings.ReplaceAll(dir, "/", `\/`)

	var probes, accepted, wire int
	var lastResult map[string]any
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for n := 1; sc.Scan(); n++ {
		var ev struct {
			Probe    string          `json:"probe"`
			Result   json.RawMessage `json:"result"`
			Script   []string        `json:"script"`
			Dir      string          `json:"dir"`
			Line     string          `json:"line"`
			Accepted *bool           `json:"accepted"`
			Call     string          `json:"call"`
			Error    string          `json:"error"`
			Send     string          `json:"sendMessageIMessage"`
		}
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("golden line %d: %v", n, err)
		}
		switch {
		case ev.Probe != "":
			probes++
			var r struct {
				OK    bool   `json:"ok"`
				Fatal bool   `json:"fatal"`
				Error string `json:"error"`
			}
			json.Unmarshal(ev.Result, &r)
			ok := map[string]bool{
				"ok":              r.OK,
				"later-0.14.2":    r.OK,
				"rpc-unsupported": !r.OK && r.Fatal && strings.Contains(r.Error, `does not support the "rpc" subcommand`),
				"fda":             !r.OK && !r.Fatal && strings.Contains(r.Error, "code=-32603 authorization denied (code: 23)\n\n⚠️  Permission Error"),
				"missing-db":      !r.OK && strings.Contains(r.Error, "code=-32603 unable to open database file (code: 14)"),
			}
			if !ok[ev.Probe] {
				t.Errorf("OpenClaw's probe %s: %s", ev.Probe, ev.Result)
			}
		case ev.Script != nil:
			cli(strings.Join(ev.Script, "\n")+"\n", "script", "--db", db, "-")
		case ev.Dir == ">":
			h.send(ev.Line)
		case ev.Dir == "<":
			wire++
			want(t, h.next(), strings.ReplaceAll(ev.Line, "$DIR", escDir))
			m := decode(t, ev.Line)
			if get(m, "method") == "message" {
				if ev.Accepted == nil || !*ev.Accepted {
					t.Errorf("golden line %d: OpenClaw's parseIMessageNotification dropped %s", n, ev.Line)
				} else {
					accepted++
				}
			}
			if r, ok := m["result"].(map[string]any); ok {
				lastResult = r
			}
		case ev.Call != "":
			if !strings.Contains(ev.Error, ": code=-326") {
				t.Errorf("golden line %d: OpenClaw's error text %q", n, ev.Error)
			}
		case ev.Send != "":
			var r struct {
				MessageID string `json:"messageId"`
			}
			json.Unmarshal(ev.Result, &r)
			// OpenClaw keeps the guid (resolveMessageId prefers it to the numeric id).
			if lastResult == nil || r.MessageID != lastResult["guid"] {
				t.Errorf("sendMessageIMessage(%s) = %s, last send result %v", ev.Send, ev.Result, lastResult)
			}
		}
	}
	h.quiet(100 * time.Millisecond)
	if probes != 5 || accepted != 10 || wire == 0 {
		t.Errorf("golden covered %d probes, %d accepted messages, %d lines", probes, accepted, wire)
	}
	t.Logf("OpenClaw 2026.3.24 agreed on %d probes, %d watch messages, %d wire lines", probes, accepted, wire)
}
