package lower

import (
	"slices"
	"strings"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
	"github.com/openclawcfg/openclawcfg/internal/release"
	"github.com/openclawcfg/openclawcfg/plan"
)

func lowerGlobal(cfg obj, v96 bool) plan.Global {
	var g plan.Global
	g.DMScope = plan.Value[plan.DMScope]{Value: plan.ScopeMain, Origin: plan.Origin{Kind: plan.OriginDefault, Note: "every DM shares the agent's main session"}}
	if s, ok := cfg.obj("session").str("dmScope"); ok {
		g.DMScope = plan.Value[plan.DMScope]{Value: plan.DMScope(s), Origin: plan.Origin{Kind: plan.OriginSet, Path: "session.dmScope"}}
	}
	g.UseAccessGroups = plan.Value[bool]{Value: true, Origin: plan.Origin{Kind: plan.OriginDefault}}
	if b, ok := cfg.obj("commands").boolean("useAccessGroups"); ok {
		g.UseAccessGroups = plan.Value[bool]{Value: b, Origin: plan.Origin{Kind: plan.OriginSet, Path: "commands.useAccessGroups"}}
	}
	g.CommandsConfig = boolValue(cfg.obj("commands"), "config", "commands.config", false)
	// isCommandFlagEnabled: only the boolean true switches a command on.
	cmds := cfg.obj("commands")
	on := func(k string) bool { b, ok := cmds.boolean(k); return ok && b }
	g.Commands = plan.CommandFlags{MCP: on("mcp"), Plugins: on("plugins"), Debug: on("debug"), Bash: on("bash")}
	// Channel plugins with native commands add /dock-<id>; they load when
	// configured or enabled as plugins.
	for _, id := range []string{"discord", "mattermost", "slack", "telegram"} {
		enabled, _ := cfg.obj("plugins").obj("entries").obj(id).boolean("enabled")
		if !nullish(cfg.obj("channels")[id]) || enabled {
			g.Commands.DockChannels = append(g.Commands.DockChannels, id)
		}
	}
	defs := cfg.obj("agents").obj("defaults")
	g.Envelope.Timezone, _ = defs.str("envelopeTimezone")
	g.Envelope.Timestamp, _ = defs.str("envelopeTimestamp")
	g.Envelope.Elapsed, _ = defs.str("envelopeElapsed")
	g.Envelope.UserTimezone, _ = defs.str("userTimezone")
	g.InboundDebounceMs = plan.Value[int]{Origin: plan.Origin{Kind: plan.OriginDefault}}
	in := cfg.obj("messages").obj("inbound")
	if v, ok := in.obj("byChannel").num("imessage"); ok {
		g.InboundDebounceMs = plan.Value[int]{Value: int(v), Origin: plan.Origin{Kind: plan.OriginSet, Path: "messages.inbound.byChannel.imessage"}}
	} else if v, ok := in.num("debounceMs"); ok {
		g.InboundDebounceMs = plan.Value[int]{Value: int(v), Origin: plan.Origin{Kind: plan.OriginFallback, Path: "messages.inbound.debounceMs"}}
	}
	var legacyOwner string
	g.Agents, legacyOwner = lowerAgents(cfg, v96)
	if global := cfg.obj("messages").obj("groupChat"); global.has("mentionPatterns") {
		m := plan.NewMentions(plan.Value[[]string]{Value: strList(global, "mentionPatterns"), Origin: plan.Origin{Kind: plan.OriginSet, Path: "messages.groupChat.mentionPatterns"}})
		g.GroupChatMentions = &m
	}
	bl, _ := cfg.list("bindings")
	for i, v := range bl {
		if b, ok := lowerBinding(v); ok {
			b.Index = i
			g.Bindings = append(g.Bindings, b)
		}
	}
	if v96 {
		g.RouteRelease = release.Current
		own, _ := cfg.obj("agents").str("ownership")
		g.ExplicitOwnership = own == "explicit"
		if legacyOwner != "" && ambientIMessage(cfg) && !slices.ContainsFunc(bl, channelWide) {
			g.OwnerBinding = legacyOwner
		}
	}
	return g
}

// ambientIMessage: 2026.9.6 materialises ownership for every configured
// channel not switched off (listUnboundAmbientChannelIds).
func ambientIMessage(cfg obj) bool {
	v := cfg.obj("channels")["imessage"]
	if v == nil {
		return false
	}
	en, ok := v.props.boolean("enabled")
	return v.props == nil || !ok || en
}

// channelWide is isChannelWideBinding for imessage: a non-ACP binding for
// every account (accountId "*") with no peer key, guildId, teamId or roles.
func channelWide(v *value) bool {
	b := v.props
	if b == nil {
		return false
	}
	if t, _ := b.str("type"); t == "acp" {
		return false
	}
	m := b.obj("match")
	c, _ := m.str("channel")
	acct, isStr := m.str("accountId")
	if strings.ToLower(openclaw.TrimJS(c)) != "imessage" || !isStr || openclaw.TrimJS(acct) != "*" || m["peer"] != nil {
		return false
	}
	g, _ := m.str("guildId")
	t, _ := m.str("teamId")
	roles, _ := m.list("roles")
	return openclaw.TrimJS(g) == "" && openclaw.TrimJS(t) == "" && len(roles) == 0
}
