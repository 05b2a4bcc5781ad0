package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// runStats is what the driver saw of openclawcfg run's processes.
type runStats struct {
	Starts       int            `json:"starts"`
	Kills        int            `json:"kills"`        // kill -9 by the driver
	Terms        int            `json:"terms"`        // SIGTERM by the driver
	TermsIgnored int            `json:"termsIgnored"` // SIGTERM not obeyed within 5 s (then kill -9)
	SelfExits    int            `json:"selfExits"`    // exited without being told (e.g. gave up); restarted
	ImsgKills    int            `json:"imsgKills"`    // imsg-fake children killed by the driver
	ImsgRestarts int            `json:"imsgRestarts"` // "auto-restart attempt" lines it logged
	Drops        map[string]int `json:"drops,omitempty"`
	Problems     []string       `json:"problems,omitempty"` // its first ERROR lines
}

// eventLog is the driver's own timeline (driver.log in the work dir), to
// lay beside run.log when a figure needs explaining.
type eventLog struct {
	mu sync.Mutex
	w  io.Writer
}

func (e *eventLog) printf(format string, args ...any) {
	if e == nil || e.w == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	fmt.Fprintf(e.w, "%s %s\n", time.Now().UTC().Format("15:04:05.000000"), fmt.Sprintf(format, args...))
}

// runner starts, kills and restarts `openclawcfg run` with one state dir,
// and reads its JSON log.
type runner struct {
	argv []string // openclawcfg run ... -- handler LOG
	env  []string
	log  *os.File // every lifetime's stderr, appended
	ev   *eventLog

	mu       sync.Mutex
	stats    runStats
	watching int // "imessage: watching" lines so far
	cur      *proc
}

type proc struct {
	cmd      *exec.Cmd
	done     chan struct{}
	err      error
	stopping bool // the driver killed or stopped it
}

func (r *runner) start() error {
	cmd := exec.Command(r.argv[0], r.argv[1:]...)
	cmd.Env = r.env
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	p := &proc{cmd: cmd, done: make(chan struct{})}
	r.mu.Lock()
	r.cur = p
	r.stats.Starts++
	fmt.Fprintf(r.log, "=== start %d: pid %d at %s\n", r.stats.Starts, cmd.Process.Pid, time.Now().UTC().Format(time.RFC3339Nano))
	r.mu.Unlock()
	r.ev.printf("run: started pid %d", cmd.Process.Pid)
	go func() {
		r.readLog(stderr)
		p.err = cmd.Wait()
		r.mu.Lock()
		fmt.Fprintf(r.log, "=== pid %d ended: %v\n", cmd.Process.Pid, p.err)
		r.mu.Unlock()
		close(p.done)
	}()
	return nil
}

// readLog copies the log to the file and counts what matters.
func (r *runner) readLog(rd io.Reader) {
	sc := bufio.NewScanner(rd)
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e struct {
			Level  string `json:"level"`
			Msg    string `json:"msg"`
			Reason string `json:"reason"`
		}
		_ = json.Unmarshal(line, &e)
		r.mu.Lock()
		r.log.Write(line)
		r.log.Write([]byte{'\n'})
		switch {
		case e.Msg == "imessage: watching":
			r.watching++
		case e.Msg == "imessage: dropped" && e.Reason != "":
			if r.stats.Drops == nil {
				r.stats.Drops = map[string]int{}
			}
			r.stats.Drops[e.Reason]++
		case strings.HasPrefix(e.Msg, "auto-restart attempt"):
			r.stats.ImsgRestarts++
		}
		if e.Level == "ERROR" && len(r.stats.Problems) < 5 {
			r.stats.Problems = append(r.stats.Problems, string(bytes.Clone(line)))
		}
		r.mu.Unlock()
	}
}

// watchCount is how many times a monitor subscribed so far.
func (r *runner) watchCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.watching
}

// waitWatching waits until a monitor subscribed after the count was
// prev; false after timeout.
func (r *runner) waitWatching(prev int, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if r.watchCount() > prev {
			return true
		}
		if !r.alive() {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return false
}

func (r *runner) alive() bool {
	r.mu.Lock()
	p := r.cur
	r.mu.Unlock()
	if p == nil {
		return false
	}
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

func (r *runner) pid() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cur == nil {
		return 0
	}
	return r.cur.cmd.Process.Pid
}

// ensure restarts openclawcfg run when it ended on its own (an account
// that gave up makes it exit, as launchd would then restart it).
func (r *runner) ensure() error {
	r.mu.Lock()
	p := r.cur
	r.mu.Unlock()
	if p == nil {
		return r.start()
	}
	select {
	case <-p.done:
	default:
		return nil
	}
	if !p.stopping {
		r.mu.Lock()
		r.stats.SelfExits++
		r.mu.Unlock()
		r.ev.printf("run: pid %d exited by itself: %v", p.cmd.Process.Pid, p.err)
	}
	prev := r.watchCount()
	if err := r.start(); err != nil {
		return err
	}
	if !r.waitWatching(prev, 10*time.Second) {
		r.ev.printf("run: not watching 10 s after the start")
	}
	return nil
}

// kill9 kills openclawcfg run at once; its handlers live on in their own
// process groups, as they would.
func (r *runner) kill9() {
	r.mu.Lock()
	p := r.cur
	r.stats.Kills++
	r.mu.Unlock()
	if p == nil {
		return
	}
	p.stopping = true
	r.ev.printf("run: kill -9 pid %d", p.cmd.Process.Pid)
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// term asks openclawcfg run to stop and waits 5 s before kill -9; the
// final stop is not counted as a fault.
func (r *runner) term(count bool) {
	r.mu.Lock()
	p := r.cur
	if count {
		r.stats.Terms++
	}
	r.mu.Unlock()
	if p == nil {
		return
	}
	p.stopping = true
	r.ev.printf("run: SIGTERM pid %d", p.cmd.Process.Pid)
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		r.mu.Lock()
		r.stats.TermsIgnored++
		r.mu.Unlock()
		r.ev.printf("run: pid %d ignored SIGTERM for 5 s: kill -9", p.cmd.Process.Pid)
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		<-p.done
	}
}

func (r *runner) snapshot() runStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.stats
	if r.stats.Drops != nil {
		s.Drops = map[string]int{}
		for k, v := range r.stats.Drops {
			s.Drops[k] = v
		}
	}
	s.Problems = append([]string(nil), r.stats.Problems...)
	return s
}

// procs lists the processes whose argv[0] is exe and whose arguments
// name db (openclawcfg starts `<cliPath> rpc --db <dbPath>`), with their
// parent pid and argv (Linux /proc; empty elsewhere): this run's imsg-fake
// processes and nobody else's.
func procs(exe, db string) []procInfo {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []procInfo
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cl, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || len(cl) == 0 {
			continue
		}
		argv := strings.Split(strings.TrimRight(string(cl), "\x00"), "\x00")
		if argv[0] != exe || !contains(argv, db) {
			continue
		}
		st, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so read after
		// the last ')'.
		i := bytes.LastIndexByte(st, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(st[i+1:]))
		if len(f) < 2 || f[0] == "Z" {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		out = append(out, procInfo{pid: pid, ppid: ppid, argv: argv})
	}
	return out
}

type procInfo struct {
	pid, ppid int
	argv      []string
}

// imsgChild is the `imsg-fake rpc` child of openclawcfg run (not a
// `rpc --help` probe), or 0.
func imsgChild(exe, db string, parent int) int {
	for _, p := range procs(exe, db) {
		if p.ppid == parent && len(p.argv) > 1 && p.argv[1] == "rpc" && !contains(p.argv, "--help") {
			return p.pid
		}
	}
	return 0
}

// sweepImsg kills this run's imsg-fake processes; it is called while
// openclawcfg run is down, when every one left is an orphan: a hung
// imsg-fake ignores the EOF of its dead parent and would live on.
func sweepImsg(exe, db string) {
	for _, p := range procs(exe, db) {
		_ = syscall.Kill(p.pid, syscall.SIGKILL)
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// flagSupported asks openclawcfg run whether it knows a flag: kong names
// an unknown one before it reads the (missing) plan.
func flagSupported(bin string, flag ...string) bool {
	args := append(append([]string{"run"}, flag...), filepath.Join(os.TempDir(), "chaos-no-such-plan.json"))
	out, err := exec.Command(bin, args...).CombinedOutput()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return false
	}
	return !bytes.Contains(out, []byte("unknown flag"))
}
