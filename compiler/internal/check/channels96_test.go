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
	v, _ := applySchemaDefaults(cs.doc, map[string]any{}, true)
	if err := cs.sch.Validate(v); err != nil {
		t.Fatalf("slack {} with defaults: %v", err)
	}
	m := v.(map[string]any)
	for k, want := range map[string]any{"mode": "socket", "postAs": "bot", "webhookPath": "/slack/events", "userTokenReadOnly": true, "dmPolicy": "pairing"} {
		if m[k] != want {
			t.Errorf("%s = %v, want %v", k, m[k], want)
		}
	}
	if err := cs.sch.Validate(map[string]any{}); err == nil {
		t.Error("slack {} without defaults passes")
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
