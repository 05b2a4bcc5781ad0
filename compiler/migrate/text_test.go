package migrate_test

import (
	"testing"

	"github.com/openclawcfg/openclawcfg/compiler"
	"github.com/openclawcfg/openclawcfg/compiler/migrate"
)

// TestLayout pins how edits follow the file's own style; the expected
// texts were checked by hand, and the shapes against OpenClaw 2026.9.6.
func TestLayout(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{
			"inline object, no spaces",
			`{meta: {lastTouchedVersion: "2026.3.24"}, channels: {imessage: {chunkMode: "newline", textChunkLimit: 10}}}`,
			`{session: { reset: { mode: "daily" } }, meta: {lastTouchedVersion: "2026.9.6"}, channels: {imessage: {streaming: { chunkMode: "newline" }, textChunkLimit: 10}}}`,
		},
		{
			"last member moved, no trailing comma",
			"{\n  \"meta\": {\"lastTouchedVersion\": \"2026.3.24\"},\n  \"channels\": {\n    \"imessage\": {\n      \"textChunkLimit\": 10,\n      \"chunkMode\": \"newline\"\n    }\n  }\n}\n",
			"{\n  \"session\": {\n    \"reset\": {\n      \"mode\": \"daily\"\n    }\n  },\n  \"meta\": {\"lastTouchedVersion\": \"2026.9.6\"},\n  \"channels\": {\n    \"imessage\": {\n      \"textChunkLimit\": 10,\n      \"streaming\": {\n        \"chunkMode\": \"newline\"\n      }\n    }\n  }\n}\n",
		},
		{
			"tabs, a removed member and its blank line",
			"{\n\tmeta: { lastTouchedVersion: '2026.3.24' },\n\tchannels: {\n\t\timessage: {\n\t\t\tdmPolicy: 'pairing',\n\n\t\t\tblockStreaming: false,\n\n\t\t\t// the Mac\n\t\t\tcliPath: 'imsg',\n\t\t},\n\t},\n}\n",
			"{\n\tsession: {\n\t\treset: {\n\t\t\tmode: 'daily',\n\t\t},\n\t},\n\tmeta: { lastTouchedVersion: '2026.9.6' },\n\tchannels: {\n\t\timessage: {\n\t\t\tdmPolicy: 'pairing',\n\n\t\t\tstreaming: {\n\t\t\t\tblock: {\n\t\t\t\t\tenabled: false,\n\t\t\t\t},\n\t\t\t},\n\n\t\t\t// the Mac\n\t\t\tcliPath: 'imsg',\n\t\t},\n\t},\n}\n",
		},
		{
			"a repeated key: the dead one goes too",
			`{ meta: {}, channels: { imessage: { chunkMode: "length", chunkMode: "newline" } } }`,
			`{ session: { reset: { mode: "daily" } }, meta: { lastTouchedVersion: "2026.9.6" }, channels: { imessage: { streaming: { chunkMode: "newline" } } } }`,
		},
		{
			"env vars into an existing vars, a binding kind",
			`{ meta: {}, env: { vars: { B: "2" }, A: "1" }, bindings: [{ agentId: "main", match: { channel: "imessage", peer: { kind: 'dm', id: "x" } } }] }`,
			`{ session: { reset: { mode: "daily" } }, meta: { lastTouchedVersion: "2026.9.6" }, env: { vars: { A: "1", B: "2" } }, bindings: [{ agentId: "main", match: { channel: "imessage", peer: { kind: 'direct', id: "x" } } }] }`,
		},
		{
			"a roster: entries keyed by id, comments kept, the first agent marked default, a binding to an unlisted agent sent to it",
			"{\n  meta: {},\n  agents: {\n    // who answers\n    list: [\n      // the family agent\n      { id: \"Home\", name: \"H\" },\n      {\n        id: \"work\", // ops\n        default: false,\n      },\n      { id: \"home\", name: \"dead\" },\n    ],\n  },\n  bindings: [{ agentId: \"ghost\", match: { channel: \"imessage\", accountId: \"x\" } }],\n}\n",
			"{\n  session: {\n    reset: {\n      mode: \"daily\",\n    },\n  },\n  meta: { lastTouchedVersion: \"2026.9.6\" },\n  agents: {\n    // who answers\n    entries: {\n      // the family agent\n      home: { default: true, name: \"H\" },\n      work: {\n        default: false,\n      },\n    },\n  },\n  bindings: [{ agentId: \"home\", match: { channel: \"imessage\", accountId: \"x\" } }],\n}\n",
		},
		{
			"two default markers: the first wins",
			`{ meta: {}, agents: { list: [{ id: "a" }, { id: "b", default: true }, { id: "c", default: true }] } }`,
			`{ session: { reset: { mode: "daily" } }, meta: { lastTouchedVersion: "2026.9.6" }, agents: { entries: { a: {}, b: { default: true }, c: {} } } }`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := migrate.To("x.json5", []byte(tc.in), "2026.9.6", compiler.Options{Env: noEnv})
			if err != nil {
				t.Fatal(err)
			}
			if res.Invalid() || len(res.Refusals) > 0 {
				t.Fatalf("not migrated: %v %+v", res.Vet.Diagnostics, res.Refusals)
			}
			if got := string(res.Output); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// TestRefusals: what cannot be carried is refused with a reason, and
// nothing is written.
func TestRefusals(t *testing.T) {
	for _, tc := range []struct{ in, path string }{
		{`{ agents: { defaults: { workspace: "/w" }, list: [{ id: "a" }, { id: "b" }] } }`, "agents.list.1"},
		{`{ bindings: [{ agentId: "ghost", match: { channel: "imessage" } }] }`, "bindings.0.agentId"},
		{`{ channels: { bluebubbles: { serverUrl: "http://x" } } }`, "channels.bluebubbles"},
		{`{ channels: { telegram: { timeoutSeconds: 5 } } }`, "channels.telegram"},
		{`{ messages: { removeAckAfterReply: true } }`, "messages.removeAckAfterReply"},
	} {
		res, err := migrate.To("x.json5", []byte(tc.in), "2026.9.6", compiler.Options{Env: noEnv})
		if err != nil {
			t.Fatal(err)
		}
		if res.Invalid() {
			t.Errorf("%s: invalid input: %v", tc.in, res.Vet.Diagnostics)
			continue
		}
		if res.Output != nil || len(res.Refusals) == 0 || res.Refusals[0].Path != tc.path || res.Refusals[0].Message == "" {
			t.Errorf("%s: want a refusal at %s, got %+v (output %q)", tc.in, tc.path, res.Refusals, res.Output)
		}
	}
}
