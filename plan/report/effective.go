package report

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/openclawcfg/openclawcfg/plan"
)

// Effective is one account's effective value of an explained path.
type Effective struct {
	Account string          `json:"account"`
	Value   string          `json:"value"` // JSON
	Origin  string          `json:"origin"`
	Kind    plan.OriginKind `json:"originKind"`
	Path    string          `json:"originPath,omitempty"`
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
	case plan.OriginSet:
		s = "set at " + o.Path
	case plan.OriginInherited:
		s = "inherited from " + o.Path
	case plan.OriginFallback:
		s = "fallback from " + o.Path
	case plan.OriginSchemaDefault:
		s = "schema default"
	case plan.OriginDerived:
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
		if v.Value == "" && v.Origin.Kind == plan.OriginDefault {
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
			return "null", plan.Origin{Kind: plan.OriginDefault, Note: "no DM limit"}
		}
		return js(a.History.DMLimit.Value), a.History.DMLimit.Origin
	},
	"remoteHost": func(a plan.Account) (string, plan.Origin) {
		r := a.RemoteHost
		o := r.Origin
		if r.Source == plan.RemoteDetected || r.Source == plan.RemoteUnsafe || len(r.WrapperNotes) > 0 {
			o.Note = strings.TrimPrefix(strings.Join(append([]string{o.Note}, r.WrapperNotes...), "; "), "; ")
		}
		if r.Host == "" {
			return "null", o
		}
		return js(r.Host), o
	},
	"attachmentRoots": func(a plan.Account) (string, plan.Origin) {
		return js(a.Attachments.LocalRoots), plan.Origin{Kind: plan.OriginDerived, Note: "account roots, then top-level roots, then the default root"}
	},
	"remoteAttachmentRoots": func(a plan.Account) (string, plan.Origin) {
		return js(a.Attachments.RemoteRoots), plan.Origin{Kind: plan.OriginDerived, Note: "remote roots, then local roots, then the default root (account before top level)"}
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
