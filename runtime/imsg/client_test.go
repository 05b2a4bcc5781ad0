//go:build unix

package imsg

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/iotest"
	"time"
)

func TestCallOverProcess(t *testing.T) {
	cfg, _ := fakeConfig(t, "serve")
	c := startFake(t, cfg)
	var res struct {
		Chats []any `json:"chats"`
	}
	if err := c.Call(context.Background(), "chats.list", map[string]int{"limit": 1}, &res); err != nil {
		t.Fatal(err)
	}
	if res.Chats == nil {
		t.Fatalf("chats missing: %+v", res)
	}
	// Ids count up from 1; nil params are sent as {}; HTML stays unescaped.
	for want := 2; want <= 4; want++ {
		var echo struct {
			ID     json.RawMessage `json:"id"`
			Params json.RawMessage `json:"params"`
		}
		var params any
		if want == 3 {
			params = map[string]string{"text": "<a&b>"}
		}
		if err := c.Call(context.Background(), "echo", params, &echo); err != nil {
			t.Fatal(err)
		}
		if string(echo.ID) != strconv.Itoa(want) {
			t.Errorf("id %s, want %d", echo.ID, want)
		}
		wantParams := `{}`
		if want == 3 {
			wantParams = `{"text":"<a&b>"}`
		}
		if string(echo.Params) != wantParams {
			t.Errorf("params %s, want %s", echo.Params, wantParams)
		}
	}
}

func TestRequestLineFormat(t *testing.T) {
	s := newPipe(t, Config{})
	ch := goCall(s.c, context.Background(), "send", map[string]any{"chat_id": 7, "text": "a\"b\u2028"})
	r := s.next()
	want := `{"jsonrpc":"2.0","id":1,"method":"send","params":{"chat_id":7,"text":"a\"b` + "\u2028" + `"}}` + "\n"
	// encoding/json escapes U+2028; either form is the same JSON to imsg.
	if r.raw != want && r.raw != strings.Replace(want, "\u2028", `\u2028`, 1) {
		t.Errorf("request line\n got %q\nwant %q", r.raw, want)
	}
	s.send(`{"jsonrpc":"2.0","id":1,"result":{"ok":true}}`)
	if got := recv(t, ch); got.err != nil || string(got.raw) != `{"ok":true}` {
		t.Fatalf("got %s %v", got.raw, got.err)
	}
	if err := s.c.Notify("watch.unsubscribe", map[string]int{"subscription": 1}); err != nil {
		t.Fatal(err)
	}
	if r := s.next(); r.raw != `{"jsonrpc":"2.0","method":"watch.unsubscribe","params":{"subscription":1}}`+"\n" {
		t.Errorf("notify line %q", r.raw)
	}
}

func TestConcurrentCalls(t *testing.T) {
	cfg, _ := fakeConfig(t, "serve")
	c := startFake(t, cfg)
	const n = 64
	var wg sync.WaitGroup
	ids := make([]int, n)
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var echo struct {
				ID     int `json:"id"`
				Params struct {
					N int `json:"n"`
				} `json:"params"`
			}
			if err := c.Call(context.Background(), "echo", map[string]int{"n": i}, &echo); err != nil {
				errs <- err
				return
			}
			if echo.Params.N != i {
				errs <- fmt.Errorf("call %d got the answer for %d", i, echo.Params.N)
			}
			ids[i] = echo.ID
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	slices.Sort(ids)
	for i, id := range ids {
		if id != i+1 {
			t.Fatalf("ids %v: want 1..%d each once", ids, n)
		}
	}
}

// Tolerance of everything imsg-rpc.md §1 and §9.6 allow, over a pipe the
// test writes to.
func TestTolerance(t *testing.T) {
	var mu sync.Mutex
	var notes []Notification
	s := newPipe(t, Config{OnNotification: func(n Notification) {
		mu.Lock()
		notes = append(notes, n)
		mu.Unlock()
	}})
	subscribe := goCall(s.c, context.Background(), "watch.subscribe", map[string]bool{"attachments": true})
	s.next()
	send := goCall(s.c, context.Background(), "send", map[string]any{"chat_id": 7, "text": "hi"})
	s.next()
	s.send(
		// a notification before the subscribe response, with escaped slashes and extra fields
		`{"jsonrpc":"2.0","method":"message","params":{"subscription":1,"message":{"id":1,"text":"a\/b","future_field":[1]}}}`,
		`not json at all`,
		`{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error","data":"bad"}}`,
		`{"jsonrpc":"2.0","error":{"code":-32603,"message":"write failed"}}`,
		`{"jsonrpc":"2.0","foo":"bar"}`,
		`{"jsonrpc":"2.0","id":99,"result":{}}`,
		`null`,
		// the slow send answers first, the subscribe after it, with its id as a string
		`{"jsonrpc":"2.0","id":2,"result":{"ok":true,"guid":"G"},"extra":{"x":1}}`,
		`{"jsonrpc":"2.0","method":"message","params":{"subscription":1,"message":{"id":2}}}`,
		`{"id":"1","jsonrpc":"2.0","result":{"subscription":1}}`,
		`{"jsonrpc":"2.0","method":"error","params":{"subscription":1,"error":{"message":"gone"}}}`,
	)
	if r := recv(t, send); r.err != nil || string(r.raw) != `{"ok":true,"guid":"G"}` {
		t.Fatalf("send: %s %v", r.raw, r.err)
	}
	if r := recv(t, subscribe); r.err != nil || string(r.raw) != `{"subscription":1}` {
		t.Fatalf("subscribe: %s %v", r.raw, r.err)
	}
	waitUntil(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(notes) == 3 })
	mu.Lock()
	got := []string{}
	for _, n := range notes {
		got = append(got, n.Method+" "+string(n.Params))
	}
	mu.Unlock()
	want := []string{
		`message {"subscription":1,"message":{"id":1,"text":"a\/b","future_field":[1]}}`,
		`message {"subscription":1,"message":{"id":2}}`,
		`error {"subscription":1,"error":{"message":"gone"}}`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("notifications\n got %q\nwant %q", got, want)
	}
	var decoded struct {
		Message struct{ Text string } `json:"message"`
	}
	json.Unmarshal(notes[0].Params, &decoded)
	if decoded.Message.Text != "a/b" {
		t.Errorf(`\/ decoded to %q`, decoded.Message.Text)
	}
	for _, prefix := range []string{
		"imsg rpc: failed to parse",
		"imsg rpc: error without a request id",
		"imsg rpc: ignoring a line with neither id nor method",
		"imsg rpc: response for an unknown request id",
		"imsg rpc: ignoring a line that is not a JSON object",
	} {
		s.logs.waitFor(t, prefix)
	}
	if e := s.logs.find("imsg rpc: error without a request id"); len(e) != 2 ||
		e[0].attrs["error"] != "Parse error: code=-32700 bad" || e[1].attrs["error"] != "write failed: code=-32603" {
		t.Errorf("id-less errors logged as %+v", e)
	}
}

func waitUntil(t testing.TB, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 5 s")
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestRPCErrorIsTyped(t *testing.T) {
	cfg, _ := fakeConfig(t, "serve")
	c := startFake(t, cfg)
	err := c.Call(context.Background(), "error", nil, nil)
	var re *RPCError
	if !errors.As(err, &re) || re.Code != -32603 || re.Message != "Internal error" || string(re.Data) != `"boom"` || re.Method != "error" {
		t.Fatalf("got %#v", err)
	}
	if err.Error() != "Internal error: code=-32603 boom" {
		t.Errorf("text %q", err.Error())
	}
	err = c.Call(context.Background(), "nope", nil, nil)
	if err == nil || err.Error() != "Method not found: code=-32601 nope" {
		t.Errorf("unknown method: %v", err)
	}
	// A string id is matched like a number (String(id) in OpenClaw).
	var s string
	if err := c.Call(context.Background(), "stringid", nil, &s); err != nil || s != "s" {
		t.Errorf("string id: %q %v", s, err)
	}
	// A result that does not fit the caller's type is a ResultError.
	var n int
	err = c.Call(context.Background(), "chats.list", nil, &n)
	var rerr *ResultError
	if !errors.As(err, &rerr) || string(rerr.Result) != `{"chats":[]}` {
		t.Errorf("result error: %v", err)
	}
}

func TestHandRolledRPCError(t *testing.T) {
	for _, tc := range []struct {
		e    RPCError
		want string
	}{
		{RPCError{Code: -32602, Message: "Invalid params", Data: json.RawMessage(`"chat_id is required"`)}, "Invalid params: code=-32602 chat_id is required"},
		{RPCError{Code: -32001, Message: "Delivery outcome unknown", Data: json.RawMessage(`{"retry_safe":false}`)}, "Delivery outcome unknown: code=-32001 {\n  \"retry_safe\": false\n}"},
		{RPCError{Code: 1}, "imsg rpc error: code=1"},
	} {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.e, got, tc.want)
		}
	}
}

func TestTimeouts(t *testing.T) {
	s := newPipe(t, Config{RequestTimeout: 80 * time.Millisecond})
	start := time.Now()
	ch := goCall(s.c, context.Background(), "send", nil)
	s.next()
	r := recv(t, ch)
	var te *TimeoutError
	if !errors.As(r.err, &te) || !errors.Is(r.err, ErrTimeout) || !te.Sent || te.ID != 1 || te.Method != "send" {
		t.Fatalf("got %#v", r.err)
	}
	if r.err.Error() != "imsg rpc timeout (send)" {
		t.Errorf("text %q", r.err.Error())
	}
	if d := time.Since(start); d < 80*time.Millisecond || d > 2*time.Second {
		t.Errorf("timed out after %v", d)
	}
	// The late answer is logged, naming the request; the client goes on.
	s.send(`{"jsonrpc":"2.0","id":1,"result":{"ok":true}}`)
	late := s.logs.waitFor(t, "imsg rpc: response after the request timed out")
	if late.attrs["method"] != "send" || late.attrs["id"] != "1" {
		t.Errorf("late log %+v", late)
	}
	ch = goCall(s.c, context.Background(), "chats.list", nil)
	s.next()
	s.send(`{"jsonrpc":"2.0","id":2,"result":{"chats":[]}}`)
	if r := recv(t, ch); r.err != nil {
		t.Fatal(r.err)
	}

	// A cancelled context abandons the call with its own error.
	ctx, cancel := context.WithCancel(context.Background())
	ch = goCall(s.c, ctx, "sleep", nil)
	s.next()
	cancel()
	r = recv(t, ch)
	if !errors.Is(r.err, context.Canceled) || errors.Is(r.err, ErrTimeout) || !errors.As(r.err, &te) || !te.Sent {
		t.Fatalf("cancel: %#v", r.err)
	}
}

// A request imsg does not read: the first is cut midway (sent, finished in
// the background), the next never gets a byte out (Sent false).
func TestTimeoutWhileWriteBlocked(t *testing.T) {
	s := newPipe(t, Config{RequestTimeout: 100 * time.Millisecond})
	big := strings.Repeat("x", 4<<20) // far over a pipe buffer
	r := recv(t, goCall(s.c, context.Background(), "send", map[string]string{"text": big}))
	var te *TimeoutError
	if !errors.As(r.err, &te) || !te.Sent {
		t.Fatalf("big write: %#v", r.err)
	}
	r = recv(t, goCall(s.c, context.Background(), "chats.list", nil))
	if !errors.As(r.err, &te) || te.Sent {
		t.Fatalf("queued write: %#v", r.err)
	}
	// Reading drains the first line whole; framing survived.
	first := s.next()
	if first.Method != "send" || len(first.raw) < len(big) {
		t.Fatalf("first line %.80q…", first.raw)
	}
	ch := goCall(s.c, context.Background(), "chats.list", nil)
	if next := s.next(); next.Method != "chats.list" || string(next.ID) != "3" {
		t.Fatalf("next line %q", next.raw)
	}
	s.send(`{"jsonrpc":"2.0","id":3,"result":{}}`)
	if r := recv(t, ch); r.err != nil {
		t.Fatal(r.err)
	}
}

func TestExitCodesAndSignals(t *testing.T) {
	for _, tc := range []struct {
		method, params string
		code           int
		signal         string
		text           string
	}{
		{"exit", `{"code":3}`, 3, "", "imsg rpc exited (code 3)"},
		{"exit", `{"code":0}`, 0, "", "imsg rpc closed"},
		{"kill", `{"sig":"TERM"}`, -1, "SIGTERM", "imsg rpc closed"},
		{"kill", `{"sig":"KILL"}`, -1, "SIGKILL", "imsg rpc closed"},
	} {
		t.Run(tc.method+tc.params, func(t *testing.T) {
			cfg, _ := fakeConfig(t, "serve")
			c := startFake(t, cfg)
			err := c.Call(context.Background(), tc.method, json.RawMessage(tc.params), nil)
			var ee *ExitError
			if !errors.As(err, &ee) || !errors.Is(err, ErrClosed) {
				t.Fatalf("got %#v", err)
			}
			if ee.Code != tc.code || ee.Signal != tc.signal || ee.Stopped || err.Error() != tc.text {
				t.Errorf("got %+v %q, want code %d signal %q %q", ee, err.Error(), tc.code, tc.signal, tc.text)
			}
			<-c.Done()
			if c.ExitErr() != err {
				t.Errorf("ExitErr %v differs from the call's %v", c.ExitErr(), err)
			}
			// Later calls fail at once with the same error.
			start := time.Now()
			if err2 := c.Call(context.Background(), "chats.list", nil, nil); err2 != err || time.Since(start) > time.Second {
				t.Errorf("after exit: %v", err2)
			}
		})
	}
}

// A response written just before the process exits is delivered, not
// replaced by the exit error.
func TestResponseBeforeExit(t *testing.T) {
	cfg, _ := fakeConfig(t, "serve")
	c := startFake(t, cfg)
	var s string
	if err := c.Call(context.Background(), "reply-exit", map[string]int{"code": 4}, &s); err != nil || s != "bye" {
		t.Fatalf("%q %v", s, err)
	}
	<-c.Done()
	if err := c.ExitErr(); err == nil || err.Error() != "imsg rpc exited (code 4)" {
		t.Errorf("exit %v", err)
	}
}

func TestStopGraceful(t *testing.T) {
	check := leakCheck(t)
	cfg, _ := fakeConfig(t, "serve", "FAKE_EOF_EXIT=0")
	cfg.StopGrace = 10 * time.Second // Stop returns as soon as imsg exits
	c, err := Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Call(context.Background(), "chats.list", nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	// imsg exits on EOF: no signal was needed.
	var ee *ExitError
	if !errors.As(c.ExitErr(), &ee) || ee.Code != 0 || ee.Signal != "" || !ee.Stopped {
		t.Errorf("exit %#v", c.ExitErr())
	}
	if err := c.Call(context.Background(), "chats.list", nil, nil); err != ee {
		t.Errorf("after stop: %v", err)
	}
	if err := c.Stop(context.Background()); err != nil {
		t.Errorf("second stop: %v", err)
	}
	check()
}

func TestStopAfterStopCallIsNotRunning(t *testing.T) {
	cfg, _ := fakeConfig(t, "termable")
	cfg.StopGrace = 50 * time.Millisecond
	c := startFake(t, cfg)
	stopped := make(chan struct{})
	go func() { c.Stop(context.Background()); close(stopped) }()
	waitUntil(t, func() bool { c.mu.Lock(); defer c.mu.Unlock(); return c.stopping })
	if err := c.Call(context.Background(), "chats.list", nil, nil); err != ErrNotRunning && !errors.Is(err, ErrClosed) {
		t.Errorf("call during stop: %v", err)
	}
	<-stopped
	var ee *ExitError
	if !errors.As(c.ExitErr(), &ee) || ee.Signal != "SIGTERM" || !ee.Stopped {
		t.Errorf("exit %#v", c.ExitErr())
	}
}

// A child that ignores both EOF and SIGTERM, with a grandchild holding its
// stdout: Stop escalates to SIGKILL on the whole group.
func TestStopEscalatesToKillGroup(t *testing.T) {
	check := leakCheck(t)
	cfg, logs := fakeConfig(t, "stubborn")
	cfg.StopGrace = 100 * time.Millisecond
	cfg.KillGrace = 200 * time.Millisecond
	c, err := Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	rec := logs.waitFor(t, "imsg rpc: grandchild ")
	gpid, _ := strconv.Atoi(strings.TrimPrefix(rec.msg, "imsg rpc: grandchild "))
	if rec.level.String() != "ERROR" || gpid <= 0 {
		t.Fatalf("stderr line logged as %+v", rec)
	}
	pending := goCall(c, context.Background(), "chats.list", nil)
	waitUntil(t, func() bool { c.mu.Lock(); defer c.mu.Unlock(); return len(c.pending) == 1 })
	start := time.Now()
	if err := c.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	d := time.Since(start)
	if d < 300*time.Millisecond || d > 3*time.Second {
		t.Errorf("stop took %v, want about StopGrace+KillGrace", d)
	}
	var ee *ExitError
	if !errors.As(c.ExitErr(), &ee) || ee.Signal != "SIGKILL" || !ee.Stopped {
		t.Errorf("exit %#v", c.ExitErr())
	}
	if r := recv(t, pending); !errors.Is(r.err, ErrClosed) {
		t.Errorf("pending call: %v", r.err)
	}
	waitUntil(t, func() bool { return syscall.Kill(gpid, 0) == syscall.ESRCH })
	check()
}

// The child exits but a grandchild keeps stdout open: Done still closes
// after the drain bound, and the grandchild is killed.
func TestExitWithLingeringGrandchild(t *testing.T) {
	cfg, logs := fakeConfig(t, "stubborn")
	cfg.exitDrain = 150 * time.Millisecond
	c := startFake(t, cfg)
	rec := logs.waitFor(t, "imsg rpc: grandchild ")
	gpid, _ := strconv.Atoi(strings.TrimPrefix(rec.msg, "imsg rpc: grandchild "))
	syscall.Kill(c.Pid(), syscall.SIGKILL) // only the child
	select {
	case <-c.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("Done never closed")
	}
	waitUntil(t, func() bool { return syscall.Kill(gpid, 0) == syscall.ESRCH })
}

func TestStderrLogged(t *testing.T) {
	cfg, logs := fakeConfig(t, "serve")
	c := startFake(t, cfg)
	if err := c.Call(context.Background(), "stderr", map[string]string{"text": "first\n\n   \n  padded  \r\n" + strings.Repeat("y", 100<<10) + "\nlast"}, nil); err != nil {
		t.Fatal(err)
	}
	c.Stop(context.Background())
	var got []string
	for _, r := range logs.all() {
		if r.level.String() == "ERROR" && strings.HasPrefix(r.msg, "imsg rpc: ") {
			got = append(got, r.msg)
		}
	}
	if len(got) != 4 || got[0] != "imsg rpc: first" || got[1] != "imsg rpc: padded" || got[3] != "imsg rpc: last" ||
		!strings.HasSuffix(got[2], " …") || len(got[2]) > 70<<10 {
		t.Errorf("stderr logs %.200q", got)
	}
}

func TestStartArgvEnvDir(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("OPENCLAW_HOME", "")
	dir := t.TempDir()
	cfg, _ := fakeConfig(t, "serve", "FAKE_MARK=m1")
	cfg.DBPath = "  ~/Library/Messages/chat.db  "
	cfg.Dir = dir
	cfg.CLIPath = "  " + cfg.CLIPath + "\t"
	c := startFake(t, cfg)
	var res struct {
		Args     []string
		Cwd      string
		Mark     string
		OwnGroup bool
	}
	if err := c.Call(context.Background(), "args", nil, &res); err != nil {
		t.Fatal(err)
	}
	want := []string{"rpc", "--db", filepath.Join(home, "Library/Messages/chat.db")}
	realDir, _ := filepath.EvalSymlinks(dir)
	if !slices.Equal(res.Args, want) || res.Mark != "m1" || !res.OwnGroup || (res.Cwd != dir && res.Cwd != realDir) {
		t.Errorf("got %+v, want args %q in %s, own process group", res, want, dir)
	}

	cfg2, _ := fakeConfig(t, "serve")
	c2 := startFake(t, cfg2)
	if err := c2.Call(context.Background(), "args", nil, &res); err != nil || !slices.Equal(res.Args, []string{"rpc"}) {
		t.Errorf("without db: %q %v", res.Args, err)
	}

	// A bare name is found in the child's PATH.
	bin := t.TempDir()
	os.Symlink(cfg2.CLIPath, filepath.Join(bin, "imsg-fake-bare"))
	cfg3, _ := fakeConfig(t, "serve", "PATH="+bin)
	cfg3.CLIPath = "imsg-fake-bare"
	c3 := startFake(t, cfg3)
	if err := c3.Call(context.Background(), "chats.list", nil, nil); err != nil {
		t.Errorf("bare name: %v", err)
	}
}

func TestSpawnErrors(t *testing.T) {
	dir := t.TempDir()
	noexec := filepath.Join(dir, "noexec")
	os.WriteFile(noexec, []byte("#!/bin/sh\n"), 0o644)
	for _, tc := range []struct{ cli, want string }{
		{filepath.Join(dir, "missing"), "spawn " + filepath.Join(dir, "missing") + " ENOENT"},
		{noexec, "spawn " + noexec + " EACCES"},
		{dir, "spawn " + dir + " EACCES"},
		{"no-such-imsg-xyz", "spawn no-such-imsg-xyz ENOENT"},
	} {
		check := leakCheck(t)
		_, err := Start(context.Background(), Config{CLIPath: tc.cli, Env: []string{"PATH=" + dir}})
		var se *SpawnError
		if !errors.As(err, &se) || err.Error() != tc.want {
			t.Errorf("%s: %v, want %q", tc.cli, err, tc.want)
		}
		check()
	}
}

// A script without #! runs under /bin/sh, as Node's spawn runs it.
func TestScriptWithoutShebang(t *testing.T) {
	p := filepath.Join(t.TempDir(), "imsg")
	os.WriteFile(p, []byte(`read line; echo '{"jsonrpc":"2.0","id":1,"result":"sh"}'; read line`+"\n"), 0o755)
	c, err := Start(context.Background(), Config{CLIPath: p})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop(context.Background())
	var s string
	if err := c.Call(context.Background(), "x", nil, &s); err != nil || s != "sh" {
		t.Fatalf("%q %v", s, err)
	}
}

func TestLongLines(t *testing.T) {
	var mu sync.Mutex
	var notes []string
	s := newPipe(t, Config{maxLine: 1024, OnNotification: func(n Notification) {
		mu.Lock()
		notes = append(notes, string(n.Params))
		mu.Unlock()
	}})
	ch := goCall(s.c, context.Background(), "messages.history", nil)
	s.next()
	pad := strings.Repeat("z", 5000)
	s.send(
		`{"jsonrpc":"2.0","method":"message","params":{"pad":"`+pad+`"}}`,
		`{"jsonrpc":"2.0","method":"message","params":{"n":1}}`,
		`{"jsonrpc":"2.0","id":1,"result":{"messages":["`+pad+`"]}}`,
	)
	r := recv(t, ch)
	var tl *ResponseTooLargeError
	if !errors.As(r.err, &tl) || tl.Method != "messages.history" || tl.Bytes < 5000 {
		t.Fatalf("got %#v", r.err)
	}
	waitUntil(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(notes) == 1 })
	if notes[0] != `{"n":1}` {
		t.Errorf("notes %q", notes)
	}
	if got := s.logs.find("imsg rpc: line too long"); len(got) != 2 {
		t.Errorf("too-long logs %+v", got)
	}
	// The stream goes on.
	ch = goCall(s.c, context.Background(), "chats.list", nil)
	s.next()
	s.send(`{"jsonrpc":"2.0","id":2,"result":{}}`)
	if r := recv(t, ch); r.err != nil {
		t.Fatal(r.err)
	}
}

// UTF-8 split across reads, and every line-end shape, through the reader
// one byte at a time.
func TestLineReaderOneByte(t *testing.T) {
	in := "é😀\n\r\nlast\r\n\n" + strings.Repeat("L", 40) + "\nx\ntail"
	lr := newLineReader(iotest.OneByteReader(strings.NewReader(in)), 16)
	var got []string
	for {
		r, err := lr.next()
		if err != nil {
			break
		}
		if r.oversize > 0 {
			got = append(got, fmt.Sprintf("<%d:%s>", r.oversize, r.line))
			continue
		}
		got = append(got, string(r.line))
	}
	want := []string{"é😀", "\r", "last\r", "", "<40:" + strings.Repeat("L", 40) + ">", "x", "tail"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestLineReaderChunked(t *testing.T) {
	var b bytes.Buffer
	var want []string
	for i := 0; i < 2000; i++ {
		l := strings.Repeat(strconv.Itoa(i%10), i%300)
		want = append(want, l)
		b.WriteString(l + "\n")
	}
	lr := newLineReader(iotest.HalfReader(&b), 1<<20)
	for i, w := range want {
		r, err := lr.next()
		if err != nil || string(r.line) != w {
			t.Fatalf("line %d: %q %v", i, r.line, err)
		}
	}
	if _, err := lr.next(); err == nil {
		t.Error("no EOF")
	}
}

// A handler that blocks holds responses back but loses nothing.
func TestBlockedNotificationHandler(t *testing.T) {
	release := make(chan struct{})
	var got []string
	var mu sync.Mutex
	s := newPipe(t, Config{RequestTimeout: -1, OnNotification: func(n Notification) {
		<-release
		mu.Lock()
		got = append(got, string(n.Params))
		mu.Unlock()
	}})
	ch := goCall(s.c, context.Background(), "send", nil)
	s.next()
	s.send(`{"method":"message","params":1}`, `{"id":1,"result":"r"}`, `{"method":"message","params":2}`)
	select {
	case <-ch:
		t.Fatal("response overtook a blocked notification handler")
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if r := recv(t, ch); r.err != nil || string(r.raw) != `"r"` {
		t.Fatal(r)
	}
	waitUntil(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(got) == 2 })
	if got[0] != "1" || got[1] != "2" {
		t.Errorf("order %q", got)
	}
}

func TestNoLeaksAcrossClients(t *testing.T) {
	check := leakCheck(t)
	for i := 0; i < 5; i++ {
		cfg, _ := fakeConfig(t, "serve")
		c, err := Start(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		c.Call(context.Background(), "chats.list", nil, nil)
		if i%2 == 0 {
			c.Call(context.Background(), "exit", map[string]int{"code": 1}, nil)
			<-c.Done()
		}
		c.Stop(context.Background())
	}
	check()
}
