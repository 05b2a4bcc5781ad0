package fakeimsg

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestMain lets the test binary stand in for imsg-fake: tests that need a
// real process (flock between processes, signals, exit statuses) run
// os.Args[0] with IMSG_FAKE_TEST_MAIN=1.
func TestMain(m *testing.M) {
	if os.Getenv("IMSG_FAKE_TEST_MAIN") == "1" {
		Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// fakeCmd runs this test binary as imsg-fake.
func fakeCmd(t *testing.T, env []string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), "IMSG_FAKE_TEST_MAIN=1", "IMSG_FAKE_POLL_MS=20"), env...)
	return cmd
}

var fixedNow = time.Date(2026, 5, 16, 15, 24, 40, 4_000_000, time.UTC)

// writeDB writes records as a database file.
func writeDB(t testing.TB, path string, recs ...Record) {
	t.Helper()
	var buf bytes.Buffer
	for _, r := range recs {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func appendRecs(t testing.TB, path string, recs ...Record) []Record {
	t.Helper()
	a := NewAppender(path)
	defer a.Close()
	out, err := a.Append(recs...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func dmChat(id int64, handle string) *Chat {
	return &Chat{ID: id, Identifier: handle, GUID: "iMessage;-;" + handle, Service: "iMessage", Participants: []string{handle}}
}

func groupChat(id int64, name string, members ...string) *Chat {
	ident := "chat123456789012345678"
	if id != 42 {
		ident = fmt.Sprintf("chat%018d", id)
	}
	return &Chat{ID: id, Identifier: ident, GUID: "iMessage;+;" + ident, Name: name, Service: "iMessage", Participants: members}
}

// row makes a row; id 0 takes the next rowid at append (with a random guid).
func row(id, chat int64, sender, text, at string) *Row {
	g := randomUUID()
	if id != 0 {
		g = newGUID("rowid", id)
	}
	return &Row{ID: id, ChatID: chat, GUID: g, Sender: sender, Text: text, CreatedAt: at}
}

// stdDB is the database most tests use: chat 7 (a DM) with rows 4199,
// 4200, and group chat 42 with row 4201... rowids as in imsg-rpc.md §9.5.
func stdDB(t testing.TB, dir string) string {
	path := filepath.Join(dir, "chat.jsonl")
	writeDB(t, path,
		Record{Chat: dmChat(7, "+15551234567")},
		Record{Chat: groupChat(42, "Weekend plans", "+15551234567", "+15557654321")},
		Record{Chat: dmChat(8, "bob@example.com")}, // no messages: not listed
		Record{Row: row(4199, 7, "+15551234567", "first", "2026-05-16T15:20:00.000Z")},
		Record{Row: row(4200, 42, "+15557654321", "in the group", "2026-05-16T15:10:00Z")},
	)
	return path
}

type harness struct {
	t      testing.TB
	srv    *Server
	in     *io.PipeWriter
	lines  chan string
	code   chan int
	cancel context.CancelFunc
	db     string
	sends  string
}

type hopt func(*Config)

func withVersion(v string) hopt   { return func(c *Config) { c.Version = v } }
func withFaults(spec string) hopt { return func(c *Config) { f, _ := ParseFaults(spec); c.Faults = f } }
func withBridge(b string) hopt    { return func(c *Config) { c.Bridge = b } }

// start runs a server in-process on path, reading the lines it writes.
func start(t testing.TB, path string, opts ...hopt) *harness {
	t.Helper()
	cfg := Config{
		DBPath: path, SendsPath: path + ".sends.jsonl", Poll: 20 * time.Millisecond,
		Home: t.TempDir(), GUIDs: "rowid", Now: func() time.Time { return fixedNow }, PID: 4242,
		Self: "me@icloud.com",
	}
	for _, o := range opts {
		o(&cfg)
	}
	pr, pw := io.Pipe()
	or, ow := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	h := &harness{t: t, in: pw, lines: make(chan string, 1024), code: make(chan int, 1), cancel: cancel, db: path, sends: cfg.SendsPath}
	h.srv = NewServer(cfg, ow)
	go func() {
		c := h.srv.Run(ctx, pr)
		ow.Close()
		h.code <- c
	}()
	go func() {
		sc := bufio.NewScanner(or)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		for sc.Scan() {
			h.lines <- sc.Text()
		}
		close(h.lines)
	}()
	t.Cleanup(func() {
		cancel()
		pw.Close()
	})
	return h
}

func (h *harness) send(lines ...string) {
	h.t.Helper()
	for _, l := range lines {
		if _, err := io.WriteString(h.in, l+"\n"); err != nil {
			h.t.Fatalf("write %q: %v", l, err)
		}
	}
}

// next returns the next output line, failing after a timeout.
func (h *harness) next() string {
	h.t.Helper()
	select {
	case l, ok := <-h.lines:
		if !ok {
			h.t.Fatal("server output closed; expected a line")
		}
		return l
	case <-time.After(3 * time.Second):
		h.t.Fatal("timed out waiting for a server line")
	}
	return ""
}

// quiet asserts that nothing is written for d.
func (h *harness) quiet(d time.Duration) {
	h.t.Helper()
	select {
	case l, ok := <-h.lines:
		if ok {
			h.t.Fatalf("unexpected line: %s", l)
		}
	case <-time.After(d):
	}
}

// call sends one request and returns the next line as parsed JSON.
func (h *harness) call(line string) map[string]any {
	h.t.Helper()
	h.send(line)
	return h.nextJSON()
}

func (h *harness) nextJSON() map[string]any {
	h.t.Helper()
	return decode(h.t, h.next())
}

func decode(t testing.TB, line string) map[string]any {
	t.Helper()
	var m map[string]any
	d := json.NewDecoder(strings.NewReader(line))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		t.Fatalf("not JSON: %s: %v", line, err)
	}
	return m
}

// eof closes stdin and returns the exit status.
func (h *harness) eof() int {
	h.t.Helper()
	h.in.Close()
	select {
	case c := <-h.code:
		return c
	case <-time.After(5 * time.Second):
		h.t.Fatal("server did not exit after EOF")
	}
	return 0
}

// rest drains what the server wrote until it exited.
func (h *harness) rest() []string {
	var out []string
	for l := range h.lines {
		out = append(out, l)
	}
	return out
}

// get walks a decoded value: get(m, "params", "message", "id").
func get(v any, path ...string) any {
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func errData(m map[string]any) any { return get(m, "error", "data") }

func num(v any) int64 {
	n, _ := v.(json.Number)
	i, _ := n.Int64()
	return i
}

// recordFaults is how many fault records the server has applied and kept.
func (h *harness) recordFaults() int {
	h.srv.mu.Lock()
	defer h.srv.mu.Unlock()
	return len(h.srv.faults.rec)
}

// lineSink collects a writer's output line by line, for CLI tests.
type lineSink struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *lineSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *lineSink) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
