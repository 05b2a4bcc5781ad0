package json5

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/openclawcfg/openclawcfg/compiler/source"
)

// parser is an explicit-stack parser: open containers live in p.stack
// rather than on the Go call stack, so nesting costs no Go stack.
//
// It builds the tree in pooled, pointer-free scratch (growing it is a plain
// memmove and the GC never scans it), then finish copies that into
// exact-size results: one []Node, one []Member, one []*Node and one string
// holding every decoded string and key, whatever the input.
type parser struct {
	src  []byte
	file *source.File
	pos  int
	limits

	nodes   []snode   // every value in creation order; nodes[0] is the root
	stack   []frame   // open containers, innermost last
	pendM   []pmember // members of open objects, innermost last
	pendE   []int32   // element node indexes of open arrays, innermost last
	members []pmember // members of closed objects, each object's contiguous
	elems   []int32   // elements of closed arrays, each array's contiguous
	spans   []span    // where each closed non-empty container's children are
	text    []byte    // decoded strings and keys, back to back
}

// snode is the scratch form of a Node. Offsets fit in int32 because
// Parse caps inputs below 2 GiB.
type snode struct {
	kind       Kind
	b          bool
	start, end int32
	x          uint64 // Number: float64 bits; String: offset in text << 32 | length
}

type pmember struct {
	ks, ke     int32 // key span in src
	koff, klen int32 // decoded key in text
	value      int32 // node index
}

type frame struct {
	node  int32 // node index
	base  int32 // index in pendM or pendE of this container's first child
	after bool  // a child was just read: expect ',' or the closing bracket
}

type span struct{ node, off, n int32 }

// limits are Options' bounds; 0 means none for nodes and entries.
type limits struct{ maxDepth, maxNodes, maxEntries int }

var parserPool = sync.Pool{New: func() any { return new(parser) }}

// maxPooledNodes bounds the scratch a pooled parser keeps after a big input.
const maxPooledNodes = 1 << 16

func parse(src []byte, f *source.File, lim limits) (*Node, *Error) {
	p := parserPool.Get().(*parser)
	p.src, p.file, p.pos, p.limits = src, f, 0, lim
	root, err := p.parse()
	p.src, p.file = nil, nil
	if cap(p.nodes) > maxPooledNodes || cap(p.text) > maxPooledNodes*8 {
		*p = parser{}
	}
	p.nodes, p.stack, p.pendM, p.pendE = p.nodes[:0], p.stack[:0], p.pendM[:0], p.pendE[:0]
	p.members, p.elems, p.spans, p.text = p.members[:0], p.elems[:0], p.spans[:0], p.text[:0]
	parserPool.Put(p)
	return root, err
}

func (p *parser) add(k Kind, start, end int, x uint64) {
	p.nodes = append(p.nodes, snode{kind: k, start: int32(start), end: int32(end), x: x})
	p.pos = end
}

func (p *parser) push(node int) *Error {
	if len(p.stack) >= p.maxDepth {
		return &Error{Offset: int(p.nodes[node].start), Msg: fmt.Sprintf("nesting deeper than %d levels", p.maxDepth)}
	}
	base := len(p.pendM)
	if p.nodes[node].kind == Array {
		base = len(p.pendE)
	}
	p.stack = append(p.stack, frame{node: int32(node), base: int32(base)})
	return nil
}

// bounded checks the child just read (its member or element starting at
// at) against MaxNodes, and its open container (whose children so far are
// pend[base:n]) against MaxEntries. f.base stays valid while the value is
// read: nothing is pushed meanwhile.
func (p *parser) bounded(base int32, n, at int) *Error {
	if p.maxNodes > 0 && len(p.nodes) > p.maxNodes {
		return &Error{Offset: at, Limit: true, Msg: fmt.Sprintf("more than %d values", p.maxNodes)}
	}
	if p.maxEntries > 0 && n-int(base) >= p.maxEntries {
		what := "items in one list"
		if p.nodes[p.stack[len(p.stack)-1].node].kind == Object {
			what = "keys in one object"
		}
		return &Error{Offset: at, Limit: true, Msg: fmt.Sprintf("more than %d %s", p.maxEntries, what)}
	}
	return nil
}

// closeTop finishes the innermost container at the closing bracket at p.pos.
func (p *parser) closeTop() {
	f := p.stack[len(p.stack)-1]
	p.stack = p.stack[:len(p.stack)-1]
	n := &p.nodes[f.node]
	p.pos++
	n.end = int32(p.pos)
	if n.kind == Object {
		if k := len(p.pendM) - int(f.base); k > 0 {
			p.spans = append(p.spans, span{f.node, int32(len(p.members)), int32(k)})
			p.members = append(p.members, p.pendM[f.base:]...)
			p.pendM = p.pendM[:f.base]
		}
	} else if k := len(p.pendE) - int(f.base); k > 0 {
		p.spans = append(p.spans, span{f.node, int32(len(p.elems)), int32(k)})
		p.elems = append(p.elems, p.pendE[f.base:]...)
		p.pendE = p.pendE[:f.base]
	}
}

// finish converts the scratch tree into the result.
func (p *parser) finish() *Node {
	text := string(p.text)
	out := make([]Node, len(p.nodes))
	for i := range p.nodes {
		sn, n := &p.nodes[i], &out[i]
		n.Kind, n.File, n.Start, n.End = sn.kind, p.file, int(sn.start), int(sn.end)
		switch sn.kind {
		case Bool:
			n.Bool = sn.b
		case Number:
			n.Num = math.Float64frombits(sn.x)
		case String:
			off := sn.x >> 32
			n.Str = text[off : off+sn.x&math.MaxUint32]
		}
	}
	var ms []Member
	if len(p.members) > 0 {
		ms = make([]Member, len(p.members))
		for i, m := range p.members {
			ms[i] = Member{
				Key:      text[m.koff : m.koff+m.klen],
				KeyStart: int(m.ks),
				KeyEnd:   int(m.ke),
				Value:    &out[m.value],
			}
		}
	}
	var es []*Node
	if len(p.elems) > 0 {
		es = make([]*Node, len(p.elems))
		for i, e := range p.elems {
			es[i] = &out[e]
		}
	}
	for _, sp := range p.spans {
		lo, hi := sp.off, sp.off+sp.n
		if n := &out[sp.node]; n.Kind == Object {
			n.Members = ms[lo:hi:hi]
		} else {
			n.Elems = es[lo:hi:hi]
		}
	}
	return &out[0]
}

func (p *parser) parse() (*Node, *Error) {
	if err := p.ws(); err != nil {
		return nil, err
	}
	if err := p.value(""); err != nil {
		return nil, err
	}
	if p.nodes[0].kind >= Object {
		if err := p.push(0); err != nil {
			return nil, err
		}
	}
	s := p.src
	for len(p.stack) > 0 {
		if err := p.ws(); err != nil {
			return nil, err
		}
		f := &p.stack[len(p.stack)-1]
		if p.nodes[f.node].kind == Object {
			if f.after {
				if p.pos < len(s) && s[p.pos] == ',' {
					p.pos++
					f.after = false
					continue
				}
				if p.pos < len(s) && s[p.pos] == '}' {
					p.closeTop()
					continue
				}
				return nil, p.errAt(p.pos, "in object", "'}' or ','")
			}
			if p.pos < len(s) && s[p.pos] == '}' {
				p.closeTop()
				continue
			}
			ks := p.pos
			koff := len(p.text)
			if err := p.key(); err != nil {
				return nil, err
			}
			ke, klen := p.pos, len(p.text)-koff
			if err := p.ws(); err != nil {
				return nil, err
			}
			if p.pos >= len(s) || s[p.pos] != ':' {
				return nil, p.errAt(p.pos, "in object", "':' after property name")
			}
			p.pos++
			if err := p.ws(); err != nil {
				return nil, err
			}
			if err := p.value("in object"); err != nil {
				return nil, err
			}
			if err := p.bounded(f.base, len(p.pendM), ks); err != nil {
				return nil, err
			}
			p.pendM = append(p.pendM, pmember{
				ks: int32(ks), ke: int32(ke),
				koff: int32(koff), klen: int32(klen),
				value: int32(len(p.nodes) - 1),
			})
		} else {
			if f.after {
				if p.pos < len(s) && s[p.pos] == ',' {
					p.pos++
					f.after = false
					continue
				}
				if p.pos < len(s) && s[p.pos] == ']' {
					p.closeTop()
					continue
				}
				return nil, p.errAt(p.pos, "in array", "']' or ','")
			}
			if p.pos < len(s) && s[p.pos] == ']' {
				p.closeTop()
				continue
			}
			if err := p.value("in array"); err != nil {
				return nil, err
			}
			if err := p.bounded(f.base, len(p.pendE), int(p.nodes[len(p.nodes)-1].start)); err != nil {
				return nil, err
			}
			p.pendE = append(p.pendE, int32(len(p.nodes)-1))
		}
		f.after = true // f is still valid: nothing was pushed since it was taken
		if v := len(p.nodes) - 1; p.nodes[v].kind >= Object {
			if err := p.push(v); err != nil {
				return nil, err
			}
		}
	}
	if err := p.ws(); err != nil {
		return nil, err
	}
	if p.pos < len(s) {
		return nil, p.errAt(p.pos, "after top-level value", "end of input")
	}
	return p.finish(), nil
}

// Byte classes for the hot loops.
const (
	clsSpace    = 1 << iota // ASCII whitespace
	clsIDStart              // ASCII identifier start: letters, $, _
	clsIDCont               // ASCII identifier continue: the above plus digits
	clsStrPlain             // may appear unescaped in a string and needs no attention
)

var class = func() (t [256]uint8) {
	for _, c := range "\t\n\v\f\r " {
		t[c] |= clsSpace
	}
	for c := 0; c < utf8.RuneSelf; c++ {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '$', c == '_':
			t[c] |= clsIDStart | clsIDCont
		case c >= '0' && c <= '9':
			t[c] |= clsIDCont
		}
		if c != '"' && c != '\'' && c != '\\' && c != '\n' && c != '\r' {
			t[c] |= clsStrPlain
		}
	}
	return t
}()

// isSpace reports whether the non-ASCII rune r is json5 whitespace.
func isSpace(r rune) bool {
	switch r {
	case 0xA0, 0xFEFF, 0x2028, 0x2029, 0x1680, 0x202F, 0x205F, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200A
}

func isIDStart(r rune) bool {
	if r < utf8.RuneSelf {
		return class[r]&clsIDStart != 0
	}
	return unicode.Is(idStartTable, r)
}

func isIDContinue(r rune) bool {
	if r < utf8.RuneSelf {
		return class[r]&clsIDCont != 0
	}
	return unicode.Is(idContinueTable, r)
}

// decode decodes the character at s[i]. ok is false for invalid UTF-8, in
// which case size is the length of the maximal invalid subsequence, which
// Node's decoder replaces with a single U+FFFD.
func decode(s []byte, i int) (r rune, size int, ok bool) {
	if c := s[i]; c < utf8.RuneSelf {
		return rune(c), 1, true
	}
	r, size = utf8.DecodeRune(s[i:])
	if r != utf8.RuneError || size != 1 {
		return r, size, true
	}
	return utf8.RuneError, invalidLen(s, i), false
}

// invalidLen is the length of the longest prefix of s[i:] that starts a
// well-formed UTF-8 sequence (at least 1), as the WHATWG decoder counts.
func invalidLen(s []byte, i int) int {
	lo, hi := byte(0x80), byte(0xBF)
	var need int
	switch c := s[i]; {
	case c >= 0xC2 && c <= 0xDF:
		need = 1
	case c == 0xE0:
		need, lo = 2, 0xA0
	case c == 0xED:
		need, hi = 2, 0x9F
	case c >= 0xE1 && c <= 0xEF:
		need = 2
	case c == 0xF0:
		need, lo = 3, 0x90
	case c == 0xF4:
		need, hi = 3, 0x8F
	case c >= 0xF1 && c <= 0xF3:
		need = 3
	default:
		return 1
	}
	n := 1
	for ; n <= need && i+n < len(s); n++ {
		if b := s[i+n]; b < lo || b > hi {
			break
		}
		lo, hi = 0x80, 0xBF
	}
	return n
}

// ws skips whitespace and comments.
func (p *parser) ws() *Error {
	s := p.src
	i := p.pos
	for i < len(s) {
		c := s[i]
		if class[c]&clsSpace != 0 {
			i++
			continue
		}
		if c == '/' {
			if i+1 >= len(s) {
				return p.errAt(i+1, "", "'/' or '*' after '/' to start a comment")
			}
			switch s[i+1] {
			case '/':
				// Ends at CR, LF, U+2028 or U+2029; the terminator is whitespace.
				// Byte matching is exact: a decoder never swallows an ASCII
				// byte or 0xE2 into an invalid sequence before it.
				i += 2
				for i < len(s) {
					c := s[i]
					if c == '\n' || c == '\r' || c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xA8 || s[i+2] == 0xA9) {
						break
					}
					i++
				}
			case '*':
				j := bytes.Index(s[i+2:], []byte("*/"))
				if j < 0 {
					return &Error{Offset: len(s), Msg: "unterminated block comment", Opened: i, HasOpened: true}
				}
				i += 2 + j + 2
			default:
				return p.errAt(i+1, "", "'/' or '*' after '/' to start a comment")
			}
			continue
		}
		if c < utf8.RuneSelf {
			break
		}
		r, size, ok := decode(s, i)
		if !ok || !isSpace(r) {
			break
		}
		i += size
	}
	p.pos = i
	return nil
}

// value reads the value at p.pos, which ws has left on a non-space byte,
// and appends its node. Containers are left open (only their bracket
// consumed) for the caller to push. where names the context for errors.
func (p *parser) value(where string) *Error {
	s := p.src
	i := p.pos
	if i >= len(s) {
		return p.errAt(i, where, "a value")
	}
	switch c := s[i]; c {
	case '{':
		p.add(Object, i, i+1, 0)
		return nil
	case '[':
		p.add(Array, i, i+1, 0)
		return nil
	case '"', '\'':
		off := len(p.text)
		if err := p.str(); err != nil {
			return err
		}
		p.add(String, i, p.pos, uint64(off)<<32|uint64(len(p.text)-off))
		return nil
	case 'n':
		if bytes.HasPrefix(s[i:], []byte("null")) {
			return p.literal(Null, i, i, 4, 0)
		}
	case 't':
		if bytes.HasPrefix(s[i:], []byte("true")) {
			if err := p.literal(Bool, i, i, 4, 0); err != nil {
				return err
			}
			p.nodes[len(p.nodes)-1].b = true
			return nil
		}
	case 'f':
		if bytes.HasPrefix(s[i:], []byte("false")) {
			return p.literal(Bool, i, i, 5, 0)
		}
	case 'I':
		if bytes.HasPrefix(s[i:], []byte("Infinity")) {
			return p.literal(Number, i, i, 8, math.Float64bits(math.Inf(1)))
		}
	case 'N':
		if bytes.HasPrefix(s[i:], []byte("NaN")) {
			return p.literal(Number, i, i, 3, math.Float64bits(math.NaN()))
		}
	case '-', '+', '.', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return p.number()
	}
	if w := p.word(i); w != "" {
		return &Error{Offset: i, Msg: fmt.Sprintf("unexpected identifier %s%s (expected a value; strings must be quoted)", quoteWord(w), spaced(where))}
	}
	if r, _, _ := decode(s, i); r >= 0x2018 && r <= 0x201F {
		return p.errAt(i, where, "a value; strings need straight quotes")
	}
	return p.errAt(i, where, "a value")
}

// literal adds a keyword value spanning start to word+length. json5 ends
// the token after the keyword, so "nullx" fails on the 'x'; we report such
// a run as one unexpected word instead.
func (p *parser) literal(k Kind, start, word, length int, x uint64) *Error {
	end := word + length
	if end < len(p.src) {
		if r, _, ok := decode(p.src, end); ok && isIDContinue(r) {
			return &Error{Offset: word, Msg: fmt.Sprintf("unexpected identifier %s (expected a value; strings must be quoted)", quoteWord(p.word(word)))}
		}
	}
	p.add(k, start, end, x)
	return nil
}

// word returns the identifier-like run at s[i:], for error messages, or "".
func (p *parser) word(i int) string {
	s := p.src
	r, size, ok := decode(s, i)
	if !ok || !isIDStart(r) {
		return ""
	}
	j := i + size
	for j < len(s) {
		r, size, ok := decode(s, j)
		if !ok || !isIDContinue(r) {
			break
		}
		j += size
	}
	return string(s[i:j])
}

func quoteWord(w string) string {
	const max = 40
	if len(w) > max {
		k := max
		for k > 0 && !utf8.RuneStart(w[k]) {
			k--
		}
		w = w[:k] + "…"
	}
	return "'" + w + "'"
}

func spaced(where string) string {
	if where == "" {
		return ""
	}
	return " " + where
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func hexVal(c byte) uint64 {
	switch {
	case c <= '9':
		return uint64(c - '0')
	case c >= 'a':
		return uint64(c-'a') + 10
	default:
		return uint64(c-'A') + 10
	}
}

// number reads a number at p.pos: [+-] then Infinity, NaN, 0x hex, or a
// decimal with optional leading or trailing point and exponent.
func (p *parser) number() *Error {
	s := p.src
	start := p.pos
	i := start
	neg := false
	if c := s[i]; c == '-' || c == '+' {
		neg = c == '-'
		i++
		expected := func() string { return fmt.Sprintf("a digit, 'Infinity' or 'NaN' after '%c'", c) }
		switch {
		case i >= len(s):
			return p.errAt(i, "in number", expected())
		case bytes.HasPrefix(s[i:], []byte("Infinity")):
			inf := math.Inf(1)
			if neg {
				inf = math.Inf(-1)
			}
			return p.literal(Number, start, i, 8, math.Float64bits(inf))
		case bytes.HasPrefix(s[i:], []byte("NaN")):
			return p.literal(Number, start, i, 3, math.Float64bits(math.NaN()))
		case !isDigit(s[i]) && s[i] != '.':
			if w := p.word(i); w != "" {
				return &Error{Offset: i, Msg: fmt.Sprintf("unexpected identifier %s in number (expected %s)", quoteWord(w), expected())}
			}
			return p.errAt(i, "in number", expected())
		}
	}
	if s[i] == '0' && i+1 < len(s) && (s[i+1] == 'x' || s[i+1] == 'X') {
		return p.hex(start, i+2, neg)
	}
	// mant holds the significant digits (exactly, while nd <= 19).
	intStart := i
	var mant uint64
	nd, fracDigits := 0, 0
	for i < len(s) && isDigit(s[i]) {
		if mant != 0 || s[i] != '0' {
			mant = mant*10 + uint64(s[i]-'0')
			nd++
		}
		i++
	}
	if digits := i - intStart; digits > 1 && s[intStart] == '0' {
		return &Error{Offset: intStart + 1, Msg: "leading zeros are not allowed in numbers"}
	}
	if i < len(s) && s[i] == '.' {
		i++
		fracStart := i
		for i < len(s) && isDigit(s[i]) {
			if mant != 0 || s[i] != '0' {
				mant = mant*10 + uint64(s[i]-'0')
				nd++
			}
			i++
		}
		fracDigits = i - fracStart
		if fracStart-1 == intStart && fracDigits == 0 {
			return p.errAt(i, "in number", "a digit after '.'")
		}
	}
	exp := 0
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		e := i
		i++
		eneg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			eneg = s[i] == '-'
			i++
		}
		if i >= len(s) || !isDigit(s[i]) {
			return p.errAt(i, "in number", fmt.Sprintf("a digit after '%s'", s[e:i]))
		}
		for ; i < len(s) && isDigit(s[i]); i++ {
			if exp < 1e8 {
				exp = exp*10 + int(s[i]-'0')
			}
		}
		if eneg {
			exp = -exp
		}
	}
	exp -= fracDigits
	var f float64
	switch {
	case nd == 0:
		f = 0
	case nd <= 15 && exp >= -22 && exp <= 22:
		// Clinger's fast path: both operands are exact, so the one
		// rounding of * or / gives the correctly rounded result.
		f = float64(mant)
		if exp >= 0 {
			f *= pow10[exp]
		} else {
			f /= pow10[-exp]
		}
	default:
		// The text is validated and within Go's float syntax. On overflow
		// ParseFloat returns ±Inf with ErrRange, as Number gives Infinity.
		f, _ = strconv.ParseFloat(string(s[intStart:i]), 64)
	}
	if neg {
		f = -f
	}
	p.add(Number, start, i, math.Float64bits(f))
	return nil
}

var pow10 = [...]float64{
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
}

// hex reads the digits of a hex number whose sign (if any) starts at start.
func (p *parser) hex(start, i int, neg bool) *Error {
	s := p.src
	ds := i
	var mant uint64
	for i < len(s) && isHex(s[i]) {
		mant = mant<<4 | hexVal(s[i])
		i++
	}
	if i == ds {
		return p.errAt(i, "in number", fmt.Sprintf("a hex digit after '%s'", s[ds-2:ds]))
	}
	var f float64
	if i-ds <= 13 {
		f = float64(mant) // exact: at most 52 bits
	} else {
		// Rounds to nearest even as Number does; overflow gives +Inf.
		f, _ = strconv.ParseFloat("0x"+string(s[ds:i])+"p0", 64)
	}
	if neg {
		f = -f
	}
	p.add(Number, start, i, math.Float64bits(f))
	return nil
}

// str reads the quoted string at p.pos, appending its value to p.text.
func (p *parser) str() *Error {
	s := p.src
	q := s[p.pos]
	i := p.pos + 1
	for i < len(s) {
		c := s[i]
		if class[c]&clsStrPlain != 0 {
			i++
			continue
		}
		if c == q {
			p.text = append(p.text, s[p.pos+1:i]...)
			p.pos = i + 1
			return nil
		}
		if c < utf8.RuneSelf {
			if c == '"' || c == '\'' {
				i++ // the other quote
				continue
			}
			break // backslash or line break
		}
		r, size := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && size == 1 {
			break
		}
		i += size
	}
	return p.strSlow(q, i)
}

// strSlow decodes the rest of a string from s[i], the first byte that is
// not copied verbatim. The value is what JavaScript's UTF-16 string would
// hold, converted to UTF-8: pending is a high surrogate from a \u escape
// that a following \u low surrogate may complete.
func (p *parser) strSlow(q byte, i int) *Error {
	s := p.src
	b := append(p.text, s[p.pos+1:i]...)
	var pending rune
	for {
		if i >= len(s) {
			return &Error{Offset: len(s), Msg: "unterminated string", Opened: p.pos, HasOpened: true}
		}
		c := s[i]
		var r rune
		switch {
		case c == q:
			if pending != 0 {
				b = utf8.AppendRune(b, utf8.RuneError)
			}
			p.text = b
			p.pos = i + 1
			return nil
		case c == '\n' || c == '\r':
			return &Error{Offset: i, Msg: fmt.Sprintf("invalid character %s in string (expected closing %s; escape line breaks as \\n)", quoteRune(rune(c)), quoteRune(rune(q)))}
		case c == '\\':
			var err *Error
			if r, i, err = p.escape(i); err != nil {
				return err
			}
			if r < 0 {
				continue // line continuation: adds nothing, keeps pending
			}
		case c < utf8.RuneSelf:
			r = rune(c)
			i++
		default:
			var size int
			r, size, _ = decode(s, i)
			i += size
		}
		switch {
		case r >= 0xDC00 && r <= 0xDFFF && pending != 0:
			r = 0x10000 + (pending-0xD800)<<10 + (r - 0xDC00)
			pending = 0
		case pending != 0:
			b = utf8.AppendRune(b, utf8.RuneError)
			pending = 0
		}
		if r >= 0xD800 && r <= 0xDBFF {
			pending = r
			continue
		}
		b = utf8.AppendRune(b, r) // a lone low surrogate becomes U+FFFD
	}
}

// escape decodes the escape sequence whose backslash is at s[i]. It
// returns the UTF-16 code unit or code point it stands for (-1 for a line
// continuation) and the offset after it.
func (p *parser) escape(i int) (rune, int, *Error) {
	s := p.src
	j := i + 1
	if j >= len(s) {
		return 0, 0, &Error{Offset: len(s), Msg: "unterminated string", Opened: p.pos, HasOpened: true}
	}
	switch c := s[j]; c {
	case 'b':
		return '\b', j + 1, nil
	case 'f':
		return '\f', j + 1, nil
	case 'n':
		return '\n', j + 1, nil
	case 'r':
		return '\r', j + 1, nil
	case 't':
		return '\t', j + 1, nil
	case 'v':
		return '\v', j + 1, nil
	case '0':
		if j+1 < len(s) && isDigit(s[j+1]) {
			return 0, 0, &Error{Offset: i, Msg: fmt.Sprintf("invalid escape sequence '\\0%c' (\\0 must not be followed by a digit)", s[j+1])}
		}
		return 0, j + 1, nil
	case '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return 0, 0, &Error{Offset: i, Msg: fmt.Sprintf("invalid escape sequence '\\%c'", c)}
	case 'x':
		return p.hexEscape(i, j+1, 2)
	case 'u':
		return p.hexEscape(i, j+1, 4)
	case '\n':
		return -1, j + 1, nil
	case '\r':
		if j+1 < len(s) && s[j+1] == '\n' {
			return -1, j + 2, nil
		}
		return -1, j + 1, nil
	}
	r, size, _ := decode(s, j)
	if r == 0x2028 || r == 0x2029 {
		return -1, j + size, nil
	}
	return r, j + size, nil // any other character stands for itself
}

// hexEscape reads n hex digits at s[j] for the escape starting at s[i].
func (p *parser) hexEscape(i, j, n int) (rune, int, *Error) {
	s := p.src
	var r rune
	for k := 0; k < n; k++ {
		if j+k >= len(s) {
			return 0, 0, &Error{Offset: len(s), Msg: "unterminated string", Opened: p.pos, HasOpened: true}
		}
		c := s[j+k]
		if !isHex(c) {
			seq := string(s[i : j+k])
			if c > ' ' && c < utf8.RuneSelf && c != '"' && c != '\'' && c != '\\' {
				seq += string(rune(c))
			}
			return 0, 0, &Error{Offset: i, Msg: fmt.Sprintf("invalid escape sequence '%s' (expected %d hex digits after '%s')", seq, n, s[i:j])}
		}
		r = r<<4 | rune(hexVal(c))
	}
	return r, j + n, nil
}

// key reads a property name at p.pos, a quoted string or an identifier,
// appending its decoded value to p.text.
func (p *parser) key() *Error {
	s := p.src
	i := p.pos
	if i >= len(s) {
		return p.errAt(i, "in object", "a property name or '}'")
	}
	c := s[i]
	if c == '"' || c == '\'' {
		return p.str()
	}
	if class[c]&clsIDStart != 0 {
		i++
	} else if c == '\\' {
		return p.keySlow(i)
	} else if r, size, ok := decode(s, i); c >= utf8.RuneSelf && ok && isIDStart(r) {
		i += size
	} else {
		return p.errAt(i, "in object", "a property name or '}'")
	}
	for i < len(s) {
		c := s[i]
		if class[c]&clsIDCont != 0 {
			i++
			continue
		}
		if c == '\\' {
			return p.keySlow(i)
		}
		if c < utf8.RuneSelf {
			break
		}
		r, size, ok := decode(s, i)
		if !ok || !isIDContinue(r) {
			break
		}
		i += size
	}
	p.text = append(p.text, s[p.pos:i]...)
	p.pos = i
	return nil
}

// keySlow finishes an identifier key from s[i] once a \uXXXX escape turns
// up. json5 checks each escape on its own, so escaped surrogates never pair.
func (p *parser) keySlow(i int) *Error {
	s := p.src
	b := append(p.text, s[p.pos:i]...)
	first := i == p.pos
	for i < len(s) {
		c := s[i]
		if c == '\\' {
			if i+1 >= len(s) {
				return &Error{Offset: len(s), Msg: `unexpected end of input (expected \uXXXX escape in property name)`}
			}
			if s[i+1] != 'u' {
				return p.errAt(i+1, `after '\' in property name`, `'u'; unquoted keys allow only \uXXXX escapes`)
			}
			r, end, err := p.hexEscape(i, i+2, 4)
			if err != nil {
				if err.Offset == len(s) {
					err.Msg = `unexpected end of input (expected 4 hex digits after '\u' in property name)`
				}
				return err
			}
			if first && !isIDStart(r) || !first && !isIDContinue(r) {
				return &Error{Offset: i, Msg: fmt.Sprintf("escape '%s' in unquoted property name is not an identifier character (quote the key)", s[i:end])}
			}
			b = utf8.AppendRune(b, r)
			i = end
		} else {
			r, size, ok := decode(s, i)
			if !ok || !isIDContinue(r) {
				break
			}
			b = append(b, s[i:i+size]...)
			i += size
		}
		first = false
	}
	p.text = b
	p.pos = i
	return nil
}

// errAt reports what is at s[i] (or the end of input) where something
// else was expected.
func (p *parser) errAt(i int, where, expected string) *Error {
	s := p.src
	if i >= len(s) {
		return &Error{Offset: len(s), Msg: "unexpected end of input (expected " + expected + spaced(where) + ")"}
	}
	var found string
	if r, _, ok := decode(s, i); ok {
		found = "invalid character " + quoteRune(r)
	} else {
		found = fmt.Sprintf("invalid UTF-8 byte 0x%02X", s[i])
	}
	return &Error{Offset: i, Msg: found + spaced(where) + " (expected " + expected + ")"}
}

// quoteRune shows r as written, or as U+XXXX when it would be invisible.
func quoteRune(r rune) string {
	switch r {
	case '\n':
		return `'\n'`
	case '\r':
		return `'\r'`
	case '\t':
		return `'\t'`
	case '\'':
		return `"'"`
	case ' ':
		return "' ' (a space)"
	}
	if unicode.IsGraphic(r) && !unicode.IsSpace(r) && !unicode.Is(unicode.Mn, r) {
		return "'" + string(r) + "'"
	}
	return fmt.Sprintf("U+%04X", r)
}
