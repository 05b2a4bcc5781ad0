package imsg

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/openclawcfg/openclawcfg/internal/jsonscan"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
)

// Sentinels for errors.Is. Every failure a Call can return is one of the
// typed errors below; the sentinels group them by what the caller may do.
var (
	// ErrTimeout: no response arrived within the request timeout. The
	// request may still run on the server (see TimeoutError.Sent).
	ErrTimeout = errors.New("imsg rpc timeout")
	// ErrClosed: the imsg process has ended (every *ExitError matches).
	ErrClosed = errors.New("imsg rpc closed")
	// ErrNotRunning: the client was stopped (OpenClaw's text).
	ErrNotRunning = errors.New("imsg rpc not running")
)

// RPCError is a JSON-RPC error response to a request.
type RPCError struct {
	Method  string          // the request's method (not part of Error())
	Code    int             // error.code; 0 when absent, not a number or not an integer
	Message string          // error.message as JavaScript's String() renders it
	Data    json.RawMessage // error.data exactly as received; nil when absent

	// text is Error() as OpenClaw 2026.3.24 formats it, fixed at decode
	// time (decoded is false for a hand-built RPCError).
	text    string
	decoded bool
}

// Error formats as OpenClaw's IMessageRpcClient.handleLine
// (dist/imessage-VIY7pCuj.js): "<message>: code=<n> <data>", where data is
// a string as is or otherwise JSON.stringify(data, null, 2), and each part
// is left out when absent or empty.
func (e *RPCError) Error() string {
	if e.decoded {
		return e.text
	}
	msg := e.Message
	if msg == "" {
		msg = "imsg rpc error"
	}
	return formatRPCError(msg, strconv.Itoa(e.Code), e.Data)
}

func formatRPCError(msg, codeText string, data json.RawMessage) string {
	var suffixes []string
	if codeText != "" {
		suffixes = append(suffixes, "code="+codeText)
	}
	if data != nil {
		if v, ok := parseJS(data); ok {
			var t string
			if v.kind == jsString {
				t = v.goString()
			} else {
				t = v.stringify("  ")
			}
			if t != "" {
				suffixes = append(suffixes, t)
			}
		}
	}
	if len(suffixes) == 0 {
		return msg
	}
	return msg + ": " + strings.Join(suffixes, " ")
}

// newRPCError decodes a truthy JSON error value the way OpenClaw reads it:
// a non-object has no message, code or data.
func newRPCError(method string, raw []byte) *RPCError {
	e := &RPCError{Method: method, Message: "imsg rpc error"}
	var codeText string
	var f [3][]byte
	if jsonscan.ScanObject(raw, rpcErrorKeys, f[:]) {
		if m := f[0]; m != nil && string(m) != "null" {
			if v, ok := parseJS(m); ok {
				e.Message = v.toString()
			}
		}
		if c := f[1]; c != nil && isJSONNumber(c) {
			n := parseJSONNumber(c)
			codeText = openclaw.FormatJSNumber(n)
			if n == float64(int(n)) && n >= -1<<31 && n <= 1<<31-1 {
				e.Code = int(n)
			}
		}
		if d := f[2]; d != nil {
			e.Data = append(json.RawMessage(nil), d...)
		}
	}
	e.text, e.decoded = formatRPCError(e.Message, codeText, e.Data), true
	return e
}

var rpcErrorKeys = []string{"message", "code", "data"}

// TimeoutError: the request got no response in time.
type TimeoutError struct {
	Method  string
	ID      uint64
	Timeout time.Duration // the request timeout that expired; 0 for a context
	// Sent is false only when no byte of the request reached imsg's stdin,
	// so it certainly did not run and may be retried. When true the request
	// may have run (or may still run): a later response is logged as late.
	Sent bool
	// Cause is nil when the client's request timeout expired, else the
	// context's error (context.Canceled or context.DeadlineExceeded).
	Cause error
}

// Error is OpenClaw's "imsg rpc timeout (<method>)" for the request timeout.
func (e *TimeoutError) Error() string {
	if e.Cause != nil {
		return "imsg rpc " + e.Method + " abandoned: " + e.Cause.Error()
	}
	return "imsg rpc timeout (" + e.Method + ")"
}

// Is matches ErrTimeout for the client's own request timeout.
func (e *TimeoutError) Is(target error) bool { return target == ErrTimeout && e.Cause == nil }

// Unwrap returns the context's error, if that ended the wait.
func (e *TimeoutError) Unwrap() error { return e.Cause }

// ExitError says why the imsg process ended. Pending calls fail with it,
// and ExitErr returns it.
type ExitError struct {
	// Code is the exit status, or -1 when a signal ended the process (or
	// the status is unknown).
	Code int
	// Signal names the signal that ended the process ("SIGTERM"), or "".
	Signal string
	// Stopped reports that Stop ended the process.
	Stopped bool
	// Err is a wait failure other than an exit status (rare), or nil.
	Err error
}

// Error is OpenClaw's text for the child's "close" event: a non-zero exit
// status gives "imsg rpc exited (code N)"; anything else, a signal included
// (Node reports code null then, so its "(signal S)" branch never runs), gives
// "imsg rpc closed".
func (e *ExitError) Error() string {
	if e.Code > 0 {
		return "imsg rpc exited (code " + strconv.Itoa(e.Code) + ")"
	}
	return "imsg rpc closed"
}

// Is matches ErrClosed.
func (e *ExitError) Is(target error) bool { return target == ErrClosed }

// Unwrap returns Err.
func (e *ExitError) Unwrap() error { return e.Err }

// SpawnError: the process could not be started.
type SpawnError struct {
	Path string // CLIPath as given
	Err  error  // the underlying error (an errno or exec.ErrNotFound)
}

// Error is Node's text for a failed spawn, "spawn <path> <ERRNO>", which
// OpenClaw shows (prefixed "Error: ") in probe results.
func (e *SpawnError) Error() string {
	if name := errnoName(e.Err); name != "" {
		return "spawn " + e.Path + " " + name
	}
	return "spawn " + e.Path + ": " + e.Err.Error()
}

// Unwrap returns Err.
func (e *SpawnError) Unwrap() error { return e.Err }

// WriteError: the request could not be written to imsg's stdin (its read
// end is closed), so imsg never read it.
type WriteError struct {
	Method string
	Err    error
}

func (e *WriteError) Error() string { return "imsg rpc write (" + e.Method + "): " + e.Err.Error() }

// Unwrap returns Err.
func (e *WriteError) Unwrap() error { return e.Err }

// ResultError: the call succeeded on the server but its result did not
// decode into the value the caller gave.
type ResultError struct {
	Method string
	Result json.RawMessage
	Err    error
}

func (e *ResultError) Error() string {
	return "imsg rpc " + e.Method + ": decoding result: " + e.Err.Error()
}

// Unwrap returns Err.
func (e *ResultError) Unwrap() error { return e.Err }

// ResponseTooLargeError: the response line exceeded the line limit and was
// skipped; only its id could be read from its start.
type ResponseTooLargeError struct {
	Method string
	Bytes  int64
}

func (e *ResponseTooLargeError) Error() string {
	return "imsg rpc " + e.Method + ": response of " + strconv.FormatInt(e.Bytes, 10) + " bytes exceeds the line limit"
}
