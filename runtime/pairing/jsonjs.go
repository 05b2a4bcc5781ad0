package pairing

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
)

// OpenClaw reads the store with JSON.parse and writes it back with
// JSON.stringify(value, null, 2), keeping every request it does not touch as
// parsed. To write byte-identical files we keep the parsed values the way V8
// holds them: numbers as float64, strings as UTF-16 (here WTF-8, so a lone
// surrogate from a \uD800 escape survives), and objects in JavaScript
// property order (array-index keys ascending first, then the others in
// insertion order; a repeated key keeps its first position and its last
// value).

// jsValue is nil (null), bool, float64, string, []jsValue or *jsObject.
type jsValue any

type jsObject struct {
	keys []string
	vals map[string]jsValue
}

func newObject() *jsObject { return &jsObject{vals: map[string]jsValue{}} }

// get returns the property's value; ok is false when there is none (JS undefined).
func (o *jsObject) get(k string) (jsValue, bool) {
	v, ok := o.vals[k]
	return v, ok
}

// set is CreateDataProperty: an existing key keeps its position.
func (o *jsObject) set(k string, v jsValue) {
	if _, ok := o.vals[k]; ok {
		o.vals[k] = v
		return
	}
	o.vals[k] = v
	idx, isIndex := openclaw.ArrayIndex(k)
	if !isIndex {
		o.keys = append(o.keys, k)
		return
	}
	// Index keys come first, in ascending numeric order.
	pos := 0
	for pos < len(o.keys) {
		j, ok := openclaw.ArrayIndex(o.keys[pos])
		if !ok || j > idx {
			break
		}
		pos++
	}
	o.keys = append(o.keys, "")
	copy(o.keys[pos+1:], o.keys[pos:])
	o.keys[pos] = k
}

const maxJSONDepth = 512

var errJSONDepth = errors.New("nested deeper than 512 levels")

type jsonParser struct {
	s     string
	pos   int
	depth int
}

// parseJSON parses like JSON.parse on text read as UTF-8. Invalid UTF-8 is an
// error here (Node would decode it to U+FFFD and carry on; writing that back
// would destroy the original bytes), as is nesting beyond maxJSONDepth.
func parseJSON(data []byte) (jsValue, error) {
	if !utf8.Valid(data) {
		return nil, errors.New("not valid UTF-8")
	}
	p := &jsonParser{s: string(data)}
	p.ws()
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.pos < len(p.s) {
		return nil, p.errorf("unexpected %s after the JSON value", p.describe())
	}
	return v, nil
}

func (p *jsonParser) errorf(format string, args ...any) error {
	// Byte offsets are enough to find the problem in a small store file.
	return fmt.Errorf("invalid JSON at byte %d: %s", p.pos, fmt.Sprintf(format, args...))
}

func (p *jsonParser) describe() string {
	if p.pos >= len(p.s) {
		return "end of file"
	}
	r, _ := utf8.DecodeRuneInString(p.s[p.pos:])
	return strconv.QuoteRune(r)
}

// ws skips JSON whitespace: only space, tab, LF and CR (not a BOM, not NBSP).
func (p *jsonParser) ws() {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *jsonParser) value() (jsValue, error) {
	if p.pos >= len(p.s) {
		return nil, p.errorf("unexpected end of file")
	}
	switch c := p.s[p.pos]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		return p.str()
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	case strings.HasPrefix(p.s[p.pos:], "true"):
		p.pos += 4
		return true, nil
	case strings.HasPrefix(p.s[p.pos:], "false"):
		p.pos += 5
		return false, nil
	case strings.HasPrefix(p.s[p.pos:], "null"):
		p.pos += 4
		return nil, nil
	}
	return nil, p.errorf("unexpected %s", p.describe())
}

func (p *jsonParser) enter() error {
	p.depth++
	if p.depth > maxJSONDepth {
		return errJSONDepth
	}
	return nil
}

func (p *jsonParser) object() (jsValue, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	p.pos++ // {
	o := newObject()
	p.ws()
	if p.pos < len(p.s) && p.s[p.pos] == '}' {
		p.pos++
		p.depth--
		return o, nil
	}
	for {
		p.ws()
		if p.pos >= len(p.s) || p.s[p.pos] != '"' {
			return nil, p.errorf("expected a property name, got %s", p.describe())
		}
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.ws()
		if p.pos >= len(p.s) || p.s[p.pos] != ':' {
			return nil, p.errorf("expected ':', got %s", p.describe())
		}
		p.pos++
		p.ws()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		o.set(k, v)
		p.ws()
		if p.pos < len(p.s) && p.s[p.pos] == ',' {
			p.pos++
			continue
		}
		if p.pos < len(p.s) && p.s[p.pos] == '}' {
			p.pos++
			p.depth--
			return o, nil
		}
		return nil, p.errorf("expected ',' or '}', got %s", p.describe())
	}
}

func (p *jsonParser) array() (jsValue, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	p.pos++ // [
	a := []jsValue{}
	p.ws()
	if p.pos < len(p.s) && p.s[p.pos] == ']' {
		p.pos++
		p.depth--
		return a, nil
	}
	for {
		p.ws()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		a = append(a, v)
		p.ws()
		if p.pos < len(p.s) && p.s[p.pos] == ',' {
			p.pos++
			continue
		}
		if p.pos < len(p.s) && p.s[p.pos] == ']' {
			p.pos++
			p.depth--
			return a, nil
		}
		return nil, p.errorf("expected ',' or ']', got %s", p.describe())
	}
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func (p *jsonParser) hex4() (rune, bool) {
	if p.pos+4 > len(p.s) {
		return 0, false
	}
	var r rune
	for i := 0; i < 4; i++ {
		h := hexVal(p.s[p.pos+i])
		if h < 0 {
			return 0, false
		}
		r = r<<4 | rune(h)
	}
	p.pos += 4
	return r, true
}

func (p *jsonParser) str() (string, error) {
	p.pos++ // opening quote
	start := p.pos
	// Fast path: no escapes.
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if c == '"' {
			s := p.s[start:p.pos]
			p.pos++
			return s, nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
		p.pos++
	}
	var b strings.Builder
	b.WriteString(p.s[start:p.pos])
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		switch {
		case c == '"':
			p.pos++
			return b.String(), nil
		case c < 0x20:
			return "", p.errorf("control character %#02x in a string", c)
		case c != '\\':
			b.WriteByte(c)
			p.pos++
			continue
		}
		p.pos++
		if p.pos >= len(p.s) {
			break
		}
		e := p.s[p.pos]
		p.pos++
		switch e {
		case '"', '\\', '/':
			b.WriteByte(e)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", p.errorf("bad \\u escape")
			}
			if r >= 0xD800 && r < 0xDC00 && strings.HasPrefix(p.s[p.pos:], "\\u") {
				save := p.pos
				p.pos += 2
				if lo, ok := p.hex4(); ok && lo >= 0xDC00 && lo < 0xE000 {
					b.WriteRune(0x10000 + (r-0xD800)<<10 + (lo - 0xDC00))
					continue
				}
				p.pos = save
			}
			writeWTF8(&b, r)
		default:
			p.pos--
			return "", p.errorf("bad escape \\%s", p.describe())
		}
	}
	return "", p.errorf("unterminated string")
}

// writeWTF8 writes r, encoding a lone surrogate as the 3-byte sequence
// (ED A0..BF xx) that utf8 refuses, so it can be told apart on output.
func writeWTF8(b *strings.Builder, r rune) {
	if r >= 0xD800 && r < 0xE000 {
		b.WriteByte(0xED)
		b.WriteByte(byte(0x80 | (r>>6)&0x3F))
		b.WriteByte(byte(0x80 | r&0x3F))
		return
	}
	b.WriteRune(r)
}

func (p *jsonParser) number() (jsValue, error) {
	start := p.pos
	if p.s[p.pos] == '-' {
		p.pos++
	}
	digits := func() int {
		n := 0
		for p.pos < len(p.s) && p.s[p.pos] >= '0' && p.s[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	if p.pos < len(p.s) && p.s[p.pos] == '0' {
		p.pos++
	} else if digits() == 0 {
		return nil, p.errorf("bad number")
	}
	if p.pos < len(p.s) && p.s[p.pos] == '.' {
		p.pos++
		if digits() == 0 {
			return nil, p.errorf("bad number")
		}
	}
	if p.pos < len(p.s) && (p.s[p.pos] == 'e' || p.s[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.s) && (p.s[p.pos] == '+' || p.s[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			return nil, p.errorf("bad number")
		}
	}
	// ParseFloat rounds like V8; out of range gives ±Inf (V8: Infinity) with ErrRange.
	f, err := strconv.ParseFloat(p.s[start:p.pos], 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return nil, p.errorf("bad number")
	}
	return f, nil
}

// stringify is JSON.stringify(v, null, 2).
func stringify(v jsValue) []byte {
	var b strings.Builder
	writeJSON(&b, v, "")
	return []byte(b.String())
}

func writeJSON(b *strings.Builder, v jsValue, indent string) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		if x {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			b.WriteString("null")
		} else {
			b.WriteString(openclaw.FormatJSNumber(x))
		}
	case string:
		writeJSONString(b, x)
	case []jsValue:
		if len(x) == 0 {
			b.WriteString("[]")
			return
		}
		inner := indent + "  "
		b.WriteString("[\n")
		for i, e := range x {
			if i > 0 {
				b.WriteString(",\n")
			}
			b.WriteString(inner)
			writeJSON(b, e, inner)
		}
		b.WriteString("\n" + indent + "]")
	case *jsObject:
		if len(x.keys) == 0 {
			b.WriteString("{}")
			return
		}
		inner := indent + "  "
		b.WriteString("{\n")
		for i, k := range x.keys {
			if i > 0 {
				b.WriteString(",\n")
			}
			b.WriteString(inner)
			writeJSONString(b, k)
			b.WriteString(": ")
			writeJSON(b, x.vals[k], inner)
		}
		b.WriteString("\n" + indent + "}")
	}
}

// writeJSONString quotes like JSON.stringify: short escapes for \b \t \n \f
// \r " \, \u00xx for other controls, \udxxx for lone surrogates, everything
// else raw (U+2028, DEL and non-ASCII included).
func writeJSONString(b *strings.Builder, s string) {
	const hexdig = "0123456789abcdef"
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < 0x80 {
			b.WriteByte(c)
			i++
			continue
		}
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\f':
			b.WriteString(`\f`)
		case '\r':
			b.WriteString(`\r`)
		}
		if c < 0x80 {
			if c < 0x20 && !strings.ContainsRune("\b\t\n\f\r", rune(c)) {
				b.WriteString(`\u00`)
				b.WriteByte(hexdig[c>>4])
				b.WriteByte(hexdig[c&0xF])
			}
			i++
			continue
		}
		if r, ok := surrogateAt(s, i); ok {
			b.WriteString(`\u`)
			for sh := 12; sh >= 0; sh -= 4 {
				b.WriteByte(hexdig[(r>>sh)&0xF])
			}
			i += 3
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			// Only Go callers can hand us invalid UTF-8; JS would hold U+FFFD.
			b.WriteString("\uFFFD")
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	b.WriteByte('"')
}

// surrogateAt decodes a WTF-8 lone surrogate at s[i:].
func surrogateAt(s string, i int) (rune, bool) {
	if i+2 < len(s) && s[i] == 0xED && s[i+1] >= 0xA0 && s[i+1] <= 0xBF && s[i+2]&0xC0 == 0x80 {
		return 0xD000 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F), true
	}
	return 0, false
}

// jsString is String(v) for a parsed JSON value (undefined is "undefined").
func jsString(v jsValue, defined bool) string {
	if !defined {
		return "undefined"
	}
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		if x {
			return "true"
		}
		return "false"
	case float64:
		return openclaw.FormatJSNumber(x)
	case string:
		return x
	case []jsValue:
		// Array.prototype.join: null and undefined elements become "".
		parts := make([]string, len(x))
		for i, e := range x {
			if e != nil {
				parts[i] = jsString(e, true)
			}
		}
		return strings.Join(parts, ",")
	case *jsObject:
		return "[object Object]"
	}
	return ""
}

// toWellFormed replaces invalid UTF-8 in a Go caller's string with U+FFFD,
// as the string would be once it reached JavaScript.
func toWellFormed(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// writeCompact is JSON.stringify(v) without indentation.
func writeCompact(b *strings.Builder, v jsValue) {
	switch x := v.(type) {
	case []jsValue:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			writeCompact(b, e)
		}
		b.WriteByte(']')
	case *jsObject:
		b.WriteByte('{')
		for i, k := range x.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, k)
			b.WriteByte(':')
			writeCompact(b, x.vals[k])
		}
		b.WriteByte('}')
	default:
		writeJSON(b, v, "")
	}
}
