package reply

// Reply directives in an agent's text (pi-embedded-BaSvmUpW.js:
// splitMediaFromOutput of src/media/parse.ts, parseInlineDirectives of
// src/utils/directive-tags.ts, parseReplyDirectives of
// src/auto-reply/reply/reply-directives.ts; heartbeat-DqtPOAC0.js: the
// NO_REPLY and HEARTBEAT_OK tokens of src/auto-reply/tokens.ts and
// heartbeat.ts).

import (
	"strings"
	"unicode/utf8"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
)

const (
	silentToken    = "NO_REPLY"
	heartbeatToken = "HEARTBEAT_OK"
)

// isSilentReplyText is /^\s*NO_REPLY\s*$/.
func isSilentReplyText(text string) bool {
	return text != "" && trimJS(text) == silentToken
}

// stripSilentToken is text.replace(/(?:^|\s+|\*+)NO_REPLY\s*$/, "").trim():
// a trailing token preceded by whitespace, asterisks or nothing goes.
func stripSilentToken(text string) string {
	idx := strings.LastIndex(text, silentToken)
	if idx < 0 || trimEndJS(text[idx+len(silentToken):]) != "" {
		return trimJS(text)
	}
	start := idx
	switch {
	case idx == 0:
	case text[idx-1] == '*':
		for start > 0 && text[start-1] == '*' {
			start--
		}
	default:
		for start > 0 {
			r, n := utf8.DecodeLastRuneInString(text[:start])
			if !isJSSpace(r) {
				break
			}
			start -= n
		}
		if start == idx {
			return trimJS(text)
		}
	}
	return trimJS(text[:start])
}

type heartbeatResult struct {
	shouldSkip, didStrip bool
	text                 string
}

// stripTokenAtEdges removes HEARTBEAT_OK from the start and (with up to
// four trailing non-word characters) the end, repeatedly; whitespace runs
// of what is left collapse to one space.
func stripTokenAtEdges(raw string) (string, bool) {
	text := trimJS(raw)
	if text == "" {
		return "", false
	}
	if !strings.Contains(text, heartbeatToken) {
		return text, false
	}
	didStrip := false
	for changed := true; changed; {
		changed = false
		next := trimJS(text)
		if strings.HasPrefix(next, heartbeatToken) {
			text = trimStartJS(next[len(heartbeatToken):])
			didStrip, changed = true, true
			continue
		}
		if tokenAtEndWithPunct(next) {
			idx := strings.LastIndex(next, heartbeatToken)
			before := trimEndJS(next[:idx])
			switch after := trimStartJS(next[idx+len(heartbeatToken):]); {
			case before == "":
				text = ""
			case after == "":
				text = before
			default:
				text = trimEndJS(before + after)
			}
			didStrip, changed = true, true
		}
	}
	return trimJS(collapseJSSpace(text)), didStrip
}

// tokenAtEndWithPunct is /HEARTBEAT_OK[^\w]{0,4}$/ (at most four UTF-16
// units that are not [A-Za-z0-9_]). Only the last occurrence can qualify:
// an earlier one has the later token's word characters in its tail.
func tokenAtEndWithPunct(s string) bool {
	i := strings.LastIndex(s, heartbeatToken)
	if i < 0 {
		return false
	}
	tail := s[i+len(heartbeatToken):]
	if openclaw.LenJS(tail) > 4 {
		return false
	}
	for j := 0; j < len(tail); j++ {
		if isJSWordByte(tail[j]) {
			return false
		}
	}
	return true
}

// stripHeartbeatMarkup is the normalisation stripHeartbeatToken also tries:
// tags and &nbsp; become spaces, leading/trailing *`~_ go.
func stripHeartbeatMarkup(text string) string {
	var b strings.Builder
	for i := 0; i < len(text); i++ {
		if text[i] == '<' {
			if j := strings.IndexByte(text[i+1:], '>'); j >= 0 {
				b.WriteByte(' ')
				i += j + 1
				continue
			}
		}
		b.WriteByte(text[i])
	}
	s := b.String()
	s = replaceFoldASCII(s, "&nbsp;", " ")
	s = strings.TrimLeft(s, "*`~_")
	return strings.TrimRight(s, "*`~_")
}

// replaceFoldASCII replaces every ASCII-case-insensitive occurrence of the
// lower-case ASCII string old.
func replaceFoldASCII(s, old, repl string) string {
	if !containsFoldASCII(s, old) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if hasPrefixFold(s[i:], old) {
			b.WriteString(repl)
			i += len(old)
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// containsFoldASCII is /old/i.test(s) for a lower-case ASCII old.
func containsFoldASCII(s, old string) bool {
	for i := 0; i+len(old) <= len(s); i++ {
		if hasPrefixFold(s[i:], old) {
			return true
		}
	}
	return false
}

// stripHeartbeatToken ports stripHeartbeatToken in "message" mode.
func stripHeartbeatToken(raw string) heartbeatResult {
	trimmed := trimJS(raw)
	if trimmed == "" {
		return heartbeatResult{shouldSkip: true}
	}
	normalized := stripHeartbeatMarkup(trimmed)
	if !strings.Contains(trimmed, heartbeatToken) && !strings.Contains(normalized, heartbeatToken) {
		return heartbeatResult{text: trimmed}
	}
	origText, origStrip := stripTokenAtEdges(trimmed)
	normText, normStrip := stripTokenAtEdges(normalized)
	text, did := normText, normStrip
	if origStrip && origText != "" {
		text, did = origText, origStrip
	}
	if !did {
		return heartbeatResult{text: trimmed}
	}
	if text == "" {
		return heartbeatResult{shouldSkip: true, didStrip: true}
	}
	return heartbeatResult{text: trimJS(text), didStrip: true}
}

// inlineDirectives is the result of parseInlineDirectives.
type inlineDirectives struct {
	text                  string
	audioAsVoice          bool
	replyToID             string
	replyToExplicitID     string
	replyToCurrent        bool
	hasAudioTag, hasReply bool
}

// normalizeDirectiveWhitespace collapses [ \t]+ to a space, removes
// spaces and tabs around newlines and trims.
func normalizeDirectiveWhitespace(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	for i := 0; i < len(text); {
		c := text[i]
		if c == ' ' || c == '\t' || c == '\n' {
			j := i
			nl := false
			for j < len(text) && (text[j] == ' ' || text[j] == '\t' || text[j] == '\n') {
				if text[j] == '\n' {
					nl = true
				}
				j++
			}
			if !nl {
				b.WriteByte(' ')
			} else {
				// [ \t]*\n[ \t]* per newline: each newline stays, the
				// blanks around the run go.
				for k := i; k < j; k++ {
					if text[k] == '\n' {
						b.WriteByte('\n')
					}
				}
			}
			i = j
			continue
		}
		b.WriteByte(c)
		i++
	}
	return trimJS(b.String())
}

// matchAudioTag matches /\[\[\s*audio_as_voice\s*\]\]/i at i.
func matchAudioTag(s string, i int) int {
	if !strings.HasPrefix(s[i:], "[[") {
		return -1
	}
	j := skipJSSpace(s, i+2)
	if !hasPrefixFold(s[j:], "audio_as_voice") {
		return -1
	}
	j = skipJSSpace(s, j+len("audio_as_voice"))
	if !strings.HasPrefix(s[j:], "]]") {
		return -1
	}
	return j + 2
}

// tagScanner matches the reply-tag regexes at successive positions of one
// string, remembering where the next ']' or '\n' is so that a line full of
// "[[reply_to:" attempts stays linear.
type tagScanner struct {
	s                string
	stopFrom, stopAt int
}

func newTagScanner(s string) *tagScanner { return &tagScanner{s: s, stopFrom: -1} }

func (t *tagScanner) nextStop(w int) int {
	if t.stopFrom >= 0 && w >= t.stopFrom && w <= t.stopAt {
		return t.stopAt
	}
	stop := len(t.s)
	if i := strings.IndexAny(t.s[w:], "]\n"); i >= 0 {
		stop = w + i
	}
	t.stopFrom, t.stopAt = w, stop
	return stop
}

// idTail matches \s*([^\]\n]+)\s*\]\] at pos (just after the colon) and
// returns the end of the match and the group. The greedy \s* hands back a
// blank when the group would otherwise start at ']', so "[[reply_to: ]]"
// matches with a blank id.
func (t *tagScanner) idTail(pos int) (end int, id string, ok bool) {
	s := t.s
	w := skipJSSpace(s, pos)
	if w >= len(s) {
		return -1, "", false
	}
	if s[w] == ']' {
		if strings.HasPrefix(s[w:], "]]") && strings.Trim(s[pos:w], "\n") != "" {
			return w + 2, "", true
		}
		return -1, "", false
	}
	stop := t.nextStop(w)
	k := skipJSSpace(s, stop)
	if !strings.HasPrefix(s[k:], "]]") {
		return -1, "", false
	}
	return k + 2, s[w:stop], true
}

// matchReplyTag matches /\[\[\s*(?:reply_to_current|reply_to\s*:\s*([^\]\n]+))\s*\]\]/i
// at i; current reports reply_to_current.
func (t *tagScanner) matchReplyTag(i int) (end int, id string, current bool) {
	s := t.s
	if !strings.HasPrefix(s[i:], "[[") {
		return -1, "", false
	}
	j := skipJSSpace(s, i+2)
	if hasPrefixFold(s[j:], "reply_to_current") {
		k := skipJSSpace(s, j+len("reply_to_current"))
		if strings.HasPrefix(s[k:], "]]") {
			return k + 2, "", true
		}
	}
	if !hasPrefixFold(s[j:], "reply_to") {
		return -1, "", false
	}
	j = skipJSSpace(s, j+len("reply_to"))
	if j >= len(s) || s[j] != ':' {
		return -1, "", false
	}
	end, id, ok := t.idTail(j + 1)
	if !ok {
		return -1, "", false
	}
	return end, id, false
}

func skipJSSpace(s string, i int) int {
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isJSSpace(r) {
			break
		}
		i += n
	}
	return i
}

// hasPrefixFold reports an ASCII-case-insensitive prefix (JS /i without u
// never folds non-ASCII characters onto ASCII letters).
func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		a, b := s[i], prefix[i]
		if a >= 'A' && a <= 'Z' {
			a += 'a' - 'A'
		}
		if a != b {
			return false
		}
	}
	return true
}

// parseInlineDirectives ports parseInlineDirectives.
func parseInlineDirectives(text, currentMessageID string, stripAudioTag, stripReplyTags bool) inlineDirectives {
	var out inlineDirectives
	if text == "" {
		return out
	}
	if !strings.Contains(text, "[[") {
		out.text = normalizeDirectiveWhitespace(text)
		return out
	}
	var b strings.Builder
	for i := 0; i < len(text); {
		if text[i] == '[' {
			if end := matchAudioTag(text, i); end >= 0 {
				out.audioAsVoice, out.hasAudioTag = true, true
				if stripAudioTag {
					b.WriteByte(' ')
				} else {
					b.WriteString(text[i:end])
				}
				i = end
				continue
			}
		}
		b.WriteByte(text[i])
		i++
	}
	cleaned := b.String()
	b.Reset()
	sawCurrent := false
	scan := newTagScanner(cleaned)
	for i := 0; i < len(cleaned); {
		if cleaned[i] == '[' {
			if end, id, current := scan.matchReplyTag(i); end >= 0 {
				out.hasReply = true
				if current {
					sawCurrent = true
				} else if v := trimJS(id); v != "" {
					out.replyToExplicitID = v
				}
				if stripReplyTags {
					b.WriteByte(' ')
				} else {
					b.WriteString(cleaned[i:end])
				}
				i = end
				continue
			}
		}
		b.WriteByte(cleaned[i])
		i++
	}
	out.text = normalizeDirectiveWhitespace(b.String())
	out.replyToCurrent = sawCurrent
	out.replyToID = out.replyToExplicitID
	if out.replyToID == "" && sawCurrent {
		out.replyToID = trimJS(currentMessageID)
	}
	return out
}

type splitResult struct {
	text         string
	media        []string
	audioAsVoice bool
}

// mediaFenceSpans is parseFenceSpans (src/markdown/fences.ts) over byte
// offsets.
func mediaFenceSpans(buf string) [][2]int {
	var spans [][2]int
	open := false
	var openStart, openLen int
	var openChar byte
	offset := 0
	for offset <= len(buf) {
		lineEnd := strings.IndexByte(buf[offset:], '\n')
		last := lineEnd < 0
		if last {
			lineEnd = len(buf)
		} else {
			lineEnd += offset
		}
		if c, n, ok := fenceLine(buf[offset:lineEnd]); ok {
			if !open {
				open, openStart, openLen, openChar = true, offset, n, c
			} else if c == openChar && n >= openLen {
				spans = append(spans, [2]int{openStart, lineEnd})
				open = false
			}
		}
		if last {
			break
		}
		offset = lineEnd + 1
	}
	if open {
		spans = append(spans, [2]int{openStart, len(buf)})
	}
	return spans
}

// fenceLine matches /^( {0,3})(`{3,}|~{3,})(.*)$/ ('.' stops at \r,
// U+2028 and U+2029, which then fail the match).
func fenceLine(line string) (byte, int, bool) {
	i := 0
	for i < len(line) && i < 4 && line[i] == ' ' {
		i++
	}
	if i > 3 || i >= len(line) || (line[i] != '`' && line[i] != '~') {
		return 0, 0, false
	}
	c := line[i]
	j := i
	for j < len(line) && line[j] == c {
		j++
	}
	if j-i < 3 || strings.ContainsAny(line[j:], "\r\u2028\u2029") {
		return 0, 0, false
	}
	return c, j - i, true
}

func isSchemePrefixed(s string) bool { // /^[a-zA-Z][a-zA-Z0-9+.-]*:/
	if s == "" || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if c == ':' {
			return true
		}
		if !isAlnum(c) && c != '+' && c != '.' && c != '-' {
			return false
		}
	}
	return false
}

func isWindowsDrivePath(s string) bool { // /^[a-zA-Z]:[\\/]/
	return len(s) >= 3 && (s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') && s[1] == ':' && (s[2] == '\\' || s[2] == '/')
}

func isLikelyLocalPath(c string) bool {
	return strings.HasPrefix(c, "/") || strings.HasPrefix(c, "./") || strings.HasPrefix(c, "../") ||
		strings.HasPrefix(c, "~") || isWindowsDrivePath(c) || strings.HasPrefix(c, `\\`) ||
		!isSchemePrefixed(c) && (strings.Contains(c, "/") || strings.Contains(c, `\`))
}

func hasFileExt(c string) bool { // /\.\w{1,10}$/
	i := len(c)
	for i > 0 && isJSWordByte(c[i-1]) && len(c)-i < 10 {
		i--
	}
	return i < len(c) && i > 0 && c[i-1] == '.'
}

func isValidMedia(c string, allowSpaces, allowBareFilename bool) bool {
	if c == "" || openclaw.LenJS(c) > 4096 {
		return false
	}
	if !allowSpaces && hasJSSpace(c) {
		return false
	}
	if len(c) >= 7 && hasPrefixFold(c, "http://") || len(c) >= 8 && hasPrefixFold(c, "https://") {
		return true
	}
	if isLikelyLocalPath(c) {
		return true
	}
	return allowBareFilename && !isSchemePrefixed(c) && hasFileExt(c)
}

// cleanCandidate strips /^[`"'[{(]+/ and /[`"'\\})\],]+$/.
func cleanCandidate(raw string) string {
	s := strings.TrimLeft(raw, "`\"'[{(")
	return strings.TrimRight(s, "`\"'\\})],")
}

func normalizeMediaSource(src string) string {
	if strings.HasPrefix(src, "file://") {
		return src[len("file://"):]
	}
	return src
}

func unwrapQuoted(value string) (string, bool) {
	t := trimJS(value)
	if openclaw.LenJS(t) < 2 {
		return "", false
	}
	first := t[0]
	if first != t[len(t)-1] || (first != '"' && first != '\'' && first != '`') {
		return "", false
	}
	return trimJS(t[1 : len(t)-1]), true
}

// splitJSSpace is s.split(/\s+/).filter(Boolean).
func splitJSSpace(s string) []string { return strings.FieldsFunc(s, isJSSpace) }

// mediaToken matches /\bMEDIA:\s*`?([^\n]+)`?/i in a line that starts
// (after blanks) with "MEDIA:"; it returns the match start, end and group.
func mediaToken(line string) (start, end int, payload string, ok bool) {
	for i := 0; i+6 <= len(line); i++ {
		if !hasPrefixFold(line[i:], "media:") {
			continue
		}
		if i > 0 && isJSWordByte(line[i-1]) {
			continue
		}
		j := skipJSSpace(line, i+6)
		p := j
		if p < len(line) && line[p] == '`' && p+1 < len(line) {
			p++
		}
		if p >= len(line) {
			// \s* gives back one blank so ([^\n]+) can take it.
			if j > i+6 {
				_, n := utf8.DecodeLastRuneInString(line[:j])
				return i, len(line), line[j-n:], true
			}
			continue
		}
		return i, len(line), line[p:], true
	}
	return 0, 0, "", false
}

// splitMediaFromOutput ports splitMediaFromOutput: MEDIA: lines outside code
// fences become attachments. Whenever a MEDIA: token or an audio tag was
// found, the remaining text is squeezed: blank lines go, runs of blanks
// become one space.
func splitMediaFromOutput(raw string) splitResult {
	trimmedRaw := trimEndJS(raw)
	if trimJS(trimmedRaw) == "" {
		return splitResult{}
	}
	mayMedia := containsFoldASCII(trimmedRaw, "media:")
	mayAudio := strings.Contains(trimmedRaw, "[[")
	if !mayMedia && !mayAudio {
		return splitResult{text: trimmedRaw}
	}
	var media []string
	foundMediaToken := false
	hasFences := strings.Contains(trimmedRaw, "```") || strings.Contains(trimmedRaw, "~~~")
	var spans [][2]int
	if hasFences {
		spans = mediaFenceSpans(trimmedRaw)
	}
	insideFence := func(off int) bool {
		for _, sp := range spans {
			if off >= sp[0] && off < sp[1] {
				return true
			}
		}
		return false
	}
	var kept []string
	lineOffset := 0
	for _, line := range strings.Split(trimmedRaw, "\n") {
		off := lineOffset
		lineOffset += len(line) + 1
		if hasFences && insideFence(off) || !strings.HasPrefix(trimStartJS(line), "MEDIA:") {
			kept = append(kept, line)
			continue
		}
		start, end, payload, ok := mediaToken(line)
		if !ok {
			kept = append(kept, line)
			continue
		}
		var pieces []string
		pieces = append(pieces, line[:start])
		unwrapped, isUnwrapped := unwrapQuoted(payload)
		payloadValue := payload
		var parts []string
		if isUnwrapped {
			payloadValue = unwrapped
			parts = []string{unwrapped}
		} else {
			parts = splitJSSpace(payload)
		}
		mediaStart := len(media)
		validCount := 0
		var invalid []string
		hasValid := false
		for _, part := range parts {
			cand := normalizeMediaSource(cleanCandidate(part))
			if isValidMedia(cand, isUnwrapped, false) {
				media = append(media, cand)
				hasValid, foundMediaToken = true, true
				validCount++
			} else {
				invalid = append(invalid, part)
			}
		}
		trimmedPayload := trimJS(payloadValue)
		looksLocal := isLikelyLocalPath(trimmedPayload) || strings.HasPrefix(trimmedPayload, "file://")
		if !isUnwrapped && validCount == 1 && len(invalid) > 0 && hasJSSpace(payloadValue) && looksLocal {
			fallback := normalizeMediaSource(cleanCandidate(payloadValue))
			if isValidMedia(fallback, true, false) {
				media = append(media[:mediaStart], fallback)
				hasValid, foundMediaToken = true, true
				invalid = nil
			}
		}
		if !hasValid {
			fallback := normalizeMediaSource(cleanCandidate(payloadValue))
			if isValidMedia(fallback, true, true) {
				media = append(media, fallback)
				hasValid, foundMediaToken = true, true
				invalid = nil
			}
		}
		switch {
		case hasValid:
			if len(invalid) > 0 {
				pieces = append(pieces, strings.Join(invalid, " "))
			}
		case looksLocal:
			foundMediaToken = true
		default:
			pieces = append(pieces, line[start:end])
		}
		pieces = append(pieces, line[end:])
		if cl := trimJS(squeezeBlanks(strings.Join(pieces, ""))); cl != "" {
			kept = append(kept, cl)
		}
	}
	cleaned := squeezeText(strings.Join(kept, "\n"))
	var audio inlineDirectives
	if strings.Contains(cleaned, "[[") {
		audio = parseInlineDirectives(cleaned, "", true, false)
	}
	if audio.hasAudioTag {
		cleaned = trimJS(collapseNewlines(audio.text))
	}
	if len(media) == 0 {
		if foundMediaToken || audio.audioAsVoice {
			return splitResult{text: cleaned, audioAsVoice: audio.audioAsVoice}
		}
		return splitResult{text: trimmedRaw}
	}
	return splitResult{text: cleaned, media: media, audioAsVoice: audio.audioAsVoice}
}

// squeezeBlanks is .replace(/[ \t]{2,}/g, " ").
func squeezeBlanks(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] == ' ' || s[i] == '\t' {
			j := i
			for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
				j++
			}
			if j-i >= 2 {
				b.WriteByte(' ')
			} else {
				b.WriteByte(s[i])
			}
			i = j
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// collapseNewlines is .replace(/\n{2,}/g, "\n").
func collapseNewlines(s string) string {
	for strings.Contains(s, "\n\n") {
		s = strings.ReplaceAll(s, "\n\n", "\n")
	}
	return s
}

// squeezeText is .replace(/[ \t]+\n/g, "\n").replace(/[ \t]{2,}/g, " ")
// .replace(/\n{2,}/g, "\n").trim().
func squeezeText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] == ' ' || s[i] == '\t' {
			j := i
			for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
				j++
			}
			if j < len(s) && s[j] == '\n' {
				i = j
				continue
			}
			b.WriteString(s[i:j])
			i = j
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return trimJS(collapseNewlines(squeezeBlanks(b.String())))
}

// replyDirectives is parseReplyDirectives' result.
type replyDirectives struct {
	text           string
	media          []string
	replyToID      string
	replyToCurrent bool
	replyToTag     bool
	audioAsVoice   bool
	isSilent       bool
}

// parseReplyDirectives ports parseReplyDirectives (silent token NO_REPLY).
func parseReplyDirectives(raw, currentMessageID string) replyDirectives {
	split := splitMediaFromOutput(raw)
	text := split.text
	var parsed inlineDirectives
	if strings.Contains(text, "[[") { // otherwise no tag, and the text stays as is
		parsed = parseInlineDirectives(text, currentMessageID, false, true)
		if parsed.hasReply {
			text = parsed.text
		}
	}
	silent := isSilentReplyText(text)
	if silent {
		text = ""
	}
	return replyDirectives{
		text:           text,
		media:          split.media,
		replyToID:      parsed.replyToID,
		replyToCurrent: parsed.replyToCurrent,
		replyToTag:     parsed.hasReply,
		audioAsVoice:   split.audioAsVoice,
		isSilent:       silent,
	}
}
