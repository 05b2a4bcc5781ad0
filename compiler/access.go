package compiler

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/openclawcfg/openclawcfg/plan"
)

// Effective is one account's effective value of an explained path.
type Effective struct {
	Account string `json:"account"`
	Value   string `json:"value"` // JSON
	Origin  string `json:"origin"`
	Kind    string `json:"originKind"`
	Path    string `json:"originPath,omitempty"`
}

// EffectiveValues returns, per account of p, the effective value of the
// canonical channels.imessage path (as Explain returns it), or nil for
// paths the plan does not resolve.
func EffectiveValues(p *plan.Plan, path string) []Effective {
	key := path
	for _, pre := range []string{"channels.imessage.accounts.<id>.", "channels.imessage."} {
		if strings.HasPrefix(key, pre) {
			key = strings.TrimPrefix(key, pre)
			break
		}
	}
	if g, ok := globalGetters[path]; ok {
		return g(p)
	}
	get, ok := effectiveGetters[key]
	if !ok {
		return nil
	}
	var out []Effective
	for _, a := range p.Accounts {
		v, o := get(a)
		out = append(out, Effective{Account: a.ID, Value: v, Origin: DescribeOrigin(o), Kind: o.Kind, Path: o.Path})
	}
	return out
}

// DescribeOrigin renders an origin for people.
func DescribeOrigin(o plan.Origin) string {
	var s string
	switch o.Kind {
	case "set":
		s = "set at " + o.Path
	case "inherited":
		s = "inherited from " + o.Path
	case "fallback":
		s = "fallback from " + o.Path
	case "schema-default":
		s = "schema default"
	case "derived":
		s = "derived"
		if o.Path != "" {
			s += " from " + o.Path
		}
	default:
		s = "runtime default"
	}
	if o.Note != "" {
		s += ": " + o.Note
	}
	return s
}

func js(v any) string {
	switch v := v.(type) {
	case string:
		return strconv.Quote(v)
	case bool:
		return strconv.FormatBool(v)
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case []string:
		q := make([]string, len(v))
		for i, s := range v {
			q[i] = strconv.Quote(s)
		}
		return "[" + strings.Join(q, ", ") + "]"
	case []plan.AllowEntry:
		q := make([]string, len(v))
		for i, e := range v {
			q[i] = strconv.Quote(e.Raw)
		}
		return "[" + strings.Join(q, ", ") + "]"
	}
	return fmt.Sprint(v)
}

type getter func(plan.Account) (string, plan.Origin)

// globalGetters cover the keys outside channels.imessage that the channel
// reads; Account names the scope ("*" for every account, or an agent).
var globalGetters = map[string]func(*plan.Plan) []Effective{
	"session.dmScope": func(p *plan.Plan) []Effective {
		return []Effective{effective("*", js(string(p.Global.DMScope.Value)), p.Global.DMScope.Origin)}
	},
	"commands.useAccessGroups": func(p *plan.Plan) []Effective {
		return []Effective{effective("*", js(p.Global.UseAccessGroups.Value), p.Global.UseAccessGroups.Origin)}
	},
	"commands.config": func(p *plan.Plan) []Effective {
		return []Effective{effective("*", js(p.Global.CommandsConfig.Value), p.Global.CommandsConfig.Origin)}
	},
	"agents.list[].groupChat.mentionPatterns": mentionEffective,
	"messages.groupChat.mentionPatterns":      mentionEffective,
}

func mentionEffective(p *plan.Plan) []Effective {
	var out []Effective
	for _, ag := range p.Global.Agents {
		out = append(out, effective("agent "+ag.ID, js(ag.Mentions.Patterns.Value), ag.Mentions.Patterns.Origin))
	}
	return out
}

func effective(scope, v string, o plan.Origin) Effective {
	return Effective{Account: scope, Value: v, Origin: DescribeOrigin(o), Kind: o.Kind, Path: o.Path}
}

func strG[S ~string](f func(plan.Account) plan.Value[S]) getter {
	return func(a plan.Account) (string, plan.Origin) {
		v := f(a)
		if v.Value == "" && v.Origin.Kind == "default" {
			return "unset", v.Origin
		}
		return js(string(v.Value)), v.Origin
	}
}

func boolG(f func(plan.Account) plan.Value[bool]) getter {
	return func(a plan.Account) (string, plan.Origin) { v := f(a); return js(v.Value), v.Origin }
}

var effectiveGetters = map[string]getter{
	"name":               strG(func(a plan.Account) plan.Value[string] { return a.Name }),
	"enabled":            boolG(func(a plan.Account) plan.Value[bool] { return a.Enabled }),
	"cliPath":            strG(func(a plan.Account) plan.Value[string] { return a.CLIPath }),
	"dbPath":             strG(func(a plan.Account) plan.Value[string] { return a.DBPath }),
	"service":            strG(func(a plan.Account) plan.Value[string] { return a.Service }),
	"region":             strG(func(a plan.Account) plan.Value[string] { return a.Region }),
	"dmPolicy":           strG(func(a plan.Account) plan.Value[plan.DMMode] { return a.DM.Policy }),
	"groupPolicy":        strG(func(a plan.Account) plan.Value[plan.GroupMode] { return a.Groups.Policy }),
	"chunkMode":          strG(func(a plan.Account) plan.Value[string] { return a.Outbound.ChunkMode }),
	"responsePrefix":     strG(func(a plan.Account) plan.Value[string] { return a.ResponsePrefix }),
	"markdown.tables":    strG(func(a plan.Account) plan.Value[string] { return a.Outbound.MarkdownTables }),
	"includeAttachments": boolG(func(a plan.Account) plan.Value[bool] { return a.Attachments.Include }),
	"configWrites":       boolG(func(a plan.Account) plan.Value[bool] { return a.ConfigWrites }),
	"allowFrom": func(a plan.Account) (string, plan.Origin) {
		return js(a.DM.AllowFrom.Value), a.DM.AllowFrom.Origin
	},
	"groupAllowFrom": func(a plan.Account) (string, plan.Origin) {
		return js(a.Groups.Senders.Value), a.Groups.Senders.Origin
	},
	"textChunkLimit": func(a plan.Account) (string, plan.Origin) {
		return js(a.Outbound.TextChunkLimit.Value), a.Outbound.TextChunkLimit.Origin
	},
	"mediaMaxMb": func(a plan.Account) (string, plan.Origin) {
		v := a.Outbound.MediaMaxBytes
		return strconv.FormatFloat(float64(v.Value)/(1<<20), 'f', -1, 64), v.Origin
	},
	"historyLimit": func(a plan.Account) (string, plan.Origin) {
		return js(a.History.GroupLimit.Value), a.History.GroupLimit.Origin
	},
	"dmHistoryLimit": func(a plan.Account) (string, plan.Origin) {
		if a.History.DMLimit == nil {
			return "null", plan.Origin{Kind: "default", Note: "no DM limit"}
		}
		return js(a.History.DMLimit.Value), a.History.DMLimit.Origin
	},
	"remoteHost": func(a plan.Account) (string, plan.Origin) {
		r := a.RemoteHost
		o := r.Origin
		if r.Source == "detected" || r.Source == "unsafe" || len(r.WrapperNotes) > 0 {
			o.Note = strings.TrimPrefix(strings.Join(append([]string{o.Note}, r.WrapperNotes...), "; "), "; ")
		}
		if r.Host == "" {
			return "null", o
		}
		return js(r.Host), o
	},
	"attachmentRoots": func(a plan.Account) (string, plan.Origin) {
		return js(a.Attachments.LocalRoots), plan.Origin{Kind: "derived", Note: "account roots, then top-level roots, then the default root"}
	},
	"remoteAttachmentRoots": func(a plan.Account) (string, plan.Origin) {
		return js(a.Attachments.RemoteRoots), plan.Origin{Kind: "derived", Note: "remote roots, then local roots, then the default root (account before top level)"}
	},
	"groups": func(a plan.Account) (string, plan.Origin) {
		var ids []string
		for _, c := range a.Groups.Chats {
			ids = append(ids, c.ChatID)
		}
		if a.Groups.Wildcard != nil {
			ids = append(ids, "*")
		}
		return js(ids), a.Groups.GroupsOrigin
	},
}

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
			add(AccessRow{Topic: "status", Verdict: "not started: channels.imessage is missing, so the account is not configured", Rule: "resolveIMessageAccount: configured=false",
				Fix: "add channels.imessage with at least cliPath to run the iMessage channel"})
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
		if admitsChats(a) && !senders.AdmitsNobody {
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
	case "disabled":
		return AccessRow{Topic: "dm", Verdict: "nobody: every DM is dropped", Rule: rule}
	case "open":
		return AccessRow{Topic: "dm", Verdict: "anyone", Rule: rule}
	case "allowlist":
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
	if g.Policy.Value == "disabled" {
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
		chats = AccessRow{Topic: "group-chats", Verdict: "none: no chat is listed in groups", Rule: rule, AdmitsNobody: true,
			Fix: `add the chats to channels.imessage.groups, e.g. groups: { "42": { requireMention: true } } (find ids with: imsg chats --limit 20), or "*" for all`}
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
	case g.Policy.Value != "allowlist":
		senders = AccessRow{Topic: "group-senders", Verdict: "any member of an admitted chat", Rule: rule}
	case g.AllowAllSenders:
		senders = AccessRow{Topic: "group-senders", Verdict: `any member ("*")`, Rule: srule}
	case len(g.Senders.Value) == 0:
		senders = AccessRow{Topic: "group-senders", Verdict: "nobody: the group sender list is empty", Rule: srule, AdmitsNobody: true,
			Fix: `set groupAllowFrom to the members who may trigger the agent (or ["*"]); pairing approvals never count for groups`}
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
