package fakeimsg

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Payload builders: what imsg writes for chats, messages, attachments and
// reactions (imsg-rpc.md §3; Sources/imsg/RPCPayloads.swift messagePayload,
// chatPayload, attachmentPayload, reactionPayload).

type payloadOpts struct {
	attachments bool
	reactions   bool
	home        string
	missing     string // "" normal, "all" every attachment missing, "none" never (remote host)
}

var reactionEmoji = map[string]string{
	"love": "❤️", "like": "👍", "dislike": "👎", "laugh": "😂", "emphasis": "‼️", "question": "❓",
}

func emojiFor(typ, custom string) string {
	if e, ok := reactionEmoji[typ]; ok {
		return e
	}
	return custom
}

// chatFields returns the chat columns a message carries; a row without a
// known chat gets "" and [] (imsg-rpc.md §3.2).
func chatFields(c *Chat) (ident, guid, name string, parts []string, group bool) {
	if c == nil {
		return "", "", "", []string{}, false
	}
	name = c.Name
	if name == "" {
		name = c.Identifier
	}
	parts = c.Participants
	if parts == nil {
		parts = []string{}
	}
	return c.Identifier, c.GUID, name, parts, c.IsGroup()
}

// senderOf is imsg's sender column: the handle, else destination_caller_id.
func senderOf(r *Row) string {
	if r.Sender != "" {
		return r.Sender
	}
	return r.DestinationCallerID
}

func (d *db) messagePayload(r *Row, o payloadOpts) obj {
	ident, guid, name, parts, group := chatFields(d.chats[r.ChatID])
	atts := []obj{}
	if o.attachments {
		for _, a := range r.Attachments {
			atts = append(atts, attachmentPayload(a, o))
		}
	}
	reacts := []obj{}
	if o.reactions && !r.IsReaction {
		reacts = d.reactionsFor(r.GUID)
	}
	m := obj{
		{"id", r.ID},
		{"chat_id", r.ChatID},
		{"guid", r.GUID},
		{"sender", senderOf(r)},
		{"is_from_me", r.IsFromMe},
		{"text", r.Text},
		{"created_at", isoMillis(r.date)},
		{"attachments", atts},
		{"reactions", reacts},
	}
	if r.ReplyToGUID != "" && !r.IsReaction {
		m = append(m, field{"reply_to_guid", r.ReplyToGUID})
	}
	if r.ThreadOriginatorGUID != "" && !r.IsReaction {
		m = append(m, field{"thread_originator_guid", r.ThreadOriginatorGUID})
	}
	if !r.IsReaction {
		// Found through thread_originator_guid, then reply_to_guid (0.9.0,
		// MessageStore+ReplyContext.swift); absent when the parent is gone.
		for _, g := range []string{r.ThreadOriginatorGUID, r.ReplyToGUID} {
			if p := d.newestByGUID(g); p != nil && g != "" {
				m = append(m, field{"reply_to_text", p.Text}, field{"reply_to_sender", senderOf(p)})
				break
			}
		}
	}
	if r.DestinationCallerID != "" {
		m = append(m, field{"destination_caller_id", r.DestinationCallerID})
	}
	if r.SenderName != "" && !r.IsFromMe {
		m = append(m, field{"sender_name", r.SenderName})
	}
	if r.IsReaction {
		m = append(m, field{"is_reaction", true})
		if r.ReactionType != "" {
			m = append(m, field{"reaction_type", r.ReactionType}, field{"reaction_emoji", emojiFor(r.ReactionType, r.ReactionEmoji)})
		}
		add := true
		if r.IsReactionAdd != nil {
			add = *r.IsReactionAdd
		}
		m = append(m, field{"is_reaction_add", add})
		if r.ReactedToGUID != "" {
			m = append(m, field{"reacted_to_guid", r.ReactedToGUID})
		}
	}
	m = append(m,
		field{"chat_identifier", ident},
		field{"chat_guid", guid},
		field{"chat_name", name},
		field{"participants", parts},
		field{"is_group", group},
	)
	return m
}

func (d *db) newestByGUID(g string) *Row {
	rs := d.byGUID[g]
	if len(rs) == 0 {
		return nil
	}
	return rs[len(rs)-1]
}

// reactionsFor is the current tapback state of a message: removals cancel
// earlier adds, a sender's repeat of a type replaces the earlier one, oldest
// first (imsg-rpc.md §3.4).
func (d *db) reactionsFor(guid string) []obj {
	if guid == "" {
		return []obj{}
	}
	var rs []*Row
	for _, r := range d.rows {
		if r.IsReaction && r.ReactedToGUID == guid {
			rs = append(rs, r)
		}
	}
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].date.Before(rs[j].date) })
	var cur []*Row
	for _, r := range rs {
		key := senderOf(r)
		kept := cur[:0]
		for _, c := range cur {
			if !(senderOf(c) == key && c.IsFromMe == r.IsFromMe && c.ReactionType == r.ReactionType) {
				kept = append(kept, c)
			}
		}
		cur = kept
		if r.IsReactionAdd == nil || *r.IsReactionAdd {
			cur = append(cur, r)
		}
	}
	out := []obj{}
	for _, r := range cur {
		typ := r.ReactionType
		if typ == "" {
			typ = "custom"
		}
		o := obj{
			{"id", r.ID},
			{"type", typ},
			{"emoji", emojiFor(typ, r.ReactionEmoji)},
			{"sender", senderOf(r)},
			{"is_from_me", r.IsFromMe},
			{"created_at", isoMillis(r.date)},
		}
		if r.SenderName != "" && !r.IsFromMe {
			o = append(o, field{"sender_name", r.SenderName})
		}
		out = append(out, o)
	}
	return out
}

// expandHome expands a leading "~" against the server's home, as imsg's
// AttachmentResolver does with the server process's home.
func expandHome(p, home string) string {
	if p == "~" {
		return home
	}
	if strings.HasPrefix(p, "~/") {
		return filepath.Join(home, p[2:])
	}
	return p
}

func attachmentPayload(a Attachment, o payloadOpts) obj {
	orig := ""
	if a.Filename != "" {
		orig = expandHome(a.Filename, o.home)
	}
	var missing bool
	switch {
	case a.Filename == "":
		missing = true
	case o.missing == "all":
		missing = true
	case a.Missing != nil:
		missing = *a.Missing
	case o.missing == "none":
		missing = false
	default:
		st, err := os.Stat(orig)
		missing = err != nil || st.IsDir()
	}
	return obj{
		{"filename", a.Filename},
		{"transfer_name", a.TransferName},
		{"uti", a.UTI},
		{"mime_type", a.MimeType},
		{"total_bytes", a.TotalBytes},
		{"is_sticker", a.IsSticker},
		{"original_path", orig},
		{"missing", missing},
	}
}

// chatPayload is chats.list's Chat (§3.6); later adds display_name when the
// chat has one (0.14's canonical chat object).
func chatPayload(c *Chat, last string, later bool) obj {
	_, _, name, parts, group := chatFields(c)
	o := obj{
		{"id", c.ID},
		{"identifier", c.Identifier},
		{"guid", c.GUID},
		{"name", name},
		{"service", serviceOf(c)},
		{"last_message_at", last},
		{"participants", parts},
		{"is_group", group},
	}
	if later && c.Name != "" {
		o = append(o, field{"display_name", c.Name})
	}
	return o
}

// Attachment metadata for files the fake attaches (say --attach, send file).
var extTypes = map[string][2]string{
	".heic": {"image/heic", "public.heic"},
	".heif": {"image/heif", "public.heif"},
	".jpg":  {"image/jpeg", "public.jpeg"},
	".jpeg": {"image/jpeg", "public.jpeg"},
	".png":  {"image/png", "public.png"},
	".gif":  {"image/gif", "com.compuserve.gif"},
	".webp": {"image/webp", "org.webmproject.webp"},
	".mov":  {"video/quicktime", "com.apple.quicktime-movie"},
	".mp4":  {"video/mp4", "public.mpeg-4"},
	".caf":  {"audio/x-caf", "com.apple.coreaudio-format"},
	".m4a":  {"audio/x-m4a", "com.apple.m4a-audio"},
	".mp3":  {"audio/mpeg", "public.mp3"},
	".pdf":  {"application/pdf", "com.adobe.pdf"},
	".txt":  {"text/plain", "public.plain-text"},
	".vcf":  {"text/vcard", "public.vcard"},
	".zip":  {"application/zip", "public.zip-archive"},
}

// makeAttachment describes a file the way Messages records it: the path as
// given, its base name, a MIME type and UTI from the extension (or mime when
// set), and its size when it exists.
func makeAttachment(path, mime, home string) Attachment {
	a := Attachment{Filename: path, TransferName: filepath.Base(path)}
	if path == "" {
		a.TransferName = ""
	}
	t := extTypes[strings.ToLower(filepath.Ext(path))]
	a.MimeType, a.UTI = t[0], t[1]
	if mime != "" {
		a.MimeType = mime
		if a.UTI == "" {
			for _, v := range extTypes {
				if v[0] == mime {
					a.UTI = v[1]
					break
				}
			}
		}
	}
	if a.MimeType == "" {
		a.MimeType = "application/octet-stream"
	}
	if a.UTI == "" {
		a.UTI = "public.data"
	}
	if st, err := os.Stat(expandHome(path, home)); err == nil && !st.IsDir() {
		a.TotalBytes = st.Size()
	}
	return a
}
