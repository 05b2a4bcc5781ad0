package imsg

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/openclawcfg/openclawcfg/internal/jsonscan"
)

func TestJSKey(t *testing.T) {
	for raw, want := range map[string]string{
		`1`: "1", `17`: "17", `1.0`: "1", `1e0`: "1", `10e-1`: "1", `-0`: "0", `1e21`: "1e+21", `0.000001`: "0.000001",
		`1e-7`: "1e-7", `"1"`: "1", `" 1"`: " 1", `"\u0031"`: "1", `"a\"b"`: `a"b`, `true`: "true", `false`: "false",
		`[1]`: "1", `[[1]]`: "1", `[1,2]`: "1,2", `[null,1]`: ",1", `[]`: "", `{"a":1}`: "[object Object]",
		`[{"a":1},"x"]`: "[object Object],x", `1e400`: "Infinity", `-1e400`: "-Infinity",
	} {
		if got := jsKey([]byte(raw)); got != want {
			t.Errorf("jsKey(%s) = %q, want %q", raw, got, want)
		}
	}
}

func TestTruthyRaw(t *testing.T) {
	for raw, want := range map[string]bool{
		`null`: false, `false`: false, `0`: false, `-0`: false, `0.0`: false, `0e5`: false, `""`: false,
		`true`: true, `1`: true, `-1`: true, `" "`: true, `"0"`: true, `[]`: true, `{}`: true, `1e-400`: false,
	} {
		if got := truthyRaw([]byte(raw)); got != want {
			t.Errorf("truthy(%s) = %v, want %v", raw, got, want)
		}
	}
}

func TestDecodeLineKinds(t *testing.T) {
	for line, want := range map[string]lineKind{
		"":                                    lineBlank,
		" \t\u00a0\ufeff\u3000":               lineBlank,
		"x":                                   lineInvalid,
		`{"id":1,}`:                           lineInvalid,
		`null`:                                lineNotObject,
		`[{"id":1}]`:                          lineNotObject,
		`{"id":1}`:                            lineResponse,
		`{"id":"x","method":"message"}`:       lineResponse,
		`{"id":0,"method":"message"}`:         lineResponse,
		`{"id":null,"method":"message"}`:      lineNotification,
		`{"method":"message"}`:                lineNotification,
		`{"method":""}`:                       lineNeither,
		`{"method":7}`:                        lineBadMethod,
		`{"method":null,"error":{}}`:          lineIDlessError,
		`{"error":""}`:                        lineNeither,
		`{"ID":1,"Method":"message"}`:         lineNeither,
		`{"\u0069d":1}`:                       lineResponse,
		`  {"method":"m"}` + "\r":             lineNotification,
		"{\"method\":\"m\",\r\n\"x\":1}":      lineNotification,
		`{"method":"m","method":false}`:       lineNeither,
		`{"id":1,"id":null,"method":"m"}`:     lineNotification,
		`{"jsonrpc":"2.0","result":{"id":1}}`: lineNeither,
	} {
		if got := decodeLine([]byte(line)).kind; got != want {
			t.Errorf("%q: kind %d, want %d", line, got, want)
		}
	}
}

func TestSanitizeUTF8(t *testing.T) {
	for in, want := range map[string]string{
		"abc":              "abc",
		"a\xffb":           "a\ufffdb",
		"a\xe2\x82b":       "a\ufffdb",           // one maximal subpart, one U+FFFD
		"\xf0\x9f\x98":     "\ufffd",             // truncated at the end
		"\xed\xa0\x80":     "\ufffd\ufffd\ufffd", // a surrogate's bytes: 0xA0 is out of range after 0xED
		"\xc0\xaf":         "\ufffd\ufffd",
		"\xf4\x90\x80\x80": "\ufffd\ufffd\ufffd\ufffd",
		"é😀\xe2":           "é😀\ufffd",
	} {
		if got := string(sanitizeUTF8([]byte(in))); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

func TestStringifyMatchesJS(t *testing.T) {
	// Expected strings are what Node 24 prints for JSON.stringify(JSON.parse(in), null, 2).
	for in, want := range map[string]string{
		`{"b":1,"a":[],"c":{}}`:        "{\n  \"b\": 1,\n  \"a\": [],\n  \"c\": {}\n}",
		`{"x":"1","2":0,"1":0,"01":0}`: "{\n  \"1\": 0,\n  \"2\": 0,\n  \"x\": \"1\",\n  \"01\": 0\n}",
		`[1.0,1e2,-0,1e400,0.1]`:       "[\n  1,\n  100,\n  0,\n  null,\n  0.1\n]",
		`"\ud800\u001f\u007f\/"`:       `"\ud800\u001f` + "\u007f" + `/"`,
	} {
		v, ok := parseJS([]byte(in))
		if !ok {
			t.Fatalf("parseJS(%s) failed", in)
		}
		if got := v.stringify("  "); got != want {
			t.Errorf("%s:\n got %s\nwant %s", in, got, want)
		}
	}
}

// FuzzDecodeLine: no input panics, and the top-level fields found agree
// with encoding/json (exact key match, last duplicate wins).
func FuzzDecodeLine(f *testing.F) {
	for _, s := range []string{
		benchNotification, `{"jsonrpc":"2.0","id":1,"result":{"chats":[]}}`, `{"id":null,"error":{"code":-32700}}`,
		`{"id":[1],"error":{"message":["a"],"code":1.5,"data":{"2":1,"a":[]}}}`, `null`, `{"a":"\ud800"}`, "{\"\\u0069d\":1}",
		"\ufeff{\"method\":\"m\"}\u00a0", "{\"id\":1,\"result\":\"\xff\xe2\x82\"}", `{"method":"m","params":[[[]]]}`, `{"id":"1`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		d := decodeLine(line)
		if !utf8.Valid(d.line) {
			t.Fatalf("line not sanitised: %q", d.line)
		}
		switch d.kind {
		case lineNotification:
			if d.method == "" {
				t.Fatal("notification without method")
			}
		case lineResponse:
			if d.errRaw != nil && d.result != nil {
				t.Fatal("both error and result")
			}
			if d.errRaw != nil {
				_ = newRPCError("m", d.errRaw).Error()
			}
		case lineIDlessError:
			_ = newRPCError("", d.errRaw).Error()
		}
		if len(d.line) == 0 || d.line[0] != '{' || !json.Valid(d.line) {
			return
		}
		var m map[string]json.RawMessage
		if json.Unmarshal(d.line, &m) != nil {
			return
		}
		var fields [5][]byte
		if !jsonscan.ScanObject(d.line, wireKeys, fields[:]) {
			t.Fatalf("scanObject failed on valid %q", d.line)
		}
		for i, k := range wireKeys {
			mv, ok := m[k]
			if ok != (fields[i] != nil) || ok && !bytes.Equal(mv, fields[i]) {
				t.Fatalf("%s: scanObject %q, encoding/json %q (present %v)", k, fields[i], mv, ok)
			}
		}
	})
}

// FuzzJSValue: parseJS accepts exactly what encoding/json does, and its
// JSON.stringify output is valid JSON that round-trips.
func FuzzJSValue(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":null}],"1":true}`, `"\ud800"`, `1e400`, `[]`, `{"a":1,"a":2}`, `-0.0e-0`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if !utf8.Valid(b) {
			b = sanitizeUTF8(b)
		}
		v, ok := parseJS(b)
		if ok != json.Valid(b) {
			t.Fatalf("parseJS ok=%v, json.Valid=%v for %q", ok, !ok, b)
		}
		if !ok {
			return
		}
		_ = v.toString()
		for _, gap := range []string{"", "  "} {
			s := v.stringify(gap)
			if !json.Valid([]byte(s)) {
				t.Fatalf("stringify gave invalid JSON %q", s)
			}
			w, ok := parseJS([]byte(s))
			if !ok || w.stringify(gap) != s {
				t.Fatalf("stringify does not round-trip: %q", s)
			}
		}
	})
}

// FuzzValidJSON: validJSON agrees with encoding/json's Valid on any bytes.
func FuzzValidJSON(f *testing.F) {
	for _, s := range []string{
		benchNotification, `{"a":[1,{"b":"\u00e9\/"}],"c":-0.5e+3}`, `[`, `{"a" 1}`, `"\x"`, `01`, `1.`, `-`,
		`{"a":1,}`, `[1,]`, " \t\n[]\r ", "\"\xff\"", `nul`, `{}x`, `[[]]`, `"\u12g4"`, `{"":{"":[]}}`,
	} {
		f.Add([]byte(s))
	}
	f.Add([]byte(strings.Repeat("[", 10000) + strings.Repeat("]", 10000)))
	f.Add([]byte(strings.Repeat("[", 10001) + strings.Repeat("]", 10001)))
	f.Add([]byte(strings.Repeat(`{"a":`, 10001) + "1" + strings.Repeat("}", 10001)))
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := jsonscan.Valid(b), json.Valid(b); got != want {
			t.Fatalf("validJSON %v, json.Valid %v for %q", got, want, b)
		}
	})
}

// FuzzLineReader: any stream splits into lines that rejoin to it (the
// oversize ones aside), whatever the read sizes.
func FuzzLineReader(f *testing.F) {
	f.Add([]byte("a\nbb\r\n\nccc"), uint8(3), uint8(2))
	f.Fuzz(func(t *testing.T, in []byte, chunk, max uint8) {
		m := int(max%64) + 1
		lr := newLineReader(&chunkReader{b: in, n: int(chunk%16) + 1}, m)
		var rebuilt []byte
		for {
			r, err := lr.next()
			if err != nil {
				break
			}
			if r.oversize > 0 {
				if r.oversize <= int64(m) || len(r.line) > oversizePrefix {
					t.Fatalf("oversize %d with max %d, prefix %d", r.oversize, m, len(r.line))
				}
				rebuilt = append(rebuilt, strings.Repeat("?", int(r.oversize))...)
			} else {
				if len(r.line) > m {
					t.Fatalf("line of %d > max %d", len(r.line), m)
				}
				rebuilt = append(rebuilt, r.line...)
			}
			rebuilt = append(rebuilt, '\n')
		}
		want := in
		if len(want) > 0 && want[len(want)-1] != '\n' {
			want = append(append([]byte(nil), want...), '\n')
		}
		if len(rebuilt) != len(want) {
			t.Fatalf("rebuilt %d bytes from %d", len(rebuilt), len(want))
		}
	})
}

type chunkReader struct {
	b []byte
	n int
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), r.n)], r.b)
	r.b = r.b[n:]
	return n, nil
}

// benchNotification is the inbound message of imsg-rpc.md §9.5, as imsg
// writes it (escaped slashes).
const benchNotification = `{"jsonrpc":"2.0","method":"message","params":{"subscription":1,"message":{"id":4201,"chat_id":7,"guid":"6F1C2B7E-0A4D-4C1B-9E55-1B2C3D4E5F60","sender":"+15551234567","is_from_me":false,"text":"see pic","created_at":"2026-05-16T15:24:36.123Z","attachments":[{"filename":"~\/Library\/Messages\/Attachments\/1a\/10\/AB12CD34-0000-4000-8000-000000000001\/IMG_0001.heic","transfer_name":"IMG_0001.heic","uti":"public.heic","mime_type":"image\/heic","total_bytes":482113,"is_sticker":false,"original_path":"\/Users\/me\/Library\/Messages\/Attachments\/1a\/10\/AB12CD34-0000-4000-8000-000000000001\/IMG_0001.heic","missing":false}],"reactions":[],"destination_caller_id":"me@icloud.com","chat_identifier":"+15551234567","chat_guid":"iMessage;-;+15551234567","chat_name":"+15551234567","participants":["+15551234567"],"is_group":false}}}`
