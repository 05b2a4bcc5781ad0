package handler

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/openclawcfg/openclawcfg/runtime/inbound"
)

// hook is a test server answering request n (from 1) with answer(n, ...)
// and keeping what it was sent.
type hook struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []seen
}

type seen struct {
	at     time.Time
	header http.Header
	body   []byte
}

func newHook(t *testing.T, answer func(n int, w http.ResponseWriter, r *http.Request)) *hook {
	t.Helper()
	h := &hook{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.reqs = append(h.reqs, seen{time.Now(), r.Header.Clone(), b})
		n := len(h.reqs)
		h.mu.Unlock()
		answer(n, w, r)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hook) requests() []seen {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]seen(nil), h.reqs...)
}

func msg() *inbound.Context {
	return &inbound.Context{RawBody: "ping", Body: "ping", SenderId: "+15550001111", AccountId: "work", MessageSid: "42"}
}

func handlerErr(t *testing.T, err error) *Error {
	t.Helper()
	var he *Error
	if !errors.As(err, &he) {
		t.Fatalf("error %v (%T), want *Error", err, err)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error is not one line: %q", err)
	}
	return he
}

func TestWebhookRetryThenReply(t *testing.T) {
	h := newHook(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, `{"text":"pong","media":["/tmp/a.png"]}`)
	})
	c := msg()
	r, err := (&Webhook{URL: h.URL + "/hook"}).Handle(context.Background(), c)
	if err != nil || r.Text != "pong" || len(r.Media) != 1 || r.Media[0] != "/tmp/a.png" {
		t.Fatalf("reply %+v, %v", r, err)
	}
	reqs := h.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	for i, q := range reqs {
		if got := q.header.Get("Idempotency-Key"); got != "work:42" {
			t.Errorf("request %d: Idempotency-Key %q", i+1, got)
		}
		if got := q.header.Get("X-OpenClaw-Account"); got != "work" {
			t.Errorf("request %d: X-OpenClaw-Account %q", i+1, got)
		}
		if got := q.header.Get("Content-Type"); got != "application/json" {
			t.Errorf("request %d: Content-Type %q", i+1, got)
		}
		if got := q.header.Get("User-Agent"); got != "openclawcfg/dev" {
			t.Errorf("request %d: User-Agent %q", i+1, got)
		}
		if !bytes.Equal(q.body, reqs[0].body) {
			t.Errorf("request %d: body differs from the first", i+1)
		}
	}
	// The first backoff.
	if gap := reqs[1].at.Sub(reqs[0].at); gap < firstBackoff {
		t.Errorf("retried after %s, want at least %s", gap, firstBackoff)
	}
}

// The body is byte for byte what an Exec handler reads on stdin.
func TestWebhookBodyIsExecStdin(t *testing.T) {
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("needs /bin/sh")
	}
	h := newHook(t, func(n int, w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	g := "Team"
	c := &inbound.Context{
		RawBody: "héllo \"there\" <b>&", Body: "x\ny", AccountId: "default", MessageSid: "7",
		ChatType: "group", GroupSubject: &g, Timestamp: &inbound.JSTime{Ms: 1700000000000},
	}
	if _, err := (&Webhook{URL: h.URL}).Handle(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	stdin := filepath.Join(t.TempDir(), "stdin")
	if _, err := (&Exec{Argv: []string{script(t, `cat > "$1"`), stdin}}).Handle(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(stdin)
	if err != nil {
		t.Fatal(err)
	}
	if got := h.requests()[0].body; !bytes.Equal(got, want) {
		t.Fatalf("webhook body\n%s\nexec stdin\n%s", got, want)
	}
	if !bytes.Contains(want, []byte(`"GroupSubject":"Team"`)) {
		t.Fatalf("stdin %s", want)
	}
}

// Without imsg's message id the key is a hash of the message: the same on
// every retry and when it comes again, different for another message.
func TestWebhookIdempotencyKeyWithoutSid(t *testing.T) {
	h := newHook(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	wh := &Webhook{URL: h.URL}
	a := &inbound.Context{RawBody: "one", AccountId: "work", Timestamp: &inbound.JSTime{Ms: 1}}
	b := &inbound.Context{RawBody: "two", AccountId: "work", Timestamp: &inbound.JSTime{Ms: 1}}
	// The same message again, with more group history: the same key.
	a2 := *a
	a2.InboundHistory = []inbound.HistoryItem{{Sender: "+1", Body: "earlier"}}
	for _, c := range []*inbound.Context{a, b, &a2} {
		if _, err := wh.Handle(context.Background(), c); err != nil {
			t.Fatal(err)
		}
	}
	reqs := h.requests()
	if len(reqs) != 4 {
		t.Fatalf("%d requests, want 4", len(reqs))
	}
	key := func(i int) string { return reqs[i].header.Get("Idempotency-Key") }
	if key(0) != key(1) || key(0) == key(2) || key(3) != key(0) || !strings.HasPrefix(key(0), "work:sha256-") ||
		len(key(0)) != len("work:sha256-")+32 {
		t.Fatalf("keys %q %q %q %q", key(0), key(1), key(2), key(3))
	}
	if bytes.Equal(reqs[3].body, reqs[0].body) {
		t.Fatal("the history did not reach the body")
	}
}

func TestWebhookPermanentErrors(t *testing.T) {
	long := strings.Repeat("é", 150) // 300 bytes; byte 200 falls inside no rune, 199 would
	for _, c := range []struct {
		name   string
		status int
		body   string
		header map[string]string
		want   string
	}{
		{"bad request", 400, "bad thing\nsecond line\n", nil, "HTTP 400 Bad Request; body: bad thing second line"},
		{"server error is not retried", 500, "", nil, "HTTP 500 Internal Server Error"},
		{"long body excerpt", 422, "x" + long, nil, "HTTP 422 Unprocessable Entity; body: x" + strings.Repeat("é", 99) + "..."},
		{"redirect", 302, "", map[string]string{"Location": "https://elsewhere/hook"}, "HTTP 302 Found; redirects are not followed (Location: https://elsewhere/hook)"},
		{"unknown status", 499, "", nil, "HTTP 499"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHook(t, func(n int, w http.ResponseWriter, r *http.Request) {
				for k, v := range c.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(c.status)
				io.WriteString(w, c.body)
			})
			_, err := (&Webhook{URL: h.URL}).Handle(context.Background(), msg())
			he := handlerErr(t, err)
			if he.Cause != c.want || he.TimedOut {
				t.Errorf("cause %q, want %q", he.Cause, c.want)
			}
			if he.Argv != "webhook "+h.URL {
				t.Errorf("argv %q", he.Argv)
			}
			if n := len(h.requests()); n != 1 {
				t.Errorf("%d requests, want 1 (no retry)", n)
			}
		})
	}
}

func TestWebhookGivesUp(t *testing.T) {
	for _, c := range []struct {
		retries, want int
	}{{0, 3}, {1, 2}, {-1, 1}} {
		h := newHook(t, func(n int, w http.ResponseWriter, r *http.Request) { http.Error(w, "down", http.StatusGatewayTimeout) })
		_, err := (&Webhook{URL: h.URL, Retries: c.retries}).Handle(context.Background(), msg())
		he := handlerErr(t, err)
		if n := len(h.requests()); n != c.want {
			t.Errorf("Retries %d: %d requests, want %d", c.retries, n, c.want)
		}
		want := "HTTP 504 Gateway Timeout; body: down (gave up after "
		if !strings.HasPrefix(he.Cause, want) {
			t.Errorf("cause %q", he.Cause)
		}
	}
}

func TestWebhookNoReply(t *testing.T) {
	for _, answer := range []func(w http.ResponseWriter){
		func(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) },
		func(w http.ResponseWriter) { w.WriteHeader(http.StatusOK) },
		func(w http.ResponseWriter) { w.WriteHeader(http.StatusAccepted) },
	} {
		h := newHook(t, func(n int, w http.ResponseWriter, r *http.Request) { answer(w) })
		r, err := (&Webhook{URL: h.URL}).Handle(context.Background(), msg())
		if err != nil || !r.Empty() {
			t.Fatalf("reply %+v, %v", r, err)
		}
	}
}

func TestWebhookReplyBody(t *testing.T) {
	for _, c := range []struct {
		body string
		want string
		err  string
	}{
		{"plain text\n", "plain text\n", ""},
		{strings.Repeat("a", MaxReply), strings.Repeat("a", MaxReply), ""},
		{strings.Repeat("a", MaxReply+1), "", "HTTP 200 OK with a body over 1048576 bytes"},
		{"\xff", "", "HTTP 200 OK: reply is not valid UTF-8"},
		{`{"text":1}`, "", "HTTP 200 OK: reply object: "},
	} {
		h := newHook(t, func(n int, w http.ResponseWriter, r *http.Request) { io.WriteString(w, c.body) })
		r, err := (&Webhook{URL: h.URL}).Handle(context.Background(), msg())
		if c.err != "" {
			if he := handlerErr(t, err); !strings.HasPrefix(he.Cause, c.err) {
				t.Errorf("cause %q, want %q", he.Cause, c.err)
			}
			if n := len(h.requests()); n != 1 {
				t.Errorf("%d requests after a 2xx", n)
			}
			continue
		}
		if err != nil || r.Text != c.want {
			t.Errorf("reply %.40q, %v", r.Text, err)
		}
	}
}

func TestWebhookTimeout(t *testing.T) {
	release := make(chan struct{})
	h := newHook(t, func(n int, w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	start := time.Now()
	_, err := (&Webhook{URL: h.URL, Timeout: 300 * time.Millisecond}).Handle(context.Background(), msg())
	he := handlerErr(t, err)
	if !he.TimedOut || he.Cause != "timed out after 300ms" {
		t.Fatalf("cause %q timedOut %v", he.Cause, he.TimedOut)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("took %s", d)
	}
	if n := len(h.requests()); n != 1 {
		t.Fatalf("%d requests, want 1", n)
	}

	// A timeout across retries names the earlier failure.
	h2 := newHook(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			w.WriteHeader(503)
			return
		}
		<-r.Context().Done()
	})
	_, err = (&Webhook{URL: h2.URL, Timeout: 600 * time.Millisecond}).Handle(context.Background(), msg())
	if he := handlerErr(t, err); he.Cause != "timed out after 600ms (attempt 2; before: HTTP 503 Service Unavailable)" {
		t.Fatalf("cause %q", he.Cause)
	}

	// The run stopping is not a timeout.
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err = (&Webhook{URL: h.URL}).Handle(ctx, msg())
	if he := handlerErr(t, err); he.Cause != "stopped" {
		t.Fatalf("cause %q", he.Cause)
	}
}

func TestWebhookRetryAfter(t *testing.T) {
	h := newHook(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		io.WriteString(w, "ok")
	})
	r, err := (&Webhook{URL: h.URL}).Handle(context.Background(), msg())
	if err != nil || r.Text != "ok" {
		t.Fatalf("reply %+v, %v", r, err)
	}
	reqs := h.requests()
	if gap := reqs[1].at.Sub(reqs[0].at); gap < time.Second || gap > 3*time.Second {
		t.Fatalf("retried after %s, want Retry-After's 1s", gap)
	}

	// A Retry-After past the timeout fails at once instead of waiting.
	h2 := newHook(t, func(n int, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "20")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	start := time.Now()
	_, err = (&Webhook{URL: h2.URL, Timeout: 2 * time.Second}).Handle(context.Background(), msg())
	he := handlerErr(t, err)
	if he.Cause != "HTTP 429 Too Many Requests (attempt 1; a retry in 20s would pass the 2s timeout)" || !he.TimedOut {
		t.Fatalf("cause %q", he.Cause)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("waited %s", d)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 24, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"3", 3 * time.Second},
		{" 120 ", 120 * time.Second},
		{"-1", 0},
		{"1.5", 0},
		{"soon", 0},
		{"Tue, 24 Mar 2026 12:00:07 GMT", 7 * time.Second},
		{"Tue, 24 Mar 2026 11:00:00 GMT", 0},
		{"99999999999999999999", 0},
	} {
		if got := retryAfter(c.in, now); got != c.want {
			t.Errorf("%q: %s, want %s", c.in, got, c.want)
		}
	}
}

// No response at all: refused, reset, or no headers within the client's
// own timeout; each is retried.
func TestWebhookNoResponse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = (&Webhook{URL: "http://" + addr + "/hook", Retries: 1}).Handle(context.Background(), msg())
	he := handlerErr(t, err)
	if !strings.HasPrefix(he.Cause, "no response: ") || !strings.HasSuffix(he.Cause, "(gave up after 2 attempts)") ||
		strings.Contains(he.Cause, "Post ") {
		t.Fatalf("refused: %q", he.Cause)
	}

	reset := newHook(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		io.WriteString(w, "after reset")
	})
	r, err := (&Webhook{URL: reset.URL}).Handle(context.Background(), msg())
	if err != nil || r.Text != "after reset" || len(reset.requests()) != 2 {
		t.Fatalf("reset: %+v, %v, %d requests", r, err, len(reset.requests()))
	}

	slow := newHook(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			select {
			case <-time.After(2 * time.Second):
			case <-r.Context().Done():
			}
			return
		}
		io.WriteString(w, "second try")
	})
	client := &http.Client{Timeout: 200 * time.Millisecond}
	r, err = (&Webhook{URL: slow.URL, Client: client}).Handle(context.Background(), msg())
	if err != nil || r.Text != "second try" || len(slow.requests()) != 2 {
		t.Fatalf("header timeout: %+v, %v, %d requests", r, err, len(slow.requests()))
	}
}

func TestWebhookTLS(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, _ := r.BasicAuth()
		io.WriteString(w, user+"/"+pass)
	}))
	defer srv.Close()
	u := strings.Replace(srv.URL, "https://", "https://bot:s3cret@", 1)
	r, err := (&Webhook{URL: u, Client: srv.Client()}).Handle(context.Background(), msg())
	if err != nil || r.Text != "bot/s3cret" {
		t.Fatalf("reply %+v, %v", r, err)
	}
	// A certificate that does not verify is not retried, and the password
	// stays out of the error.
	_, err = (&Webhook{URL: u}).Handle(context.Background(), msg())
	he := handlerErr(t, err)
	if !strings.HasPrefix(he.Cause, "no response: tls: failed to verify certificate") || strings.Contains(err.Error(), "s3cret") ||
		strings.Contains(he.Cause, "gave up") {
		t.Fatalf("%v", err)
	}
}

func TestCheckWebhookURL(t *testing.T) {
	for _, c := range []struct{ in, err string }{
		{"http://127.0.0.1:8080/hook", ""},
		{"https://bot:s3cret@example.com/hook?x=1", ""},
		{"HTTPS://example.com", ""},
		{"ftp://example.com/x", "ftp://example.com/x: only http and https URLs are accepted"},
		{"/hook", "/hook: only http and https URLs are accepted"},
		{"localhost:8080/hook", "localhost:8080/hook: only http and https URLs are accepted"},
		{"http:///hook", "http:///hook: no host"},
		{"http://:80/", "http://:80/: no host"},
		{"http://bot:s3cret@example.com/", "http://bot:xxxxx@example.com/: a user or password in the URL needs https (over http it crosses the network in clear text)"},
		{"http://token@example.com/", "http://token@example.com/: a user or password in the URL needs https (over http it crosses the network in clear text)"},
		{"http://u:s3cret@h:x/", `does not parse as a URL (invalid port ":x" after host)`},
		{"http://a b/", `does not parse as a URL (invalid character " " in host name)`},
	} {
		err := CheckWebhookURL(c.in)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != c.err {
			t.Errorf("%q: %q, want %q", c.in, got, c.err)
		}
	}
	// Handle refuses them too, without sending anything.
	_, err := (&Webhook{URL: "file:///etc/passwd"}).Handle(context.Background(), msg())
	if he := handlerErr(t, err); he.Error() != "handler webhook: file:///etc/passwd: only http and https URLs are accepted" {
		t.Fatal(he)
	}
}

func TestOneLine(t *testing.T) {
	for _, c := range []struct {
		in   string
		max  int
		want string
	}{
		{"abc", 5, "abc"},
		{"abcdef", 3, "abc..."},
		{"ab€", 4, "ab..."}, // € is 3 bytes: not split
		{"ab€", 5, "ab€"},
		{"a\r\nb\tc", 10, "a  b c"},
		{"\xffok", 10, "\uFFFDok"},
		{"", 3, ""},
	} {
		if got := oneLine([]byte(c.in), c.max); got != c.want {
			t.Errorf("%q/%d: %q, want %q", c.in, c.max, got, c.want)
		}
	}
}

func FuzzCheckWebhookURL(f *testing.F) {
	for _, s := range []string{"http://h/", "https://u:p@h:1/x?y#z", "ftp://x", "http://[::1]:80/", "http://%zz", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := parseWebhookURL(s)
		if err == nil && (u.Scheme != "http" && u.Scheme != "https" || u.Hostname() == "" || u.User != nil && u.Scheme != "https") {
			t.Fatalf("accepted %q", s)
		}
	})
}

func FuzzRetryAfter(f *testing.F) {
	for _, s := range []string{"1", "Tue, 24 Mar 2026 12:00:07 GMT", "-5", "4294967296"} {
		f.Add(s)
	}
	now := time.Date(2026, 3, 24, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		if d := retryAfter(s, now); d < 0 {
			t.Fatalf("%q: %s", s, d)
		}
	})
}

func FuzzOneLine(f *testing.F) {
	f.Add([]byte("ab€\n"), 4)
	f.Fuzz(func(t *testing.T, b []byte, max int) {
		if max < 0 || max > 1000 {
			return
		}
		s := oneLine(b, max)
		if !utf8ValidNoControl(s) || len(strings.TrimSuffix(s, "...")) > 3*max {
			t.Fatalf("%q/%d: %q", b, max, s)
		}
	})
}

func utf8ValidNoControl(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return utf8.ValidString(s)
}

// BenchmarkWebhook is one message through a local server: the runtime's
// own cost per webhook message (encoding, headers, reading the reply).
func BenchmarkWebhook(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		io.WriteString(w, `{"text":"pong"}`)
	}))
	defer srv.Close()
	wh := &Webhook{URL: srv.URL}
	c := msg()
	b.ReportAllocs()
	for b.Loop() {
		if r, err := wh.Handle(context.Background(), c); err != nil || r.Text != "pong" {
			b.Fatal(r, err)
		}
	}
}
