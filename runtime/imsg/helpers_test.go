//go:build unix

package imsg

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The test binary doubles as a fake `imsg`: with IMSG_FAKE set it runs
// fakeMain instead of the tests, so the tests need no build step.
func TestMain(m *testing.M) {
	if mode := os.Getenv("IMSG_FAKE"); mode != "" {
		os.Exit(fakeMain(mode, os.Args[1:]))
	}
	os.Exit(m.Run())
}

func fakeMain(mode string, args []string) int {
	if len(args) >= 2 && args[0] == "rpc" && args[1] == "--help" {
		return fakeHelp()
	}
	if len(args) == 0 || args[0] != "rpc" {
		fmt.Fprintln(os.Stderr, "fake imsg: unexpected args", args)
		return 2
	}
	switch mode {
	case "serve":
		return fakeServe()
	case "reply": // probe fake: one request, FAKE_RPC_REPLY, then exit or hang
		in := bufio.NewReader(os.Stdin)
		in.ReadBytes('\n')
		if r := os.Getenv("FAKE_RPC_REPLY"); r != "" {
			os.Stdout.WriteString(r + "\n")
		}
		if os.Getenv("FAKE_RPC_HANG") != "" {
			io.Copy(io.Discard, in)
			sleepForever()
		}
		return atoiEnv("FAKE_RPC_EXIT")
	case "stream": // golden replay: wait for FAKE_K requests, write FAKE_OUT/FAKE_ERR, end
		in := bufio.NewReader(os.Stdin)
		for i := 0; i < atoiEnv("FAKE_K"); i++ {
			in.ReadBytes('\n')
		}
		out, _ := os.ReadFile(os.Getenv("FAKE_OUT"))
		os.Stdout.Write(out)
		errb, _ := os.ReadFile(os.Getenv("FAKE_ERR"))
		os.Stderr.Write(errb)
		if s := os.Getenv("FAKE_SIGNAL"); s != "" {
			signal.Reset()
			syscall.Kill(os.Getpid(), fakeSignals[s])
			sleepForever()
		}
		return atoiEnv("FAKE_EXIT")
	case "stubborn": // ignores EOF and SIGTERM; a grandchild holds stdout too
		signal.Ignore(syscall.SIGTERM)
		gc := exec.Command(os.Args[0], "rpc")
		gc.Env = append(os.Environ(), "IMSG_FAKE=sleeper")
		gc.Stdout, gc.Stderr = os.Stdout, os.Stderr
		if err := gc.Start(); err != nil {
			fmt.Fprintln(os.Stderr, "start grandchild:", err)
			return 2
		}
		fmt.Fprintf(os.Stderr, "grandchild %d\n", gc.Process.Pid)
		io.Copy(io.Discard, os.Stdin)
		sleepForever()
	case "sleeper":
		signal.Ignore(syscall.SIGTERM)
		sleepForever()
	case "termable": // ignores EOF, dies on SIGTERM
		io.Copy(io.Discard, os.Stdin)
		sleepForever()
	case "banner": // imsg before 0.8.2 without Full Disk Access
		os.Stdout.WriteString("⚠️  Permission Error: Cannot access Messages database\n\nGrant Full Disk Access.\n")
		return 1
	}
	fmt.Fprintln(os.Stderr, "fake imsg: unknown mode", mode)
	return 2
}

var fakeSignals = map[string]syscall.Signal{"TERM": syscall.SIGTERM, "KILL": syscall.SIGKILL, "INT": syscall.SIGINT}

func atoiEnv(k string) int {
	n, _ := strconv.Atoi(os.Getenv(k))
	return n
}

func fakeHelp() int {
	if f := os.Getenv("FAKE_HELP_COUNT"); f != "" {
		fh, _ := os.OpenFile(f, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		fh.WriteString("x")
		fh.Close()
	}
	out := os.Getenv("FAKE_HELP_STDOUT")
	if _, set := os.LookupEnv("FAKE_HELP_STDOUT"); !set {
		out = "imsg rpc\nRun JSON-RPC over stdin/stdout\n"
	}
	os.Stdout.WriteString(out)
	os.Stderr.WriteString(os.Getenv("FAKE_HELP_STDERR"))
	if os.Getenv("FAKE_HELP_MARK") != "" && os.Getenv("OPENCLAW_CLI") != "1" {
		os.Stdout.WriteString("OPENCLAW_CLI missing")
		return 9
	}
	if os.Getenv("FAKE_HELP_HANG") != "" {
		sleepForever()
	}
	return atoiEnv("FAKE_HELP_EXIT")
}

// fakeServe is a scriptable imsg: requests run one at a time, in order,
// and the method picks the behaviour.
func fakeServe() int {
	in := bufio.NewReaderSize(os.Stdin, 1<<20)
	if os.Getenv("FAKE_NO_READ") != "" { // never reads stdin: the pipe fills
		sleepForever()
	}
	write := func(v any) {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.Encode(v)
		os.Stdout.Write(b.Bytes())
	}
	for {
		line, err := in.ReadBytes('\n')
		if err != nil {
			return atoiEnv("FAKE_EOF_EXIT")
		}
		var req struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
			Params json.RawMessage `json:"params"`
		}
		if json.Unmarshal(line, &req) != nil {
			write(map[string]any{"jsonrpc": "2.0", "id": nil, "error": map[string]any{"code": -32700, "message": "Parse error", "data": "bad"}})
			continue
		}
		var p struct {
			MS    int      `json:"ms"`
			Lines []string `json:"lines"`
			Quiet bool     `json:"quiet"`
			Code  int      `json:"code"`
			Sig   string   `json:"sig"`
			Text  string   `json:"text"`
		}
		json.Unmarshal(req.Params, &p)
		ok := func(result any) { write(map[string]any{"jsonrpc": "2.0", "id": req.ID, "result": result}) }
		switch req.Method {
		case "chats.list":
			ok(map[string]any{"chats": []any{}})
		case "echo":
			ok(map[string]any{"id": req.ID, "params": req.Params})
		case "sleep":
			time.Sleep(time.Duration(p.MS) * time.Millisecond)
			ok(map[string]any{"slept": p.MS})
		case "raw":
			for _, l := range p.Lines {
				os.Stdout.WriteString(l + "\n")
			}
			if !p.Quiet {
				ok(map[string]any{"ok": true})
			}
		case "exit":
			return p.Code
		case "reply-exit":
			ok("bye")
			return p.Code
		case "kill":
			signal.Reset()
			syscall.Kill(os.Getpid(), fakeSignals[p.Sig])
			sleepForever()
		case "stderr":
			os.Stderr.WriteString(p.Text)
			ok(true)
		case "noreply":
		case "args":
			wd, _ := os.Getwd()
			pgid, _ := syscall.Getpgid(0)
			ok(map[string]any{"args": os.Args[1:], "cwd": wd, "mark": os.Getenv("FAKE_MARK"), "ownGroup": pgid == os.Getpid()})
		case "stringid":
			os.Stdout.WriteString(`{"jsonrpc":"2.0","id":"` + string(bytes.Trim(req.ID, `"`)) + `","result":"s"}` + "\n")
		case "error":
			write(map[string]any{"jsonrpc": "2.0", "id": req.ID, "error": map[string]any{"code": -32603, "message": "Internal error", "data": "boom"}})
		default:
			if req.ID == nil {
				continue
			}
			write(map[string]any{"jsonrpc": "2.0", "id": req.ID, "error": map[string]any{"code": -32601, "message": "Method not found", "data": req.Method}})
		}
	}
}

// fakeCLI returns a path to the fake: a symlink to the test binary in a
// fresh directory, so each test has its own cliPath (the probe caches by it).
func fakeCLI(t testing.TB) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "imsg")
	if err := os.Symlink(exe, p); err != nil {
		t.Fatal(err)
	}
	return p
}

func fakeConfig(t testing.TB, mode string, env ...string) (Config, *logCapture) {
	logs := &logCapture{}
	return Config{
		CLIPath: fakeCLI(t),
		Env:     append(append(os.Environ(), "IMSG_FAKE="+mode), env...),
		Logger:  slog.New(logs),
	}, logs
}

func startFake(t testing.TB, cfg Config) *Client {
	t.Helper()
	c, err := Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Stop(context.Background()) })
	return c
}

// logCapture is a slog.Handler that keeps every record.
type logCapture struct {
	mu   sync.Mutex
	recs []logRec
}

type logRec struct {
	level slog.Level
	msg   string
	attrs map[string]string
}

func (h *logCapture) Enabled(context.Context, slog.Level) bool { return true }
func (h *logCapture) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *logCapture) WithGroup(string) slog.Handler            { return h }
func (h *logCapture) Handle(_ context.Context, r slog.Record) error {
	rec := logRec{level: r.Level, msg: r.Message, attrs: map[string]string{}}
	r.Attrs(func(a slog.Attr) bool {
		rec.attrs[a.Key] = a.Value.String()
		return true
	})
	h.mu.Lock()
	h.recs = append(h.recs, rec)
	h.mu.Unlock()
	return nil
}

func (h *logCapture) all() []logRec {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]logRec(nil), h.recs...)
}

// find returns the records whose message starts with prefix.
func (h *logCapture) find(prefix string) []logRec {
	var out []logRec
	for _, r := range h.all() {
		if strings.HasPrefix(r.msg, prefix) {
			out = append(out, r)
		}
	}
	return out
}

// waitFor polls until the capture holds a record with the prefix.
func (h *logCapture) waitFor(t testing.TB, prefix string) logRec {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if r := h.find(prefix); len(r) > 0 {
			return r[0]
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("no log %q; have %+v", prefix, h.all())
	return logRec{}
}

func (h *logCapture) String() string {
	var b strings.Builder
	for _, r := range h.all() {
		fmt.Fprintf(&b, "%s %q %v\n", r.level, r.msg, r.attrs)
	}
	return b.String()
}

// pipeServer drives a Client over in-process pipes: the test plays imsg.
type pipeServer struct {
	t    testing.TB
	c    *Client
	req  *bufio.Reader // what the client wrote
	reqR *os.File
	out  *os.File // the client's stdout
	logs *logCapture
}

func newPipe(t testing.TB, cfg Config) *pipeServer {
	t.Helper()
	inR, inW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	logs := &logCapture{}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(logs)
	}
	c := newClient(cfg, inW, outR, nil)
	c.run()
	s := &pipeServer{t: t, c: c, req: bufio.NewReaderSize(inR, 1<<16), reqR: inR, out: outW, logs: logs}
	t.Cleanup(func() {
		outW.Close()
		c.Stop(context.Background())
		inR.Close()
	})
	return s
}

type wireReq struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
	raw    string
}

func (s *pipeServer) next() wireReq {
	s.t.Helper()
	line, err := s.req.ReadString('\n')
	if err != nil {
		s.t.Fatalf("reading request: %v", err)
	}
	var r wireReq
	if err := json.Unmarshal([]byte(line), &r); err != nil {
		s.t.Fatalf("request %q: %v", line, err)
	}
	r.raw = line
	return r
}

func (s *pipeServer) send(lines ...string) {
	s.t.Helper()
	for _, l := range lines {
		if _, err := s.out.WriteString(l + "\n"); err != nil {
			s.t.Fatal(err)
		}
	}
}

// goAsync runs Call in a goroutine; the result arrives on the channel.
func goCall(c *Client, ctx context.Context, method string, params any) <-chan callResult {
	ch := make(chan callResult, 1)
	go func() {
		var raw json.RawMessage
		err := c.Call(ctx, method, params, &raw)
		ch <- callResult{raw, err}
	}()
	return ch
}

type callResult struct {
	raw json.RawMessage
	err error
}

func recv(t testing.TB, ch <-chan callResult) callResult {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("call did not return")
	}
	return callResult{}
}

// leakCheck records goroutines and open descriptors, and returns a func
// that fails the test if either has grown once things settle.
func leakCheck(t testing.TB) func() {
	t.Helper()
	g0, fd0 := runtime.NumGoroutine(), openFDs()
	return func() {
		t.Helper()
		deadline := time.Now().Add(3 * time.Second)
		for {
			g, fd := runtime.NumGoroutine(), openFDs()
			if g <= g0 && fd <= fd0 {
				return
			}
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<20)
				n := runtime.Stack(buf, true)
				t.Fatalf("leak: goroutines %d -> %d, fds %d -> %d\n%s", g0, g, fd0, fd, buf[:n])
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

func openFDs() int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return 0 // not Linux: descriptors are not checked
	}
	return len(ents)
}

// sleepForever blocks without tripping the runtime's deadlock detector.
func sleepForever() {
	for {
		time.Sleep(time.Hour)
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

func slogNew(h *logCapture) *slog.Logger { return slog.New(h) }
