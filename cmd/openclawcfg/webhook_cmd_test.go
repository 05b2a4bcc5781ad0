package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// webhook-server URLFILE LOGFILE RESPONSE... starts an HTTP server on
// 127.0.0.1 for the rest of the script, writes its URL to URLFILE (and to
// $WEBHOOK_URL) and answers request n with the n-th RESPONSE, the last one
// repeating. A RESPONSE is STATUS[;Header=Value...][:BODY]; the header
// "delay" (e.g. delay=2s) holds the answer back. Every request is appended
// to LOGFILE as one JSON line: n, method, path, the headers a webhook sets,
// and the body (as JSON when it is JSON).
func cmdWebhookServer(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 3 {
		ts.Fatalf("usage: webhook-server URLFILE LOGFILE RESPONSE...")
	}
	type response struct {
		status int
		header [][2]string
		delay  time.Duration
		body   string
	}
	var rs []response
	for _, a := range args[2:] {
		head, body, _ := strings.Cut(a, ":")
		parts := strings.Split(head, ";")
		var r response
		var err error
		r.status, err = strconv.Atoi(parts[0])
		if err != nil || r.status < 100 || r.status > 999 {
			ts.Fatalf("webhook-server: bad status in %q", a)
		}
		for _, h := range parts[1:] {
			k, v, ok := strings.Cut(h, "=")
			if !ok {
				ts.Fatalf("webhook-server: bad header %q in %q", h, a)
			}
			if k == "delay" {
				r.delay, err = time.ParseDuration(v)
				ts.Check(err)
				continue
			}
			r.header = append(r.header, [2]string{k, v})
		}
		r.body = body
		rs = append(rs, r)
	}
	logPath := ts.MkAbs(args[1])
	ts.Check(os.WriteFile(logPath, nil, 0o644))
	var mu sync.Mutex
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		mu.Lock()
		n++
		i := n
		line := map[string]any{"n": i, "method": req.Method, "path": req.URL.Path, "header": map[string]string{
			"Content-Type":       req.Header.Get("Content-Type"),
			"User-Agent":         req.Header.Get("User-Agent"),
			"Idempotency-Key":    req.Header.Get("Idempotency-Key"),
			"X-OpenClaw-Account": req.Header.Get("X-OpenClaw-Account"),
		}}
		if json.Valid(body) {
			line["body"] = json.RawMessage(bytes.TrimSpace(body))
		} else {
			line["body"] = string(body)
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(line); err == nil {
			if f, err := os.OpenFile(logPath, os.O_APPEND|os.O_WRONLY, 0); err == nil {
				_, _ = f.Write(buf.Bytes())
				_ = f.Close()
			}
		}
		mu.Unlock()
		r := rs[min(i, len(rs))-1]
		if r.delay > 0 {
			select {
			case <-time.After(r.delay):
			case <-req.Context().Done():
				return
			}
		}
		for _, h := range r.header {
			w.Header().Set(h[0], h[1])
		}
		w.WriteHeader(r.status)
		_, _ = io.WriteString(w, r.body)
	}))
	ts.Defer(srv.Close)
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(srv.URL+"\n"), 0o644))
	ts.Setenv("WEBHOOK_URL", srv.URL)
	// Logged so a failing script shows it.
	_, _ = io.WriteString(ts.Stdout(), "webhook-server "+srv.URL+"\n")
}
