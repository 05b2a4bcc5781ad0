package imsg

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"

	"github.com/openclawcfg/openclawcfg/internal/jsonscan"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
)

// What one stdout line is, decided as OpenClaw 2026.3.24's
// IMessageRpcClient.handleLine (dist/imessage-VIY7pCuj.js) decides it:
// JSON.parse the trimmed line; an id other than undefined/null makes it a
// response matched by String(id) (a truthy error rejects, else result
// resolves); otherwise a truthy method makes it a notification.

type lineKind uint8

const (
	lineBlank        lineKind = iota // empty after trimming; skipped silently
	lineInvalid                      // not JSON: logged, ignored
	lineNotObject                    // JSON but not an object (OpenClaw crashes on `null`)
	lineResponse                     // has an id
	lineNotification                 // no id; method is a non-empty string
	lineBadMethod                    // no id; method is truthy but not a string
	lineIDlessError                  // no id, no method, a truthy error (id:null errors, "write failed")
	lineNeither                      // none of the above
)

type decoded struct {
	kind   lineKind
	key    string // response: String(id), the pending-request key
	result []byte // response without error: raw result, nil when absent
	errRaw []byte // response or id-less error: the truthy error value
	method string // notification
	params []byte // notification: raw params, nil when absent
	line   []byte // the sanitised, trimmed line (for logs)
	err    error  // lineInvalid: why
}

// Top-level keys, in the order of the fields array scanObject fills.
var wireKeys = []string{"id", "method", "params", "result", "error"}

// decodeLine classifies one line (without its terminator). Slices in the
// result point into line or a sanitised copy and live as long as it does.
func decodeLine(line []byte) decoded {
	// Node decodes the byte stream as UTF-8 before readline splits it, so
	// invalid sequences are already U+FFFD when JSON.parse sees them.
	if !utf8.Valid(line) {
		line = sanitizeUTF8(line)
	}
	line = trimJSBytes(line)
	d := decoded{line: line}
	if len(line) == 0 {
		d.kind = lineBlank
		return d
	}
	if !jsonscan.Valid(line) {
		d.kind = lineInvalid
		d.err = json.Unmarshal(line, new(json.RawMessage))
		if d.err == nil { // nesting json.Valid refuses; see maxJSDepth
			d.err = errTooDeep
		}
		return d
	}
	if line[0] != '{' {
		d.kind = lineNotObject
		return d
	}
	var f [5][]byte
	if !jsonscan.ScanObject(line, wireKeys, f[:]) {
		d.kind = lineInvalid // unreachable for valid JSON; kept defensive
		d.err = errTooDeep
		return d
	}
	id, method, params, result, errv := f[0], f[1], f[2], f[3], f[4]
	switch {
	case id != nil && string(id) != "null":
		d.kind = lineResponse
		d.key = jsKey(id)
		if errv != nil && truthyRaw(errv) {
			d.errRaw = errv
		} else {
			d.result = result
		}
	case method != nil && truthyRaw(method):
		if method[0] != '"' {
			d.kind = lineBadMethod
			return d
		}
		d.kind = lineNotification
		d.method = jsKey(method)
		d.params = params
	case errv != nil && truthyRaw(errv):
		d.kind = lineIDlessError
		d.errRaw = errv
	default:
		d.kind = lineNeither
	}
	return d
}

type decodeError string

func (e decodeError) Error() string { return string(e) }

const errTooDeep = decodeError("JSON nested too deeply")

// jsKey is String(v) for a JSON value: the key OpenClaw's pending map is
// looked up by (ids 1, 1.0, "1" and [1] all find request 1).
func jsKey(raw []byte) string {
	switch string(raw) { // the usual methods, without allocating
	case `"message"`:
		return "message"
	case `"error"`:
		return "error"
	}
	switch c := raw[0]; {
	case c == '"':
		if bytes.IndexByte(raw, '\\') < 0 {
			return string(raw[1 : len(raw)-1])
		}
	case c >= '0' && c <= '9':
		if allDigits(raw) {
			return string(raw)
		}
		return openclaw.FormatJSNumber(parseJSONNumber(raw))
	case c == '-':
		return openclaw.FormatJSNumber(parseJSONNumber(raw))
	case c == 't':
		return "true"
	case c == 'f':
		return "false"
	}
	v, ok := parseJS(raw)
	if !ok {
		return ""
	}
	return v.toString()
}

func allDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// trimJSBytes is String.prototype.trim on valid UTF-8.
func trimJSBytes(b []byte) []byte {
	for len(b) > 0 {
		if c := b[0]; c < utf8.RuneSelf {
			if c != ' ' && (c < '\t' || c > '\r') {
				break
			}
			b = b[1:]
			continue
		}
		r, n := utf8.DecodeRune(b)
		if !openclaw.IsJSSpace(r) {
			break
		}
		b = b[n:]
	}
	for len(b) > 0 {
		if c := b[len(b)-1]; c < utf8.RuneSelf {
			if c != ' ' && (c < '\t' || c > '\r') {
				break
			}
			b = b[:len(b)-1]
			continue
		}
		r, n := utf8.DecodeLastRune(b)
		if !openclaw.IsJSSpace(r) {
			break
		}
		b = b[:len(b)-n]
	}
	return b
}

// sanitizeUTF8 decodes b as the WHATWG UTF-8 decoder does (V8 and Node's
// StringDecoder): each maximal invalid subpart becomes one U+FFFD.
func sanitizeUTF8(b []byte) []byte {
	out := make([]byte, 0, len(b)+8)
	var cp rune
	needed, seen := 0, 0
	lower, upper := byte(0x80), byte(0xBF)
	for i := 0; i < len(b); {
		c := b[i]
		if needed == 0 {
			i++
			switch {
			case c < 0x80:
				out = append(out, c)
			case c >= 0xC2 && c <= 0xDF:
				needed, cp = 1, rune(c&0x1F)
			case c >= 0xE0 && c <= 0xEF:
				if c == 0xE0 {
					lower = 0xA0
				} else if c == 0xED {
					upper = 0x9F
				}
				needed, cp = 2, rune(c&0xF)
			case c >= 0xF0 && c <= 0xF4:
				if c == 0xF0 {
					lower = 0x90
				} else if c == 0xF4 {
					upper = 0x8F
				}
				needed, cp = 3, rune(c&0x7)
			default:
				out = utf8.AppendRune(out, utf8.RuneError)
			}
			continue
		}
		if c < lower || c > upper {
			// The partial sequence is one error; c is looked at afresh.
			needed, seen, cp = 0, 0, 0
			lower, upper = 0x80, 0xBF
			out = utf8.AppendRune(out, utf8.RuneError)
			continue
		}
		i++
		lower, upper = 0x80, 0xBF
		cp = cp<<6 | rune(c&0x3F)
		if seen++; seen == needed {
			out = utf8.AppendRune(out, cp)
			needed, seen, cp = 0, 0, 0
		}
	}
	if needed != 0 {
		out = utf8.AppendRune(out, utf8.RuneError)
	}
	return out
}
