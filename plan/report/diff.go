package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/openclawcfg/openclawcfg/plan"
)

// Change is one difference between two plans' effective policies.
type Change struct {
	Account string `json:"account"`
	What    string `json:"what"`
	Old     string `json:"old"`
	New     string `json:"new"`
	Widens  bool   `json:"widens"`  // more people or more paths reach the agent
	Narrows bool   `json:"narrows"` // fewer do
}

var (
	dmRank    = map[plan.DMMode]int{plan.DMDisabled: 0, plan.DMAllowlist: 1, plan.DMPairing: 2, plan.DMOpen: 3}
	groupRank = map[plan.GroupMode]int{plan.GroupDisabled: 0, plan.GroupAllowlist: 1, plan.GroupOpen: 2}
)

// PolicyDiff lists every change in who can reach the agent, or in what
// reaches the gateway's machine, from old to cur. A change counts as
// widening when it admits more senders, removes a gate, adds an attachment
// root or a remote host, or changes what cliPath runs.
func PolicyDiff(old, cur *plan.Plan) []Change {
	out := []Change{}
	om, cm := accountsByID(old), accountsByID(cur)
	var ids []string
	for id := range om {
		ids = append(ids, id)
	}
	for id := range cm {
		if _, ok := om[id]; !ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		o, oOK := om[id]
		c, cOK := cm[id]
		oRun, cRun := oOK && old.Running(&o), cOK && cur.Running(&c)
		switch {
		case !oRun && !cRun:
			continue // runs in neither: nothing reaches the agent either way
		case !oRun:
			out = append(out, Change{Account: id, What: "account", Old: state(oOK, o), New: "running", Widens: true})
			continue
		case !cRun:
			out = append(out, Change{Account: id, What: "account", Old: "running", New: state(cOK, c), Narrows: true})
			continue
		}
		out = append(out, accountDiff(id, o, c)...)
		out = append(out, routeDiff(id, old, cur)...)
	}
	add := func(what, ov, cv string, widens bool) {
		if ov != cv {
			out = append(out, Change{Account: "*", What: what, Old: ov, New: cv, Widens: widens, Narrows: !widens})
		}
	}
	add("commands.useAccessGroups", fmt.Sprint(old.Global.UseAccessGroups.Value), fmt.Sprint(cur.Global.UseAccessGroups.Value), !cur.Global.UseAccessGroups.Value)
	od, cd := detectable(old), detectable(cur)
	for _, k := range sortedKeys(od, cd) {
		ov, oOK := od[k]
		cv, cOK := cd[k]
		if !oOK || !cOK || ov == cv {
			continue // a route that exists on one side only is covered by the account rows
		}
		acct, agent, _ := strings.Cut(k, "\x00")
		what := "agent " + agent + " mention detection in groups"
		if ov {
			out = append(out, Change{Account: acct, What: what, Old: "possible", New: "impossible (no usable patterns): requireMention no longer enforced", Widens: true})
		} else {
			out = append(out, Change{Account: acct, What: what, Old: "impossible", New: "possible", Narrows: true})
		}
	}
	return out
}

func accountsByID(p *plan.Plan) map[string]plan.Account {
	m := map[string]plan.Account{}
	for _, a := range p.Accounts {
		m[a.ID] = a
	}
	return m
}

func state(present bool, a plan.Account) string {
	switch {
	case !present:
		return "absent"
	case !a.Enabled.Value:
		return "disabled"
	}
	return "not configured"
}

func accountDiff(id string, o, c plan.Account) []Change {
	var out []Change
	cmpv := func(what, ov, cv string, widens, narrows bool) {
		if ov != cv {
			out = append(out, Change{Account: id, What: what, Old: ov, New: cv, Widens: widens, Narrows: narrows && !widens})
		}
	}
	b := func(v bool) string { return fmt.Sprint(v) }
	cmpv("enabled", b(o.Enabled.Value), b(c.Enabled.Value), c.Enabled.Value, !c.Enabled.Value)
	cmpv("dmPolicy", string(o.DM.Policy.Value), string(c.DM.Policy.Value), dmRank[c.DM.Policy.Value] > dmRank[o.DM.Policy.Value], true)
	cmpv(`"*" in allowFrom (DMs)`, b(o.DM.AllowAll), b(c.DM.AllowAll), c.DM.AllowAll, true)
	added, removed := entryDiff(o.DM.AllowFrom.Value, c.DM.AllowFrom.Value)
	cmpv("allowFrom added", "", added, added != "", false)
	cmpv("allowFrom removed", "", removed, false, removed != "")
	cmpv("pairing approvals count for DMs", b(o.DM.PairingStoreCounts), b(c.DM.PairingStoreCounts), c.DM.PairingStoreCounts, true)

	cmpv("groupPolicy", string(o.Groups.Policy.Value), string(c.Groups.Policy.Value), groupRank[c.Groups.Policy.Value] > groupRank[o.Groups.Policy.Value], true)
	cmpv("group chat allowlist", onOff(o.Groups.AllowlistEnabled), onOff(c.Groups.AllowlistEnabled), !c.Groups.AllowlistEnabled, true)
	// Listing chats only widens when a chat allowlist already limited them.
	gated := o.Groups.AllowlistEnabled && o.Groups.Wildcard == nil
	cmpv(`"*" in groups`, b(o.Groups.Wildcard != nil), b(c.Groups.Wildcard != nil), c.Groups.Wildcard != nil && gated, true)
	oc, cc := chatIDs(o), chatIDs(c)
	cmpv("group chats added", "", strings.Join(minus(cc, oc), ", "), len(minus(cc, oc)) > 0 && gated, false)
	cmpv("group chats removed", "", strings.Join(minus(oc, cc), ", "), false, len(minus(oc, cc)) > 0)
	cmpv(`"*" in group senders`, b(o.Groups.AllowAllSenders), b(c.Groups.AllowAllSenders), c.Groups.AllowAllSenders, true)
	added, removed = entryDiff(o.Groups.Senders.Value, c.Groups.Senders.Value)
	cmpv("group senders added", "", added, added != "", false)
	cmpv("group senders removed", "", removed, false, removed != "")
	om, cm := mentions(o), mentions(c)
	for _, chat := range sortedKeys(om, cm) {
		if ov, ok := om[chat]; ok {
			if cv, ok := cm[chat]; ok {
				cmpv("requireMention in "+chat, b(ov), b(cv), ov && !cv, !ov && cv)
			}
		}
	}

	cmpv("remoteHost", none(o.RemoteHost.Host), none(c.RemoteHost.Host), c.RemoteHost.Host != "", c.RemoteHost.Host == "")
	cmpv("includeAttachments", b(o.Attachments.Include.Value), b(c.Attachments.Include.Value), c.Attachments.Include.Value, true)
	lr := minus(c.Attachments.LocalRoots, o.Attachments.LocalRoots)
	cmpv("local attachment roots added", "", strings.Join(lr, ", "), len(lr) > 0, false)
	rr := minus(c.Attachments.RemoteRoots, o.Attachments.RemoteRoots)
	cmpv("remote attachment roots added", "", strings.Join(rr, ", "), len(rr) > 0, false)
	cmpv("cliPath", none(o.CLIPath.Value), none(c.CLIPath.Value), true, false)
	return out
}

func none(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func onOff(v bool) string {
	if v {
		return "on"
	}
	return "off"
}

func entryDiff(old, cur []plan.AllowEntry) (added, removed string) {
	key := func(e plan.AllowEntry) string { return string(e.Kind) + ":" + e.Value }
	in := func(list []plan.AllowEntry, e plan.AllowEntry) bool {
		return slices.ContainsFunc(list, func(x plan.AllowEntry) bool { return key(x) == key(e) })
	}
	// An entry written alike but read differently (another release's
	// handle normalisation) shows what it is read as.
	show := func(e plan.AllowEntry, other []plan.AllowEntry) string {
		if e.Raw != e.Value && slices.ContainsFunc(other, func(x plan.AllowEntry) bool { return x.Raw == e.Raw }) {
			return e.Raw + " (read as " + e.Value + ")"
		}
		return e.Raw
	}
	var a, r []string
	for _, e := range cur {
		if !in(old, e) {
			a = append(a, show(e, old))
		}
	}
	for _, e := range old {
		if !in(cur, e) {
			r = append(r, show(e, cur))
		}
	}
	return strings.Join(a, ", "), strings.Join(r, ", ")
}

func chatIDs(a plan.Account) []string {
	var out []string
	for _, c := range a.Groups.Chats {
		out = append(out, c.ChatID)
	}
	return out
}

func mentions(a plan.Account) map[string]bool {
	m := map[string]bool{}
	for _, c := range a.Groups.Chats {
		m["chat "+c.ChatID] = c.RequireMention.Value
	}
	if a.Groups.Wildcard != nil {
		m[`"*"`] = a.Groups.Wildcard.RequireMention.Value
	}
	return m
}

// detectable maps account and routed agent (joined by NUL) to whether that
// agent can detect mentions, for every group route of a running account.
func detectable(p *plan.Plan) map[string]bool {
	m := map[string]bool{}
	for i := range p.Accounts {
		a := &p.Accounts[i]
		if !p.Running(a) {
			continue
		}
		for _, t := range p.Global.Targets(a.ID, plan.PeerGroup) {
			if t.Error != "" {
				continue // no agent answers, so no patterns matter
			}
			mm, _ := p.Global.Mentions(t.AgentID)
			m[a.ID+"\x00"+t.AgentID] = mm.CanDetect
		}
	}
	return m
}

func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func sortedKeys[V any](ms ...map[string]V) []string {
	var out []string
	for _, m := range ms {
		for k := range m {
			if !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	slices.Sort(out)
	return out
}

// routeDiff lists the conversations of an account that reach another
// agent: neither wider nor narrower access, but another agent answers
// (its tools, its workspace).
func routeDiff(id string, old, cur *plan.Plan) []Change {
	var out []Change
	for _, kind := range []plan.PeerKind{plan.PeerDirect, plan.PeerGroup} {
		agents := func(p *plan.Plan) map[string]string {
			m := map[string]string{}
			for _, t := range p.Global.Targets(id, kind) {
				m[t.Peer] = t.AgentID
				if t.Error != "" {
					// 2026.9.6 throws for these: no agent answers.
					m[t.Peer] = "no agent (OpenClaw drops them: AgentSelectionRequiredError)"
				}
			}
			return m
		}
		om, cm := agents(old), agents(cur)
		for _, peer := range sortedKeys(om, cm) {
			ov, cv := om[peer], cm[peer]
			if ov == cv {
				continue
			}
			who := "direct messages"
			if kind == plan.PeerGroup {
				who = "group messages"
			}
			if peer == "" {
				who += " not bound to an agent"
			} else {
				who += " of " + peer
			}
			out = append(out, Change{Account: id, What: who + " go to agent", Old: none(ov), New: none(cv)})
		}
	}
	return out
}

// BehaviourDiff lists what changes, from old to cur, in how the channel
// behaves for the accounts running in both, beyond who can reach the agent
// (PolicyDiff): reply chunking and media size, history limits, the
// database and service, the reply prefix, config writes, attachment roots
// dropped, and the global settings the inbound path reads. None widens or
// narrows access; `migrate` uses it to prove a rewrite keeps behaviour.
func BehaviourDiff(old, cur *plan.Plan) []Change {
	var out []Change
	add := func(acct, what, ov, cv string) {
		if ov != cv {
			out = append(out, Change{Account: acct, What: what, Old: ov, New: cv})
		}
	}
	byID := accountsByID(old)
	for _, c := range cur.Accounts {
		o, ok := byID[c.ID]
		if !ok || !old.Running(&o) || !cur.Running(&c) {
			continue // PolicyDiff reports accounts that start or stop
		}
		id := c.ID
		add(id, "textChunkLimit", fmt.Sprint(o.Outbound.TextChunkLimit.Value), fmt.Sprint(c.Outbound.TextChunkLimit.Value))
		add(id, "chunkMode", o.Outbound.ChunkMode.Value, c.Outbound.ChunkMode.Value)
		add(id, "mediaMaxMb (bytes)", fmt.Sprint(o.Outbound.MediaMaxBytes.Value), fmt.Sprint(c.Outbound.MediaMaxBytes.Value))
		add(id, "markdown tables", o.Outbound.MarkdownTables.Value, c.Outbound.MarkdownTables.Value)
		add(id, "block streaming", boolPtr(o.Outbound.BlockStreaming), boolPtr(c.Outbound.BlockStreaming))
		add(id, "historyLimit (groups)", fmt.Sprint(o.History.GroupLimit.Value), fmt.Sprint(c.History.GroupLimit.Value))
		add(id, "dmHistoryLimit", intPtr(o.History.DMLimit), intPtr(c.History.DMLimit))
		add(id, "dms.<id>.historyLimit", fmt.Sprint(o.History.DMs), fmt.Sprint(c.History.DMs))
		add(id, "dbPath", none(o.DBPathExpanded), none(c.DBPathExpanded))
		add(id, "service", o.Service.Value, c.Service.Value)
		add(id, "region", o.Region.Value, c.Region.Value)
		add(id, "responsePrefix", none(o.ResponsePrefix.Value), none(c.ResponsePrefix.Value))
		add(id, "configWrites", fmt.Sprint(o.ConfigWrites.Value), fmt.Sprint(c.ConfigWrites.Value))
		if lr := minus(o.Attachments.LocalRoots, c.Attachments.LocalRoots); len(lr) > 0 {
			add(id, "local attachment roots removed", "", strings.Join(lr, ", "))
		}
		if rr := minus(o.Attachments.RemoteRoots, c.Attachments.RemoteRoots); len(rr) > 0 {
			add(id, "remote attachment roots removed", "", strings.Join(rr, ", "))
		}
	}
	og, cg := old.Global, cur.Global
	add("*", "session.dmScope", string(og.DMScope.Value), string(cg.DMScope.Value))
	add("*", "messages.inbound.debounceMs", fmt.Sprint(og.InboundDebounceMs.Value), fmt.Sprint(cg.InboundDebounceMs.Value))
	add("*", "envelope", fmt.Sprintf("%+v", og.Envelope), fmt.Sprintf("%+v", cg.Envelope))
	add("*", "commands.config", fmt.Sprint(og.CommandsConfig.Value), fmt.Sprint(cg.CommandsConfig.Value))
	add("*", "config-gated commands", fmt.Sprintf("%+v", og.Commands), fmt.Sprintf("%+v", cg.Commands))
	return out
}

func boolPtr(p *bool) string {
	if p == nil {
		return "(unset)"
	}
	return fmt.Sprint(*p)
}

func intPtr(p *plan.Value[int]) string {
	if p == nil {
		return "(unset)"
	}
	return fmt.Sprint(p.Value)
}
