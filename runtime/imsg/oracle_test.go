//go:build unix

package imsg

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestOracleGolden replays testdata/oracle-client-2026.3.24.jsonl, what
// OpenClaw 2026.3.24's own client, rpc --help check and probe answered
// (recorded by scripts/oracle-imsg-client-goldens.sh), through this package
// against the same child behaviour: the test binary plays each case's
// process. Cases marked "diverge" are checked against their expect_go.
func TestOracleGolden(t *testing.T) {
	f, err := os.Open("testdata/oracle-client-2026.3.24.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	var cases []goldenCase
	for sc.Scan() {
		var c goldenCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, c)
	}
	if len(cases) < 100 {
		t.Fatalf("only %d golden cases", len(cases))
	}
	var mu sync.Mutex
	failed := map[string]bool{}
	// Each case has its own fake cliPath, so they can run in parallel.
	t.Run("cases", func(t *testing.T) {
		for _, c := range cases {
			t.Run(c.ID, func(t *testing.T) {
				t.Parallel()
				defer func() {
					mu.Lock()
					failed[c.ID] = t.Failed()
					mu.Unlock()
				}()
				switch c.Kind {
				case "stream":
					replayStream(t, c)
				case "help":
					replayHelp(t, c)
				case "probe":
					replayProbe(t, c)
				default:
					t.Fatalf("unknown kind %q", c.Kind)
				}
			})
		}
	})
	agree, diverged, divergeTotal := 0, 0, 0
	for _, c := range cases {
		switch {
		case c.Diverge != "":
			divergeTotal++
			if !failed[c.ID] {
				diverged++
			}
		case !failed[c.ID]:
			agree++
		}
	}
	t.Logf("oracle: %d/%d cases agree with OpenClaw 2026.3.24; %d/%d documented divergences behave as specified",
		agree, len(cases)-divergeTotal, diverged, divergeTotal)
}

type goldenCase struct {
	ID        string   `json:"id"`
	Kind      string   `json:"kind"`
	Requests  int      `json:"requests"`
	Lines     []string `json:"lines"`
	Stdout    *string  `json:"stdout"`
	StdoutB64 string   `json:"stdout_b64"`
	Stderr    string   `json:"stderr"`
	Exit      int      `json:"exit"`
	Signal    string   `json:"signal"`
	Hang      bool     `json:"hang"`
	Diverge   string   `json:"diverge"`
	ExpectGo  *struct {
		Calls         []goldenCall `json:"calls"`
		Notifications []goldenNote `json:"notifications"`
		ParseFailures int          `json:"parse_failures"`
	} `json:"expect_go"`

	HelpStdout string  `json:"help_stdout"`
	HelpExit   int     `json:"help_exit"`
	Reply      *string `json:"reply"`
	RPCExit    int     `json:"rpc_exit"`
	RPCHang    bool    `json:"rpc_hang"`
	CLI        string  `json:"cli"`

	Result json.RawMessage `json:"result"`
}

type goldenCall struct {
	OK        bool            `json:"ok"`
	Result    json.RawMessage `json:"result"`
	Undefined bool            `json:"undefined"`
	Error     string          `json:"error"`
}

type goldenNote struct {
	Method          json.RawMessage `json:"method"`
	Params          json.RawMessage `json:"params"`
	ParamsUndefined bool            `json:"paramsUndefined"`
}

func (c goldenCase) stdoutBytes(t *testing.T) []byte {
	switch {
	case c.StdoutB64 != "":
		b, err := base64.StdEncoding.DecodeString(c.StdoutB64)
		if err != nil {
			t.Fatal(err)
		}
		return b
	case c.Stdout != nil:
		return []byte(*c.Stdout)
	}
	var b strings.Builder
	for _, l := range c.Lines {
		b.WriteString(l + "\n")
	}
	return []byte(b.String())
}

// canonJS is JSON.stringify(JSON.parse(raw)), to compare values the way
// they exist in OpenClaw.
func canonJS(t *testing.T, raw []byte) string {
	t.Helper()
	v, ok := parseJS(raw)
	if !ok {
		t.Fatalf("not JSON: %s", raw)
	}
	return v.stringify("")
}

func replayStream(t *testing.T, c goldenCase) {
	dir := t.TempDir()
	out, errf := filepath.Join(dir, "out.bin"), filepath.Join(dir, "err.bin")
	os.WriteFile(out, c.stdoutBytes(t), 0o644)
	os.WriteFile(errf, []byte(c.Stderr), 0o644)
	cfg, logs := fakeConfig(t, "stream", "FAKE_K="+strconv.Itoa(c.Requests), "FAKE_OUT="+out, "FAKE_ERR="+errf,
		"FAKE_EXIT="+strconv.Itoa(c.Exit), "FAKE_SIGNAL="+c.Signal)
	cfg.RequestTimeout = -1
	var mu sync.Mutex
	var notes []Notification
	cfg.OnNotification = func(n Notification) {
		mu.Lock()
		notes = append(notes, n)
		mu.Unlock()
	}
	client := startFake(t, cfg)
	calls := make([]<-chan callResult, c.Requests)
	for i := range calls {
		calls[i] = goCall(client, context.Background(), "m"+strconv.Itoa(i+1), nil)
		waitUntil(t, func() bool {
			client.mu.Lock()
			defer client.mu.Unlock()
			return client.nextID == uint64(i+1)
		})
	}
	select {
	case <-client.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the fake never ended")
	}

	var want struct {
		Calls         []goldenCall `json:"calls"`
		Notifications []goldenNote `json:"notifications"`
		Logs          []string     `json:"logs"`
		Throws        []string     `json:"throws"`
	}
	if err := json.Unmarshal(c.Result, &want); err != nil {
		t.Fatal(err)
	}
	parseLogs := logs.find("imsg rpc: failed to parse")
	if c.ExpectGo != nil {
		want.Calls, want.Notifications = c.ExpectGo.Calls, c.ExpectGo.Notifications
		if len(parseLogs) != c.ExpectGo.ParseFailures {
			t.Errorf("parse failures logged: %d, want %d\n%s", len(parseLogs), c.ExpectGo.ParseFailures, logs)
		}
	}

	for i, w := range want.Calls {
		r := recv(t, calls[i])
		switch {
		case !w.OK:
			if r.err == nil || r.err.Error() != w.Error {
				t.Errorf("call %d: got %s / %v, want error %q", i+1, r.raw, r.err, w.Error)
			}
		case r.err != nil:
			t.Errorf("call %d: %v, want result %s", i+1, r.err, w.Result)
		case w.Undefined:
			if r.raw != nil {
				t.Errorf("call %d: result %s, want none (undefined)", i+1, r.raw)
			}
		case r.raw == nil:
			t.Errorf("call %d: no result, want %s", i+1, w.Result)
		case canonJS(t, r.raw) != canonJS(t, w.Result):
			t.Errorf("call %d: result %s, want %s", i+1, canonJS(t, r.raw), canonJS(t, w.Result))
		}
	}

	// Notifications OpenClaw delivers with a non-string method are dropped
	// here (and logged); everything else must match in order.
	var wantNotes []goldenNote
	dropped := 0
	for _, n := range want.Notifications {
		if len(n.Method) == 0 || n.Method[0] != '"' {
			dropped++
			continue
		}
		wantNotes = append(wantNotes, n)
	}
	mu.Lock()
	got := append([]Notification(nil), notes...)
	mu.Unlock()
	if len(got) != len(wantNotes) {
		t.Fatalf("notifications: got %d %+v, want %d", len(got), got, len(wantNotes))
	}
	for i, w := range wantNotes {
		var method string
		json.Unmarshal(w.Method, &method)
		g := got[i]
		if g.Method != method {
			t.Errorf("notification %d: method %q, want %q", i, g.Method, method)
		}
		switch {
		case w.ParamsUndefined:
			if g.Params != nil {
				t.Errorf("notification %d: params %s, want none", i, g.Params)
			}
		case g.Params == nil || canonJS(t, g.Params) != canonJS(t, w.Params):
			t.Errorf("notification %d: params %s, want %s", i, g.Params, w.Params)
		}
	}
	if n := len(logs.find("imsg rpc: ignoring a notification whose method is not a string")); n != dropped {
		t.Errorf("non-string methods logged %d times, want %d", n, dropped)
	}
	if n := len(logs.find("imsg rpc: ignoring a line that is not a JSON object")); n < len(want.Throws) {
		t.Errorf("lines OpenClaw throws on: logged %d, want at least %d", n, len(want.Throws))
	}
	if c.ExpectGo != nil {
		return
	}

	// OpenClaw's runtime.error lines: parse failures (same lines, in
	// order) and stderr lines (same text, in order).
	var wantParse, wantStderr []string
	for _, l := range want.Logs {
		if strings.HasPrefix(l, "imsg rpc: failed to parse ") {
			wantParse = append(wantParse, l)
		} else {
			wantStderr = append(wantStderr, l)
		}
	}
	if len(parseLogs) != len(wantParse) {
		t.Errorf("parse failures: got %d, want %d\n%s", len(parseLogs), len(wantParse), logs)
	} else {
		for i, w := range wantParse {
			if !strings.HasPrefix(w, "imsg rpc: failed to parse "+parseLogs[i].attrs["line"]+": ") {
				t.Errorf("parse failure %d: logged line %q; OpenClaw: %q", i, parseLogs[i].attrs["line"], w)
			}
		}
	}
	var gotStderr []string
	for _, r := range logs.all() {
		if r.level.String() == "ERROR" && strings.HasPrefix(r.msg, "imsg rpc: ") && len(r.attrs) == 0 {
			gotStderr = append(gotStderr, r.msg)
		}
	}
	if strings.Join(gotStderr, "\n") != strings.Join(wantStderr, "\n") {
		t.Errorf("stderr logs\n got %q\nwant %q", gotStderr, wantStderr)
	}
}

func replayHelp(t *testing.T, c goldenCase) {
	env := append(os.Environ(), "IMSG_FAKE=serve", "FAKE_HELP_STDOUT="+deref(c.Stdout), "FAKE_HELP_STDERR="+c.Stderr,
		"FAKE_HELP_EXIT="+strconv.Itoa(c.Exit))
	// OpenClaw ran with 300 ms; a loaded machine (or -race) can take longer
	// than that just to start the fake, so only hangs get a short timeout.
	timeout := 10 * time.Second
	if c.Hang {
		env = append(env, "FAKE_HELP_HANG=1")
		timeout = 3 * time.Second
	}
	got := probeRPCSupport(context.Background(), fakeCLI(t), timeout, env, "")
	var want struct {
		Supported bool    `json:"supported"`
		Fatal     bool    `json:"fatal"`
		Error     *string `json:"error"`
	}
	json.Unmarshal(c.Result, &want)
	if got.supported != want.Supported || got.fatal != want.Fatal || got.err != deref(want.Error) {
		t.Errorf("got %+v, want %+v %q", got, want, deref(want.Error))
	}
}

func replayProbe(t *testing.T, c goldenCase) {
	dir := t.TempDir()
	env := append(os.Environ(), "IMSG_FAKE=reply", "FAKE_HELP_STDOUT="+c.HelpStdout, "FAKE_HELP_EXIT="+strconv.Itoa(c.HelpExit),
		"FAKE_RPC_EXIT="+strconv.Itoa(c.RPCExit), "FAKE_RPC_REPLY="+deref(c.Reply))
	if c.RPCHang {
		env = append(env, "FAKE_RPC_HANG=1")
	}
	cli := fakeCLI(t)
	if c.CLI != "" {
		cli = strings.ReplaceAll(c.CLI, "<DIR>", dir)
		env = append(env, "PATH="+dir)
	}
	timeout := 10 * time.Second
	if c.RPCHang {
		// The --help verdict is not under test here: cache it with time to
		// spare, then give the hanging chats.list a short timeout.
		if s := probeRPCSupport(context.Background(), cli, timeout, env, ""); !s.supported {
			t.Fatalf("warm-up: %+v", s)
		}
		timeout = 500 * time.Millisecond
	}
	got := Probe(context.Background(), Config{CLIPath: cli, Env: env, Logger: discardLogger()}, timeout)
	var want struct {
		OK    bool    `json:"ok"`
		Fatal bool    `json:"fatal"`
		Error *string `json:"error"`
	}
	json.Unmarshal(c.Result, &want)
	if got.OK != want.OK || got.Fatal != want.Fatal || strings.ReplaceAll(got.Error, dir, "<DIR>") != deref(want.Error) {
		t.Errorf("got %+v, want %+v %q", got, want, deref(want.Error))
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func resetProbeCache() {
	rpcSupportMu.Lock()
	clear(rpcSupportCache)
	rpcSupportMu.Unlock()
}
