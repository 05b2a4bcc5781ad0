package openclaw

import (
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// A literal transcription of OpenClaw's normalizeCommandBody and
// hasControlCommand with its regular expressions (Go's regexp prefers the
// same leftmost-first matches as JS here; \s and "." are spelled out as JS
// defines them), used to check the hand-expanded port on arbitrary input.
const (
	jsS   = `[\t\n\v\f\r \x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{feff}]`
	jsNS  = `[^\t\n\v\f\r \x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{feff}]`
	jsDot = `[^\n\r\x{2028}\x{2029}]`
)

var (
	refColon   = regexp.MustCompile(`^/((?:[^:\t\n\v\f\r \x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{feff}])+)` + jsS + `*:(` + jsDot + `*)$`)
	refMention = regexp.MustCompile(`^/((?:[^@\t\n\v\f\r \x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{feff}])+)@(` + jsNS + `+)(` + jsDot + `*)$`)
	refToken   = regexp.MustCompile(`^/(` + jsNS + `+)(?:` + jsS + `+([\s\S]+))?$`)
)

func refNormalizeCommandBody(c *CommandConfig, raw, botUsername string) string {
	trimmed := TrimJS(raw)
	if !strings.HasPrefix(trimmed, "/") {
		return trimmed
	}
	singleLine := trimmed
	if nl := strings.Index(trimmed, "\n"); nl >= 0 {
		singleLine = TrimJS(trimmed[:nl])
	}
	normalized := singleLine
	if m := refColon.FindStringSubmatch(singleLine); m != nil {
		if rest := trimStartJS(m[2]); rest != "" {
			normalized = "/" + m[1] + " " + rest
		} else {
			normalized = "/" + m[1]
		}
	}
	commandBody := normalized
	if bot := ToLowerJS(TrimJS(botUsername)); bot != "" {
		if m := refMention.FindStringSubmatch(normalized); m != nil && ToLowerJS(m[2]) == bot {
			commandBody = "/" + m[1] + m[3]
		}
	}
	if a, ok := c.lookup(ToLowerJS(commandBody)); ok {
		return a.canonical
	}
	m := refToken.FindStringSubmatchIndex(commandBody)
	if m == nil {
		return commandBody
	}
	token := commandBody[m[2]:m[3]]
	a, ok := c.lookup("/" + ToLowerJS(token))
	if !ok {
		return commandBody
	}
	hasRest := m[4] >= 0
	if hasRest && !a.acceptsArgs {
		return commandBody
	}
	if hasRest {
		if r := trimStartJS(commandBody[m[4]:m[5]]); r != "" {
			return a.canonical + " " + r
		}
	}
	return a.canonical
}

func refHasControlCommand(c CommandConfig, text string) bool {
	trimmed := TrimJS(text)
	if trimmed == "" {
		return false
	}
	body := refNormalizeCommandBody(&c, trimmed, "")
	if body == "" {
		return false
	}
	lowered := ToLowerJS(body)
	body16 := utf16.Encode([]rune(body))
	var aliases []commandAlias
	var names []string
	for _, cmd := range builtinCommands {
		for _, a := range cmd.aliases {
			aliases = append(aliases, commandAlias{acceptsArgs: cmd.acceptsArgs, gate: cmd.gate})
			names = append(names, a)
		}
	}
	for _, d := range c.DockChannels {
		for _, a := range []string{"/dock-" + d, "/dock_" + d} {
			aliases = append(aliases, commandAlias{})
			names = append(names, ToLowerJS(a))
		}
	}
	for i, a := range aliases {
		if !c.enabled(a.gate) {
			continue
		}
		if lowered == names[i] {
			return true
		}
		n := len(utf16.Encode([]rune(names[i])))
		if a.acceptsArgs && strings.HasPrefix(lowered, names[i]) && n < len(body16) && isJSSpace16(body16[n]) {
			return true
		}
	}
	return false
}

func TestHasControlCommandExamples(t *testing.T) {
	imessageOnly := CommandConfig{}
	for text, want := range map[string]bool{
		"/status":          true,
		"  /STATUS \n":     true,
		"/status now":      false, // /status takes no arguments
		"/status: ":        true,
		"/think high":      true,
		"/t: low":          true,
		"/thinkhigh":       false,
		"/ status":         false,
		"/status@bot":      false, // no bot username on iMessage
		"hello /status":    false,
		"/new\nhello":      true,  // only the first line counts
		"/bash ls":         false, // commands.bash is off
		"/config show":     false,
		"/\u212aill 1":     true,  // Kelvin sign lower-cases to k
		"/think\u200bhigh": false, // U+200B is not \s
		"/think\u00a0high": true,
		"/dock-telegram":   false,
	} {
		if got := imessageOnly.HasControlCommand(text); got != want {
			t.Errorf("HasControlCommand(%q) = %v, want %v", text, got, want)
		}
	}
	all := CommandConfig{Bash: true, Config: true, DockChannels: []string{"telegram"}}
	for text, want := range map[string]bool{"/bash ls": true, "/config": true, "/debug": false, "/DOCK_Telegram": true, "/dock-telegram x": false} {
		if got := all.HasControlCommand(text); got != want {
			t.Errorf("with flags: HasControlCommand(%q) = %v, want %v", text, got, want)
		}
	}
}

func TestControlCommandGate(t *testing.T) {
	cases := []struct {
		access      bool
		auths       []Authorizer
		cmd         bool
		auth, block bool
	}{
		{false, nil, true, true, false},
		{true, nil, true, false, true},
		{true, []Authorizer{{true, false}, {false, true}}, true, false, true}, // allowed by an unconfigured list does not count
		{true, []Authorizer{{true, false}, {true, true}}, true, true, false},
		{true, []Authorizer{{true, false}}, false, false, false},
	}
	for _, c := range cases {
		auth, block := ControlCommandGate(c.access, c.auths, c.cmd)
		if auth != c.auth || block != c.block {
			t.Errorf("ControlCommandGate(%v, %v, %v) = %v, %v; want %v, %v", c.access, c.auths, c.cmd, auth, block, c.auth, c.block)
		}
	}
}

var fuzzCommandSeeds = []string{
	"/status", "/think: high", "/t:\u2028x", "/status@openclaw now", "/\u0130d", "/new \u3000", "/a  ", "/x\r\ny",
	"/dock_telegram:", "stop please!", "/\u212aill\u00a0x", "/export-session:\t x", "/ΣTATUS", "/@", "/:x", "",
}

func FuzzHasControlCommand(f *testing.F) {
	for _, s := range fuzzCommandSeeds {
		f.Add(s, "openclaw")
	}
	configs := []CommandConfig{{}, {Config: true, MCP: true, Plugins: true, Debug: true, Bash: true, DockChannels: []string{"telegram", "Discord"}}}
	f.Fuzz(func(t *testing.T, text, bot string) {
		for _, c := range configs {
			if got, want := c.HasControlCommand(text), refHasControlCommand(c, text); got != want {
				t.Fatalf("HasControlCommand(%q) = %v, reference %v (%+v)", text, got, want, c)
			}
			if got, want := c.normalizeCommandBody(text, bot), refNormalizeCommandBody(&c, text, bot); got != want {
				t.Fatalf("normalizeCommandBody(%q, %q) = %q, reference %q", text, bot, got, want)
			}
			c.IsControlCommandMessage(text)
		}
		IsAbortRequestText(text)
	})
}

func BenchmarkHasControlCommand(b *testing.B) {
	var c CommandConfig
	plain := strings.Repeat("see you at the station at five, ", 4)[:100]
	b.Run("plain-100", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c.HasControlCommand(plain)
		}
	})
	b.Run("status", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c.HasControlCommand("/status")
		}
	})
	b.Run("think-args", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c.HasControlCommand("/Think: high")
		}
	})
}

// A literal transcription of stripStructuralPrefixes for text without \r,
// U+2028 and U+2029 (Go's (?m)^ knows only \n as a line end).
var (
	refBracketed = regexp.MustCompile(`\[[^\]]+\]` + jsS + `*`)
	refLabel     = regexp.MustCompile(`(?m)^[ \t]*[A-Za-z0-9+()\-_. ]+:` + jsS + `*`)
	refSpaces    = regexp.MustCompile(jsS + `+`)
)

func refStripStructuralPrefixes(text string) string {
	if i := strings.Index(text, currentMessageMarker); i >= 0 {
		text = trimStartJS(text[i+len(currentMessageMarker):])
	}
	text = refBracketed.ReplaceAllString(text, "")
	text = refLabel.ReplaceAllString(text, "")
	text = strings.ReplaceAll(text, `\n`, " ")
	return TrimJS(refSpaces.ReplaceAllString(text, " "))
}

// refStripMention is stripMentions for one literal ASCII pattern, with Go's
// case folding (the same as JS's for ASCII patterns once U+017F and U+212A,
// which Go folds into s and k, are kept out of the text).
func refStripMention(text, literal string) string {
	re := regexp.MustCompile(`(?i)` + regexp.QuoteMeta(literal))
	text = re.ReplaceAllString(text, " ")
	text = regexp.MustCompile(`@[0-9+]{5,}`).ReplaceAllString(text, " ")
	return TrimJS(refSpaces.ReplaceAllString(text, " "))
}

func isSimpleLiteral(p string) bool {
	if p == "" {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '@' || c == ' ' || c == '#') {
			return false
		}
	}
	return true
}

func FuzzCommandGate(f *testing.F) {
	for _, s := range []string{
		"@openclaw /status", "Note: /help", "[x] /whoami", "a:\n\nb: /status", "  : /new x", "\t: /btw", "🦞@openclaw🦞 /status",
		"@15551234567 /status", "x\u2028y: /help", "[Current message - respond to this] /tools verbose", "/allowlist add --channel",
	} {
		f.Add(s, "@openclaw")
	}
	f.Add("hey bot /status", `\bbot\b`)
	f.Add("aaa /status", "a*")
	f.Add("x🦞 /status", "x.")
	f.Fuzz(func(t *testing.T, text, pattern string) {
		if !utf8.ValidString(text) || !utf8.ValidString(pattern) || len(text) > 300 || len(pattern) > 40 {
			return
		}
		var c CommandConfig
		ms := NewMentionStripper([]string{pattern})
		for _, group := range []bool{false, true} {
			body := c.HandlerCommandBody(text, group, ms)
			if hasLineTerminator(body) || body != TrimJS(body) {
				t.Fatalf("HandlerCommandBody(%q) = %q: line terminator or untrimmed", text, body)
			}
			if ig, ok := c.IgnoredForUnauthorized(body, group); ok && !strings.HasPrefix(ig.LogLine("x"), "Ignoring ") {
				t.Fatalf("log line %q", ig.LogLine("x"))
			}
		}
		if !strings.ContainsAny(text, "\r\u2028\u2029") {
			if got, want := stripStructuralPrefixes(text), refStripStructuralPrefixes(text); got != want {
				t.Fatalf("stripStructuralPrefixes(%q) = %q, reference %q", text, got, want)
			}
		}
		if lit := TrimJS(pattern); isSimpleLiteral(lit) && !strings.ContainsAny(text, "\u017f\u212a") {
			want := refStripMention(text, lit)
			if got := ms.Strip(text); got != want {
				t.Fatalf("Strip(%q) with %q = %q, reference %q", text, pattern, got, want)
			}
			// The same through the probes that general patterns take.
			probed := NewMentionStripper([]string{pattern})
			probed.res[0].literal = ""
			if got := probed.Strip(text); got != want {
				t.Fatalf("probed Strip(%q) with %q = %q, reference %q", text, pattern, got, want)
			}
		}
	})
}

func TestMentionStripBudget(t *testing.T) {
	ms := NewMentionStripper([]string{`\bbot\b`})
	if got := ms.Strip("bot, bot  /status bot"); got != ", /status" {
		t.Fatalf("Strip = %q", got)
	}
	// A long message full of mentions costs a bounded number of probes;
	// the matches past the budget stay.
	start := time.Now()
	got := ms.Strip(strings.Repeat("bot ", 2000) + "/status")
	if d := time.Since(start); d > 20*time.Second {
		t.Fatalf("Strip took %v", d)
	}
	if !strings.HasPrefix(got, "bot bot") || !strings.HasSuffix(got, " /status") || len(got) >= 4*2000 {
		t.Fatalf("Strip = %.40q...", got)
	}
}

func BenchmarkHandlerCommandBody(b *testing.B) {
	var c CommandConfig
	ms := NewMentionStripper([]string{"@openclaw"})
	b.Run("dm-plain", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c.HandlerCommandBody("see you at the station at five", false, nil)
		}
	})
	b.Run("group-mention-status", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c.HandlerCommandBody("@openclaw /status", true, ms)
		}
	})
	derived := NewMentionStripper([]string{`\b@?Clawd\b`}) // deriveMentionPatterns for identity.name "Clawd"
	b.Run("group-derived-mention-status", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c.HandlerCommandBody("@Clawd /status", true, derived)
		}
	})
	b.Run("group-no-mention", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c.HandlerCommandBody("lunch at noon? /status", true, ms)
		}
	})
	b.Run("ignored", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c.IgnoredForUnauthorized("/status", true)
		}
	})
}
