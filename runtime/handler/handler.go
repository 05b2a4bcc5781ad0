// Package handler runs what answers an admitted message: a program started
// per message with the inbound context on its stdin (argv only, never a
// shell), or the built-in echo. OpenClaw's agent run is replaced by it; the
// reply then goes through OpenClaw's reply pipeline like the agent's would.
package handler

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/openclawcfg/openclawcfg/runtime/inbound"
)

// Reply is what a handler answers: text, media paths, or nothing.
type Reply struct {
	Text  string   `json:"text"`
	Media []string `json:"media"`
}

// Empty reports whether there is nothing to send.
func (r Reply) Empty() bool { return strings.TrimSpace(r.Text) == "" && len(r.Media) == 0 }

// Handler answers one admitted message.
type Handler interface {
	Handle(ctx context.Context, c *inbound.Context) (Reply, error)
}

// Echo replies with the message's RawBody: for trying the runtime out and
// for benchmarks.
type Echo struct{}

// Handle returns the raw body.
func (Echo) Handle(_ context.Context, c *inbound.Context) (Reply, error) {
	return Reply{Text: c.RawBody}, nil
}

// Limits on what a handler may write.
const (
	MaxReply     = 1 << 20 // stdout beyond this fails the handler
	stderrTail   = 4 << 10 // the stderr kept for the log
	DefaultLimit = 120 * time.Second
	killGrace    = 2 * time.Second
)

// Exec starts Argv per message. The context is one JSON object on its
// stdin; its stdout is the reply: plain text, or {"text": ..., "media":
// [...]}; empty stdout means no reply.
type Exec struct {
	Argv    []string
	Env     []string // nil: this process's environment
	Dir     string
	Timeout time.Duration // 0: DefaultLimit
}

// Error is a handler failure, with the end of its stderr.
type Error struct {
	Argv     string
	Cause    string // "exit status 3", "timed out after 2m0s", ...
	Stderr   string // last bytes of stderr
	TimedOut bool
	// Permanent: trying the same message again gives the same answer (a
	// webhook's 4xx); the runtime dead-letters it at once.
	Permanent bool
}

// IsPermanent reports whether err says that retrying cannot help.
func IsPermanent(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Permanent
}

func (e *Error) Error() string {
	s := fmt.Sprintf("handler %s: %s", e.Argv, e.Cause)
	if t := strings.TrimSpace(e.Stderr); t != "" {
		s += "; stderr: " + t
	}
	return s
}

// Handle runs the program once.
func (h *Exec) Handle(ctx context.Context, c *inbound.Context) (Reply, error) {
	if len(h.Argv) == 0 {
		return Reply{}, errors.New("handler: no command")
	}
	limit := h.Timeout
	if limit <= 0 {
		limit = DefaultLimit
	}
	input, err := encodeContext(c)
	if err != nil {
		return Reply{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	cmd := exec.Command(h.Argv[0], h.Argv[1:]...)
	cmd.Env, cmd.Dir = h.Env, h.Dir
	cmd.Stdin = bytes.NewReader(input)
	var out capped
	out.max = MaxReply
	var errTail tail
	cmd.Stdout, cmd.Stderr = &out, &errTail
	setProcessGroup(cmd)
	name := strings.Join(h.Argv, " ")
	if err := cmd.Start(); err != nil {
		return Reply{}, &Error{Argv: name, Cause: "cannot start: " + err.Error()}
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var werr error
	select {
	case werr = <-done:
	case <-ctx.Done():
		// The whole process group, so a shell script's children go too.
		killGroup(cmd, syscall.SIGTERM)
		// Whatever the child's exit says, it was stopped.
		select {
		case <-done:
		case <-time.After(killGrace):
			killGroup(cmd, syscall.SIGKILL)
			<-done
		}
		cause := fmt.Sprintf("timed out after %s", limit)
		if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			cause = "stopped"
		}
		return Reply{}, &Error{Argv: name, Cause: cause, Stderr: errTail.String(), TimedOut: true}
	}
	if werr != nil {
		return Reply{}, &Error{Argv: name, Cause: werr.Error(), Stderr: errTail.String()}
	}
	if out.over {
		return Reply{}, &Error{Argv: name, Cause: fmt.Sprintf("wrote more than %d bytes to stdout", MaxReply), Stderr: errTail.String()}
	}
	r, err := ParseReply(out.buf.Bytes())
	if err != nil {
		return Reply{}, &Error{Argv: name, Cause: err.Error(), Stderr: errTail.String()}
	}
	return r, nil
}

// encodeContext is what a handler is given: the context as one JSON
// object and a newline (an Exec's stdin, a Webhook's request body).
func encodeContext(c *inbound.Context) ([]byte, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// ParseReply reads a handler's stdout: a JSON object with "text" and/or
// "media" (and no other keys) is a structured reply; anything else is the
// reply text as written. Output that is not UTF-8 is refused rather than
// sent garbled.
func ParseReply(b []byte) (Reply, error) {
	if !utf8.Valid(b) {
		return Reply{}, errors.New("reply is not valid UTF-8")
	}
	t := bytes.TrimSpace(b)
	if len(t) > 0 && t[0] == '{' {
		var raw map[string]json.RawMessage
		if json.Unmarshal(t, &raw) == nil && structured(raw) {
			var r Reply
			if err := json.Unmarshal(t, &r); err != nil {
				return Reply{}, fmt.Errorf("reply object: %v", err)
			}
			for i, m := range r.Media {
				if strings.TrimSpace(m) == "" {
					return Reply{}, fmt.Errorf("reply object: media[%d] is empty", i)
				}
			}
			return r, nil
		}
	}
	return Reply{Text: string(b)}, nil
}

func structured(raw map[string]json.RawMessage) bool {
	if len(raw) == 0 {
		return false
	}
	for k := range raw {
		if k != "text" && k != "media" {
			return false
		}
	}
	return true
}

// capped keeps up to max bytes and notes overflow, draining the rest so
// the child never blocks on a full pipe.
type capped struct {
	buf  bytes.Buffer
	max  int
	over bool
}

func (c *capped) Write(p []byte) (int, error) {
	if c.buf.Len()+len(p) > c.max {
		c.over = true
		if room := c.max - c.buf.Len(); room > 0 {
			c.buf.Write(p[:room])
		}
		return len(p), nil
	}
	return c.buf.Write(p)
}

// tail keeps the last stderrTail bytes.
type tail struct{ b []byte }

func (t *tail) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > stderrTail {
		t.b = append(t.b[:0], t.b[len(t.b)-stderrTail:]...)
	}
	return len(p), nil
}

func (t *tail) String() string { return strings.ToValidUTF8(string(t.b), "?") }

var _ io.Writer = (*tail)(nil)

// Environ is the handler's environment: ours plus what it may use to tell
// accounts apart.
func Environ(account string) []string {
	return append(os.Environ(), "OPENCLAWCFG_ACCOUNT="+account)
}
