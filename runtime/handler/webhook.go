package handler

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/openclawcfg/openclawcfg/runtime/inbound"
)

// Webhook POSTs each message's context to URL: the body is exactly what an
// Exec reads on stdin, and the response body is read as an Exec's stdout
// (ParseReply); 204 or an empty body means no reply.
//
// An attempt is repeated only when it cannot have been answered (no
// response: refused, reset, a Client.Timeout before the headers) or the
// server said to come back (429, 502, 503, 504), with the same
// Idempotency-Key every time so the server can drop a repeat it already
// handled. A 2xx ends it: its reply is the one sent.
type Webhook struct {
	URL     string
	Timeout time.Duration // for all attempts together; 0: DefaultLimit
	Retries int           // attempts after the first; 0: DefaultRetries, negative: none
	Client  *http.Client  // nil: the default transport, redirects not followed
}

// Limits of a Webhook.
const (
	DefaultRetries = 2
	firstBackoff   = 250 * time.Millisecond
	maxRetryAfter  = 30 * time.Second
	bodyExcerpt    = 200      // bytes of an error response kept for the log
	drainLimit     = 64 << 10 // read off an error response so the connection is reused
)

// A POST redirected with 301/302/303 would arrive as a GET without the
// context, so redirects are errors (the URL to configure is in Location).
var defaultClient = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

var userAgent = func() string {
	v := "dev"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = bi.Main.Version
	}
	return "openclawcfg/" + v
}()

// CheckWebhookURL refuses what a Webhook would refuse on every message: a
// URL that is not http or https, has no host, or carries a user or password
// over plain http. The message names the URL with its password hidden.
func CheckWebhookURL(raw string) error {
	_, err := parseWebhookURL(raw)
	return err
}

func parseWebhookURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// Not the url.Error: it quotes the whole URL, password included.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("does not parse as a URL (%v)", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("%s: only http and https URLs are accepted", u.Redacted())
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("%s: no host", u.Redacted())
	}
	if u.User != nil && u.Scheme != "https" {
		return nil, fmt.Errorf("%s: a user or password in the URL needs https (over http it crosses the network in clear text)", u.Redacted())
	}
	return u, nil
}

// failure is one attempt that produced no reply.
type failure struct {
	cause string
	retry bool
	after time.Duration // the server's Retry-After, 0 if none
}

// Handle POSTs the context until a reply, a permanent error, the last retry
// or the timeout.
func (w *Webhook) Handle(ctx context.Context, c *inbound.Context) (Reply, error) {
	u, err := parseWebhookURL(w.URL)
	if err != nil {
		return Reply{}, &Error{Argv: "webhook", Cause: err.Error()}
	}
	name := "webhook " + u.Redacted()
	limit := w.Timeout
	if limit <= 0 {
		limit = DefaultLimit
	}
	retries := w.Retries
	if retries == 0 {
		retries = DefaultRetries
	}
	body, err := encodeContext(c)
	if err != nil {
		return Reply{}, err
	}
	key := idempotencyKey(c)
	client := w.Client
	if client == nil {
		client = defaultClient
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	prev := ""
	for n := 1; ; n++ {
		r, f := post(ctx, client, u.String(), body, key, c.AccountId)
		if f == nil {
			return r, nil
		}
		if ctx.Err() != nil {
			return Reply{}, stopped(ctx, name, limit, n, prev)
		}
		if !f.retry {
			if n > 1 {
				f.cause += fmt.Sprintf(" (attempt %d)", n)
			}
			return Reply{}, &Error{Argv: name, Cause: f.cause, Permanent: true}
		}
		if retries < 0 || n > retries {
			return Reply{}, &Error{Argv: name, Cause: fmt.Sprintf("%s (gave up after %d attempts)", f.cause, n)}
		}
		delay := firstBackoff << (n - 1)
		if f.after > 0 {
			delay = min(f.after, maxRetryAfter)
		}
		// Waiting only to time out would hold the chat's queue for nothing.
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < delay {
			return Reply{}, &Error{
				Argv: name, TimedOut: true,
				Cause: fmt.Sprintf("%s (attempt %d; a retry in %s would pass the %s timeout)", f.cause, n, delay, limit),
			}
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return Reply{}, stopped(ctx, name, limit, n, f.cause)
		case <-t.C:
		}
		prev = f.cause
	}
}

func stopped(ctx context.Context, name string, limit time.Duration, n int, prev string) *Error {
	cause := fmt.Sprintf("timed out after %s", limit)
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		cause = "stopped"
	}
	if prev != "" {
		cause += fmt.Sprintf(" (attempt %d; before: %s)", n, prev)
	}
	return &Error{Argv: name, Cause: cause, TimedOut: true}
}

// post is one attempt.
func post(ctx context.Context, client *http.Client, target string, body []byte, key, account string) (Reply, *failure) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return Reply{}, &failure{cause: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("Idempotency-Key", key)
	// Set directly so HTTP/1 writes it as documented, not X-Openclaw-Account.
	req.Header["X-OpenClaw-Account"] = []string{account}
	res, err := client.Do(req)
	if err != nil {
		return Reply{}, noResponse(err)
	}
	defer res.Body.Close()
	status := statusLine(res.StatusCode)
	if res.StatusCode/100 == 2 {
		if res.StatusCode == http.StatusNoContent {
			return Reply{}, nil
		}
		b, err := io.ReadAll(io.LimitReader(res.Body, MaxReply+1))
		if err != nil {
			return Reply{}, &failure{cause: fmt.Sprintf("%s, then reading the body: %v", status, err)}
		}
		if len(b) > MaxReply {
			return Reply{}, &failure{cause: fmt.Sprintf("%s with a body over %d bytes", status, MaxReply)}
		}
		r, err := ParseReply(b)
		if err != nil {
			return Reply{}, &failure{cause: status + ": " + err.Error()}
		}
		return r, nil
	}
	head, _ := io.ReadAll(io.LimitReader(res.Body, bodyExcerpt+1))
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, drainLimit))
	cause := status
	if s := oneLine(head, bodyExcerpt); s != "" {
		cause += "; body: " + s
	}
	switch res.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return Reply{}, &failure{cause: cause, retry: true, after: retryAfter(res.Header.Get("Retry-After"), time.Now())}
	}
	if res.StatusCode/100 == 3 {
		cause += "; redirects are not followed"
		if loc := res.Header.Get("Location"); loc != "" {
			cause += " (Location: " + oneLine([]byte(loc), bodyExcerpt) + ")"
		}
	}
	return Reply{}, &failure{cause: cause}
}

// noResponse is a Do error: the server cannot have answered, so it is worth
// another attempt, except for a certificate that will not verify next time
// either.
func noResponse(err error) *failure {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // without the URL, which the Error names already
	}
	var cv *tls.CertificateVerificationError
	return &failure{cause: "no response: " + err.Error(), retry: !errors.As(err, &cv)}
}

func statusLine(code int) string {
	if t := http.StatusText(code); t != "" {
		return fmt.Sprintf("HTTP %d %s", code, t)
	}
	return fmt.Sprintf("HTTP %d", code)
}

// retryAfter reads Retry-After: delay-seconds or an HTTP-date (RFC 9110
// 10.2.3); 0 when absent, invalid or already past.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseUint(v, 10, 32); err == nil {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// idempotencyKey is the same for every attempt at one message: the
// account and imsg's message id. Without an id it hashes what identifies
// the message rather than the whole context, which may differ when the
// same message is handed over again (a group's pending history, the
// runtime's own markers).
func idempotencyKey(c *inbound.Context) string {
	id := c.MessageSid
	if id == "" {
		b, _ := json.Marshal([]any{c.AccountId, c.SessionKey, c.From, c.To, c.SenderId, c.Timestamp, c.RawBody, c.MediaPaths, c.ReplyToId})
		sum := sha256.Sum256(b)
		id = "sha256-" + hex.EncodeToString(sum[:16])
	}
	return c.AccountId + ":" + id
}

// oneLine is up to max bytes of b for a one-line log message: never a
// split rune, control characters as spaces, "..." when cut.
func oneLine(b []byte, max int) string {
	cut := len(b) > max
	if cut {
		b = b[:max]
		i := len(b) - 1
		for i > 0 && i > len(b)-utf8.UTFMax && !utf8.RuneStart(b[i]) {
			i--
		}
		if i >= 0 && !utf8.FullRune(b[i:]) {
			b = b[:i]
		}
	}
	s := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(string(b), "\uFFFD"))
	s = strings.TrimSpace(s)
	if cut {
		s += "..."
	}
	return s
}
