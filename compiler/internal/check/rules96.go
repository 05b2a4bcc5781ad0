package check

import (
	"math"
	"strings"

	"github.com/openclawcfg/openclawcfg/compiler/diag"
	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
	"github.com/openclawcfg/openclawcfg/internal/openclaw"
)

// knownChannelsKeyed are the channel ids OpenClaw 2026.9.6 accepts under
// channels: defaults, modelByChannel and the configurable channels of its
// bundled plugin metadata (dist/bundled-channel-config-metadata.generated-
// *.js). bluebubbles is gone.
var knownChannelsKeyed = map[string]bool{
	"defaults": true, "modelByChannel": true, "a2a": true, "buzz": true, "clickclack": true,
	"discord": true, "feishu": true, "googlechat": true, "imessage": true, "irc": true, "line": true,
	"matrix": true, "mattermost": true, "msteams": true, "nextcloud-talk": true, "nostr": true,
	"raft": true, "reef": true, "signal": true, "slack": true, "sms": true, "synology-chat": true,
	"telegram": true, "tlon": true, "twitch": true, "whatsapp": true, "zalo": true, "zalouser": true,
}

// channelKnown reports whether the release judging the file accepts
// channel id (trimmed).
func (c *checker) channelKnown(id string) bool {
	if c.keyed() {
		return knownChannelsKeyed[id]
	}
	return knownChannels[id]
}

// bindingKeyed is the binding check of 2026.9.6: a route binding still
// takes no acp block, and AcpBindingSchema's refinement only asks for a
// peer id (ACP bindings work on every channel, with any id form).
func (c *checker) bindingKeyed(n *json5.Node) bool {
	if n.Kind != json5.Object {
		return true
	}
	if !c.acpBinding(n, false) {
		return true
	}
	match := n.Lookup("match")
	if match == nil || match.Kind != json5.Object {
		return true
	}
	peer := match.Lookup("peer")
	if peer != nil && peer.Kind != json5.Object {
		return true // a type error: zod stops before the refinement
	}
	if id := peer.Lookup("id"); id != nil && (id.Kind != json5.String || openclaw.TrimJS(id.Str) != "") {
		return true
	}
	c.push("match")
	c.push("peer")
	at := match
	if peer != nil {
		at = peer
	}
	d := c.errorAt(at, diag.CodeBinding, "ACP bindings require match.peer.id to target a concrete conversation")
	d.Fix = `set match.peer to the conversation the ACP session is bound to, e.g. peer: { kind: "direct", id: "..." }, or drop type: "acp"`
	c.pop()
	c.pop()
	return true
}

// maintenanceKeyed is session.maintenance of 2026.9.6: durations must
// parse and be positive (each on its own field), and maxDiskBytes (unless
// false) and highWaterBytes must be byte sizes.
func (c *checker) maintenanceKeyed(n *json5.Node) {
	if n.Kind != json5.Object {
		return
	}
	for _, f := range []struct {
		key      string
		duration bool
		zero     bool // the literal 0 is allowed too
	}{{"pruneAfter", true, false}, {"archiveDashboardAfter", true, true}, {"preserveRecent", true, false}, {"resetArchiveRetention", true, false}, {"maxDiskBytes", false, false}, {"highWaterBytes", false, false}} {
		v := n.Lookup(f.key)
		if v == nil {
			continue
		}
		var raw string
		switch {
		case v.Kind == json5.String:
			raw = v.Str
		case v.Kind == json5.Number && !math.IsInf(v.Num, 0) && !math.IsNaN(v.Num):
			if f.zero && v.Num == 0 {
				continue
			}
			raw = openclaw.FormatJSNumber(v.Num)
		case v.Kind == json5.Bool && v.Bool && f.key != "highWaterBytes":
			c.push(f.key)
			d := c.errorAt(v, diag.CodeType, "must be a duration (a string or a number) or false, got true")
			if !f.duration {
				d.Message = "must be a byte size (a string or a number) or false, got true"
			}
			d.Fix = "write false to turn it off, or a value"
			c.pop()
			continue
		default:
			continue // false where allowed, or a type error of the schema walk
		}
		c.push(f.key)
		switch {
		case f.duration && !validDuration(raw, "d"):
			d := c.errorAt(v, diag.CodeFormat, "invalid duration (use ms, s, m, h, d): got "+describe(v))
			d.Fix = `write a number with a unit, such as "30d", "12h" or "1h30m" (a bare number means days)`
		case f.duration && !strings.ContainsAny(raw, "123456789"):
			d := c.errorAt(v, diag.CodeFormat, "duration must be positive (use ms, s, m, h, d): got "+describe(v))
			d.Fix = `write a positive duration such as "30d"`
		case !f.duration && !validByteSize(raw):
			d := c.errorAt(v, diag.CodeFormat, "invalid size (use b, kb, mb, gb, tb): got "+describe(v))
			d.Fix = `write a number with a unit and no space, such as "500mb" or "2gb" (a bare number means bytes)`
		}
		c.pop()
	}
}
