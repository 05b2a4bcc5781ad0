package plan

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strings"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
	"github.com/openclawcfg/openclawcfg/internal/release"
)

// validate checks every enum and range of a decoded plan, and the flags
// the compiler derives from other fields, so a plan whose digest was
// recomputed after an edit still cannot carry a value compile never
// writes. The ranges are those the config schema enforces before a plan
// is built (schema/*.cue).
func (p *Plan) validate() error {
	var v validator
	v.origin("enabled.origin", p.Enabled.Origin)
	v.origin("defaultAccount.origin", p.DefaultAccount.Origin)
	if len(p.Accounts) == 0 {
		v.add("accounts", "is empty: a plan always has at least the implicit account \"default\"")
	}
	if p.Account(p.DefaultAccount.Value) == nil && len(p.Accounts) > 0 {
		v.add("defaultAccount.value", "is %q, which names none of the plan's accounts", p.DefaultAccount.Value)
	}
	for i := range p.Accounts {
		v.account(fmt.Sprintf("accounts[%d]", i), &p.Accounts[i])
	}
	v.global("global", &p.Global)
	if s := p.Signature; s != nil {
		if !validKeyID(s.KeyID) {
			v.add("signature.keyId", "is %q, not ed25519: and 16 hex digits", s.KeyID)
		}
		if sig, err := base64.StdEncoding.Strict().DecodeString(s.Ed25519); err != nil || len(sig) != 64 {
			v.add("signature.ed25519", "is not a base64 ed25519 signature (64 bytes)")
		}
	}
	return v.err()
}

// validator collects problems; the error names the first few.
type validator struct {
	problems []string
	more     int
}

func (v *validator) add(path, format string, args ...any) {
	if len(v.problems) == 5 {
		v.more++
		return
	}
	v.problems = append(v.problems, path+" "+fmt.Sprintf(format, args...))
}

func (v *validator) err() error {
	if len(v.problems) == 0 {
		return nil
	}
	msg := strings.Join(v.problems, "; ")
	if v.more > 0 {
		msg += fmt.Sprintf("; and %d more", v.more)
	}
	return fmt.Errorf("plan: invalid value: %s", msg)
}

var originKinds = []OriginKind{OriginSet, OriginInherited, OriginFallback, OriginSchemaDefault, OriginDefault, OriginDerived}

func (v *validator) origin(path string, o Origin) {
	if !slices.Contains(originKinds, o.Kind) {
		names := make([]string, len(originKinds))
		for i, k := range originKinds {
			names[i] = string(k)
		}
		v.add(path+".kind", "is %q, not one of %s", o.Kind, strings.Join(names, ", "))
	}
}

// oneOf checks an enum value.
func oneOf[T ~string](v *validator, path string, got T, what string, allowed ...T) {
	if !slices.Contains(allowed, got) {
		names := make([]string, len(allowed))
		for i, a := range allowed {
			names[i] = string(a)
		}
		v.add(path, "is %q, not a %s (%s)", string(got), what, strings.Join(names, ", "))
	}
}

func (v *validator) account(path string, a *Account) {
	if a.ID == "" || openclaw.NormalizeAccountID(a.ID) != a.ID {
		v.add(path+".id", "is %q, not a normalised account id (OpenClaw would run it as %q)", a.ID, openclaw.NormalizeAccountID(a.ID))
	}
	if a.Key != "" && (a.Key == a.ID || openclaw.NormalizeAccountID(a.Key) != a.ID) {
		v.add(path+".key", "is %q, which is not an accounts key that normalises to the id %q", a.Key, a.ID)
	}
	for _, o := range []struct {
		name string
		o    Origin
	}{
		{"name", a.Name.Origin},
		{"enabled", a.Enabled.Origin},
		{"cliPath", a.CLIPath.Origin},
		{"dbPath", a.DBPath.Origin},
		{"service", a.Service.Origin},
		{"region", a.Region.Origin},
		{"configWrites", a.ConfigWrites.Origin},
		{"responsePrefix", a.ResponsePrefix.Origin},
	} {
		v.origin(path+"."+o.name+".origin", o.o)
	}
	oneOf(v, path+".service.value", a.Service.Value, "service", "auto", "imessage", "sms")

	dm := &a.DM
	oneOf(v, path+".dm.policy.value", dm.Policy.Value, "DM policy", DMPairing, DMAllowlist, DMOpen, DMDisabled)
	v.origin(path+".dm.policy.origin", dm.Policy.Origin)
	v.allowList(path+".dm.allowFrom", dm.AllowFrom)
	if dm.AllowAll != hasAny(dm.AllowFrom.Value) {
		v.add(path+".dm.allowAll", "is %t, but allowFrom %s \"*\"", dm.AllowAll, containsWord(!dm.AllowAll))
	}
	if dm.PairingStoreCounts != (dm.Policy.Value != DMAllowlist) {
		v.add(path+".dm.pairingStoreCounts", "is %t, but pairing approvals count under every DM policy except \"allowlist\"", dm.PairingStoreCounts)
	}

	g := &a.Groups
	oneOf(v, path+".groups.policy.value", g.Policy.Value, "group policy", GroupOpen, GroupAllowlist, GroupDisabled)
	v.origin(path+".groups.policy.origin", g.Policy.Origin)
	v.allowList(path+".groups.senders", g.Senders)
	if g.AllowAllSenders != hasAny(g.Senders.Value) {
		v.add(path+".groups.allowAllSenders", "is %t, but senders %s \"*\"", g.AllowAllSenders, containsWord(!g.AllowAllSenders))
	}
	if g.Policy.Value == GroupAllowlist && !g.AllowlistEnabled {
		v.add(path+".groups.allowlistEnabled", "is false under groupPolicy \"allowlist\"")
	}
	v.origin(path+".groups.groupsOrigin", g.GroupsOrigin)
	for i, c := range g.Chats {
		p := fmt.Sprintf("%s.groups.chats[%d]", path, i)
		if c.ChatID == "*" {
			v.add(p+".chatId", "is \"*\", which belongs in groups.wildcard")
		}
		v.origin(p+".requireMention.origin", c.RequireMention.Origin)
	}
	if w := g.Wildcard; w != nil {
		if w.ChatID != "*" {
			v.add(path+".groups.wildcard.chatId", "is %q, not \"*\"", w.ChatID)
		}
		v.origin(path+".groups.wildcard.requireMention.origin", w.RequireMention.Origin)
	}

	r := &a.RemoteHost
	oneOf(v, path+".remoteHost.source", r.Source, "remote host source", RemoteFromConfig, RemoteDetected, RemoteNone, RemoteUnsafe)
	v.origin(path+".remoteHost.origin", r.Origin)
	switch {
	case (r.Source == RemoteFromConfig || r.Source == RemoteDetected) != (r.Host != ""):
		v.add(path+".remoteHost.host", "is %q, which does not go with source %q", r.Host, r.Source)
	case r.Host != "":
		// scp gets this host as an argument: only what OpenClaw accepts.
		if why := openclaw.RemoteHostProblem(r.Host); why != "" {
			v.add(path+".remoteHost.host", "is %q, which %s", r.Host, why)
		} else if h, _ := openclaw.NormalizeScpRemoteHost(r.Host); h != r.Host {
			v.add(path+".remoteHost.host", "is %q, not trimmed", r.Host)
		}
	}

	at := &a.Attachments
	v.origin(path+".attachments.include.origin", at.Include.Origin)
	for _, l := range []struct {
		name  string
		roots []string
	}{{"localRoots", at.LocalRoots}, {"remoteRoots", at.RemoteRoots}} {
		for i, root := range l.roots {
			// The roots bound which files a message may attach.
			if why := openclaw.RootPatternProblem(root); why != "" {
				v.add(fmt.Sprintf("%s.attachments.%s[%d]", path, l.name, i), "is %q, which %s", root, why)
			}
		}
	}

	o := &a.Outbound
	if o.TextChunkLimit.Value <= 0 {
		v.add(path+".outbound.textChunkLimit.value", "is %d: a chunk limit must be > 0", o.TextChunkLimit.Value)
	}
	v.origin(path+".outbound.textChunkLimit.origin", o.TextChunkLimit.Origin)
	oneOf(v, path+".outbound.chunkMode.value", o.ChunkMode.Value, "chunk mode", "length", "newline")
	v.origin(path+".outbound.chunkMode.origin", o.ChunkMode.Origin)
	if o.MediaMaxBytes.Value <= 0 {
		v.add(path+".outbound.mediaMaxBytes.value", "is %d: a media limit must be > 0", o.MediaMaxBytes.Value)
	}
	v.origin(path+".outbound.mediaMaxBytes.origin", o.MediaMaxBytes.Origin)
	oneOf(v, path+".outbound.markdownTables.value", o.MarkdownTables.Value, "markdown table mode", "off", "bullets", "code")
	v.origin(path+".outbound.markdownTables.origin", o.MarkdownTables.Origin)

	h := &a.History
	if h.GroupLimit.Value < 0 {
		v.add(path+".history.groupLimit.value", "is %d: a history limit must be >= 0", h.GroupLimit.Value)
	}
	v.origin(path+".history.groupLimit.origin", h.GroupLimit.Origin)
	if h.DMLimit != nil {
		if h.DMLimit.Value < 0 {
			v.add(path+".history.dmLimit.value", "is %d: a history limit must be >= 0", h.DMLimit.Value)
		}
		v.origin(path+".history.dmLimit.origin", h.DMLimit.Origin)
	}
	for k, n := range h.DMs {
		if n < 0 {
			v.add(fmt.Sprintf("%s.history.dms[%q]", path, k), "is %d: a history limit must be >= 0", n)
		}
	}
}

func (v *validator) allowList(path string, l Value[[]AllowEntry]) {
	v.origin(path+".origin", l.Origin)
	for i, e := range l.Value {
		p := fmt.Sprintf("%s.value[%d]", path, i)
		oneOf(v, p+".kind", e.Kind, "allow-list entry kind", EntryAny, EntryChatID, EntryChatGUID, EntryChatIdentifier, EntryHandle)
		if (e.Kind == EntryAny) != (e.Raw == "*") || e.Kind == EntryAny && e.Value != "*" {
			v.add(p, "has raw %q and kind %q: only \"*\" is the kind \"any\", with the value \"*\"", e.Raw, e.Kind)
		}
		if e.Raw == "" || openclaw.TrimJS(e.Raw) != e.Raw {
			v.add(p+".raw", "is %q, not a trimmed, non-empty entry", e.Raw)
		}
	}
}

func hasAny(es []AllowEntry) bool {
	return slices.ContainsFunc(es, func(e AllowEntry) bool { return e.Kind == EntryAny })
}

func containsWord(has bool) string {
	if has {
		return "contains"
	}
	return "does not contain"
}

func (v *validator) global(path string, g *Global) {
	oneOf(v, path+".dmScope.value", g.DMScope.Value, "DM scope", ScopeMain, ScopePerPeer, ScopePerChannelPeer, ScopePerAccountChannelPeer)
	v.origin(path+".dmScope.origin", g.DMScope.Origin)
	v.origin(path+".useAccessGroups.origin", g.UseAccessGroups.Origin)
	v.origin(path+".commandsConfig.origin", g.CommandsConfig.Origin)
	if g.InboundDebounceMs.Value < 0 {
		v.add(path+".inboundDebounceMs.value", "is %d: a debounce must be >= 0", g.InboundDebounceMs.Value)
	}
	v.origin(path+".inboundDebounceMs.origin", g.InboundDebounceMs.Origin)
	if len(g.Agents) == 0 {
		v.add(path+".agents", "is empty: a plan always has at least the implicit agent \"main\"")
	} else if !slices.ContainsFunc(g.Agents, func(a Agent) bool { return a.Default }) && g.RouteRelease == "" {
		// 2026.9.6 may have none (routes then carry Error); 2026.3.24
		// always has one.
		v.add(path+".agents", "has no default agent")
	}
	if g.RouteRelease != "" && !slices.Contains(release.Supported, g.RouteRelease) {
		v.add(path+".routeRelease", "is %q, which is no supported OpenClaw release", g.RouteRelease)
	}
	for i := range g.Agents {
		v.mentions(fmt.Sprintf("%s.agents[%d].mentions", path, i), &g.Agents[i].Mentions)
	}
	if g.GroupChatMentions != nil {
		v.mentions(path+".groupChatMentions", g.GroupChatMentions)
	}
	last := -1
	for i, b := range g.Bindings {
		p := fmt.Sprintf("%s.bindings[%d]", path, i)
		if b.Index <= last {
			v.add(p+".index", "is %d: binding indexes increase (config order)", b.Index)
		}
		last = b.Index
		oneOf(v, p+".peerKind", b.PeerKind, "peer kind", "", PeerDirect, PeerGroup, PeerChannel)
		if (b.PeerKind == "") != (b.PeerID == "") {
			v.add(p, "has peerKind %q and peerId %q: both or neither", b.PeerKind, b.PeerID)
		}
	}
}

func (v *validator) mentions(path string, m *Mentions) {
	v.origin(path+".patterns.origin", m.Patterns.Origin)
	// Whether the patterns compile is not decided again here (the runtime
	// compiles them); only the impossible combination is refused.
	if m.CanDetect && len(m.Patterns.Value) == 0 {
		v.add(path+".canDetectMention", "is true with no patterns")
	}
}

func validKeyID(s string) bool {
	h, ok := strings.CutPrefix(s, "ed25519:")
	if !ok || len(h) != 16 {
		return false
	}
	for i := 0; i < len(h); i++ {
		if !(h[i] >= '0' && h[i] <= '9' || h[i] >= 'a' && h[i] <= 'f') {
			return false
		}
	}
	return true
}
