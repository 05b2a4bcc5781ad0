package lower

import (
	"path"
	"strconv"
	"strings"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
	"github.com/openclawcfg/openclawcfg/plan"
)

func defaultAccountOrigin(ch obj, def string, set *string) plan.Origin {
	if set != nil && openclaw.NormalizeAccountID(*set) == def {
		return plan.Origin{Kind: plan.OriginSet, Path: channelPath + ".defaultAccount"}
	}
	if set != nil {
		return plan.Origin{
			Kind: plan.OriginDerived, Path: channelPath + ".defaultAccount",
			Note: "defaultAccount " + strconv.Quote(*set) + " names no listed account, so OpenClaw picks " + strconv.Quote(def),
		}
	}
	if ch.obj("accounts") == nil || len(ch.obj("accounts")) == 0 {
		return plan.Origin{Kind: plan.OriginDefault, Note: "no accounts map: one implicit account named default"}
	}
	return plan.Origin{Kind: plan.OriginDerived, Note: `"default" if listed, else the first account id`}
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

// provenance tracks, for the merged account, where each key came from.
type provenance struct {
	merged    obj
	fromAcct  map[string]bool
	acctPath  string // channels.imessage.accounts.<key>, or "" for the implicit account
	schemaDef map[string]bool
	topSet    map[string]bool // keys written at the channel top level
	sites     *Sites          // where each origin's path is written
	// rootOnly: the schema writes its defaults at the channel level only
	// (2026.9.6), so an account inherits them like any top-level value.
	// It also selects 2026.9.6's allow-list parser.
	rootOnly bool
}

func (s *provenance) origin(key string) plan.Origin {
	switch {
	case s.schemaDef[key] && s.rootOnly:
		note := "written by OpenClaw's schema when unset"
		if s.acctPath != "" {
			note = "written at the channel level by OpenClaw's schema when unset; OpenClaw 2026.9.6 writes no defaults into accounts, so this account inherits it"
		}
		return plan.Origin{Kind: plan.OriginSchemaDefault, Path: channelPath + "." + key, Note: note}
	case s.schemaDef[key]:
		note := "written by OpenClaw's schema when unset"
		if s.acctPath != "" && s.topSet[key] {
			note = "OpenClaw 2026.3.24 writes this default into every account that sets none, so the top-level value does not reach it"
		}
		return plan.Origin{Kind: plan.OriginSchemaDefault, Path: s.path(key), Note: note}
	case s.fromAcct[key]:
		o := plan.Origin{Kind: plan.OriginSet, Path: s.acctPath + "." + key}
		s.sites.add(o.Path, s.merged[key])
		return o
	case s.merged.has(key):
		kind := plan.OriginSet
		if s.acctPath != "" {
			kind = plan.OriginInherited
		}
		o := plan.Origin{Kind: kind, Path: channelPath + "." + key}
		s.sites.add(o.Path, s.merged[key])
		return o
	}
	return plan.Origin{Kind: plan.OriginDefault}
}

func (s *provenance) path(key string) string {
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
	src := &provenance{merged: obj{}, fromAcct: map[string]bool{}, schemaDef: map[string]bool{}, topSet: map[string]bool{}, sites: l.sites, rootOnly: l.v96}
	for k, v := range channelBase(ch) {
		src.merged[k] = v
		src.topSet[k] = true
	}
	if ch != nil && l.schemaDefaults {
		for _, k := range []string{"dmPolicy", "groupPolicy"} {
			if !ch.has(k) {
				src.merged[k] = supplied(schemaDefault[k])
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
			switch {
			case l.v96 && !entry.has(k):
				// 2026.9.6 writes no defaults into accounts: the channel's
				// value, default or written, reaches the account.
			case !entry.has(k) && l.schemaDefaults:
				src.merged[k] = supplied(schemaDefault[k])
				src.schemaDef[k] = true
			default:
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
		a.Enabled.Origin = plan.Origin{Kind: plan.OriginSet, Path: channelPath + ".enabled", Note: "a top-level false disables every account"}
	}
	a.Configured = configured(m, l.v96)

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
	a.RemoteHost = l.lowerRemoteHost(m, src, a.CLIPathExpanded, id)
	a.Attachments = lowerAttachments(ch, entry, m, src, a.RemoteHost.Host != "", l.v96)
	a.Outbound = l.lowerOutbound(m, src, norm)
	a.History = lowerHistory(cfg, m, src)
	a.ConfigWrites = boolValueFrom(m, src, "configWrites", true)
	a.ResponsePrefix = responsePrefix(cfg, ch, l.accounts, norm)
	return a
}

// lookupAccount is resolveAccountEntry(accounts, id): the own key id if
// present (whatever its value), else the first key, in Object.keys order,
// whose toLowerCase() equals id's. entry is nil when the value is not an
// object; found says whether a key matched.
func lookupAccount(accounts obj, keys []string, id string) (key string, entry obj, found bool) {
	if v, ok := accounts[id]; ok {
		return id, v.props, true
	}
	lid := openclaw.ToLowerJS(id)
	for _, k := range keys {
		if openclaw.ToLowerJS(k) == lid {
			return k, accounts.obj(k), true
		}
	}
	return "", nil, false
}

// configured mirrors resolveIMessageAccount's "configured" test.
func configured(m obj, v96 bool) bool {
	if v96 {
		// 2026.9.6 also counts enabled: true and sendTransport.
		if b, ok := m.boolean("enabled"); ok && b {
			return true
		}
		if truthy(m["sendTransport"]) {
			return true
		}
	}
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
