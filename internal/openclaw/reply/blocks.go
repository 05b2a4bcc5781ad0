package reply

import "strings"

// Block replies. While the agent streams, OpenClaw's embedded subscriber
// (subscribeEmbeddedPiSession, dist/pi-embedded-*.js) cuts its text into
// "block replies" at text_end, through a streaming directive accumulator
// (createStreamingDirectiveAccumulator, streaming-directives.ts): an
// unclosed trailing "[[" is held back as a tail until message_end. The
// agent runner hands every block to createBlockReplyDeliveryHandler
// (dist/agent-runner.runtime-*.js). With block streaming off (the iMessage
// default) that handler sends only blocks with media, and sends them as the
// media alone (text undefined, so each attachment gets its "<media:KIND>"
// placeholder), remembering each such block's {text, media} content key;
// buildReplyPayloads then drops every final payload whose key was sent that
// way. So a reply with MEDIA: lines normally arrives as its attachments and
// none of its text; when the block's key differs from the final payload's
// (a held-back "[[" tail, for one), both are sent.

// replyState is the accumulator's reply-tag memory.
type replyState struct {
	explicitID      string
	sawCurrent, tag bool
}

// blockPayloads returns the payloads the block reply handler delivers for
// the agent text, and their content keys.
func blockPayloads(text string, opt Options) ([]payload, []contentKey) {
	// emitBlockChunk: the handler's text stands for the streamed text
	// after stripBlockTags; its trailing whitespace goes.
	chunk := trimEndJS(text)
	if !containsFoldASCII(chunk, "media:") {
		return nil, nil // no block can carry an attachment: none is sent
	}
	var (
		blocks          []payload
		pending, active replyState
	)
	consume := func(combined string) {
		if combined == "" {
			return
		}
		c := parseChunk(combined)
		st := replyState{
			tag:        active.tag || pending.tag || c.replyToTag,
			sawCurrent: active.sawCurrent || pending.sawCurrent || c.replyToCurrent,
			explicitID: firstNonEmpty(c.replyToID, pending.explicitID, active.explicitID),
		}
		if c.text == "" && len(c.media) == 0 && !c.audioAsVoice {
			if st.tag {
				pending = st
			}
			return
		}
		active, pending = st, replyState{}
		blocks = append(blocks, payload{
			text: c.text, hasText: true, media: c.media, audioAsVoice: c.audioAsVoice,
			replyToID: st.explicitID, replyToCurrent: st.sawCurrent, replyToTag: st.tag,
		})
	}
	head, tail := splitTrailingDirective(chunk)
	consume(head) // text_end
	consume(tail) // message_end: consumeReplyDirectives("", {final: true})

	var out []payload
	var keys []contentKey
	for _, b := range blocks {
		if p, ok := deliverBlock(b, opt); ok {
			out = append(out, payload{media: p.media, replyToID: p.replyToID, audioAsVoice: p.audioAsVoice})
			keys = append(keys, keyOf(p))
		}
	}
	return out, keys
}

// deliverBlock is createBlockReplyDeliveryHandler with block streaming off:
// the block as it is keyed, and whether it is sent (only with media).
func deliverBlock(b payload, opt Options) (payload, bool) {
	current := opt.CurrentMessageID
	hasMedia := len(b.sendableMedia()) > 0
	text, hasText, skip := normalizeStreamingText(b.text, hasMedia)
	if skip && !hasMedia {
		return b, false
	}
	p := b
	p.text, p.hasText = text, hasText && !skip
	if p.replyToID == "" && p.replyToCurrent {
		p.replyToID = current
	}
	// applyReplyTagsToPayload (no implicit reply-to).
	if p.hasText && strings.Contains(p.text, "[[") {
		x := parseInlineDirectives(p.text, current, false, true)
		p.text, p.hasText = x.text, x.text != ""
		if x.replyToID != "" {
			p.replyToID = x.replyToID
		}
		p.replyToTag = p.replyToTag || x.hasReply
		p.replyToCurrent = p.replyToCurrent || x.replyToCurrent
	}
	if p.replyToCurrent && p.replyToID == "" && trimJS(current) != "" {
		p.replyToID = trimJS(current)
	}
	if !(p.hasText && p.text != "" || len(p.sendableMedia()) > 0 || p.audioAsVoice) {
		return p, false
	}
	// normalizeReplyPayloadDirectives, parseMode "auto", leading
	// whitespace trimmed.
	src := ""
	if p.hasText {
		src = p.text
	}
	silent := false
	if strings.Contains(src, "[[") || strings.Contains(src, "MEDIA:") || strings.Contains(src, silentToken) {
		d := parseReplyDirectives(src, current)
		p.text = d.text
		if len(p.media) == 0 { // the block's own media, else the parsed ones
			p.media = d.media
		}
		if p.replyToID == "" {
			p.replyToID = d.replyToID
		}
		p.replyToTag = p.replyToTag || d.replyToTag
		p.replyToCurrent = p.replyToCurrent || d.replyToCurrent
		p.audioAsVoice = p.audioAsVoice || d.audioAsVoice
		silent = d.isSilent
	}
	p.text = trimStartJS(p.text)
	p.hasText = p.text != ""
	// The media path normaliser throws on a data: URL; the handler then
	// fails and the block is neither sent nor keyed.
	for _, m := range p.sendableMedia() {
		if hasPrefixFold(trimJS(m), "data:") {
			return p, false
		}
	}
	if media := p.sendableMedia(); len(media) > 0 {
		p.media, p.audioAsVoice = normalizeMediaPaths(media, opt, p.audioAsVoice)
	}
	blockHasMedia := len(p.sendableMedia()) > 0
	if !p.hasText && !blockHasMedia && !p.audioAsVoice || silent && !blockHasMedia {
		return p, false
	}
	return p, blockHasMedia
}

// normalizeStreamingText is the agent runner's normalizeStreamingText for
// a block: HEARTBEAT_OK stripped, NO_REPLY (and a prefix of it or of
// HEARTBEAT_OK) skipped, no text with media kept as undefined (hasText
// false), the rest through sanitizeUserFacingText.
func normalizeStreamingText(text string, hasMedia bool) (out string, hasText, skip bool) {
	if strings.Contains(text, heartbeatToken) {
		st := stripHeartbeatToken(text)
		if st.shouldSkip && !hasMedia {
			return "", false, true
		}
		text = st.text
	}
	if isSilentReplyText(text) || isSilentReplyPrefixText(text, silentToken) || isSilentReplyPrefixText(text, heartbeatToken) {
		return "", false, true
	}
	if text == "" {
		return "", false, !hasMedia
	}
	s := sanitizeUserFacingText(text)
	if trimJS(s) == "" {
		return "", false, true
	}
	return s, true, false
}

// isSilentReplyPrefixText ports isSilentReplyPrefixText: the text, leading
// whitespace trimmed, is at least two characters of A-Z and "_" that begin
// the token, with an underscore in it (or exactly "NO" for NO_REPLY).
func isSilentReplyPrefixText(text, token string) bool {
	t := trimStartJS(text)
	if len(t) < 2 {
		return false
	}
	for i := 0; i < len(t); i++ {
		if c := t[i]; !(c >= 'A' && c <= 'Z' || c == '_') {
			return false
		}
	}
	if !strings.HasPrefix(token, t) {
		return false
	}
	return strings.Contains(t, "_") || token == silentToken && t == "NO"
}

// chunkDirectives is parseChunk (streaming-directives.ts): media lines
// split off, reply tags (not the audio tag) cut out, NO_REPLY or a prefix
// of it silenced.
type chunkDirectives struct {
	text           string
	media          []string
	audioAsVoice   bool
	replyToID      string // the explicit id only
	replyToCurrent bool
	replyToTag     bool
}

func parseChunk(raw string) chunkDirectives {
	split := splitMediaFromOutput(raw)
	out := chunkDirectives{text: split.text, media: split.media, audioAsVoice: split.audioAsVoice}
	if x := parseInlineDirectives(out.text, "", false, true); x.hasReply {
		out.text = x.text
		out.replyToID, out.replyToCurrent, out.replyToTag = x.replyToExplicitID, x.replyToCurrent, true
	}
	if isSilentReplyText(out.text) || isSilentReplyPrefixText(out.text, silentToken) {
		out.text = ""
	}
	return out
}

// splitTrailingDirective holds back an unclosed trailing "[[" (the last
// "[[" with no "]]" after it) as the tail.
func splitTrailingDirective(text string) (head, tail string) {
	open := strings.LastIndex(text, "[[")
	if open < 0 || strings.Contains(text[open+2:], "]]") {
		return text, ""
	}
	return text[:open], text[open:]
}

// contentKey is createBlockReplyContentKey: the trimmed text and the
// sendable media list.
type contentKey struct {
	text  string
	media string
}

func keyOf(p payload) contentKey {
	text := ""
	if p.hasText {
		text = trimJS(p.text)
	}
	media := p.sendableMedia()
	// Lengths first, so that no two lists join to the same string.
	var b strings.Builder
	for _, m := range media {
		b.WriteString(itoa(len(m)))
		b.WriteByte(':')
		b.WriteString(m)
	}
	return contentKey{text: text, media: b.String()}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var buf [20]byte
	i := len(buf)
	for n > 0 {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	return string(buf[i:])
}

func firstNonEmpty(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}
