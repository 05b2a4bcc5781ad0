package report

import (
	"fmt"
	"strings"

	"github.com/openclawcfg/openclawcfg/plan"
)

// AccessRow is one line of the admission table.
type AccessRow struct {
	Account string `json:"account"`
	Topic   string `json:"topic"` // "dm", "group-chats", "group-senders", "mentions", "status"
	Verdict string `json:"verdict"`
	Rule    string `json:"rule"`
	Fix     string `json:"fix,omitempty"`
	// AdmitsNobody marks rows where the configuration admits no one,
	// usually by mistake.
	AdmitsNobody bool `json:"admitsNobody,omitempty"`
}

// Access computes who can reach the agent through each account of p.
func Access(p *plan.Plan) []AccessRow {
	var rows []AccessRow
	for _, a := range p.Accounts {
		add := func(r AccessRow) { r.Account = a.ID; rows = append(rows, r) }
		switch {
		case !p.ChannelConfigured:
			add(AccessRow{
				Topic: "status", Verdict: "not started: channels.imessage is missing, so the account is not configured", Rule: "resolveIMessageAccount: configured=false",
				Fix: "add channels.imessage with at least cliPath to run the iMessage channel",
			})
			continue
		case !a.Enabled.Value:
			add(AccessRow{Topic: "status", Verdict: "disabled: this account does not start", Rule: DescribeOrigin(a.Enabled.Origin)})
			continue
		case !a.Configured:
			add(AccessRow{Topic: "status", Verdict: "not started: the account is not configured", Rule: "resolveIMessageAccount: configured=false"})
			continue
		}
		add(dmRow(a))
		chats, senders := groupRows(a)
		add(chats)
		add(senders)
		if a.AdmitsChats() && !senders.AdmitsNobody {
			for _, r := range mentionRows(p, a) {
				add(r)
			}
		}
	}
	return rows
}

func dmRow(a plan.Account) AccessRow {
	d := a.DM
	rule := fmt.Sprintf("dmPolicy %q (%s)", d.Policy.Value, DescribeOrigin(d.Policy.Origin))
	list := js(d.AllowFrom.Value)
	switch d.Policy.Value {
	case plan.DMDisabled:
		return AccessRow{Topic: "dm", Verdict: "nobody: every DM is dropped", Rule: rule}
	case plan.DMOpen:
		return AccessRow{Topic: "dm", Verdict: "anyone", Rule: rule}
	case plan.DMAllowlist:
		if d.AllowAll {
			return AccessRow{Topic: "dm", Verdict: `anyone ("*" in allowFrom)`, Rule: rule}
		}
		if len(d.AllowFrom.Value) == 0 {
			return AccessRow{Topic: "dm", Verdict: "nobody", Rule: rule, AdmitsNobody: true, Fix: `list senders in allowFrom, or use dmPolicy "pairing"`}
		}
		return AccessRow{Topic: "dm", Verdict: "only " + list + " (pairing approvals do not count)", Rule: rule}
	}
	if d.AllowAll {
		return AccessRow{Topic: "dm", Verdict: `anyone: "*" in allowFrom turns pairing into open access`, Rule: rule, Fix: `remove "*" from allowFrom to require pairing`}
	}
	v := "senders approved by pairing"
	if len(d.AllowFrom.Value) > 0 {
		v += " and " + list
	}
	return AccessRow{Topic: "dm", Verdict: v + "; anyone else gets a pairing code", Rule: rule}
}

func groupRows(a plan.Account) (AccessRow, AccessRow) {
	g := a.Groups
	rule := fmt.Sprintf("groupPolicy %q (%s)", g.Policy.Value, DescribeOrigin(g.Policy.Origin))
	if g.Policy.Value == plan.GroupDisabled {
		r := AccessRow{Topic: "group-chats", Verdict: "none: every group message is dropped", Rule: rule}
		return r, AccessRow{Topic: "group-senders", Verdict: "none", Rule: rule}
	}
	var chats AccessRow
	switch {
	case !g.AllowlistEnabled:
		chats = AccessRow{Topic: "group-chats", Verdict: "every group chat", Rule: rule + "; no groups map"}
	case g.Wildcard != nil:
		chats = AccessRow{Topic: "group-chats", Verdict: `every group chat ("*" in groups)`, Rule: rule}
	case len(g.Chats) == 0:
		chats = AccessRow{
			Topic: "group-chats", Verdict: "none: no chat is listed in groups", Rule: rule, AdmitsNobody: true,
			Fix: `add the chats to channels.imessage.groups, e.g. groups: { "42": { requireMention: true } } (find ids with: imsg chats --limit 20), or "*" for all`,
		}
	default:
		var ids []string
		for _, c := range g.Chats {
			ids = append(ids, c.ChatID)
		}
		chats = AccessRow{Topic: "group-chats", Verdict: "only chat_id " + strings.Join(ids, ", "), Rule: rule + "; listed in groups (" + DescribeOrigin(g.GroupsOrigin) + ")"}
	}
	srule := "group senders " + js(g.Senders.Value) + " (" + DescribeOrigin(g.Senders.Origin) + ")"
	var senders AccessRow
	switch {
	case g.Policy.Value != plan.GroupAllowlist:
		senders = AccessRow{Topic: "group-senders", Verdict: "any member of an admitted chat", Rule: rule}
	case g.AllowAllSenders:
		senders = AccessRow{Topic: "group-senders", Verdict: `any member ("*")`, Rule: srule}
	case len(g.Senders.Value) == 0:
		senders = AccessRow{
			Topic: "group-senders", Verdict: "nobody: the group sender list is empty", Rule: srule, AdmitsNobody: true,
			Fix: `set groupAllowFrom to the members who may trigger the agent (or ["*"]); pairing approvals never count for groups`,
		}
	default:
		senders = AccessRow{Topic: "group-senders", Verdict: "only " + js(g.Senders.Value), Rule: srule}
	}
	return chats, senders
}

func mentionRows(p *plan.Plan, a plan.Account) []AccessRow {
	var rows []AccessRow
	need := "a mention is required by default (groups.<id>.requireMention unset)"
	if a.Groups.Wildcard != nil || len(a.Groups.Chats) > 0 {
		var parts []string
		for _, c := range append(append([]plan.GroupChat{}, a.Groups.Chats...), wildcard(a)...) {
			parts = append(parts, fmt.Sprintf("%s: %v", c.ChatID, c.RequireMention.Value))
		}
		need = "requireMention per chat: " + strings.Join(parts, ", ")
	}
	seen := map[string]bool{}
	for _, t := range p.Global.Targets(a.ID, plan.PeerGroup) {
		if t.Error != "" {
			// No agent answers these; vet's route-unowned finding says why.
			continue
		}
		if seen[t.AgentID] {
			continue
		}
		seen[t.AgentID] = true
		m, _ := p.Global.Mentions(t.AgentID)
		r := AccessRow{Topic: "mentions", Rule: fmt.Sprintf("agent %q patterns %s (%s)", t.AgentID, js(m.Patterns.Value), DescribeOrigin(m.Patterns.Origin))}
		if m.CanDetect {
			r.Verdict = need + "; mentions are detected by regex"
		} else {
			r.Verdict = need + "; but no usable mention patterns exist, so mention gating cannot be enforced and every admitted message is answered"
			r.Fix = `set agents.list[].groupChat.mentionPatterns (or messages.groupChat.mentionPatterns), e.g. ["@bot", "\\bbot\\b"]`
		}
		rows = append(rows, r)
	}
	return rows
}

func wildcard(a plan.Account) []plan.GroupChat {
	if a.Groups.Wildcard == nil {
		return nil
	}
	return []plan.GroupChat{*a.Groups.Wildcard}
}
