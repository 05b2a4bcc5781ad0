package reply

import (
	"path"
	"strings"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
)

// Reply is one handler answer, standing where OpenClaw has its agent's
// final assistant text.
type Reply struct {
	// Text is the reply text as the agent would have written it (after
	// OpenClaw's model-stream pass that drops <think> blocks and <final>
	// tags, which sanitizeOutboundText repeats anyway): directives in it
	// ([[reply_to:ID]], [[reply_to_current]], [[audio_as_voice]], MEDIA:
	// lines, NO_REPLY, HEARTBEAT_OK) are honoured. Invalid UTF-8 becomes
	// U+FFFD as when Node decodes the bytes.
	Text string
	// Media, when not empty, are the reply's attachments (the JSON
	// handler form); MEDIA: lines in Text are then still removed from the
	// text but not attached, as OpenClaw prefers a payload's own media.
	Media []string
}

// Options are the per-conversation settings the pipeline reads.
type Options struct {
	// ResponsePrefix is the configured responsePrefix as compiled (account,
	// channel, then messages.responsePrefix), "auto" included; "" for none.
	ResponsePrefix string
	// Prefix supplies the template variables. The runtime has no model, so
	// it should set only IdentityName (the route agent's identity.name);
	// {model} and friends then stay literal, as in OpenClaw before its
	// agent reports a model.
	Prefix PrefixContext
	// TableMode is markdown.tables ("code", the iMessage default when "",
	// "bullets" or "off").
	TableMode string
	// ChunkLimit is textChunkLimit (4000 when <= 0); ChunkMode is chunkMode
	// ("length" when "", or "newline").
	ChunkLimit int
	ChunkMode  string
	// CurrentMessageID is the inbound message id (ctx.MessageSid, the row
	// id as a string) that [[reply_to_current]] refers to.
	CurrentMessageID string
	// WorkspaceDir (absolute) is where relative MEDIA: paths resolve, as
	// OpenClaw resolves them against the agent workspace
	// (~/.openclaw/workspace by default; "" leaves them relative); HomeDir
	// expands a leading "~" ("" leaves it for the loader).
	WorkspaceDir string
	HomeDir      string
	// MediaKind reports the kind ("image", "audio", "video", "document" or
	// "" if unknown; see KindFromMIME) of the file a media URL loads as. It
	// is asked only for an attachment sent without caption, whose text then
	// becomes "<media:KIND>". Nil means unknown (empty text).
	MediaKind func(mediaURL string) string
}

// Send is one imsg "send" call. The runtime adds the target fields
// (to/chat_id/...), service and region, and for Media the staged file.
type Send struct {
	// Text is params.text exactly.
	Text string
	// Media is the attachment source as OpenClaw hands it to its media
	// loader (resolveOutboundAttachmentFromUrl): an absolute path, a
	// file:// or http(s) URL, or a "~" path (the loader also drops a
	// leading "MEDIA:", which a JSON media entry may carry). OpenClaw reads
	// local files only from
	// its allowed local roots (the openclaw tmp dir and the state dir's
	// media, workspace and sandboxes folders), re-encodes images to fit
	// mediaMaxMb, copies it into <state>/media/outbound and sends that
	// copy as params.file. When loading fails OpenClaw sends nothing more
	// for this reply.
	Media string
	// Echo is the text OpenClaw records in its echo cache for this send
	// (the chunk before the second table pass and the reply tag; the
	// caption for the first attachment, "" for later ones).
	Echo string
	// Payload numbers the reply payloads OpenClaw delivers one after the
	// other: the block replies that carried attachments, then the final
	// reply. deliverReplies stops a payload at its first failed send (an
	// attachment it cannot load, for one); the next payload is delivered
	// all the same.
	Payload int
}

// Outcome describes what happened to a reply besides its sends.
type Outcome struct {
	// Dropped is why nothing was sent: DropSilent (NO_REPLY), DropHeartbeat
	// (only HEARTBEAT_OK), DropEmpty (nothing left); "" when sends follow.
	Dropped string
	// Text is the whole reply text OpenClaw records in its echo cache
	// before the chunks ("" when the reply has attachments or no text).
	Text string
	// ReplyToID is the id of the [[reply_to:...]] tag put in front of every
	// send ("" for none).
	ReplyToID string
	// Err is set where OpenClaw's delivery would throw partway ("iMessage
	// send requires text or media" for a blank chunk); the sends before it
	// stand. Chunks are trimmed, so this is a guard, not an expected case.
	Err string
}

const defaultChunkLimit = 4000

// Plan applies OpenClaw 2026.3.24's reply pipeline for iMessage to one
// handler reply and returns the sends OpenClaw would make, in order.
//
// The stages (each a port, see the files): the agent run's payload building
// (parseReplyDirectives), the reply builder (HEARTBEAT_OK stripping, reply
// threading, a second directive pass, media path resolution, the reminder
// note), the dispatcher's normalizeReplyPayload (NO_REPLY, HEARTBEAT_OK,
// <final> tags, duplicate paragraphs, LINE directives, response prefix),
// then deliverReplies (sanitizeOutboundText, convertMarkdownTables,
// chunking, one send per attachment or chunk) and sendMessageIMessage (a
// second table conversion per chunk, attachment placeholder, reply tag).
//
// Before the final reply come the block replies the agent emitted while it
// streamed (blocks.go): with block streaming off, as for iMessage by
// default, a reply with MEDIA: lines is sent as its attachments alone, and
// the final reply with the same text and media is not sent. A reply with
// Media (the JSON handler form) has no block replies: its attachments are
// the final payload's own.
func Plan(r Reply, opt Options) ([]Send, Outcome) { return plan(r, opt, true) }

// plan is Plan; without blocks it is the final reply's path alone, as
// when no block reply was sent (what testdata/reply-2026.3.24.jsonl pins).
func plan(r Reply, opt Options, blocks bool) ([]Send, Outcome) {
	text := validUTF8(r.Text)
	prefix := validUTF8(EffectivePrefix(opt.ResponsePrefix, opt.Prefix))
	var sends []Send
	var keys []contentKey
	if blocks && len(r.Media) == 0 {
		var blocks []payload
		blocks, keys = blockPayloads(text, opt)
		for _, b := range blocks {
			b, drop := normalizeReplyPayload(b, prefix)
			if drop != "" {
				continue
			}
			s, _ := deliver(b, opt)
			sends = appendPayload(sends, s)
		}
	}
	p, drop := agentPayload(text, r.Media, opt)
	if drop == "" {
		// buildReplyPayloads: a final payload a block already sent goes.
		k := keyOf(p)
		for _, bk := range keys {
			if bk == k {
				return sends, Outcome{}
			}
		}
	}
	if drop == "" {
		if hasUnbackedReminderCommitment(p.text) {
			p.text = trimEndJS(p.text) + "\n\n" + unscheduledReminderNote
		}
		p, drop = normalizeReplyPayload(p, prefix)
	}
	if drop != "" {
		if len(sends) > 0 {
			return sends, Outcome{}
		}
		return nil, Outcome{Dropped: drop}
	}
	final, out := deliver(p, opt)
	sends = appendPayload(sends, final)
	if out.Dropped != "" && len(sends) > 0 {
		out.Dropped = ""
	}
	return sends, out
}

// appendPayload appends one payload's sends, numbered after the last.
func appendPayload(sends, next []Send) []Send {
	n := 0
	if len(sends) > 0 {
		n = sends[len(sends)-1].Payload + 1
	}
	for _, s := range next {
		s.Payload = n
		sends = append(sends, s)
	}
	return sends
}

// agentPayload builds the payload the agent runner hands to the dispatcher
// (buildEmbeddedRunPayloads for one assistant text, then buildReplyPayloads
// with replyToMode "all", which iMessage gets because its plugin declares
// no threading).
func agentPayload(text string, jsonMedia []string, opt Options) (payload, string) {
	var p payload
	d := parseReplyDirectives(text, "")
	havePayload := false
	if text != "" && (d.text != "" || len(d.media) > 0 || d.audioAsVoice) {
		p = payload{media: d.media, replyToID: d.replyToID, replyToCurrent: d.replyToCurrent, replyToTag: d.replyToTag}
		p.audioAsVoice = d.audioAsVoice
		if t := trimJS(d.text); t != "" {
			p.text, p.hasText = t, true
		}
		havePayload = (p.hasText || len(p.media) > 0) && !(p.hasText && isSilentReplyText(p.text))
	}
	if len(jsonMedia) > 0 {
		if !havePayload {
			p = payload{replyToID: d.replyToID, replyToCurrent: d.replyToCurrent, replyToTag: d.replyToTag, audioAsVoice: d.audioAsVoice}
			if t := trimJS(d.text); t != "" {
				p.text, p.hasText = t, true
			}
		}
		p.media = append([]string(nil), jsonMedia...)
		havePayload = true
	}
	if !havePayload {
		if d.isSilent {
			return p, DropSilent
		}
		return p, DropEmpty
	}

	// buildReplyPayloads
	if p.hasText && strings.Contains(p.text, heartbeatToken) {
		st := stripHeartbeatToken(p.text)
		if st.shouldSkip && len(p.sendableMedia()) == 0 {
			return p, DropHeartbeat
		}
		p.text, p.hasText = st.text, true
	}
	// applyReplyThreading: the implicit reply-to (the current message)
	// applies only to [[reply_to_current]], the agent run having marked
	// every other payload replyToCurrent:false.
	current := opt.CurrentMessageID
	if p.replyToID == "" && p.replyToCurrent && trimJS(current) != "" {
		p.replyToID = trimJS(current)
	}
	if p.hasText && strings.Contains(p.text, "[[") {
		x := parseInlineDirectives(p.text, current, false, true)
		p.text, p.hasText = x.text, x.text != ""
		if x.replyToID != "" {
			p.replyToID = x.replyToID
		}
		p.replyToTag = p.replyToTag || x.hasReply
		p.replyToCurrent = p.replyToCurrent || x.replyToCurrent
	}
	if p.replyToCurrent && p.replyToID == "" && current != "" {
		p.replyToID = current
	}
	if !renderable(p) {
		return p, DropEmpty
	}
	// normalizeReplyPayloadDirectives (parseMode "always")
	d2 := parseReplyDirectives(p.text, current)
	p.text, p.hasText = d2.text, d2.text != ""
	if len(p.media) == 0 {
		p.media = d2.media
	}
	if p.replyToID == "" {
		p.replyToID = d2.replyToID
	}
	p.replyToTag = p.replyToTag || d2.replyToTag
	p.replyToCurrent = p.replyToCurrent || d2.replyToCurrent
	p.audioAsVoice = p.audioAsVoice || d2.audioAsVoice
	if len(p.sendableMedia()) > 0 {
		p.media, p.audioAsVoice = normalizeMediaPaths(p.sendableMedia(), opt, p.audioAsVoice)
	}
	if !renderable(p) {
		return p, DropEmpty
	}
	return p, ""
}

// renderable is isRenderablePayload: text, media or the audio flag.
func renderable(p payload) bool {
	return p.hasContent(p.text) || p.audioAsVoice
}

// normalizeMediaPaths ports createReplyMediaPathNormalizer without a
// sandbox: http(s) and file:// stay, local-looking sources resolve against
// the workspace, duplicates go; a data: URL drops all media of the reply.
func normalizeMediaPaths(media []string, opt Options, audio bool) ([]string, bool) {
	var out []string
	seen := map[string]bool{}
	for _, raw := range media {
		m := trimJS(raw)
		if m == "" {
			continue
		}
		if hasPrefixFold(m, "data:") {
			return nil, false
		}
		if !hasPrefixFold(m, "http://") && !hasPrefixFold(m, "https://") && isLikelyLocalMediaSource(m) && !hasPrefixFold(m, "file://") {
			m = resolvePathFromInput(m, opt.WorkspaceDir, opt.HomeDir)
		}
		if m == "" || seen[m] {
			continue
		}
		seen[m] = true
		out = append(out, m)
	}
	return out, audio
}

func isLikelyLocalMediaSource(m string) bool {
	return hasPrefixFold(m, "file://") || strings.HasPrefix(m, "/") || strings.HasPrefix(m, "./") ||
		strings.HasPrefix(m, "../") || strings.HasPrefix(m, "~") || isWindowsDrivePath(m) ||
		strings.HasPrefix(m, `\\`) ||
		!isSchemePrefixed(m) && (strings.Contains(m, "/") || strings.Contains(m, `\`) || hasFileExt(m))
}

// resolvePathFromInput is path.normalize(resolveSandboxInputPath(p, cwd)):
// a leading "@" goes, Unicode spaces become spaces, "~" expands, relative
// paths resolve against cwd; node's normalize keeps a trailing slash.
func resolvePathFromInput(p, cwd, home string) string {
	p = strings.TrimPrefix(p, "@")
	p = strings.Map(func(r rune) rune {
		if r == 0xA0 || r >= 0x2000 && r <= 0x200A || r == 0x202F || r == 0x205F || r == 0x3000 {
			return ' '
		}
		return r
	}, p)
	if home != "" {
		if p == "~" {
			p = home
		} else if strings.HasPrefix(p, "~/") {
			p = home + p[1:]
		}
	}
	if strings.HasPrefix(p, "/") {
		return nodeNormalize(p)
	}
	return nodeNormalize(path.Join(cwd, p))
}

func nodeNormalize(p string) string {
	c := path.Clean(p)
	if strings.HasSuffix(p, "/") && c != "/" {
		c += "/"
	}
	return c
}

// KindFromMIME is OpenClaw's kindFromMime: the media kind of a MIME type
// (image, audio, video, document for application/* and text/*), "" if
// none.
func KindFromMIME(mime string) string {
	mime = strings.ToLower(trimJS(strings.SplitN(mime, ";", 2)[0]))
	switch {
	case mime == "":
		return ""
	case strings.HasPrefix(mime, "image/"):
		return "image"
	case strings.HasPrefix(mime, "audio/"):
		return "audio"
	case strings.HasPrefix(mime, "video/"):
		return "video"
	case strings.HasPrefix(mime, "text/"), strings.HasPrefix(mime, "application/"):
		return "document"
	}
	return ""
}

func deliver(p payload, opt Options) ([]Send, Outcome) {
	tableMode := opt.TableMode
	if tableMode == "" {
		tableMode = TableModeCode
	}
	limit := opt.ChunkLimit
	if limit <= 0 {
		limit = defaultChunkLimit
	}
	mode := opt.ChunkMode
	if mode == "" {
		mode = openclaw.ChunkModeLength
	}
	out := Outcome{ReplyToID: sanitizeReplyToID(p.replyToID)}
	text := ""
	if p.hasText {
		text = ConvertMarkdownTables(sanitizeOutboundText(p.text), tableMode)
	}
	media := p.sendableMedia()
	var sends []Send
	if len(media) > 0 {
		for i, m := range media {
			caption := ""
			if i == 0 {
				caption = text
			}
			msg := caption
			if trimJS(msg) == "" && opt.MediaKind != nil {
				if kind := opt.MediaKind(m); kind != "" {
					msg = "<media:" + kind + ">"
				}
			}
			if trimJS(msg) != "" {
				msg = ConvertMarkdownTables(msg, tableMode)
			}
			sends = append(sends, Send{Text: prependReplyTag(msg, out.ReplyToID), Media: m, Echo: caption})
		}
		return sends, out
	}
	if text == "" {
		out.Dropped = DropEmpty
		return nil, out
	}
	if trimJS(text) != "" {
		out.Text = text
	}
	for _, chunk := range openclaw.ChunkTextWithMode(text, limit, mode) {
		if chunk == "" {
			continue
		}
		if trimJS(chunk) == "" {
			out.Err = "iMessage send requires text or media"
			return sends, out
		}
		msg := ConvertMarkdownTables(chunk, tableMode)
		sends = append(sends, Send{Text: prependReplyTag(msg, out.ReplyToID), Echo: chunk})
	}
	if len(sends) == 0 {
		out.Dropped, out.Text = DropEmpty, ""
	}
	return sends, out
}

const maxReplyToIDLength = 256

// sanitizeReplyToID trims, drops control characters and brackets, trims
// again and keeps at most 256 UTF-16 units.
func sanitizeReplyToID(raw string) string {
	t := trimJS(raw)
	if t == "" {
		return ""
	}
	t = trimJS(strings.Map(func(r rune) rune {
		if r <= 31 || r == 127 || r == '[' || r == ']' {
			return -1
		}
		return r
	}, t))
	if openclaw.LenJS(t) > maxReplyToIDLength {
		t = truncateUTF16(t, maxReplyToIDLength)
	}
	return t
}

// truncateUTF16 is s.slice(0, n) in UTF-16 units; a surrogate pair cut in
// half leaves a lone surrogate, which Node sends as U+FFFD.
func truncateUTF16(s string, n int) string {
	units := 0
	for i, r := range s {
		w := 1
		if r >= 0x10000 {
			w = 2
		}
		if units+w > n {
			if units < n { // half a pair fits
				return s[:i] + "\uFFFD"
			}
			return s[:i]
		}
		units += w
	}
	return s
}

// prependReplyTag ports prependReplyTagIfNeeded: "[[reply_to:ID]] text",
// replacing a leading reply tag the text already has.
func prependReplyTag(message, id string) string {
	if id == "" {
		return message
	}
	tag := "[[reply_to:" + id + "]]"
	if end := leadingReplyTag(message); end >= 0 {
		if rest := trimStartJS(message[end:]); rest != "" {
			return tag + " " + rest
		}
		return tag
	}
	if t := trimStartJS(message); t != "" {
		return tag + " " + t
	}
	return tag
}

// leadingReplyTag matches /^\s*\[\[\s*reply_to\s*:\s*([^\]\n]+)\s*\]\]\s*/i.
func leadingReplyTag(s string) int {
	i := skipJSSpace(s, 0)
	if !strings.HasPrefix(s[i:], "[[") {
		return -1
	}
	j := skipJSSpace(s, i+2)
	if !hasPrefixFold(s[j:], "reply_to") {
		return -1
	}
	j = skipJSSpace(s, j+len("reply_to"))
	if j >= len(s) || s[j] != ':' {
		return -1
	}
	end, _, ok := newTagScanner(s).idTail(j + 1)
	if !ok {
		return -1
	}
	return skipJSSpace(s, end)
}
