// Package json5 parses JSON5 (https://spec.json5.org) into a tree that keeps
// the byte offsets of every value and key.
//
// It exists because OpenClaw reads its configuration with the npm json5
// package (v2), so a config the compiler accepts must be exactly what
// JSON5.parse accepts and must decode to the same values. hujson only reads
// JWCC (JSON with comments and trailing commas), which lacks unquoted keys,
// single-quoted strings, hex numbers, Infinity/NaN and the other JSON5
// additions. The grammar here follows json5 2.2.3's lib/parse.js, including
// its quirks:
//
//   - whitespace is \t \n \v \f \r, space, U+00A0, U+FEFF (so a leading BOM
//     is just whitespace), U+2028, U+2029 and the other Unicode Zs characters;
//   - unquoted keys use json5's own identifier tables (tables.go, generated
//     by gen_tables.go): the Unicode 10 categories Lu Ll Lt Lm Lo Nl to start
//     and Mn Mc Nd Pc to continue, plus $ _ ZWNJ ZWJ. Go's unicode package is
//     newer and would accept letters json5 rejects. Each \uXXXX escape in a
//     key must name such a character by itself, so escaped surrogates fail;
//   - strings may hold raw U+2028/U+2029 and raw control characters other
//     than CR and LF;
//   - \uXXXX escapes form JavaScript UTF-16 strings: a surrogate pair becomes
//     one character, a lone surrogate becomes U+FFFD (as Node does when the
//     string is written back out as UTF-8).
//
// The source is taken as UTF-8. Invalid bytes inside strings and comments
// decode to U+FFFD the way Node's UTF-8 decoder does (one U+FFFD per maximal
// invalid subsequence); anywhere else they are a syntax error.
//
// JSON5.parse builds a JavaScript object, where a repeated key replaces the
// earlier one and "__proto__" is an ordinary own property. Here every member
// is kept in source order, and [Node.Lookup] gives the last-wins view.
package json5

//go:generate go run gen_tables.go

import (
	"fmt"
	"math"

	"github.com/openclawcfg/openclawcfg/compiler/source"
)

// Kind is the type of a JSON5 value.
type Kind uint8

// The kinds of value.
const (
	Null Kind = iota
	Bool
	Number
	String
	Object
	Array
)

var kindNames = [...]string{"null", "boolean", "number", "string", "object", "array"}

// String returns the kind's name as JavaScript's typeof would say it, except
// that Null is "null" and Array is "array".
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// Node is one parsed value. Offsets are byte offsets into the source passed to Parse.
type Node struct {
	Kind    Kind
	File    *source.File // the file the value was parsed from (ParseFile); nil from Parse
	Start   int          // first byte of the value (for strings: the opening quote; for numbers: the sign if any)
	End     int          // one past the last byte
	Bool    bool         // Kind == Bool
	Num     float64      // Kind == Number: the value as JavaScript computes it (hex, Infinity, NaN, -0, 1e400 -> +Inf)
	Str     string       // Kind == String: the decoded value
	Members []Member     // Kind == Object, in source order, duplicates kept
	Elems   []*Node      // Kind == Array
}

// Member is one key/value pair of an object.
type Member struct {
	Key      string // decoded key
	KeyStart int    // byte offset of the key's first byte (quote included)
	KeyEnd   int
	Value    *Node
}

// Span is where n is written: its file and bytes.
func (n *Node) Span() source.Span { return source.Span{File: n.File, Start: n.Start, End: n.End} }

// KeySpan is where m's key is written (in the file of its value: a member
// moved by $include merging keeps both from the file it came from).
func (m *Member) KeySpan() source.Span {
	return source.Span{File: m.Value.File, Start: m.KeyStart, End: m.KeyEnd}
}

// Lookup returns the value of the last member named key, which is the one
// JavaScript keeps, or nil if n is not an object or has no such member.
func (n *Node) Lookup(key string) *Node {
	if n == nil || n.Kind != Object {
		return nil
	}
	for i := len(n.Members) - 1; i >= 0; i-- {
		if n.Members[i].Key == key {
			return n.Members[i].Value
		}
	}
	return nil
}

// IsNumberInteger reports whether n is a Number node holding a finite value
// with no fractional part (JavaScript's Number.isInteger).
func (n *Node) IsNumberInteger() bool {
	return n != nil && n.Kind == Number && !math.IsInf(n.Num, 0) && n.Num == math.Trunc(n.Num)
}

// IsNumberInteger reports whether n is a Number node holding a finite value
// with no fractional part (JavaScript's Number.isInteger). It is the same as
// n.IsNumberInteger().
func IsNumberInteger(n *Node) bool { return n.IsNumberInteger() }

// Error is a syntax error at a byte offset.
type Error struct {
	Offset int    // byte offset of the offending byte; len(src) when the input ends too early
	Msg    string // lower-case, without position: what was found and what was expected
	// Opened is the offset of the quote or "/*" that an unterminated
	// string or comment starts at, so messages can point back to it;
	// HasOpened says whether it is set.
	Opened    int
	HasOpened bool
	// Limit is set when the input is well-formed as far as it was read
	// but exceeds Options.MaxNodes or Options.MaxEntries.
	Limit bool
}

func (e *Error) Error() string {
	return fmt.Sprintf("json5: %s at offset %d", e.Msg, e.Offset)
}

// Options limits what Parse accepts.
type Options struct {
	MaxDepth int // 0 means DefaultMaxDepth (200)
	MaxBytes int // 0 means DefaultMaxBytes (8 << 20); at most math.MaxInt32
	// MaxNodes bounds the values of the document (containers, and every
	// element and member value); 0 means no bound. Parsing stops at the
	// first value past it, so memory stays proportional to the bound.
	MaxNodes int
	// MaxEntries bounds the elements of one array and the members of one
	// object (duplicates included); 0 means no bound.
	MaxEntries int
}

// Default limits. npm json5 has none; these keep hostile input cheap.
const (
	DefaultMaxDepth = 200
	DefaultMaxBytes = 8 << 20
)

// Parse parses one JSON5 document. It never panics, runs in time and memory
// linear in len(src), and is safe for concurrent use. The error is always an
// *Error.
//
// All decoded strings and keys share one allocation, so holding any of
// them keeps that (at most len(src) bytes) alive. Parse does not retain src.
func Parse(src []byte, opt Options) (*Node, error) {
	return parseFile(src, nil, opt)
}

// ParseFile parses f's text as Parse does, and records f in every node, so
// that each value's Span names its file.
func ParseFile(f *source.File, opt Options) (*Node, error) {
	return parseFile(f.Text, f, opt)
}

func parseFile(src []byte, f *source.File, opt Options) (*Node, error) {
	maxBytes := opt.MaxBytes
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	maxBytes = min(maxBytes, math.MaxInt32) // offsets are kept as int32 while parsing
	if len(src) > maxBytes {
		return nil, &Error{Offset: maxBytes, Msg: fmt.Sprintf("input larger than %d bytes", maxBytes)}
	}
	maxDepth := opt.MaxDepth
	if maxDepth <= 0 {
		maxDepth = DefaultMaxDepth
	}
	n, err := parse(src, f, limits{maxDepth: maxDepth, maxNodes: opt.MaxNodes, maxEntries: opt.MaxEntries})
	if err != nil {
		return nil, err
	}
	return n, nil
}

// PlainKey reports whether s can be written as an unquoted JSON5 key. It
// takes ASCII identifiers only (JSON5 allows any Unicode ID_Start letter):
// the keys openclawcfg writes never need more, and a quoted key is always
// right.
func PlainKey(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '$' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return s != ""
}
