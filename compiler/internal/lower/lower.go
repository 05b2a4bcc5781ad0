// Package lower turns a vetted config into a plan.Plan: the effective
// per-account behaviour of OpenClaw 2026.3.24's iMessage channel, each value
// with its origin. It runs only on configs without errors.
package lower

import (
	"cmp"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
	"github.com/openclawcfg/openclawcfg/internal/openclaw"
	"github.com/openclawcfg/openclawcfg/plan"
)

// Options are the facts of the machine the plan is compiled for.
type Options struct {
	// Home expands a leading ~ in cliPath and dbPath (OpenClaw does this at
	// config load with the gateway's HOME). Empty means $HOME.
	Home string
	// ReadFile reads the cliPath wrapper for remoteHost detection; nil
	// means os.ReadFile.
	ReadFile func(string) ([]byte, error)
}

// obj is a JSON object as JavaScript sees it: last duplicate wins,
// __proto__ dropped.
type obj map[string]any

// ToValue converts a parsed node into plain Go values as OpenClaw's
// JSON5.parse would produce them.
func ToValue(n *json5.Node) any {
	switch n.Kind {
	case json5.Null:
		return nil
	case json5.Bool:
		return n.Bool
	case json5.Number:
		return n.Num
	case json5.String:
		return n.Str
	case json5.Array:
		out := make([]any, len(n.Elems))
		for i, e := range n.Elems {
			out[i] = ToValue(e)
		}
		return out
	}
	out := make(obj, len(n.Members))
	for _, m := range n.Members {
		if m.Key != "__proto__" {
			out[m.Key] = ToValue(m.Value)
		}
	}
	return out
}

func (o obj) obj(key string) obj {
	if o == nil {
		return nil
	}
	v, _ := o[key].(obj)
	return v
}

func (o obj) has(key string) bool {
	if o == nil {
		return false
	}
	_, ok := o[key]
	return ok
}

func (o obj) str(key string) (string, bool) {
	if o == nil {
		return "", false
	}
	s, ok := o[key].(string)
	return s, ok
}

func (o obj) boolean(key string) (bool, bool) {
	if o == nil {
		return false, false
	}
	b, ok := o[key].(bool)
	return b, ok
}

func (o obj) num(key string) (float64, bool) {
	if o == nil {
		return 0, false
	}
	f, ok := o[key].(float64)
	return f, ok
}

func (o obj) list(key string) ([]any, bool) {
	if o == nil {
		return nil, false
	}
	l, ok := o[key].([]any)
	return l, ok
}

const (
	channelPath = "channels.imessage"
	mib         = 1 << 20
)

// Lower builds the plan of root. The header fields (generator, source,
// digests) are the caller's.
func Lower(root *json5.Node, opt Options) *plan.Plan {
	if opt.Home == "" {
		opt.Home, _ = os.UserHomeDir()
	}
	if opt.ReadFile == nil {
		opt.ReadFile = os.ReadFile
	}
	cfg, _ := ToValue(root).(obj)
	ch := cfg.obj("channels").obj("imessage")
	p := &plan.Plan{ChannelConfigured: ch != nil}
	p.Global = lowerGlobal(cfg)

	top := withSchemaDefaults(ch)
	p.Enabled = boolValue(ch, "enabled", channelPath+".enabled", true)

	accounts := ch.obj("accounts")
	var keys []string
	for k := range accounts {
		keys = append(keys, k)
	}
	ids := openclaw.ListAccountIDs(keys)
	var defAcct *string
	if s, ok := ch.str("defaultAccount"); ok {
		defAcct = &s
	}
	def := openclaw.DefaultAccountID(keys, defAcct)
	p.DefaultAccount = plan.Value[string]{Value: def, Origin: defaultAccountOrigin(ch, def, defAcct)}

	for _, id := range ids {
		p.Accounts = append(p.Accounts, lowerAccount(cfg, ch, top, accounts, id, opt))
	}
	slices.SortFunc(p.Accounts, func(a, b plan.Account) int { return cmp.Compare(a.ID, b.ID) })
	return p
}

func defaultAccountOrigin(ch obj, def string, set *string) plan.Origin {
	if set != nil && openclaw.NormalizeAccountID(*set) == def {
		return plan.Origin{Kind: "set", Path: channelPath + ".defaultAccount"}
	}
	if set != nil {
		return plan.Origin{Kind: "derived", Path: channelPath + ".defaultAccount",
			Note: "defaultAccount " + strconv.Quote(*set) + " names no listed account, so OpenClaw picks " + strconv.Quote(def)}
	}
	if ch.obj("accounts") == nil || len(ch.obj("accounts")) == 0 {
		return plan.Origin{Kind: "default", Note: "no accounts map: one implicit account named default"}
	}
	return plan.Origin{Kind: "derived", Note: `"default" if listed, else the first account id`}
}

// withSchemaDefaults returns the channel object as OpenClaw's schema
// parses it: dmPolicy and groupPolicy are materialised when absent.
func withSchemaDefaults(ch obj) obj {
	if ch == nil {
		return nil
	}
	out := make(obj, len(ch)+2)
	for k, v := range ch {
		if k != "accounts" {
			out[k] = v
		}
	}
	return out
}

// source tracks, for the merged account, where each key came from.
type source struct {
	merged    obj
	fromAcct  map[string]bool
	acctPath  string // channels.imessage.accounts.<key>, or "" for the implicit account
	schemaDef map[string]bool
}

func (s *source) origin(key string) plan.Origin {
	switch {
	case s.schemaDef[key]:
		note := "written by OpenClaw's schema when unset"
		if s.acctPath != "" {
			note = "OpenClaw 2026.3.24 writes this default into every account that sets none, so a top-level value does not reach it"
		}
		return plan.Origin{Kind: "schema-default", Path: s.path(key), Note: note}
	case s.fromAcct[key]:
		return plan.Origin{Kind: "set", Path: s.acctPath + "." + key}
	case s.merged.has(key):
		kind := "set"
		if s.acctPath != "" {
			kind = "inherited"
		}
		return plan.Origin{Kind: kind, Path: channelPath + "." + key}
	}
	return plan.Origin{Kind: "default"}
}

func (s *source) path(key string) string {
	if s.acctPath != "" {
		return s.acctPath + "." + key
	}
	return channelPath + "." + key
}

func lowerAccount(cfg, ch, top, accounts obj, id string, opt Options) plan.Account {
	norm := openclaw.NormalizeAccountID(id)
	key, entry := lookupAccount(accounts, norm)
	src := &source{merged: obj{}, fromAcct: map[string]bool{}, schemaDef: map[string]bool{}}
	for k, v := range top {
		src.merged[k] = v
	}
	if ch != nil {
		for _, k := range []string{"dmPolicy", "groupPolicy"} {
			if !top.has(k) {
				src.merged[k] = map[string]string{"dmPolicy": "pairing", "groupPolicy": "allowlist"}[k]
				src.schemaDef[k] = true
			}
		}
	}
	if entry != nil {
		src.acctPath = channelPath + ".accounts." + key
		for k, v := range entry {
			src.merged[k] = v
			src.fromAcct[k] = true
		}
		for _, k := range []string{"dmPolicy", "groupPolicy"} {
			if !entry.has(k) {
				src.merged[k] = map[string]string{"dmPolicy": "pairing", "groupPolicy": "allowlist"}[k]
				src.schemaDef[k] = true
			} else {
				delete(src.schemaDef, k)
			}
		}
	}
	m := src.merged
	a := plan.Account{ID: norm}
	if key != "" && key != norm {
		a.Key = key
	} else if entry == nil && id != norm {
		a.Key = id
	}

	name, _ := m.str("name")
	a.Name = plan.Value[string]{Value: openclaw.TrimJS(name), Origin: src.origin("name")}
	topOn, _ := ch.boolean("enabled")
	mergedOn, _ := m.boolean("enabled")
	a.Enabled = plan.Value[bool]{Value: !(ch.has("enabled") && !topOn) && !(m.has("enabled") && !mergedOn), Origin: src.origin("enabled")}
	if ch.has("enabled") && !topOn {
		a.Enabled.Origin = plan.Origin{Kind: "set", Path: channelPath + ".enabled", Note: "a top-level false disables every account"}
	}
	a.Configured = configured(m)

	a.CLIPath = strValue(m, src, "cliPath", "imsg")
	a.CLIPathExpanded = expandHome(a.CLIPath.Value, opt.Home)
	a.DBPath = strValue(m, src, "dbPath", "")
	a.Service = strValue(m, src, "service", "auto")
	a.Region = strValue(m, src, "region", "US")

	a.DM = lowerDM(m, src)
	a.Groups = lowerGroups(cfg, ch, m, src)
	a.RemoteHost = lowerRemoteHost(m, src, a.CLIPathExpanded, opt)
	a.Attachments = lowerAttachments(ch, entry, m, src, a.RemoteHost.Host != "")
	a.Outbound = lowerOutbound(ch, entry, m, src)
	a.History = lowerHistory(cfg, m, src)
	a.ConfigWrites = boolValueFrom(m, src, "configWrites", true)
	a.ResponsePrefix = responsePrefix(cfg, ch, accounts, id)
	return a
}

// lookupAccount is resolveAccountEntry: exact key, then a case-insensitive
// match.
func lookupAccount(accounts obj, id string) (string, obj) {
	if e, ok := accounts[id].(obj); ok {
		return id, e
	}
	keys := make([]string, 0, len(accounts))
	for k := range accounts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if strings.EqualFold(k, id) {
			if e, ok := accounts[k].(obj); ok {
				return k, e
			}
		}
	}
	return "", nil
}

// configured mirrors resolveIMessageAccount's "configured" test.
func configured(m obj) bool {
	for _, k := range []string{"cliPath", "dbPath", "region"} {
		if s, ok := m.str(k); ok && openclaw.TrimJS(s) != "" {
			return true
		}
	}
	for _, k := range []string{"service", "dmPolicy", "groupPolicy"} {
		if m.has(k) {
			return true
		}
	}
	for _, k := range []string{"allowFrom", "groupAllowFrom", "attachmentRoots", "remoteAttachmentRoots"} {
		if l, ok := m.list(k); ok && len(l) > 0 {
			return true
		}
	}
	if _, ok := m.boolean("includeAttachments"); ok {
		return true
	}
	for _, k := range []string{"mediaMaxMb", "textChunkLimit"} {
		if _, ok := m.num(k); ok {
			return true
		}
	}
	return len(m.obj("groups")) > 0
}

func expandHome(p, home string) string {
	if p == "~" {
		return home
	}
	if strings.HasPrefix(p, "~/") {
		return filepath.Join(home, p[2:])
	}
	return p
}

func strValue(m obj, src *source, key, def string) plan.Value[string] {
	if s, ok := m.str(key); ok {
		return plan.Value[string]{Value: s, Origin: src.origin(key)}
	}
	return plan.Value[string]{Value: def, Origin: plan.Origin{Kind: "default"}}
}

func boolValue(o obj, key, path string, def bool) plan.Value[bool] {
	if b, ok := o.boolean(key); ok {
		return plan.Value[bool]{Value: b, Origin: plan.Origin{Kind: "set", Path: path}}
	}
	return plan.Value[bool]{Value: def, Origin: plan.Origin{Kind: "default"}}
}

func boolValueFrom(m obj, src *source, key string, def bool) plan.Value[bool] {
	if b, ok := m.boolean(key); ok {
		return plan.Value[bool]{Value: b, Origin: src.origin(key)}
	}
	return plan.Value[bool]{Value: def, Origin: plan.Origin{Kind: "default"}}
}

// allowEntries is normalizeAllowFrom then parseIMessageAllowTarget.
func allowEntries(l []any) []plan.AllowEntry {
	out := []plan.AllowEntry{}
	for _, v := range l {
		raw := openclaw.TrimJS(jsString(v))
		if raw == "" {
			continue
		}
		if raw == "*" {
			out = append(out, plan.AllowEntry{Raw: raw, Kind: "any", Value: "*"})
			continue
		}
		t := openclaw.ParseAllowTarget(raw)
		out = append(out, plan.AllowEntry{Raw: raw, Kind: t.Kind, Value: t.Value})
	}
	return out
}

func anyAll(es []plan.AllowEntry) bool {
	return slices.ContainsFunc(es, func(e plan.AllowEntry) bool { return e.Kind == "any" })
}

// jsString is JavaScript's String(v) for JSON values.
func jsString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		switch {
		case math.IsNaN(v):
			return "NaN"
		case math.IsInf(v, 1):
			return "Infinity"
		case math.IsInf(v, -1):
			return "-Infinity"
		case v == math.Trunc(v) && math.Abs(v) < 1e21:
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
		return strings.Replace(strconv.FormatFloat(v, 'g', -1, 64), "e+0", "e+", 1)
	case bool:
		return strconv.FormatBool(v)
	case nil:
		return "null"
	}
	return "[object Object]"
}

func lowerDM(m obj, src *source) plan.DMPolicy {
	policy, _ := m.str("dmPolicy")
	d := plan.DMPolicy{Policy: plan.Value[string]{Value: policy, Origin: src.origin("dmPolicy")}}
	l, ok := m.list("allowFrom")
	d.AllowFrom = plan.Value[[]plan.AllowEntry]{Value: allowEntries(l), Origin: src.origin("allowFrom")}
	if !ok {
		d.AllowFrom.Origin = plan.Origin{Kind: "default", Note: "empty"}
	}
	d.AllowAll = anyAll(d.AllowFrom.Value)
	d.PairingStoreCounts = policy != "allowlist"
	return d
}

func lowerGroups(cfg, ch, m obj, src *source) plan.GroupPolicy {
	var g plan.GroupPolicy
	if ch == nil {
		g.Policy = plan.Value[string]{Value: "allowlist", Origin: plan.Origin{Kind: "default",
			Note: `channels.imessage is missing: OpenClaw falls back to "allowlist" (ignoring channels.defaults.groupPolicy) and logs a warning`}}
	} else {
		p, _ := m.str("groupPolicy")
		g.Policy = plan.Value[string]{Value: p, Origin: src.origin("groupPolicy")}
	}
	if l, ok := m.list("groupAllowFrom"); ok {
		g.Senders = plan.Value[[]plan.AllowEntry]{Value: allowEntries(l), Origin: src.origin("groupAllowFrom")}
	} else if l, _ := m.list("allowFrom"); len(allowEntries(l)) > 0 {
		o := src.origin("allowFrom")
		g.Senders = plan.Value[[]plan.AllowEntry]{Value: allowEntries(l), Origin: plan.Origin{Kind: "fallback", Path: o.Path,
			Note: "groupAllowFrom is unset, so group senders are checked against allowFrom (config only; pairing approvals never count for groups)"}}
	} else {
		g.Senders = plan.Value[[]plan.AllowEntry]{Value: []plan.AllowEntry{}, Origin: plan.Origin{Kind: "default", Note: "empty: no group sender can trigger under groupPolicy \"allowlist\""}}
	}
	g.AllowAllSenders = anyAll(g.Senders.Value)

	groups := m.obj("groups")
	g.GroupsOrigin = src.origin("groups")
	if !m.has("groups") {
		g.GroupsOrigin = plan.Origin{Kind: "default", Note: "no groups map"}
	}
	g.AllowlistEnabled = g.Policy.Value == "allowlist" || len(groups) > 0
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
		return plan.Value[bool]{Value: b, Origin: plan.Origin{Kind: "set", Path: groupsPath + "." + id + ".requireMention"}}
	}
	if b, ok := star.boolean("requireMention"); ok && id != "*" {
		return plan.Value[bool]{Value: b, Origin: plan.Origin{Kind: "fallback", Path: groupsPath + ".*.requireMention"}}
	}
	return plan.Value[bool]{Value: true, Origin: plan.Origin{Kind: "default"}}
}

// The two detection regexes of detectRemoteHostFromCliPath, first match
// wins; plus the patterns WrapperShape looks for.
// Compiled on first use, so `vet` never pays for them at start-up.
var wrapperRE = sync.OnceValue(func() struct{ userHost, hostImsg, ssh, jump, port *regexp.Regexp } {
	return struct{ userHost, hostImsg, ssh, jump, port *regexp.Regexp }{
		regexp.MustCompile(`\bssh\b[^\n]*?\s+([a-zA-Z0-9._-]+@[a-zA-Z0-9._-]+)`),
		regexp.MustCompile(`\bssh\b[^\n]*?\s+([a-zA-Z][a-zA-Z0-9._-]*)\s+\S*\bimsg\b`),
		regexp.MustCompile(`\bssh\b`),
		regexp.MustCompile(`\s-J\s`),
		regexp.MustCompile(`\s-p\s*\d+`),
	}
})

func lowerRemoteHost(m obj, src *source, cliPath string, opt Options) plan.RemoteHost {
	r := plan.RemoteHost{Source: "none", Origin: plan.Origin{Kind: "default"}}
	if v, ok := m.str("remoteHost"); ok {
		if h, safe := openclaw.NormalizeScpRemoteHost(v); safe {
			return plan.RemoteHost{Host: h, Source: "config", Origin: src.origin("remoteHost")}
		}
		r.Source = "unsafe"
		r.Origin = src.origin("remoteHost")
		r.WrapperNotes = append(r.WrapperNotes, "the configured remoteHost is unsafe; OpenClaw ignores it and tries detection")
	}
	raw, _ := m.str("cliPath")
	if raw == "" || raw == "imsg" {
		return r
	}
	b, err := opt.ReadFile(cliPath)
	if err != nil {
		r.WrapperNotes = append(r.WrapperNotes, "cliPath wrapper not readable at compile time ("+errText(err)+"); OpenClaw reads it on the gateway at start")
		return r
	}
	text := string(b)
	host := ""
	if sm := wrapperRE().userHost.FindStringSubmatch(text); sm != nil {
		host = sm[1]
	} else if sm := wrapperRE().hostImsg.FindStringSubmatch(text); sm != nil {
		host = sm[1]
	}
	r.WrapperNotes = append(r.WrapperNotes, WrapperShape(text)...)
	if host == "" {
		r.WrapperNotes = append(r.WrapperNotes, "no ssh target found in the wrapper: attachments stay local paths")
		return r
	}
	h, safe := openclaw.NormalizeScpRemoteHost(host)
	if !safe {
		r.WrapperNotes = append(r.WrapperNotes, "detected host "+strconv.Quote(host)+" is unsafe and ignored")
		return r
	}
	return plan.RemoteHost{Host: h, Source: "detected", Origin: plan.Origin{Kind: "derived", Path: src.origin("cliPath").Path,
		Note: "detected from the cliPath wrapper script"}, WrapperNotes: r.WrapperNotes}
}

func errText(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

// WrapperShape lists ways a wrapper script departs from the plain
// `exec ssh ... imsg "$@"` form that detection and stdio expect.
func WrapperShape(text string) []string {
	var notes []string
	var sshLine string
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "#") {
			continue
		}
		if wrapperRE().ssh.MatchString(t) {
			sshLine = t
			break
		}
	}
	if sshLine == "" {
		return nil
	}
	if !strings.HasPrefix(sshLine, "exec ") {
		notes = append(notes, "the ssh line does not start with exec: the shell stays in between and signals may not reach ssh")
	}
	if strings.Contains(sshLine, "ProxyJump") || wrapperRE().jump.MatchString(sshLine) {
		notes = append(notes, "ProxyJump is not understood by remoteHost detection or by scp's default config: set remoteHost explicitly")
	}
	if wrapperRE().port.MatchString(sshLine) || strings.Contains(sshLine, "Port=") {
		notes = append(notes, "a port is given on the ssh line: detection drops it and scp uses port 22; put the port in ~/.ssh/config")
	}
	if strings.Contains(sshLine, "|") {
		notes = append(notes, "the ssh line pipes output: pipes buffer JSON-RPC over stdio and can stall imsg rpc")
	}
	if !strings.Contains(sshLine, `"$@"`) {
		notes = append(notes, `the ssh line does not pass "$@": imsg will not receive the rpc arguments`)
	}
	return notes
}

func lowerAttachments(ch, entry, m obj, src *source, remote bool) plan.Attachments {
	a := plan.Attachments{UseRemoteRoots: remote}
	a.Include = boolValueFrom(m, src, "includeAttachments", false)
	strs := func(o obj, key string) []string {
		l, _ := o.list(key)
		var out []string
		for _, v := range l {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	acctLocal, topLocal := strs(entry, "attachmentRoots"), strs(ch, "attachmentRoots")
	acctRemote, topRemote := strs(entry, "remoteAttachmentRoots"), strs(ch, "remoteAttachmentRoots")
	a.RemoteRootsConfigured = entry.has("remoteAttachmentRoots") || ch.has("remoteAttachmentRoots")
	a.LocalRoots = openclaw.MergeRoots(acctLocal, topLocal, openclaw.DefaultAttachmentRoots)
	a.RemoteRoots = openclaw.MergeRoots(acctRemote, topRemote, acctLocal, topLocal, openclaw.DefaultAttachmentRoots)
	for _, l := range [][]string{acctLocal, topLocal, acctRemote, topRemote} {
		for _, r := range l {
			if openclaw.RootPatternProblem(r) != "" && !slices.Contains(a.InvalidRoots, r) {
				a.InvalidRoots = append(a.InvalidRoots, r)
			}
		}
	}
	return a
}

// lowerOutbound resolves the chunking and media settings; chunking reads
// the account entry, then the channel (resolveTextChunkLimit/ChunkMode).
func lowerOutbound(ch, entry, m obj, src *source) plan.Outbound {
	var o plan.Outbound
	o.TextChunkLimit = plan.Value[int]{Value: 4000, Origin: plan.Origin{Kind: "default"}}
	for _, c := range []struct {
		o    obj
		path string
	}{{entry, src.acctPath}, {ch, channelPath}} {
		if v, ok := c.o.num("textChunkLimit"); ok && v > 0 && c.path != "" {
			kind := "set"
			if c.path == channelPath && src.acctPath != "" {
				kind = "inherited"
			}
			o.TextChunkLimit = plan.Value[int]{Value: int(v), Origin: plan.Origin{Kind: kind, Path: c.path + ".textChunkLimit"}}
			break
		}
	}
	o.ChunkMode = strValue(m, src, "chunkMode", "length")
	o.MediaMaxBytes = plan.Value[int64]{Value: 16 * mib, Origin: plan.Origin{Kind: "default", Note: "16 MiB"}}
	if v, ok := m.num("mediaMaxMb"); ok {
		o.MediaMaxBytes = plan.Value[int64]{Value: int64(v * mib), Origin: src.origin("mediaMaxMb")}
	}
	o.MarkdownTables = plan.Value[string]{Value: "code", Origin: plan.Origin{Kind: "default"}}
	if t, ok := m.obj("markdown").str("tables"); ok {
		o.MarkdownTables = plan.Value[string]{Value: t, Origin: src.origin("markdown")}
	}
	if b, ok := m.boolean("blockStreaming"); ok {
		o.BlockStreaming = &b
	}
	return o
}

func lowerHistory(cfg, m obj, src *source) plan.History {
	var h plan.History
	h.GroupLimit = plan.Value[int]{Value: 50, Origin: plan.Origin{Kind: "default"}}
	if v, ok := m.num("historyLimit"); ok {
		h.GroupLimit = plan.Value[int]{Value: max(0, int(v)), Origin: src.origin("historyLimit")}
	} else if v, ok := cfg.obj("messages").obj("groupChat").num("historyLimit"); ok {
		h.GroupLimit = plan.Value[int]{Value: max(0, int(v)), Origin: plan.Origin{Kind: "fallback", Path: "messages.groupChat.historyLimit"}}
	}
	if v, ok := m.num("dmHistoryLimit"); ok {
		h.DMLimit = &plan.Value[int]{Value: int(v), Origin: src.origin("dmHistoryLimit")}
	}
	for k := range m.obj("dms") {
		if v, ok := m.obj("dms").obj(k).num("historyLimit"); ok {
			if h.DMs == nil {
				h.DMs = map[string]int{}
			}
			h.DMs[k] = int(v)
		}
	}
	return h
}

// responsePrefix: exact account key, then the channel, then messages.
func responsePrefix(cfg, ch, accounts obj, id string) plan.Value[string] {
	if s, ok := accounts.obj(id).str("responsePrefix"); ok {
		return plan.Value[string]{Value: s, Origin: plan.Origin{Kind: "set", Path: channelPath + ".accounts." + id + ".responsePrefix"}}
	}
	if s, ok := ch.str("responsePrefix"); ok {
		return plan.Value[string]{Value: s, Origin: plan.Origin{Kind: "inherited", Path: channelPath + ".responsePrefix"}}
	}
	if s, ok := cfg.obj("messages").str("responsePrefix"); ok {
		return plan.Value[string]{Value: s, Origin: plan.Origin{Kind: "fallback", Path: "messages.responsePrefix"}}
	}
	return plan.Value[string]{Origin: plan.Origin{Kind: "default", Note: "no prefix"}}
}

func lowerGlobal(cfg obj) plan.Global {
	var g plan.Global
	g.DMScope = plan.Value[string]{Value: "main", Origin: plan.Origin{Kind: "default", Note: "every DM shares the agent's main session"}}
	if s, ok := cfg.obj("session").str("dmScope"); ok {
		g.DMScope = plan.Value[string]{Value: s, Origin: plan.Origin{Kind: "set", Path: "session.dmScope"}}
	}
	g.UseAccessGroups = plan.Value[bool]{Value: true, Origin: plan.Origin{Kind: "default"}}
	if b, ok := cfg.obj("commands").boolean("useAccessGroups"); ok {
		g.UseAccessGroups = plan.Value[bool]{Value: b, Origin: plan.Origin{Kind: "set", Path: "commands.useAccessGroups"}}
	}
	g.CommandsConfig = boolValue(cfg.obj("commands"), "config", "commands.config", false)
	g.InboundDebounceMs = plan.Value[int]{Origin: plan.Origin{Kind: "default"}}
	in := cfg.obj("messages").obj("inbound")
	if v, ok := in.obj("byChannel").num("imessage"); ok {
		g.InboundDebounceMs = plan.Value[int]{Value: int(v), Origin: plan.Origin{Kind: "set", Path: "messages.inbound.byChannel.imessage"}}
	} else if v, ok := in.num("debounceMs"); ok {
		g.InboundDebounceMs = plan.Value[int]{Value: int(v), Origin: plan.Origin{Kind: "fallback", Path: "messages.inbound.debounceMs"}}
	}
	g.Agents = lowerAgents(cfg)
	bl, _ := cfg.list("bindings")
	for _, v := range bl {
		b, _ := v.(obj)
		match := b.obj("match")
		if c, _ := match.str("channel"); strings.ToLower(openclaw.TrimJS(c)) != "imessage" {
			continue
		}
		agent, _ := b.str("agentId")
		acct, _ := match.str("accountId")
		kind, _ := match.obj("peer").str("kind")
		id, _ := match.obj("peer").str("id")
		g.Bindings = append(g.Bindings, plan.Binding{AgentID: agent, AccountID: acct, PeerKind: kind, PeerID: id})
	}
	return g
}

// lowerAgents resolves each agent's mention patterns: its own
// groupChat.mentionPatterns (even []), else messages.groupChat's, else
// patterns derived from its identity name and emoji.
func lowerAgents(cfg obj) []plan.Agent {
	list, _ := cfg.obj("agents").list("list")
	if len(list) == 0 {
		list = []any{obj{"id": "main"}}
	}
	global := cfg.obj("messages").obj("groupChat")
	var out []plan.Agent
	for i, v := range list {
		e, _ := v.(obj)
		id, _ := e.str("id")
		a := plan.Agent{ID: id}
		base := "agents.list." + strconv.Itoa(i)
		if len(cfg.obj("agents").obj("list")) == 0 && !cfg.obj("agents").has("list") {
			base = ""
		}
		switch {
		case e.obj("groupChat").has("mentionPatterns"):
			a.MentionPatterns = plan.Value[[]string]{Value: strList(e.obj("groupChat"), "mentionPatterns"), Origin: plan.Origin{Kind: "set", Path: base + ".groupChat.mentionPatterns"}}
		case global.has("mentionPatterns"):
			a.MentionPatterns = plan.Value[[]string]{Value: strList(global, "mentionPatterns"), Origin: plan.Origin{Kind: "fallback", Path: "messages.groupChat.mentionPatterns"}}
		default:
			a.MentionPatterns = plan.Value[[]string]{Value: identityPatterns(e.obj("identity")), Origin: plan.Origin{Kind: "derived", Path: base + ".identity", Note: "from the agent's identity name and emoji"}}
		}
		if idn := e.obj("identity"); idn != nil {
			a.Identity = map[string]string{}
			for _, k := range []string{"name", "emoji"} {
				if s, ok := idn.str(k); ok {
					a.Identity[k] = s
				}
			}
		}
		a.CanDetect = len(a.MentionPatterns.Value) > 0
		if d, _ := e.boolean("default"); d {
			a.Default = true
		}
		out = append(out, a)
	}
	// resolveDefaultAgentId: the first agent marked default, else the first.
	if !slices.ContainsFunc(out, func(a plan.Agent) bool { return a.Default }) && len(out) > 0 {
		out[0].Default = true
	}
	return out
}

func strList(o obj, key string) []string {
	l, _ := o.list(key)
	out := []string{}
	for _, v := range l {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// identityPatterns derives \b@?<name words>\b and the escaped emoji.
func identityPatterns(id obj) []string {
	out := []string{}
	if name, ok := id.str("name"); ok {
		words := strings.Fields(name)
		for i, w := range words {
			words[i] = regexp.QuoteMeta(w)
		}
		if len(words) > 0 {
			out = append(out, `\b@?`+strings.Join(words, `\s+`)+`\b`)
		}
	}
	if emoji, ok := id.str("emoji"); ok && strings.TrimSpace(emoji) != "" {
		out = append(out, regexp.QuoteMeta(strings.TrimSpace(emoji)))
	}
	return out
}
