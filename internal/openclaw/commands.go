package openclaw

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/openclawcfg/openclawcfg/internal/jsregex"
)

// Control-command detection as OpenClaw 2026.3.24 does it for inbound
// iMessage text: hasControlCommand (src/auto-reply/command-detection.ts, in
// dist/pi-embedded-*.js), normalizeCommandBody and listChatCommandsForConfig
// (src/auto-reply/commands-registry.ts, dist/commands-registry-*.js), the
// built-in command table (src/auto-reply/commands-registry.data.ts) and the
// abort triggers (src/auto-reply/reply/abort-primitives.ts). A control
// command lets an authorised sender skip the group mention requirement and
// gets an unauthorised group sender's message dropped.

// CommandConfig holds every config fact the command list depends on for an
// iMessage gateway. The monitor calls hasControlCommand(text, cfg) without
// options, so no bot-username stripping applies and skill commands are not
// listed.
type CommandConfig struct {
	// Each is true only when the config holds the boolean true at that key
	// (isCommandFlagEnabled: an own property of a plain commands object, === true).
	Config  bool // commands.config: /config
	MCP     bool // commands.mcp: /mcp
	Plugins bool // commands.plugins: /plugins, /plugin
	Debug   bool // commands.debug: /debug
	Bash    bool // commands.bash: /bash

	// DockChannels are the ids of the loaded channel plugins whose
	// capabilities.nativeCommands is true; each adds /dock-<id> and
	// /dock_<id> (no arguments). In 2026.3.24 those are discord, mattermost,
	// slack and telegram, loaded when enabled (channels.<id> configured or
	// plugins.entries.<id>.enabled); none for an iMessage-only config.
	DockChannels []string
}

// commandGate says which CommandConfig flag switches a command on; gateAlways
// commands are always listed.
type commandGate uint8

const (
	gateAlways commandGate = iota
	gateConfig
	gateMCP
	gatePlugins
	gateDebug
	gateBash
)

type commandAlias struct {
	canonical   string // the command's first text alias
	acceptsArgs bool
	gate        commandGate
}

// builtinCommands is OpenClaw 2026.3.24's chat command table, in its order:
// key's text aliases (the first is canonical) and whether it takes arguments
// (acceptsArgs, or args declared). Recorded in the golden by
// listChatCommandsForConfig.
var builtinCommands = []struct {
	aliases     []string
	acceptsArgs bool
	gate        commandGate
}{
	{[]string{"/help"}, false, gateAlways},
	{[]string{"/commands"}, false, gateAlways},
	{[]string{"/tools"}, true, gateAlways},
	{[]string{"/skill"}, true, gateAlways},
	{[]string{"/status"}, false, gateAlways},
	{[]string{"/allowlist"}, true, gateAlways},
	{[]string{"/approve"}, true, gateAlways},
	{[]string{"/context"}, true, gateAlways},
	{[]string{"/btw"}, true, gateAlways},
	{[]string{"/export-session", "/export"}, true, gateAlways},
	{[]string{"/tts"}, true, gateAlways},
	{[]string{"/whoami", "/id"}, false, gateAlways},
	{[]string{"/session"}, true, gateAlways},
	{[]string{"/subagents"}, true, gateAlways},
	{[]string{"/acp"}, true, gateAlways},
	{[]string{"/focus"}, true, gateAlways},
	{[]string{"/unfocus"}, false, gateAlways},
	{[]string{"/agents"}, false, gateAlways},
	{[]string{"/kill"}, true, gateAlways},
	{[]string{"/steer", "/tell"}, true, gateAlways},
	{[]string{"/config"}, true, gateConfig},
	{[]string{"/mcp"}, true, gateMCP},
	{[]string{"/plugins", "/plugin"}, true, gatePlugins},
	{[]string{"/debug"}, true, gateDebug},
	{[]string{"/usage"}, true, gateAlways},
	{[]string{"/stop"}, false, gateAlways},
	{[]string{"/restart"}, false, gateAlways}, // commands.restart does not remove it from the list
	{[]string{"/activation"}, true, gateAlways},
	{[]string{"/send"}, true, gateAlways},
	{[]string{"/reset"}, true, gateAlways},
	{[]string{"/new"}, true, gateAlways},
	{[]string{"/compact"}, true, gateAlways},
	{[]string{"/think", "/thinking", "/t"}, true, gateAlways},
	{[]string{"/verbose", "/v"}, true, gateAlways},
	{[]string{"/fast"}, true, gateAlways},
	{[]string{"/reasoning", "/reason"}, true, gateAlways},
	{[]string{"/elevated", "/elev"}, true, gateAlways},
	{[]string{"/exec"}, true, gateAlways},
	{[]string{"/model"}, true, gateAlways},
	{[]string{"/models"}, true, gateAlways},
	{[]string{"/queue"}, true, gateAlways},
	{[]string{"/bash"}, true, gateBash},
}

var (
	aliasOnce  sync.Once
	aliasTable map[string]commandAlias // lower-cased alias -> command
)

func builtinAliases() map[string]commandAlias {
	aliasOnce.Do(func() {
		aliasTable = make(map[string]commandAlias, 64)
		for _, c := range builtinCommands {
			for _, a := range c.aliases {
				aliasTable[a] = commandAlias{canonical: c.aliases[0], acceptsArgs: c.acceptsArgs, gate: c.gate}
			}
		}
	})
	return aliasTable
}

// lookup finds a lower-cased alias among every command OpenClaw knows
// (getTextAliasMap: the disabled ones too, which normalizeCommandBody still
// canonicalises).
func (c *CommandConfig) lookup(lowered string) (commandAlias, bool) {
	if a, ok := builtinAliases()[lowered]; ok {
		return a, true
	}
	// defineDockCommand: key dock:<id>, aliases /dock-<id> and /dock_<id>.
	if len(lowered) > 6 && strings.HasPrefix(lowered, "/dock") && (lowered[5] == '-' || lowered[5] == '_') {
		id := lowered[6:]
		for _, d := range c.DockChannels {
			if ToLowerJS(d) == id {
				return commandAlias{canonical: "/dock-" + d, gate: gateAlways}, true
			}
		}
	}
	return commandAlias{}, false
}

func (c *CommandConfig) enabled(g commandGate) bool {
	switch g {
	case gateConfig:
		return c.Config
	case gateMCP:
		return c.MCP
	case gatePlugins:
		return c.Plugins
	case gateDebug:
		return c.Debug
	case gateBash:
		return c.Bash
	}
	return true
}

// lookupLower looks s up lower-cased (JS toLowerCase). Short ASCII text is
// folded in a stack buffer, so the common case allocates nothing.
func (c *CommandConfig) lookupLower(s string) (commandAlias, bool) {
	if !isASCII(s) {
		return c.lookup(ToLowerJS(s))
	}
	var buf [32]byte
	if len(s) > len(buf) {
		if len(c.DockChannels) == 0 {
			return commandAlias{}, false // longer than every built-in alias
		}
		return c.lookup(strings.ToLower(s))
	}
	b := buf[:len(s)]
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch >= 'A' && ch <= 'Z' {
			ch += 'a' - 'A'
		}
		b[i] = ch
	}
	if a, ok := builtinAliases()[string(b)]; ok {
		return a, true
	}
	if len(c.DockChannels) == 0 {
		return commandAlias{}, false
	}
	return c.lookup(string(b))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// HasControlCommand reports whether text is a chat command OpenClaw runs
// for this config (hasControlCommand(text, cfg)): after normalizeCommandBody,
// the whole text lower-cased is an enabled command's alias, or starts with
// one that takes arguments followed by whitespace. Text that does not start
// with "/" once trimmed costs one scan and no allocation.
func (c CommandConfig) HasControlCommand(text string) bool {
	trimmed := TrimJS(text)
	if trimmed == "" || trimmed[0] != '/' {
		return false // every alias starts with "/", which no other character lower-cases to
	}
	return c.hasControlCommandNormalized(c.normalizeCommandBody(trimmed, ""))
}

func (c *CommandConfig) hasControlCommandNormalized(body string) bool {
	if body == "" {
		return false
	}
	if a, ok := c.lookupLower(body); ok && c.enabled(a.gate) {
		return true
	}
	// An alias that takes arguments matches when the lower-cased body starts
	// with it and the next character of the body is \s. Aliases hold no
	// whitespace and the characters before it keep their length when
	// lower-cased (only U+0130 grows, and its "i\u0307" cannot be part of an
	// ASCII alias), so the alias can only be the body up to its first \s.
	i := indexJSSpace(body)
	if i < 0 {
		return false
	}
	a, ok := c.lookupLower(body[:i])
	return ok && a.acceptsArgs && c.enabled(a.gate)
}

// NormalizeCommandBody is normalizeCommandBody(text) as the command
// handlers see it: "/id" is "/whoami", "/status:" is "/status".
func (c CommandConfig) NormalizeCommandBody(text string) string {
	return c.normalizeCommandBody(TrimJS(text), "")
}

// IsControlCommandMessage is isControlCommandMessage(text, cfg): a control
// command, or an abort trigger ("stop", "please stop", "停止", ...).
func (c CommandConfig) IsControlCommandMessage(text string) bool {
	trimmed := TrimJS(text)
	if trimmed == "" {
		return false
	}
	if c.HasControlCommand(trimmed) {
		return true
	}
	return IsAbortTrigger(ToLowerJS(TrimJS(c.normalizeCommandBody(trimmed, ""))))
}

// IsAbortRequestText is isAbortRequestText(text): whether a reply run should
// be aborted by this message (/stop, or an abort trigger after command
// normalisation). It uses only the built-in commands' aliases.
func IsAbortRequestText(text string) bool {
	if text == "" {
		return false
	}
	var none CommandConfig
	normalized := TrimJS(none.normalizeCommandBody(text, ""))
	if normalized == "" {
		return false
	}
	lower := ToLowerJS(normalized)
	return lower == "/stop" || normalizeAbortTriggerText(lower) == "/stop" || IsAbortTrigger(lower)
}

// abortTriggers is ABORT_TRIGGERS (abort-primitives.ts).
var abortTriggers = map[string]bool{
	"stop": true, "esc": true, "abort": true, "wait": true, "exit": true, "interrupt": true, "detente": true,
	"deten": true, "detén": true, "arrete": true, "arrête": true, "停止": true, "やめて": true, "止めて": true,
	"रुको": true, "توقف": true, "стоп": true, "остановись": true, "останови": true, "остановить": true,
	"прекрати": true, "halt": true, "anhalten": true, "aufhören": true, "hoer auf": true, "stopp": true,
	"pare": true, "stop openclaw": true, "openclaw stop": true, "stop action": true, "stop current action": true,
	"stop run": true, "stop current run": true, "stop agent": true, "stop the agent": true,
	"stop don't do anything": true, "stop dont do anything": true, "stop do not do anything": true,
	"stop doing anything": true, "do not do that": true, "please stop": true, "stop please": true,
}

// IsAbortTrigger is isAbortTrigger(text).
func IsAbortTrigger(text string) bool {
	if text == "" {
		return false
	}
	return abortTriggers[normalizeAbortTriggerText(text)]
}

// normalizeAbortTriggerText: trim, lower-case, ’ and ` to ', \s runs to one
// space, then strip a trailing run of TRAILING_ABORT_PUNCTUATION_RE and trim.
func normalizeAbortTriggerText(text string) string {
	s := strings.Map(func(r rune) rune {
		if r == '’' || r == '`' {
			return '\''
		}
		return r
	}, collapseJSSpace(ToLowerJS(text)))
	end := len(s)
	for end > 0 {
		r, n := utf8.DecodeLastRuneInString(s[:end])
		if !strings.ContainsRune(".!?…,，。;；:：'\"’”)]}", r) {
			break
		}
		end -= n
	}
	return TrimJS(s[:end])
}

func isLineTerminator(r rune) bool {
	return r == '\n' || r == '\r' || r == 0x2028 || r == 0x2029
}

// indexJSSpace is the byte index of the first JS \s character, or -1.
func indexJSSpace(s string) int {
	for i, r := range s {
		if IsJSSpace(r) {
			return i
		}
	}
	return -1
}

// skipJSSpace returns the byte index after the run of JS \s starting at i.
func skipJSSpace(s string, i int) int {
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !IsJSSpace(r) {
			break
		}
		i += n
	}
	return i
}

func trimStartJS(s string) string { return s[skipJSSpace(s, 0):] }

func hasLineTerminator(s string) bool { return strings.IndexFunc(s, isLineTerminator) >= 0 }

// normalizeCommandBody ports normalizeCommandBody(raw, {botUsername}): the
// first line only, "/cmd: args" and "/cmd : args" become "/cmd args",
// "/cmd@<botUsername>" loses the mention (only when a bot username is given),
// and a known alias (any case, with arguments only if the command takes them)
// becomes the command's canonical alias. The regular expressions are
// expanded by hand; JS "." does not match line terminators, so a colon or
// mention form whose tail holds \r, U+2028 or U+2029 is left alone.
func (c *CommandConfig) normalizeCommandBody(raw, botUsername string) string {
	trimmed := TrimJS(raw)
	if !strings.HasPrefix(trimmed, "/") {
		return trimmed
	}
	singleLine := trimmed
	if nl := strings.IndexByte(trimmed, '\n'); nl >= 0 {
		singleLine = TrimJS(trimmed[:nl])
	}

	normalized := colonForm(singleLine)

	commandBody := normalized
	// /^\/([^\s@]+)@([^\s]+)(.*)$/, only with a bot username.
	if bot := ToLowerJS(TrimJS(botUsername)); bot != "" {
		if end := scanCommandToken(normalized, 1, '@'); end > 1 && end < len(normalized) && normalized[end] == '@' {
			userEnd := scanCommandToken(normalized, end+1, 0)
			if userEnd > end+1 && !hasLineTerminator(normalized[userEnd:]) && ToLowerJS(normalized[end+1:userEnd]) == bot {
				commandBody = normalized[:end] + normalized[userEnd:]
			}
		}
	}

	if a, ok := c.lookupLower(commandBody); ok {
		return a.canonical
	}
	// /^\/([^\s]+)(?:\s+([\s\S]+))?$/
	tokenEnd := scanCommandToken(commandBody, 1, 0)
	if tokenEnd == 1 {
		return commandBody
	}
	tail := commandBody[tokenEnd:]
	hasRest := false
	rest := ""
	if tail != "" {
		// \s+ then at least one character: a lone whitespace character does not match.
		_, n := utf8.DecodeRuneInString(tail)
		if n == len(tail) {
			return commandBody
		}
		hasRest = true
		k := skipJSSpace(tail, 0)
		if k == len(tail) { // all whitespace: \s+ gives the last character back
			_, last := utf8.DecodeLastRuneInString(tail)
			k = len(tail) - last
		}
		rest = tail[k:]
	}
	a, ok := c.lookupLower(commandBody[:tokenEnd])
	if !ok {
		return commandBody
	}
	if hasRest && !a.acceptsArgs {
		return commandBody
	}
	if r := trimStartJS(rest); r != "" {
		return a.canonical + " " + r
	}
	return a.canonical
}

// colonForm rewrites "/cmd: args" and "/cmd : args" as "/cmd args" (and
// "/cmd:" as "/cmd"): s.replace(/^\/([^\s:]+)\s*:(.*)$/, ...) on a string
// starting with "/". JS "." does not match line terminators, so a tail
// holding one is left alone.
func colonForm(s string) string {
	if !strings.HasPrefix(s, "/") {
		return s
	}
	end := scanCommandToken(s, 1, ':')
	if end <= 1 {
		return s
	}
	j := skipJSSpace(s, end)
	if j >= len(s) || s[j] != ':' || hasLineTerminator(s[j+1:]) {
		return s
	}
	if rest := trimStartJS(s[j+1:]); rest != "" {
		return s[:end] + " " + rest
	}
	return s[:end]
}

// scanCommandToken returns the end of the run of characters from i that are
// neither JS \s nor stop (0: no stop character).
func scanCommandToken(s string, i int, stop byte) int {
	for i < len(s) {
		if stop != 0 && s[i] == stop {
			break
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if IsJSSpace(r) {
			break
		}
		i += n
	}
	return i
}

// Authorizer is one allow list the command gate consults: whether it is
// configured (non-empty) and whether it allows the sender.
type Authorizer struct {
	Configured, Allowed bool
}

// ControlCommandGate is resolveDualTextControlCommandGate (and
// resolveControlCommandGate with allowTextCommands true and the default
// modeWhenAccessGroupsOff "allow"), src/channels/command-gating.ts in
// dist/dm-policy-shared-*.js. useAccessGroups is
// cfg.commands.useAccessGroups !== false. With access groups off every sender
// is authorised; with them on, a sender is authorised when some configured
// authorizer allows it. block: the message has a control command from an
// unauthorised sender (the iMessage monitor drops it in groups).
func ControlCommandGate(useAccessGroups bool, authorizers []Authorizer, hasControlCommand bool) (authorized, block bool) {
	if !useAccessGroups {
		authorized = true
	} else {
		for _, a := range authorizers {
			if a.Configured && a.Allowed {
				authorized = true
				break
			}
		}
	}
	return authorized, hasControlCommand && !authorized
}

// ---- What the command handlers do with an unauthorised sender's command ----
//
// OpenClaw 2026.3.24 runs its command handlers on every dispatched message
// whose command body starts with "/" (handleInlineActions, in
// dist/pi-embedded-*.js), whoever sent it. The body the handlers see is not
// the message text: initSessionState takes stripStructuralPrefixes(text),
// and buildCommandContext strips mentions in groups (stripMentions) before
// normalizeCommandBody. Most built-in handlers then check
// command.isAuthorizedSender and, for a sender not authorised for commands,
// log "Ignoring /x from unauthorized sender: ..." and stop the turn without
// a reply or an agent run. A group member who is admitted but not
// authorised is dropped by the monitor only when the text itself starts
// with a command; "@bot /status" gets dispatched and is swallowed here.

// currentMessageMarker is CURRENT_MESSAGE_MARKER (src/auto-reply/reply/history.ts).
const currentMessageMarker = "[Current message - respond to this]"

// HandlerCommandBody is command.commandBodyNormalized for a message whose
// BodyForCommands is text: stripStructuralPrefixes(text).trim()
// (initSessionState), mentions stripped in groups (stripMentions with the
// route agent's mention patterns; nil strips none but still removes
// "@<5+ digits>" tokens), then normalizeCommandBody without a bot
// username. The result holds no line terminators: the structural pass
// collapses all whitespace.
func (c CommandConfig) HandlerCommandBody(text string, group bool, mentions *MentionStripper) string {
	body := TrimJS(stripStructuralPrefixes(text))
	if group {
		body = mentions.Strip(body)
	}
	return c.normalizeCommandBody(body, "")
}

// stripStructuralPrefixes ports stripStructuralPrefixes
// (src/auto-reply/reply/mentions.ts, dist/reply-history-*.js): the text
// after the current-message marker, without [bracketed] segments, without
// "Label:" line prefixes, with literal "\n" sequences and whitespace runs
// as single spaces, trimmed.
func stripStructuralPrefixes(text string) string {
	if text == "" {
		return ""
	}
	if i := strings.Index(text, currentMessageMarker); i >= 0 {
		text = trimStartJS(text[i+len(currentMessageMarker):])
	}
	text = stripBracketed(text)
	text = stripLabelPrefixes(text)
	text = strings.ReplaceAll(text, `\n`, " ")
	return collapseJSSpace(text)
}

// stripBracketed is s.replace(/\[[^\]]+\]\s*/g, ""): a "[" up to the next
// "]" (at least one character between, newlines included) and the
// whitespace after it.
func stripBracketed(s string) string {
	if strings.IndexByte(s, '[') < 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '[' {
			continue
		}
		j := strings.IndexByte(s[i+1:], ']')
		if j < 0 {
			break // no "]" left: no later "[" can match either
		}
		if j == 0 {
			continue // "[]": [^\]]+ needs a character
		}
		end := skipJSSpace(s, i+1+j+1)
		b.WriteString(s[last:i])
		last = end
		i = end - 1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func isLabelByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
		c == '+' || c == '(' || c == ')' || c == '-' || c == '_' || c == '.' || c == ' '
}

// stripLabelPrefixes is s.replace(/^[ \t]*[A-Za-z0-9+()\-_. ]+:\s*/gm, "").
// At a line start the leading [ \t]* run may give back spaces (not tabs)
// to the label class, which also holds the space; the label needs at least
// one character and ends at the first character outside the class, which
// must be ":". Line starts are those of the original string, so a match
// whose \s* ran over a newline can be followed directly by another.
func stripLabelPrefixes(s string) string {
	var b strings.Builder
	last := 0
	for p := 0; p < len(s); {
		if p == 0 || isLineTerminator(prevRune(s, p)) {
			j := p
			for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
				j++
			}
			k := j
			for k < len(s) && isLabelByte(s[k]) {
				k++
			}
			if k < len(s) && s[k] == ':' && (k > j || j > p && s[j-1] == ' ') {
				end := skipJSSpace(s, k+1)
				b.WriteString(s[last:p])
				last = end
				if end > p {
					p = end
					continue
				}
			}
		}
		_, n := decodeRune(s[p:])
		p += n
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func prevRune(s string, p int) rune {
	r, _ := decodeLastRune(s[:p])
	return r
}

// collapseJSSpace is s.replace(/\s+/g, " ").trim().
func collapseJSSpace(s string) string {
	s = TrimJS(s)
	clean := true
	for i, r := range s {
		if IsJSSpace(r) && (r != ' ' || i+1 < len(s) && s[i+1] == ' ') {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	inSpace := false
	for _, r := range s {
		if IsJSSpace(r) {
			if !inSpace {
				b.WriteByte(' ')
			}
			inSpace = true
			continue
		}
		inSpace = false
		b.WriteRune(r)
	}
	return b.String()
}

// MentionStripper is the mention part of stripMentions
// (src/auto-reply/reply/mentions.ts, dist/reply-history-*.js) for an
// iMessage group message: every match of each mention pattern (compiled
// with flags "gi" through the safe-regex gate, as for matching) becomes a
// space, then "@" followed by five or more digits or "+", then whitespace
// runs become one space and the result is trimmed. The iMessage plugin
// adds no strip patterns of its own. Safe for concurrent use.
type MentionStripper struct {
	res []mentionRegex
}

type mentionRegex struct {
	re  *jsregex.Regexp
	src string // the trimmed source, as compiled
	// tailSrc is src for the end probe, which adds a capturing group after
	// src's own (number groups+1): a decimal escape \N that would now name
	// it, legacy octal or identity in src, is spelt out as what it was.
	tailSrc string
	groups  int // capturing groups in src
	// literal is src lower-cased when it is plain ASCII text without
	// metacharacters ("@openclaw"): JS's non-Unicode case folding never
	// maps other characters onto ASCII, so a case-insensitive search of
	// the ASCII bytes finds exactly its matches, without probes.
	literal string
}

// NewMentionStripper compiles the route agent's mention patterns
// (mentions.ts resolveMentionPatterns, as the plan resolves them); the
// patterns OpenClaw refuses are skipped as it skips them.
func NewMentionStripper(patterns []string) *MentionStripper {
	m := &MentionStripper{}
	for _, p := range patterns {
		re, src, _ := CompileSafeRegex(strings.ReplaceAll(p, "\b", `\b`), "gi")
		if re == nil {
			continue
		}
		groups, tailSrc := scanRegexSource(src)
		m.res = append(m.res, mentionRegex{re: re, src: src, tailSrc: tailSrc, groups: groups, literal: asciiLiteral(src)})
	}
	return m
}

// maxMentionProbes bounds the probe patterns one Strip compiles (a few
// dozen per match of a pattern that is not plain text): a long message
// full of mentions from a group member must not cost seconds. Past it the
// remaining matches stay in the text.
const maxMentionProbes = 256

// Strip is stripMentions(text) for a group message.
func (m *MentionStripper) Strip(text string) string {
	if m != nil {
		budget := maxMentionProbes
		for i := range m.res {
			text = m.res[i].replaceAll(text, &budget)
		}
	}
	return collapseJSSpace(stripPhoneMentions(text))
}

// stripPhoneMentions is s.replace(/@[0-9+]{5,}/g, " ").
func stripPhoneMentions(s string) string {
	if strings.IndexByte(s, '@') < 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '@' {
			continue
		}
		j := i + 1
		for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '+') {
			j++
		}
		if j-i-1 >= 5 {
			b.WriteString(s[last:i])
			b.WriteByte(' ')
			last = j
			i = j - 1
		}
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// replaceAll is text.replace(re, " ") for this "gi" pattern. jsregex only
// answers whether a pattern matches, so each match's span is found with
// probe patterns built around the source, on UTF-16 positions as in JS:
// the leftmost start at or after lastIndex p by bisecting on
// /^[\s\S]{p,q}(?:src)/, and the end of the match JS takes there (its
// first success in backtracking order, not the longest) by capturing the
// rest of the input inside a lookahead, which JS never re-enters once it
// succeeds: /^[\s\S]{i}(?=(?:src)([\s\S]*$))[\s\S]{k,}\N$/ holds exactly
// when that match is at least k units long. An empty match is replaced
// and lastIndex moves on by one unit. When a probe cannot be built or run
// (a match abandoned for time) or the budget of probes is spent, the
// matches not found by then stay in the text.
func (m *mentionRegex) replaceAll(text string, budget *int) string {
	if m.literal != "" {
		return replaceFoldASCII(text, m.literal)
	}
	if ok, err := m.re.MatchString(text); !ok || err != nil {
		return text
	}
	u := toUTF16(text)
	n := len(u)
	src := m.src
	tail := strconv.Itoa(m.groups + 1)
	var out []uint16
	last := 0
scan:
	for p := 0; p <= n; {
		found, ok := probeRegex(`^[\s\S]{`+strconv.Itoa(p)+`,`+strconv.Itoa(n)+`}(?:`+src+`)`, text, budget)
		if !ok || !found {
			break
		}
		lo, hi := p, n
		for lo < hi {
			mid := lo + (hi-lo)/2
			found, ok := probeRegex(`^[\s\S]{`+strconv.Itoa(p)+`,`+strconv.Itoa(mid)+`}(?:`+src+`)`, text, budget)
			if !ok {
				break scan
			}
			if found {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		start := lo
		lo, hi = 0, n-start
		for lo < hi {
			mid := lo + (hi-lo+1)/2
			found, ok := probeRegex(`^[\s\S]{`+strconv.Itoa(start)+`}(?=(?:`+m.tailSrc+`)([\s\S]*$))[\s\S]{`+strconv.Itoa(mid)+`,}\`+tail+`$`, text, budget)
			if !ok {
				break scan
			}
			if found {
				lo = mid
			} else {
				hi = mid - 1
			}
		}
		end := start + lo
		out = append(out, u[last:start]...)
		out = append(out, ' ')
		last = end
		if end == start {
			p = start + 1
		} else {
			p = end
		}
	}
	out = append(out, u[last:]...)
	return fromUTF16(out)
}

// asciiLiteral is src lower-cased if it is printable ASCII without regex
// metacharacters, else "".
func asciiLiteral(src string) string {
	for i := 0; i < len(src); i++ {
		if c := src[i]; c < ' ' || c > '~' || strings.IndexByte(`\^$.|?*+()[]{}`, c) >= 0 {
			return ""
		}
	}
	return strings.ToLower(src)
}

// replaceFoldASCII replaces every non-overlapping, leftmost match of the
// lower-case ASCII lit in s, compared ASCII-case-insensitively, by a space.
func replaceFoldASCII(s, lit string) string {
	var b strings.Builder
	last := 0
	for i := 0; i+len(lit) <= len(s); {
		if !hasPrefixFoldASCII(s[i:], lit) {
			i++
			continue
		}
		b.WriteString(s[last:i])
		b.WriteByte(' ')
		i += len(lit)
		last = i
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// probeRegex compiles pattern with the i flag and tests text, out of the
// budget; ok is false when the budget is spent, the pattern does not
// compile or the match was abandoned.
func probeRegex(pattern, text string, budget *int) (found, ok bool) {
	if *budget <= 0 {
		return false, false
	}
	*budget--
	re, err := jsregex.Compile(pattern, "i")
	if err != nil {
		return false, false
	}
	found, err = re.MatchString(text)
	return found, err == nil
}

// scanRegexSource counts the capturing groups of a JS pattern (plain and
// named; not (?:, lookarounds) and returns the source to put before one
// more group: a decimal escape outside a class whose value is groups+1 is
// not a back reference in src (Annex B: legacy octal, or an identity
// escape for 8 and 9) but would become one, so it is written out.
func scanRegexSource(src string) (groups int, tailSrc string) {
	type esc struct{ at, end, value int }
	var escapes []esc
	inClass := false
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '\\':
			if !inClass && i+1 < len(src) && src[i+1] >= '1' && src[i+1] <= '9' {
				v, j := 0, i+1
				for j < len(src) && src[j] >= '0' && src[j] <= '9' {
					if v < 1<<20 {
						v = v*10 + int(src[j]-'0')
					}
					j++
				}
				escapes = append(escapes, esc{i, j, v})
			}
			i++
		case inClass:
			inClass = c != ']'
		case c == '[':
			inClass = true
		case c == '(':
			switch {
			case i+1 >= len(src) || src[i+1] != '?':
				groups++
			case i+3 < len(src) && src[i+2] == '<' && src[i+3] != '=' && src[i+3] != '!':
				groups++
			}
		}
	}
	var b strings.Builder
	last := 0
	for _, e := range escapes {
		if e.value != groups+1 {
			continue
		}
		b.WriteString(src[last:e.at])
		digits := src[e.at+1 : e.end]
		if digits[0] >= '8' {
			b.WriteString(digits) // \8 is "8"; the digits after it are literal
		} else {
			// Up to three octal digits while the value stays below 256.
			v, k := 0, 0
			for k < len(digits) && digits[k] <= '7' && v*8+int(digits[k]-'0') < 256 {
				v = v*8 + int(digits[k]-'0')
				k++
			}
			b.WriteString(`\x` + hex.EncodeToString([]byte{byte(v)}) + digits[k:])
		}
		last = e.end
	}
	if last == 0 {
		return groups, src
	}
	b.WriteString(src[last:])
	return groups, b.String()
}

// IgnoredCommand is a built-in command handler that stops the turn for a
// sender not authorised for commands, with what OpenClaw logs (verbose).
type IgnoredCommand struct {
	// Label is the command as the log names it ("/status", "/reset",
	// "/export-session", "TTS command", the /subagents family's prefix).
	Label string
	// InGroup: /activation's "from unauthorized sender in group" wording.
	InGroup bool
	// Redacted: the handler goes through rejectUnauthorizedCommand
	// (src/auto-reply/reply/command-gates.ts), which logs the sender as
	// redactIdentifier(senderId), "sha256:" and 12 hex digits.
	Redacted bool
}

// LogLine is OpenClaw's verbose log line for senderID (ctx.SenderId; the
// command context trims it).
func (ic IgnoredCommand) LogLine(senderID string) string {
	id := TrimJS(senderID)
	switch {
	case ic.Redacted && id == "":
		id = "-"
	case ic.Redacted:
		sum := sha256.Sum256([]byte(id))
		id = "sha256:" + hex.EncodeToString(sum[:])[:12]
	case id == "":
		id = "<unknown>"
	}
	if ic.InGroup {
		return "Ignoring " + ic.Label + " from unauthorized sender in group: " + id
	}
	return "Ignoring " + ic.Label + " from unauthorized sender: " + id
}

// IgnoredForUnauthorized reports whether OpenClaw's command handlers
// swallow body (HandlerCommandBody's result) from a sender who is not
// authorised for commands: handleCommands' /new and /reset check, then the
// first built-in handler (loadCommandHandlers' order, in
// dist/commands-handlers.runtime-*.js and dist/pi-embedded-*.js) that
// claims the body and finds the sender unauthorised. Not swallowed: a body
// no handler claims (the agent runs: "/status please", "/id me", "/think",
// "/model"; the inline directives are no handlers) and the three bodies a
// handler answers before it looks at the sender (/activation outside a
// group, "/tools <other>", "/allowlist add|remove" without an entry).
// Skill commands (the workspace's skills) and plugin commands are not
// known here.
func (c CommandConfig) IgnoredForUnauthorized(body string, group bool) (IgnoredCommand, bool) {
	if !strings.HasPrefix(TrimJS(body), "/") {
		return IgnoredCommand{}, false // handleInlineActions runs no handler
	}
	plain := func(label string) (IgnoredCommand, bool) { return IgnoredCommand{Label: label}, true }
	redacted := func(label string) (IgnoredCommand, bool) { return IgnoredCommand{Label: label, Redacted: true}, true }
	bare := func(cmd string) bool { return body == cmd || strings.HasPrefix(body, cmd+" ") }
	switch {
	case commandWord(body, "/new") || commandWord(body, "/reset"): // /^\/(new|reset)(?:\s|$)/
		return plain("/reset")
	case c.isBtw(body):
		return redacted("/btw")
	case bare("/bash"):
		return redacted("/bash")
	case isWordCommand(c.activationForm(body), "/activation"):
		if !group {
			return IgnoredCommand{}, false // "⚙️ Group activation only applies to group chats."
		}
		return IgnoredCommand{Label: "/activation", InGroup: true}, true
	case c.isSendPolicy(body):
		return redacted("/send")
	case bare("/fast"):
		return plain("/fast")
	case bare("/usage"):
		return plain("/usage")
	case commandWord(body, "/session"):
		return plain("/session")
	case body == "/restart":
		return plain("/restart")
	case bare("/tts"):
		return plain("TTS command")
	case body == "/help":
		return plain("/help")
	case body == "/commands":
		return plain("/commands")
	case body == "/tools" || body == "/tools compact" || body == "/tools verbose":
		return plain("/tools")
	case strings.HasPrefix(body, "/tools "):
		return IgnoredCommand{}, false // "Usage: /tools [compact|verbose]"
	case body == "/status":
		return plain("/status")
	}
	if t := TrimJS(body); hasPrefixFoldASCII(t, "/allowlist") {
		if allowlistMissingEntry(t[len("/allowlist"):]) {
			return IgnoredCommand{}, false // "⚠️ Usage: /allowlist add|remove <entry>"
		}
		return redacted("/allowlist")
	}
	switch t := TrimJS(body); {
	case isApprove(t):
		return plain("/approve")
	case bare("/context"):
		return plain("/context")
	case bare("/export-session") || bare("/export"):
		return plain("/export-session")
	case body == "/whoami":
		return plain("/whoami")
	}
	for _, p := range []string{"/subagents", "/kill", "/steer", "/tell", "/focus", "/unfocus", "/agents"} {
		if strings.HasPrefix(body, p) { // resolveHandledPrefix: no word boundary
			return plain(p)
		}
	}
	switch t := TrimJS(body); {
	case strings.HasPrefix(body, "/acp"):
		return plain("/acp")
	case hasPrefixFoldASCII(t, "/mcp"): // parseSlashCommandActionArgs: no word boundary
		return redacted("/mcp")
	case isPluginsCommand(body):
		return redacted("/plugins")
	case hasPrefixFoldASCII(t, "/config"):
		return redacted("/config")
	case hasPrefixFoldASCII(t, "/debug"):
		return redacted("/debug")
	case strings.HasPrefix(t, "/models"):
		return redacted("/models")
	case body == "/stop":
		return redacted("/stop")
	case bare("/compact"):
		return plain("/compact")
	}
	return IgnoredCommand{}, false
}

// UnauthorizedCommand is IgnoredForUnauthorized(HandlerCommandBody(text,
// group, mentions), group): whether a dispatched message from a sender not
// authorised for commands ends in OpenClaw's command handlers, unanswered.
// Text without "/" costs one scan: no pass can put a "/" at the start.
func (c CommandConfig) UnauthorizedCommand(text string, group bool, mentions *MentionStripper) (IgnoredCommand, bool) {
	if strings.IndexByte(text, '/') < 0 {
		return IgnoredCommand{}, false
	}
	return c.IgnoredForUnauthorized(c.HandlerCommandBody(text, group, mentions), group)
}

// commandWord matches /^<cmd>(?:\s|$)/ (case-sensitive).
func commandWord(s, cmd string) bool {
	if !strings.HasPrefix(s, cmd) {
		return false
	}
	r, _ := decodeRune(s[len(cmd):])
	return len(s) == len(cmd) || IsJSSpace(r)
}

// isBtw is extractBtwQuestion(body) !== null:
// normalizeCommandBody(body).trim() matches /^\/btw(?:\s+(.*))?$/i.
func (c *CommandConfig) isBtw(body string) bool {
	t := TrimJS(c.normalizeCommandBody(body, ""))
	if !hasPrefixFoldASCII(t, "/btw") {
		return false
	}
	return restIsSpacedLine(t[len("/btw"):])
}

// restIsSpacedLine matches (?:\s+(.*))?$ without the m flag: nothing, or
// whitespace and then one line ("." stops at line terminators).
func restIsSpacedLine(rest string) bool {
	if rest == "" {
		return true
	}
	r, _ := decodeRune(rest)
	if !IsJSSpace(r) {
		return false
	}
	return !hasLineTerminator(rest[skipJSSpace(rest, 0):])
}

// activationForm is the string parseActivationCommand matches: trimmed,
// with the colon form rewritten.
func (c *CommandConfig) activationForm(body string) string { return colonForm(TrimJS(body)) }

// isSendPolicy is parseSendPolicyCommand(body).hasCommand: the trimmed
// body, normalised again, matches /^\/send(?:\s+([a-zA-Z]+))?\s*$/i.
func (c *CommandConfig) isSendPolicy(body string) bool {
	t := TrimJS(body)
	return t != "" && isWordCommand(c.normalizeCommandBody(t, ""), "/send")
}

// isWordCommand matches /^<cmd>(?:\s+([a-zA-Z]+))?\s*$/i.
func isWordCommand(s, cmd string) bool {
	if !hasPrefixFoldASCII(s, cmd) {
		return false
	}
	rest := s[len(cmd):]
	i := skipJSSpace(rest, 0)
	if i == len(rest) {
		return true
	}
	if i == 0 {
		return false
	}
	j := i
	for j < len(rest) && (rest[j] >= 'a' && rest[j] <= 'z' || rest[j] >= 'A' && rest[j] <= 'Z') {
		j++
	}
	return j > i && skipJSSpace(rest, j) == len(rest)
}

// isApprove is parseApproveCommand(body) !== null: the trimmed body
// matches /^\/approve@([^\s]+)(?:\s|$)/i or /^\/approve(?:\s|$)/i.
func isApprove(t string) bool {
	if !hasPrefixFoldASCII(t, "/approve") {
		return false
	}
	rest := t[len("/approve"):]
	if rest == "" {
		return true
	}
	r, _ := decodeRune(rest)
	if IsJSSpace(r) {
		return true
	}
	if rest[0] != '@' || len(rest) == 1 {
		return false
	}
	r, _ = decodeRune(rest[1:])
	return !IsJSSpace(r) // [^\s]+ then \s or the end always follows
}

// isPluginsCommand is parsePluginsCommand(body) !== null:
// /^\/plugins?(?:\s+(.*))?$/i.
func isPluginsCommand(body string) bool {
	if !hasPrefixFoldASCII(body, "/plugin") {
		return false
	}
	rest := body[len("/plugin"):]
	if restIsSpacedLine(rest) {
		return true
	}
	return rest != "" && (rest[0] == 's' || rest[0] == 'S') && restIsSpacedLine(rest[1:])
}

// allowlistMissingEntry is parseAllowlistCommand's error case: an add or
// remove action with no entry left after the scope, the flags and the
// channel=/account=/scope= settings.
func allowlistMissingEntry(rest string) bool {
	tokens := splitJSSpace(TrimJS(rest))
	if len(tokens) == 0 {
		return false // "/allowlist": list
	}
	action := ToLowerJS(tokens[0])
	if action != "add" && action != "remove" {
		return false // list, with or without the word
	}
	i := 1
	if i < len(tokens) {
		switch ToLowerJS(tokens[i]) {
		case "dm", "group", "all":
			i++
		}
	}
	for ; i < len(tokens); i++ {
		switch lowered := ToLowerJS(tokens[i]); lowered {
		case "--resolve", "resolve", "--config", "config", "--store", "store":
			continue
		case "--channel", "--account":
			if i+1 < len(tokens) {
				i++
				continue
			}
		}
		if kv := strings.Split(tokens[i], "="); len(kv) == 2 {
			switch key := ToLowerJS(TrimJS(kv[0])); key {
			case "channel", "account":
				continue
			case "scope":
				switch ToLowerJS(TrimJS(kv[1])) {
				case "dm", "group", "all":
					continue
				}
			}
		}
		return false // an entry token
	}
	return true
}

// splitJSSpace is s.split(/\s+/) for a trimmed, non-empty s.
func splitJSSpace(s string) []string {
	if s == "" {
		return nil
	}
	return strings.FieldsFunc(s, IsJSSpace)
}
