package lower

import (
	"bytes"
	"regexp"
	"strings"
	"sync"

	"github.com/openclawcfg/openclawcfg/compiler/internal/safefile"
	"github.com/openclawcfg/openclawcfg/internal/openclaw"
	"github.com/openclawcfg/openclawcfg/plan"
)

// WrapperAmbiguous: 2026.9.6 stops the account, since the wrapper runs ssh
// but is not its one transparent form.
const WrapperAmbiguous WrapperCode = "ambiguous-ssh"

// jsSpace is JavaScript's \s, for the patterns below (RE2's \s is ASCII).
const jsSpace = `\t\n\v\f\r \x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{feff}`

// The patterns of @openclaw/imessage 2026.9.6's remote-host.ts, with
// JavaScript's \s spelt out. RE2 picks submatches as a backtracking engine
// does (leftmost-first), which is what the optional -T needs.
// Compiled on first use, so `vet` never pays for them at start-up.
var wrapper96RE = sync.OnceValue(func() struct{ line, tokens *regexp.Regexp } {
	tok := `(?:"[^"]+"|'[^']+'|[^` + jsSpace + `"']+)`
	return struct{ line, tokens *regexp.Regexp }{
		regexp.MustCompile(`^exec[` + jsSpace + `]+(` + tok + `)[` + jsSpace + `]+(?:-T[` + jsSpace + `]+)?([^` + jsSpace + `]+)[` + jsSpace + `]+(` + tok + `)[` + jsSpace + `]+"\$@"$`),
		regexp.MustCompile(`"[^"\r\n]*"|'[^'\r\n]*'|[^` + jsSpace + `"'` + "`" + `;&|()<>\\]+`),
	}
})

// lowerRemoteHost96 is resolveIMessageRemoteHost of @openclaw/imessage
// 2026.9.6: a safe configured remoteHost wins; an unsafe one is ignored;
// otherwise a cliPath that is a path is read, and only the one-line form
// `exec ssh [-T] HOST imsg "$@"` yields a host. Any other wrapper that
// runs ssh is ambiguous, and 2026.9.6 throws when the account starts.
func lowerRemoteHost96(m obj, src *provenance, cliPath string, opt Options) (plan.RemoteHost, []WrapperNote) {
	r, notes, done := configuredRemoteHost(m, src, false, "the configured remoteHost is unsafe; OpenClaw 2026.9.6 ignores it (logged at verbose level only) and tries detection")
	if done {
		return r, nil
	}
	note := func(c WrapperCode, text string) { notes = append(notes, WrapperNote{c, text}) }
	if key := openclaw.TrimJS(cliPath); key == "" || !strings.ContainsAny(key, `/\`) {
		return r, notes // a bare command name: nothing to read
	}
	b, err := opt.ReadFile(cliPath)
	if err == nil && bytes.IndexByte(b, 0) >= 0 {
		return r, notes // a binary (imsg itself)
	}
	if err != nil {
		note(WrapperUnreadable, "cliPath wrapper not readable at compile time ("+safefile.Reason(err)+"); OpenClaw reads it on the gateway when the account starts")
		return r, notes
	}
	dest, ambiguous := parseRemoteHost96(string(b))
	switch {
	case ambiguous:
		note(WrapperAmbiguous, `OpenClaw 2026.9.6 stops this account ("iMessage SSH cliPath wrapper is not the simple transparent form; configure channels.imessage.remoteHost explicitly."): the wrapper runs ssh but is not one line exec ssh [-T] HOST imsg "$@"`)
		return r, notes
	case dest == "":
		return r, notes
	}
	return plan.RemoteHost{Host: dest, Source: plan.RemoteDetected, Origin: plan.Origin{
		Kind: plan.OriginDerived, Path: src.origin("cliPath").Path,
		Note: "detected from the cliPath wrapper script",
	}}, notes
}

// parseRemoteHost96 is parseRemoteHost: the safe host of the one-line
// form, or ambiguous for a wrapper that runs ssh otherwise (an unsafe
// host included); neither for a script without ssh.
func parseRemoteHost96(content string) (host string, ambiguous bool) {
	sshLike := func() bool {
		for _, t := range wrapper96RE().tokens.FindAllString(content, -1) {
			if isExecutable96(t, "ssh") {
				return true
			}
		}
		return false
	}
	if strings.Contains(content, "\\\n") || strings.Contains(content, "\\\r\n") {
		return "", sshLike()
	}
	var lines []string
	for _, l := range strings.Split(strings.ReplaceAll(content, "\r\n", "\n"), "\n") {
		if t := openclaw.TrimJS(l); t != "" {
			lines = append(lines, t)
		}
	}
	if len(lines) > 0 && strings.HasPrefix(lines[0], "#!") {
		lines = lines[1:]
	}
	if len(lines) != 1 {
		return "", sshLike()
	}
	m := wrapper96RE().line.FindStringSubmatch(lines[0])
	if m == nil || !isExecutable96(m[1], "ssh") || !isExecutable96(m[3], "imsg") {
		return "", sshLike()
	}
	h, safe := openclaw.NormalizeScpRemoteHost(m[2])
	if !safe {
		return "", true
	}
	return h, false
}

// isExecutable96 is isExecutable: the token, unquoted, is name or an
// absolute path ending in /name; a token with a stray quote is not.
func isExecutable96(token, name string) bool {
	if len(token) >= 2 && (token[0] == '"' || token[0] == '\'') && token[len(token)-1] == token[0] {
		token = token[1 : len(token)-1]
	} else if strings.ContainsAny(token, `"'`) {
		return false
	}
	if token == "" {
		return false
	}
	return token == name || strings.HasPrefix(token, "/") && token[strings.LastIndexByte(token, '/')+1:] == name
}
