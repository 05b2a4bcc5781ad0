package inbound

import (
	"encoding/json"
	"regexp"
	"strings"
	"sync"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
)

// Context is the inbound context OpenClaw 2026.3.24 builds for a
// dispatched message (buildIMessageInboundContext, then
// finalizeInboundContext), field for field and in OpenClaw's key order, so
// its JSON is what OpenClaw hands its agent. AgentId is ours: the routed
// agent, for handlers that serve several.
type Context struct {
	Body               string        `json:"Body"`
	BodyForAgent       string        `json:"BodyForAgent"`
	InboundHistory     []HistoryItem `json:"InboundHistory,omitempty"`
	RawBody            string        `json:"RawBody"`
	CommandBody        string        `json:"CommandBody"`
	From               string        `json:"From"`
	To                 string        `json:"To"`
	SessionKey         string        `json:"SessionKey"`
	AccountId          string        `json:"AccountId"`
	ChatType           string        `json:"ChatType"`
	ConversationLabel  string        `json:"ConversationLabel"`
	GroupSubject       *string       `json:"GroupSubject,omitempty"`
	GroupMembers       *string       `json:"GroupMembers,omitempty"`
	SenderName         string        `json:"SenderName"`
	SenderId           string        `json:"SenderId"`
	Provider           string        `json:"Provider"`
	Surface            string        `json:"Surface"`
	MessageSid         string        `json:"MessageSid,omitempty"`
	ReplyToId          string        `json:"ReplyToId,omitempty"`
	ReplyToBody        string        `json:"ReplyToBody,omitempty"`
	ReplyToSender      string        `json:"ReplyToSender,omitempty"`
	Timestamp          *JSTime       `json:"Timestamp,omitempty"`
	MediaPath          *string       `json:"MediaPath,omitempty"`
	MediaType          *string       `json:"MediaType,omitempty"`
	MediaUrl           *string       `json:"MediaUrl,omitempty"`
	MediaPaths         []string      `json:"MediaPaths,omitempty"`
	MediaTypes         []string      `json:"MediaTypes,omitempty"`
	MediaUrls          []string      `json:"MediaUrls,omitempty"`
	MediaRemoteHost    string        `json:"MediaRemoteHost,omitempty"`
	WasMentioned       bool          `json:"WasMentioned"`
	CommandAuthorized  bool          `json:"CommandAuthorized"`
	OriginatingChannel string        `json:"OriginatingChannel"`
	OriginatingTo      string        `json:"OriginatingTo"`
	BodyForCommands    string        `json:"BodyForCommands"`
	AgentId            string        `json:"AgentId,omitempty"`
	// Redelivered and Delayed are ours (run without --compat openclaw):
	// Redelivered marks a message handed over again because the handler
	// may not have finished it (a crash, a failed attempt); Delayed one
	// that reached the runtime more than two minutes after its date.
	Redelivered bool `json:"Redelivered,omitempty"`
	Delayed     bool `json:"Delayed,omitempty"`
	// InboundHistory is non-nil (possibly empty) for groups with a history
	// buffer; OpenClaw then writes [] even when nothing is pending.
	historyPresent bool
}

// HistoryItem is one InboundHistory entry.
type HistoryItem struct {
	Sender    string  `json:"sender"`
	Body      string  `json:"body"`
	Timestamp *JSTime `json:"timestamp,omitempty"`
}

// JSTime is a Date.parse result in milliseconds; Invalid is NaN, which
// JSON.stringify writes as null.
type JSTime struct {
	Ms      int64
	Invalid bool
}

// MarshalJSON writes the number, or null for NaN.
func (t JSTime) MarshalJSON() ([]byte, error) {
	if t.Invalid {
		return []byte("null"), nil
	}
	return []byte(formatMs(t.Ms)), nil
}

// MarshalJSON writes the context as OpenClaw serialises it: InboundHistory
// is [] rather than absent for a group with a history buffer.
func (c *Context) MarshalJSON() ([]byte, error) {
	type plain Context
	b, err := json.Marshal((*plain)(c))
	if err != nil || !c.historyPresent || len(c.InboundHistory) > 0 {
		return b, err
	}
	// Insert "InboundHistory":[] after BodyForAgent, where OpenClaw has it.
	key := []byte(`,"RawBody":`)
	i := strings.Index(string(b), string(key))
	if i < 0 {
		return b, nil
	}
	out := make([]byte, 0, len(b)+22)
	out = append(out, b[:i]...)
	out = append(out, `,"InboundHistory":[]`...)
	return append(out, b[i:]...), nil
}

// sanitizeInboundText is normalizeInboundTextNewlines followed by
// sanitizeInboundSystemTags (src/auto-reply/reply/inbound-text.ts): CRLF
// and CR become LF; "[System]", "[System Message]", "[Assistant]" and
// "[Internal]" (any case, inner spaces) become "(<tag>)"; a line starting
// with "System:" followed by whitespace or the end becomes
// "System (untrusted):".
func sanitizeInboundText(s string) string {
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	}
	// The patterns need "system", "assistant" or "internal" (any ASCII
	// case); most texts have none.
	sys := containsFoldASCII(s, "system")
	if !sys && !containsFoldASCII(s, "assistant") && !containsFoldASCII(s, "internal") {
		return s
	}
	if strings.IndexByte(s, '[') >= 0 {
		s = bracketedSystemTag().ReplaceAllStringFunc(s, func(m string) string {
			sub := bracketedSystemTag().FindStringSubmatch(m)
			return "(" + sub[1] + ")"
		})
	}
	if !sys {
		return s
	}
	return neutraliseSystemLines(s)
}

// neutraliseSystemLines ports /^(\s*)System:(?=\s|$)/gim with replacement
// "$1System (untrusted):". JavaScript's ^ in multiline mode follows \n,
// U+2028 and U+2029 (\r is gone by now), and \s spans line breaks, so the
// leading whitespace may cover several lines; "System" matches ASCII case
// variants only.
func neutraliseSystemLines(s string) string {
	var b strings.Builder
	last := 0
	i := 0
	for i <= len(s) {
		// i is at a line start.
		j := i
		for j < len(s) {
			r, n := decodeRuneStr(s[j:])
			if !openclaw.IsJSSpace(r) {
				break
			}
			j += n
		}
		if j+7 <= len(s) && strings.EqualFold(s[j:j+6], "system") && s[j+6] == ':' && asciiWord(s[j:j+6]) {
			k := j + 7
			ok := k == len(s)
			if !ok {
				r, _ := decodeRuneStr(s[k:])
				ok = openclaw.IsJSSpace(r)
			}
			if ok {
				b.WriteString(s[last:j])
				b.WriteString("System (untrusted):")
				last = k
				i = k
			}
		}
		// Advance to the next line start.
		next := -1
		for p := i; p < len(s); {
			r, n := decodeRuneStr(s[p:])
			if r == '\n' || r == 0x2028 || r == 0x2029 {
				next = p + n
				break
			}
			p += n
		}
		if next < 0 {
			break
		}
		i = next
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// asciiWord guards EqualFold, which would accept "ſystem" (U+017F).
func asciiWord(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

var bracketedSystemTag = sync.OnceValue(func() *regexp.Regexp {
	s := "[" + jsSpace + "]*"
	return regexp.MustCompile(`\[` + s + `(` + ci("system") + s + ci("message") + `|` + ci("system") + `|` + ci("assistant") + `|` + ci("internal") + `)` + s + `\]`)
})

// buildContext is buildIMessageInboundContext followed by
// finalizeInboundContext.
func (d *Decider) buildContext(m *Message, dec *Decision, media []Attachment, st *State, sessions *Sessions, now int64) *Context {
	a := d.a
	route := dec.Route
	c := &Context{
		AccountId: route.AccountID, SessionKey: route.SessionKey, Provider: "imessage", Surface: "imessage",
		OriginatingChannel: "imessage", SenderName: dec.SenderID, SenderId: dec.Sender,
		WasMentioned: dec.WasMentioned, CommandAuthorized: dec.CommandAuthorized, AgentId: route.AgentID,
		MediaRemoteHost: d.remote,
	}
	var replySuffix string
	var reply struct{ body, id, sender string }
	if body := replyField(m.ReplyToText); body != "" {
		reply.body, reply.id, reply.sender = body, replyField(m.ReplyToID), replyField(m.ReplyToSender)
		who := reply.sender
		if who == "" {
			who = "unknown sender"
		}
		idPart := ""
		if reply.id != "" {
			idPart = " id:" + reply.id
		}
		replySuffix = "\n\n[Replying to " + who + idPart + "]\n" + reply.body + "\n[/Replying]"
		c.ReplyToId, c.ReplyToBody, c.ReplyToSender = reply.id, reply.body, reply.sender
	}
	groupID := "unknown"
	if dec.ChatID != "" {
		groupID = dec.ChatID
	}
	fromLabel := formatFromLabel(dec.IsGroup, deref(m.ChatName), groupID, "Group", dec.SenderID, dec.Sender)
	createdAt := dec.createdAt
	switch {
	case createdAt != nil:
		c.Timestamp = &JSTime{Ms: *createdAt}
	case dec.createdInvalid:
		c.Timestamp = &JSTime{Invalid: true}
	}
	var prev *int64
	if t, ok := sessions.get(route.SessionKey); ok {
		prev = &t
	}
	chatType := "direct"
	if dec.IsGroup {
		chatType = "group"
	}
	body := formatEnvelope(envelopeParams{
		Channel: "iMessage", From: fromLabel, Timestamp: createdAt, PreviousTimestamp: prev,
		Body: dec.bodyText + replySuffix, ChatType: chatType, SenderName: dec.SenderID, SenderID: dec.Sender,
		Options: d.envelope,
	})
	limit := a.History.GroupLimit.Value
	if dec.IsGroup && dec.HistoryKey != "" && limit > 0 {
		entries := st.histories.get(dec.HistoryKey)
		if len(entries) > 0 {
			lines := make([]string, len(entries))
			for i, e := range entries {
				idPart := ""
				if e.MessageID != "" {
					idPart = " [id:" + e.MessageID + "]"
				}
				lines[i] = formatEnvelope(envelopeParams{
					Channel: "iMessage", From: fromLabel, Timestamp: e.Timestamp, Body: e.Body + idPart,
					ChatType: "group", SenderLabel: e.Sender, Options: d.envelope,
				})
			}
			body = "[Chat messages since your last reply - for context]\n" + strings.Join(lines, "\n") +
				"\n\n[Current message - respond to this]\n" + body
		}
		c.historyPresent = true
		for _, e := range entries {
			item := HistoryItem{Sender: e.Sender, Body: e.Body}
			if e.Timestamp != nil || e.Invalid {
				item.Timestamp = &JSTime{Invalid: e.Invalid}
				if e.Timestamp != nil {
					item.Timestamp.Ms = *e.Timestamp
				}
			}
			c.InboundHistory = append(c.InboundHistory, item)
		}
	}
	to := "imessage:" + dec.Sender
	if dec.IsGroup {
		c.From = "imessage:group:" + groupID
		if dec.ChatID != "" {
			to = "chat_id:" + dec.ChatID
		}
		subject := m.ChatName
		c.GroupSubject = subject
		var members []string
		for _, p := range m.Participants {
			if p != "" {
				members = append(members, p)
			}
		}
		joined := strings.Join(members, ", ")
		c.GroupMembers = &joined
	} else {
		c.From = "imessage:" + dec.Sender
	}
	c.To, c.OriginatingTo = to, to
	c.ChatType = chatType
	c.ConversationLabel = openclaw.TrimJS(fromLabel)
	if m.ID != nil && m.ID.Truthy() {
		c.MessageSid = m.ID.String()
	}
	// Media (the first attachment, then all of them).
	if len(media) > 0 {
		first := media[0]
		c.MediaPath, c.MediaUrl = first.OriginalPath, first.OriginalPath
		for _, at := range media {
			if p := deref(at.OriginalPath); p != "" {
				c.MediaPaths = append(c.MediaPaths, p)
			}
		}
		c.MediaUrls = c.MediaPaths
		// finalizeInboundContext fills the types: trimmed, a missing one
		// becomes application/octet-stream, padded to the media count.
		count := max(len(c.MediaPaths), 1)
		types := make([]string, 0, count)
		for _, at := range media {
			t := openclaw.TrimJS(deref(at.MimeType))
			if t == "" {
				t = "application/octet-stream"
			}
			types = append(types, t)
		}
		for len(types) < count {
			types = append(types, "application/octet-stream")
		}
		c.MediaTypes = types
		mt := openclaw.TrimJS(deref(first.MimeType))
		if mt == "" {
			mt = types[0]
		}
		c.MediaType = &mt
	}
	c.Body = sanitizeInboundText(body)
	text := sanitizeInboundText(dec.bodyText)
	c.BodyForAgent, c.RawBody, c.CommandBody, c.BodyForCommands = text, text, text, text
	return c
}

// replyField is normalizeReplyField: a trimmed non-empty string.
func replyField(s *string) string {
	if s == nil {
		return ""
	}
	return openclaw.TrimJS(*s)
}
