package imsg

import (
	"bytes"
	"cmp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/openclawcfg/openclawcfg/internal/jsonscan"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
)

// OpenClaw handles imsg's output as JavaScript values: ids are matched by
// String(id), an error's message goes through String(), its data through
// JSON.stringify(data, null, 2). jsValue reproduces exactly those three
// operations on JSON.parse's result. It is used off the hot path only (error
// responses and unusual ids).

type jsKind uint8

const (
	jsNull jsKind = iota
	jsBool
	jsNumber
	jsString
	jsArray
	jsObject
)

type jsValue struct {
	kind jsKind
	b    bool
	num  float64
	str  []uint16 // JS strings are UTF-16 and may hold lone surrogates
	arr  []jsValue
	keys [][]uint16 // object keys in JS property order
	vals []jsValue
}

// maxJSDepth bounds parseJS's recursion: at most this many nested arrays
// and objects, as encoding/json's scanner allows.
const maxJSDepth = 10000

// parseJS parses one JSON value (the whole of b, surrounding whitespace
// allowed) with JSON.parse's semantics: duplicate keys keep their first
// position and their last value; array-index keys come first, ascending.
func parseJS(b []byte) (jsValue, bool) {
	p := jsParser{b: b}
	p.ws()
	v, ok := p.value(0)
	if !ok {
		return jsValue{}, false
	}
	p.ws()
	return v, p.i == len(b)
}

type jsParser struct {
	b []byte
	i int
}

func (p *jsParser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jsParser) lit(s string) bool {
	if bytes.HasPrefix(p.b[p.i:], []byte(s)) {
		p.i += len(s)
		return true
	}
	return false
}

func (p *jsParser) value(depth int) (jsValue, bool) {
	if p.i >= len(p.b) {
		return jsValue{}, false
	}
	if c := p.b[p.i]; (c == '[' || c == '{') && depth >= maxJSDepth {
		return jsValue{}, false
	}
	switch c := p.b[p.i]; {
	case c == 'n':
		return jsValue{kind: jsNull}, p.lit("null")
	case c == 't':
		return jsValue{kind: jsBool, b: true}, p.lit("true")
	case c == 'f':
		return jsValue{kind: jsBool}, p.lit("false")
	case c == '"':
		s, ok := p.str()
		return jsValue{kind: jsString, str: s}, ok
	case c == '-' || c >= '0' && c <= '9':
		end := jsonscan.NumberEnd(p.b, p.i)
		if end < 0 {
			return jsValue{}, false
		}
		v := jsValue{kind: jsNumber, num: parseJSONNumber(p.b[p.i:end])}
		p.i = end
		return v, true
	case c == '[':
		p.i++
		v := jsValue{kind: jsArray}
		p.ws()
		if p.i < len(p.b) && p.b[p.i] == ']' {
			p.i++
			return v, true
		}
		for {
			p.ws()
			e, ok := p.value(depth + 1)
			if !ok {
				return jsValue{}, false
			}
			v.arr = append(v.arr, e)
			p.ws()
			if p.i >= len(p.b) {
				return jsValue{}, false
			}
			switch p.b[p.i] {
			case ',':
				p.i++
			case ']':
				p.i++
				return v, true
			default:
				return jsValue{}, false
			}
		}
	case c == '{':
		p.i++
		v := jsValue{kind: jsObject}
		index := map[string]int{}
		p.ws()
		if p.i < len(p.b) && p.b[p.i] == '}' {
			p.i++
			return v, true
		}
		for {
			p.ws()
			if p.i >= len(p.b) || p.b[p.i] != '"' {
				return jsValue{}, false
			}
			k, ok := p.str()
			if !ok {
				return jsValue{}, false
			}
			p.ws()
			if p.i >= len(p.b) || p.b[p.i] != ':' {
				return jsValue{}, false
			}
			p.i++
			p.ws()
			e, ok := p.value(depth + 1)
			if !ok {
				return jsValue{}, false
			}
			ks := u16key(k)
			if at, dup := index[ks]; dup {
				v.vals[at] = e
			} else {
				index[ks] = len(v.keys)
				v.keys = append(v.keys, k)
				v.vals = append(v.vals, e)
			}
			p.ws()
			if p.i >= len(p.b) {
				return jsValue{}, false
			}
			switch p.b[p.i] {
			case ',':
				p.i++
			case '}':
				p.i++
				v.orderKeys()
				return v, true
			default:
				return jsValue{}, false
			}
		}
	}
	return jsValue{}, false
}

func u16key(k []uint16) string {
	b := make([]byte, 2*len(k))
	for i, c := range k {
		b[2*i], b[2*i+1] = byte(c>>8), byte(c)
	}
	return string(b)
}

// orderKeys moves array-index keys ("0" … "4294967294", canonical) to the
// front in ascending order, as OrdinaryOwnPropertyKeys enumerates them.
func (v *jsValue) orderKeys() {
	type kv struct {
		idx  uint64
		isIx bool
		k    []uint16
		v    jsValue
	}
	n := 0
	all := make([]kv, len(v.keys))
	for i, k := range v.keys {
		ix, ok := arrayIndex(k)
		all[i] = kv{ix, ok, k, v.vals[i]}
		if ok {
			n++
		}
	}
	if n == 0 {
		return
	}
	slices.SortStableFunc(all, func(a, b kv) int {
		switch {
		case a.isIx && b.isIx:
			return cmp.Compare(a.idx, b.idx)
		case a.isIx:
			return -1
		case b.isIx:
			return 1
		}
		return 0
	})
	for i, e := range all {
		v.keys[i], v.vals[i] = e.k, e.v
	}
}

func arrayIndex(k []uint16) (uint64, bool) {
	if len(k) == 0 || len(k) > 10 || (k[0] == '0' && len(k) > 1) {
		return 0, false
	}
	var n uint64
	for _, c := range k {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	return n, n <= 4294967294
}

// str parses a JSON string at p.i into UTF-16 code units, keeping lone
// surrogate escapes as JSON.parse does.
func (p *jsParser) str() ([]uint16, bool) {
	p.i++ // opening quote
	var out []uint16
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			return out, true
		case c < 0x20:
			return nil, false
		case c == '\\':
			if p.i+1 >= len(p.b) {
				return nil, false
			}
			e := p.b[p.i+1]
			p.i += 2
			switch e {
			case '"', '\\', '/':
				out = append(out, uint16(e))
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				if p.i+4 > len(p.b) {
					return nil, false
				}
				u, err := strconv.ParseUint(string(p.b[p.i:p.i+4]), 16, 16)
				if err != nil {
					return nil, false
				}
				out = append(out, uint16(u))
				p.i += 4
			default:
				return nil, false
			}
		case c < utf8.RuneSelf:
			out = append(out, uint16(c))
			p.i++
		default:
			r, n := utf8.DecodeRune(p.b[p.i:])
			out = utf16.AppendRune(out, r)
			p.i += n
		}
	}
	return nil, false
}

// parseJSONNumber converts a JSON number as JSON.parse does: correctly
// rounded, ±Infinity beyond the double range.
func parseJSONNumber(b []byte) float64 {
	f, _ := strconv.ParseFloat(string(b), 64)
	return f
}

func isJSONNumber(b []byte) bool {
	return len(b) > 0 && (b[0] == '-' || b[0] >= '0' && b[0] <= '9')
}

// goString converts a JS string to Go; a lone surrogate becomes U+FFFD,
// as when Node writes it out as UTF-8.
func (v jsValue) goString() string { return string(utf16.Decode(v.str)) }

// toString is JavaScript's String(v) for a JSON.parse result.
func (v jsValue) toString() string {
	switch v.kind {
	case jsNull:
		return "null"
	case jsBool:
		if v.b {
			return "true"
		}
		return "false"
	case jsNumber:
		return openclaw.FormatJSNumber(v.num)
	case jsString:
		return v.goString()
	case jsArray:
		// Array.prototype.join(","): null and undefined elements are empty.
		var sb strings.Builder
		for i, e := range v.arr {
			if i > 0 {
				sb.WriteByte(',')
			}
			if e.kind != jsNull {
				sb.WriteString(e.toString())
			}
		}
		return sb.String()
	}
	return "[object Object]"
}

// stringify is JSON.stringify(v, null, gap) for a JSON.parse result.
func (v jsValue) stringify(gap string) string {
	var b []byte
	b = v.appendJSON(b, gap, "")
	return string(b)
}

func (v jsValue) appendJSON(b []byte, gap, indent string) []byte {
	switch v.kind {
	case jsNull:
		return append(b, "null"...)
	case jsBool:
		return strconv.AppendBool(b, v.b)
	case jsNumber:
		s := openclaw.FormatJSNumber(v.num)
		if s == "NaN" || s == "Infinity" || s == "-Infinity" {
			s = "null"
		}
		return append(b, s...)
	case jsString:
		return appendJSQuote(b, v.str)
	}
	n := len(v.arr)
	open, close := byte('['), byte(']')
	if v.kind == jsObject {
		n = len(v.keys)
		open, close = '{', '}'
	}
	if n == 0 {
		return append(b, open, close)
	}
	inner := indent + gap
	b = append(b, open)
	for i := 0; i < n; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		if gap != "" {
			b = append(b, '\n')
			b = append(b, inner...)
		}
		if v.kind == jsObject {
			b = appendJSQuote(b, v.keys[i])
			b = append(b, ':')
			if gap != "" {
				b = append(b, ' ')
			}
			b = v.vals[i].appendJSON(b, gap, inner)
		} else {
			b = v.arr[i].appendJSON(b, gap, inner)
		}
	}
	if gap != "" {
		b = append(b, '\n')
		b = append(b, indent...)
	}
	return append(b, close)
}

// appendJSQuote is JSON.stringify's QuoteJSONString (ES2019 well-formed):
// short escapes, \u00xx for other controls, lone surrogates as \udxxx.
func appendJSQuote(b []byte, s []uint16) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', byte(c))
		case c == '\b':
			b = append(b, '\\', 'b')
		case c == '\f':
			b = append(b, '\\', 'f')
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c == '\t':
			b = append(b, '\\', 't')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
		case c < utf8.RuneSelf:
			b = append(b, byte(c))
		case utf16.IsSurrogate(rune(c)):
			if c < 0xDC00 && i+1 < len(s) && s[i+1] >= 0xDC00 && s[i+1] <= 0xDFFF {
				b = utf8.AppendRune(b, utf16.DecodeRune(rune(c), rune(s[i+1])))
				i++
			} else {
				b = append(b, '\\', 'u', hex[c>>12], hex[c>>8&15], hex[c>>4&15], hex[c&15])
			}
		default:
			b = utf8.AppendRune(b, rune(c))
		}
	}
	return append(b, '"')
}

// truthyRaw is JavaScript truthiness of a JSON value given as raw text.
func truthyRaw(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	switch c := b[0]; {
	case c == 'n', c == 'f':
		return false
	case c == '"':
		return len(b) > 2
	case c == '-' || c >= '0' && c <= '9':
		return parseJSONNumber(b) != 0
	}
	return true
}
