package lower

import (
	"strconv"

	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
	"github.com/openclawcfg/openclawcfg/plan"
)

// lowerOutbound resolves the chunking and media settings. Chunking has its
// own lookup (resolveTextChunkLimit/resolveChunkMode in
// src/auto-reply/chunk.ts): the section is channels.imessage, or the
// legacy top-level imessage when that is absent; the account entry is
// found with the normalised account id as the merge finds it.
func (l *lowering) lowerOutbound(m obj, src *provenance, accountID string) plan.Outbound {
	var o plan.Outbound
	section, keys, base := l.ch, l.keys, channelPath
	// 2026.9.6 reads channels.imessage only (no legacy top-level section).
	if section == nil && l.legacy != nil && !l.v96 {
		section, keys, base = l.legacy, l.legacyKeys, "imessage"
	}
	key, entry, _ := lookupAccount(section.obj("accounts"), keys, accountID)
	acctPath := base + ".accounts." + key
	inherited := func(path string) plan.Origin {
		kind := plan.OriginSet
		if src.acctPath != "" || entry != nil {
			kind = plan.OriginInherited
		}
		return plan.Origin{Kind: kind, Path: path}
	}

	// A numeric account value shadows the channel's even when it is <= 0;
	// the result must be a number > 0, else the 4000 default applies.
	o.TextChunkLimit = plan.Value[int]{Value: 4000, Origin: plan.Origin{Kind: plan.OriginDefault}}
	limit, limitOK := entry.num("textChunkLimit")
	limitOrigin := plan.Origin{Kind: plan.OriginSet, Path: acctPath + ".textChunkLimit"}
	if !limitOK {
		limit, limitOK = section.num("textChunkLimit")
		limitOrigin = inherited(base + ".textChunkLimit")
	}
	switch {
	case limitOK && limit > 0:
		o.TextChunkLimit = plan.Value[int]{Value: int(limit), Origin: limitOrigin}
	case limitOK:
		o.TextChunkLimit.Origin = plan.Origin{
			Kind: plan.OriginDefault, Path: limitOrigin.Path,
			Note: strconv.Quote(openclaw.FormatJSNumber(limit)) + " is not > 0, so OpenClaw uses its 4000 default",
		}
	}

	// A truthy account chunkMode wins; otherwise the channel's value is
	// returned as written (even "" or an unknown mode), else "length".
	// 2026.9.6 reads streaming.chunkMode instead, and only "length" or
	// "newline" counts at either level.
	o.ChunkMode = plan.Value[string]{Value: "length", Origin: plan.Origin{Kind: plan.OriginDefault}}
	streamingMode := func(o obj) (string, bool) {
		v := o.obj("streaming")["chunkMode"]
		if v != nil && v.Kind == json5.String && (v.Str == "length" || v.Str == "newline") {
			return v.Str, true
		}
		return "", false
	}
	if l.v96 {
		if m, ok := streamingMode(entry); ok {
			o.ChunkMode = plan.Value[string]{Value: m, Origin: plan.Origin{Kind: plan.OriginSet, Path: acctPath + ".streaming.chunkMode"}}
		} else if m, ok := streamingMode(section); ok {
			o.ChunkMode = plan.Value[string]{Value: m, Origin: inherited(base + ".streaming.chunkMode")}
		}
	} else if v := entry["chunkMode"]; truthy(v) {
		o.ChunkMode = plan.Value[string]{Value: v.JSString(), Origin: plan.Origin{Kind: plan.OriginSet, Path: acctPath + ".chunkMode"}}
	} else if v := section["chunkMode"]; !nullish(v) {
		o.ChunkMode = plan.Value[string]{Value: v.JSString(), Origin: inherited(base + ".chunkMode")}
	}

	o.MediaMaxBytes = plan.Value[int64]{Value: 16 * mib, Origin: plan.Origin{Kind: plan.OriginDefault, Note: "16 MiB"}}
	if v, ok := m.num("mediaMaxMb"); ok {
		o.MediaMaxBytes = plan.Value[int64]{Value: int64(v * mib), Origin: src.origin("mediaMaxMb")}
	}
	// resolveMarkdownTableMode has the same lookup, per key: the account's
	// markdown.tables if it is a mode, else the section's (an account
	// markdown object without tables does not hide the channel's).
	o.MarkdownTables = plan.Value[string]{Value: "code", Origin: plan.Origin{Kind: plan.OriginDefault}}
	isMode := func(v *value) bool {
		return v != nil && v.Kind == json5.String && (v.Str == "off" || v.Str == "bullets" || v.Str == "code")
	}
	if t := entry.obj("markdown")["tables"]; isMode(t) {
		o.MarkdownTables = plan.Value[string]{Value: t.Str, Origin: plan.Origin{Kind: plan.OriginSet, Path: acctPath + ".markdown"}}
	} else if t := section.obj("markdown")["tables"]; isMode(t) {
		o.MarkdownTables = plan.Value[string]{Value: t.Str, Origin: inherited(base + ".markdown")}
	}
	// 2026.9.6 reads streaming.block.enabled of the merged account
	// (resolveChannelStreamingBlockEnabled), which merges the account's
	// streaming over the channel's field by field.
	if l.v96 {
		if b, ok := entry.obj("streaming").obj("block").boolean("enabled"); ok {
			o.BlockStreaming = &b
		} else if b, ok := section.obj("streaming").obj("block").boolean("enabled"); ok {
			o.BlockStreaming = &b
		}
	} else if b, ok := m.boolean("blockStreaming"); ok {
		o.BlockStreaming = &b
	}
	return o
}

// responsePrefix is resolveResponsePrefix for the reply pipeline, which
// gets the route's (normalised) account id: the account entry under that
// exact key (no case-insensitive match, so the key "Work" is never read),
// then the channel, then messages.
func responsePrefix(cfg, ch, accounts obj, id string) plan.Value[string] {
	if s, ok := accounts.obj(id).str("responsePrefix"); ok {
		return plan.Value[string]{Value: s, Origin: plan.Origin{Kind: plan.OriginSet, Path: channelPath + ".accounts." + id + ".responsePrefix"}}
	}
	if s, ok := ch.str("responsePrefix"); ok {
		return plan.Value[string]{Value: s, Origin: plan.Origin{Kind: plan.OriginInherited, Path: channelPath + ".responsePrefix"}}
	}
	if s, ok := cfg.obj("messages").str("responsePrefix"); ok {
		return plan.Value[string]{Value: s, Origin: plan.Origin{Kind: plan.OriginFallback, Path: "messages.responsePrefix"}}
	}
	return plan.Value[string]{Origin: plan.Origin{Kind: plan.OriginDefault, Note: "no prefix"}}
}
