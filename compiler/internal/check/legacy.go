package check

import (
	"fmt"
	"strings"

	"github.com/openclawcfg/openclawcfg/compiler/diag"
	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
	"github.com/openclawcfg/openclawcfg/internal/openclaw"
)

// legacyRule is one entry of OpenClaw 2026.3.24's LEGACY_CONFIG_RULES
// (src/config/legacy.rules.ts) below the top level; legacyRoot has the
// top-level ones. findLegacyConfigIssues reports a rule when its path
// holds a value (and match accepts it), and then validation stops there:
// `openclaw config validate` refuses the file, while the gateway rewrites
// it on start (migrateLegacyConfig) unless it runs in Nix mode.
type legacyRule struct {
	path    []string
	message string // OpenClaw's own words
	match   func(*json5.Node) bool
	// fix says where the setting goes; root is the config.
	fix func(root *json5.Node, v string) string
	// ttl rules are reported at each ttlHours key, with a rename edit.
	ttl bool
}

func isString(n *json5.Node) bool { return n.Kind == json5.String }

// hasOwnTTL is hasLegacyThreadBindingTtl.
func hasOwnTTL(n *json5.Node) bool { return n.Kind == json5.Object && lastMember(n, "ttlHours") >= 0 }

// accountsTTL is hasLegacyThreadBindingTtlInAccounts.
func accountsTTL(n *json5.Node) bool {
	if n.Kind != json5.Object {
		return false
	}
	for _, a := range ownValues(n) {
		if tb := a.Lookup("threadBindings"); tb != nil && hasOwnTTL(tb) {
			return true
		}
	}
	return false
}

// ownValues are Object.values: the last value of each key, "__proto__"
// dropped (OpenClaw's parser drops it).
func ownValues(n *json5.Node) []*json5.Node {
	last := lastIndex(n)
	var out []*json5.Node
	for i, m := range n.Members {
		if last[m.Key] == i && m.Key != "__proto__" {
			out = append(out, m.Value)
		}
	}
	return out
}

func has(root *json5.Node, path ...string) bool {
	n := root
	for _, p := range path {
		if n == nil || n.Kind != json5.Object {
			return false
		}
		n = n.Lookup(p)
	}
	return n != nil
}

func fixed(s string) func(*json5.Node, string) string {
	return func(*json5.Node, string) string { return s }
}

var nestedLegacyRules = []legacyRule{
	{
		path: []string{"session", "threadBindings"}, ttl: true, match: hasOwnTTL,
		message: "session.threadBindings.ttlHours was renamed to session.threadBindings.idleHours (auto-migrated on load).",
	},
	{
		path: []string{"channels", "discord", "threadBindings"}, ttl: true, match: hasOwnTTL,
		message: "channels.discord.threadBindings.ttlHours was renamed to channels.discord.threadBindings.idleHours (auto-migrated on load).",
	},
	{
		path: []string{"channels", "discord", "accounts"}, ttl: true, match: accountsTTL,
		message: "channels.discord.accounts.<id>.threadBindings.ttlHours was renamed to channels.discord.accounts.<id>.threadBindings.idleHours (auto-migrated on load).",
	},
	{
		path:    []string{"routing", "allowFrom"},
		message: "routing.allowFrom was removed; use channels.whatsapp.allowFrom instead (auto-migrated on load).",
		fix:     fixed("the iMessage allow list is channels.imessage.allowFrom; the gateway's migration moves this list to channels.whatsapp.allowFrom, or drops it when channels.whatsapp is not configured"),
	},
	{
		path:    []string{"routing", "bindings"},
		message: "routing.bindings was moved; use top-level bindings instead (auto-migrated on load).",
		fix: func(root *json5.Node, _ string) string {
			if has(root, "bindings") {
				return "merge it into the top-level bindings: bindings is already set, so the gateway's migration drops routing.bindings"
			}
			return "move the list to the top-level bindings"
		},
	},
	{
		path:    []string{"routing", "agents"},
		message: "routing.agents was moved; use agents.list instead (auto-migrated on load).",
		fix:     fixed("move each agent into agents.list as { id: ..., ... } (its mentionPatterns go to groupChat.mentionPatterns)"),
	},
	{
		path:    []string{"routing", "defaultAgentId"},
		message: "routing.defaultAgentId was moved; use agents.list[].default instead (auto-migrated on load).",
		fix:     fixed("mark that agent with default: true in agents.list"),
	},
	{
		path:    []string{"routing", "agentToAgent"},
		message: "routing.agentToAgent was moved; use tools.agentToAgent instead (auto-migrated on load).",
		fix:     fixed("move it to tools.agentToAgent"),
	},
	{
		path:    []string{"routing", "groupChat", "requireMention"},
		message: "routing.groupChat.requireMention was removed; use channels.whatsapp/telegram/imessage groups defaults (e.g. channels.whatsapp.groups.\"*\".requireMention) instead (auto-migrated on load).",
		fix:     fixed(`for iMessage, set it in channels.imessage.groups (e.g. groups: { "*": { requireMention: true } }); the gateway's migration writes it to channels.imessage.groups."*" and channels.telegram.groups."*", and creates channels.imessage and channels.telegram when they are absent, which turns those channels on`),
	},
	{
		path:    []string{"routing", "groupChat", "mentionPatterns"},
		message: "routing.groupChat.mentionPatterns was moved; use agents.list[].groupChat.mentionPatterns or messages.groupChat.mentionPatterns instead (auto-migrated on load).",
		fix: func(root *json5.Node, _ string) string {
			fix := "move the list to messages.groupChat.mentionPatterns (every agent; where the gateway's migration puts it) or to agents.list[].groupChat.mentionPatterns (one agent)"
			if has(root, "messages", "groupChat", "mentionPatterns") {
				fix += "; messages.groupChat.mentionPatterns is already set, so the migration drops this list"
			}
			return fix
		},
	},
	{
		path:    []string{"routing", "queue"},
		message: "routing.queue was moved; use messages.queue instead (auto-migrated on load).",
		fix:     fixed("move it to messages.queue"),
	},
	{
		path:    []string{"routing", "transcribeAudio"},
		message: "routing.transcribeAudio was moved; use tools.media.audio.models instead (auto-migrated on load).",
		fix:     fixed("move it to tools.media.audio.models"),
	},
	{
		path:    []string{"telegram", "requireMention"},
		message: "telegram.requireMention was removed; use channels.telegram.groups.\"*\".requireMention instead (auto-migrated on load).",
		fix:     fixed(`move it to channels.telegram.groups."*".requireMention`),
	},
	{
		path:    []string{"tools", "bash"},
		message: "tools.bash was removed; use tools.exec instead (auto-migrated on load).",
		fix:     fixed("rename it to tools.exec"),
	},
	{
		path: []string{"agent", "model"}, match: isString,
		message: "agent.model string was replaced by agents.defaults.model.primary/fallbacks and agents.defaults.models (auto-migrated on load).",
		fix: func(_ *json5.Node, v string) string {
			return fmt.Sprintf("set agents.defaults.model: { primary: %q }", v)
		},
	},
	{
		path: []string{"agent", "imageModel"}, match: isString,
		message: "agent.imageModel string was replaced by agents.defaults.imageModel.primary/fallbacks (auto-migrated on load).",
		fix: func(_ *json5.Node, v string) string {
			return fmt.Sprintf("set agents.defaults.imageModel: { primary: %q }", v)
		},
	},
	{
		path:    []string{"agent", "allowedModels"},
		message: "agent.allowedModels was replaced by agents.defaults.models (auto-migrated on load).",
		fix:     fixed("list the models as keys of agents.defaults.models"),
	},
	{
		path:    []string{"agent", "modelAliases"},
		message: "agent.modelAliases was replaced by agents.defaults.models.*.alias (auto-migrated on load).",
		fix:     fixed("set each alias as agents.defaults.models.<model>.alias"),
	},
	{
		path:    []string{"agent", "modelFallbacks"},
		message: "agent.modelFallbacks was replaced by agents.defaults.model.fallbacks (auto-migrated on load).",
		fix:     fixed("move the list to agents.defaults.model.fallbacks"),
	},
	{
		path:    []string{"agent", "imageModelFallbacks"},
		message: "agent.imageModelFallbacks was replaced by agents.defaults.imageModel.fallbacks (auto-migrated on load).",
		fix:     fixed("move the list to agents.defaults.imageModel.fallbacks"),
	},
	{
		path:    []string{"messages", "tts", "enabled"},
		message: "messages.tts.enabled was replaced by messages.tts.auto (auto-migrated on load).",
		fix: func(root *json5.Node, _ string) string {
			to := "always"
			if v := root.Lookup("messages").Lookup("tts").Lookup("enabled"); v != nil && v.Kind == json5.Bool && !v.Bool {
				to = "off"
			}
			return fmt.Sprintf(`set messages.tts.auto: %q instead (what the gateway's migration writes); the values are "off", "always", "inbound" and "tagged"`, to)
		},
	},
	{
		path:    []string{"gateway", "token"},
		message: "gateway.token is ignored; use gateway.auth.token instead (auto-migrated on load).",
		fix:     fixed("move it to gateway.auth.token"),
	},
	{
		path: []string{"gateway", "bind"}, match: bindHostAlias,
		message: "gateway.bind host aliases (for example 0.0.0.0/localhost) are legacy; use bind modes (lan/loopback/custom/tailnet/auto) instead (auto-migrated on load).",
		fix: func(_ *json5.Node, v string) string {
			mode := "lan"
			switch openclaw.ToLowerJS(openclaw.TrimJS(v)) {
			case "localhost", "127.0.0.1", "::1", "[::1]":
				mode = "loopback"
			}
			return fmt.Sprintf("write bind: %q (what the gateway's migration writes for %q)", mode, openclaw.TrimJS(v))
		},
	},
}

// bindHostAlias is isLegacyGatewayBindHostAlias.
func bindHostAlias(n *json5.Node) bool {
	if n.Kind != json5.String {
		return false
	}
	switch openclaw.ToLowerJS(openclaw.TrimJS(n.Str)) {
	case "0.0.0.0", "::", "[::]", "*", "127.0.0.1", "localhost", "::1", "[::1]":
		return true
	}
	return false
}

// legacyNested reports the rules of nestedLegacyRules that hold in root,
// and remembers the sections they cover so that the schema walk does not
// call them unknown keys too.
func (c *checker) legacyNested(root *json5.Node) {
	for _, r := range nestedLegacyRules {
		cur := root
		var m *json5.Member
		for _, seg := range r.path {
			if cur == nil || cur.Kind != json5.Object {
				cur = nil
				break
			}
			i := lastMember(cur, seg)
			if i < 0 {
				cur = nil
				break
			}
			m = &cur.Members[i]
			cur = m.Value
		}
		if cur == nil || r.match != nil && !r.match(cur) {
			continue
		}
		if c.legacyCovered == nil {
			c.legacyCovered = map[string]bool{}
		}
		c.legacyCovered[strings.Join(r.path[:1], ".")] = true
		path := strings.Join(r.path, ".")
		if !r.ttl {
			d := diag.Diagnostic{File: c.file(m.Value), Offset: m.KeyStart, End: m.KeyEnd, Path: path, Severity: diag.Error, Code: diag.CodeLegacyKey, Message: r.message}
			if r.fix != nil {
				v := ""
				if cur.Kind == json5.String {
					v = cur.Str
				}
				d.Fix = r.fix(root, v)
			}
			c.add(d)
			continue
		}
		if r.path[len(r.path)-1] == "accounts" {
			last := lastIndex(cur)
			for i := range cur.Members {
				a := &cur.Members[i]
				if last[a.Key] != i || a.Key == "__proto__" {
					continue
				}
				if tb := a.Value.Lookup("threadBindings"); tb != nil && hasOwnTTL(tb) {
					c.ttlHours(tb, path+"."+a.Key+".threadBindings", r.message)
				}
			}
			continue
		}
		c.ttlHours(cur, path, r.message)
	}
}

// ttlHours reports the ttlHours key of a threadBindings object.
func (c *checker) ttlHours(tb *json5.Node, path, msg string) {
	if c.legacyKeys == nil {
		c.legacyKeys = map[*json5.Member]bool{}
	}
	m := &tb.Members[lastMember(tb, "ttlHours")]
	c.legacyKeys[m] = true
	d := diag.Diagnostic{File: c.file(m.Value), Offset: m.KeyStart, End: m.KeyEnd, Path: path + ".ttlHours", Severity: diag.Error, Code: diag.CodeLegacyKey, Message: msg}
	if tb.Lookup("idleHours") != nil {
		d.Fix = "remove ttlHours: idleHours is already set (the gateway's migration drops ttlHours)"
	} else {
		d.Fix = "rename ttlHours to idleHours"
		d.Edit = c.renameKey(m, "idleHours")
	}
	c.add(d)
}

// routingHint says where the settings of a routing section that no legacy
// rule covers went (the gateway's routing.config-v2 migration), for the
// unknown-key message.
func routingHint(n *json5.Node) (msg, fix string) {
	if n.Kind == json5.Object {
		if gc := n.Lookup("groupChat"); gc != nil && gc.Kind == json5.Object && gc.Lookup("historyLimit") != nil {
			return "; OpenClaw 2026.3.24 moved routing.groupChat.historyLimit to messages.groupChat.historyLimit",
				"move it to messages.groupChat.historyLimit"
		}
	}
	return "; the routing section is gone: OpenClaw moved its settings to bindings, agents.list, messages and tools",
		"remove it, or move its settings where `openclawcfg explain` shows them"
}
