package json5

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/tailscale/hujson"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", "null", "[1,]", "{a:1,}", "{'a':\"b\"}", `"\x41\u0042\0\v"`, "0x1F", "-Infinity", "+NaN", ".5", "5.", "1e400",
		"// c\n/* d */{\ufeffk\u00a0:\u2028[\u3000]}", `{\u0061b:'\uD83D\uDE00'}`, "\"a\\\r\nb\"", "'\xe2\x82\xff'",
		"{\"a\": [1, 2, {\"b\": null}], \"c\": \"d\"}", "[[[[[[[[]]]]]]]]", "01", `"\1"`, "/* x", "{a:1 b:2}",
		testConfig,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		opt := Options{MaxDepth: 1 << 20}
		n, err := Parse(src, opt)
		if err != nil {
			e, ok := err.(*Error)
			if !ok || n != nil || e.Offset < 0 || e.Offset > len(src) || e.Msg == "" {
				t.Fatalf("bad error %#v (node %v)", err, n)
			}
		} else {
			walk(t, src, n, 0, len(src))
			// The pooled scratch must not leak between parses.
			n2, err := Parse(src, opt)
			if err != nil || canon(n2) != canon(n) {
				t.Fatalf("second parse differs: %v", err)
			}
		}

		// JSON is JSON5. Values are compared only for valid UTF-8: Go
		// replaces invalid bytes one by one, Node (and Parse) per sequence.
		if json.Valid(src) {
			if err != nil {
				t.Fatalf("valid JSON rejected: %v", err)
			}
			var want any
			if json.Unmarshal(src, &want) == nil && utf8.Valid(src) {
				if diff := cmp.Diff(want, toAny(n)); diff != "" {
					t.Fatalf("differs from encoding/json (-json +json5):\n%s", diff)
				}
			}
		}

		// JWCC is JSON5 too, except that hujson ends line comments only at
		// LF, where JSON5 also ends them at CR.
		if utf8.Valid(src) && !bytes.ContainsRune(src, '\r') {
			std, herr := hujson.Standardize(bytes.Clone(src))
			var want any
			if herr == nil && json.Unmarshal(std, &want) == nil {
				if err != nil {
					t.Fatalf("JWCC accepted by hujson rejected: %v", err)
				}
				if diff := cmp.Diff(want, toAny(n)); diff != "" {
					t.Fatalf("differs from hujson (-hujson +json5):\n%s", diff)
				}
			}
		}
	})
}
