// Command runbench measures `openclawcfg run --echo` end to end: how long
// a message takes from imsg's notification line to the runtime's `send`
// request, at a fixed rate, and whether the process's memory stays flat
// over a million messages.
//
// One binary, two roles. As the driver it writes an OpenClaw config whose
// channels.imessage.cliPath is this binary, compiles it, and starts
// `openclawcfg run plan.json --echo`. The runtime then starts `runbench rpc`
// (the probe's `rpc --help` and `chats.list`, then the watch): a minimal,
// fast imsg 0.9 on stdio that streams DM notifications on schedule, timestamps
// each line it writes and each send it reads, answers the sends, and reports
// progress and the result to the driver over a unix socket. The driver reads
// the runtime's RSS and CPU time from /proc at 10k, 100k, 500k and 1M
// messages.
//
//	go run ./bench/runbench -short              # 20,000 messages at 1,000/s
//	go run ./bench/runbench -rate 1000 -n 1000000
//	go run ./bench/runbench -find-max           # the highest sustainable rate
//
// See README.md in this directory.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "rpc" {
		os.Exit(rpcMain(os.Args[2:]))
	}
	os.Exit(driverMain(os.Args[1:], os.Stdout, os.Stderr))
}

func driverMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("runbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rate := fs.Float64("rate", 1000, "messages a second")
	n := fs.Int("n", 1_000_000, "messages to stream")
	short := fs.Bool("short", false, "20,000 messages (about 20 s at 1,000/s)")
	senders := fs.Int("senders", 0, "allowlisted senders, one DM chat each (0: 8, or 16 × rate with -echo-rows)")
	echoRows := fs.Bool("echo-rows", false, "emit each send's is_from_me row back, as real imsg does")
	strangers := fs.Float64("strangers", 0, "fraction of messages from strangers (dmPolicy becomes \"pairing\")")
	strangerSenders := fs.Int("stranger-senders", 100, "distinct strangers")
	chats := fs.Int("chats", 8, "openclawcfg run --chats")
	dmPolicy := fs.String("dm-policy", "", "allowlist, open or pairing (default: pairing with -strangers, open beyond 1,000 senders, else allowlist)")
	var env envFlag
	fs.Var(&env, "env", "KEY=VALUE for openclawcfg run's environment, e.g. GOMAXPROCS=1 or GOGC=200 (repeatable; the fake keeps Go's defaults)")
	compat := fs.Bool("compat", false, "openclawcfg run --compat openclaw: OpenClaw's behaviour exactly (no state store, no outbox)")
	sendRate := fs.Int("send-rate", 1_000_000_000, "openclawcfg run --send-rate: replies per recipient per minute (the runtime's default, 30, would hold a flood of 8 people back by design; 0 keeps it)")
	fifo := fs.Bool("fifo", false, "run openclawcfg run and the fake under SCHED_FIFO priority 10 (chrt; root): shields them from other work on a shared machine; only with -compat and no -strangers (see README)")
	nice := fs.Int("nice", 0, "run openclawcfg run and the fake under nice -n N (e.g. -20, root): a milder shield that is safe with fsync")
	bin := fs.String("openclawcfg", "", "the openclawcfg binary (default: build ./cmd/openclawcfg, static)")
	work := fs.String("work", "", "work directory (default: a temporary one, removed unless -keep)")
	keep := fs.Bool("keep", false, "keep the work directory")
	jsonOut := fs.String("json", "", "also write the full results as JSON to this file")
	perf := fs.Bool("perf", false, "perf record the runtime while it streams; print its hottest symbols")
	drain := fs.Duration("drain", 30*time.Second, "how long to wait for the last replies")
	findMax := fs.Bool("find-max", false, "find the highest rate served without a backlog (and with p99 < 1 ms)")
	step := fs.Duration("step", 10*time.Second, "with -find-max: how long each rate runs")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "runbench: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *short {
		*n = 20_000
	}
	if *rate <= 0 || *n <= 0 || *chats < 1 || *strangers < 0 || *strangers >= 1 || *sendRate < 0 {
		fmt.Fprintln(stderr, "runbench: -rate and -n must be positive, -chats at least 1, -strangers in [0, 1), -send-rate not negative")
		return 2
	}
	switch *dmPolicy {
	case "", "allowlist", "open", "pairing":
	default:
		fmt.Fprintf(stderr, "runbench: -dm-policy %q: want allowlist, open or pairing\n", *dmPolicy)
		return 2
	}
	if *fifo && (!*compat || *strangers > 0) {
		// Measured: the durable store's and the pairing store's fsyncs wait
		// on kernel threads that spinning SCHED_FIFO threads starve; the
		// runtime then spins at 100 % of a core for good.
		fmt.Fprintln(stderr, "runbench: -fifo only with -compat and without -strangers: fsync under SCHED_FIFO can livelock the machine; use -nice -20")
		return 2
	}
	if *fifo && *nice != 0 {
		fmt.Fprintln(stderr, "runbench: -fifo or -nice, not both")
		return 2
	}
	if *strangers > 0 && *dmPolicy != "" && *dmPolicy != "pairing" {
		fmt.Fprintln(stderr, "runbench: -strangers needs -dm-policy pairing (strangers are otherwise dropped or, under open, answered)")
		return 2
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	dir := *work
	if dir == "" {
		d, err := os.MkdirTemp("", "runbench-")
		if err != nil {
			fmt.Fprintln(stderr, "runbench:", err)
			return 1
		}
		dir = d
		if !*keep {
			defer os.RemoveAll(dir)
		}
	}
	if *bin == "" {
		b, err := buildOpenclawcfg(ctx, dir)
		if err != nil {
			fmt.Fprintln(stderr, "runbench:", err)
			return 1
		}
		*bin = b
	}
	base := runOpts{
		Rate: *rate, N: *n, EchoRows: *echoRows, Strangers: *strangers,
		StrangerSenders: *strangerSenders, Chats: *chats, Env: env, FIFO: *fifo, Nice: *nice, Compat: *compat, SendRate: *sendRate, Bin: *bin, Perf: *perf, Drain: *drain,
	}
	withSenders := func(o runOpts) runOpts {
		o.Senders = senderCount(*senders, o.EchoRows, o.Rate)
		o.DMPolicy = dmPolicyFor(*dmPolicy, o.Senders, o.Strangers)
		return o
	}

	var out any
	if *findMax {
		steps, err := searchMax(ctx, base, withSenders, *step, dir, stdout)
		if err != nil {
			fmt.Fprintln(stderr, "runbench:", err)
			return 1
		}
		out = steps
	} else {
		o := withSenders(base)
		o.Dir = filepath.Join(dir, "run")
		fmt.Fprintf(stdout, "runbench: %d messages at %g/s into openclawcfg run --echo (work dir %s)\n", o.N, o.Rate, dir)
		rep, err := runOnce(ctx, o, stdout)
		if err != nil {
			fmt.Fprintln(stderr, "runbench:", err)
			return 1
		}
		printReport(stdout, rep)
		out = rep
	}
	if *jsonOut != "" {
		b, _ := json.MarshalIndent(out, "", "  ")
		if err := os.WriteFile(*jsonOut, append(b, '\n'), 0o644); err != nil {
			fmt.Fprintln(stderr, "runbench:", err)
			return 1
		}
	}
	return 0
}

// buildOpenclawcfg builds the release binary (static, as bench/bench.sh
// does, but with symbols so perf can name functions) from the module the
// current directory is in.
func buildOpenclawcfg(ctx context.Context, dir string) (string, error) {
	gomod, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	root := filepath.Dir(strings.TrimSpace(string(gomod)))
	if err != nil || strings.TrimSpace(string(gomod)) == "" || strings.TrimSpace(string(gomod)) == os.DevNull {
		return "", fmt.Errorf("run from the openclawcfg repository or pass -openclawcfg (go env GOMOD: %v)", err)
	}
	out := filepath.Join(dir, "openclawcfg")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", out, "./cmd/openclawcfg")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building openclawcfg: %v\n%s", err, b)
	}
	return out, nil
}

// maxStep is one rate tried by -find-max.
type maxStep struct {
	Rate                  float64
	Sustained, Under1ms   bool
	P50, P99, P999, MaxMs float64
	Missing               int64
	CPUPerMessageUs       float64
	Report                *runReport
}

// backlog reports whether latency grew over the run: the last tenth's
// median well above the first's.
func backlog(r *result) bool {
	if len(r.Windows) < 2 {
		return false
	}
	first, last := r.Windows[0].Q.P50, r.Windows[len(r.Windows)-1].Q.P50
	return last > 2*first+int64(10*time.Millisecond)
}

// searchMax looks for the highest rate the runtime keeps up with:
// "sustained" means every message answered once, the fake on schedule,
// p99 under 100 ms and no backlog building. On a shared machine another
// process can stall the runtime for longer than 1% of a short step, so a
// rate that fails is tried once more and counts if either try passes.
func searchMax(ctx context.Context, base runOpts, withSenders func(runOpts) runOpts, step time.Duration, dir string, w io.Writer) ([]maxStep, error) {
	var steps []maxStep
	runs := 0
	once := func(rate float64) (maxStep, error) {
		o := base
		o.Rate = rate
		o.N = max(int(rate*step.Seconds()), 1000)
		o = withSenders(o)
		o.Perf = false
		runs++
		o.Dir = filepath.Join(dir, fmt.Sprintf("step-%d-rate-%.0f", runs, rate))
		rep, err := runOnce(ctx, o, nil)
		if err != nil {
			return maxStep{}, err
		}
		r := rep.Result
		s := maxStep{
			Rate: rate, P50: ms(r.Latency.P50), P99: ms(r.Latency.P99), P999: ms(r.Latency.P999),
			MaxMs: ms(r.Latency.Max), Missing: r.Missing, CPUPerMessageUs: cpuPerMessage(rep) * 1e6, Report: rep,
		}
		s.Sustained = r.Missing == 0 && r.Duplicates == 0 && r.AchievedRate >= 0.98*rate && s.P99 < 100 && !backlog(r)
		s.Under1ms = s.Sustained && s.P99 < 1
		fmt.Fprintf(w, "  %7.0f/s: achieved %7.0f/s  p50 %7.3f  p99 %8.3f  p99.9 %8.3f  max %8.3f ms  missing %d  cpu %.1f µs/msg  %.1f switches/msg  load %s  %s\n",
			rate, r.AchievedRate, s.P50, s.P99, s.P999, s.MaxMs, s.Missing, s.CPUPerMessageUs, switchesPerMessage(rep), rep.LoadAfter, verdict(s.Sustained, "sustained", "behind"))
		steps = append(steps, s)
		return s, nil
	}
	try := func(rate float64) (bool, error) {
		s, err := once(rate)
		if err != nil || s.Sustained {
			return s.Sustained, err
		}
		s, err = once(rate)
		return s.Sustained, err
	}
	fmt.Fprintf(w, "runbench -find-max: %s per rate from %g/s, latency notification written -> send read\n", step, base.Rate)
	// Double from -rate while the runtime keeps up, or halve until it
	// does; then bisect between the last rate kept up with and the first
	// one it fell behind at.
	good, bad := 0.0, 0.0
	start := base.Rate
	ok, err := try(start)
	if err != nil {
		return steps, err
	}
	if ok {
		good = start
		for rate := start * 2; rate <= 256_000; rate *= 2 {
			if ok, err = try(rate); err != nil {
				return steps, err
			}
			if !ok {
				bad = rate
				break
			}
			good = rate
		}
	} else {
		bad = start
		for rate := start / 2; rate >= 10; rate /= 2 {
			if ok, err = try(rate); err != nil {
				return steps, err
			}
			if ok {
				good = rate
				break
			}
			bad = rate
		}
	}
	grain := max(float64(int(good/8/10)*10), 10)
	for i := 0; i < 4 && bad > 0 && good > 0 && bad-good > grain; i++ {
		mid := float64(int((good+bad)/2/grain)) * grain
		if mid <= good {
			break
		}
		ok, err := try(mid)
		if err != nil {
			return steps, err
		}
		if ok {
			good = mid
		} else {
			bad = mid
		}
	}
	best1ms := 0.0
	for _, s := range steps {
		if s.Under1ms && s.Rate > best1ms {
			best1ms = s.Rate
		}
	}
	fmt.Fprintf(w, "max sustained rate: %.0f/s (first rate behind: %.0f/s); max rate with p99 < 1 ms: %.0f/s; %d cores\n",
		good, bad, best1ms, runtime.NumCPU())
	return steps, nil
}

func verdict(ok bool, yes, no string) string {
	if ok {
		return yes
	}
	return no
}

// cpuPerMessage is the runtime's CPU seconds per message between the first
// sample and the last.
func cpuPerMessage(rep *runReport) float64 {
	first, last, ok := span(rep)
	if !ok {
		return 0
	}
	return (last.CPUSeconds - first.CPUSeconds) / float64(last.Sent-first.Sent)
}

// switchesPerMessage is the runtime's context switches per message
// between the first sample and the last.
func switchesPerMessage(rep *runReport) float64 {
	first, last, ok := span(rep)
	if !ok {
		return 0
	}
	return float64(last.Switches-first.Switches) / float64(last.Sent-first.Sent)
}

// span is the first and the last sample of a run.
func span(rep *runReport) (first, last sample, ok bool) {
	all := append(append([]sample(nil), rep.Series...), rep.Milestones...)
	if len(all) < 2 {
		return first, last, false
	}
	first, last = all[0], all[0]
	for _, s := range all {
		if s.Sent < first.Sent {
			first = s
		}
		if s.Sent > last.Sent {
			last = s
		}
	}
	return first, last, last.Sent > first.Sent
}

func printReport(w io.Writer, rep *runReport) {
	o, r := rep.Opts, rep.Result
	rows := "off"
	if o.EchoRows {
		rows = "on"
	}
	extra := ""
	if len(o.Env) > 0 {
		extra = "; env " + strings.Join(o.Env, " ")
	}
	if o.FIFO {
		extra += "; SCHED_FIFO"
	}
	if o.Nice != 0 {
		extra += fmt.Sprintf("; nice %d", o.Nice)
	}
	if o.Compat {
		extra += "; --compat openclaw"
	}
	if o.SendRate > 0 {
		extra += fmt.Sprintf("; --send-rate %d", o.SendRate)
	}
	fmt.Fprintf(w, "\nrunbench: %d messages at %g/s; %d senders (dmPolicy %s); echo rows %s; strangers %.0f%%; --chats %d%s\n",
		o.N, o.Rate, o.Senders, o.DMPolicy, rows, o.Strangers*100, o.Chats, extra)
	fmt.Fprintf(w, "machine: %d cores, %s; load average %s before, %s after\n", runtime.NumCPU(), runtime.Version(), rep.LoadBefore, rep.LoadAfter)
	fmt.Fprintf(w, "streamed in %.1f s (%.1f/s achieved)\n", r.StreamSeconds, r.AchievedRate)
	fmt.Fprintf(w, "answered %d of %d allowlisted (missing %d, duplicates %d, unexpected %d, wrong recipient %d); pairing replies %d; echo rows %d\n",
		r.Replied, r.Expected, r.Missing, r.Duplicates, r.Unexpected, r.WrongTo, r.PairingReplies, r.EchoRows)
	q := func(name string, x quant) {
		fmt.Fprintf(w, "  %-34s p50 %7.3f  p90 %7.3f  p99 %7.3f  p99.9 %7.3f  max %8.3f  mean %7.3f ms\n",
			name, ms(x.P50), ms(x.P90), ms(x.P99), ms(x.P999), ms(x.Max), ms(x.Mean))
	}
	fmt.Fprintln(w, "latency:")
	q("notification written -> send read", r.Latency)
	q("notification due -> send read", r.Corrected)
	q("fake's lateness (written - due)", r.Lag)
	fmt.Fprintln(w, "by tenth of the run (messages: p50 / p99 / max ms):")
	for _, win := range r.Windows {
		fmt.Fprintf(w, "  %8d-%-8d %7.3f / %7.3f / %8.3f\n", win.From, win.To-1, ms(win.Q.P50), ms(win.Q.P99), ms(win.Q.Max))
	}
	fmt.Fprintf(w, "openclawcfg run (pid %d) RSS:\n", rep.PID)
	for _, s := range rep.Milestones {
		fmt.Fprintf(w, "  at %9d messages: RSS %7.1f MiB  (peak so far %7.1f MiB, CPU %.1f s)\n", s.Sent, kib(s.RSSKiB), kib(s.HWMKiB), s.CPUSeconds)
	}
	// The runtime's cost over the run: RSS and CPU per message by tenth.
	if len(rep.Series) >= 10 {
		fmt.Fprintln(w, "  by tenth: messages, RSS, CPU µs a message in that tenth")
		step := len(rep.Series) / 10
		prev := rep.Series[0]
		for i := step; i < len(rep.Series); i += step {
			s := rep.Series[i]
			fmt.Fprintf(w, "    %9d  %7.1f MiB  %8.1f µs\n", s.Sent, kib(s.RSSKiB), (s.CPUSeconds-prev.CPUSeconds)/float64(s.Sent-prev.Sent)*1e6)
			prev = s
		}
	}
	if len(rep.Milestones) >= 2 && rep.Milestones[0].Sent == 10_000 {
		a, b := rep.Milestones[0], rep.Milestones[len(rep.Milestones)-1]
		g := 100 * float64(b.RSSKiB-a.RSSKiB) / float64(a.RSSKiB)
		fmt.Fprintf(w, "  growth %d -> %d: %+.1f%%  (target: within 10%%: %s)\n", a.Sent, b.Sent, g, verdict(g <= 10 && g >= -10, "met", "MISSED"))
	}
	if c := cpuPerMessage(rep); c > 0 {
		fmt.Fprintf(w, "CPU: openclawcfg run %.1f µs a message (%.0f%% of one core at %g/s), %.1f context switches a message; the fake %.1f s in all\n",
			c*1e6, c*o.Rate*100, o.Rate, switchesPerMessage(rep), r.FakeCPUSeconds)
	}
	fmt.Fprintf(w, "log: %d lines, %.1f MiB (%s)\n", rep.LogLines, float64(rep.LogBytes)/(1<<20), levels(rep.LogLevels))
	if rep.Summary != "" {
		fmt.Fprintf(w, "  %s\n", rep.Summary)
	}
	for _, l := range rep.LogProblem {
		fmt.Fprintf(w, "  %s\n", l)
	}
	for _, e := range rep.Errors {
		fmt.Fprintf(w, "error: %s\n", e)
	}
	if o.Rate == 1000 {
		fmt.Fprintf(w, "target p99 < 1 ms at 1,000/s: %s (p99 %.3f ms, all answered: %v)\n",
			verdict(r.Latency.P99 < int64(time.Millisecond) && r.Missing == 0, "met", "MISSED"), ms(r.Latency.P99), r.Missing == 0)
	}
	if rep.PerfReport != "" {
		fmt.Fprintf(w, "perf (hottest symbols of openclawcfg run while streaming; %s/perf.txt):\n", o.Dir)
		shown := 0
		for _, l := range strings.Split(rep.PerfReport, "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), "#") || strings.TrimSpace(l) == "" {
				continue
			}
			fmt.Fprintf(w, "  %s\n", strings.TrimSpace(l))
			if shown++; shown == 40 {
				break
			}
		}
	}
}

// envFlag collects -env KEY=VALUE.
type envFlag []string

func (e *envFlag) String() string { return strings.Join(*e, " ") }

func (e *envFlag) Set(v string) error {
	if k, _, ok := strings.Cut(v, "="); !ok || k == "" {
		return fmt.Errorf("want KEY=VALUE, got %q", v)
	}
	*e = append(*e, v)
	return nil
}

func kib(k int64) float64 { return float64(k) / 1024 }

func levels(m map[string]int) string {
	var parts []string
	for _, k := range []string{"DEBUG", "INFO", "WARN", "ERROR", "?"} {
		if m[k] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
		}
	}
	return strings.Join(parts, ", ")
}
