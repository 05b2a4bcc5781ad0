package inbound_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/openclawcfg/openclawcfg/runtime/inbound"
)

// FuzzParseMessage checks the one-pass message normaliser against a plain
// encoding/json decoding of the same bytes (FromObject): the same verdict
// and the same fields, and never a panic. Seeds: every step of the golden.
func FuzzParseMessage(f *testing.F) {
	f.Add([]byte(`{"id":1,"sender":"+15550001111","text":"hi","chat_id":7}`))
	f.Add([]byte(`{"id":1e400,"chat_id":9007199254740993,"sender":"a\u00e9","attachments":[{"original_path":"/x","missing":true}],"participants":["a",""],"is_group":true}`))
	f.Add([]byte(`{"sender":5}`))
	f.Add([]byte(`[1,2]`))
	if b, err := os.ReadFile(filepath.Join("testdata", "oracle-inbound-2026.3.24.jsonl")); err == nil {
		for _, line := range bytes.Split(b, []byte("\n")) {
			var c struct {
				Steps []struct {
					Message json.RawMessage `json:"message"`
				} `json:"steps"`
			}
			if json.Unmarshal(line, &c) == nil {
				for _, s := range c.Steps {
					if len(s.Message) > 0 {
						f.Add([]byte(s.Message))
					}
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := inbound.ParseMessage(b)
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		var v any
		derr := dec.Decode(&v)
		if derr == nil && len(bytes.Trim(b[dec.InputOffset():], " \t\r\n")) > 0 {
			derr = json.Unmarshal([]byte("x"), &v) // trailing data: not one value
		}
		obj, isObj := v.(map[string]any)
		if derr != nil || !isObj {
			if err == nil {
				t.Fatalf("ParseMessage accepted %q, which is not one JSON object", b)
			}
			return
		}
		want, werr := inbound.FromObject(obj)
		if (err == nil) != (werr == nil) {
			t.Fatalf("verdicts differ on %q: one-pass %v, encoding/json %v", b, err, werr)
		}
		if err == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("fields differ on %q:\n one-pass %+v\n encoding/json %+v", b, got, want)
		}
	})
}
