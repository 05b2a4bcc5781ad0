package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// runOpts is one benchmark run.
type runOpts struct {
	Rate            float64
	N               int
	Senders         int
	EchoRows        bool
	Strangers       float64
	StrangerSenders int
	Chats           int
	DMPolicy        string   // allowlist, open or pairing
	Bin             string   // openclawcfg
	Dir             string   // this run's work dir
	Env             []string // added to openclawcfg run's environment
	FIFO            bool     // run openclawcfg run (and so the fake) under SCHED_FIFO
	Nice            int      // or under nice -n Nice
	Compat          bool     // openclawcfg run --compat openclaw
	SendRate        int      // --send-rate (0: the runtime's default)
	Perf            bool     // perf record the openclawcfg process while it streams
	Drain           time.Duration
}

// sample is the openclawcfg process seen after Sent notifications.
type sample struct {
	Sent       int
	Replied    int64
	RSSKiB     int64
	HWMKiB     int64
	CPUSeconds float64 // user + system since the process started
	Switches   int64   // context switches of its live threads
	Elapsed    float64 // seconds since the first notification
	Load1      string  // the machine's 1-minute load average then
}

// runReport is everything one run found.
type runReport struct {
	Opts       runOpts
	PID        int
	Result     *result
	Milestones []sample
	Series     []sample
	Status     json.RawMessage // the run's final openclawcfg-status.json
	LogLines   int
	LogBytes   int64
	LogLevels  map[string]int
	LogProblem []string // the first WARN/ERROR lines
	Summary    string   // the "account summary" log line
	LoadBefore string
	LoadAfter  string
	PerfReport string
	Errors     []string // reported by the fake
}

// milestones are the message counts the RSS is read at: the issue's
// 10k/100k/500k/1M, those the run reaches, and its end.
func milestones(n int) []int {
	var out []int
	for _, m := range []int{10_000, 100_000, 500_000, 1_000_000} {
		if m < n {
			out = append(out, m)
		}
	}
	return append(out, n)
}

// senderCount is the number of allowlisted senders: as asked, else 8, or
// with echo rows enough that no chat sees five of its own rows within
// 60 s (OpenClaw's echo-loop limiter would silence it): one message per
// chat every 16 s at most.
func senderCount(asked int, echoRows bool, rate float64) int {
	if asked > 0 {
		return asked
	}
	if echoRows {
		return max(8, int(rate*16)+1)
	}
	return 8
}

// dmPolicyFor is the dmPolicy a run uses unless told: "pairing" when
// strangers are in the mix (they get pairing codes), "open" with "*" for
// thousands of senders (an allowFrom that long is checked entry by entry,
// as OpenClaw does, which would measure a config nobody writes), else
// "allowlist" with every sender listed.
func dmPolicyFor(asked string, senders int, strangers float64) string {
	switch {
	case asked != "":
		return asked
	case strangers > 0:
		return "pairing"
	case senders > 1000:
		return "open"
	}
	return "allowlist"
}

// writeConfig writes the OpenClaw config under test: one account whose
// cliPath is this binary; allowFrom lists every sender, or is ["*"] under
// dmPolicy "open".
func writeConfig(path, exe, dir string, senders int, policy string) error {
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) } // JSON strings are JSON5
	var b strings.Builder
	fmt.Fprintf(&b, "// Written by bench/runbench.\n{\n  channels: {\n    imessage: {\n")
	fmt.Fprintf(&b, "      cliPath: %s,\n      dbPath: %s, // no such file: the fake keeps its chat.db in memory\n", q(exe), q(filepath.Join(dir, "bench-chat.db")))
	fmt.Fprintf(&b, "      dmPolicy: %s,\n      allowFrom: [", q(policy))
	if policy == "open" {
		b.WriteString(`"*"`)
	} else {
		for j := range senders {
			if j%8 == 0 {
				b.WriteString("\n        ")
			}
			fmt.Fprintf(&b, "%s, ", q(senderHandle(j)))
		}
	}
	b.WriteString("\n      ],\n    },\n  },\n}\n")
	return os.WriteFile(path, []byte(b.String()), 0o600)
}

// runOnce compiles the config, starts openclawcfg run --echo against the
// fake and collects what both sides report.
func runOnce(ctx context.Context, o runOpts, progress io.Writer) (*runReport, error) {
	rep := &runReport{Opts: o, LogLevels: map[string]int{}}
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return nil, err
	}
	exe, err := os.Executable()
	if err == nil {
		exe, err = filepath.EvalSymlinks(exe)
	}
	if err != nil {
		return nil, fmt.Errorf("finding this binary (the fake imsg): %v", err)
	}
	cfgPath := filepath.Join(o.Dir, "openclaw.json5")
	planPath := filepath.Join(o.Dir, "plan.json")
	if err := writeConfig(cfgPath, exe, o.Dir, o.Senders, o.DMPolicy); err != nil {
		return nil, err
	}
	if out, err := exec.CommandContext(ctx, o.Bin, "compile", cfgPath, "-o", planPath).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("openclawcfg compile: %v\n%s", err, out)
	}

	sock := filepath.Join(o.Dir, "runbench.sock")
	os.Remove(sock)
	ln, err := net.Listen("unix", sock)
	if err != nil {
		return nil, err
	}
	defer ln.Close()
	fc := fakeConfig{
		N: o.N, Rate: o.Rate, Senders: o.Senders, Strangers: o.Strangers,
		StrangerSenders: o.StrangerSenders, EchoRows: o.EchoRows, Socket: sock,
		Progress: progressStep(o.N), DrainMs: int(o.Drain / time.Millisecond),
	}
	fcj, _ := json.Marshal(fc)

	state := filepath.Join(o.Dir, "state")
	argv := []string{
		o.Bin, "run", planPath, "--echo", "--state-dir", state,
		"--log-format", "json", "--chats", strconv.Itoa(o.Chats),
	}
	if o.Compat {
		argv = append(argv, "--compat", "openclaw")
	}
	if o.SendRate > 0 {
		argv = append(argv, "--send-rate", strconv.Itoa(o.SendRate))
	}
	switch {
	case o.FIFO:
		// chrt and nice exec the runtime in their own process, so the pid
		// stays; the fake and the probe's processes inherit the policy.
		argv = append([]string{"chrt", "-f", "10"}, argv...)
	case o.Nice != 0:
		argv = append([]string{"nice", "-n", strconv.Itoa(o.Nice)}, argv...)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), envRPC+"="+string(fcj))
	cmd.Env = append(cmd.Env, o.Env...)
	// The log goes to a file, not a pipe: the runtime logs synchronously on
	// its message path, so a log reader that falls behind (this driver,
	// starved on a busy machine) would stall it and be measured instead.
	logPath := filepath.Join(o.Dir, "openclawcfg.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	cmd.Stderr = logFile
	rep.LoadBefore = loadAvg()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	rep.PID = cmd.Process.Pid
	exited := make(chan error, 1)
	go func() {
		err := cmd.Wait()
		scanLog(logPath, rep)
		exited <- err
	}()
	stopRun := func() error {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			return err
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			return fmt.Errorf("openclawcfg run ignored SIGTERM for 10 s: %v", <-exited)
		}
	}

	conns := make(chan net.Conn, 1)
	go func() {
		if c, err := ln.Accept(); err == nil {
			conns <- c
		}
	}()
	var conn net.Conn
	select {
	case conn = <-conns:
	case err := <-exited:
		return rep, fmt.Errorf("openclawcfg run exited before subscribing (%v); its log:\n%s", err, strings.Join(rep.LogProblem, "\n"))
	case <-time.After(60 * time.Second):
		stopRun()
		return rep, errors.New("openclawcfg run did not subscribe within 60 s")
	case <-ctx.Done():
		stopRun()
		return rep, ctx.Err()
	}
	defer conn.Close()

	// Events from the fake: progress, a heartbeat each second, the result.
	events := make(chan event, 64)
	go func() {
		defer close(events)
		sc := bufio.NewScanner(conn)
		sc.Buffer(nil, 64<<20)
		for sc.Scan() {
			var e event
			if json.Unmarshal(sc.Bytes(), &e) == nil {
				events <- e
			}
		}
	}()
	marks := milestones(o.N)
	seriesStep := max(o.N/100, progressStep(o.N))
	var perf *exec.Cmd
	perfData := filepath.Join(o.Dir, "perf.data")
	perfFrom := min(10_000, o.N/5)
	var t0 time.Time
	var lastPrint time.Time
	// The run stalls when neither count moves for stallAfter (the fake
	// sends a heartbeat each second, so silence means it is gone).
	const stallAfter = 120 * time.Second
	lastSent, lastReplied, lastChange := -1, int64(-1), time.Now()
	check := time.NewTicker(time.Second)
	defer check.Stop()
loop:
	for {
		select {
		case e, ok := <-events:
			if !ok {
				break loop
			}
			if e.Kind == "progress" || e.Kind == "heartbeat" {
				if e.Sent != lastSent || e.Replied != lastReplied {
					lastSent, lastReplied, lastChange = e.Sent, e.Replied, time.Now()
				}
			}
			switch e.Kind {
			case "progress":
				if t0.IsZero() {
					t0 = time.Now().Add(-time.Duration(float64(e.Sent) / o.Rate * 1e9))
				}
				s := readSample(rep.PID, e.Sent, e.Replied, time.Since(t0))
				if len(marks) > 0 && e.Sent >= marks[0] {
					rep.Milestones = append(rep.Milestones, s)
					marks = marks[1:]
				}
				if e.Sent%seriesStep == 0 {
					rep.Series = append(rep.Series, s)
				}
				if o.Perf && perf == nil && e.Sent >= perfFrom && e.Sent < o.N {
					perf = exec.Command("perf", "record", "-F", "999", "-g", "-p", strconv.Itoa(rep.PID), "-o", perfData)
					perf.Stdout, perf.Stderr = io.Discard, io.Discard
					if err := perf.Start(); err != nil {
						rep.Errors = append(rep.Errors, "perf record: "+err.Error())
						o.Perf = false
						perf = nil
					}
				}
			case "heartbeat":
			case "result":
				rep.Result = e.Result
				break loop
			case "error":
				rep.Errors = append(rep.Errors, e.Msg)
			}
			if progress != nil && e.Kind != "result" && time.Since(lastPrint) > 10*time.Second {
				lastPrint = time.Now()
				fmt.Fprintf(progress, "  … %d sent, %d answered, RSS %.1f MiB\n", e.Sent, e.Replied, kib(readSample(rep.PID, 0, 0, 0).RSSKiB))
			}
		case err := <-exited:
			return rep, fmt.Errorf("openclawcfg run exited mid-run (%v); its log:\n%s", err, strings.Join(rep.LogProblem, "\n"))
		case <-check.C:
			if since := time.Since(lastChange); since > stallAfter {
				stopRun()
				return rep, fmt.Errorf("stalled: %d notifications written, %d answered, neither moved for %s (the runtime stopped reading its imsg or answering)",
					lastSent, lastReplied, since.Round(time.Second))
			}
		case <-ctx.Done():
			stopRun()
			return rep, ctx.Err()
		}
	}
	if perf != nil {
		perf.Process.Signal(syscall.SIGINT)
		perf.Wait()
		out, err := exec.Command("perf", "report", "-i", perfData, "--stdio", "--no-children",
			"--sort", "symbol", "--percent-limit", "0.7", "-g", "none").Output()
		if err != nil {
			rep.Errors = append(rep.Errors, "perf report: "+err.Error())
		}
		rep.PerfReport = string(out)
		os.WriteFile(filepath.Join(o.Dir, "perf.txt"), out, 0o600)
	}
	if b, err := os.ReadFile(filepath.Join(state, "openclawcfg-status.json")); err == nil {
		rep.Status = b
	}
	err = stopRun()
	rep.LoadAfter = loadAvg()
	if b, rerr := os.ReadFile(filepath.Join(state, "openclawcfg-status.json")); rerr == nil {
		rep.Status = b // the final one, written at exit
	}
	if rep.Result == nil {
		return rep, fmt.Errorf("the fake sent no result (openclawcfg run: %v)", err)
	}
	if err != nil && !isSigterm(err) {
		rep.Errors = append(rep.Errors, "openclawcfg run: "+err.Error())
	}
	return rep, nil
}

func isSigterm(err error) bool {
	var ee *exec.ExitError
	return errors.As(err, &ee) && ee.ExitCode() == 0
}

// progressStep is how often the fake reports (in messages).
func progressStep(n int) int {
	switch {
	case n >= 100_000:
		return 1000
	case n >= 10_000:
		return 500
	default:
		return max(n/20, 1)
	}
}

// scanLog reads openclawcfg's JSON log once it has exited, keeping counts,
// the first problems and the account summary.
func scanLog(path string, rep *runReport) {
	f, err := os.Open(path)
	if err != nil {
		rep.LogProblem = append(rep.LogProblem, "log unreadable: "+err.Error())
		return
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<16)
	for {
		line, err := br.ReadSlice('\n')
		if len(line) > 0 {
			rep.LogLines++
			rep.LogBytes += int64(len(line))
			level := "?"
			if i := bytes.Index(line, []byte(`"level":"`)); i >= 0 {
				rest := line[i+9:]
				if j := bytes.IndexByte(rest, '"'); j >= 0 {
					level = string(rest[:j])
				}
			}
			rep.LogLevels[level]++
			if (level == "WARN" || level == "ERROR") && len(rep.LogProblem) < 10 {
				rep.LogProblem = append(rep.LogProblem, strings.TrimSpace(string(line)))
			}
			if bytes.Contains(line, []byte("account summary")) {
				rep.Summary = strings.TrimSpace(string(line))
			}
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return
		}
	}
}

// readSample reads the process's RSS and CPU time from /proc.
func readSample(pid, sent int, replied int64, elapsed time.Duration) sample {
	s := sample{Sent: sent, Replied: replied, Elapsed: elapsed.Seconds()}
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid)); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			k, v, ok := strings.Cut(l, ":")
			if !ok {
				continue
			}
			f := strings.Fields(v)
			if len(f) == 0 {
				continue
			}
			n, _ := strconv.ParseInt(f[0], 10, 64)
			switch k {
			case "VmRSS":
				s.RSSKiB = n
			case "VmHWM":
				s.HWMKiB = n
			}
		}
	}
	s.CPUSeconds = cpuSeconds(pid)
	s.Switches = contextSwitches(pid)
	s.Load1, _, _ = strings.Cut(loadAvg(), " ")
	return s
}

// contextSwitches sums the voluntary and involuntary switches of every
// thread (a thread's count goes with it when it exits; Go's rarely do).
func contextSwitches(pid int) int64 {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/status", pid))
	var n int64
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue
		}
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.HasSuffix(k, "ctxt_switches") {
				x, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
				n += x
			}
		}
	}
	return n
}

// cpuSeconds is utime + stime of /proc/<pid>/stat (clock ticks of 1/100 s,
// the Linux USER_HZ).
func cpuSeconds(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (u + st) / 100
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
