package lower

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
	"github.com/openclawcfg/openclawcfg/plan"
)

// allowEntries is normalizeAllowFrom then parseIMessageAllowTarget.
func (s *provenance) allowEntries(l []*value) []plan.AllowEntry {
	if s.rootOnly { // 2026.9.6
		return allowEntriesWith(l, openclaw.ParseAllowTarget96)
	}
	return allowEntriesWith(l, openclaw.ParseAllowTarget)
}

// allowEntriesWith is allowEntries with a release's parser.
func allowEntriesWith(l []*value, parse func(string) openclaw.AllowTarget) []plan.AllowEntry {
	out := []plan.AllowEntry{}
	for _, v := range l {
		raw := openclaw.TrimJS(v.JSString())
		if raw == "" {
			continue
		}
		if raw == "*" {
			out = append(out, plan.AllowEntry{Raw: raw, Kind: plan.EntryAny, Value: "*"})
			continue
		}
		t := parse(raw)
		v := t.Value
		if t.Kind == openclaw.AllowChatID {
			v = openclaw.FormatJSNumber(t.ChatID) // the chat id as JavaScript prints it
		}
		out = append(out, plan.AllowEntry{Raw: raw, Kind: plan.EntryKind(t.Kind), Value: v})
	}
	return out
}

func anyAll(es []plan.AllowEntry) bool {
	return slices.ContainsFunc(es, func(e plan.AllowEntry) bool { return e.Kind == plan.EntryAny })
}

func lowerDM(m obj, src *provenance) plan.DMPolicy {
	// The monitor passes imessageCfg.dmPolicy ?? "pairing".
	d := plan.DMPolicy{Policy: plan.Value[plan.DMMode]{Value: plan.DMPairing, Origin: plan.Origin{Kind: plan.OriginDefault}}}
	if v := m["dmPolicy"]; !nullish(v) {
		d.Policy = plan.Value[plan.DMMode]{Value: plan.DMMode(v.JSString()), Origin: src.origin("dmPolicy")}
	}
	l, ok := m.list("allowFrom")
	d.AllowFrom = plan.Value[[]plan.AllowEntry]{Value: src.allowEntries(l), Origin: src.origin("allowFrom")}
	if !ok {
		d.AllowFrom.Origin = plan.Origin{Kind: plan.OriginDefault, Note: "empty"}
	}
	d.AllowAll = anyAll(d.AllowFrom.Value)
	d.PairingStoreCounts = d.Policy.Value != plan.DMAllowlist
	return d
}

func lowerGroups(cfg, ch, m obj, src *provenance) plan.GroupPolicy {
	var g plan.GroupPolicy
	// resolveChannelGroupPolicy reads account.groupPolicy ??
	// channel.groupPolicy as written (no fallback) for the chat allowlist.
	raw, _ := m.str("groupPolicy")
	switch {
	case ch == nil:
		g.Policy = plan.Value[plan.GroupMode]{Value: plan.GroupAllowlist, Origin: plan.Origin{
			Kind: plan.OriginDefault,
			Note: `channels.imessage is missing: OpenClaw falls back to "allowlist" (ignoring channels.defaults.groupPolicy) and logs a warning`,
		}}
		raw = string(plan.GroupAllowlist)
	case !nullish(m["groupPolicy"]):
		g.Policy = plan.Value[plan.GroupMode]{Value: plan.GroupMode(m["groupPolicy"].JSString()), Origin: src.origin("groupPolicy")}
	default:
		// Unreachable after OpenClaw's schema, which always writes one.
		g.Policy = plan.Value[plan.GroupMode]{Value: plan.GroupOpen, Origin: plan.Origin{Kind: plan.OriginDefault}}
		if p, ok := cfg.obj("channels").obj("defaults").str("groupPolicy"); ok {
			g.Policy = plan.Value[plan.GroupMode]{Value: plan.GroupMode(p), Origin: plan.Origin{Kind: plan.OriginFallback, Path: "channels.defaults.groupPolicy"}}
		}
	}
	// The monitor's list: groupAllowFrom ?? (allowFrom non-empty ? allowFrom : []).
	if l, ok := m.list("groupAllowFrom"); ok {
		g.Senders = plan.Value[[]plan.AllowEntry]{Value: src.allowEntries(l), Origin: src.origin("groupAllowFrom")}
	} else if l, _ := m.list("allowFrom"); len(src.allowEntries(l)) > 0 {
		o := src.origin("allowFrom")
		g.Senders = plan.Value[[]plan.AllowEntry]{Value: src.allowEntries(l), Origin: plan.Origin{
			Kind: plan.OriginFallback, Path: o.Path,
			Note: "groupAllowFrom is unset, so group senders are checked against allowFrom (config only; pairing approvals never count for groups)",
		}}
	} else {
		g.Senders = plan.Value[[]plan.AllowEntry]{Value: []plan.AllowEntry{}, Origin: plan.Origin{Kind: plan.OriginDefault, Note: "empty: no group sender can trigger under groupPolicy \"allowlist\""}}
	}
	g.AllowAllSenders = anyAll(g.Senders.Value)

	groups := m.obj("groups")
	g.GroupsOrigin = src.origin("groups")
	if !m.has("groups") {
		g.GroupsOrigin = plan.Origin{Kind: plan.OriginDefault, Note: "no groups map"}
	}
	g.AllowlistEnabled = plan.GroupMode(raw) == plan.GroupAllowlist || len(groups) > 0
	ids := make([]string, 0, len(groups))
	for k := range groups {
		ids = append(ids, k)
	}
	slices.SortFunc(ids, compareChatIDs)
	star := groups.obj("*")
	for _, id := range ids {
		e := groups.obj(id)
		gc := plan.GroupChat{ChatID: id, RequireMention: requireMention(e, star, g.GroupsOrigin.Path, id)}
		if id == "*" {
			g.Wildcard = &gc
			continue
		}
		g.Chats = append(g.Chats, gc)
	}
	if g.Chats == nil {
		g.Chats = []plan.GroupChat{}
	}
	return g
}

// compareChatIDs sorts numeric ids numerically, then the rest.
func compareChatIDs(a, b string) int {
	na, ea := strconv.ParseInt(a, 10, 64)
	nb, eb := strconv.ParseInt(b, 10, 64)
	switch {
	case ea == nil && eb == nil:
		return cmp.Compare(na, nb)
	case ea == nil:
		return -1
	case eb == nil:
		return 1
	}
	return cmp.Compare(a, b)
}

func requireMention(e, star obj, groupsPath, id string) plan.Value[bool] {
	if b, ok := e.boolean("requireMention"); ok {
		return plan.Value[bool]{Value: b, Origin: plan.Origin{Kind: plan.OriginSet, Path: groupsPath + "." + id + ".requireMention"}}
	}
	if b, ok := star.boolean("requireMention"); ok && id != "*" {
		return plan.Value[bool]{Value: b, Origin: plan.Origin{Kind: plan.OriginFallback, Path: groupsPath + ".*.requireMention"}}
	}
	return plan.Value[bool]{Value: true, Origin: plan.Origin{Kind: plan.OriginDefault}}
}
