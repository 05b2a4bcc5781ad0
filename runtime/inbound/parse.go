package inbound

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/openclawcfg/openclawcfg/internal/jsonscan"
)

// messageKeys are the fields parseIMessageNotification type-checks, in its
// order, then guid (kept when it is a string).
var messageKeys = []string{
	"id", "chat_id", "sender", "is_from_me", "text", "reply_to_id", "reply_to_text",
	"reply_to_sender", "created_at", "attachments", "chat_identifier", "chat_guid", "chat_name", "participants",
	"is_group", "guid",
}

var attachmentKeys = []string{"original_path", "mime_type", "missing"}

// ParseMessage type-checks a message object exactly as
// parseIMessageNotification does: every field may be absent or null, and a
// field of the wrong type rejects the whole message. Unknown fields are
// ignored; of duplicate keys the last counts, as with JSON.parse. It walks
// the bytes once and builds only the fields OpenClaw reads.
func ParseMessage(raw []byte) (*Message, error) {
	b := raw[jsonscan.SkipWS(raw, 0):]
	if !jsonscan.Valid(b) {
		var v any
		err := json.Unmarshal(raw, &v)
		return nil, fmt.Errorf("%w: %v", ErrNotMessage, err)
	}
	if len(b) == 0 || b[0] != '{' {
		return nil, fmt.Errorf("%w: not an object", ErrNotMessage)
	}
	var f [16][]byte
	jsonscan.ScanObject(b, messageKeys, f[:])
	m := &Message{}
	bad := func(key, want string) (*Message, error) {
		return nil, fmt.Errorf("%w: %s is not %s", ErrNotMessage, key, want)
	}
	var ok bool
	if m.ID, ok = numberField(f[0]); !ok {
		return bad("id", "a number")
	}
	if m.ChatID, ok = numberField(f[1]); !ok {
		return bad("chat_id", "a number")
	}
	if m.Sender, ok = stringField(f[2]); !ok {
		return bad("sender", "a string")
	}
	if m.IsFromMe, ok = boolField(f[3]); !ok {
		return bad("is_from_me", "a boolean")
	}
	if m.Text, ok = optStringField(f[4]); !ok {
		return bad("text", "a string")
	}
	switch v := f[5]; {
	case isNull(v):
	case v[0] == '"':
		s, _ := stringField(v)
		m.ReplyToID = &s
	case isNumber(v):
		s := Number{raw: string(v)}.String()
		m.ReplyToID = &s
	default:
		return bad("reply_to_id", "a string or number")
	}
	if m.ReplyToText, ok = optStringField(f[6]); !ok {
		return bad("reply_to_text", "a string")
	}
	if m.ReplyToSender, ok = optStringField(f[7]); !ok {
		return bad("reply_to_sender", "a string")
	}
	if m.CreatedAt, ok = stringField(f[8]); !ok {
		return bad("created_at", "a string")
	}
	if v := f[9]; !isNull(v) {
		if v[0] != '[' {
			return bad("attachments", "an array")
		}
		m.HasAttachments = true
		err := eachElement(v, func(e []byte) bool {
			if e[0] != '{' {
				return false
			}
			var af [3][]byte
			jsonscan.ScanObject(e, attachmentKeys, af[:])
			var at Attachment
			var ok1, ok2, ok3 bool
			at.OriginalPath, ok1 = optStringField(af[0])
			at.MimeType, ok2 = optStringField(af[1])
			at.Missing, ok3 = boolField(af[2])
			m.Attachments = append(m.Attachments, at)
			return ok1 && ok2 && ok3
		})
		if !err {
			return bad("attachments", "an array of {original_path, mime_type: string, missing: boolean} objects")
		}
	}
	if m.ChatIdentifier, ok = stringField(f[10]); !ok {
		return bad("chat_identifier", "a string")
	}
	if m.ChatGUID, ok = stringField(f[11]); !ok {
		return bad("chat_guid", "a string")
	}
	if m.ChatName, ok = optStringField(f[12]); !ok {
		return bad("chat_name", "a string")
	}
	if v := f[13]; !isNull(v) {
		if v[0] != '[' {
			return bad("participants", "an array of strings")
		}
		m.Participants = []string{}
		if !eachElement(v, func(e []byte) bool {
			s, ok := stringField(e)
			m.Participants = append(m.Participants, s)
			return ok && e[0] == '"'
		}) {
			return bad("participants", "an array of strings")
		}
	}
	if m.IsGroup, ok = boolField(f[14]); !ok {
		return bad("is_group", "a boolean")
	}
	if v := f[15]; len(v) > 0 && v[0] == '"' {
		m.GUID, _ = stringField(v)
	}
	return m, nil
}

func isNull(v []byte) bool { return len(v) == 0 || v[0] == 'n' }

func isNumber(v []byte) bool { return len(v) > 0 && (v[0] == '-' || (v[0] >= '0' && v[0] <= '9')) }

func numberField(v []byte) (*Number, bool) {
	switch {
	case isNull(v):
		return nil, true
	case isNumber(v):
		return &Number{raw: string(v)}, true
	}
	return nil, false
}

// stringField decodes a JSON string ("" for absent or null; ok false for
// another type).
func stringField(v []byte) (string, bool) {
	if isNull(v) {
		return "", true
	}
	if v[0] != '"' {
		return "", false
	}
	inner := v[1 : len(v)-1]
	if strings.IndexByte(string(inner), '\\') < 0 && utf8.Valid(inner) {
		return string(inner), true
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		return "", false
	}
	return s, true
}

func optStringField(v []byte) (*string, bool) {
	if isNull(v) {
		return nil, true
	}
	s, ok := stringField(v)
	if !ok {
		return nil, false
	}
	return &s, true
}

func boolField(v []byte) (bool, bool) {
	switch {
	case isNull(v):
		return false, true
	case v[0] == 't':
		return true, true
	case v[0] == 'f':
		return false, true
	}
	return false, false
}

// eachElement calls fn with each element of the (valid) JSON array v until
// fn returns false.
func eachElement(v []byte, fn func([]byte) bool) bool {
	i := jsonscan.SkipWS(v, 1)
	if i < len(v) && v[i] == ']' {
		return true
	}
	for i < len(v) {
		end, ok := jsonscan.SkipValue(v, i)
		if !ok || !fn(v[i:end]) {
			return false
		}
		i = jsonscan.SkipWS(v, end)
		if i < len(v) && v[i] == ',' {
			i = jsonscan.SkipWS(v, i+1)
			continue
		}
		return true
	}
	return true
}
