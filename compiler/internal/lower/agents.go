package lower

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
	"github.com/openclawcfg/openclawcfg/internal/openclaw"
	"github.com/openclawcfg/openclawcfg/plan"
)

// lowerBinding reads a bindings[] entry as resolveAgentRoute does
// (normalizeBindingMatch); ok is false for ACP bindings and other channels.
func lowerBinding(v *value) (plan.Binding, bool) {
	b := v.props
	if t, _ := b.str("type"); t == "acp" || b == nil {
		return plan.Binding{}, false
	}
	match := b.obj("match")
	if c, _ := match.str("channel"); strings.ToLower(openclaw.TrimJS(c)) != "imessage" {
		return plan.Binding{}, false
	}
	var out plan.Binding
	out.AgentID, _ = b.str("agentId")
	acct, _ := match.str("accountId")
	out.AccountPattern = openclaw.TrimJS(acct)
	if p := match["peer"]; truthy(p) {
		peer := p.props
		kind, _ := peer.str("kind")
		switch k := strings.ToLower(openclaw.TrimJS(kind)); k {
		case "dm", "direct":
			out.PeerKind = plan.PeerDirect
		case "group", "channel":
			out.PeerKind = plan.PeerKind(k)
		}
		out.PeerID = bindingID(peer["id"])
		if out.PeerKind == "" || out.PeerID == "" {
			out.PeerKind, out.PeerID = "", ""
			out.Dead = "its peer has no valid kind (direct, group or channel) and id"
		}
	}
	switch {
	case out.Dead != "":
	case bindingID(match["guildId"]) != "":
		out.Dead = "it sets guildId, which an iMessage message never carries"
	case bindingID(match["teamId"]) != "":
		out.Dead = "it sets teamId, which an iMessage message never carries"
	default:
		if roles, _ := match.list("roles"); len(roles) > 0 {
			out.Dead = "it sets roles, which an iMessage message never carries"
		}
	}
	return out, true
}

// bindingID is normalizeId: a trimmed string, or a number as a string.
func bindingID(v *value) string {
	if v != nil && (v.Kind == json5.String || v.Kind == json5.Number) {
		return openclaw.TrimJS(v.JSString())
	}
	return ""
}

// identityLinks keeps session.identityLinks in JavaScript's own-key order
// (integer keys ascending, then insertion order); non-array values are
// skipped as resolveLinkedPeerId skips them.
func identityLinks(m obj, keys []string) []plan.IdentityLink {
	var out []plan.IdentityLink
	for _, k := range keys {
		l, ok := m.list(k)
		if !ok {
			continue
		}
		link := plan.IdentityLink{Canonical: k, IDs: []string{}}
		for _, e := range l {
			if e.Kind == json5.String {
				link.IDs = append(link.IDs, e.Str)
			}
		}
		out = append(out, link)
	}
	return out
}

// lowerAgents resolves each agent's mention patterns: its own
// groupChat.mentionPatterns (even []), else messages.groupChat's, else
// patterns derived from its identity name and emoji.
//
// For 2026.9.6 (v96) the roster is agents.entries, keyed by id in
// Object.keys order (a legacy agents.list is converted to it on load), and
// the default agent is chosen by default96 (there may be none).
//
// The second result is 2026.9.6's retained legacy owner (see default96).
func lowerAgents(cfg obj, v96 bool) ([]plan.Agent, string) {
	list, _ := cfg.obj("agents").list("list")
	bases := make([]string, len(list))
	for i := range list {
		bases[i] = "agents.list." + strconv.Itoa(i)
	}
	if ent := cfg.obj("agents")["entries"]; v96 && ent != nil && ent.props != nil {
		list, bases = nil, nil
		for _, k := range objectKeys(ent.Node) {
			e := ent.props[k]
			if e == nil || e.props == nil {
				continue
			}
			props := maps.Clone(e.props)
			props["id"] = supplied(k)
			list = append(list, &value{Node: e.Node, props: props})
			bases = append(bases, "agents.entries."+k)
		}
	}
	implicit := len(list) == 0
	if implicit {
		list = []*value{{Node: &json5.Node{Kind: json5.Object}, props: obj{"id": supplied("main")}}}
	}
	global := cfg.obj("messages").obj("groupChat")
	// Agents that fall back to the global patterns share one compilation.
	var globalMentions *plan.Mentions
	var out []plan.Agent
	for i, v := range list {
		e := v.props
		id, _ := e.str("id")
		a := plan.Agent{ID: id, Implicit: implicit}
		base := ""
		if !implicit {
			base = bases[i]
		}
		var pats plan.Value[[]string]
		switch {
		case e.obj("groupChat").has("mentionPatterns"):
			pats = plan.Value[[]string]{Value: strList(e.obj("groupChat"), "mentionPatterns"), Origin: plan.Origin{Kind: plan.OriginSet, Path: strings.TrimPrefix(base+".groupChat.mentionPatterns", ".")}}
		case global.has("mentionPatterns"):
			pats = plan.Value[[]string]{Value: strList(global, "mentionPatterns"), Origin: plan.Origin{Kind: plan.OriginFallback, Path: "messages.groupChat.mentionPatterns"}}
		case e.obj("identity") == nil:
			pats = plan.Value[[]string]{Value: []string{}, Origin: plan.Origin{
				Kind: plan.OriginDefault,
				Note: "no mentionPatterns anywhere and no identity name or emoji to derive them from",
			}}
		default:
			pats = plan.Value[[]string]{Value: identityPatterns(e.obj("identity")), Origin: plan.Origin{Kind: plan.OriginDerived, Path: strings.TrimPrefix(base+".identity", "."), Note: "from the agent's identity name and emoji"}}
		}
		if pats.Origin.Kind == plan.OriginFallback {
			if globalMentions == nil {
				m := plan.NewMentions(pats)
				globalMentions = &m
			}
			a.Mentions = *globalMentions
		} else {
			a.Mentions = plan.NewMentions(pats)
		}
		if idn := e.obj("identity"); idn != nil {
			a.Identity = map[string]string{}
			for _, k := range []string{"name", "emoji"} {
				if s, ok := idn.str(k); ok {
					a.Identity[k] = s
				}
			}
		}
		if d, _ := e.boolean("default"); d {
			a.Default = true
		}
		out = append(out, a)
	}
	if v96 {
		return out, default96(cfg, out)
	}
	// resolveDefaultAgentId: the first agent marked default, else the first.
	if !slices.ContainsFunc(out, func(a plan.Agent) bool { return a.Default }) && len(out) > 0 {
		out[0].Default = true
	}
	return out, ""
}

// default96 marks the agent 2026.9.6 routes unbound traffic to
// (resolveAgentRoute's fallback: tryResolveLegacyCompatibilityAgentId, then
// resolveDefaultAgentId) and returns the legacy owner the load retains:
//   - agents.ownership "explicit": agents.defaults.systemAgent.agentId when
//     listed, else the sole agent, else none (OpenClaw throws
//     AgentSelectionRequiredError for every unbound message);
//   - otherwise the one entry marked default: true, else the sole agent
//     (agents.entries {main: {}} when there is no roster), else none.
//
// With several agents and one marker (not explicit) the load retains that
// agent as the legacy owner (legacy.roster, retainLegacyDefaultAgentId).
func default96(cfg obj, out []plan.Agent) (legacyOwner string) {
	marked := -1
	n := 0
	for i := range out {
		if out[i].Default {
			marked, n = i, n+1
		}
		out[i].Default = false
	}
	pick := -1
	if own, _ := cfg.obj("agents").str("ownership"); own == "explicit" {
		if sa, _ := cfg.obj("agents").obj("defaults").obj("systemAgent").str("agentId"); openclaw.TrimJS(sa) != "" {
			want := openclaw.NormalizeAgentID(sa)
			pick = slices.IndexFunc(out, func(a plan.Agent) bool { return openclaw.NormalizeAgentID(a.ID) == want })
		}
	} else if n == 1 {
		pick = marked
		if len(out) > 1 {
			legacyOwner = openclaw.NormalizeAgentID(out[marked].ID)
		}
	}
	if pick < 0 && len(out) == 1 {
		pick = 0
	}
	if pick >= 0 {
		out[pick].Default = true
	}
	return legacyOwner
}

// identityPatterns is deriveMentionPatterns(identity): \b@?<name words>\b
// (words split on JavaScript whitespace) and the escaped emoji.
func identityPatterns(id obj) []string {
	name, _ := id.str("name")
	emoji, _ := id.str("emoji")
	return append([]string{}, openclaw.DeriveMentionPatterns(name, emoji)...)
}
