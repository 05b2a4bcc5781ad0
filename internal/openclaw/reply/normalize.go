package reply

// The reply dispatcher's normalisation (pi-embedded-BaSvmUpW.js:
// normalizeReplyPayload of src/auto-reply/reply/normalize-reply.ts,
// sanitizeUserFacingText and collapseConsecutiveDuplicateBlocks of
// src/agents/pi-embedded-helpers, parseLineDirectives/hasLineDirectives of
// src/auto-reply/reply/line-directives.ts; channel-reply-pipeline-BQ2GND11.js:
// resolveResponsePrefixTemplate and extractShortModelName; identity-xGthCqY8.js:
// resolveResponsePrefix's "auto").

import (
	"strings"
)

// PrefixContext holds the values a responsePrefix template can name. An
// empty field is unset and its {variable} stays in the text, as in OpenClaw
// before a model is selected.
type PrefixContext struct {
	IdentityName  string // {identity.name}, {identityName}: the agent's identity.name, trimmed
	Model         string // {model}: short model name (see ShortModelName)
	ModelFull     string // {modelFull}: "provider/model"
	Provider      string // {provider}
	ThinkingLevel string // {thinkingLevel}, {think}
}

// ShortModelName ports extractShortModelName: drop a "provider/" prefix,
// then a trailing "-YYYYMMDD" and "-latest".
func ShortModelName(full string) string {
	if i := strings.LastIndexByte(full, '/'); i >= 0 {
		full = full[i+1:]
	}
	if n := len(full); n >= 9 && full[n-9] == '-' && allDigits(full[n-8:]) {
		full = full[:n-9]
	}
	return strings.TrimSuffix(full, "-latest")
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// EffectivePrefix resolves a configured responsePrefix: "auto" becomes
// "[identity name]" (nothing without a name), then template variables
// ({model}, {modelFull}, {provider}, {thinkingLevel}/{think},
// {identity.name}/{identityName}, names case-insensitive) are filled from
// ctx; unknown or unset ones stay as written.
func EffectivePrefix(configured string, ctx PrefixContext) string {
	if configured == "auto" {
		name := trimJS(ctx.IdentityName)
		if name == "" {
			return ""
		}
		configured = "[" + name + "]"
	}
	return resolvePrefixTemplate(configured, ctx)
}

// resolvePrefixTemplate is template.replace(/\{([a-zA-Z][a-zA-Z0-9.]*)\}/g, ...).
func resolvePrefixTemplate(template string, ctx PrefixContext) string {
	if !strings.Contains(template, "{") {
		return template
	}
	var b strings.Builder
	for i := 0; i < len(template); {
		if template[i] == '{' && i+1 < len(template) && isASCIILetter(template[i+1]) {
			j := i + 2
			for j < len(template) && (isAlnum(template[j]) || template[j] == '.') {
				j++
			}
			if j < len(template) && template[j] == '}' {
				name := template[i+1 : j]
				v := ""
				switch strings.ToLower(name) {
				case "model":
					v = ctx.Model
				case "modelfull":
					v = ctx.ModelFull
				case "provider":
					v = ctx.Provider
				case "thinkinglevel", "think":
					v = ctx.ThinkingLevel
				case "identity.name", "identityname":
					v = trimJS(ctx.IdentityName)
				}
				if v == "" {
					v = template[i : j+1]
				}
				b.WriteString(v)
				i = j + 1
				continue
			}
		}
		b.WriteByte(template[i])
		i++
	}
	return b.String()
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// stripFinalTags is .replace(/<\s*\/?\s*final\s*>/gi, "").
func stripFinalTags(s string) string {
	if !strings.Contains(s, "<") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] == '<' {
			j := skipJSSpace(s, i+1)
			if j < len(s) && s[j] == '/' {
				j = skipJSSpace(s, j+1)
			}
			if hasPrefixFold(s[j:], "final") {
				k := skipJSSpace(s, j+5)
				if k < len(s) && s[k] == '>' {
					i = k + 1
					continue
				}
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// collapseConsecutiveDuplicateBlocks drops a paragraph equal (after
// trimming and squeezing whitespace) to the one before it; when it drops
// any, the text is rebuilt from the trimmed paragraphs joined by one blank
// line.
func collapseConsecutiveDuplicateBlocks(text string) string {
	trimmed := trimJS(text)
	if trimmed == "" {
		return text
	}
	blocks := splitBlankLines(trimmed)
	if len(blocks) < 2 {
		return text
	}
	result := make([]string, 0, len(blocks))
	last := "" // an empty (blank) paragraph never counts as a duplicate
	for _, block := range blocks {
		norm := collapseJSSpace(trimJS(block))
		if last != "" && norm == last {
			continue
		}
		result = append(result, trimJS(block))
		last = norm
	}
	if len(result) == len(blocks) {
		return text
	}
	return strings.Join(result, "\n\n")
}

// splitBlankLines is s.split(/\n{2,}/).
func splitBlankLines(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' && i+1 < len(s) && s[i+1] == '\n' {
			j := i
			for j < len(s) && s[j] == '\n' {
				j++
			}
			out = append(out, s[start:i])
			start = j
			i = j - 1
		}
	}
	return append(out, s[start:])
}

// stripLeadingBlankLines is .replace(/^(?:[ \t]*\r?\n)+/, "").
func stripLeadingBlankLines(s string) string {
	end := 0
	for i := 0; ; {
		j := i
		for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
			j++
		}
		if j < len(s) && s[j] == '\r' {
			j++
		}
		if j < len(s) && s[j] == '\n' {
			i = j + 1
			end = i
			continue
		}
		break
	}
	return s[end:]
}

// sanitizeUserFacingText ports sanitizeUserFacingText for a reply that is
// not an error: <final> tags go, leading blank lines go, consecutive
// duplicate paragraphs collapse.
func sanitizeUserFacingText(text string) string {
	if text == "" {
		return text
	}
	stripped := stripFinalTags(text)
	if trimJS(stripped) == "" {
		return ""
	}
	return collapseConsecutiveDuplicateBlocks(stripLeadingBlankLines(stripped))
}

var lineDirectiveNames = []string{"quick_replies", "location", "confirm", "buttons", "media_player", "event", "agenda", "device", "appletv_remote"}

// hasLineDirectives is /\[\[(quick_replies|location|...):/i.test(text).
func hasLineDirectives(text string) bool {
	for i := strings.Index(text, "[["); i >= 0; {
		for _, n := range lineDirectiveNames {
			if hasPrefixFold(text[i+2:], n) && strings.HasPrefix(text[i+2+len(n):], ":") {
				return true
			}
		}
		j := strings.Index(text[i+1:], "[[")
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

// findLineDirective is text.match(/\[\[NAME:\s*([^\]]+)\]\]/i): the first
// match and its group.
func findLineDirective(text, name string) (start, end int, body string, ok bool) {
	for i := strings.Index(text, "[["); i >= 0; {
		p := i + 2
		if hasPrefixFold(text[p:], name) && strings.HasPrefix(text[p+len(name):], ":") {
			q := p + len(name) + 1
			// \s* then ([^\]]+) then "]]": the group runs to the first ']'
			// (giving back blanks when it would be empty).
			close := strings.IndexByte(text[q:], ']')
			if close > 0 && strings.HasPrefix(text[q+close:], "]]") {
				// The group (after \s*) matters only for its '|' count,
				// which leading blanks do not change.
				return i, q + close + 2, text[q : q+close], true
			}
		}
		j := strings.Index(text[i+1:], "[[")
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return 0, 0, "", false
}

// splitTrim is s.split(sep).map(s => s.trim()).
func splitTrim(s, sep string) []string {
	parts := strings.Split(s, sep)
	for i, p := range parts {
		parts[i] = trimJS(p)
	}
	return parts
}

// parseLineDirectivesText is what parseLineDirectives leaves of the text
// (LINE quick replies, locations, templates and flex cards move into
// channelData, which iMessage ignores). A directive is cut out only when
// its slot is still free: one template (confirm, else buttons) and one flex
// card (media_player, event, appletv_remote, agenda, device, first wins).
// ok is false when nothing is left (the payload's text becomes undefined).
func parseLineDirectivesText(text string) (string, bool) {
	if text == "" {
		return text, true
	}
	remove := func(name string, allowed func(body string) bool) {
		start, end, body, ok := findLineDirective(text, name)
		if !ok || !allowed(body) {
			return
		}
		text = trimJS(text[:start] + text[end:])
	}
	always := func(string) bool { return true }
	remove("quick_replies", always)
	remove("location", always)
	template, flex := false, false
	remove("confirm", func(body string) bool {
		if len(splitTrim(body, "|")) >= 3 {
			template = true
		}
		return true
	})
	remove("buttons", func(body string) bool {
		if template {
			return false
		}
		if len(splitTrim(body, "|")) >= 3 {
			template = true
		}
		return true
	})
	flexCard := func(minParts int) func(string) bool {
		return func(body string) bool {
			if flex {
				return false
			}
			if len(splitTrim(body, "|")) >= minParts {
				flex = true
			}
			return true
		}
	}
	remove("media_player", flexCard(1))
	remove("event", flexCard(2))
	remove("appletv_remote", flexCard(1))
	remove("agenda", flexCard(2))
	remove("device", flexCard(1))
	text = trimJS(collapseBlankLines(text))
	return text, text != ""
}

// payload is the part of OpenClaw's ReplyPayload that reaches iMessage.
type payload struct {
	text           string
	hasText        bool // text !== undefined
	media          []string
	replyToID      string
	replyToCurrent bool
	replyToTag     bool
	audioAsVoice   bool
}

func (p *payload) sendableMedia() []string {
	var out []string
	for _, m := range p.media {
		if t := trimJS(m); t != "" {
			out = append(out, t)
		}
	}
	return out
}

func (p *payload) hasContent(text string) bool {
	return trimJS(text) != "" || len(p.sendableMedia()) > 0
}

// Drop reasons (normalizeReplyPayload's onSkip reasons).
const (
	DropEmpty     = "empty"
	DropSilent    = "silent"
	DropHeartbeat = "heartbeat"
)

// normalizeReplyPayload ports normalizeReplyPayload as the reply dispatcher
// calls it for iMessage (a prefix context is always present; no Slack
// interactive replies).
func normalizeReplyPayload(p payload, prefix string) (payload, string) {
	if !p.hasContent(p.text) {
		return p, DropEmpty
	}
	text := p.text
	if text != "" && isSilentReplyText(text) {
		if !p.hasContent("") {
			return p, DropSilent
		}
		text = ""
	}
	if text != "" && strings.Contains(text, silentToken) && !isSilentReplyText(text) {
		text = stripSilentToken(text)
		if !p.hasContent(text) {
			return p, DropSilent
		}
	}
	if text != "" && trimJS(p.text) == "" {
		text = ""
	}
	if strings.Contains(text, heartbeatToken) {
		st := stripHeartbeatToken(text)
		if st.shouldSkip && !p.hasContent(st.text) {
			return p, DropHeartbeat
		}
		text = st.text
	}
	if text != "" {
		text = sanitizeUserFacingText(text)
	}
	if !p.hasContent(text) {
		return p, DropEmpty
	}
	hasText := true
	if text != "" && hasLineDirectives(text) {
		text, hasText = parseLineDirectivesText(text)
	}
	if prefix != "" && hasText && text != "" && trimJS(text) != heartbeatToken && !strings.HasPrefix(text, prefix) {
		text = prefix + " " + text
	}
	p.text, p.hasText = text, hasText
	return p, ""
}
