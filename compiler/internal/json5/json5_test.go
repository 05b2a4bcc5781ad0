package json5

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"
	"github.com/tailscale/hujson"
)

// toAny converts n to what encoding/json would decode the same value to,
// resolving duplicate keys as JavaScript does (last wins).
func toAny(n *Node) any {
	switch n.Kind {
	case Null:
		return nil
	case Bool:
		return n.Bool
	case Number:
		return n.Num
	case String:
		return n.Str
	case Array:
		a := make([]any, len(n.Elems))
		for i, e := range n.Elems {
			a[i] = toAny(e)
		}
		return a
	}
	m := make(map[string]any, len(n.Members))
	for _, mb := range n.Members {
		m[mb.Key] = toAny(mb.Value)
	}
	return m
}

func mustParse(t testing.TB, in string) *Node {
	t.Helper()
	n, err := Parse([]byte(in), Options{})
	if err != nil {
		t.Fatalf("Parse(%q): %v", in, err)
	}
	return n
}

type (
	obj = map[string]any
	arr = []any
)

func TestValues(t *testing.T) {
	tests := []struct {
		in   string
		want any
	}{
		// top-level scalars, surrounded by whitespace and comments
		{"null", nil},
		{"true", true},
		{" false ", false},
		{"/* a */ 1 // b", 1.0},
		{"// only\n'x'", "x"},
		{"\ufeff{}", obj{}},             // BOM is whitespace
		{"\ufeff\ufeff[\ufeff]", arr{}}, // anywhere
		{"\t\v\f \u00a0\u2028\u2029\u1680\u2000\u200a\u202f\u205f\u3000\r\n1", 1.0},
		{"// comment ends at CR\r2", 2.0},
		{"// ends at U+2028\u20283", 3.0},
		{"// ends at U+2029\u20294", 4.0},
		{"/**/5/***/", 5.0},
		{"/* * / ** */6", 6.0},
		{"[1 /* c */, /* d */ 2 // e\n]", arr{1.0, 2.0}},

		// objects and arrays
		{"{}", obj{}},
		{"[]", arr{}},
		{"{a:1,}", obj{"a": 1.0}},
		{"[1,]", arr{1.0}},
		{"[[],[[]],{}]", arr{arr{}, arr{arr{}}, obj{}}},
		{"{a:{b:{c:[1,{d:2}]}}}", obj{"a": obj{"b": obj{"c": arr{1.0, obj{"d": 2.0}}}}}},
		{"{a:1,a:2}", obj{"a": 2.0}},
		{"{__proto__:1}", obj{"__proto__": 1.0}},

		// keys
		{"{$:1,_:2,a1:3,$_a$:4}", obj{"$": 1.0, "_": 2.0, "a1": 3.0, "$_a$": 4.0}},
		{`{"a b":1,'c"d':2,"":3}`, obj{"a b": 1.0, `c"d`: 2.0, "": 3.0}},
		{`{\u0061b:1}`, obj{"ab": 1.0}},
		{`{a\u0062:1}`, obj{"ab": 1.0}},
		{`{\u0024:1, \u005f:2}`, obj{"$": 1.0, "_": 2.0}},
		{"{é:1, ñandú:2, Ωμέγα:3, 日本:4}", obj{"é": 1.0, "ñandú": 2.0, "Ωμέγα": 3.0, "日本": 4.0}},
		{"{a\u200cb:1, a\u200d:2}", obj{"a\u200cb": 1.0, "a\u200d": 2.0}},
		{`{a\u200C:1}`, obj{"a\u200c": 1.0}},
		{"{a\u0301:1}", obj{"a\u0301": 1.0}}, // Mn continues
		{"{a\u0660:1}", obj{"a\u0660": 1.0}}, // Nd continues
		{"{a\u203f:1}", obj{"a\u203f": 1.0}}, // Pc continues
		{"{\u2160:1}", obj{"\u2160": 1.0}},   // Nl starts
		{"{\U0001d465:1}", obj{"\U0001d465": 1.0}},
		{"{null:1,true:2,Infinity:3,NaN:4}", obj{"null": 1.0, "true": 2.0, "Infinity": 3.0, "NaN": 4.0}},
		{"{a /* c */ : /* d */ 1}", obj{"a": 1.0}},

		// strings
		{`"abc"`, "abc"},
		{`'abc'`, "abc"},
		{`'a"b'`, `a"b`},
		{`"a'b"`, "a'b"},
		{`'\''`, "'"},
		{`"\""`, `"`},
		{`"\b\f\n\r\t\v\0\\\/"`, "\b\f\n\r\t\v\x00\\/"},
		{`"\x41\x7e\xe9\xFF"`, "A~éÿ"},
		{`"\u0041\u00e9\u4E2D"`, "Aé中"},
		{`"\uD83D\uDE00"`, "😀"},
		{`"\ud83d\ude00"`, "😀"},
		{`"\uD83D"`, "\ufffd"},
		{`"\uDE00"`, "\ufffd"},
		{`"\uDE00\uD83D"`, "\ufffd\ufffd"},
		{`"\uD83D\u0041"`, "\ufffdA"},
		{`"\uD83Dx\uDE00"`, "\ufffdx\ufffd"},
		{`"\uD800\uD83D\uDE00"`, "\ufffd😀"},
		{"\"\\uD83D\\\n\\uDE00\"", "😀"}, // a line continuation adds nothing, so the pair still forms
		{`"\a\c\d\e\g\q\z\ \é"`, "acdegqz é"},
		{`"\01"`[:3] + `"`, "\x00"},
		{`"\0a"`, "\x00a"},
		{"\"a\\\nb\"", "ab"},
		{"\"a\\\r\nb\"", "ab"},
		{"\"a\\\rb\"", "ab"},
		{"\"a\\\u2028b\\\u2029c\"", "abc"},
		{"\"a\u2028b\u2029c\"", "a\u2028b\u2029c"},
		{"\"tab\there\x00nul\x7f\"", "tab\there\x00nul\x7f"},
		{"'日本語 😀'", "日本語 😀"},
		{"\"\\\u00e9\"", "é"},

		// numbers
		{"0", 0.0},
		{"123", 123.0},
		{"-123", -123.0},
		{"+123", 123.0},
		{"1.5", 1.5},
		{".5", 0.5},
		{"5.", 5.0},
		{"+.5", 0.5},
		{"-5.", -5.0},
		{"0.", 0.0},
		{"1e3", 1000.0},
		{"1E+3", 1000.0},
		{"1e-3", 0.001},
		{"5.e2", 500.0},
		{".5e1", 5.0},
		{"0e5", 0.0},
		{"0x10", 16.0},
		{"0XfF", 255.0},
		{"-0x10", -16.0},
		{"+0x10", 16.0},
		{"0x1FFFFFFFFFFFFF", 9007199254740991.0},
		{"0x10000000000000000", 18446744073709551616.0},
		{"9007199254740993", 9007199254740992.0},
		{"123456789012345678901234567890", 1.2345678901234568e29},
		{"0.1", 0.1},
		{"1e-400", 0.0},
		{"[1,-2,+3,.4,5.,0x6]", arr{1.0, -2.0, 3.0, 0.4, 5.0, 6.0}},
	}
	for _, tt := range tests {
		n, err := Parse([]byte(tt.in), Options{})
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, toAny(n)); diff != "" {
			t.Errorf("Parse(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestSpecialNumbers(t *testing.T) {
	tests := []struct {
		in   string
		want float64
	}{
		{"Infinity", math.Inf(1)},
		{"+Infinity", math.Inf(1)},
		{"-Infinity", math.Inf(-1)},
		{"NaN", math.NaN()},
		{"+NaN", math.NaN()},
		{"-NaN", math.NaN()},
		{"-0", math.Copysign(0, -1)},
		{"-0.0", math.Copysign(0, -1)},
		{"-0x0", math.Copysign(0, -1)},
		{"+0", 0},
		{"1e400", math.Inf(1)},
		{"-1e400", math.Inf(-1)},
		{"0x" + strings.Repeat("f", 300), math.Inf(1)},
		{"1" + strings.Repeat("0", 400), math.Inf(1)},
	}
	for _, tt := range tests {
		n := mustParse(t, tt.in)
		if n.Kind != Number || math.Float64bits(n.Num) != math.Float64bits(tt.want) && !(math.IsNaN(tt.want) && math.IsNaN(n.Num)) {
			t.Errorf("Parse(%q) = %v %v, want number %v", tt.in, n.Kind, n.Num, tt.want)
		}
	}
}

func TestPositions(t *testing.T) {
	src := "// head\n{\n  a: -1.5e3, 'b c': [true, null, \"x\\ny\"],\n  \\u0064: {}, // tail\n}\n"
	root := mustParse(t, src)
	type span struct {
		text string
		kind Kind
	}
	at := func(n *Node) span { return span{src[n.Start:n.End], n.Kind} }
	if got, want := at(root), (span{src[8 : len(src)-1], Object}); got != want {
		t.Errorf("root = %q, want %q", got.text, want.text)
	}
	var keys []string
	for _, m := range root.Members {
		keys = append(keys, src[m.KeyStart:m.KeyEnd])
	}
	if diff := cmp.Diff([]string{"a", "'b c'", `\u0064`}, keys); diff != "" {
		t.Errorf("key spans (-want +got):\n%s", diff)
	}
	if got := root.Members[2].Key; got != "d" {
		t.Errorf("escaped key = %q, want d", got)
	}
	got := []span{at(root.Members[0].Value), at(root.Members[1].Value), at(root.Members[2].Value)}
	for _, e := range root.Members[1].Value.Elems {
		got = append(got, at(e))
	}
	want := []span{{"-1.5e3", Number}, {`[true, null, "x\ny"]`, Array}, {"{}", Object}, {"true", Bool}, {"null", Null}, {`"x\ny"`, String}}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(span{})); diff != "" {
		t.Errorf("value spans (-want +got):\n%s", diff)
	}
	for _, in := range []string{"  42  ", " 'x' ", " -Infinity ", " NaN", "[ ]"} {
		n := mustParse(t, in)
		if got, want := in[n.Start:n.End], strings.Trim(in, " "); got != want {
			t.Errorf("Parse(%q) span = %q, want %q", in, got, want)
		}
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		in     string
		offset int
		msg    string
	}{
		{"", 0, "unexpected end of input (expected a value)"},
		{" // c", 5, "unexpected end of input (expected a value)"},
		{"[}", 1, "invalid character '}' in array (expected a value)"},
		{"[1 2]", 3, "invalid character '2' in array (expected ']' or ',')"},
		{"[1,,]", 3, "invalid character ',' in array (expected a value)"},
		{"[,]", 1, "invalid character ',' in array (expected a value)"},
		{"[1", 2, "unexpected end of input (expected ']' or ',' in array)"},
		{"[", 1, "unexpected end of input (expected a value in array)"},
		{"{", 1, "unexpected end of input (expected a property name or '}' in object)"},
		{"{a", 2, "unexpected end of input (expected ':' after property name in object)"},
		{"{a:", 3, "unexpected end of input (expected a value in object)"},
		{"{a:1", 4, "unexpected end of input (expected '}' or ',' in object)"},
		{"{a:1,", 5, "unexpected end of input (expected a property name or '}' in object)"},
		{"{a 1}", 3, "invalid character '1' in object (expected ':' after property name)"},
		{"{a-b:1}", 2, "invalid character '-' in object (expected ':' after property name)"},
		{"{a:1 b:2}", 5, "invalid character 'b' in object (expected '}' or ',')"},
		{"{a:1]", 4, "invalid character ']' in object (expected '}' or ',')"},
		{"{1:2}", 1, "invalid character '1' in object (expected a property name or '}')"},
		{"{,}", 1, "invalid character ',' in object (expected a property name or '}')"},
		{"{'a':1,'b'}", 10, "invalid character '}' in object (expected ':' after property name)"},
		{"{\u200cb:1}", 1, "invalid character U+200C in object (expected a property name or '}')"},
		{"{\u0560:1}", 1, "invalid character 'ՠ' in object (expected a property name or '}')"}, // Unicode 11 letter: newer than json5's tables
		{"{\u2118:1}", 1, "invalid character '℘' in object (expected a property name or '}')"}, // Other_ID_Start is not in json5's table
		{"{a\u00b7:1}", 2, "invalid character '·' in object (expected ':' after property name)"},
		{"1 2", 2, "invalid character '2' after top-level value (expected end of input)"},
		{"{}}", 2, "invalid character '}' after top-level value (expected end of input)"},
		{"{a:1}x", 5, "invalid character 'x' after top-level value (expected end of input)"},
		{"0b1", 1, "invalid character 'b' after top-level value (expected end of input)"},
		{"1.2.3", 3, "invalid character '.' after top-level value (expected end of input)"},
		{"}", 0, "invalid character '}' (expected a value)"},
		{"\u200b", 0, "invalid character U+200B (expected a value)"},
		{"\x00", 0, "invalid character U+0000 (expected a value)"},
		{"'", 1, "unterminated string"},
		{"'abc", 4, "unterminated string"},
		{`"abc'`, 5, "unterminated string"},
		{`'\`, 2, "unterminated string"},
		{`"\u12`, 5, "unterminated string"},
		{"\"a\nb\"", 2, `invalid character '\n' in string (expected closing '"'; escape line breaks as \n)`},
		{"'a\rb'", 2, `invalid character '\r' in string (expected closing "'"; escape line breaks as \n)`},
		{`"\1"`, 1, `invalid escape sequence '\1'`},
		{`'ab\9'`, 3, `invalid escape sequence '\9'`},
		{`"\01"`, 1, `invalid escape sequence '\01' (\0 must not be followed by a digit)`},
		{`"\x4g"`, 1, `invalid escape sequence '\x4g' (expected 2 hex digits after '\x')`},
		{`"\xZZ"`, 1, `invalid escape sequence '\xZ' (expected 2 hex digits after '\x')`},
		{`"\u12"`, 1, `invalid escape sequence '\u12' (expected 4 hex digits after '\u')`},
		{`"\u{41}"`, 1, `invalid escape sequence '\u{' (expected 4 hex digits after '\u')`},
		{"/* x", 4, "unterminated block comment"},
		{"1 /* x *", 8, "unterminated block comment"},
		{"/x", 1, "invalid character 'x' (expected '/' or '*' after '/' to start a comment)"},
		{"1 /", 3, "unexpected end of input (expected '/' or '*' after '/' to start a comment)"},
		{"01", 1, "leading zeros are not allowed in numbers"},
		{"-00.5", 2, "leading zeros are not allowed in numbers"},
		{"[1, 007]", 5, "leading zeros are not allowed in numbers"},
		{"0x", 2, "unexpected end of input (expected a hex digit after '0x' in number)"},
		{"0Xg", 2, "invalid character 'g' in number (expected a hex digit after '0X')"},
		{"0x1.5", 3, "invalid character '.' after top-level value (expected end of input)"},
		{"1e", 2, "unexpected end of input (expected a digit after 'e' in number)"},
		{"1E+x", 3, "invalid character 'x' in number (expected a digit after 'E+')"},
		{".", 1, "unexpected end of input (expected a digit after '.' in number)"},
		{".e1", 1, "invalid character 'e' in number (expected a digit after '.')"},
		{"-", 1, "unexpected end of input (expected a digit, 'Infinity' or 'NaN' after '-' in number)"},
		{"+ 1", 1, "invalid character ' ' (a space) in number (expected a digit, 'Infinity' or 'NaN' after '+')"},
		{"--1", 1, "invalid character '-' in number (expected a digit, 'Infinity' or 'NaN' after '-')"},
		{"-Inf", 1, "unexpected identifier 'Inf' in number (expected a digit, 'Infinity' or 'NaN' after '-')"},
		{"-infinity", 1, "unexpected identifier 'infinity' in number (expected a digit, 'Infinity' or 'NaN' after '-')"},
		{"nul", 0, "unexpected identifier 'nul' (expected a value; strings must be quoted)"},
		{"True", 0, "unexpected identifier 'True' (expected a value; strings must be quoted)"},
		{"undefined", 0, "unexpected identifier 'undefined' (expected a value; strings must be quoted)"},
		{"nullx", 0, "unexpected identifier 'nullx' (expected a value; strings must be quoted)"},
		{"-Infinity_", 1, "unexpected identifier 'Infinity_' (expected a value; strings must be quoted)"},
		{"{mode: local}", 7, "unexpected identifier 'local' in object (expected a value; strings must be quoted)"},
		{"[ok]", 1, "unexpected identifier 'ok' in array (expected a value; strings must be quoted)"},
		{"{a: “x”}", 4, "invalid character '“' in object (expected a value; strings need straight quotes)"},
		{"{a: \\u0061}", 4, `invalid character '\' in object (expected a value)`},
		{"\xff", 0, "invalid UTF-8 byte 0xFF (expected a value)"},
		{"[\xe2\x82]", 1, "invalid UTF-8 byte 0xE2 in array (expected a value)"},
		{"{\xc3:1}", 1, "invalid UTF-8 byte 0xC3 in object (expected a property name or '}')"},
		{`{\x41:1}`, 2, `invalid character 'x' after '\' in property name (expected 'u'; unquoted keys allow only \uXXXX escapes)`},
		{`{a\`, 3, `unexpected end of input (expected \uXXXX escape in property name)`},
		{`{\u0020:1}`, 1, `escape '\u0020' in unquoted property name is not an identifier character (quote the key)`},
		{`{\u0030:1}`, 1, `escape '\u0030' in unquoted property name is not an identifier character (quote the key)`},
		{`{a\u002d:1}`, 2, `escape '\u002d' in unquoted property name is not an identifier character (quote the key)`},
		{`{\u200c:1}`, 1, `escape '\u200c' in unquoted property name is not an identifier character (quote the key)`},
		{`{\uD835\uDC65:1}`, 1, `escape '\uD835' in unquoted property name is not an identifier character (quote the key)`},
		{`{\u00`, 5, `unexpected end of input (expected 4 hex digits after '\u' in property name)`},
		{`{\u00G0:1}`, 1, `invalid escape sequence '\u00G' (expected 4 hex digits after '\u')`},
	}
	for _, tt := range tests {
		n, err := Parse([]byte(tt.in), Options{})
		if err == nil {
			t.Errorf("Parse(%q) = %v, want error", tt.in, toAny(n))
			continue
		}
		e, ok := err.(*Error)
		if !ok {
			t.Errorf("Parse(%q) error %T, want *Error", tt.in, err)
			continue
		}
		if n != nil {
			t.Errorf("Parse(%q) returned a node with an error", tt.in)
		}
		if e.Offset != tt.offset || e.Msg != tt.msg {
			t.Errorf("Parse(%q):\n got %d %s\nwant %d %s", tt.in, e.Offset, e.Msg, tt.offset, tt.msg)
		}
	}
}

func TestErrorString(t *testing.T) {
	_, err := Parse([]byte("[}"), Options{})
	if got, want := err.Error(), "json5: invalid character '}' in array (expected a value) at offset 1"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestLimits(t *testing.T) {
	deep := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	if _, err := Parse([]byte(deep(200)), Options{}); err != nil {
		t.Errorf("depth 200: %v", err)
	}
	_, err := Parse([]byte(deep(201)), Options{})
	if e, _ := err.(*Error); e == nil || e.Offset != 200 || e.Msg != "nesting deeper than 200 levels" {
		t.Errorf("depth 201: %v", err)
	}
	_, err = Parse([]byte("{a:{b:[1]}}"), Options{MaxDepth: 2})
	if e, _ := err.(*Error); e == nil || e.Offset != 6 || e.Msg != "nesting deeper than 2 levels" {
		t.Errorf("MaxDepth 2: %v", err)
	}
	// Very deep input is fine when allowed: the parser does not recurse.
	if n, err := Parse([]byte(deep(200_000)), Options{MaxDepth: 1_000_000}); err != nil || n.End != 400_000 {
		t.Errorf("depth 2e5: %v", err)
	}

	_, err = Parse([]byte("[1, 2]"), Options{MaxBytes: 5})
	if e, _ := err.(*Error); e == nil || e.Offset != 5 || e.Msg != "input larger than 5 bytes" {
		t.Errorf("MaxBytes: %v", err)
	}
	if _, err := Parse([]byte("[1, 2]"), Options{MaxBytes: 6}); err != nil {
		t.Errorf("MaxBytes exact: %v", err)
	}
	big := make([]byte, DefaultMaxBytes+1)
	_, err = Parse(big, Options{})
	if e, _ := err.(*Error); e == nil || e.Msg != "input larger than 8388608 bytes" {
		t.Errorf("default MaxBytes: %v", err)
	}
}

// Node decodes a file as UTF-8 replacing each maximal invalid subsequence
// with one U+FFFD; strings and comments carry those through.
func TestInvalidUTF8(t *testing.T) {
	tests := []struct{ in, want string }{
		{"'\xff'", "\ufffd"},
		{"'a\xe2\x82b'", "a\ufffdb"},                  // truncated 3-byte sequence: one U+FFFD
		{"'\xed\xa0\x80'", "\ufffd\ufffd\ufffd"},      // encoded surrogate: one per byte
		{"'\xf0\x90\x80'", "\ufffd"},                  // truncated 4-byte sequence
		{"'\xf0\x90\x80\xf0\x9f\x98\x80'", "\ufffd😀"}, //
		{"'\xc0\xaf'", "\ufffd\ufffd"},                // overlong
		{"'\xf4\x90\x80\x80'", "\ufffd\ufffd\ufffd\ufffd"},
		{"'\\\xff\\n'", "\ufffd\n"},   // escaped invalid byte
		{"'\\\xe2\x82x'", "\ufffdx"},  // escaped truncated sequence
		{"'\xe2\x82\\n'", "\ufffd\n"}, // slow path after invalid bytes
		{"/* \xff */ '\xff' // \xff", "\ufffd"},
		{"// \xe2\x80\n'x'", "x"},
		{"// \xf0\xe2\x80\xa8'x'", "x"}, // U+2028 after an invalid byte still ends the comment
	}
	for _, tt := range tests {
		n := mustParse(t, tt.in)
		if n.Str != tt.want {
			t.Errorf("Parse(%q) = %q, want %q", tt.in, n.Str, tt.want)
		}
	}
}

func TestLookup(t *testing.T) {
	n := mustParse(t, "{a:1, b:2, a:3}")
	if got := n.Lookup("a"); got == nil || got.Num != 3 {
		t.Errorf("Lookup(a) = %v, want the last a", got)
	}
	if got := n.Lookup("c"); got != nil {
		t.Errorf("Lookup(c) = %v, want nil", got)
	}
	if got := n.Lookup("b").Lookup("x"); got != nil {
		t.Errorf("Lookup on a number = %v, want nil", got)
	}
	if len(n.Members) != 3 || n.Members[0].Key != "a" || n.Members[2].Key != "a" {
		t.Errorf("members not kept in order with duplicates: %+v", n.Members)
	}
}

func TestIsNumberInteger(t *testing.T) {
	for in, want := range map[string]bool{
		"0": true, "-0": true, "1e3": true, "0x10": true, "1.0": true, "1e300": true,
		"1.5": false, "Infinity": false, "-Infinity": false, "NaN": false, "'1'": false, "null": false,
	} {
		n := mustParse(t, in)
		if got := n.IsNumberInteger(); got != want {
			t.Errorf("%s.IsNumberInteger() = %v, want %v", in, got, want)
		}
		if got := IsNumberInteger(n); got != want {
			t.Errorf("IsNumberInteger(%s) = %v, want %v", in, got, want)
		}
	}
	if IsNumberInteger(nil) {
		t.Error("IsNumberInteger(nil) = true")
	}
}

func TestKindString(t *testing.T) {
	got := []string{Null.String(), Bool.String(), Number.String(), String.String(), Object.String(), Array.String(), Kind(9).String()}
	want := []string{"null", "boolean", "number", "string", "object", "array", "Kind(9)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error(diff)
	}
}

// The identifier tables come from json5 (Unicode 10). They must be a subset
// of the categories the JSON5 spec names, as seen by Go's newer tables.
func TestIdentifierTables(t *testing.T) {
	start := []*unicode.RangeTable{unicode.Lu, unicode.Ll, unicode.Lt, unicode.Lm, unicode.Lo, unicode.Nl}
	cont := append(start, unicode.Mn, unicode.Mc, unicode.Nd, unicode.Pc)
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if isIDStart(r) && r != '$' && r != '_' && !unicode.In(r, start...) {
			t.Fatalf("U+%04X is an identifier start but not a letter", r)
		}
		if isIDContinue(r) && r != '$' && r != '_' && r != 0x200C && r != 0x200D && !unicode.In(r, cont...) {
			t.Fatalf("U+%04X is an identifier part but not in the spec's categories", r)
		}
		if isIDStart(r) && !isIDContinue(r) {
			t.Fatalf("U+%04X starts but does not continue an identifier", r)
		}
	}
	if json5Version != "2.2.3" {
		t.Errorf("tables from json5 %s; check the grammar notes in the package doc still hold", json5Version)
	}
}

// For plain JSON, Parse must agree with encoding/json.
func TestMatchesEncodingJSON(t *testing.T) {
	docs := []string{
		`null`, `true`, `false`, `0`, `-0`, `1`, `-1`, `12.5`, `-0.25`, `1e10`, `1E-7`, `2.5e+3`,
		`123456789012345678`, `1.7976931348623157e308`, `5e-324`, `0.30000000000000004`,
		`""`, `"abc"`, `"\"\\\/\b\f\n\r\t"`, `"\u0000\u001f\u00e9\u20ac"`, `"\ud83d\ude00"`, `"\ud800"`, `"\ud800\u0041"`,
		`"\udc00\ud800\udc00"`, "\"\u2028\u2029\"", `"日本語"`,
		`[]`, `{}`, `[1,"a",true,null,[],{}]`, `{"a":1,"b":[1,2,{"c":null}],"d":{"e":"f"}}`,
		`{"a":1,"a":2}`, `{"":0,"__proto__":{"x":1}}`,
		" \t\r\n [ 1 , 2 ] \n",
		`{"channels":{"imessage":{"enabled":true,"accounts":{"default":{"cliPath":"/usr/local/bin/imsg"}}}}}`,
	}
	for _, doc := range docs {
		if !json.Valid([]byte(doc)) {
			t.Fatalf("test doc %q is not JSON", doc)
		}
		var want any
		if err := json.Unmarshal([]byte(doc), &want); err != nil {
			t.Fatal(err)
		}
		n := mustParse(t, doc)
		if diff := cmp.Diff(want, toAny(n)); diff != "" {
			t.Errorf("Parse(%q) differs from encoding/json (-json +json5):\n%s", doc, diff)
		}
	}
}

// For JWCC (JSON with comments and trailing commas), Parse must agree with
// hujson.Standardize followed by encoding/json.
func TestMatchesHujson(t *testing.T) {
	docs := []string{
		"// leading\n{\"a\": 1, /* inline */ \"b\": [1, 2, 3,],}\n// trailing\n",
		"[\n  1, // one\n  2, /* two */\n]",
		"/* multi\n line */ {\"x\": {\"y\": {\"z\": [],},},}",
		"{\"s\": \"// not a comment\", \"t\": \"/* nor this */\",}",
		"{\n  // comment with ] and } and ,\n  \"k\": \"v\",\n}",
		"[/**/]",
		"{/* empty */}",
		"[1,/*a*/2/*b*/,/*c*/]",
		testConfig,
	}
	for _, doc := range docs {
		std, err := hujson.Standardize([]byte(doc))
		if err != nil {
			// testConfig is JSON5, not JWCC; only check what hujson reads.
			if doc == testConfig {
				continue
			}
			t.Fatalf("hujson.Standardize(%q): %v", doc, err)
		}
		var want any
		if err := json.Unmarshal(std, &want); err != nil {
			t.Fatal(err)
		}
		n := mustParse(t, doc)
		if diff := cmp.Diff(want, toAny(n)); diff != "" {
			t.Errorf("Parse(%q) differs from hujson (-hujson +json5):\n%s", doc, diff)
		}
	}
}

// walk checks that every node's span lies inside its parent's, after its
// previous sibling, and starts and ends with the right bytes. It returns
// the number of nodes.
func walk(t testing.TB, src []byte, n *Node, lo, hi int) int {
	t.Helper()
	if n == nil || n.Start < lo || n.End > hi || n.Start >= n.End {
		t.Fatalf("node %+v outside [%d,%d]", n, lo, hi)
	}
	first, last := src[n.Start], src[n.End-1]
	switch {
	case n.Kind == Object && (first != '{' || last != '}'),
		n.Kind == Array && (first != '[' || last != ']'),
		n.Kind == String && (first != '"' && first != '\'' || last != first):
		t.Fatalf("%v node spans %q", n.Kind, src[n.Start:n.End])
	}
	count := 1
	prev := n.Start + 1
	for _, m := range n.Members {
		if m.KeyStart < prev || m.KeyStart >= m.KeyEnd || m.KeyEnd > m.Value.Start {
			t.Fatalf("key span [%d,%d] bad in [%d,%d]", m.KeyStart, m.KeyEnd, prev, n.End)
		}
		count += walk(t, src, m.Value, m.KeyEnd, n.End-1)
		prev = m.Value.End
	}
	for _, e := range n.Elems {
		count += walk(t, src, e, prev, n.End-1)
		prev = e.End
	}
	return count
}

func TestConfigShape(t *testing.T) {
	n := mustParse(t, testConfig)
	walk(t, []byte(testConfig), n, 0, len(testConfig))
	acct := n.Lookup("channels").Lookup("imessage").Lookup("accounts").Lookup("work")
	if acct == nil || acct.Lookup("cliPath").Str != "/opt/homebrew/bin/imsg" {
		t.Fatalf("unexpected tree: %v", toAny(n))
	}
}

// testConfig is a realistic OpenClaw config of about 2 KB.
const testConfig = `// OpenClaw configuration (JSON5)
{
  // Gateway listens on loopback only.
  gateway: {
    mode: 'local',
    port: 18789,
    bind: "loopback",
    auth: { mode: "token", token: "${OPENCLAW_GATEWAY_TOKEN}" },
  },

  agents: {
    defaults: {
      workspace: "~/.openclaw/workspace",
      model: { primary: "anthropic/claude-opus-4-6", fallbacks: ["openai/gpt-5.2", 'google/gemini-3-pro'] },
      timeoutSeconds: 600,
      maxConcurrent: 4,
      heartbeat: { every: "30m", target: "last" },
      sandbox: { mode: "non-main", scope: "session", workspaceAccess: "ro" },
    },
    list: [
      { id: "main", default: true, identity: { name: "Clawd", emoji: "🦞" } },
      { id: "work", workspace: "~/.openclaw/workspace-work", tools: { profile: "coding", deny: ["browser", "canvas"] } },
    ],
  },

  channels: {
    imessage: {
      enabled: true,
      cliPath: "/usr/local/bin/imsg",
      dbPath: "~/Library/Messages/chat.db",
      dmPolicy: "pairing", // pairing | allowlist | open | disabled
      allowFrom: ["+15555550123", "user@example.com", 'chat_id:42'],
      groupPolicy: "allowlist",
      historyLimit: 50,
      mediaMaxMb: 16,
      textChunkLimit: 4000,
      includeAttachments: false,
      accounts: {
        personal: { name: "Personal", enabled: true, allowFrom: ["+15555550123"] },
        work: {
          name: 'Work',
          cliPath: "/opt/homebrew/bin/imsg",
          dbPath: "/Users/work/Library/Messages/chat.db",
          groups: { "*": { requireMention: true }, "chat_id:7": { requireMention: false, tools: { allow: ["web_search"] } } },
        },
      },
    },
    telegram: {
      enabled: false,
      botToken: "${TELEGRAM_BOT_TOKEN}",
      streaming: "partial",
      retry: { attempts: 3, minDelayMs: 400, maxDelayMs: 30000, jitter: 0.1 },
    },
  },

  /* Session handling */
  session: {
    dmScope: "per-channel-peer",
    reset: { mode: "daily", atHour: 4, idleMinutes: 120 },
    identityLinks: { alice: ["telegram:123456789", "imessage:+15555550123"] },
  },

  logging: { level: "info", consoleStyle: "pretty", redactSensitive: "tools", maxFileBytes: 0x1000000 },
  messages: { ackReaction: "👀", queue: { mode: "collect", debounceMs: 1000, cap: 20 }, },
  cron: { enabled: true, maxConcurrentRuns: 2, sessionRetention: "24h" },
}
`

func BenchmarkParse(b *testing.B) {
	src := []byte(testConfig)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(src, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseEscaped measures the slow string path.
func BenchmarkParseEscaped(b *testing.B) {
	src := []byte(strings.Repeat(`{"k\u00e9y": "line\none\ttab \uD83D\uDE00 \x41", 'x': [1.5e3, 0x1F, -Infinity]},`+"\n", 40))
	src = append(append([]byte("["), src...), ']')
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(src, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
