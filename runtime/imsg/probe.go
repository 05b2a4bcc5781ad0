package imsg

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
)

// ProbeResult is OpenClaw's probeIMessage result.
type ProbeResult struct {
	OK bool
	// Fatal: retrying cannot help (the imsg CLI has no rpc subcommand).
	Fatal bool
	// Error is OpenClaw's text for the failure, e.g. "imsg not found
	// (imsg)", `imsg CLI does not support the "rpc" subcommand (update
	// imsg)`, or "Error: imsg rpc timeout (chats.list)".
	Error string
	// Err is the typed cause behind Error when there is one (*RPCError,
	// *TimeoutError, *ExitError, *SpawnError, ...).
	Err error
}

const (
	rpcUnsupported = `imsg CLI does not support the "rpc" subcommand (update imsg)`
	maxHelpOutput  = 1 << 20
)

// Probe ports OpenClaw's probeIMessage (extensions/imessage/src/probe.ts,
// dist/imessage-VIY7pCuj.js): detectBinary, then `<cli> rpc --help`
// (cached per cliPath when it shows support or fatal lack of it), then a
// client on the same Config asked `chats.list {"limit":1}`; that client is
// always stopped. timeout (0 means 10 s) bounds the --help run and the
// request. It takes the client's Config, rather than loose paths, so the
// probe starts exactly the process the client will.
func Probe(ctx context.Context, cfg Config, timeout time.Duration) ProbeResult {
	cli := openclaw.TrimJS(cfg.CLIPath)
	if cli == "" {
		cli = "imsg"
	}
	if timeout <= 0 {
		timeout = DefaultRequestTimeout
	}
	env := cfg.Env
	if env == nil {
		env = os.Environ()
	}
	if !detectBinary(cli, env, cfg.Dir) {
		return ProbeResult{Error: "imsg not found (" + cli + ")"}
	}
	sup := probeRPCSupport(ctx, cli, timeout, env, cfg.Dir)
	if !sup.supported {
		msg := sup.err
		if msg == "" {
			msg = "imsg rpc unavailable"
		}
		return ProbeResult{Error: msg, Fatal: sup.fatal, Err: sup.cause}
	}
	cfg.CLIPath = cli
	cfg.Env = env
	cfg.RequestTimeout = timeout
	c, err := Start(ctx, cfg)
	if err != nil {
		// Node reports a failed spawn through the request: "Error: spawn …".
		return ProbeResult{Error: "Error: " + err.Error(), Err: err}
	}
	err = c.Call(ctx, "chats.list", json.RawMessage(`{"limit":1}`), nil)
	c.Stop(context.WithoutCancel(ctx))
	if err != nil {
		return ProbeResult{Error: "Error: " + err.Error(), Err: err}
	}
	return ProbeResult{OK: true}
}

// detectBinary ports src/infra/detect-binary.ts: an unsafe value is
// absent; a path-like one (after "~" expansion) must exist; a bare name must
// be found in PATH (OpenClaw runs `/usr/bin/env which <name>`).
func detectBinary(name string, env []string, dir string) bool {
	if openclaw.TrimJS(name) == "" || openclaw.ExecutableProblem(name) != "" {
		return false
	}
	resolved := name
	if strings.HasPrefix(name, "~") {
		resolved = resolveUserPath(name, getenvFrom(env))
	}
	if filepath.IsAbs(resolved) || strings.HasPrefix(resolved, ".") || strings.ContainsAny(resolved, `/\`) {
		if dir != "" && !filepath.IsAbs(resolved) {
			resolved = filepath.Join(dir, resolved)
		}
		_, err := os.Stat(resolved) // fs.access(F_OK)
		return err == nil
	}
	_, err := lookPath(name, envPath(env))
	return err == nil
}

func getenvFrom(env []string) func(string) string {
	return func(k string) string {
		for i := len(env) - 1; i >= 0; i-- {
			if v, ok := strings.CutPrefix(env[i], k+"="); ok {
				return v
			}
		}
		return ""
	}
}

type rpcSupport struct {
	supported, fatal bool
	err              string
	cause            error
}

// rpcSupportCache is probe.ts's module-level cache: support and fatal
// non-support are remembered per cliPath for the process's life.
var (
	rpcSupportMu    sync.Mutex
	rpcSupportCache = map[string]rpcSupport{}
)

// probeRPCSupport ports probeRpcSupport: run `<cli> rpc --help` (stdin
// /dev/null where Node inherits it; OPENCLAW_CLI=1 added to the
// environment as runCommandWithTimeout does; killed at the timeout).
func probeRPCSupport(ctx context.Context, cli string, timeout time.Duration, env []string, dir string) rpcSupport {
	rpcSupportMu.Lock()
	cached, ok := rpcSupportCache[cli]
	rpcSupportMu.Unlock()
	if ok {
		return cached
	}
	stdout, stderr, code, err := runHelp(ctx, cli, timeout, append(env[:len(env):len(env)], "OPENCLAW_CLI=1"), dir)
	if err != nil {
		return rpcSupport{err: "Error: " + err.Error(), cause: err}
	}
	s := classifyHelp(stdout, stderr, code)
	if s.supported || s.fatal {
		rpcSupportMu.Lock()
		rpcSupportCache[cli] = s
		rpcSupportMu.Unlock()
	}
	return s
}

// classifyHelp is probeRpcSupport's verdict on the --help run; code is -1
// when Node would report null (killed by a signal or at the timeout).
func classifyHelp(stdout, stderr []byte, code int) rpcSupport {
	combined := openclaw.TrimJS(string(sanitizeUTF8(stdout)) + "\n" + string(sanitizeUTF8(stderr)))
	lower := openclaw.ToLowerJS(combined)
	if strings.Contains(lower, "unknown command") && strings.Contains(lower, "rpc") {
		return rpcSupport{fatal: true, err: rpcUnsupported}
	}
	if code == 0 {
		return rpcSupport{supported: true}
	}
	if combined != "" {
		return rpcSupport{err: combined}
	}
	c := "unknown"
	if code >= 0 {
		c = strconv.Itoa(code)
	}
	return rpcSupport{err: "imsg rpc --help failed (code " + c + ")"}
}

// runHelp runs `<cli> rpc --help` in its own process group, SIGKILLing
// the group at the timeout or when ctx ends.
func runHelp(ctx context.Context, cli string, timeout time.Duration, env []string, dir string) (stdout, stderr []byte, code int, err error) {
	var outb, errb cappedBuffer
	cmd, err := spawn(cli, []string{"rpc", "--help"}, env, dir, nil, &outb, &errb)
	if err != nil {
		return nil, nil, -1, err
	}
	cmd.WaitDelay = time.Second // a grandchild holding the pipes cannot hang us
	waitErr := make(chan error, 1)
	go func() { waitErr <- cmd.Wait() }()
	t := time.NewTimer(timeout)
	defer t.Stop()
	killed := false
	select {
	case <-waitErr:
	case <-t.C:
		killed = true
	case <-ctx.Done():
		killed = true
	}
	if killed {
		signalGroup(cmd.Process.Pid, sigKill)
		<-waitErr
	}
	code = -1
	if ps := cmd.ProcessState; ps != nil && !killed {
		code, _ = exitStatus(ps)
	}
	return outb.Bytes(), errb.Bytes(), code, nil
}

// cappedBuffer keeps the first maxHelpOutput bytes written to it.
type cappedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if room := maxHelpOutput - c.b.Len(); room > 0 {
		c.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (c *cappedBuffer) Bytes() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.b.Bytes()
}
