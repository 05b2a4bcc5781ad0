package lower

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
	"github.com/openclawcfg/openclawcfg/plan"
)

// Message is one inbound message as the iMessage monitor hands it to
// resolveIMessageInboundDecision (after debounce and the attachment
// filter).
type Message struct {
	Sender         string
	ChatID         *int64 // nil when the message has no chat_id
	ChatGUID       string
	ChatIdentifier string
	IsGroup        bool
	IsFromMe       bool
	// Text is the body: the message text, or the attachment placeholder
	// when there is no text. It is trimmed here.
	Text string
	// PairingStore holds the sender ids approved by pairing for the
	// account (the channel's allow-from store). It counts for DMs under
	// every dmPolicy but "allowlist", and never for groups.
	PairingStore []string
}

// Decision kinds.
const (
	KindDrop     = "drop"
	KindPairing  = "pairing"
	KindDispatch = "dispatch"
)

// Decision is what OpenClaw does with a message.
type Decision struct {
	Kind string // KindDrop, KindPairing or KindDispatch
	// Reason is the drop reason in OpenClaw's words ("dmPolicy blocked",
	// "not in groupAllowFrom", "group id not in allowlist", "no mention", ...).
	Reason  string
	IsGroup bool
	// SenderID is the normalised sender (the pairing request's id).
	SenderID string
	// AgentID is the agent the message routes to (set once routing ran:
	// dispatch, and drops after step 7).
	AgentID string
}

// Decide is resolveIMessageInboundDecision (spec §6.3) evaluated on the
// plan, for the account the gateway runs as accountID (normalised as
// OpenClaw does). It returns the decision kind and, for drops, the reason.
func Decide(p *plan.Plan, accountID string, msg Message) (kind, reason string) {
	d := Evaluate(p, accountID, msg)
	return d.Kind, d.Reason
}

// Evaluate is Decide with the details. It follows the decision order of
// OpenClaw 2026.3.24:
//
//  1. a blank sender drops ("missing sender");
//  2. is_from_me drops ("from me");
//  3. a message whose chat_id is an explicit groups key is a group when the
//     chat allowlist is on, whatever is_group says;
//  4. a group without a (truthy) chat_id drops;
//  5. access: groups by groupPolicy and the group sender list, DMs by
//     dmPolicy and allowFrom plus the pairing store;
//  6. a group chat that is not listed (nor "*") while the chat allowlist
//     is on drops ("group id not in allowlist");
//  7. the route picks the agent (bindings: peer, then account, then "*");
//  8. an empty body drops;
//  10. in a group that requires a mention, a body that matches none of the
//     routed agent's mention patterns drops ("no mention"), unless the
//     agent has no usable pattern.
//
// What the plan cannot know is taken as absent: the echo and self-chat
// caches (step 9), the reflected-assistant-content guard, and control
// commands (Text is assumed not to be one). Mention patterns are compiled
// with Go's regexp, which rejects some JavaScript syntax (lookaround,
// backreferences); such a pattern is skipped as if it were invalid.
// Disabled or unconfigured accounts are evaluated as if running; the
// gateway does not start them.
func Evaluate(p *plan.Plan, accountID string, msg Message) Decision {
	id := openclaw.NormalizeAccountID(accountID)
	i := slices.IndexFunc(p.Accounts, func(a plan.Account) bool { return a.ID == id })
	if i < 0 {
		return Decision{Kind: KindDrop, Reason: "no such account"}
	}
	a := &p.Accounts[i]

	sender := openclaw.TrimJS(msg.Sender)
	if sender == "" {
		return Decision{Kind: KindDrop, Reason: "missing sender"}
	}
	senderID := openclaw.NormalizeHandle(sender)
	var groupID string
	if msg.ChatID != nil {
		groupID = strconv.FormatInt(*msg.ChatID, 10)
	}
	chat := listedChat(a.Groups, groupID)
	isGroup := msg.IsGroup || (groupID != "" && a.Groups.AllowlistEnabled && chat != nil)
	d := Decision{IsGroup: isGroup, SenderID: senderID}
	drop := func(reason string) Decision {
		d.Kind, d.Reason = KindDrop, reason
		return d
	}
	if msg.IsFromMe {
		return drop("from me")
	}
	if isGroup && (msg.ChatID == nil || *msg.ChatID == 0) {
		return drop("group without chat_id")
	}

	allowed := func(list []string) bool {
		return openclaw.IsAllowedSender(list, sender, msg.ChatID, msg.ChatGUID, msg.ChatIdentifier)
	}
	if isGroup {
		policy := a.Groups.Policy.Value
		senders := raws(a.Groups.Senders.Value)
		switch policy {
		case "open":
		case "disabled":
			return drop("groupPolicy disabled")
		default: // anything else is "allowlist"
			if len(senders) == 0 {
				return drop("groupPolicy allowlist (empty groupAllowFrom)")
			}
			if !allowed(senders) {
				return drop("not in groupAllowFrom")
			}
		}
		if a.Groups.AllowlistEnabled && a.Groups.Wildcard == nil && chat == nil {
			return drop("group id not in allowlist")
		}
	} else {
		policy := a.DM.Policy.Value
		list := raws(a.DM.AllowFrom.Value)
		if policy != "allowlist" {
			for _, s := range msg.PairingStore {
				if s = openclaw.TrimJS(s); s != "" {
					list = append(list, s)
				}
			}
		}
		switch {
		case policy == "disabled":
			return drop("dmPolicy disabled")
		case policy == "open", allowed(list):
		case policy == "pairing":
			d.Kind = KindPairing
			return d
		default:
			return drop("dmPolicy blocked")
		}
	}

	peerKind, peerID := plan.PeerDirect, senderID
	if isGroup {
		peerKind, peerID = plan.PeerGroup, groupID
	}
	rt := p.Global.Route(id, peerKind, peerID)
	d.AgentID = rt.AgentID
	pats, _ := p.Global.Mentions(rt.AgentID)

	body := openclaw.TrimJS(msg.Text)
	if body == "" {
		return drop("empty body")
	}
	if isGroup {
		require := true
		switch {
		case chat != nil:
			require = chat.RequireMention.Value
		case a.Groups.Wildcard != nil:
			require = a.Groups.Wildcard.RequireMention.Value
		}
		res := mentionRegexps(pats.Patterns.Value)
		if require && len(res) > 0 && !mentioned(body, res) {
			return drop("no mention")
		}
	}
	d.Kind = KindDispatch
	return d
}

func raws(es []plan.AllowEntry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Raw
	}
	return out
}

// listedChat is groups[<chat_id>]: an explicit entry ("*" never matches).
func listedChat(g plan.GroupPolicy, id string) *plan.GroupChat {
	if id == "" {
		return nil
	}
	for i := range g.Chats {
		if g.Chats[i].ChatID == id {
			return &g.Chats[i]
		}
	}
	return nil
}

// mentionRegexps compiles mention patterns as buildMentionRegexes does:
// a literal backspace becomes \b, patterns are trimmed, blank ones and
// those with nested repetition are skipped, and the rest compile
// case-insensitively; a pattern that does not compile is skipped.
func mentionRegexps(patterns []string) []*regexp.Regexp {
	var out []*regexp.Regexp
	for _, pat := range patterns {
		pat = openclaw.TrimJS(strings.ReplaceAll(pat, "\b", `\b`))
		if pat == "" || hasNestedRepetition(pat) {
			continue
		}
		if re, err := regexp.Compile("(?i)" + pat); err == nil {
			out = append(out, re)
		}
	}
	return out
}

// mentioned is matchesMentionPatterns: zero-width and bidi controls are
// removed and the text lower-cased before matching.
func mentioned(text string, res []*regexp.Regexp) bool {
	cleaned := openclaw.ToLowerJS(strings.Map(func(r rune) rune {
		if r >= 0x200b && r <= 0x200f || r >= 0x202a && r <= 0x202e || r >= 0x2060 && r <= 0x206f {
			return -1
		}
		return r
	}, text))
	if cleaned == "" {
		return false
	}
	for _, re := range res {
		if re.MatchString(cleaned) {
			return true
		}
	}
	return false
}
