package imsg

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/openclawcfg/openclawcfg/internal/jsonscan"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
)

// Defaults, as OpenClaw 2026.3.24 has them where it has them.
const (
	DefaultRequestTimeout = 10 * time.Second       // DEFAULT_IMESSAGE_PROBE_TIMEOUT_MS
	DefaultStopGrace      = 500 * time.Millisecond // IMessageRpcClient.stop
	DefaultKillGrace      = 2 * time.Second        // ours: OpenClaw never escalates past SIGTERM
	maxLineDefault        = 16 << 20               // a line beyond this is skipped and reported
)

const (
	exitDrainDefault  = 2 * time.Second // how long stdout may stay open after the child exits
	slowNotification  = time.Second     // a handler slower than this is logged
	abandonedCapacity = 256             // timed-out ids remembered to name late responses
	maxLoggedLine     = 1024
)

// Config says how to start `imsg rpc`.
type Config struct {
	// CLIPath is the imsg executable (or a wrapper). It is trimmed; empty
	// means "imsg". It is not "~"-expanded (OpenClaw's config load does
	// that, and the plan holds the expanded value). A bare name is looked up
	// in the PATH of Env, as Node's spawn does.
	CLIPath string
	// DBPath, when not blank, is passed as --db after OpenClaw's
	// resolveUserPath: trimmed, "~" expanded, made absolute.
	DBPath string
	// Env is the child's environment; nil inherits this process's.
	Env []string
	// Dir is the child's working directory; "" inherits ours.
	Dir string
	// Logger receives parse failures, stderr lines ("imsg rpc: <line>" at
	// error level, as OpenClaw logs them) and protocol oddities. nil means
	// slog.Default().
	Logger *slog.Logger
	// RequestTimeout bounds each Call; 0 means DefaultRequestTimeout and a
	// negative value means none (the context still applies).
	RequestTimeout time.Duration
	// OnNotification receives every notification (a line with a method and
	// no id), in wire order, from the single goroutine that reads stdout.
	// While it runs nothing else is read: responses wait, and once the pipe
	// fills imsg itself blocks writing. It must therefore return quickly,
	// typically by handing the notification to a queue it drains elsewhere;
	// a handler that takes over a second is logged. Params aliases nothing
	// and may be kept.
	OnNotification func(Notification)
	// OnNoise, when set, receives each stdout line that is not a JSON-RPC
	// message (a banner, a wrapper's chatter) instead of it being logged
	// line by line, so the caller can aggregate and classify them.
	OnNoise func(line string)
	// OnStderr, when set, receives each stderr line instead of it being
	// logged (a wrapper's "Host key verification failed", imsg's errors).
	OnStderr func(line string)
	// StopGrace is how long Stop waits after closing stdin before SIGTERM;
	// 0 means DefaultStopGrace (OpenClaw's 500 ms). imsg 0.14+ drains
	// accepted requests on EOF, so a longer grace avoids turning an accepted
	// send into an unknown outcome.
	StopGrace time.Duration
	// KillGrace is how long Stop waits after SIGTERM before SIGKILL; 0
	// means DefaultKillGrace.
	KillGrace time.Duration

	maxLine   int           // tests; 0 means maxLineDefault
	exitDrain time.Duration // tests; 0 means exitDrainDefault
}

// Notification is a JSON-RPC notification from imsg ("message", "error").
type Notification struct {
	Method string
	Params json.RawMessage // nil when the line had no params
}

// Client speaks JSON-RPC 2.0 over newline-framed stdio with one
// `imsg rpc` process. Call and Notify are safe for concurrent use.
type Client struct {
	cfg Config
	log *slog.Logger
	cmd *exec.Cmd // nil for an in-process pipe (tests, benchmarks)

	stdin  *os.File
	stdout *os.File
	stderr *os.File // nil for an in-process pipe

	wsem    chan struct{} // serialises writes; a channel so waiting can time out
	dlMu    sync.Mutex    // guards dlToken and stdin's write deadline
	dlToken uint64

	mu        sync.Mutex
	nextID    uint64
	pending   map[string]*pendingCall // nil once the process has ended
	abandoned map[string]string       // timed-out id -> method
	abOrder   []string
	stopping  bool
	exitErr   *ExitError

	readerDone chan struct{}
	stderrDone chan struct{}
	done       chan struct{}
	stopMu     sync.Mutex // one Stop sequence at a time
}

type pendingCall struct {
	method string
	want   bool // the caller wants the result
	ch     chan reply
}

type reply struct {
	result []byte
	err    error
}

// Start spawns `<CLIPath> rpc [--db <DBPath>]` (argv only, never a shell)
// with piped stdio in a new process group, as OpenClaw's
// createIMessageRpcClient does. ctx bounds only the start, not the
// process's life: end that with Stop.
func Start(ctx context.Context, cfg Config) (*Client, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	cli := openclaw.TrimJS(cfg.CLIPath)
	if cli == "" {
		cli = "imsg"
	}
	args := []string{"rpc"}
	if db := openclaw.TrimJS(cfg.DBPath); db != "" {
		args = append(args, "--db", resolveUserPath(db, os.Getenv))
	}
	env := cfg.Env
	if env == nil {
		env = os.Environ()
	}

	var files [6]*os.File // stdin r/w, stdout r/w, stderr r/w
	closeAll := func() {
		for _, f := range files {
			if f != nil {
				f.Close()
			}
		}
	}
	for i := 0; i < 6; i += 2 {
		r, w, err := os.Pipe()
		if err != nil {
			closeAll()
			return nil, err
		}
		files[i], files[i+1] = r, w
	}
	cmd, err := spawn(cli, args, env, cfg.Dir, files[0], files[3], files[5])
	// The child's ends belong to the child now (or to nobody).
	files[0].Close()
	files[3].Close()
	files[5].Close()
	if err != nil {
		files[1].Close()
		files[2].Close()
		files[4].Close()
		return nil, err
	}
	c := newClient(cfg, files[1], files[2], files[4])
	c.cmd = cmd
	c.run()
	return c, nil
}

// spawn starts argv with the given stdio; a bare name is found in env's
// PATH, and a file the kernel cannot execute (no #! line) is run by
// /bin/sh, as Node's spawn (libuv, execvp) does.
func spawn(cli string, args, env []string, dir string, stdin io.Reader, stdout, stderr io.Writer) (*exec.Cmd, error) {
	path := cli
	if !strings.ContainsAny(cli, `/\`) {
		p, err := lookPath(cli, envPath(env))
		if err != nil {
			return nil, &SpawnError{Path: cli, Err: err}
		}
		path = p
	}
	mk := func(path string, argv []string) *exec.Cmd {
		return &exec.Cmd{
			Path: path, Args: argv, Env: env, Dir: dir,
			Stdin: stdin, Stdout: stdout, Stderr: stderr, SysProcAttr: sysProcAttr(),
		}
	}
	cmd := mk(path, append([]string{cli}, args...))
	err := cmd.Start()
	if err != nil && isENOEXEC(err) {
		cmd = mk("/bin/sh", append([]string{"/bin/sh", path}, args...))
		err = cmd.Start()
	}
	if err != nil {
		return nil, &SpawnError{Path: cli, Err: unwrapPathError(err)}
	}
	return cmd, nil
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// envPath is PATH as the child will see it (the last entry wins, as in
// exec.Cmd's environment de-duplication).
func envPath(env []string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(env[i], "PATH="); ok {
			return v
		}
	}
	return ""
}

// lookPath finds an executable regular file named name in pathList (an
// empty element is the working directory), like `which` and execvp.
func lookPath(name, pathList string) (string, error) {
	for _, dir := range filepath.SplitList(pathList) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0 {
			if !filepath.IsAbs(p) && !strings.HasPrefix(p, ".") {
				p = "." + string(filepath.Separator) + p
			}
			return p, nil
		}
	}
	return "", exec.ErrNotFound
}

func newClient(cfg Config, stdin, stdout, stderr *os.File) *Client {
	if cfg.RequestTimeout == 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.StopGrace <= 0 {
		cfg.StopGrace = DefaultStopGrace
	}
	if cfg.KillGrace <= 0 {
		cfg.KillGrace = DefaultKillGrace
	}
	if cfg.maxLine <= 0 {
		cfg.maxLine = maxLineDefault
	}
	if cfg.exitDrain <= 0 {
		cfg.exitDrain = exitDrainDefault
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Client{
		cfg: cfg, log: log,
		stdin: stdin, stdout: stdout, stderr: stderr,
		wsem:       make(chan struct{}, 1),
		pending:    map[string]*pendingCall{},
		abandoned:  map[string]string{},
		readerDone: make(chan struct{}),
		stderrDone: make(chan struct{}),
		done:       make(chan struct{}),
	}
}

func (c *Client) run() {
	go c.readLoop()
	if c.stderr != nil {
		go c.stderrLoop()
	} else {
		close(c.stderrDone)
	}
	go c.waitLoop()
}

// Done is closed once the process has ended and every pending call has
// failed; ExitErr then says why.
func (c *Client) Done() <-chan struct{} { return c.done }

// ExitErr returns nil while the process runs, then the *ExitError saying
// how it ended (for a clean exit too: OpenClaw rejects pending requests
// with "imsg rpc closed" then).
func (c *Client) ExitErr() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.exitErr == nil {
		return nil
	}
	return c.exitErr
}

// Pid is the imsg process's id (0 for an in-process pipe).
func (c *Client) Pid() int {
	if c.cmd == nil || c.cmd.Process == nil {
		return 0
	}
	return c.cmd.Process.Pid
}

// Call sends {"jsonrpc":"2.0","id":N,"method":method,"params":params}
// (nil params become {}) and waits for the response, the request timeout,
// ctx or the end of the process. Ids count up from 1. A non-nil result
// receives the response's result with encoding/json.
//
// Errors: *RPCError (an error response), *TimeoutError (ErrTimeout;
// Sent says whether imsg can have seen the request), *ExitError
// (ErrClosed), ErrNotRunning (after Stop), *WriteError (imsg's stdin is
// closed; not delivered), *ResultError, *ResponseTooLargeError, or an
// error encoding params.
func (c *Client) Call(ctx context.Context, method string, params any, result any) error {
	pj, err := marshalParams(params)
	if err != nil {
		return errors.New("imsg rpc " + method + ": encoding params: " + err.Error())
	}
	c.mu.Lock()
	if c.exitErr != nil {
		c.mu.Unlock()
		return c.exitErr
	}
	if c.stopping {
		c.mu.Unlock()
		return ErrNotRunning
	}
	c.nextID++
	id := c.nextID
	key := strconv.FormatUint(id, 10)
	p := &pendingCall{method: method, want: result != nil, ch: make(chan reply, 1)}
	c.pending[key] = p
	c.mu.Unlock()

	line := appendRequest(make([]byte, 0, 64+len(method)+len(pj)), key, method, pj)
	var timeout <-chan time.Time
	var deadline time.Time
	if d := c.cfg.RequestTimeout; d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timeout, deadline = t.C, time.Now().Add(d)
	}
	timeoutErr := func(sent bool) *TimeoutError {
		e := &TimeoutError{Method: method, ID: id, Sent: sent}
		if err := ctx.Err(); err != nil {
			e.Cause = err
		} else {
			e.Timeout = c.cfg.RequestTimeout
		}
		return e
	}

	sent, err := c.write(ctx, line, timeout, deadline)
	if err != nil {
		if r, answered := c.abandon(key, p, sent); answered {
			return c.finishCall(method, r, result)
		}
		switch {
		case errors.Is(err, errWaitTimedOut):
			return timeoutErr(sent)
		case errors.Is(err, errProcessEnded):
			return c.ExitErr()
		}
		return &WriteError{Method: method, Err: err}
	}
	select {
	case r := <-p.ch:
		return c.finishCall(method, r, result)
	case <-timeout:
	case <-ctx.Done():
	}
	if r, answered := c.abandon(key, p, true); answered {
		return c.finishCall(method, r, result)
	}
	return timeoutErr(true)
}

// Notify sends an id-less request. imsg 0.9 answers it only with an
// error (id null, logged); imsg 0.14+ never answers it.
func (c *Client) Notify(method string, params any) error {
	pj, err := marshalParams(params)
	if err != nil {
		return errors.New("imsg rpc " + method + ": encoding params: " + err.Error())
	}
	c.mu.Lock()
	ended, stopping := c.exitErr, c.stopping
	c.mu.Unlock()
	if ended != nil {
		return ended
	}
	if stopping {
		return ErrNotRunning
	}
	line := appendRequest(make([]byte, 0, 64+len(method)+len(pj)), "", method, pj)
	var timeout <-chan time.Time
	var deadline time.Time
	if d := c.cfg.RequestTimeout; d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timeout, deadline = t.C, time.Now().Add(d)
	}
	sent, err := c.write(context.Background(), line, timeout, deadline)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, errWaitTimedOut):
		return &TimeoutError{Method: method, Sent: sent, Timeout: c.cfg.RequestTimeout}
	case errors.Is(err, errProcessEnded):
		return c.ExitErr()
	}
	return &WriteError{Method: method, Err: err}
}

var (
	errWaitTimedOut = errors.New("timed out")
	errProcessEnded = errors.New("process ended")
)

// write sends one line with writes serialised. A write that blocks (imsg
// not reading; the pipe is full) is cut at the deadline or when ctx ends.
// sent reports whether any byte went out: a line cut midway is finished
// in the background, holding the write lock, so framing survives.
func (c *Client) write(ctx context.Context, line []byte, timeout <-chan time.Time, deadline time.Time) (sent bool, err error) {
	select {
	case c.wsem <- struct{}{}:
	case <-timeout:
		return false, errWaitTimedOut
	case <-ctx.Done():
		return false, errWaitTimedOut
	case <-c.done:
		return false, errProcessEnded
	}
	if d, ok := ctx.Deadline(); ok && (deadline.IsZero() || d.Before(deadline)) {
		deadline = d
	}
	c.dlMu.Lock()
	c.dlToken++
	tok := c.dlToken
	c.stdin.SetWriteDeadline(deadline)
	c.dlMu.Unlock()
	stop := context.AfterFunc(ctx, func() {
		c.dlMu.Lock()
		if c.dlToken == tok {
			c.stdin.SetWriteDeadline(time.Unix(1, 0))
		}
		c.dlMu.Unlock()
	})
	n, err := c.stdin.Write(line)
	stop()
	c.dlMu.Lock()
	c.dlToken++
	c.stdin.SetWriteDeadline(time.Time{})
	c.dlMu.Unlock()

	switch {
	case err == nil:
		<-c.wsem
		return true, nil
	case errors.Is(err, os.ErrDeadlineExceeded):
		if n == 0 {
			<-c.wsem
			return false, errWaitTimedOut
		}
		go func() {
			c.stdin.Write(line[n:]) // fails only once stdin is closed
			<-c.wsem
		}()
		return true, errWaitTimedOut
	}
	<-c.wsem
	select {
	case <-c.done:
		return false, errProcessEnded
	default:
	}
	return false, err
}

// abandon withdraws a pending call. If a reply got there first (a
// response, or the process's end), it returns that reply instead.
func (c *Client) abandon(key string, p *pendingCall, remember bool) (reply, bool) {
	c.mu.Lock()
	if _, ok := c.pending[key]; ok {
		delete(c.pending, key)
		if remember {
			if len(c.abOrder) >= abandonedCapacity {
				delete(c.abandoned, c.abOrder[0])
				c.abOrder = c.abOrder[1:]
			}
			c.abandoned[key] = p.method
			c.abOrder = append(c.abOrder, key)
		}
		c.mu.Unlock()
		return reply{}, false
	}
	c.mu.Unlock()
	return <-p.ch, true
}

func (c *Client) finishCall(method string, r reply, result any) error {
	if r.err != nil {
		return r.err
	}
	if result != nil && r.result != nil {
		if err := json.Unmarshal(r.result, result); err != nil {
			return &ResultError{Method: method, Result: r.result, Err: err}
		}
	}
	return nil
}

// Stop ends the process as OpenClaw's stop() does, then harder: close
// stdin (imsg exits on EOF), wait StopGrace, SIGTERM the process group,
// wait KillGrace, SIGKILL it. It returns once the process has ended and
// every goroutine and descriptor of the client is released; ctx only
// shortens the waits. Pending calls fail with the *ExitError, and later
// calls with ErrNotRunning. Safe to call more than once.
func (c *Client) Stop(ctx context.Context) error {
	c.mu.Lock()
	c.stopping = true
	c.mu.Unlock()
	c.stopMu.Lock()
	defer c.stopMu.Unlock()
	select {
	case <-c.done:
		return nil
	default:
	}
	c.stdin.Close()
	wait := func(d time.Duration) bool {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-c.done:
			return true
		case <-t.C:
		case <-ctx.Done():
		}
		return false
	}
	if wait(c.cfg.StopGrace) {
		return nil
	}
	var err error
	if pid := c.Pid(); pid > 0 {
		if ctx.Err() == nil {
			err = signalGroup(pid, sigTerm)
			if wait(c.cfg.KillGrace) {
				return nil
			}
		}
		err = errors.Join(err, signalGroup(pid, sigKill))
	} else {
		c.stdout.Close() // an in-process pipe: nothing to signal
	}
	<-c.done
	return err
}

// readLoop reads stdout until it ends and dispatches each line.
func (c *Client) readLoop() {
	defer close(c.readerDone)
	lr := newLineReader(c.stdout, c.cfg.maxLine)
	for {
		res, err := lr.next()
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, os.ErrClosed) {
				c.log.Warn("imsg rpc: reading stdout", "err", err)
			}
			return
		}
		if res.oversize > 0 {
			c.handleOversize(res)
			continue
		}
		c.handleLine(res.line)
	}
}

func (c *Client) handleLine(line []byte) {
	d := decodeLine(line)
	switch d.kind {
	case lineBlank:
	case lineInvalid:
		if c.cfg.OnNoise != nil {
			c.cfg.OnNoise(clip(d.line))
			return
		}
		c.log.Error("imsg rpc: failed to parse", "line", clip(d.line), "err", d.err)
	case lineNotObject:
		// OpenClaw ignores these, except `null`, which crashes its gateway.
		if c.cfg.OnNoise != nil {
			c.cfg.OnNoise(clip(d.line))
			return
		}
		c.log.Warn("imsg rpc: ignoring a line that is not a JSON object", "line", clip(d.line))
	case lineResponse:
		c.resolve(d)
	case lineNotification:
		var params json.RawMessage
		if d.params != nil {
			params = append(json.RawMessage(nil), d.params...)
		}
		c.deliver(Notification{Method: d.method, Params: params})
	case lineBadMethod:
		c.log.Warn("imsg rpc: ignoring a notification whose method is not a string", "line", clip(d.line))
	case lineIDlessError:
		c.log.Warn("imsg rpc: error without a request id", "error", newRPCError("", d.errRaw).Error())
	case lineNeither:
		c.log.Warn("imsg rpc: ignoring a line with neither id nor method", "line", clip(d.line))
	}
}

func (c *Client) resolve(d decoded) {
	c.mu.Lock()
	p := c.pending[d.key]
	if p != nil {
		delete(c.pending, d.key)
	}
	lateMethod, late := c.abandoned[d.key]
	c.mu.Unlock()
	if p == nil {
		attrs := []any{"id", d.key}
		if d.errRaw != nil {
			attrs = append(attrs, "error", newRPCError(lateMethod, d.errRaw).Error())
		}
		if late {
			c.log.Warn("imsg rpc: response after the request timed out", append(attrs, "method", lateMethod)...)
		} else {
			c.log.Warn("imsg rpc: response for an unknown request id", attrs...)
		}
		return
	}
	switch {
	case d.errRaw != nil:
		p.ch <- reply{err: newRPCError(p.method, d.errRaw)}
	case p.want && d.result != nil:
		p.ch <- reply{result: append([]byte(nil), d.result...)}
	default:
		p.ch <- reply{}
	}
}

func (c *Client) deliver(n Notification) {
	if c.cfg.OnNotification == nil {
		return
	}
	t0 := time.Now()
	c.cfg.OnNotification(n)
	if d := time.Since(t0); d > slowNotification {
		c.log.Warn("imsg rpc: notification handler held the reader", "method", n.Method, "took", d)
	}
}

// handleOversize reports a skipped line and, when its start names a
// pending request, fails that request rather than letting it time out.
func (c *Client) handleOversize(res lineResult) {
	c.log.Error("imsg rpc: line too long, skipped", "bytes", res.oversize, "limit", c.cfg.maxLine)
	prefix := trimJSBytes(res.line)
	var f [1][]byte
	jsonscan.ScanObject(prefix, wireKeys[:1], f[:])
	if f[0] == nil || string(f[0]) == "null" {
		return
	}
	key := jsKey(f[0])
	c.mu.Lock()
	p := c.pending[key]
	if p != nil {
		delete(c.pending, key)
	}
	c.mu.Unlock()
	if p != nil {
		p.ch <- reply{err: &ResponseTooLargeError{Method: p.method, Bytes: res.oversize}}
	}
}

// stderrLoop logs each stderr line as OpenClaw does ("imsg rpc: <line>",
// error level, trimmed, blank lines skipped), a line at most 64 KiB.
func (c *Client) stderrLoop() {
	defer close(c.stderrDone)
	lr := newLineReader(c.stderr, 64<<10)
	for {
		res, err := lr.next()
		if err != nil {
			return
		}
		line := res.line
		if !utf8.Valid(line) {
			line = sanitizeUTF8(line)
		}
		line = trimJSBytes(line)
		if len(line) == 0 {
			continue
		}
		if c.cfg.OnStderr != nil {
			c.cfg.OnStderr(string(line))
			continue
		}
		if res.oversize > 0 {
			c.log.Error("imsg rpc: "+string(line)+" …", "bytes", res.oversize)
			continue
		}
		c.log.Error("imsg rpc: " + string(line))
	}
}

// waitLoop reaps the process, lets the readers take what it wrote (Node's
// "close" waits for stdio to end too), then fails what is pending.
func (c *Client) waitLoop() {
	code, signal := 0, ""
	var werr error
	if c.cmd != nil {
		err := c.cmd.Wait()
		if ps := c.cmd.ProcessState; ps != nil {
			code, signal = exitStatus(ps)
		} else {
			code = -1
		}
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			werr = err
		}
		// A grandchild that still holds stdout (an SSH wrapper's) gets a
		// bounded wait, then the group is killed and the pipes closed.
		if !waitClosed(c.readerDone, c.cfg.exitDrain) || !waitClosed(c.stderrDone, c.cfg.exitDrain) {
			signalGroup(c.cmd.Process.Pid, sigKill)
			c.stdout.Close()
			c.stderr.Close()
		}
	}
	<-c.readerDone
	<-c.stderrDone
	c.stdin.Close()
	c.stdout.Close()
	if c.stderr != nil {
		c.stderr.Close()
	}
	c.mu.Lock()
	c.exitErr = &ExitError{Code: code, Signal: signal, Stopped: c.stopping, Err: werr}
	pend := c.pending
	c.pending = nil
	c.mu.Unlock()
	for _, p := range pend {
		p.ch <- reply{err: c.exitErr}
	}
	close(c.done)
}

func waitClosed(ch <-chan struct{}, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ch:
		return true
	case <-t.C:
		return false
	}
}

func clip(b []byte) string {
	if len(b) <= maxLoggedLine {
		return string(b)
	}
	return string(b[:maxLoggedLine]) + "…"
}

// marshalParams encodes params as OpenClaw's `params ?? {}` does.
func marshalParams(params any) ([]byte, error) {
	if params == nil {
		return []byte("{}"), nil
	}
	var buf strings.Builder
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(params); err != nil {
		return nil, err
	}
	b := []byte(strings.TrimSuffix(buf.String(), "\n"))
	if string(b) == "null" {
		return []byte("{}"), nil
	}
	return b, nil
}

// appendRequest appends one request line; an empty id makes it a
// notification.
func appendRequest(b []byte, id, method string, params []byte) []byte {
	b = append(b, `{"jsonrpc":"2.0",`...)
	if id != "" {
		b = append(b, `"id":`...)
		b = append(b, id...)
		b = append(b, ',')
	}
	b = append(b, `"method":`...)
	b = appendJSONString(b, method)
	b = append(b, `,"params":`...)
	b = append(b, params...)
	return append(b, '}', '\n')
}

func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for _, r := range s { // invalid UTF-8 arrives here as U+FFFD
		switch {
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r == '\n':
			b = append(b, '\\', 'n')
		case r == '\r':
			b = append(b, '\\', 'r')
		case r == '\t':
			b = append(b, '\\', 't')
		case r < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[r>>4], hex[r&15])
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return append(b, '"')
}
