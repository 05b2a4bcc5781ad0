package openclaw

import (
	"strings"
	"sync"
	"unicode/utf8"
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
	s := ToLowerJS(TrimJS(text))
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
		if r == '’' || r == '`' {
			r = '\''
		}
		b.WriteRune(r)
	}
	s = b.String()
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

	normalized := singleLine
	// /^\/([^\s:]+)\s*:(.*)$/
	if end := scanCommandToken(singleLine, 1, ':'); end > 1 {
		j := skipJSSpace(singleLine, end)
		if j < len(singleLine) && singleLine[j] == ':' && !hasLineTerminator(singleLine[j+1:]) {
			rest := trimStartJS(singleLine[j+1:])
			if rest != "" {
				normalized = singleLine[:end] + " " + rest
			} else {
				normalized = singleLine[:end]
			}
		}
	}

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
