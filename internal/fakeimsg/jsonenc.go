package fakeimsg

import (
	"bytes"
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"unicode/utf8"
)

// obj is a JSON object whose keys keep their insertion order, so output lines
// read like imsg's (id first) and tests can compare them byte for byte.
type obj []field

type field struct {
	k string
	v any
}

// set replaces the value of k, or appends it.
func (o obj) set(k string, v any) obj {
	for i := range o {
		if o[i].k == k {
			o[i].v = v
			return o
		}
	}
	return append(o, field{k, v})
}

func (o obj) get(k string) (any, bool) {
	for _, f := range o {
		if f.k == k {
			return f.v, true
		}
	}
	return nil, false
}

// encodeLine renders v as one compact JSON line the way imsg's Foundation
// JSONSerialization writes it: raw UTF-8, control characters escaped and every
// "/" escaped as "\/" (imsg-rpc.md §1.3). No trailing newline.
func encodeLine(v any) []byte {
	b := make([]byte, 0, 256)
	return appendJSON(b, v, true)
}

// appendJSONPlain is the same without the "\/" escaping, for files people
// read (the sends log).
func appendJSONPlain(b []byte, v any) []byte { return appendJSON(b, v, false) }

func appendJSON(b []byte, v any, slash bool) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case obj:
		b = append(b, '{')
		for i, f := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, f.k, slash)
			b = append(b, ':')
			b = appendJSON(b, f.v, slash)
		}
		return append(b, '}')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k, slash)
			b = append(b, ':')
			b = appendJSON(b, x[k], slash)
		}
		return append(b, '}')
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSON(b, e, slash)
		}
		return append(b, ']')
	case []obj:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSON(b, e, slash)
		}
		return append(b, ']')
	case []string:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, e, slash)
		}
		return append(b, ']')
	case string:
		return appendString(b, x, slash)
	case bool:
		return strconv.AppendBool(b, x)
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return append(b, "null"...)
		}
		if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			return strconv.AppendInt(b, int64(x), 10)
		}
		return strconv.AppendFloat(b, x, 'g', -1, 64)
	case json.Number:
		// Request ids are echoed as parsed; a number literal is already valid JSON.
		return append(b, x...)
	default:
		// Not reached by the server's own values; keep the output valid JSON anyway.
		raw, err := json.Marshal(x)
		if err != nil {
			return append(b, "null"...)
		}
		var back any
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		if d.Decode(&back) != nil {
			return append(b, "null"...)
		}
		return appendJSON(b, back, slash)
	}
}

const hexDigits = "0123456789abcdef"

func appendString(b []byte, s string, slash bool) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '/' && slash:
				b = append(b, '\\', '/')
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c == '\b':
				b = append(b, '\\', 'b')
			case c == '\f':
				b = append(b, '\\', 'f')
			case c < 0x20 || c == 0x7f:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b = append(b, "\uFFFD"...)
		} else {
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return append(b, '"')
}
