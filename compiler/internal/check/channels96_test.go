package check

import (
	"testing"

	"github.com/openclawcfg/openclawcfg/compiler/internal/spec"
	"github.com/openclawcfg/openclawcfg/internal/release"
)

// TestChannelSchemasCompile: every channel 2026.9.6 accepts, but for
// imessage (the CUE schema's), has an embedded JSON Schema that compiles,
// and the seed release has none.
func TestChannelSchemasCompile(t *testing.T) {
	for id := range knownChannelsKeyed {
		if id == "defaults" || id == "modelByChannel" || id == "imessage" {
			if spec.ChannelSchema(release.Current, id) != nil {
				t.Errorf("%s: has a channel JSON Schema", id)
			}
			continue
		}
		cs := compiledChannel(release.Current, id)
		if cs == nil {
			t.Errorf("%s: no channel JSON Schema", id)
			continue
		}
		if cs.err != nil {
			t.Errorf("%s: %v", id, cs.err)
		}
		if spec.ChannelSchema(release.Seed, id) != nil {
			t.Errorf("%s: the seed release has a channel JSON Schema", id)
		}
	}
}

// TestChannelDefaults: the required keys slack fills from defaults pass,
// as OpenClaw's applyJsonSchemaDefaults makes them.
func TestChannelDefaults(t *testing.T) {
	cs := compiledChannel(release.Current, "slack")
	var issues []schemaIssue
	if cs.validate(cs.doc, map[string]any{}, nil, &issues) {
		t.Error("slack {} without defaults passes")
	}
	v, _ := applySchemaDefaults(cs.doc, map[string]any{}, true)
	issues = nil
	if !cs.validate(cs.doc, v, nil, &issues) {
		t.Fatalf("slack {} with defaults: %+v", issues)
	}
	m := v.(map[string]any)
	for k, want := range map[string]any{"mode": "socket", "postAs": "bot", "webhookPath": "/slack/events", "userTokenReadOnly": true, "dmPolicy": "pairing"} {
		if m[k] != want {
			t.Errorf("%s = %v, want %v", k, m[k], want)
		}
	}
}

// TestChannelSchemaKeywords: the schemas use only the keywords validate
// and applySchemaDefaults implement; a new one in a later extraction
// fails here rather than being ignored.
func TestChannelSchemaKeywords(t *testing.T) {
	known := map[string]bool{
		"$schema": true, "type": true, "properties": true, "required": true, "additionalProperties": true,
		"propertyNames": true, "maxProperties": true, "minProperties": true, "items": true, "minItems": true,
		"maxItems": true, "minLength": true, "maxLength": true, "pattern": true, "format": true, "minimum": true,
		"maximum": true, "exclusiveMinimum": true, "exclusiveMaximum": true, "const": true, "enum": true,
		"allOf": true, "anyOf": true, "oneOf": true, "default": true, "description": true,
	}
	var walk func(id string, s any)
	walk = func(id string, s any) {
		switch v := s.(type) {
		case []any:
			for _, e := range v {
				walk(id, e)
			}
		case map[string]any:
			for k, e := range v {
				if !known[k] {
					t.Errorf("%s: keyword %q", id, k)
				}
				switch k {
				case "properties":
					for _, p := range e.(map[string]any) {
						walk(id, p)
					}
				case "enum", "const", "default", "required":
				default:
					walk(id, e)
				}
			}
		}
	}
	for id := range knownChannelsKeyed {
		if cs := compiledChannel(release.Current, id); cs != nil {
			walk(id, cs.doc)
		}
	}
}

// TestCanParseURL: answers of Node 24's URL.canParse.
func TestCanParseURL(t *testing.T) {
	for s, want := range map[string]bool{
		"https://api.telegram.org": true, "https://": false, "not a url": false, "ftp://x": true,
		"mailto:a@b": true, "http://a:99999": false, "http://a:8080/x": true, "https://[::1]/": true,
		"wss://relay.example": true, "http://a b": false, "x:": true, "1http://a": false,
	} {
		if got := canParseURL(s); got != want {
			t.Errorf("canParseURL(%q) = %v, want %v", s, got, want)
		}
	}
}
