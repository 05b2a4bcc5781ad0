package check

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/openclawcfg/openclawcfg/compiler/diag"
	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
	"github.com/openclawcfg/openclawcfg/compiler/internal/spec"
	"github.com/openclawcfg/openclawcfg/internal/openclaw"
	"github.com/openclawcfg/openclawcfg/internal/release"
)

// namedCheck runs the Go check the schema names for n. It returns false
// when the generic schema walk must skip n.
func (c *checker) namedCheck(name string, n *json5.Node, s *spec.Node) bool {
	switch name {
	case "executable":
		if n.Kind == json5.String {
			if p := openclaw.ExecutableProblem(n.Str); p != "" {
				d := c.refinementAt(n, diag.CodeExecutable, "must be a safe executable name or path: "+describe(n)+" "+p)
				d.Fix = "point cliPath at the imsg binary or at a wrapper script; put arguments and pipes inside the script"
				if strings.ContainsAny(openclaw.TrimJS(n.Str), " \t") && !strings.ContainsAny(n.Str, ";&|`$<>\"'") {
					d.Message += " (it contains a space: cliPath names only the program, and OpenClaw adds the rpc argument itself)"
				}
				if unset := c.unsetRefs(n); len(unset) > 0 {
					msg, fix := unsetMessage(unset)
					d.Message = "must be a safe executable name or path: " + msg
					d.Fix = fix
				}
			}
		}
	case "remoteHost":
		if n.Kind == json5.String {
			if p := openclaw.RemoteHostProblem(n.Str); p != "" {
				d := c.refinementAt(n, diag.CodeRemoteHost, "must be an SSH host or user@host with no spaces or options: "+describe(n)+" "+p)
				d.Fix = remoteHostFix(n.Str)
				if unset := c.unsetRefs(n); len(unset) > 0 {
					msg, fix := unsetMessage(unset)
					d.Message = "must be an SSH host or user@host: " + msg
					d.Fix = fix
				}
			}
		}
	case "rootPattern":
		if n.Kind == json5.String {
			if p := openclaw.RootPatternProblem(n.Str); p != "" {
				if strings.HasPrefix(openclaw.TrimJS(n.Str), "~") {
					p += " (~ is not expanded in attachment roots)"
				}
				d := c.refinementAt(n, diag.CodeAttachmentRoot, "must be an absolute path root: "+describe(n)+" "+p)
				d.Fix = `use an absolute directory such as "/Users/*/Library/Messages/Attachments"`
			}
		}
	case "toolPolicy":
		if n.Kind == json5.Object && nonEmptyList(n.Lookup("allow")) && nonEmptyList(n.Lookup("alsoAllow")) {
			d := c.refinementAt(n, diag.CodeToolPolicy, "cannot set both allow and alsoAllow in the same scope")
			d.Fix = "merge alsoAllow into allow, or remove allow and keep alsoAllow"
		}
	case "binding":
		if c.keyed() {
			return c.bindingKeyed(n)
		}
		return c.binding(n)
	case "agents":
		if c.keyed() {
			c.agentsKeyed(n)
			break
		}
		c.agents(n)
	case "agentRuntime":
		c.agentRuntime(n)
	case "maintenance":
		if c.keyed() {
			c.maintenanceKeyed(n)
			break
		}
		c.maintenance(n)
	default:
		panic("check: the schema names an unknown check " + strconv.Quote(name))
	}
	return true
}

func remoteHostFix(v string) string {
	t := openclaw.TrimJS(v)
	if i := strings.LastIndexByte(t, ':'); i > 0 && !strings.HasPrefix(t, "[") && isDigits(t[i+1:]) {
		return fmt.Sprintf("set remoteHost to %q and put the port in ~/.ssh/config (Host %s / Port %s)", t[:i], hostOnly(t[:i]), t[i+1:])
	}
	if strings.ContainsAny(t, "/\\") {
		return "remoteHost is only the host (or user@host); attachment paths come from imsg"
	}
	if strings.Contains(t, " -") {
		return "keep only the host (or user@host); move SSH options into ~/.ssh/config"
	}
	return `write a plain host name, e.g. "mac-mini.local" or "bot@mac-mini.local"`
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func hostOnly(s string) string {
	if i := strings.IndexByte(s, '@'); i >= 0 {
		return s[i+1:]
	}
	return s
}

func nonEmptyList(n *json5.Node) bool { return n != nil && n.Kind == json5.Array && len(n.Elems) > 0 }

// acpBinding reports whether binding n is an ACP binding (type "acp");
// an acp block in a route binding is an unknown key. imessageFix names
// 2026.3.24's lack of ACP bindings for imessage in the fix.
func (c *checker) acpBinding(n *json5.Node, imessageFix bool) bool {
	t := n.Lookup("type")
	acp := t != nil && t.Kind == json5.String && t.Str == "acp"
	if !acp && (t == nil || t.Kind == json5.String && t.Str == "route") {
		if i := lastMember(n, "acp"); i >= 0 {
			m := &n.Members[i]
			fix := `remove the acp block, or set type: "acp" to bind one conversation to an ACP session`
			if match := n.Lookup("match"); imessageFix && match != nil {
				if ch, ok := str(match, "channel"); ok && openclaw.ToLowerJS(openclaw.TrimJS(ch)) == "imessage" {
					fix = `remove the acp block (OpenClaw 2026.3.24 supports no ACP bindings for "imessage")`
				}
			}
			c.push("acp")
			c.add(diag.Diagnostic{
				File: c.file(m.Value), Offset: m.KeyStart, End: m.KeyEnd, Path: c.pathString(), Severity: diag.Error, Code: diag.CodeUnknownKey,
				Message: fmt.Sprintf(`unknown key "acp" in %s: a route binding takes no acp block (only an ACP binding, type: "acp", does)`, strings.Join(c.path[:len(c.path)-1], ".")),
				Fix:     fix,
			})
			c.pop()
		}
	}
	return acp
}

// binding adds to the shape check of bindings[] what OpenClaw's union of a
// route and an ACP binding means: an acp block only in an ACP binding, and
// AcpBindingSchema's refinement (a peer id; only discord, telegram and
// feishu; their peer id forms), for every channel.
func (c *checker) binding(n *json5.Node) bool {
	if n.Kind != json5.Object {
		return true
	}
	if !c.acpBinding(n, true) {
		return true
	}
	match := n.Lookup("match")
	if match == nil || match.Kind != json5.Object {
		return true
	}
	ch := match.Lookup("channel")
	if ch == nil || ch.Kind != json5.String {
		return true
	}
	channel := openclaw.ToLowerJS(openclaw.TrimJS(ch.Str))
	supported := channel == "discord" || channel == "telegram" || channel == "feishu"
	peer := match.Lookup("peer")
	var id *json5.Node
	if peer != nil {
		if peer.Kind != json5.Object {
			return true // a type error: zod stops before the refinement
		}
		id = peer.Lookup("id")
		if id != nil && id.Kind != json5.String {
			return true
		}
	}
	const only = `OpenClaw 2026.3.24 supports ACP bindings only for "discord", "telegram" and "feishu"`
	if id == nil || openclaw.TrimJS(id.Str) == "" {
		c.push("match")
		c.push("peer")
		at := match
		if peer != nil {
			at = peer
		}
		msg := "ACP bindings need match.peer.id to name one conversation"
		fix := "set match.peer.id to the conversation the ACP session is bound to"
		if !supported {
			msg += fmt.Sprintf(" (and %s, not %q)", only, channel)
			fix = `drop type: "acp" to make this a route binding`
		}
		d := c.errorAt(at, diag.CodeBinding, msg)
		d.Fix = fix
		c.pop()
		c.pop()
		return true
	}
	if !supported {
		c.push("match")
		c.push("channel")
		d := c.errorAt(ch, diag.CodeBinding, fmt.Sprintf("%s, not %q", only, channel))
		d.Fix = `drop type: "acp" to make this a route binding`
		c.pop()
		c.pop()
		return true
	}
	peerID := openclaw.TrimJS(id.Str)
	kind, _ := str(peer, "kind")
	var msg, fix string
	switch {
	case channel == "telegram" && !telegramTopicRE.MatchString(peerID):
		msg = "Telegram ACP bindings require canonical topic IDs in the form -1001234567890:topic:42"
		fix = "write the chat id, \":topic:\" and the topic id"
	case channel == "feishu" && !feishuPeerOK(kind, peerID):
		msg = "Feishu ACP bindings require direct peer IDs for DMs or topic IDs in the form oc_group:topic:om_root[:sender:ou_xxx]"
		fix = `use kind "direct" with the user's id, or kind "group" with oc_<group>:topic:<root>`
	default:
		return true
	}
	c.push("match")
	c.push("peer")
	c.push("id")
	d := c.errorAt(id, diag.CodeBinding, msg+": got "+describe(id))
	d.Fix = fix
	c.pop()
	c.pop()
	c.pop()
	return true
}

var (
	telegramTopicRE = regexp.MustCompile(`^-\d+:topic:\d+$`)
	feishuDirectRE  = regexp.MustCompile(`^[^:]+$`)
	feishuTopicRE   = regexp.MustCompile(`^oc_[^:]+:topic:[^:]+(?::sender:ou_[^:]+)?$`)
)

func feishuPeerOK(kind, id string) bool {
	if (kind == "direct" || kind == "dm") && feishuDirectRE.MatchString(id) && !strings.HasPrefix(id, "oc_") && !strings.HasPrefix(id, "on_") {
		return true
	}
	return kind == "group" && feishuTopicRE.MatchString(id)
}

// legacyRoot reports top-level keys that OpenClaw 2026.3.24 rejects as
// moved (findLegacyConfigIssues); it returns true when m was one.
func (c *checker) legacyRoot(m *json5.Member) bool {
	var msg, fix string
	switch m.Key {
	case "imessage", "whatsapp", "telegram", "discord", "slack", "signal", "msteams":
		msg = fmt.Sprintf("the top-level %q section moved to channels.%s; OpenClaw rejects the file until it is moved", m.Key, m.Key)
		fix = fmt.Sprintf("move it: { channels: { %s: { ... } } }", m.Key)
	case "agent":
		msg = `the top-level "agent" section moved to agents.defaults (tool settings to tools.*)`
		fix = "move its settings under agents.defaults"
	case "identity":
		msg = `the top-level "identity" section moved to agents.list[].identity`
		fix = "move it into the agent's entry under agents.list"
	case "heartbeat":
		msg = `a top-level "heartbeat" is not valid: use agents.defaults.heartbeat (cadence, target) or channels.defaults.heartbeat (showOk, showAlerts, useIndicator)`
	case "memorySearch":
		msg = `the top-level "memorySearch" moved to agents.defaults.memorySearch`
		fix = "move it under agents.defaults"
	default:
		return false
	}
	c.add(diag.Diagnostic{File: c.file(m.Value), Offset: m.KeyStart, End: m.KeyEnd, Path: c.pathString(), Severity: diag.Error, Code: diag.CodeLegacyKey, Message: msg, Fix: fix})
	return true
}

// knownChannels are the channel ids OpenClaw 2026.3.24 accepts under
// channels (core ids plus bundled plugin manifests).
var knownChannels = map[string]bool{
	"defaults": true, "modelByChannel": true, "telegram": true, "whatsapp": true, "discord": true,
	"irc": true, "googlechat": true, "slack": true, "signal": true, "imessage": true, "line": true,
	"bluebubbles": true, "feishu": true, "matrix": true, "mattermost": true, "msteams": true,
	"nextcloud-talk": true, "nostr": true, "synology-chat": true, "tlon": true, "twitch": true,
	"zalo": true, "zalouser": true,
}

// channelID warns about channel keys OpenClaw matches after trimming but
// never validates or reads, such as " imessage".
func (c *checker) channelID(obj *json5.Node, m *json5.Member) {
	t := openclaw.TrimJS(m.Key)
	if t != m.Key && c.keyed() && c.channelKnown(t) && t != "defaults" && t != "modelByChannel" && obj.Lookup(t) == nil {
		// 2026.9.6 validates the trimmed id's section, which is missing.
		c.add(diag.Diagnostic{
			File: c.file(m.Value), Offset: m.KeyStart, End: m.KeyEnd, Path: "channels." + t, Severity: diag.Error, Code: diag.CodePaddedKey,
			Message: fmt.Sprintf("channel key %q has surrounding spaces: OpenClaw 2026.9.6 validates channels.%s, which is missing, and refuses the file (\"must be object\")", m.Key, t),
			Fix:     fmt.Sprintf("rename it to %q", t),
			Edit:    c.renameKey(m, t),
		})
		return
	}
	if t != m.Key && c.channelKnown(t) {
		c.add(diag.Diagnostic{
			File: c.file(m.Value), Offset: m.KeyStart, End: m.KeyEnd, Path: c.pathString(), Severity: diag.Warning, Code: diag.CodePaddedKey,
			Message: fmt.Sprintf("channel key %q has surrounding spaces: OpenClaw accepts it but never validates or reads it", m.Key),
			Fix:     fmt.Sprintf("rename it to %q", t),
		})
	}
}

func (c *checker) unknownKey(m *json5.Member, s *spec.Node) {
	if c.legacyKeys[m] {
		return // reported as a legacy key
	}
	d := diag.Diagnostic{File: c.file(m.Value), Offset: m.KeyStart, End: m.KeyEnd, Path: c.pathString(), Severity: diag.Error, Code: diag.CodeUnknownKey}
	parent := strings.Join(c.path[:len(c.path)-1], ".")
	where := "at the top level"
	if parent != "" {
		where = "in " + parent
	}
	if s == c.chans {
		t := openclaw.TrimJS(m.Key)
		if t == "" || c.channelKnown(t) {
			// OpenClaw skips channel keys that are blank after trimming,
			// and accepts padded known ids (channelID warns about those).
			return
		}
		d.Message = fmt.Sprintf("unknown channel id %q", m.Key)
		if strings.EqualFold(t, "imessage") || t == "imsg" {
			d.DidYouMean = "imessage"
			d.Fix = `the iMessage channel is configured under channels.imessage (lower case; the "imsg" alias is not accepted in the config)`
		}
	} else {
		d.Message = fmt.Sprintf("unknown key %q %s", m.Key, where)
	}
	if c.keyed() && c.retiredKey(m, &d) {
		c.add(d)
		return
	}
	if s == c.t.Root && m.Key == "routing" {
		msg, fix := routingHint(m.Value)
		d.Message += msg
		d.Fix = fix
		c.add(d)
		return
	}
	if s == c.t.AgentDefaults && m.Key == "groupChat" && !c.keyed() {
		d.Message += "; OpenClaw 2026.3.24 has no per-agent defaults for group chats"
		d.Fix = "move it to messages.groupChat (every agent), or into each agent's agents.list[].groupChat"
		c.add(d)
		return
	}
	if c.saturated(d) {
		return
	}
	if c.otherRelease(&d) {
		c.add(d)
		return
	}
	names := make([]string, len(s.Fields))
	for i, f := range s.Fields {
		names[i] = f.Name
	}
	if d.DidYouMean == "" {
		d.DidYouMean = closest(m.Key, names)
	}
	if d.DidYouMean != "" {
		d.Message += fmt.Sprintf("; did you mean %q?", d.DidYouMean)
		if d.Fix == "" {
			d.Fix = fmt.Sprintf("rename it to %q", d.DidYouMean)
			d.Edit = c.renameKey(m, d.DidYouMean)
		}
	} else if elsewhere := validUnder(c.rel, m.Key); len(elsewhere) > 0 {
		d.Message += "; it is valid under " + strings.Join(elsewhere, " and ")
		d.Fix = "move it to " + elsewhere[0]
	}
	if d.DidYouMean == "" && d.Fix == "" && len(names) > 0 {
		// No close match: say what this object takes, and where to read
		// about each key.
		d.Allowed = slices.Sorted(slices.Values(names))
		d.Message += "; valid keys here: " + strings.Join(d.Allowed, ", ")
		at := parent
		if at == "" {
			at = "."
		}
		d.Fix = "run `openclawcfg explain " + at + "` for what each key means"
		if s == c.t.AgentDefaults {
			// explain describes agents.defaults as a section the channel
			// does not read.
			d.Fix = "remove it, or use one of the keys listed (OpenClaw's configuration reference describes them)"
		}
	}
	c.add(d)
}

// imessageRules runs the cross-field refinements of IMessageConfigSchema
// on the values OpenClaw sees (last duplicate wins).
func (c *checker) imessageRules(n *json5.Node) {
	if c.rel != release.Seed {
		c.dmPolicyWarnings(n)
		return
	}
	topPolicy := policyOf(n.Lookup("dmPolicy"), "pairing")
	topAllow := n.Lookup("allowFrom")
	c.dmPolicyRule(topPolicy, n.Lookup("dmPolicy"), topAllow, "channels.imessage.allowFrom", "")

	accounts := n.Lookup("accounts")
	if accounts == nil || accounts.Kind != json5.Object {
		return
	}
	last := lastIndex(accounts)
	for i, m := range accounts.Members {
		if last[m.Key] != i || m.Key == "__proto__" || m.Value.Kind != json5.Object {
			continue
		}
		acct := m.Value
		// OpenClaw 2026.3.24 writes dmPolicy="pairing" into every account
		// before this refinement runs, so the account's effective policy is
		// its own (the spec's `account.dmPolicy ?? top.dmPolicy` never
		// reaches the top-level value); allowFrom does inherit.
		policyNode := acct.Lookup("dmPolicy")
		policy := policyOf(policyNode, "pairing")
		allow := acct.Lookup("allowFrom")
		inherited := ""
		if allow == nil {
			allow = topAllow
			if topAllow != nil {
				inherited = " (inherited from channels.imessage.allowFrom)"
			} else {
				inherited = " (none is set here or at the top level)"
			}
		}
		c.dmPolicyRule(policy, policyNode, allow, "channels.imessage.accounts."+m.Key+".allowFrom", inherited)
		c.shadowed(n, acct, m, "dmPolicy", "pairing")
		c.shadowed(n, acct, m, "groupPolicy", "allowlist")
	}
}

func policyOf(n *json5.Node, def string) string {
	if n == nil {
		return def
	}
	if n.Kind == json5.String {
		return n.Str
	}
	return ""
}

func (c *checker) dmPolicyRule(policy string, policyNode, allow *json5.Node, path, inherited string) {
	if policy != "open" && policy != "allowlist" {
		return
	}
	entries := allowEntries(allow)
	at := allow
	if at == nil || inherited != "" {
		at = policyNode
	}
	if at == nil {
		return
	}
	d := diag.Diagnostic{File: c.file(at), Offset: at.Start, End: at.End, Path: path, Severity: diag.Error, Code: diag.CodeDMPolicy}
	switch {
	case policy == "open" && !contains(entries, "*"):
		d.Message = `dmPolicy "open" requires allowFrom to include "*"` + inherited
		d.Fix = `add "*" to allowFrom to admit everyone, or use dmPolicy "pairing" or "allowlist"`
	case policy == "allowlist" && len(entries) == 0:
		d.Message = `dmPolicy "allowlist" requires allowFrom to contain at least one sender` + inherited
		d.Fix = `list the allowed handles, e.g. allowFrom: ["+15551234567", "me@icloud.com"]`
	default:
		return
	}
	c.add(d)
}

// allowEntries is OpenClaw's normalizeAllowFrom: String(v).trim(), empties
// dropped.
func allowEntries(n *json5.Node) []string {
	if n == nil || n.Kind != json5.Array {
		return nil
	}
	var out []string
	for _, e := range n.Elems {
		var s string
		switch e.Kind {
		case json5.String:
			s = openclaw.TrimJS(e.Str)
		case json5.Number:
			s = describe(e)
		default:
			s = "?"
		}
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// shadowed warns when a top-level policy does not reach an account because
// OpenClaw materialises the schema default into every account.
func (c *checker) shadowed(top, acct *json5.Node, m json5.Member, key, def string) {
	tv := top.Lookup(key)
	if tv == nil || tv.Kind != json5.String || tv.Str == def || acct.Lookup(key) != nil {
		return
	}
	c.add(diag.Diagnostic{
		File: c.file(m.Value), Offset: m.KeyStart, End: m.KeyEnd, Path: "channels.imessage.accounts." + m.Key, Severity: diag.Warning, Code: diag.CodeShadowedPolicy,
		Message: fmt.Sprintf("account %q does not inherit %s %q: OpenClaw 2026.3.24 writes %s=%q into every account that sets none, so this account uses %q",
			m.Key, key, tv.Str, key, def, def),
		Fix: fmt.Sprintf("set %s: %q in channels.imessage.accounts.%s if that is intended", key, tv.Str, m.Key),
	})
}
