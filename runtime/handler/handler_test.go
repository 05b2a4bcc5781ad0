package handler

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openclawcfg/openclawcfg/runtime/inbound"
)

func TestParseReply(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Reply
		err  string
	}{
		{"hello\n", Reply{Text: "hello\n"}, ""},
		{"", Reply{}, ""},
		{`{"text":"hi","media":["/tmp/a.png"]}`, Reply{Text: "hi", Media: []string{"/tmp/a.png"}}, ""},
		{`{"media":["/tmp/a.png"]}`, Reply{Media: []string{"/tmp/a.png"}}, ""},
		// Not the reply shape: the JSON is the reply text.
		{`{"answer":42}`, Reply{Text: `{"answer":42}`}, ""},
		{`{"text":1}`, Reply{}, "reply object"},
		{`{"media":[""]}`, Reply{}, "media[0] is empty"},
		{"\xff\xfe", Reply{}, "not valid UTF-8"},
	} {
		got, err := ParseReply([]byte(c.in))
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: err %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || got.Text != c.want.Text || strings.Join(got.Media, ",") != strings.Join(c.want.Media, ",") {
			t.Errorf("%q: %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
}

func script(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "h.sh")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExec(t *testing.T) {
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("needs /bin/sh")
	}
	c := &inbound.Context{RawBody: "ping", SenderId: "+1"}
	ctx := context.Background()

	// The context arrives on stdin as JSON; stdout is the reply.
	r, err := (&Exec{Argv: []string{script(t, `grep -o '"RawBody":"ping"' >/dev/null && printf pong`)}}).Handle(ctx, c)
	if err != nil || r.Text != "pong" {
		t.Fatalf("reply %+v, %v", r, err)
	}
	// A failing handler: the exit status and its stderr tail.
	_, err = (&Exec{Argv: []string{script(t, `echo broken >&2; exit 3`)}}).Handle(ctx, c)
	var he *Error
	if !errors.As(err, &he) || he.Cause != "exit status 3" || !strings.Contains(he.Stderr, "broken") {
		t.Fatalf("failure: %v", err)
	}
	// Past its timeout it is killed with its children.
	start := time.Now()
	_, err = (&Exec{Argv: []string{script(t, `sleep 30 & wait`)}, Timeout: 200 * time.Millisecond}).Handle(ctx, c)
	if !errors.As(err, &he) || !he.TimedOut || time.Since(start) > 5*time.Second {
		t.Fatalf("timeout: %v after %v", err, time.Since(start))
	}
	// Megabytes of output fail the handler without buffering them.
	_, err = (&Exec{Argv: []string{script(t, `head -c 3000000 /dev/zero`)}}).Handle(ctx, c)
	if !errors.As(err, &he) || !strings.Contains(he.Cause, "more than 1048576 bytes") {
		t.Fatalf("oversized: %v", err)
	}
	// A program that does not exist.
	_, err = (&Exec{Argv: []string{"/nonexistent/handler"}}).Handle(ctx, c)
	if !errors.As(err, &he) || !strings.HasPrefix(he.Cause, "cannot start") {
		t.Fatalf("missing: %v", err)
	}
}

func TestEcho(t *testing.T) {
	r, err := Echo{}.Handle(context.Background(), &inbound.Context{RawBody: "hi"})
	if err != nil || r.Text != "hi" {
		t.Fatal(r, err)
	}
}
