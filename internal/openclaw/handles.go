package openclaw

import (
	"regexp"
	"strings"
)

// iMessage handles and allow lists (extensions/imessage/src/targets.ts and
// src/plugin-sdk/allow-from.ts in OpenClaw 2026.3.24). These decide which
// senders and chats get through dmPolicy/groupPolicy "allowlist", so the
// ports keep OpenClaw's quirks, e.g. every handle without '@' and without
// digits normalises to "+", so "abc" and "xyz" match each other.

var (
	chatIDPrefixes         = []string{"chat_id:", "chatid:", "chat:"}
	chatGUIDPrefixes       = []string{"chat_guid:", "chatguid:", "guid:"}
	chatIdentifierPrefixes = []string{"chat_identifier:", "chatidentifier:", "chatident:"}
	servicePrefixes        = []string{"imessage:", "sms:", "auto:"}
)

// NormalizeE164 ports OpenClaw's normalizeE164 (src/utils.ts): keep only
// ASCII digits and '+', and make sure the result starts with '+'. It never
// returns "" (a value without digits gives "+"), and a '+' in the middle is
// kept ("1+2" gives "+1+2"). The leading "whatsapp:" that OpenClaw strips
// contains neither digits nor '+', so it needs no special case here.
func NormalizeE164(number string) string {
	var b strings.Builder
	b.Grow(len(number) + 1)
	b.WriteByte('+')
	first := true
	for i := 0; i < len(number); i++ {
		c := number[i]
		if c >= '0' && c <= '9' || c == '+' {
			if first && c == '+' {
				first = false
				continue // the leading '+' is already written
			}
			first = false
			b.WriteByte(c)
		}
	}
	return b.String()
}

// NormalizeHandle ports normalizeIMessageHandle: the canonical form OpenClaw
// compares senders and allowFrom handles in. It trims (JS whitespace), strips
// imessage:/sms:/auto: prefixes (any case, repeatedly), rewrites chat
// prefixes to chat_id:/chat_guid:/chat_identifier: with the trimmed value
// kept verbatim, lower-cases anything containing '@' (JS toLowerCase, see
// ToLowerJS), and sends everything else through NormalizeE164.
func NormalizeHandle(raw string) string {
	return normalizeHandle(raw, func(trimmed string) string {
		// normalizeE164 never returns "", so OpenClaw's whitespace-stripping
		// fallback after it is unreachable.
		return NormalizeE164(trimmed)
	})
}

// normalizeHandle is what both releases' normalizeIMessageHandle share:
// service prefixes stripped (repeatedly), chat prefixes canonicalised, a
// handle with '@' lower-cased; rest normalises anything else.
func normalizeHandle(raw string, rest func(trimmed string) string) string {
	for {
		trimmed := TrimJS(raw)
		if trimmed == "" {
			return ""
		}
		stripped := false
		for _, p := range servicePrefixes {
			if hasPrefixFoldASCII(trimmed, p) {
				raw, stripped = trimmed[len(p):], true
				break
			}
		}
		if stripped {
			continue
		}
		for _, group := range [...]struct {
			prefixes []string
			canon    string
		}{{chatIDPrefixes, "chat_id:"}, {chatGUIDPrefixes, "chat_guid:"}, {chatIdentifierPrefixes, "chat_identifier:"}} {
			for _, p := range group.prefixes {
				if hasPrefixFoldASCII(trimmed, p) {
					return group.canon + TrimJS(trimmed[len(p):])
				}
			}
		}
		if strings.Contains(trimmed, "@") {
			return ToLowerJS(trimmed)
		}
		return rest(trimmed)
	}
}

// Kinds of AllowTarget.
const (
	AllowChatID         = "chat_id"
	AllowChatGUID       = "chat_guid"
	AllowChatIdentifier = "chat_identifier"
	AllowHandle         = "handle"
)

// AllowTarget is what parseIMessageAllowTarget makes of one allowFrom entry.
type AllowTarget struct {
	// Kind is AllowChatID, AllowChatGUID, AllowChatIdentifier or AllowHandle.
	Kind string
	// ChatID is the JavaScript number Number.parseInt(value, 10) gave for a
	// chat_id entry: "12abc" is 12, "-0" is -0, and digits beyond 2^53 are
	// rounded as in JS. It is a float64 because OpenClaw compares it with ===
	// against the message's chat_id, itself a JS number.
	ChatID float64
	// Value is the chat GUID, the chat identifier (both trimmed, case kept) or
	// the normalised handle (NormalizeHandle; "" never matches).
	Value string
}

// ParseAllowTarget ports parseIMessageAllowTarget. Service prefixes are
// stripped and the rest re-parsed (an empty rest is the handle "").
// chat_id:/chatid:/chat: need a finite parseInt, chat_guid:/chatguid:/guid:
// and chat_identifier:/chatidentifier:/chatident: a non-empty value;
// otherwise the entry falls through to a handle, so "chat_id:abc" becomes the
// handle "chat_id:abc" (spec §6.4).
func ParseAllowTarget(raw string) AllowTarget { return parseAllowTarget(raw, NormalizeHandle) }

// ParseAllowTarget96 is parseIMessageAllowTarget of @openclaw/imessage
// 2026.9.6: the same prefixes, with handles normalised by
// NormalizeHandle96.
func ParseAllowTarget96(raw string) AllowTarget { return parseAllowTarget(raw, NormalizeHandle96) }

func parseAllowTarget(raw string, normalize func(string) string) AllowTarget {
	for {
		trimmed := TrimJS(raw)
		if trimmed == "" {
			return AllowTarget{Kind: AllowHandle}
		}
		stripped := false
		for _, p := range servicePrefixes {
			if hasPrefixFoldASCII(trimmed, p) {
				raw, stripped = TrimJS(trimmed[len(p):]), true
				break
			}
		}
		if stripped {
			if raw == "" {
				return AllowTarget{Kind: AllowHandle}
			}
			continue
		}
		for _, p := range chatIDPrefixes {
			if hasPrefixFoldASCII(trimmed, p) {
				if id, ok := parseIntJS(TrimJS(trimmed[len(p):])); ok {
					return AllowTarget{Kind: AllowChatID, ChatID: id}
				}
			}
		}
		for _, p := range chatGUIDPrefixes {
			if hasPrefixFoldASCII(trimmed, p) {
				if v := TrimJS(trimmed[len(p):]); v != "" {
					return AllowTarget{Kind: AllowChatGUID, Value: v}
				}
			}
		}
		for _, p := range chatIdentifierPrefixes {
			if hasPrefixFoldASCII(trimmed, p) {
				if v := TrimJS(trimmed[len(p):]); v != "" {
					return AllowTarget{Kind: AllowChatIdentifier, Value: v}
				}
			}
		}
		return AllowTarget{Kind: AllowHandle, Value: normalize(trimmed)}
	}
}

// IsAllowedSender ports isAllowedIMessageSender (isAllowedParsedChatSender
// bound to NormalizeHandle and ParseAllowTarget): may this message through
// an allow list?
//
// allowFrom holds the entries as JavaScript's String(entry) renders them:
// strings as they are, numbers via FormatJSNumber (15551234567 becomes
// "15551234567", which then matches the handle "+15551234567"). Entries are
// trimmed; an empty list allows nobody and a "*" entry everybody. chatID is
// nil when the message has no chat_id; chatGUID and chatIdentifier are ""
// when absent (they are trimmed and compared case-sensitively). chat_id
// entries match any message of that chat, DMs included.
func IsAllowedSender(allowFrom []string, sender string, chatID *int64, chatGUID, chatIdentifier string) bool {
	return CompileAllowList(allowFrom).Allows(NormalizeHandle(sender), chatID, chatGUID, chatIdentifier)
}

// AllowList is an allow list parsed once (ParseAllowTarget per entry), for
// the runtime's per-message checks.
type AllowList struct {
	any     bool
	entries []AllowTarget
}

// CompileAllowList parses allowFrom entries (as IsAllowedSender takes them).
func CompileAllowList(allowFrom []string) AllowList {
	var l AllowList
	for _, e := range allowFrom {
		entry := TrimJS(e)
		switch {
		case entry == "":
		case entry == "*":
			l.any = true
		default:
			l.entries = append(l.entries, ParseAllowTarget(entry))
		}
	}
	return l
}

// Len is the number of entries ("*" included).
func (l AllowList) Len() int {
	if l.any {
		return len(l.entries) + 1
	}
	return len(l.entries)
}

// Allows is IsAllowedSender for a sender already normalised
// (NormalizeHandle).
func (l AllowList) Allows(senderNormalized string, chatID *int64, chatGUID, chatIdentifier string) bool {
	if l.any {
		return true
	}
	chatGUID = TrimJS(chatGUID)
	chatIdentifier = TrimJS(chatIdentifier)
	for _, t := range l.entries {
		switch {
		case t.Kind == AllowChatID && chatID != nil:
			if t.ChatID == float64(*chatID) {
				return true
			}
		case t.Kind == AllowChatGUID && chatGUID != "":
			if t.Value == chatGUID {
				return true
			}
		case t.Kind == AllowChatIdentifier && chatIdentifier != "":
			if t.Value == chatIdentifier {
				return true
			}
		case t.Kind == AllowHandle && senderNormalized != "":
			if t.Value == senderNormalized {
				return true
			}
		}
	}
	return false
}

// NormalizeHandle96 ports normalizeIMessageHandle of @openclaw/imessage
// 2026.9.6, which no longer sends every handle through E.164: after the
// service and chat prefixes (as NormalizeHandle), a handle with '@' is
// lower-cased, a bare 32-hex-digit chat identifier becomes
// "chat_identifier:<lower-case>", a phone-like one (digits, spaces, + ( ) .
// - and an optional tel:) becomes NormalizeE16496 of it, and anything else
// loses its whitespace ("abc" stays "abc", where 2026.3.24 gave "+").
func NormalizeHandle96(raw string) string {
	return normalizeHandle(raw, func(trimmed string) string {
		if isBareChatIdentifier(trimmed) {
			return "chat_identifier:" + strings.ToLower(trimmed)
		}
		if isPhoneLike(trimmed) {
			if n := NormalizeE16496(trimmed); n != "" {
				return n
			}
		}
		return jsWhitespace.ReplaceAllString(trimmed, "")
	})
}

// jsWhitespace is JavaScript's \s.
var jsWhitespace = regexp.MustCompile(`[\t\n\v\f\r \x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{feff}]+`)

// isBareChatIdentifier is /^[0-9a-f]{32}$/i on the trimmed value.
func isBareChatIdentifier(v string) bool {
	if len(v) != 32 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i] | 0x20
		if !(v[i] >= '0' && v[i] <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// isPhoneLike is /^(?:tel:)?[+\d\s().-]+$/i on the trimmed value.
func isPhoneLike(v string) bool {
	if hasPrefixFoldASCII(v, "tel:") {
		v = v[4:]
	}
	if v == "" {
		return false
	}
	for _, r := range v {
		switch {
		case r >= '0' && r <= '9', strings.ContainsRune("+().-", r):
		case jsWhitespace.MatchString(string(r)):
		default:
			return false
		}
	}
	return true
}

// NormalizeE16496 ports normalizeE164 of OpenClaw 2026.9.6: a leading
// scheme (/^[a-z][a-z0-9-]*:/i) dropped, then only the ASCII digits kept,
// "+" before them; "" when there are none.
func NormalizeE16496(number string) string {
	if i := strings.IndexByte(number, ':'); i > 0 && isScheme(number[:i]) {
		number = number[i+1:]
	}
	var b strings.Builder
	for i := 0; i < len(number); i++ {
		if c := number[i]; c >= '0' && c <= '9' {
			b.WriteByte(c)
		}
	}
	if b.Len() == 0 {
		return ""
	}
	return "+" + b.String()
}

func isScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		letter := c >= 'a' && c <= 'z'
		if i == 0 && !letter || !letter && !(s[i] >= '0' && s[i] <= '9') && s[i] != '-' {
			return false
		}
	}
	return true
}
