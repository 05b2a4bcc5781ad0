package monitor

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/openclawcfg/openclawcfg/plan"
	"github.com/openclawcfg/openclawcfg/runtime/imsg"
)

// Failure classes. OpenClaw restarts every failure blindly (10 times, then
// gives up); the runtime tells them apart: a permanent class stops the
// account at once with the fix in one sentence, a transient one restarts
// with OpenClaw's backoff.
const (
	ClassNotFound       = "not-found"       // cliPath does not exist (permanent)
	ClassRPCUnsupported = "rpc-unsupported" // imsg predates `imsg rpc` (permanent)
	ClassPermission     = "permission"      // no Full Disk Access (permanent)
	ClassTransport      = "transport"       // the ssh wrapper failed (auth and host keys permanent, network transient)
	ClassHung           = "hung"            // requests time out while the process lives (transient: restarted)
	ClassCrashed        = "crashed"         // imsg exited (transient)
	ClassNotReady       = "not-ready"       // probes kept failing for 30 s (transient)
	ClassState          = "state"           // the state store cannot be written (permanent)
)

// Failure is why an account's imsg stopped, and what to do.
type Failure struct {
	Class     string
	Message   string // what happened, with imsg's own words
	Fix       string // one sentence; "" when waiting is the fix
	Permanent bool
	// Deliberate marks an end the runtime chose (chat.db was replaced
	// and imsg must open the new file): restarted at once, and not
	// counted against the restart attempts.
	Deliberate bool
}

func (f *Failure) Error() string {
	s := f.Class + ": " + f.Message
	if f.Fix != "" {
		s += "; fix: " + f.Fix
	}
	return s
}

// stderrLog keeps the last lines imsg (or its ssh wrapper) wrote to
// stderr, for classification.
type stderrLog struct {
	mu    sync.Mutex
	lines []string
}

func (s *stderrLog) add(line string) {
	s.mu.Lock()
	s.lines = append(s.lines, line)
	if len(s.lines) > 20 {
		s.lines = s.lines[len(s.lines)-20:]
	}
	s.mu.Unlock()
}

func (s *stderrLog) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.lines, "\n")
}

// sshFailures map an ssh error line to its class's fix; permanent ones need
// a person, the rest are the network.
var sshFailures = []struct {
	needle    string
	permanent bool
	fix       string
}{
	{"Host key verification failed", true, "add the Mac's host key to ~/.ssh/known_hosts (ssh once by hand, or ssh-keyscan HOST >> ~/.ssh/known_hosts): the wrapper and SCP run with strict host key checking"},
	{"REMOTE HOST IDENTIFICATION HAS CHANGED", true, "the Mac's host key changed: check why, then replace its line in ~/.ssh/known_hosts"},
	{"Permission denied (publickey", true, "install this machine's SSH key for that user on the Mac (ssh-copy-id user@host); the wrapper runs non-interactively"},
	{"Permission denied", true, "fix the SSH login for the wrapper's user on the Mac (keys, AllowUsers)"},
	{"Could not resolve hostname", false, ""},
	{"Connection refused", false, ""},
	{"Connection timed out", false, ""},
	{"Operation timed out", false, ""},
	{"No route to host", false, ""},
	{"Network is unreachable", false, ""},
	{"Connection closed by", false, ""},
	{"Connection reset", false, ""},
}

// classify names the failure behind err (from the start-up wait, the
// subscribe, or the end of the process), using what imsg wrote on stderr.
func classify(err error, cliPath string, stderr string) *Failure {
	var f *Failure
	if errors.As(err, &f) {
		return f
	}
	msg := err.Error()
	for _, s := range sshFailures {
		if strings.Contains(stderr, s.needle) {
			return &Failure{Class: ClassTransport, Message: "the ssh wrapper failed: " + lastLineWith(stderr, s.needle), Fix: s.fix, Permanent: s.permanent}
		}
	}
	var nr *imsg.NotReadyError
	if errors.As(err, &nr) {
		if f := classifyProbe(nr.Last, cliPath); f != nil {
			return f
		}
		if nr.Fatal {
			return &Failure{
				Class: ClassRPCUnsupported, Message: nr.Last.Error,
				Fix: "update imsg to 0.9 or newer (brew upgrade imsg), or point cliPath at a newer build: " + resolved(cliPath) + " has no `rpc` subcommand", Permanent: true,
			}
		}
		return &Failure{Class: ClassNotReady, Message: msg}
	}
	if f := classifyRPC(err, cliPath); f != nil {
		return f
	}
	var se *imsg.SpawnError
	if errors.As(err, &se) {
		return notFound(cliPath, se.Error())
	}
	var te *imsg.TimeoutError
	if errors.As(err, &te) {
		return &Failure{Class: ClassHung, Message: msg}
	}
	return &Failure{Class: ClassCrashed, Message: msg}
}

func classifyProbe(r imsg.ProbeResult, cliPath string) *Failure {
	// `rpc --help` runs apart from the client: its output is r.Error.
	for _, s := range sshFailures {
		if strings.Contains(r.Error, s.needle) {
			return &Failure{Class: ClassTransport, Message: "the ssh wrapper failed: " + lastLineWith(r.Error, s.needle), Fix: s.fix, Permanent: s.permanent}
		}
	}
	if strings.HasPrefix(r.Error, "imsg not found") {
		return notFound(cliPath, r.Error)
	}
	var se *imsg.SpawnError
	if errors.As(r.Err, &se) {
		return notFound(cliPath, se.Error())
	}
	if r.Err != nil {
		return classifyRPC(r.Err, cliPath)
	}
	return nil
}

func notFound(cliPath, msg string) *Failure {
	return &Failure{
		Class: ClassNotFound, Message: msg,
		Fix: "install imsg on this machine or set channels.imessage.cliPath to its full path (now " + strings.TrimSpace(cliPath) + ")", Permanent: true,
	}
}

// classifyRPC recognises imsg's start-up error without Full Disk Access
// (imsg-rpc.md §1.9: every request fails with "unable to open database
// file ... Full Disk Access").
func classifyRPC(err error, cliPath string) *Failure {
	var re *imsg.RPCError
	if !errors.As(err, &re) {
		return nil
	}
	data := string(re.Data)
	if strings.Contains(data, "Full Disk Access") || strings.Contains(data, "Permission Error") || strings.Contains(data, "authorization denied") {
		first := re.Message
		if d := strings.TrimSpace(strings.SplitN(strings.Trim(data, `"`), `\n`, 2)[0]); d != "" {
			first += ": " + d
		}
		return &Failure{
			Class: ClassPermission, Message: first,
			Fix: "give Full Disk Access to " + resolved(cliPath) + " (System Settings → Privacy & Security → Full Disk Access; for a wrapper, to the imsg it runs on the Mac), then restart", Permanent: true,
		}
	}
	return nil
}

// resolved is the binary behind cliPath, symlinks followed: the exact file
// macOS grants permissions to.
func resolved(cliPath string) string {
	p := strings.TrimSpace(cliPath)
	if !strings.ContainsRune(p, '/') {
		if lp, err := exec.LookPath(p); err == nil {
			p = lp
		}
	}
	if strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(home, p[2:])
		}
	}
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return p
}

func lastLineWith(text, needle string) string {
	lines := strings.Split(text, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.Contains(lines[i], needle) {
			return strings.TrimSpace(lines[i])
		}
	}
	return needle
}

// sendFix is the fix for a send imsg refused, when a person can act.
func sendFix(err error, a *plan.Account) string {
	var re *imsg.RPCError
	if !errors.As(err, &re) {
		return ""
	}
	data := string(re.Data)
	switch {
	case strings.Contains(data, "-1743") || strings.Contains(data, "Not authorized to send Apple events"):
		return "allow " + resolved(a.CLIPathExpanded) + " to control Messages (System Settings → Privacy & Security → Automation)"
	case strings.Contains(data, "unjoined empty outgoing row"):
		return "Messages dropped the send (the macOS ghost-row bug): sending to the chat again usually works; update imsg"
	}
	return ""
}
