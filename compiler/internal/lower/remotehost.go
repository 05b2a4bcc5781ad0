package lower

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/openclawcfg/openclawcfg/compiler/internal/safefile"
	"github.com/openclawcfg/openclawcfg/internal/openclaw"
	"github.com/openclawcfg/openclawcfg/plan"
)

// The two detection regexes of detectRemoteHostFromCliPath, first match
// wins; plus the patterns WrapperShape looks for.
// Compiled on first use, so `vet` never pays for them at start-up.
var wrapperRE = sync.OnceValue(func() struct{ userHost, hostImsg, ssh, jump, port *regexp.Regexp } {
	return struct{ userHost, hostImsg, ssh, jump, port *regexp.Regexp }{
		regexp.MustCompile(`\bssh\b[^\n]*?\s+([a-zA-Z0-9._-]+@[a-zA-Z0-9._-]+)`),
		regexp.MustCompile(`\bssh\b[^\n]*?\s+([a-zA-Z][a-zA-Z0-9._-]*)\s+\S*\bimsg\b`),
		regexp.MustCompile(`\bssh\b`),
		regexp.MustCompile(`\s-J\s`),
		regexp.MustCompile(`\s-p\s*\d+`),
	}
})

// WrapperCode is what one note about the cliPath wrapper is about, so the
// lints act on facts rather than on the note's words.
type WrapperCode string

const (
	WrapperUnsafeConfigured WrapperCode = "unsafe-configured" // remoteHost is unsafe, detection runs
	WrapperUnreadable       WrapperCode = "unreadable"        // not readable at compile time
	WrapperCommentLine      WrapperCode = "comment-line"      // the host came from a comment
	WrapperJumpHost         WrapperCode = "jump-host"         // the detected host may be the jump host
	WrapperNoTarget         WrapperCode = "no-target"         // ssh, but no host detected
	WrapperUnsafeDetected   WrapperCode = "unsafe-detected"   // the detected host is unsafe
	WrapperNoExec           WrapperCode = "no-exec"           // the ssh line does not exec
	WrapperProxyJump        WrapperCode = "proxy-jump"        // ProxyJump on the ssh line
	WrapperPort             WrapperCode = "port"              // a port on the ssh line
	WrapperPipe             WrapperCode = "pipe"              // the ssh line pipes output
	WrapperNoArgs           WrapperCode = "no-args"           // the ssh line does not pass "$@"
)

// NeedsRemoteHost reports whether the note's remedy is to set remoteHost
// explicitly (rather than to write the wrapper in the plain form).
func (c WrapperCode) NeedsRemoteHost() bool {
	return c == WrapperCommentLine || c == WrapperNoTarget || c == WrapperProxyJump || c == WrapperAmbiguous
}

// WrapperNote is one thing remote-host detection saw in the cliPath
// wrapper: Text goes into the plan's WrapperNotes, Code to the lints.
type WrapperNote struct {
	Code WrapperCode
	Text string
}

// lowerRemoteHost lowers the remote host and records the wrapper notes
// by code for the lints, under the account's listed key (two keys may
// normalise to one id).
func (l *lowering) lowerRemoteHost(m obj, src *provenance, cliPath, listed string) plan.RemoteHost {
	lowerFn := lowerRemoteHost
	if l.v96 {
		lowerFn = lowerRemoteHost96
	}
	r, notes := lowerFn(m, src, cliPath, l.opt)
	if len(notes) > 0 {
		if l.wrapper == nil {
			l.wrapper = map[string][]WrapperNote{}
		}
		l.wrapper[listed] = notes
	}
	for _, n := range notes {
		r.WrapperNotes = append(r.WrapperNotes, n.Text)
	}
	return r
}

func lowerRemoteHost(m obj, src *provenance, cliPath string, opt Options) (plan.RemoteHost, []WrapperNote) {
	r, notes, done := configuredRemoteHost(m, src, true, "the configured remoteHost is unsafe; OpenClaw ignores it and tries detection")
	if done {
		return r, nil
	}
	note := func(c WrapperCode, text string) { notes = append(notes, WrapperNote{c, text}) }
	raw, _ := m.str("cliPath")
	if raw == "" || raw == "imsg" {
		return r, notes
	}
	b, err := opt.ReadFile(cliPath)
	if err == nil && bytes.IndexByte(b, 0) >= 0 {
		return r, notes // a binary (imsg itself): nothing to detect, nothing to say
	}
	if err != nil {
		note(WrapperUnreadable, "cliPath wrapper not readable at compile time ("+safefile.Reason(err)+"); OpenClaw reads it on the gateway at start")
		return r, notes
	}
	text := string(b)
	host, at := "", -1
	if loc := wrapperRE().userHost.FindStringSubmatchIndex(text); loc != nil {
		host, at = text[loc[2]:loc[3]], loc[0]
	} else if loc := wrapperRE().hostImsg.FindStringSubmatchIndex(text); loc != nil {
		host, at = text[loc[2]:loc[3]], loc[0]
	}
	notes = append(notes, wrapperShape(text)...)
	if at >= 0 {
		line := text[strings.LastIndexByte(text[:at], '\n')+1:]
		if i := strings.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
		}
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "#") {
			// Only what was detected is quoted, never the line: the
			// wrapper may hold anything, and notes reach logs and plans.
			note(WrapperCommentLine, "the host "+strconv.Quote(host)+" was detected from a comment line (line "+strconv.Itoa(strings.Count(text[:at], "\n")+1)+" of the wrapper), as OpenClaw's regex does; set remoteHost explicitly")
		} else if wrapperRE().jump.MatchString(" "+t+" ") || strings.Contains(t, "ProxyJump") {
			note(WrapperJumpHost, "with ProxyJump the detected host "+strconv.Quote(host)+" may be the jump host, not the Mac")
		}
	}
	if host == "" {
		if wrapperRE().ssh.MatchString(text) {
			note(WrapperNoTarget, "the wrapper runs ssh but no target was detected in it: attachments are read as local paths; set remoteHost")
		}
		return r, notes
	}
	h, safe := openclaw.NormalizeScpRemoteHost(host)
	if !safe {
		note(WrapperUnsafeDetected, "detected host "+strconv.Quote(host)+" is unsafe and ignored")
		return r, notes
	}
	return plan.RemoteHost{Host: h, Source: plan.RemoteDetected, Origin: plan.Origin{
		Kind: plan.OriginDerived, Path: src.origin("cliPath").Path,
		Note: "detected from the cliPath wrapper script",
	}}, notes
}

// configuredRemoteHost is where both releases start: a safe configured
// remoteHost wins (done); an unsafe one (a blank one too, when
// blankUnsafe) is ignored with the note unsafe, and detection follows.
func configuredRemoteHost(m obj, src *provenance, blankUnsafe bool, unsafe string) (plan.RemoteHost, []WrapperNote, bool) {
	r := plan.RemoteHost{Source: plan.RemoteNone, Origin: plan.Origin{Kind: plan.OriginDefault}}
	v, ok := m.str("remoteHost")
	if !ok {
		return r, nil, false
	}
	if h, safe := openclaw.NormalizeScpRemoteHost(v); safe {
		return plan.RemoteHost{Host: h, Source: plan.RemoteFromConfig, Origin: src.origin("remoteHost")}, nil, true
	}
	if !blankUnsafe && openclaw.TrimJS(v) == "" {
		return r, nil, false
	}
	r.Source, r.Origin = plan.RemoteUnsafe, src.origin("remoteHost")
	return r, []WrapperNote{{WrapperUnsafeConfigured, unsafe}}, false
}

// wrapperShape lists ways a wrapper script departs from the plain
// `exec ssh ... imsg "$@"` form that detection and stdio expect.
func wrapperShape(text string) []WrapperNote {
	var notes []WrapperNote
	note := func(c WrapperCode, text string) { notes = append(notes, WrapperNote{c, text}) }
	var sshLine string
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "#") {
			continue
		}
		if wrapperRE().ssh.MatchString(t) {
			sshLine = t
			break
		}
	}
	if sshLine == "" {
		return nil
	}
	if !strings.HasPrefix(sshLine, "exec ") {
		note(WrapperNoExec, "the ssh line does not start with exec: the shell stays in between and signals may not reach ssh")
	}
	if strings.Contains(sshLine, "ProxyJump") || wrapperRE().jump.MatchString(sshLine) {
		note(WrapperProxyJump, "ProxyJump is not understood by remoteHost detection or by scp's default config: set remoteHost explicitly")
	}
	if wrapperRE().port.MatchString(sshLine) || strings.Contains(sshLine, "Port=") {
		note(WrapperPort, "a port is given on the ssh line: detection drops it and scp uses port 22; put the port in ~/.ssh/config")
	}
	if strings.Contains(sshLine, "|") {
		note(WrapperPipe, "the ssh line pipes output: pipes buffer JSON-RPC over stdio and can stall imsg rpc")
	}
	if !strings.Contains(sshLine, `"$@"`) {
		note(WrapperNoArgs, `the ssh line does not pass "$@": imsg will not receive the rpc arguments`)
	}
	return notes
}
