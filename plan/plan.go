// Package plan is the frozen, versioned runtime plan that `openclawcfg
// compile` produces from a vetted config and the runtime executes. It is
// plain data (no CUE, no parser types), serialised as JSON in one canonical
// form (Seal) with a digest of its own bytes. Load accepts only that form
// with every enum and range valid; LoadSigned also wants an ed25519
// signature (Sign), for plans deployed to another machine.
package plan

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
)

// Version is the plan format version; a loader refuses any other.
// Version 2: typed policies, bindings as OpenClaw's router reads them,
// messages.groupChat mention patterns, session.identityLinks.
const Version = 2

// Plan is everything the runtime needs to run the iMessage channel.
type Plan struct {
	PlanVersion    int    `json:"planVersion"`
	Generator      string `json:"generator"`      // openclawcfg version that compiled it
	TargetOpenClaw string `json:"targetOpenClaw"` // the OpenClaw release whose behaviour it encodes
	Source         string `json:"source"`         // config file name as given to compile
	SourceSHA256   string `json:"sourceSha256"`   // of the config bytes
	// Digest is the sha256 of the plan's JSON with Digest empty (and no
	// Signature); Load refuses a plan whose content does not match it. It
	// catches corruption and careless edits, not deliberate ones: anyone can
	// recompute it. That is what Signature is for.
	Digest string `json:"digest"`
	// Signature is set by Sign (compile --sign-key) and checked by
	// LoadSigned (run --verify-key); nil in an unsigned plan.
	Signature *Signature `json:"signature,omitempty"`

	// ChannelConfigured is false when channels.imessage is absent: the
	// runtime then falls back to groupPolicy "allowlist" and warns.
	ChannelConfigured bool          `json:"channelConfigured"`
	Enabled           Value[bool]   `json:"enabled"` // top-level switch; false disables every account
	DefaultAccount    Value[string] `json:"defaultAccount"`
	Accounts          []Account     `json:"accounts"` // sorted by id
	Global            Global        `json:"global"`
}

// Origin says where an effective value comes from.
type Origin struct {
	Kind OriginKind `json:"kind"`
	Path string     `json:"path,omitempty"`
	Note string     `json:"note,omitempty"`
}

// Value is an effective setting with its origin.
type Value[T any] struct {
	Value  T      `json:"value"`
	Origin Origin `json:"origin"`
}

// Account is one account after OpenClaw's shallow top-level→account merge.
type Account struct {
	ID  string `json:"id"`
	Key string `json:"key,omitempty"` // the accounts key as written, when it differs from ID
	// EntryKey is the accounts key whose settings this account reads: the
	// listed key itself, another key that matches case-insensitively, or
	// "" when none matches and only the top-level settings apply.
	EntryKey   string        `json:"entryKey,omitempty"`
	Name       Value[string] `json:"name"`
	Enabled    Value[bool]   `json:"enabled"`
	Configured bool          `json:"configured"`

	CLIPath         Value[string] `json:"cliPath"`
	CLIPathExpanded string        `json:"cliPathExpanded"` // with a leading ~ expanded for the compile-time HOME
	DBPath          Value[string] `json:"dbPath"`
	DBPathExpanded  string        `json:"dbPathExpanded,omitempty"` // with ~ expanded, as passed to imsg rpc --db
	Service         Value[string] `json:"service"`
	Region          Value[string] `json:"region"`

	DM          DMPolicy    `json:"dm"`
	Groups      GroupPolicy `json:"groups"`
	RemoteHost  RemoteHost  `json:"remoteHost"`
	Attachments Attachments `json:"attachments"`
	Outbound    Outbound    `json:"outbound"`
	History     History     `json:"history"`

	ConfigWrites   Value[bool]   `json:"configWrites"`
	ResponsePrefix Value[string] `json:"responsePrefix"`
}

// AllowEntry is one parsed allow-list entry.
type AllowEntry struct {
	Raw string `json:"raw"` // String(entry).trim() as OpenClaw compares it
	// Value is the chat id, guid, identifier, or the normalised handle
	// ("*" for EntryAny).
	Kind  EntryKind `json:"kind"`
	Value string    `json:"value"`
}

// DMPolicy decides direct messages.
type DMPolicy struct {
	Policy    Value[DMMode]       `json:"policy"`
	AllowFrom Value[[]AllowEntry] `json:"allowFrom"`
	AllowAll  bool                `json:"allowAll"` // "*" in allowFrom
	// PairingStoreCounts is true when approvals from the pairing store are
	// merged into the DM allow list (every policy but "allowlist").
	PairingStoreCounts bool `json:"pairingStoreCounts"`
}

// GroupPolicy decides group messages: both gates must pass.
type GroupPolicy struct {
	Policy Value[GroupMode] `json:"policy"`
	// Senders is the group sender allow list: groupAllowFrom, else a
	// non-empty allowFrom (fallback), else empty. Pairing approvals never
	// count for groups.
	Senders         Value[[]AllowEntry] `json:"senders"`
	AllowAllSenders bool                `json:"allowAllSenders"`
	// AllowlistEnabled is true when chats must be listed in groups (policy
	// "allowlist", or any groups entry present).
	AllowlistEnabled bool        `json:"allowlistEnabled"`
	GroupsOrigin     Origin      `json:"groupsOrigin"`
	Chats            []GroupChat `json:"chats"` // explicit chat_id entries, sorted
	Wildcard         *GroupChat  `json:"wildcard,omitempty"`
}

// GroupChat is one groups entry.
type GroupChat struct {
	ChatID         string      `json:"chatId"`
	RequireMention Value[bool] `json:"requireMention"`
}

// RemoteHost is the SCP host for attachments.
type RemoteHost struct {
	Host   string           `json:"host,omitempty"` // normalised host or user@host; empty when none
	Source RemoteHostSource `json:"source"`
	Origin Origin           `json:"origin"`
	// WrapperNotes explain how detection read the wrapper script.
	WrapperNotes []string `json:"wrapperNotes,omitempty"`
}

// Attachments is the inbound attachment policy.
type Attachments struct {
	Include     Value[bool] `json:"include"`
	LocalRoots  []string    `json:"localRoots"`
	RemoteRoots []string    `json:"remoteRoots"`
	// UseRemoteRoots is true when a remote host is in effect, so inbound
	// paths are checked against RemoteRoots.
	UseRemoteRoots bool `json:"useRemoteRoots"`
	// RemoteRootsConfigured is true when remoteAttachmentRoots is written
	// (account or top level), even if only with the default root.
	RemoteRootsConfigured bool `json:"remoteRootsConfigured"`
	// InvalidRoots lists configured roots OpenClaw drops at runtime.
	InvalidRoots []string `json:"invalidRoots,omitempty"`
}

// Outbound is how replies are sent.
type Outbound struct {
	TextChunkLimit Value[int]    `json:"textChunkLimit"`
	ChunkMode      Value[string] `json:"chunkMode"`
	MediaMaxBytes  Value[int64]  `json:"mediaMaxBytes"`
	MarkdownTables Value[string] `json:"markdownTables"`
	BlockStreaming *bool         `json:"blockStreaming,omitempty"`
}

// History holds the history limits.
type History struct {
	GroupLimit Value[int]     `json:"groupLimit"`
	DMLimit    *Value[int]    `json:"dmLimit,omitempty"`
	DMs        map[string]int `json:"dms,omitempty"` // per-DM overrides
}

// Global is what the channel reads outside channels.imessage.
type Global struct {
	DMScope Value[DMScope] `json:"dmScope"`
	// IdentityLinks is session.identityLinks in JavaScript key order: a
	// DM peer listed under a canonical name is keyed by that name in
	// non-main session keys.
	IdentityLinks   []IdentityLink `json:"identityLinks,omitempty"`
	UseAccessGroups Value[bool]    `json:"useAccessGroups"`
	CommandsConfig  Value[bool]    `json:"commandsConfig"`
	// Commands are the other config facts the control-command list
	// depends on (commands.mcp/plugins/debug/bash set to true, and the
	// channels whose plugins add /dock-<id> commands).
	Commands CommandFlags `json:"commands"`
	// Envelope is agents.defaults' envelope settings, as the inbound
	// envelope reads them ("" when unset).
	Envelope          Envelope   `json:"envelope"`
	InboundDebounceMs Value[int] `json:"inboundDebounceMs"`
	Agents            []Agent    `json:"agents"`
	// GroupChatMentions is messages.groupChat.mentionPatterns when the key
	// is set: the patterns of a routed agent with no entry of its own.
	GroupChatMentions *Mentions `json:"groupChatMentions,omitempty"`
	// Bindings are the route bindings for channel imessage, in config
	// order (ACP bindings and other channels left out).
	Bindings []Binding `json:"bindings,omitempty"`
	// RouteRelease is the OpenClaw release whose routing rules Route
	// follows where releases differ: "" for 2026.3.24, else the release.
	RouteRelease string `json:"routeRelease,omitempty"`
	// OwnerBinding (2026.9.6) is the agent of the channel-wide binding
	// {agentId, match: {channel: "imessage", accountId: "*"}} that OpenClaw
	// appends on load when a legacy roster marks one of several agents
	// default and no such binding exists: it takes every message no other
	// binding routes, as "binding.channel".
	OwnerBinding string `json:"ownerBinding,omitempty"`
	// ExplicitOwnership (2026.9.6) is agents.ownership "explicit": only
	// agents.defaults.systemAgent (or a sole agent) owns unbound traffic.
	ExplicitOwnership bool `json:"explicitOwnership,omitempty"`
}

// CommandFlags switch config-gated control commands on.
type CommandFlags struct {
	MCP          bool     `json:"mcp,omitempty"`
	Plugins      bool     `json:"plugins,omitempty"`
	Debug        bool     `json:"debug,omitempty"`
	Bash         bool     `json:"bash,omitempty"`
	DockChannels []string `json:"dockChannels,omitempty"`
}

// Envelope holds agents.defaults.envelopeTimezone, envelopeTimestamp,
// envelopeElapsed and userTimezone.
type Envelope struct {
	Timezone     string `json:"timezone,omitempty"`
	Timestamp    string `json:"timestamp,omitempty"`
	Elapsed      string `json:"elapsed,omitempty"`
	UserTimezone string `json:"userTimezone,omitempty"`
}

// IdentityLink is one session.identityLinks entry.
type IdentityLink struct {
	Canonical string   `json:"canonical"`
	IDs       []string `json:"ids"`
}

// Agent holds one agent's mention detection.
type Agent struct {
	ID      string `json:"id"`
	Default bool   `json:"default,omitempty"` // receives traffic no binding routes elsewhere
	// Implicit marks the stand-in "main" agent of a config without
	// agents.list; routing then accepts any agent id a binding names.
	Implicit bool              `json:"implicit,omitempty"`
	Mentions Mentions          `json:"mentions"`
	Identity map[string]string `json:"identity,omitempty"`
}

// Mentions is a set of mention patterns as OpenClaw compiles them.
type Mentions struct {
	Patterns Value[[]string] `json:"patterns"`
	// Rejected are the patterns OpenClaw skips, with the reason.
	Rejected []RejectedPattern `json:"rejected,omitempty"`
	// CanDetect is false when no pattern compiles: requireMention is then
	// not enforced and every admitted group message is answered.
	CanDetect bool `json:"canDetectMention"`
}

// RejectedPattern is a mention pattern OpenClaw ignores.
type RejectedPattern struct {
	Pattern string `json:"pattern"`
	Reason  string `json:"reason"`
}

// Binding routes imessage traffic to an agent, as resolveAgentRoute
// reads bindings[].match.
type Binding struct {
	Index   int    `json:"index"`   // position in bindings[]
	AgentID string `json:"agentId"` // as written; the router normalises it
	// AccountPattern is match.accountId trimmed: "" routes the default
	// account only, "*" every account.
	AccountPattern string `json:"accountPattern,omitempty"`
	// PeerKind and PeerID are a valid peer constraint (kind normalised:
	// direct, group or channel); both empty when the binding has none.
	PeerKind PeerKind `json:"peerKind,omitempty"`
	PeerID   string   `json:"peerId,omitempty"`
	// Dead says why the binding can never match an iMessage message (an
	// invalid peer, guildId, teamId or roles), "" when it can.
	Dead string `json:"dead,omitempty"`
}

// OriginKind says how an effective value was decided.
type OriginKind string

const (
	OriginSet           OriginKind = "set"            // written at Path
	OriginInherited     OriginKind = "inherited"      // written at the channel top level, Path
	OriginFallback      OriginKind = "fallback"       // taken from another key, Path
	OriginSchemaDefault OriginKind = "schema-default" // written into the parsed config by OpenClaw's schema
	OriginDefault       OriginKind = "default"        // the runtime's default
	OriginDerived       OriginKind = "derived"        // computed from other values, explained by Note
)

// EntryKind is what an allow-list entry names.
type EntryKind string

const (
	EntryAny            EntryKind = "any" // "*"
	EntryChatID         EntryKind = "chat_id"
	EntryChatGUID       EntryKind = "chat_guid"
	EntryChatIdentifier EntryKind = "chat_identifier"
	EntryHandle         EntryKind = "handle"
)

// RemoteHostSource says where the remote host came from.
type RemoteHostSource string

const (
	RemoteFromConfig RemoteHostSource = "config"
	RemoteDetected   RemoteHostSource = "detected" // from the cliPath wrapper script
	RemoteNone       RemoteHostSource = "none"
	RemoteUnsafe     RemoteHostSource = "unsafe" // a configured value OpenClaw ignores
)

// DMMode is dmPolicy.
type DMMode string

// GroupMode is groupPolicy.
type GroupMode string

// DMScope is session.dmScope.
type DMScope string

// PeerKind is the kind of conversation a route is for.
type PeerKind string

const (
	DMPairing   DMMode = "pairing"
	DMAllowlist DMMode = "allowlist"
	DMOpen      DMMode = "open"
	DMDisabled  DMMode = "disabled"

	GroupOpen      GroupMode = "open"
	GroupAllowlist GroupMode = "allowlist"
	GroupDisabled  GroupMode = "disabled"

	ScopeMain                  DMScope = "main"
	ScopePerPeer               DMScope = "per-peer"
	ScopePerChannelPeer        DMScope = "per-channel-peer"
	ScopePerAccountChannelPeer DMScope = "per-account-channel-peer"

	PeerDirect  PeerKind = "direct"
	PeerGroup   PeerKind = "group"
	PeerChannel PeerKind = "channel"
)

// Seal sets the header fields and the digest, drops any signature, and
// returns the JSON the compiler writes: the canonical form, the only one
// Load accepts. Sealing the same plan twice gives identical bytes.
//
// The digest is the sha256 of these exact bytes with the digest value
// empty, so a plan's bytes can be checked against it without decoding.
func Seal(p *Plan) ([]byte, error) {
	p.PlanVersion = Version
	p.Digest = ""
	p.Signature = nil
	body, err := encode(p)
	if err != nil {
		return nil, err
	}
	i := bytes.Index(body, emptyDigest)
	if i < 0 {
		return nil, errors.New("plan: digest field not found")
	}
	sum := sha256.Sum256(body)
	p.Digest = "sha256:" + hex.EncodeToString(sum[:])
	out := make([]byte, 0, len(body)+len(p.Digest))
	out = append(out, body[:i]...)
	out = append(out, `"digest": "`+p.Digest+`"`...)
	return append(out, body[i+len(emptyDigest):]...), nil
}

var emptyDigest = []byte(`"digest": ""`)

func encode(p *Plan) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(p); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
