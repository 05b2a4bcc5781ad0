// Package jsonscan validates and walks JSON without building values: one
// pass over the bytes, no allocation on the common path. The imsg client
// uses it on every line from imsg, the inbound decider on every message.
package jsonscan

import (
	"bytes"
	"encoding/json"
)

// MaxDepth bounds nesting, as V8's JSON.parse stack does in practice.
const MaxDepth = 10000

// Valid reports whether b is one JSON value with optional whitespace
// around it, accepting exactly what encoding/json's Valid accepts (nesting
// included, at most MaxDepth containers deep) without its cost: one pass,
// no allocation below 64 levels.
func Valid(b []byte) bool {
	var stackBuf [64]byte
	stack := stackBuf[:0]
	i := SkipWS(b, 0)
	for {
		// A value starts at b[i].
		if i >= len(b) {
			return false
		}
		switch c := b[i]; {
		case c == '{' || c == '[':
			if len(stack) >= MaxDepth {
				return false
			}
			close := byte('}')
			if c == '[' {
				close = ']'
			}
			i = SkipWS(b, i+1)
			if i < len(b) && b[i] == close {
				i++
				break
			}
			stack = append(stack, c)
			if c == '{' {
				var ok bool
				if i, ok = validKey(b, i); !ok {
					return false
				}
			}
			continue
		case c == '"':
			var ok bool
			if i, ok = validString(b, i); !ok {
				return false
			}
		case c == '-' || c >= '0' && c <= '9':
			if i = NumberEnd(b, i); i < 0 {
				return false
			}
		case c == 't':
			if !hasLit(b, i, "true") {
				return false
			}
			i += 4
		case c == 'f':
			if !hasLit(b, i, "false") {
				return false
			}
			i += 5
		case c == 'n':
			if !hasLit(b, i, "null") {
				return false
			}
			i += 4
		default:
			return false
		}
		// After a value: close containers, or move to the next element.
		for {
			i = SkipWS(b, i)
			if len(stack) == 0 {
				return i == len(b)
			}
			if i >= len(b) {
				return false
			}
			top := stack[len(stack)-1]
			if b[i] == ',' {
				i = SkipWS(b, i+1)
				if top == '{' {
					var ok bool
					if i, ok = validKey(b, i); !ok {
						return false
					}
				}
				break
			}
			if top == '{' && b[i] == '}' || top == '[' && b[i] == ']' {
				stack = stack[:len(stack)-1]
				i++
				continue
			}
			return false
		}
	}
}

// validKey checks `"key" :` at b[i] and returns where the value starts.
func validKey(b []byte, i int) (int, bool) {
	if i >= len(b) || b[i] != '"' {
		return i, false
	}
	i, ok := validString(b, i)
	if !ok {
		return i, false
	}
	i = SkipWS(b, i)
	if i >= len(b) || b[i] != ':' {
		return i, false
	}
	return SkipWS(b, i+1), true
}

// validString checks the string starting at b[i] == '"' and returns the
// index after it. Like encoding/json it accepts any byte from 0x20 up,
// invalid UTF-8 included.
func validString(b []byte, i int) (int, bool) {
	for i++; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			return i + 1, true
		case c < 0x20:
			return i, false
		case c == '\\':
			i++
			if i >= len(b) {
				return i, false
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(b) {
					return i, false
				}
				for _, h := range b[i+1 : i+5] {
					if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
						return i, false
					}
				}
				i += 4
			default:
				return i, false
			}
		}
	}
	return i, false
}

func hasLit(b []byte, i int, lit string) bool {
	return len(b)-i >= len(lit) && string(b[i:i+len(lit)]) == lit
}

// ScanObject walks the top level of the JSON object b (b[0] == '{') and
// stores in out[i] the raw value of the last member named keys[i]. It is
// tolerant: on malformed or truncated input it stops and returns false,
// leaving in out what it saw complete before that point (the id of an
// over-long line is read from its start this way).
func ScanObject(b []byte, keys []string, out [][]byte) bool {
	return members(b, func(quoted, value []byte) bool {
		if k := keyIndex(quoted, keys); k >= 0 {
			out[k] = value
		}
		return true
	})
}

// Members calls f with each member of the JSON object b (b[0] == '{'),
// its key decoded and its value as a slice of b, in order, until f returns
// false. It reports whether b was a complete, well-formed object.
func Members(b []byte, f func(key string, value []byte) bool) bool {
	ok := true
	return members(b, func(quoted, value []byte) bool {
		key := string(quoted[1 : len(quoted)-1])
		if bytes.IndexByte(quoted, '\\') >= 0 && json.Unmarshal(quoted, &key) != nil {
			ok = false
			return false
		}
		return f(key, value)
	}) && ok
}

// members walks the object b, calling f with each member's quoted key and
// value (slices of b) until f returns false; it reports whether b was
// complete and well-formed up to where the walk stopped.
func members(b []byte, f func(quoted, value []byte) bool) bool {
	i, empty, ok := open(b, '{', '}')
	if !ok || empty {
		return ok
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return false
		}
		ks := i
		if i, ok = SkipString(b, i); !ok {
			return false
		}
		quoted := b[ks:i]
		i = SkipWS(b, i)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		i = SkipWS(b, i+1)
		vs := i
		if i, ok = SkipValue(b, i); !ok {
			return false
		}
		if !f(quoted, b[vs:i]) {
			return true
		}
		var done bool
		if i, done, ok = afterValue(b, i, '}'); !ok || done {
			return ok
		}
	}
}

// Elements calls f with each element of the JSON array b (b[0] == '['), as
// a slice of b, in order, until f returns false. It reports whether b was a
// complete, well-formed array.
func Elements(b []byte, f func(value []byte) bool) bool {
	i, empty, ok := open(b, '[', ']')
	if !ok || empty {
		return ok
	}
	for {
		vs := i
		if i, ok = SkipValue(b, i); !ok {
			return false
		}
		if !f(b[vs:i]) {
			return true
		}
		var done bool
		if i, done, ok = afterValue(b, i, ']'); !ok || done {
			return ok
		}
	}
}

// open checks that b starts a container with opening byte o and returns
// the index of its first member or element; empty when it closes at once.
func open(b []byte, o, c byte) (i int, empty, ok bool) {
	if len(b) == 0 || b[0] != o {
		return 0, false, false
	}
	i = SkipWS(b, 1)
	if i < len(b) && b[i] == c {
		return i + 1, true, true
	}
	return i, false, true
}

// afterValue steps past the separator after a value ending at i: the
// index of the next member or element, or done at the closing byte c.
func afterValue(b []byte, i int, c byte) (next int, done, ok bool) {
	i = SkipWS(b, i)
	if i >= len(b) {
		return 0, false, false
	}
	switch b[i] {
	case ',':
		return SkipWS(b, i+1), false, true
	case c:
		return i + 1, true, true
	}
	return 0, false, false
}

// keyIndex finds the quoted key among keys, decoding escapes when present.
func keyIndex(quoted []byte, keys []string) int {
	raw := quoted[1 : len(quoted)-1]
	if bytes.IndexByte(raw, '\\') >= 0 {
		var s string
		if json.Unmarshal(quoted, &s) != nil {
			return -1
		}
		raw = []byte(s)
	}
	for i, k := range keys {
		if string(raw) == k {
			return i
		}
	}
	return -1
}

// SkipWS skips JSON whitespace from i.
func SkipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// SkipString returns the index after the string starting at b[i] == '"'.
func SkipString(b []byte, i int) (int, bool) {
	start := i + 1
	for j := start; ; {
		k := bytes.IndexByte(b[j:], '"')
		if k < 0 {
			return len(b), false
		}
		q := j + k
		n := 0
		for p := q - 1; p >= start && b[p] == '\\'; p-- {
			n++
		}
		if n%2 == 0 {
			return q + 1, true
		}
		j = q + 1
	}
}

// SkipValue returns the index after the value starting at b[i]. A scalar
// that runs to the end of b counts as truncated.
func SkipValue(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return i, false
	}
	switch b[i] {
	case '"':
		return SkipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				var ok bool
				if i, ok = SkipString(b, i); !ok {
					return i, false
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1, true
				}
			}
			i++
		}
		return i, false
	}
	s := i
	for i < len(b) {
		switch b[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i, i > s
		}
		i++
	}
	return i, false
}

// NumberEnd returns the end of the JSON number starting at b[i], or -1.
func NumberEnd(b []byte, i int) int {
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return -1
	}
	if i < len(b) && b[i] == '.' {
		i++
		s := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == s {
			return -1
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		s := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == s {
			return -1
		}
	}
	return i
}
