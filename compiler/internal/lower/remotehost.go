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

func lowerRemoteHost(m obj, src *source, cliPath string, opt Options) plan.RemoteHost {
	r := plan.RemoteHost{Source: plan.RemoteNone, Origin: plan.Origin{Kind: plan.OriginDefault}}
	if v, ok := m.str("remoteHost"); ok {
		if h, safe := openclaw.NormalizeScpRemoteHost(v); safe {
			return plan.RemoteHost{Host: h, Source: plan.RemoteFromConfig, Origin: src.origin("remoteHost")}
		}
		r.Source = plan.RemoteUnsafe
		r.Origin = src.origin("remoteHost")
		r.WrapperNotes = append(r.WrapperNotes, "the configured remoteHost is unsafe; OpenClaw ignores it and tries detection")
	}
	raw, _ := m.str("cliPath")
	if raw == "" || raw == "imsg" {
		return r
	}
	b, err := opt.ReadFile(cliPath)
	if err == nil && bytes.IndexByte(b, 0) >= 0 {
		return r // a binary (imsg itself): nothing to detect, nothing to say
	}
	if err != nil {
		r.WrapperNotes = append(r.WrapperNotes, "cliPath wrapper not readable at compile time ("+safefile.Reason(err)+"); OpenClaw reads it on the gateway at start")
		return r
	}
	text := string(b)
	host, at := "", -1
	if loc := wrapperRE().userHost.FindStringSubmatchIndex(text); loc != nil {
		host, at = text[loc[2]:loc[3]], loc[0]
	} else if loc := wrapperRE().hostImsg.FindStringSubmatchIndex(text); loc != nil {
		host, at = text[loc[2]:loc[3]], loc[0]
	}
	r.WrapperNotes = append(r.WrapperNotes, WrapperShape(text)...)
	if at >= 0 {
		line := text[strings.LastIndexByte(text[:at], '\n')+1:]
		if i := strings.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
		}
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "#") {
			// Only what was detected is quoted, never the line: the
			// wrapper may hold anything, and notes reach logs and plans.
			r.WrapperNotes = append(r.WrapperNotes, "the host "+strconv.Quote(host)+" was detected from a comment line (line "+strconv.Itoa(strings.Count(text[:at], "\n")+1)+" of the wrapper), as OpenClaw's regex does; set remoteHost explicitly")
		} else if wrapperRE().jump.MatchString(" "+t+" ") || strings.Contains(t, "ProxyJump") {
			r.WrapperNotes = append(r.WrapperNotes, "with ProxyJump the detected host "+strconv.Quote(host)+" may be the jump host, not the Mac")
		}
	}
	if host == "" {
		if wrapperRE().ssh.MatchString(text) {
			r.WrapperNotes = append(r.WrapperNotes, "the wrapper runs ssh but no target was detected in it: attachments are read as local paths; set remoteHost")
		}
		return r
	}
	h, safe := openclaw.NormalizeScpRemoteHost(host)
	if !safe {
		r.WrapperNotes = append(r.WrapperNotes, "detected host "+strconv.Quote(host)+" is unsafe and ignored")
		return r
	}
	return plan.RemoteHost{Host: h, Source: plan.RemoteDetected, Origin: plan.Origin{Kind: plan.OriginDerived, Path: src.origin("cliPath").Path,
		Note: "detected from the cliPath wrapper script"}, WrapperNotes: r.WrapperNotes}
}

// WrapperShape lists ways a wrapper script departs from the plain
// `exec ssh ... imsg "$@"` form that detection and stdio expect.
func WrapperShape(text string) []string {
	var notes []string
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
		notes = append(notes, "the ssh line does not start with exec: the shell stays in between and signals may not reach ssh")
	}
	if strings.Contains(sshLine, "ProxyJump") || wrapperRE().jump.MatchString(sshLine) {
		notes = append(notes, "ProxyJump is not understood by remoteHost detection or by scp's default config: set remoteHost explicitly")
	}
	if wrapperRE().port.MatchString(sshLine) || strings.Contains(sshLine, "Port=") {
		notes = append(notes, "a port is given on the ssh line: detection drops it and scp uses port 22; put the port in ~/.ssh/config")
	}
	if strings.Contains(sshLine, "|") {
		notes = append(notes, "the ssh line pipes output: pipes buffer JSON-RPC over stdio and can stall imsg rpc")
	}
	if !strings.Contains(sshLine, `"$@"`) {
		notes = append(notes, `the ssh line does not pass "$@": imsg will not receive the rpc arguments`)
	}
	return notes
}
