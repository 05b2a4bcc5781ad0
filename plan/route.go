package plan

import (
	"strings"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
)

// This file is the one home of routing: which agent an iMessage message
// reaches and under which session key. The runtime's decider, the lints,
// `access` and the policy diff all ask these functions, so they
// cannot disagree. It ports resolveAgentRoute (src/routing/resolve-route.ts)
// and buildAgentPeerSessionKey (src/routing/session-key.ts) of OpenClaw
// 2026.3.24, restricted to what an iMessage route can carry (a peer; never
// a guild, team, roles or a parent peer), and 2026.9.6's differences where
// Global.RouteRelease says so: the default agent may not exist (the route
// then carries Error and no agent), a binding naming an unlisted agent
// does not fall back, and the load may add a channel-wide binding
// (Global.OwnerBinding). Both releases' routes were compared with
// OpenClaw's own (compiler/internal/lower/route_oracle_test.go).

// Route is where a message goes.
type Route struct {
	AgentID        string `json:"agentId"` // normalised
	AccountID      string `json:"accountId"`
	SessionKey     string `json:"sessionKey"`
	MainSessionKey string `json:"mainSessionKey"`
	// LastRoutePolicy is "main" when the session key is the agent's main
	// session, else "session".
	LastRoutePolicy string `json:"lastRoutePolicy"`
	// MatchedBy is "binding.peer", "binding.account", "binding.channel" or
	// "default".
	MatchedBy string `json:"matchedBy"`
	// Binding is the index into Global.Bindings that decided, -1 for the
	// default agent (and for the binding 2026.9.6 adds on load, see
	// Global.OwnerBinding).
	Binding int `json:"-"`
	// Error is set, with AgentID empty, when OpenClaw can choose no agent
	// for the message (2026.9.6 throws AgentSelectionRequiredError and the
	// message is dropped): OpenClaw's own message, naming the fix.
	Error string `json:"error,omitempty"`
}

// Route resolves the agent and session key for a message of the given
// kind on an account: peerID is the normalised sender handle for a DM and
// the chat id for a group.
func (g *Global) Route(accountID string, kind PeerKind, peerID string) Route {
	accountID = openclaw.NormalizeAccountID(accountID)
	peerID = openclaw.TrimJS(peerID)
	// Tiers in order: a binding naming this peer (bindings for this
	// account and for "*" merged in config order), then one naming the
	// account, then one for every account. Within a tier the first in
	// config order wins.
	peer, account, channel := -1, -1, -1
	for i := range g.Bindings {
		b := &g.Bindings[i]
		if b.Dead != "" || !b.appliesTo(accountID) {
			continue
		}
		switch {
		case b.PeerKind != "":
			if peer < 0 && b.PeerID == peerID && peerKindMatches(b.PeerKind, kind) {
				peer = i
			}
		case b.AccountPattern == "*":
			if channel < 0 {
				channel = i
			}
		default:
			if account < 0 {
				account = i
			}
		}
	}
	for _, t := range []struct {
		i  int
		by string
	}{{peer, "binding.peer"}, {account, "binding.account"}, {channel, "binding.channel"}} {
		if t.i >= 0 {
			agent, err := g.pickAgent(g.Bindings[t.i].AgentID, accountID)
			return g.choose(agent, err, t.by, t.i, accountID, kind, peerID)
		}
	}
	if g.OwnerBinding != "" {
		agent, err := g.pickAgent(g.OwnerBinding, accountID)
		return g.choose(agent, err, "binding.channel", -1, accountID, kind, peerID)
	}
	agent := g.DefaultAgentID()
	if agent == "" {
		return g.choose("", unownedError(accountID), "default", -1, accountID, kind, peerID)
	}
	return g.choose(agent, "", "default", -1, accountID, kind, peerID)
}

// unownedError is the message of the AgentSelectionRequiredError 2026.9.6's
// resolveAgentRoute throws when no binding routes a message and no agent is
// the default, with OpenClaw's own hint.
func unownedError(accountID string) string {
	return "Multiple agents are configured, but imessage account " + accountID + " routing has no explicit owner. " +
		"Add a channel-wide binding for imessage:" + accountID + `: {"agentId":"<agentId>","match":{"channel":"imessage","accountId":"` + accountID + `"}}. ` +
		"Replace <agentId> with a configured agent, then restart the Gateway."
}

// Unowned reports whether some iMessage message on the account reaches no
// agent (2026.9.6: OpenClaw drops it with AgentSelectionRequiredError), and
// OpenClaw's message for it.
func (g *Global) Unowned(accountID string) (string, bool) {
	for _, kind := range []PeerKind{PeerDirect, PeerGroup} {
		for _, t := range g.Targets(accountID, kind) {
			if t.Error != "" {
				return t.Error, true
			}
		}
	}
	return "", false
}

// appliesTo reports whether the binding's account pattern selects the
// account: "*" selects all, "" the default account, anything else by its
// normalised id.
func (b *Binding) appliesTo(accountID string) bool {
	switch b.AccountPattern {
	case "*":
		return true
	case "":
		return accountID == openclaw.DefaultAccountIDValue
	}
	return openclaw.NormalizeAccountID(b.AccountPattern) == accountID
}

// peerKindMatches: group and channel bindings match each other.
func peerKindMatches(binding, scope PeerKind) bool {
	if binding == scope {
		return true
	}
	return binding != PeerDirect && scope != PeerDirect
}

func (g *Global) choose(agentID, err, matchedBy string, binding int, accountID string, kind PeerKind, peerID string) Route {
	if err != "" {
		return Route{AccountID: accountID, MatchedBy: matchedBy, Binding: binding, Error: err}
	}
	main := "agent:" + openclaw.NormalizeAgentID(agentID) + ":main"
	key := g.sessionKey(agentID, accountID, kind, peerID)
	r := Route{
		AgentID: agentID, AccountID: accountID, SessionKey: strings.ToLower(key), MainSessionKey: strings.ToLower(main),
		MatchedBy: matchedBy, Binding: binding, LastRoutePolicy: "session",
	}
	if r.SessionKey == r.MainSessionKey {
		r.LastRoutePolicy = "main"
	}
	return r
}

// sessionKey is buildAgentPeerSessionKey for channel "imessage". The
// result is lower-cased by the caller with JavaScript's toLowerCase.
func (g *Global) sessionKey(agentID, accountID string, kind PeerKind, peerID string) string {
	agent := openclaw.NormalizeAgentID(agentID)
	if kind != PeerDirect {
		if peerID == "" {
			peerID = "unknown"
		}
		return "agent:" + agent + ":imessage:" + string(kind) + ":" + openclaw.ToLowerJS(peerID)
	}
	scope := g.DMScope.Value
	if scope != ScopeMain && scope != "" {
		if linked := g.linkedPeer(peerID); linked != "" {
			peerID = linked
		}
	}
	peerID = openclaw.ToLowerJS(peerID)
	if peerID != "" {
		switch scope {
		case ScopePerAccountChannelPeer:
			return "agent:" + agent + ":imessage:" + accountID + ":direct:" + peerID
		case ScopePerChannelPeer:
			return "agent:" + agent + ":imessage:direct:" + peerID
		case ScopePerPeer:
			return "agent:" + agent + ":direct:" + peerID
		}
	}
	return "agent:" + agent + ":main"
}

// linkedPeer is resolveLinkedPeerId: the canonical name whose ids list the
// peer, bare or as "imessage:<peer>" (trimmed, lower-cased).
func (g *Global) linkedPeer(peerID string) string {
	raw := openclaw.ToLowerJS(openclaw.TrimJS(peerID))
	if raw == "" {
		return ""
	}
	scoped := openclaw.ToLowerJS(openclaw.TrimJS("imessage:" + peerID))
	for _, l := range g.IdentityLinks {
		name := openclaw.TrimJS(l.Canonical)
		if name == "" {
			continue
		}
		for _, id := range l.IDs {
			if n := openclaw.ToLowerJS(openclaw.TrimJS(id)); n != "" && (n == raw || n == scoped) {
				return name
			}
		}
	}
	return ""
}

// pickAgent is pickFirstExistingAgentId: the listed agent whose normalised
// id matches; with no agents.list, any id names an agent of its own.
// Otherwise 2026.3.24 takes the default agent; 2026.9.6 takes "main" for
// "main" and else throws (the second result, OpenClaw's message; its
// validation rejects such bindings, so a compiled config never gets here).
func (g *Global) pickAgent(id, accountID string) (string, string) {
	t := openclaw.TrimJS(id)
	if t == "" {
		if d := g.DefaultAgentID(); d != "" || g.RouteRelease == "" {
			return d, ""
		}
		return "", "Multiple agents are configured, but agent lookup has no explicit owner. Pass an explicit agent id instead of relying on an implicit route."
	}
	if g.implicitAgents() {
		return openclaw.NormalizeAgentID(t), ""
	}
	if ag := g.Agent(t); ag != nil {
		return openclaw.NormalizeAgentID(ag.ID), ""
	}
	if g.RouteRelease == "" {
		return g.DefaultAgentID(), ""
	}
	if openclaw.NormalizeAgentID(t) == "main" {
		return "main", ""
	}
	return "", "Multiple agents are configured, but route binding has no explicit owner. Update the binding agentId \"" + t + "\" to a configured agent."
}

// DefaultAgentID is the agent that takes traffic no binding routes: the
// agent the lowering marked default (2026.3.24's resolveDefaultAgentId:
// the first marked, else the first listed; for 2026.9.6 see the lowering),
// else "main" for 2026.3.24 and "" for 2026.9.6, where no agent can be
// chosen and OpenClaw throws.
func (g *Global) DefaultAgentID() string {
	for _, ag := range g.Agents {
		if ag.Default {
			return openclaw.NormalizeAgentID(ag.ID)
		}
	}
	if g.RouteRelease != "" {
		return ""
	}
	return "main"
}

// Agent is resolveAgentConfig: the first listed agent whose normalised id
// equals id's, or nil (no agents.list, or not listed).
func (g *Global) Agent(id string) *Agent {
	if g.implicitAgents() {
		return nil
	}
	want := openclaw.NormalizeAgentID(id)
	for i := range g.Agents {
		if openclaw.NormalizeAgentID(g.Agents[i].ID) == want {
			return &g.Agents[i]
		}
	}
	return nil
}

// implicitAgents reports whether agents.list is empty (the lowering then
// lists one stand-in "main" agent with Implicit set).
func (g *Global) implicitAgents() bool {
	return len(g.Agents) == 1 && g.Agents[0].Implicit
}

// Mentions is resolveMentionPatterns for a routed agent: the agent's own
// groupChat.mentionPatterns (even []), else
// messages.groupChat.mentionPatterns, else patterns derived from its
// identity. The second result is the agent whose patterns they are (nil
// when the agent is not listed).
func (g *Global) Mentions(agentID string) (Mentions, *Agent) {
	if ag := g.Agent(agentID); ag != nil {
		return ag.Mentions, ag
	}
	if g.GroupChatMentions != nil {
		return *g.GroupChatMentions, nil
	}
	note := "the agent is not in agents.list and messages.groupChat.mentionPatterns is unset"
	if g.implicitAgents() {
		note = "agents.list is empty and messages.groupChat.mentionPatterns is unset"
	}
	return Mentions{Patterns: Value[[]string]{Value: []string{}, Origin: Origin{Kind: OriginDefault, Note: note}}}, nil
}

// Target is one route a kind of message can take on an account.
type Target struct {
	Route
	// Peer is the peer id a peer binding names ("" for the catch-all).
	Peer string
}

// Targets lists every route messages of one kind can take on an account:
// one per peer binding that can match (first binding per peer), then the
// catch-all that every other message takes. The lints and `access`
// use it to know which agents' mention patterns matter.
func (g *Global) Targets(accountID string, kind PeerKind) []Target {
	accountID = openclaw.NormalizeAccountID(accountID)
	var out []Target
	seen := map[string]bool{}
	for i := range g.Bindings {
		b := &g.Bindings[i]
		if b.Dead != "" || b.PeerKind == "" || !b.appliesTo(accountID) || !peerKindMatches(b.PeerKind, kind) || seen[b.PeerID] {
			continue
		}
		seen[b.PeerID] = true
		out = append(out, Target{Route: g.Route(accountID, kind, b.PeerID), Peer: b.PeerID})
	}
	// A peer id no binding names reaches the catch-all; "\x00" is never a
	// real peer id, so no session key is shown for it.
	catchAll := g.Route(accountID, kind, "\x00")
	catchAll.SessionKey = ""
	return append(out, Target{Route: catchAll})
}
