package openclaw

import "errors"

// Target is an outbound iMessage target as parseIMessageTarget returns it.
type Target struct {
	// Kind is "handle", "chat_id", "chat_guid" or "chat_identifier".
	Kind string
	// To and Service are a handle target's address (trimmed, not
	// normalised) and service ("imessage", "sms" or "auto").
	To, Service string
	// ChatID is the chat id as JavaScript prints Number.parseInt's result
	// ("12" for "chat_id:12abc").
	ChatID         string
	ChatGUID       string
	ChatIdentifier string
}

var targetServices = []struct{ prefix, service string }{{"imessage:", "imessage"}, {"sms:", "sms"}, {"auto:", "auto"}}

// ParseTarget ports parseIMessageTarget
// (extensions/imessage/src/targets.ts): a service prefix is stripped (its
// remainder must not be empty; a chat remainder is parsed as that chat,
// anything else is a handle with that service); chat_id:/chatid:/chat: need
// a finite parseInt; chat_guid:/chatguid:/guid: and
// chat_identifier:/chatidentifier:/chatident: a non-empty value; anything
// else is a handle with service "auto". Errors carry OpenClaw's texts.
func ParseTarget(raw string) (Target, error) {
	trimmed := TrimJS(raw)
	if trimmed == "" {
		return Target{}, errors.New("iMessage target is required")
	}
	for _, s := range targetServices {
		if !hasPrefixFoldASCII(trimmed, s.prefix) {
			continue
		}
		rest := TrimJS(trimmed[len(s.prefix):])
		if rest == "" {
			return Target{}, errors.New(s.prefix + " target is required")
		}
		if isChatTarget(rest) {
			return ParseTarget(rest)
		}
		return Target{Kind: "handle", To: rest, Service: s.service}, nil
	}
	for _, p := range chatIDPrefixes {
		if hasPrefixFoldASCII(trimmed, p) {
			v := TrimJS(trimmed[len(p):])
			id, ok := parseIntJS(v)
			if !ok {
				return Target{}, errors.New("Invalid chat_id: " + v)
			}
			return Target{Kind: "chat_id", ChatID: FormatJSNumber(id)}, nil
		}
	}
	for _, p := range chatGUIDPrefixes {
		if hasPrefixFoldASCII(trimmed, p) {
			v := TrimJS(trimmed[len(p):])
			if v == "" {
				return Target{}, errors.New("chat_guid is required")
			}
			return Target{Kind: "chat_guid", ChatGUID: v}, nil
		}
	}
	for _, p := range chatIdentifierPrefixes {
		if hasPrefixFoldASCII(trimmed, p) {
			v := TrimJS(trimmed[len(p):])
			if v == "" {
				return Target{}, errors.New("chat_identifier is required")
			}
			return Target{Kind: "chat_identifier", ChatIdentifier: v}, nil
		}
	}
	return Target{Kind: "handle", To: trimmed, Service: "auto"}, nil
}

func isChatTarget(s string) bool {
	for _, list := range [][]string{chatIDPrefixes, chatGUIDPrefixes, chatIdentifierPrefixes} {
		for _, p := range list {
			if hasPrefixFoldASCII(s, p) {
				return true
			}
		}
	}
	return false
}
