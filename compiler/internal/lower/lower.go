// Package lower turns a vetted config into a plan.Plan: the effective
// per-account behaviour of OpenClaw 2026.3.24's iMessage channel, each value
// with its origin. It runs only on configs without errors.
package lower

import (
	"bytes"
	"cmp"
	"math"
	"os"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
	"github.com/openclawcfg/openclawcfg/compiler/internal/safefile"
	"github.com/openclawcfg/openclawcfg/internal/openclaw"
	"github.com/openclawcfg/openclawcfg/plan"
)

// Options are the facts of the machine the plan is compiled for.
type Options struct {
	// Home expands a leading ~ in cliPath and dbPath (OpenClaw does this at
	// config load with the gateway's HOME). Empty means $HOME.
	Home string
	// ReadFile reads the cliPath wrapper for remoteHost detection; nil
	// reads at most 64 KiB of a regular file (never blocking on a FIFO).
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
	l := newLowering(root, opt, true)
	p := &plan.Plan{ChannelConfigured: l.ch != nil}
	p.Global = lowerGlobal(l.cfg)
	p.Global.IdentityLinks = identityLinks(l.cfg.obj("session").obj("identityLinks"), objectKeys(root.Lookup("session").Lookup("identityLinks")))
	p.Enabled = boolValue(l.ch, "enabled", channelPath+".enabled", true)

	ids := openclaw.ListAccountIDs(l.keys)
	var defAcct *string
	if s, ok := l.ch.str("defaultAccount"); ok {
		defAcct = &s
	}
	def := openclaw.DefaultAccountID(l.keys, defAcct)
	p.DefaultAccount = plan.Value[string]{Value: def, Origin: defaultAccountOrigin(l.ch, def, defAcct)}

	for _, id := range ids {
		p.Accounts = append(p.Accounts, l.account(id))
	}
	slices.SortFunc(p.Accounts, func(a, b plan.Account) int { return cmp.Compare(a.ID, b.ID) })
	return p
}

// lowering holds one config as the iMessage code reads it.
type lowering struct {
	cfg, ch  obj
	accounts obj
	// keys are the accounts keys in JavaScript Object.keys order, which
	// decides the case-insensitive account lookup and breaks sort ties.
	keys []string
	// legacy is the top-level cfg.imessage section and its accounts keys;
	// the chunk resolvers fall back to it when channels.imessage is absent.
	legacy     obj
	legacyKeys []string
	opt        Options
	// schemaDefaults: the config went through OpenClaw's schema, which
	// writes dmPolicy/groupPolicy into the channel and every account. Off
	// only to replay runtime goldens whose cfg never saw the schema.
	schemaDefaults bool
}

func newLowering(root *json5.Node, opt Options, schemaDefaults bool) *lowering {
	if opt.Home == "" {
		opt.Home, _ = os.UserHomeDir()
	}
	if opt.ReadFile == nil {
		opt.ReadFile = func(name string) ([]byte, error) { return safefile.Read(name, 64<<10) }
	}
	l := &lowering{opt: opt, schemaDefaults: schemaDefaults}
	l.cfg, _ = ToValue(root).(obj)
	chNode := root.Lookup("channels").Lookup("imessage")
	l.ch = l.cfg.obj("channels").obj("imessage")
	l.accounts = l.ch.obj("accounts")
	l.keys = objectKeys(chNode.Lookup("accounts"))
	if l.cfg.obj("channels")["imessage"] == nil {
		l.legacy = l.cfg.obj("imessage")
		l.legacyKeys = objectKeys(root.Lookup("imessage").Lookup("accounts"))
	}
	return l
}

// objectKeys is Object.keys of the object JSON5.parse builds from n (nil
// unless n is an object): array-index keys first in numeric order, then
// the others in order of first appearance (a repeated key keeps its first
// position); "__proto__" is dropped as ToValue drops it.
func objectKeys(n *json5.Node) []string {
	if n == nil || n.Kind != json5.Object {
		return nil
	}
	var index, named []string
	seen := map[string]bool{}
	for _, m := range n.Members {
		if seen[m.Key] || m.Key == "__proto__" {
			continue
		}
		seen[m.Key] = true
		if isArrayIndex(m.Key) {
			index = append(index, m.Key)
		} else {
			named = append(named, m.Key)
		}
	}
	slices.SortFunc(index, func(a, b string) int {
		if c := cmp.Compare(len(a), len(b)); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return append(index, named...)
}

// isArrayIndex: the canonical decimal form of an integer below 2^32-1.
func isArrayIndex(k string) bool {
	if k == "" || len(k) > 10 || (len(k) > 1 && k[0] == '0') {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < '0' || k[i] > '9' {
			return false
		}
	}
	v, err := strconv.ParseUint(k, 10, 64)
	return err == nil && v < 1<<32-1
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

// channelBase is the channel object without accounts: the base of the
// shallow top-level→account merge.
func channelBase(ch obj) obj {
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
	topSet    map[string]bool // keys written at the channel top level
}

func (s *source) origin(key string) plan.Origin {
	switch {
	case s.schemaDef[key]:
		note := "written by OpenClaw's schema when unset"
		if s.acctPath != "" && s.topSet[key] {
			note = "OpenClaw 2026.3.24 writes this default into every account that sets none, so the top-level value does not reach it"
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

var schemaDefault = map[string]string{"dmPolicy": "pairing", "groupPolicy": "allowlist"}

// account lowers the account the gateway starts for id (a listed accounts
// key, or any id the caller names): resolveIMessageAccount({cfg,
// accountId: id}), then everything the monitor resolves with the
// normalised account id.
func (l *lowering) account(id string) plan.Account {
	cfg, ch, opt := l.cfg, l.ch, l.opt
	norm := openclaw.NormalizeAccountID(id)
	key, entry, found := lookupAccount(l.accounts, l.keys, norm)
	src := &source{merged: obj{}, fromAcct: map[string]bool{}, schemaDef: map[string]bool{}, topSet: map[string]bool{}}
	for k, v := range channelBase(ch) {
		src.merged[k] = v
		src.topSet[k] = true
	}
	if ch != nil && l.schemaDefaults {
		for _, k := range []string{"dmPolicy", "groupPolicy"} {
			if !ch.has(k) {
				src.merged[k] = schemaDefault[k]
				src.schemaDef[k] = true
			}
		}
	}
	if found {
		src.acctPath = channelPath + ".accounts." + key
	}
	if entry != nil {
		for k, v := range entry {
			src.merged[k] = v
			src.fromAcct[k] = true
		}
		for _, k := range []string{"dmPolicy", "groupPolicy"} {
			if !entry.has(k) && l.schemaDefaults {
				src.merged[k] = schemaDefault[k]
				src.schemaDef[k] = true
			} else {
				delete(src.schemaDef, k)
			}
		}
	}
	m := src.merged
	// Key is the id the gateway starts the account for (a listed accounts
	// key). Its settings may come from another key: "BOT" normalises to
	// "bot" and, with no "bot" key, finds the first case-insensitive match
	// ("Bot"); origins name the key actually read.
	a := plan.Account{ID: norm, EntryKey: key}
	if id != norm {
		a.Key = id
	}

	name, _ := m.str("name")
	a.Name = plan.Value[string]{Value: openclaw.TrimJS(name), Origin: src.origin("name")}
	topOff := isFalse(ch, "enabled")
	a.Enabled = plan.Value[bool]{Value: !topOff && !isFalse(m, "enabled"), Origin: src.origin("enabled")}
	if topOff {
		a.Enabled.Origin = plan.Origin{Kind: "set", Path: channelPath + ".enabled", Note: "a top-level false disables every account"}
	}
	a.Configured = configured(m)

	a.CLIPath = strValue(m, src, "cliPath", "imsg")
	a.CLIPathExpanded = expandHome(a.CLIPath.Value, opt.Home)
	a.DBPath = strValue(m, src, "dbPath", "")
	if a.DBPath.Value != "" {
		a.DBPathExpanded = expandHome(a.DBPath.Value, opt.Home)
	}
	a.Service = strValue(m, src, "service", "auto")
	a.Region = strValue(m, src, "region", "US")

	a.DM = lowerDM(m, src)
	a.Groups = lowerGroups(cfg, ch, m, src)
	a.RemoteHost = lowerRemoteHost(m, src, a.CLIPathExpanded, opt)
	a.Attachments = lowerAttachments(ch, entry, m, src, a.RemoteHost.Host != "")
	a.Outbound = l.lowerOutbound(m, src, norm)
	a.History = lowerHistory(cfg, m, src)
	a.ConfigWrites = boolValueFrom(m, src, "configWrites", true)
	a.ResponsePrefix = responsePrefix(cfg, ch, l.accounts, norm)
	return a
}

// isFalse is JavaScript's o[key] === false.
func isFalse(o obj, key string) bool {
	b, ok := o[key].(bool)
	return ok && !b
}

// lookupAccount is resolveAccountEntry(accounts, id): the own key id if
// present (whatever its value), else the first key, in Object.keys order,
// whose toLowerCase() equals id's. entry is nil when the value is not an
// object; found says whether a key matched.
func lookupAccount(accounts obj, keys []string, id string) (key string, entry obj, found bool) {
	if v, ok := accounts[id]; ok {
		e, _ := v.(obj)
		return id, e, true
	}
	lid := openclaw.ToLowerJS(id)
	for _, k := range keys {
		if openclaw.ToLowerJS(k) == lid {
			e, _ := accounts[k].(obj)
			return k, e, true
		}
	}
	return "", nil, false
}

// truthy is JavaScript's Boolean(v) for JSON values.
func truthy(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case bool:
		return v
	case float64:
		return v != 0 && !math.IsNaN(v)
	case string:
		return v != ""
	}
	return true
}

// configured mirrors resolveIMessageAccount's "configured" test.
func configured(m obj) bool {
	for _, k := range []string{"cliPath", "dbPath", "region"} {
		if s, ok := m.str(k); ok && openclaw.TrimJS(s) != "" {
			return true
		}
	}
	for _, k := range []string{"service", "dmPolicy", "groupPolicy"} {
		if truthy(m[k]) {
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

// expandHome is what OpenClaw's config load (normalizeConfigPaths) does to
// cliPath and dbPath: a value whose trimmed form starts with "~" followed
// by the end, "/" or "\\" becomes home plus the rest, cleaned as
// path.resolve does for an absolute home; anything else stays as written.
func expandHome(p, home string) string {
	t := openclaw.TrimJS(p)
	if t != "~" && !strings.HasPrefix(t, "~/") && !strings.HasPrefix(t, `~\`) {
		return p
	}
	return path.Clean(home + t[1:])
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
		v := t.Value
		if t.Kind == openclaw.AllowChatID {
			v = openclaw.FormatJSNumber(t.ChatID) // the chat id as JavaScript prints it
		}
		out = append(out, plan.AllowEntry{Raw: raw, Kind: t.Kind, Value: v})
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
		return openclaw.FormatJSNumber(v)
	case bool:
		return strconv.FormatBool(v)
	case nil:
		return "null"
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			if e != nil {
				parts[i] = jsString(e)
			}
		}
		return strings.Join(parts, ",")
	}
	return "[object Object]"
}

func lowerDM(m obj, src *source) plan.DMPolicy {
	// The monitor passes imessageCfg.dmPolicy ?? "pairing".
	d := plan.DMPolicy{Policy: plan.Value[plan.DMMode]{Value: plan.DMPairing, Origin: plan.Origin{Kind: "default"}}}
	if v, ok := m["dmPolicy"]; ok && v != nil {
		d.Policy = plan.Value[plan.DMMode]{Value: plan.DMMode(jsString(v)), Origin: src.origin("dmPolicy")}
	}
	l, ok := m.list("allowFrom")
	d.AllowFrom = plan.Value[[]plan.AllowEntry]{Value: allowEntries(l), Origin: src.origin("allowFrom")}
	if !ok {
		d.AllowFrom.Origin = plan.Origin{Kind: "default", Note: "empty"}
	}
	d.AllowAll = anyAll(d.AllowFrom.Value)
	d.PairingStoreCounts = d.Policy.Value != "allowlist"
	return d
}

func lowerGroups(cfg, ch, m obj, src *source) plan.GroupPolicy {
	var g plan.GroupPolicy
	// resolveChannelGroupPolicy reads account.groupPolicy ??
	// channel.groupPolicy as written (no fallback) for the chat allowlist.
	raw, _ := m.str("groupPolicy")
	switch {
	case ch == nil:
		g.Policy = plan.Value[plan.GroupMode]{Value: plan.GroupAllowlist, Origin: plan.Origin{Kind: "default",
			Note: `channels.imessage is missing: OpenClaw falls back to "allowlist" (ignoring channels.defaults.groupPolicy) and logs a warning`}}
		raw = "allowlist"
	case m["groupPolicy"] != nil:
		g.Policy = plan.Value[plan.GroupMode]{Value: plan.GroupMode(jsString(m["groupPolicy"])), Origin: src.origin("groupPolicy")}
	default:
		// Unreachable after OpenClaw's schema, which always writes one.
		g.Policy = plan.Value[plan.GroupMode]{Value: plan.GroupOpen, Origin: plan.Origin{Kind: "default"}}
		if p, ok := cfg.obj("channels").obj("defaults").str("groupPolicy"); ok {
			g.Policy = plan.Value[plan.GroupMode]{Value: plan.GroupMode(p), Origin: plan.Origin{Kind: "fallback", Path: "channels.defaults.groupPolicy"}}
		}
	}
	// The monitor's list: groupAllowFrom ?? (allowFrom non-empty ? allowFrom : []).
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
	g.AllowlistEnabled = raw == "allowlist" || len(groups) > 0
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
	if err == nil && bytes.IndexByte(b, 0) >= 0 {
		return r // a binary (imsg itself): nothing to detect, nothing to say
	}
	if err != nil {
		r.WrapperNotes = append(r.WrapperNotes, "cliPath wrapper not readable at compile time ("+errText(err)+"); OpenClaw reads it on the gateway at start")
		return r
	}
	text := string(b)
	host, at := "", -1
	if loc := wrapperRE().userHost.FindStringSubmatchIndex(text); loc != nil {
		host, at = text[loc[2]:loc[3]], loc[0]
	} else if loc := wrapperRE().hostImsg.FindStringSubmatchIndex(text); loc != nil {
		host, at = text[loc[2]:loc[3]], loc[0]
	}
	r.WrapperNotes = append(r.WrapperNotes, WrapperShape(text)...)
	if at >= 0 {
		line := text[strings.LastIndexByte(text[:at], '\n')+1:]
		if i := strings.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
		}
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "#") {
			// Only what was detected is quoted, never the line: the
			// wrapper may hold anything, and notes reach logs and plans.
			r.WrapperNotes = append(r.WrapperNotes, "the host "+strconv.Quote(host)+" was detected from a comment line (line "+strconv.Itoa(strings.Count(text[:at], "\n")+1)+" of the wrapper), as OpenClaw's regex does; set remoteHost explicitly")
		} else if wrapperRE().jump.MatchString(" "+t+" ") || strings.Contains(t, "ProxyJump") {
			r.WrapperNotes = append(r.WrapperNotes, "with ProxyJump the detected host "+strconv.Quote(host)+" may be the jump host, not the Mac")
		}
	}
	if host == "" {
		if wrapperRE().ssh.MatchString(text) {
			r.WrapperNotes = append(r.WrapperNotes, "the wrapper runs ssh but no target was detected in it: attachments are read as local paths; set remoteHost")
		}
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

// lowerOutbound resolves the chunking and media settings. Chunking has its
// own lookup (resolveTextChunkLimit/resolveChunkMode in
// src/auto-reply/chunk.ts): the section is channels.imessage, or the
// legacy top-level imessage when that is absent; the account entry is
// found with the normalised account id as the merge finds it.
func (l *lowering) lowerOutbound(m obj, src *source, accountID string) plan.Outbound {
	var o plan.Outbound
	section, keys, base := l.ch, l.keys, channelPath
	if section == nil && l.legacy != nil {
		section, keys, base = l.legacy, l.legacyKeys, "imessage"
	}
	key, entry, _ := lookupAccount(section.obj("accounts"), keys, accountID)
	acctPath := base + ".accounts." + key
	inherited := func(path string) plan.Origin {
		kind := "set"
		if src.acctPath != "" || entry != nil {
			kind = "inherited"
		}
		return plan.Origin{Kind: kind, Path: path}
	}

	// A numeric account value shadows the channel's even when it is <= 0;
	// the result must be a number > 0, else the 4000 default applies.
	o.TextChunkLimit = plan.Value[int]{Value: 4000, Origin: plan.Origin{Kind: "default"}}
	limit, limitOK := entry.num("textChunkLimit")
	limitOrigin := plan.Origin{Kind: "set", Path: acctPath + ".textChunkLimit"}
	if !limitOK {
		limit, limitOK = section.num("textChunkLimit")
		limitOrigin = inherited(base + ".textChunkLimit")
	}
	switch {
	case limitOK && limit > 0:
		o.TextChunkLimit = plan.Value[int]{Value: int(limit), Origin: limitOrigin}
	case limitOK:
		o.TextChunkLimit.Origin = plan.Origin{Kind: "default", Path: limitOrigin.Path,
			Note: strconv.Quote(openclaw.FormatJSNumber(limit)) + " is not > 0, so OpenClaw uses its 4000 default"}
	}

	// A truthy account chunkMode wins; otherwise the channel's value is
	// returned as written (even "" or an unknown mode), else "length".
	o.ChunkMode = plan.Value[string]{Value: "length", Origin: plan.Origin{Kind: "default"}}
	if v := entry["chunkMode"]; truthy(v) {
		o.ChunkMode = plan.Value[string]{Value: jsString(v), Origin: plan.Origin{Kind: "set", Path: acctPath + ".chunkMode"}}
	} else if v, ok := section["chunkMode"]; ok && v != nil {
		o.ChunkMode = plan.Value[string]{Value: jsString(v), Origin: inherited(base + ".chunkMode")}
	}

	o.MediaMaxBytes = plan.Value[int64]{Value: 16 * mib, Origin: plan.Origin{Kind: "default", Note: "16 MiB"}}
	if v, ok := m.num("mediaMaxMb"); ok {
		o.MediaMaxBytes = plan.Value[int64]{Value: int64(v * mib), Origin: src.origin("mediaMaxMb")}
	}
	// resolveMarkdownTableMode has the same lookup, per key: the account's
	// markdown.tables if it is a mode, else the section's (an account
	// markdown object without tables does not hide the channel's).
	o.MarkdownTables = plan.Value[string]{Value: "code", Origin: plan.Origin{Kind: "default"}}
	isMode := func(v any) bool { s, _ := v.(string); return s == "off" || s == "bullets" || s == "code" }
	if t := entry.obj("markdown")["tables"]; isMode(t) {
		o.MarkdownTables = plan.Value[string]{Value: t.(string), Origin: plan.Origin{Kind: "set", Path: acctPath + ".markdown"}}
	} else if t := section.obj("markdown")["tables"]; isMode(t) {
		o.MarkdownTables = plan.Value[string]{Value: t.(string), Origin: inherited(base + ".markdown")}
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
	// getHistoryLimitFromSessionKey reads the channel level only, and the
	// session key carries the provider segment only under
	// dmScope "per-channel-peer": otherwise no DM limit applies.
	ch := cfg.obj("channels").obj("imessage")
	scope, _ := cfg.obj("session").str("dmScope")
	if v, ok := ch.num("dmHistoryLimit"); ok {
		o := plan.Origin{Kind: "set", Path: channelPath + ".dmHistoryLimit"}
		if scope != "per-channel-peer" {
			o.Note = `not applied: it needs session.dmScope "per-channel-peer"`
		}
		h.DMLimit = &plan.Value[int]{Value: int(v), Origin: o}
	} else if _, ok := m.num("dmHistoryLimit"); ok {
		h.DMLimit = &plan.Value[int]{Origin: plan.Origin{Kind: "default", Path: src.path("dmHistoryLimit"),
			Note: "an account-level dmHistoryLimit is not read by OpenClaw 2026.3.24 (only the channel level is)"}}
	}
	if scope != "per-channel-peer" {
		return h
	}
	for k := range ch.obj("dms") {
		if v, ok := ch.obj("dms").obj(k).num("historyLimit"); ok {
			if h.DMs == nil {
				h.DMs = map[string]int{}
			}
			h.DMs[k] = int(v)
		}
	}
	return h
}

// responsePrefix is resolveResponsePrefix for the reply pipeline, which
// gets the route's (normalised) account id: the account entry under that
// exact key (no case-insensitive match, so the key "Work" is never read),
// then the channel, then messages.
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
	g.DMScope = plan.Value[plan.DMScope]{Value: plan.ScopeMain, Origin: plan.Origin{Kind: "default", Note: "every DM shares the agent's main session"}}
	if s, ok := cfg.obj("session").str("dmScope"); ok {
		g.DMScope = plan.Value[plan.DMScope]{Value: plan.DMScope(s), Origin: plan.Origin{Kind: "set", Path: "session.dmScope"}}
	}
	g.UseAccessGroups = plan.Value[bool]{Value: true, Origin: plan.Origin{Kind: "default"}}
	if b, ok := cfg.obj("commands").boolean("useAccessGroups"); ok {
		g.UseAccessGroups = plan.Value[bool]{Value: b, Origin: plan.Origin{Kind: "set", Path: "commands.useAccessGroups"}}
	}
	g.CommandsConfig = boolValue(cfg.obj("commands"), "config", "commands.config", false)
	// isCommandFlagEnabled: only the boolean true switches a command on.
	cmds := cfg.obj("commands")
	on := func(k string) bool { b, ok := cmds[k].(bool); return ok && b }
	g.Commands = plan.CommandFlags{MCP: on("mcp"), Plugins: on("plugins"), Debug: on("debug"), Bash: on("bash")}
	// Channel plugins with native commands add /dock-<id>; they load when
	// configured or enabled as plugins.
	for _, id := range []string{"discord", "mattermost", "slack", "telegram"} {
		enabled, _ := cfg.obj("plugins").obj("entries").obj(id).boolean("enabled")
		if cfg.obj("channels")[id] != nil || enabled {
			g.Commands.DockChannels = append(g.Commands.DockChannels, id)
		}
	}
	defs := cfg.obj("agents").obj("defaults")
	g.Envelope.Timezone, _ = defs.str("envelopeTimezone")
	g.Envelope.Timestamp, _ = defs.str("envelopeTimestamp")
	g.Envelope.Elapsed, _ = defs.str("envelopeElapsed")
	g.Envelope.UserTimezone, _ = defs.str("userTimezone")
	g.InboundDebounceMs = plan.Value[int]{Origin: plan.Origin{Kind: "default"}}
	in := cfg.obj("messages").obj("inbound")
	if v, ok := in.obj("byChannel").num("imessage"); ok {
		g.InboundDebounceMs = plan.Value[int]{Value: int(v), Origin: plan.Origin{Kind: "set", Path: "messages.inbound.byChannel.imessage"}}
	} else if v, ok := in.num("debounceMs"); ok {
		g.InboundDebounceMs = plan.Value[int]{Value: int(v), Origin: plan.Origin{Kind: "fallback", Path: "messages.inbound.debounceMs"}}
	}
	g.Agents = lowerAgents(cfg)
	if global := cfg.obj("messages").obj("groupChat"); global.has("mentionPatterns") {
		m := plan.NewMentions(plan.Value[[]string]{Value: strList(global, "mentionPatterns"), Origin: plan.Origin{Kind: "set", Path: "messages.groupChat.mentionPatterns"}})
		g.GroupChatMentions = &m
	}
	bl, _ := cfg.list("bindings")
	for i, v := range bl {
		if b, ok := lowerBinding(v); ok {
			b.Index = i
			g.Bindings = append(g.Bindings, b)
		}
	}
	return g
}

// lowerBinding reads a bindings[] entry as resolveAgentRoute does
// (normalizeBindingMatch); ok is false for ACP bindings and other channels.
func lowerBinding(v any) (plan.Binding, bool) {
	b, _ := v.(obj)
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
	if p, ok := match["peer"]; ok && truthy(p) {
		peer, _ := p.(obj)
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
		if roles, _ := match["roles"].([]any); len(roles) > 0 {
			out.Dead = "it sets roles, which an iMessage message never carries"
		}
	}
	return out, true
}

// bindingID is normalizeId: a trimmed string, or a number as a string.
func bindingID(v any) string {
	switch v := v.(type) {
	case string:
		return openclaw.TrimJS(v)
	case float64:
		return openclaw.TrimJS(openclaw.FormatJSNumber(v))
	}
	return ""
}

// identityLinks keeps session.identityLinks in JavaScript's own-key order
// (integer keys ascending, then insertion order); non-array values are
// skipped as resolveLinkedPeerId skips them.
func identityLinks(m obj, keys []string) []plan.IdentityLink {
	var out []plan.IdentityLink
	for _, k := range keys {
		l, ok := m[k].([]any)
		if !ok {
			continue
		}
		link := plan.IdentityLink{Canonical: k, IDs: []string{}}
		for _, e := range l {
			if s, ok := e.(string); ok {
				link.IDs = append(link.IDs, s)
			}
		}
		out = append(out, link)
	}
	return out
}

// lowerAgents resolves each agent's mention patterns: its own
// groupChat.mentionPatterns (even []), else messages.groupChat's, else
// patterns derived from its identity name and emoji.
func lowerAgents(cfg obj) []plan.Agent {
	list, _ := cfg.obj("agents").list("list")
	implicit := len(list) == 0
	if implicit {
		list = []any{obj{"id": "main"}}
	}
	global := cfg.obj("messages").obj("groupChat")
	// Agents that fall back to the global patterns share one compilation.
	var globalMentions *plan.Mentions
	var out []plan.Agent
	for i, v := range list {
		e, _ := v.(obj)
		id, _ := e.str("id")
		a := plan.Agent{ID: id, Implicit: implicit}
		base := "agents.list." + strconv.Itoa(i)
		if implicit {
			base = ""
		}
		var pats plan.Value[[]string]
		switch {
		case e.obj("groupChat").has("mentionPatterns"):
			pats = plan.Value[[]string]{Value: strList(e.obj("groupChat"), "mentionPatterns"), Origin: plan.Origin{Kind: "set", Path: strings.TrimPrefix(base+".groupChat.mentionPatterns", ".")}}
		case global.has("mentionPatterns"):
			pats = plan.Value[[]string]{Value: strList(global, "mentionPatterns"), Origin: plan.Origin{Kind: "fallback", Path: "messages.groupChat.mentionPatterns"}}
		case e.obj("identity") == nil:
			pats = plan.Value[[]string]{Value: []string{}, Origin: plan.Origin{Kind: "default",
				Note: "no mentionPatterns anywhere and no identity name or emoji to derive them from"}}
		default:
			pats = plan.Value[[]string]{Value: identityPatterns(e.obj("identity")), Origin: plan.Origin{Kind: "derived", Path: strings.TrimPrefix(base+".identity", "."), Note: "from the agent's identity name and emoji"}}
		}
		if pats.Origin.Kind == "fallback" {
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

// identityPatterns is deriveMentionPatterns(identity): \b@?<name words>\b
// (words split on JavaScript whitespace) and the escaped emoji.
func identityPatterns(id obj) []string {
	name, _ := id.str("name")
	emoji, _ := id.str("emoji")
	return append([]string{}, openclaw.DeriveMentionPatterns(name, emoji)...)
}
