// Package lint reports what OpenClaw accepts but that silently drops
// messages or widens access. It reads facts only: the effective values of
// the plan, where the lowering found each one written, and the codes of
// what remote-host detection saw in the cliPath wrapper.
package lint

import (
	"fmt"
	"strings"

	"github.com/openclawcfg/openclawcfg/internal/release"

	"github.com/openclawcfg/openclawcfg/compiler/diag"
	"github.com/openclawcfg/openclawcfg/compiler/internal/lower"
	"github.com/openclawcfg/openclawcfg/plan"
)

// Lint runs the lints on a lowered config. They see effective values;
// each finding is placed where the lowering found the value written.
func Lint(low *lower.Result) []diag.Diagnostic {
	p, sites := low.Plan, low.Sites
	var out []diag.Diagnostic
	add := func(path, code, msg, fix string) {
		at := sites.At(path)
		out = append(out, diag.Diagnostic{File: at.Name(), Offset: at.Start, End: at.End, Path: path, Severity: diag.Warning, Code: code, Message: msg, Fix: fix})
	}
	seen := map[string]bool{}
	once := func(path, code, msg, fix string) {
		if k := code + "\x00" + path + "\x00" + msg; !seen[k] {
			seen[k] = true
			add(path, code, msg, fix)
		}
	}
	if !p.ChannelConfigured {
		return nil // no iMessage channel: nothing starts, nothing to lint
	}
	for _, a := range p.Accounts {
		// Checked before the enabled test: an ignored entry may be the very
		// one that disables the account.
		if listed := cmpKey(a); listed != "" && a.EntryKey != listed {
			path := "channels.imessage.accounts." + listed
			if a.EntryKey == "" {
				once(path, diag.CodeAccountKey,
					fmt.Sprintf("OpenClaw starts this account as %q and then looks that id up among the accounts keys without finding %q: this entry's settings are never read, and the account runs on the top-level settings only", a.ID, listed),
					fmt.Sprintf("rename the key to %q", a.ID))
			} else {
				once(path, diag.CodeAccountKey,
					fmt.Sprintf("OpenClaw starts this account as %q, which resolves to the entry %q: this entry's settings are never read", a.ID, a.EntryKey),
					"give each account a key that differs from the others by more than letter case")
			}
		}
	}
	for _, b := range p.Global.Bindings {
		if b.Dead != "" {
			once("bindings."+fmt.Sprint(b.Index), diag.CodeDeadBinding,
				fmt.Sprintf("this imessage binding to agent %q never matches: %s", b.AgentID, b.Dead),
				"remove the Discord/Slack-only keys, or bind by accountId or peer (kind direct or group, id the handle or chat_id)")
		}
	}
	for i := range p.Accounts {
		a := p.Accounts[i]
		if !p.Running(&p.Accounts[i]) {
			continue
		}
		acct := fmt.Sprintf("account %q", a.ID)
		unownedLint(p, a.ID, once)
		// Open without "*" drops every DM (2026.9.6 warns in its own words;
		// 2026.3.24 refuses it), so it admits nobody.
		if a.DM.Policy.Value == plan.DMOpen && a.DM.AllowAll {
			once(originPath(a.DM.Policy.Origin, "channels.imessage.dmPolicy"), diag.CodeOpenDM,
				acct+` admits direct messages from anyone (dmPolicy "open")`, `use dmPolicy "pairing" to approve senders one by one`)
		}
		if a.DM.AllowAll {
			once(originPath(a.DM.AllowFrom.Origin, "channels.imessage.allowFrom"), diag.CodeWildcardAllow,
				acct+` has "*" in allowFrom: every sender is admitted to DMs without pairing`+
					map[bool]string{true: ", and through the groupAllowFrom fallback to groups too", false: ""}[a.Groups.Senders.Origin.Kind == plan.OriginFallback && a.AdmitsChats()],
				`list the allowed handles instead of "*"`)
		}
		if a.Groups.AllowAllSenders && a.Groups.Senders.Origin.Kind != plan.OriginFallback && a.Groups.Policy.Value == plan.GroupAllowlist {
			once(originPath(a.Groups.Senders.Origin, "channels.imessage.groupAllowFrom"), diag.CodeWildcardAllow,
				acct+` has "*" in groupAllowFrom: any member of an admitted group can trigger the agent`, "list the members who may trigger it")
		}
		switch a.Groups.Policy.Value {
		case plan.GroupOpen:
			once(originPath(a.Groups.Policy.Origin, "channels.imessage.groupPolicy"), diag.CodeOpenGroups,
				acct+` lets any member of any group chat trigger the agent (groupPolicy "open")`, `use groupPolicy "allowlist" with groups and groupAllowFrom`)
		case plan.GroupAllowlist:
			if len(a.Groups.Senders.Value) == 0 && a.Groups.Senders.Origin.Kind != plan.OriginDefault {
				once(originPath(a.Groups.Senders.Origin, "channels.imessage.groupAllowFrom"), diag.CodeEmptyGroupAllow,
					acct+` has an explicit empty groupAllowFrom: every group message is dropped (an empty list does not fall back to allowFrom)`,
					"list the members who may trigger the agent, or remove the key to fall back to allowFrom")
			}
			// Only when the config shows it wants groups: a bare config
			// (allowlist by schema default, no group keys) is a DM-only bot.
			wantsGroups := a.Groups.Policy.Origin.Kind != plan.OriginSchemaDefault || a.Groups.Senders.Origin.Kind == plan.OriginSet || a.Groups.Senders.Origin.Kind == plan.OriginInherited
			if len(a.Groups.Chats) == 0 && a.Groups.Wildcard == nil && wantsGroups {
				path := originPath(a.Groups.Policy.Origin, "channels.imessage")
				if a.Groups.Policy.Origin.Kind == plan.OriginSchemaDefault {
					path = "channels.imessage"
					if a.Key != "" || strings.HasPrefix(a.Groups.Policy.Origin.Path, "channels.imessage.accounts.") {
						path = strings.TrimSuffix(a.Groups.Policy.Origin.Path, ".groupPolicy")
					}
				}
				once(path, diag.CodeAllowlistNoGroups,
					acct+` uses groupPolicy "allowlist" without a groups map, so every group message is dropped`,
					`add the chats: groups: { "<chat_id>": { requireMention: true } } (ids from: imsg chats --limit 20), "*" for all, or groupPolicy "disabled" to say so`)
			}
		}
		if a.Groups.Policy.Value != plan.GroupDisabled && (len(a.Groups.Chats) > 0 || a.Groups.Wildcard != nil) && requiresMention(a) {
			for _, t := range p.Global.Targets(a.ID, plan.PeerGroup) {
				if t.Error != "" {
					continue // no agent answers: reported as unowned below
				}
				m, ag := p.Global.Mentions(t.AgentID)
				if m.CanDetect {
					continue
				}
				path := "channels.imessage.groups"
				// 2026.9.6 keys its roster: agents.entries.<id>.
				agentPath, fix := "", `set agents.list[].groupChat.mentionPatterns or messages.groupChat.mentionPatterns, e.g. ["@bot"]`
				if ag != nil {
					agentPath = "agents.list." + fmt.Sprint(agentIndex(p, ag))
					if low.Release == release.Current {
						agentPath = "agents.entries." + ag.ID
					}
				}
				if low.Release == release.Current {
					fix = `set agents.entries.<id>.groupChat.mentionPatterns or messages.groupChat.mentionPatterns, e.g. ["@bot"]`
				}
				switch {
				case agentPath != "" && sites.At(agentPath) != sites.Root():
					path = agentPath
				case t.Binding >= 0:
					path = "bindings." + fmt.Sprint(p.Global.Bindings[t.Binding].Index)
				}
				once(path, diag.CodeMentionUndetectable,
					fmt.Sprintf("agent %q has no usable mention patterns, so requireMention cannot be enforced in the groups of %s: every admitted message is answered", t.AgentID, acct),
					fix)
			}
		}
		if a.RemoteHost.Host != "" && a.Attachments.Include.Value && !a.Attachments.RemoteRootsConfigured {
			once(originPath(a.Attachments.Include.Origin, "channels.imessage.includeAttachments"), diag.CodeRemoteNoRoots,
				acct+` fetches attachments from `+a.RemoteHost.Host+` over SCP but sets no remoteAttachmentRoots: only /Users/*/Library/Messages/Attachments on the Mac is allowed`,
				`set remoteAttachmentRoots, e.g. ["/Users/*/Library/Messages/Attachments"] to confirm the default`)
		}
		for _, note := range low.WrapperNotes(&p.Accounts[i]) {
			if note.Code == lower.WrapperUnreadable {
				continue // not a shape: the wrapper is read on the gateway
			}
			fix := `use the plain form: exec ssh -T user@host imsg "$@"`
			switch {
			case note.Code == lower.WrapperUnsafeConfigured:
				fix = `write remoteHost as a plain host or user@host (its own finding says what is wrong)`
			case note.Code.NeedsRemoteHost():
				fix = `set remoteHost to the Mac's host or user@host`
			}
			once(originPath(a.CLIPath.Origin, "channels.imessage.cliPath"), diag.CodeWrapperShape, acct+": cliPath wrapper: "+note.Text, fix)
		}
	}
	return out
}

// agentIndex is the position of a listed agent in agents.list.
func agentIndex(p *plan.Plan, ag *plan.Agent) int {
	for i := range p.Global.Agents {
		if &p.Global.Agents[i] == ag {
			return i
		}
	}
	return 0
}

// cmpKey is the accounts key an account was listed under, or "" for the
// implicit default account.
func cmpKey(a plan.Account) string {
	if a.Key != "" {
		return a.Key
	}
	if a.EntryKey != "" {
		return a.ID
	}
	return ""
}

func requiresMention(a plan.Account) bool {
	for _, c := range a.Groups.Chats {
		if c.RequireMention.Value {
			return true
		}
	}
	return a.Groups.Wildcard != nil && a.Groups.Wildcard.RequireMention.Value
}

func originPath(o plan.Origin, def string) string {
	if o.Path != "" {
		return o.Path
	}
	return def
}

// unownedLint reports the messages of a running account that reach no
// agent (2026.9.6 only: several agents, none the owner, no binding for
// them), at agents.ownership when set (explicit ownership is how a valid
// config gets there), else at agents.
func unownedLint(p *plan.Plan, id string, once func(path, code, msg, fix string)) {
	var what []string
	for _, k := range []struct {
		kind plan.PeerKind
		name string
	}{{plan.PeerDirect, "direct message"}, {plan.PeerGroup, "group message"}} {
		ts := p.Global.Targets(id, k.kind)
		if ts[len(ts)-1].Error != "" {
			what = append(what, k.name)
		}
	}
	if len(what) == 0 {
		return
	}
	path, fix := "agents", "mark one agent default: true"
	if p.Global.ExplicitOwnership {
		path, fix = "agents.ownership", "set agents.defaults.systemAgent.agentId to the agent that should answer them"
	}
	once(path, diag.CodeRouteUnowned,
		fmt.Sprintf("OpenClaw %s fails every %s of account %q that no binding routes: several agents are configured and none owns them, so it throws AgentSelectionRequiredError and no agent answers",
			p.Global.RouteRelease, strings.Join(what, " and "), id),
		fmt.Sprintf(`add a channel-wide binding {agentId: "<agentId>", match: {channel: "imessage", accountId: %q}}, or %s`, id, fix))
}
