// Package inbound decides, message by message, what OpenClaw 2026.3.24's
// iMessage monitor does with what imsg delivers: drop it (and why), answer
// with a pairing code, or dispatch it to an agent under a session key with
// the inbound context OpenClaw builds. It is pure: no I/O, no clock of its
// own, no goroutines. `openclawcfg decide` and `openclawcfg run` both call
// it.
package inbound

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
)

// Message is one imsg message object (the params.message of a
// watch.subscribe notification) as OpenClaw's parseIMessageNotification
// accepts it. Absent and null fields are both "unset" (nil or "").
type Message struct {
	ID             *Number // rowid
	ChatID         *Number
	GUID           string
	Sender         string
	IsFromMe       bool
	Text           *string // nil when absent or null
	ReplyToID      *string // a number is kept as its JavaScript string
	ReplyToText    *string
	ReplyToSender  *string
	CreatedAt      string
	ChatIdentifier string
	ChatGUID       string
	ChatName       *string
	Participants   []string
	IsGroup        bool
	Attachments    []Attachment
	HasAttachments bool // an attachments array was present (even empty)
}

// Attachment is one attachment entry (§3.3 of imsg-rpc.md), the fields
// OpenClaw reads.
type Attachment struct {
	OriginalPath *string
	MimeType     *string
	Missing      bool
}

// Number is a JSON number kept as written, so chat ids beyond 2^53 stay
// exact (OpenClaw rounds them through a JavaScript number; this is the one
// deliberate difference, documented in docs/oracle-findings.md).
type Number struct {
	raw string
}

// String is the number as OpenClaw's String(n) prints it, except that an
// integer is printed exactly at any size.
func (n Number) String() string {
	if isIntLiteral(n.raw) {
		s := strings.TrimLeft(strings.TrimPrefix(n.raw, "-"), "0")
		switch {
		case s == "":
			return "0"
		case strings.HasPrefix(n.raw, "-"):
			return "-" + s
		}
		return s
	}
	// JSON.parse gives ±Infinity for a literal beyond the double range.
	f, err := strconv.ParseFloat(n.raw, 64)
	if err != nil && !math.IsInf(f, 0) {
		return n.raw
	}
	return openclaw.FormatJSNumber(f)
}

// Truthy reports whether the number is not 0 (JSON has no NaN).
func (n Number) Truthy() bool {
	f, err := strconv.ParseFloat(n.raw, 64)
	return err != nil || f != 0
}

// Int64 is the number as an integer when it is one that fits.
func (n Number) Int64() (int64, bool) {
	if isIntLiteral(n.raw) {
		v, err := strconv.ParseInt(n.raw, 10, 64)
		return v, err == nil
	}
	f, err := strconv.ParseFloat(n.raw, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) >= 1<<63 {
		return 0, false
	}
	return int64(f), true
}

func isIntLiteral(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ErrNotMessage means the value is not a message object OpenClaw accepts;
// OpenClaw drops such payloads ("dropping malformed RPC message payload").
var ErrNotMessage = errors.New("malformed message payload")

// FromObject is ParseMessage on a decoded object (decoded with UseNumber).
func FromObject(obj map[string]any) (*Message, error) { return fromObject(obj) }

func fromObject(obj map[string]any) (*Message, error) {
	m := &Message{}
	bad := func(key, want string) (*Message, error) {
		return nil, fmt.Errorf("%w: %s is not %s", ErrNotMessage, key, want)
	}
	num := func(key string, dst **Number) bool {
		switch v := obj[key].(type) {
		case nil:
			return true
		case json.Number:
			*dst = &Number{raw: v.String()}
			return true
		}
		return false
	}
	str := func(key string, dst *string) bool {
		switch v := obj[key].(type) {
		case nil:
			return true
		case string:
			*dst = v
			return true
		}
		return false
	}
	optStr := func(key string, dst **string) bool {
		switch v := obj[key].(type) {
		case nil:
			return true
		case string:
			*dst = &v
			return true
		}
		return false
	}
	boolean := func(key string, dst *bool) bool {
		switch v := obj[key].(type) {
		case nil:
			return true
		case bool:
			*dst = v
			return true
		}
		return false
	}
	// The order of checks is OpenClaw's, so the first complaint matches
	// the field it would have rejected.
	if !num("id", &m.ID) {
		return bad("id", "a number")
	}
	if !num("chat_id", &m.ChatID) {
		return bad("chat_id", "a number")
	}
	if !str("sender", &m.Sender) {
		return bad("sender", "a string")
	}
	if !boolean("is_from_me", &m.IsFromMe) {
		return bad("is_from_me", "a boolean")
	}
	if !optStr("text", &m.Text) {
		return bad("text", "a string")
	}
	switch v := obj["reply_to_id"].(type) {
	case nil:
	case string:
		m.ReplyToID = &v
	case json.Number:
		s := Number{raw: v.String()}.String()
		m.ReplyToID = &s
	default:
		return bad("reply_to_id", "a string or number")
	}
	if !optStr("reply_to_text", &m.ReplyToText) {
		return bad("reply_to_text", "a string")
	}
	if !optStr("reply_to_sender", &m.ReplyToSender) {
		return bad("reply_to_sender", "a string")
	}
	if !str("created_at", &m.CreatedAt) {
		return bad("created_at", "a string")
	}
	switch v := obj["attachments"].(type) {
	case nil:
	case []any:
		m.HasAttachments = true
		for _, e := range v {
			a, ok := e.(map[string]any)
			if !ok {
				return bad("attachments", "an array of objects")
			}
			var at Attachment
			if !optStrIn(a, "original_path", &at.OriginalPath) || !optStrIn(a, "mime_type", &at.MimeType) {
				return bad("attachments", "an array of {original_path, mime_type} strings")
			}
			switch b := a["missing"].(type) {
			case nil:
			case bool:
				at.Missing = b
			default:
				return bad("attachments", "an array with a boolean missing")
			}
			m.Attachments = append(m.Attachments, at)
		}
	default:
		return bad("attachments", "an array")
	}
	if !str("chat_identifier", &m.ChatIdentifier) {
		return bad("chat_identifier", "a string")
	}
	if !str("chat_guid", &m.ChatGUID) {
		return bad("chat_guid", "a string")
	}
	if !optStr("chat_name", &m.ChatName) {
		return bad("chat_name", "a string")
	}
	switch v := obj["participants"].(type) {
	case nil:
	case []any:
		m.Participants = make([]string, 0, len(v))
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return bad("participants", "an array of strings")
			}
			m.Participants = append(m.Participants, s)
		}
	default:
		return bad("participants", "an array of strings")
	}
	if !boolean("is_group", &m.IsGroup) {
		return bad("is_group", "a boolean")
	}
	_ = str("guid", &m.GUID) // not type-checked by OpenClaw; kept when it is a string
	return m, nil
}

func optStrIn(obj map[string]any, key string, dst **string) bool {
	switch v := obj[key].(type) {
	case nil:
		return true
	case string:
		*dst = &v
		return true
	}
	return false
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
