package main

import (
	"strconv"
	"strings"
	"time"
)

// texts are the bodies the fake sends, about 55 characters each with the
// " #<seq>" suffix that lets a send be matched to its notification (the
// echo handler replies with the body unchanged). The seq has a fixed width:
// the runtime's echo guard calls a message that contains text the bot sent
// to the chat (letters and digits compared) a loop, and "...#12" is inside
// "...#123", where "...#0000000012" is not inside "...#0000000123". No text
// is a suffix of another, so no two bodies are inside each other.
var texts = [...]string{
	"Are we still on for lunch tomorrow at noon?",
	"Can you send me the slides from this morning?",
	"Running ten minutes late, start without me",
	"What's the wifi password at the office again?",
	"Did you see the game last night? Unreal ending",
	"Pick up milk and eggs on the way home please",
	"Flight lands at 6:40, I'll grab a taxi to you",
	"Happy birthday! Hope the day is a good one 🎉",
}

// senderHandle is the phone number of allowlisted sender j (0-based).
func senderHandle(j int) string { return "+1555" + pad7(j+1) }

// strangerHandle is the phone number of stranger k (0-based), never in
// allowFrom.
func strangerHandle(k int) string { return "+1666" + pad7(k+1) }

func pad7(n int) string {
	s := strconv.Itoa(n)
	if len(s) < 7 {
		s = strings.Repeat("0", 7-len(s)) + s
	}
	return s
}

// messageText is the body of message seq.
func messageText(seq int) string {
	d := strconv.Itoa(seq)
	if len(d) < 10 {
		d = strings.Repeat("0", 10-len(d)) + d
	}
	return texts[seq%len(texts)] + " #" + d
}

// parseSeq reads the " #<seq>" suffix back from a sent text; ok is false
// for any text that does not end in one (a pairing reply, a chunk).
func parseSeq(text string) (int, bool) {
	i := strings.LastIndexByte(text, '#')
	if i < 0 || i == len(text)-1 || len(text)-i > 11 {
		return 0, false
	}
	n := 0
	for _, c := range text[i+1:] {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// appendMessage appends one imsg 0.9 `message` notification line (§3.1 of
// imsg-rpc.md) of subscription sub, ending in '\n'.
func appendMessage(b []byte, sub int64, id int64, chatID int, handle, text string, fromMe bool, at time.Time) []byte {
	b = append(b, `{"jsonrpc":"2.0","method":"message","params":{"subscription":`...)
	b = strconv.AppendInt(b, sub, 10)
	b = append(b, `,"message":`...)
	b = appendMessageObject(b, id, chatID, handle, text, fromMe, at)
	return append(b, "}}\n"...)
}

// appendMessageObject appends a message object (§3.2: a DM row with every
// always-present field) for rowid id in chat chatID from handle.
func appendMessageObject(b []byte, id int64, chatID int, handle, text string, fromMe bool, at time.Time) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, id, 10)
	b = append(b, `,"chat_id":`...)
	b = strconv.AppendInt(b, int64(chatID), 10)
	b = append(b, `,"guid":"BENCH-`...)
	b = strconv.AppendInt(b, id, 10)
	b = append(b, `","sender":`...)
	b = strconv.AppendQuote(b, handle)
	b = append(b, `,"is_from_me":`...)
	b = strconv.AppendBool(b, fromMe)
	b = append(b, `,"text":`...)
	b = appendJSONString(b, text)
	b = append(b, `,"created_at":"`...)
	b = at.UTC().AppendFormat(b, "2006-01-02T15:04:05.000Z")
	b = append(b, `","attachments":[],"reactions":[],"chat_identifier":`...)
	b = strconv.AppendQuote(b, handle)
	b = append(b, `,"chat_guid":"iMessage;-;`...)
	b = append(b, handle...)
	b = append(b, `","chat_name":`...)
	b = strconv.AppendQuote(b, handle)
	b = append(b, `,"participants":[`...)
	b = strconv.AppendQuote(b, handle)
	return append(b, `],"is_group":false}`...)
}

// appendJSONString quotes s as JSON, keeping non-ASCII text raw as imsg
// does (strconv.AppendQuote would write Go escapes such as \U0001f389).
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, '\\', 'n')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}
