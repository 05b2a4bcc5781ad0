//go:build unix

// Package fakeimsgtest runs runtime/imsg against the product fake
// (internal/fakeimsg, what cmd/imsg-fake runs). It lives apart from the
// package's own tests so that they never depend on the fake.
package fakeimsgtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openclawcfg/openclawcfg/internal/fakeimsg"
	"github.com/openclawcfg/openclawcfg/runtime/imsg"
)

// The test binary is the fake imsg when IMSG_FAKE_PRODUCT is set.
func TestMain(m *testing.M) {
	if os.Getenv("IMSG_FAKE_PRODUCT") != "" {
		fakeimsg.Exit(fakeimsg.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

type env struct {
	cli, db string
	env     []string
}

func setup(t *testing.T, extra ...string) env {
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
	db := filepath.Join(dir, "chat.jsonl")
	e := env{cli: cli, db: db, env: append(append(os.Environ(), "IMSG_FAKE_PRODUCT=1", "IMSG_FAKE_POLL_MS=20", "HOME="+dir), extra...)}
	e.run(t, "init", "--db", db)
	return e
}

// run is one imsg-fake command, in process.
func (e env) run(t *testing.T, args ...string) string {
	t.Helper()
	for _, kv := range e.env {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "IMSG_FAKE_") {
			t.Setenv(k, v)
		}
	}
	var out, errb bytes.Buffer
	if code := fakeimsg.Main(args, strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("imsg-fake %q: exit %d: %s", args, code, errb.String())
	}
	return out.String()
}

type notes struct {
	mu sync.Mutex
	ns []imsg.Notification
}

func (n *notes) add(x imsg.Notification) { n.mu.Lock(); n.ns = append(n.ns, x); n.mu.Unlock() }

// wait returns the first notification matching ok, polling for up to 10 s.
func (n *notes) wait(t *testing.T, ok func(imsg.Notification) bool) imsg.Notification {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		n.mu.Lock()
		for _, x := range n.ns {
			if ok(x) {
				n.mu.Unlock()
				return x
			}
		}
		n.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("notification never came")
	return imsg.Notification{}
}

type message struct {
	Subscription int `json:"subscription"`
	Message      struct {
		ID       int64  `json:"id"`
		ChatID   int64  `json:"chat_id"`
		GUID     string `json:"guid"`
		Text     string `json:"text"`
		IsFromMe bool   `json:"is_from_me"`
	} `json:"message"`
}

func decodeMessage(n imsg.Notification) (m message) {
	json.Unmarshal(n.Params, &m)
	return m
}

func TestAgainstProductFake(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	cfg := imsg.Config{CLIPath: e.cli, DBPath: e.db, Env: e.env, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}

	if res := imsg.Probe(ctx, cfg, 10*time.Second); !res.OK {
		t.Fatalf("probe: %+v", res)
	}
	if err := imsg.WaitReady(ctx, func(ctx context.Context) imsg.ProbeResult { return imsg.Probe(ctx, cfg, 10*time.Second) },
		imsg.WaitOptions{}); err != nil {
		t.Fatal(err)
	}

	var got notes
	cfg.OnNotification = got.add
	cfg.StopGrace = 10 * time.Second // Stop returns as soon as the fake exits on EOF
	c, err := imsg.Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop(ctx)

	var chats struct {
		Chats []struct {
			ID         int64  `json:"id"`
			Identifier string `json:"identifier"`
		} `json:"chats"`
	}
	if err := c.Call(ctx, "chats.list", map[string]int{"limit": 10}, &chats); err != nil {
		t.Fatal(err)
	}
	var sub struct {
		Subscription int `json:"subscription"`
	}
	if err := c.Call(ctx, "watch.subscribe", map[string]bool{"attachments": true}, &sub); err != nil || sub.Subscription == 0 {
		t.Fatalf("subscribe: %+v %v", sub, err)
	}

	e.run(t, "say", "--db", e.db, "--from", "+15551234567", "hello from the fake")
	in := decodeMessage(got.wait(t, func(n imsg.Notification) bool {
		return n.Method == "message" && decodeMessage(n).Message.Text == "hello from the fake"
	}))
	if in.Subscription != sub.Subscription || in.Message.IsFromMe || in.Message.ChatID == 0 {
		t.Errorf("inbound %+v", in)
	}

	var sent struct {
		OK   bool   `json:"ok"`
		ID   int64  `json:"id"`
		GUID string `json:"guid"`
	}
	if err := c.Call(ctx, "send", map[string]any{"chat_id": in.Message.ChatID, "text": "got it", "service": "auto"}, &sent); err != nil || !sent.OK || sent.GUID == "" {
		t.Fatalf("send: %+v %v", sent, err)
	}
	echo := decodeMessage(got.wait(t, func(n imsg.Notification) bool { return decodeMessage(n).Message.GUID == sent.GUID }))
	if !echo.Message.IsFromMe || echo.Message.ID != sent.ID || echo.Message.Text != "got it" {
		t.Errorf("echo %+v", echo)
	}

	err = c.Call(ctx, "send", map[string]any{"to": "+15551234567"}, nil)
	var rpcErr *imsg.RPCError
	if !errors.As(err, &rpcErr) || rpcErr.Code != -32602 || err.Error() != "Invalid params: code=-32602 text or file is required" {
		t.Errorf("bad send: %v", err)
	}

	if err := c.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	var ee *imsg.ExitError
	if !errors.As(c.ExitErr(), &ee) || ee.Code != 0 || ee.Signal != "" || !ee.Stopped {
		t.Errorf("exit %#v", c.ExitErr())
	}
}

// imsg 0.14's typed failures arrive with object data, formatted as
// OpenClaw formats them.
func TestProductFakeLaterVersionErrors(t *testing.T) {
	e := setup(t, "IMSG_FAKE_VERSION=0.14.2", "IMSG_FAKE_FAULTS=fda")
	ctx := context.Background()
	c, err := imsg.Start(ctx, imsg.Config{CLIPath: e.cli, DBPath: e.db, Env: e.env, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop(ctx)
	err = c.Call(ctx, "chats.list", map[string]int{"limit": 1}, nil)
	var rpcErr *imsg.RPCError
	if !errors.As(err, &rpcErr) || rpcErr.Code != -32002 || len(rpcErr.Data) == 0 || rpcErr.Data[0] != '{' {
		t.Fatalf("got %v", err)
	}
	if !strings.HasPrefix(err.Error(), "Database unavailable: code=-32002 {\n  \"") {
		t.Errorf("text %q", err.Error())
	}
	var data struct {
		Retryable bool `json:"retryable"`
	}
	if json.Unmarshal(rpcErr.Data, &data) != nil || !data.Retryable {
		t.Errorf("data %s", rpcErr.Data)
	}
}

// The fake's crash switch: a send that kills imsg fails with the exit.
func TestProductFakeCrashInSend(t *testing.T) {
	e := setup(t, "IMSG_FAKE_FAULTS=crash-in-send=1")
	ctx := context.Background()
	c, err := imsg.Start(ctx, imsg.Config{CLIPath: e.cli, DBPath: e.db, Env: e.env, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop(ctx)
	err = c.Call(ctx, "send", map[string]any{"chat_id": 1, "text": "boom"}, nil)
	var ee *imsg.ExitError
	if !errors.As(err, &ee) || ee.Signal != "SIGKILL" || err.Error() != "imsg rpc closed" {
		t.Fatalf("got %#v", err)
	}
}
