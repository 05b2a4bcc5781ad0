package check

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/openclawcfg/openclawcfg/compiler/internal/spec"
	"github.com/openclawcfg/openclawcfg/internal/release"
)

// TestSchemaPatternsCompile: every section of the embedded core and
// channel schemas decodes, and every pattern in them (pattern keywords and
// patternProperties keys) compiles, so the validator's lazy compile and
// its panic on failure are safe.
func TestSchemaPatternsCompile(t *testing.T) {
	type section struct{ name, raw string }
	var all []section
	for _, rel := range release.Supported {
		for _, key := range coreKeys(t, rel) {
			all = append(all, section{rel + " core " + key, string(spec.CoreSchema(rel, key))})
		}
	}
	for id := range knownChannelsKeyed {
		if raw := spec.ChannelSchema(release.Current, id); raw != nil {
			all = append(all, section{"channel " + id, string(raw)})
		}
	}
	if len(all) < 60 {
		t.Fatalf("only %d schema sections", len(all))
	}
	n := 0
	for _, s := range all {
		var doc any
		if err := json.Unmarshal([]byte(s.raw), &doc); err != nil {
			t.Errorf("%s: %v", s.name, err)
			continue
		}
		var walk func(any)
		walk = func(v any) {
			switch x := v.(type) {
			case []any:
				for _, e := range x {
					walk(e)
				}
			case map[string]any:
				for k, e := range x {
					switch k {
					case "enum", "const", "default", "required":
						continue
					case "pattern":
						if p, ok := e.(string); ok {
							n++
							if _, err := compiledPattern(p); err != nil {
								t.Errorf("%s: pattern %q: %v", s.name, p, err)
							}
						}
						continue
					case "patternProperties":
						if m, ok := e.(map[string]any); ok {
							for p := range m {
								n++
								if _, err := compiledPattern(p); err != nil {
									t.Errorf("%s: patternProperties %q: %v", s.name, p, err)
								}
							}
						}
					}
					walk(e)
				}
			}
		}
		walk(doc)
	}
	t.Logf("%d sections, %d patterns", len(all), n)
}

// coreKeys lists the sections of rel's core schema export.
func coreKeys(t *testing.T, rel string) []string {
	keys := spec.CoreKeys(rel)
	for _, key := range []string{"gateway", "tools", "agents", "models", "logging", "channels.defaults"} {
		if !slices.Contains(keys, key) || spec.CoreSchema(rel, key) == nil {
			t.Errorf("%s: no core schema for %s", rel, key)
		}
	}
	if rel == release.Seed && !slices.Contains(keys, "channels.telegram") {
		t.Errorf("%s: no core schema for channels.telegram", rel)
	}
	return keys
}

// TestRawChild: the navigation to the schema of a place, on the raw JSON.
func TestRawChild(t *testing.T) {
	raw := []byte(`{"type":"object","properties":{"a":{"type":"string"},"list":{"type":"array","items":{"type":"integer"}},` +
		`"map":{"type":"object","additionalProperties":{"type":"boolean"}},` +
		`"u":{"anyOf":[{"type":"string"},{"type":"object","properties":{"x":{"const":1}}}]},` +
		`"two":{"anyOf":[{"type":"object","properties":{"x":{"const":1}}},{"type":"object","properties":{"x":{"const":2}}}]}},` +
		`"additionalProperties":false}`)
	for _, tc := range []struct {
		path   string
		want   string
		closed string
	}{
		{"a", `{"type":"string"}`, ""},
		{"list.3", `{"type":"integer"}`, ""},
		{"list.x", "", ""},
		{"map.anything", `{"type":"boolean"}`, ""},
		{"u.x", `{"const":1}`, ""},
		{"two.x", "", ""}, // two alternatives name it: no single schema
		{"nope", "", "a list map two u"},
	} {
		cur := raw
		var closed []string
		for _, seg := range strings.Split(tc.path, ".") {
			cur, closed = rawChild(cur, seg)
			if cur == nil {
				break
			}
		}
		if !bytes.Equal(cur, []byte(tc.want)) || strings.Join(closed, " ") != tc.closed {
			t.Errorf("%s: got %s closed %v, want %s closed %q", tc.path, cur, closed, tc.want, tc.closed)
		}
	}
}
