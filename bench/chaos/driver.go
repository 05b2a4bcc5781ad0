package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// options configure one chaos run.
type options struct {
	Cycles      int
	Seed        uint64
	Compat      bool // pass --compat openclaw to run (OpenClaw's own losses)
	Strict      bool // fail on the figures even with Compat
	ImsgVersion string
	Kinds       []string // the cycle kinds to draw from (nil: all)
	Dir         string   // work dir ("": a temp dir, removed unless Keep or failing)
	Keep        bool
	Bins        bins // prebuilt binaries ("": go build)
	DMs, Groups int
	PollMs      int
	Quiet       time.Duration // the drain ends after this long without progress
	MaxDrain    time.Duration
	RunArgs     []string // more flags for openclawcfg run
	Progress    io.Writer
}

type bins struct{ Openclawcfg, ImsgFake, Handler string }

// report is a run's outcome, for the table and -json.
type report struct {
	Cycles      int            `json:"cycles"`
	Seed        uint64         `json:"seed"`
	Compat      bool           `json:"compat"`
	CompatFlag  bool           `json:"compatFlag"` // run knew --compat
	Strict      bool           `json:"strict"`
	ImsgVersion string         `json:"imsgVersion"`
	RunArgs     []string       `json:"runArgs"`
	Elapsed     string         `json:"elapsed"`
	Drain       string         `json:"drain"`
	Faults      map[string]int `json:"faults"` // cycles per kind
	Figures     *figures       `json:"figures"`
	Run         runStats       `json:"run"`
	Failures    []string       `json:"failures,omitempty"`
	Dir         string         `json:"dir,omitempty"` // kept work dir
}

// failed reports whether the run must exit 1.
func (r *report) failed() bool { return len(r.Failures) > 0 && (!r.Compat || r.Strict) }

// kind is one sort of cycle and how often it is drawn.
type kind struct {
	name   string
	weight int
	later  bool // only with imsg 0.14+
}

// kinds: each cycle injects one of these between a few messages.
var kinds = []kind{
	{"kill9", 18, false},           // kill -9 openclawcfg run (sometimes mid-handler), restart it
	{"term", 6, false},             // SIGTERM it, restart it
	{"imsg-kill", 10, false},       // kill -9 its imsg-fake child
	{"watch-silent", 7, false},     // the watch goes quiet, sends still work
	{"watch-death", 6, false},      // the watch errors out
	{"send-no-response", 5, false}, // a send goes out, no answer ever
	{"send-unverified", 5, false},  // a send goes out, answer without id
	{"ghost-send", 5, false},       // a send fails after an empty ghost row
	{"slow-send", 4, false},        // sends answer after 1.5 s (cleared later)
	{"hang", 4, false},             // imsg stops answering, stays alive
	{"late", 10, false},            // old rows synced in late (never to be answered)
	{"replace", 3, false},          // chat.db replaced under its path (rows kept)
	{"quiet", 10, false},           // no fault
	{"watch-overflow", 4, true},    // 0.14+: the watch ends with watch.overflow
}

func kindNames() []string {
	var out []string
	for _, k := range kinds {
		out = append(out, k.name)
	}
	return out
}

// driver is one chaos run in progress.
type driver struct {
	o       options
	rng     *rand.Rand
	dir     string
	db      string
	hlog    string
	bins    bins
	tr      *traffic
	run     *runner
	kinds   []kind
	total   int
	faults  map[string]int
	gens    []string  // earlier database files (hard links kept before a replace)
	clearAt time.Time // a slow-send to clear
	lasting []lasting // faults that last until imsg-fake is restarted
	ev      *eventLog
}

// lasting is a fault in force until openclawcfg subscribes again.
type lasting struct {
	kind  string
	watch int // the runner's subscription count when it was injected
}

// under names the lasting faults still in force.
func (d *driver) under() string {
	now := d.run.watchCount()
	var names []string
	k := 0
	for _, l := range d.lasting {
		if l.watch >= now {
			d.lasting[k] = l
			k++
			if !contains(names, l.kind) {
				names = append(names, l.kind)
			}
		}
	}
	d.lasting = d.lasting[:k]
	return strings.Join(names, "+")
}

// moduleRoot is the directory of the go.mod the driver builds from.
func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %v", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("not inside the openclawcfg module: run from the repository")
	}
	return filepath.Dir(mod), nil
}

// buildBins builds what the run needs into dir.
func buildBins(ctx context.Context, dir string, have bins) (bins, error) {
	b := have
	need := map[string]*string{"./cmd/openclawcfg": &b.Openclawcfg, "./cmd/imsg-fake": &b.ImsgFake, "./bench/chaos/handler": &b.Handler}
	var root string
	for _, pkg := range []string{"./cmd/openclawcfg", "./cmd/imsg-fake", "./bench/chaos/handler"} {
		dst := need[pkg]
		if *dst != "" {
			abs, err := filepath.Abs(*dst)
			if err != nil {
				return b, err
			}
			*dst = abs
			continue
		}
		if root == "" {
			r, err := moduleRoot(ctx)
			if err != nil {
				return b, err
			}
			root = r
		}
		*dst = filepath.Join(dir, filepath.Base(pkg))
		cmd := exec.CommandContext(ctx, "go", "build", "-o", *dst, pkg)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			return b, fmt.Errorf("go build %s: %v\n%s", pkg, err, out)
		}
	}
	return b, nil
}

// chaos runs the whole thing: set up, cycles, drain, measure.
func chaos(ctx context.Context, o options) (rep *report, err error) {
	if o.Cycles < 0 {
		return nil, errors.New("-cycles must not be negative")
	}
	if o.Progress == nil {
		o.Progress = io.Discard
	}
	d := &driver{o: o, rng: rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15)), faults: map[string]int{}}
	later := !versionBelow(o.ImsgVersion, 0, 14)
	for _, k := range kinds {
		if (k.later && !later) || (o.Kinds != nil && !contains(o.Kinds, k.name)) {
			continue
		}
		d.kinds = append(d.kinds, k)
		d.total += k.weight
	}
	if len(d.kinds) == 0 {
		return nil, fmt.Errorf("no cycle kinds to draw from (known: %s)", strings.Join(kindNames(), ", "))
	}
	d.dir = o.Dir
	if d.dir == "" {
		if d.dir, err = os.MkdirTemp("", "openclawcfg-chaos-"); err != nil {
			return nil, err
		}
	} else if err := os.MkdirAll(d.dir, 0o700); err != nil {
		return nil, err
	}
	keep := o.Keep || o.Dir != ""
	defer func() {
		if o.Dir == "" && (err != nil || (rep != nil && rep.failed())) {
			keep = true
		}
		if err != nil && keep {
			err = fmt.Errorf("%w (work dir kept: %s)", err, d.dir)
		}
		if keep {
			if rep != nil {
				rep.Dir = d.dir
			}
		} else {
			os.RemoveAll(d.dir)
		}
	}()
	if d.bins, err = buildBins(ctx, filepath.Join(d.dir, "bin"), o.Bins); err != nil {
		return nil, err
	}
	evf, err := os.Create(filepath.Join(d.dir, "driver.log"))
	if err != nil {
		return nil, err
	}
	defer evf.Close()
	d.ev = &eventLog{w: evf}
	if err := d.setup(); err != nil {
		return nil, err
	}
	defer d.tr.close()
	rep = &report{Cycles: o.Cycles, Seed: o.Seed, Compat: o.Compat, Strict: o.Strict, ImsgVersion: o.ImsgVersion, Faults: d.faults}
	runArgs, compatFlag := d.runFlags()
	rep.CompatFlag, rep.RunArgs = compatFlag, runArgs
	if err := d.startRun(runArgs); err != nil {
		return nil, err
	}
	defer d.run.log.Close()

	start := time.Now()
	for i := 1; i <= o.Cycles; i++ {
		if err := ctx.Err(); err != nil {
			d.stop()
			return nil, err
		}
		if err := d.cycle(i); err != nil {
			d.stop()
			return nil, fmt.Errorf("cycle %d: %v", i, err)
		}
		if i%50 == 0 || i == o.Cycles {
			fmt.Fprintf(o.Progress, "chaos: cycle %d/%d, %d rows written, %s\n", i, o.Cycles, len(d.tr.sent), time.Since(start).Round(time.Second))
		}
	}
	drainStart := time.Now()
	d.drain(ctx)
	drained := time.Since(drainStart)
	d.stop()
	rep.Elapsed = time.Since(start).Round(time.Second).String()
	rep.Drain = drained.Round(100 * time.Millisecond).String()
	rep.Run = d.run.snapshot()
	f, err := d.measure()
	if err != nil {
		return nil, err
	}
	rep.Figures = f
	rep.Failures = f.failures()
	return rep, nil
}

// setup writes the database, the config and the plan.
func (d *driver) setup() error {
	d.db = filepath.Join(d.dir, "chat.jsonl")
	d.hlog = filepath.Join(d.dir, "handled.log")
	tr, err := newTraffic(d.db, d.o.DMs, d.o.Groups, d.rng)
	if err != nil {
		return err
	}
	d.tr = tr
	tr.ev = d.ev
	// dmPolicy open and requireMention false: every numbered row is to be
	// answered, so any miss is the runtime's. debounceMs 0: one row, one
	// dispatch (the handler copes with joined rows anyway).
	cfg := fmt.Sprintf(`// Written by bench/chaos.
{
  messages: { inbound: { debounceMs: 0 } },
  channels: {
    imessage: {
      cliPath: %q,
      dbPath: %q,
      dmPolicy: "open",
      allowFrom: ["*"],
      groupPolicy: "open",
      groups: { "*": { requireMention: false } },
    },
  },
}
`, d.bins.ImsgFake, d.db)
	cfgPath := filepath.Join(d.dir, "openclaw.json5")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		return err
	}
	out, err := exec.Command(d.bins.Openclawcfg, "compile", cfgPath, "-o", filepath.Join(d.dir, "plan.json")).CombinedOutput()
	if err != nil {
		return fmt.Errorf("openclawcfg compile: %v\n%s", err, out)
	}
	return nil
}

// shortTimings are run's hidden timing knobs, shortened so that what the
// runtime does about a failure (restart imsg, probe a hung one, read
// chat.db for rows a deaf watch missed, look up an unanswered send in the
// chat's history) happens within a few cycles and within the drain. Each
// is passed only when the build knows it. The replay fence's slack stays
// as shipped: late rows are hours old.
var shortTimings = [][]string{
	{"--backoff-base", "100ms"},
	{"--liveness", "2s"},
	{"--reconcile", "2s"},
	{"--reconcile-after", "5s"},
	{"--request-timeout", "5s"},
}

// runFlags are the flags for openclawcfg run: shortTimings, and --compat
// openclaw when asked.
func (d *driver) runFlags() (args []string, compat bool) {
	for _, f := range shortTimings {
		if flagSupported(d.bins.Openclawcfg, f...) {
			args = append(args, f...)
		}
	}
	if d.o.Compat {
		if compat = flagSupported(d.bins.Openclawcfg, "--compat", "openclaw"); compat {
			args = append(args, "--compat", "openclaw")
		} else {
			fmt.Fprintln(d.o.Progress, "chaos: this openclawcfg run has no --compat flag; running it as it is")
		}
	}
	return append(args, d.o.RunArgs...), compat
}

func (d *driver) startRun(flags []string) error {
	logf, err := os.OpenFile(filepath.Join(d.dir, "run.log"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	argv := append([]string{d.bins.Openclawcfg, "run"}, flags...)
	argv = append(argv, "--state-dir", filepath.Join(d.dir, "state"), "--log-format", "json",
		filepath.Join(d.dir, "plan.json"), "--", d.bins.Handler, d.hlog)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "IMSG_FAKE_") && !strings.HasPrefix(kv, "OPENCLAWCFG_") {
			env = append(env, kv)
		}
	}
	env = append(env, fmt.Sprintf("IMSG_FAKE_POLL_MS=%d", d.o.PollMs), "IMSG_FAKE_VERSION="+d.o.ImsgVersion)
	d.run = &runner{argv: argv, env: env, log: logf, ev: d.ev}
	if err := d.run.start(); err != nil {
		logf.Close()
		return err
	}
	if !d.run.waitWatching(0, 30*time.Second) {
		d.stop()
		logf.Close()
		tail, _ := os.ReadFile(logf.Name())
		return fmt.Errorf("openclawcfg run did not start watching within 30 s; its log:\n%s", lastLines(tail, 20))
	}
	return nil
}

// stop ends openclawcfg run and every imsg-fake it left behind.
func (d *driver) stop() {
	if d.run == nil {
		return
	}
	if d.run.alive() {
		d.run.term(false)
	}
	sweepImsg(d.bins.ImsgFake, d.db)
}

func (d *driver) pickKind() string {
	n := d.rng.IntN(d.total)
	for _, k := range d.kinds {
		if n < k.weight {
			return k.name
		}
		n -= k.weight
	}
	return d.kinds[len(d.kinds)-1].name
}

// say writes one numbered row; now and then the handler is asked to take
// its time, so that kills land mid-handler.
func (d *driver) say(cycle int, kind, phase string) (*sentMsg, error) {
	sleep := 0
	if d.rng.IntN(100) < 8 {
		sleep = 200 + d.rng.IntN(1300)
	}
	m, err := d.tr.say(cycle, kind, phase, d.under(), false, sleep)
	d.pause(5, 40)
	return m, err
}

func (d *driver) pause(minMs, maxMs int) {
	time.Sleep(time.Duration(minMs+d.rng.IntN(maxMs-minMs+1)) * time.Millisecond)
}

// cycle is one injected failure among a few messages.
func (d *driver) cycle(i int) error {
	if err := d.run.ensure(); err != nil {
		return err
	}
	if !d.clearAt.IsZero() && time.Now().After(d.clearAt) {
		d.clearAt = time.Time{}
		if err := d.tr.fault("clear"); err != nil {
			return err
		}
	}
	k := d.pickKind()
	d.faults[k]++
	d.ev.printf("cycle %d: %s", i, k)
	for n := d.rng.IntN(3); n > 0; n-- {
		if _, err := d.say(i, k, "before"); err != nil {
			return err
		}
	}
	if err := d.inject(i, k); err != nil {
		return err
	}
	for n := 1 + d.rng.IntN(2); n > 0; n-- {
		if _, err := d.say(i, k, "after"); err != nil {
			return err
		}
	}
	d.pause(30, 200)
	return nil
}

func (d *driver) inject(i int, k string) error {
	switch k {
	case "kill9", "term":
		if d.rng.IntN(2) == 0 {
			// Kill while a handler runs: the one message that may come
			// back, marked Redelivered.
			m, err := d.tr.say(i, k, "mid-handler", d.under(), false, 1500+d.rng.IntN(1000))
			if err != nil {
				return err
			}
			d.waitHandled(m.Token, 2*time.Second)
			d.pause(0, 300)
		}
		if k == "kill9" {
			d.run.kill9()
		} else {
			d.run.term(true)
		}
		// A hung imsg-fake ignores the EOF of its dead parent: end it.
		sweepImsg(d.bins.ImsgFake, d.db)
		for n := d.rng.IntN(3); n > 0; n-- {
			if _, err := d.say(i, k, "down"); err != nil {
				return err
			}
		}
		d.pause(0, 100)
		prev := d.run.watchCount()
		if err := d.run.start(); err != nil {
			return err
		}
		if !d.run.waitWatching(prev, 10*time.Second) {
			d.ev.printf("run: not watching 10 s after the start")
		}
	case "imsg-kill":
		if pid := imsgChild(d.bins.ImsgFake, d.db, d.run.pid()); pid > 0 && syscall.Kill(pid, syscall.SIGKILL) == nil {
			d.ev.printf("imsg-fake: kill -9 pid %d", pid)
			d.run.mu.Lock()
			d.run.stats.ImsgKills++
			d.run.mu.Unlock()
		} else {
			return d.tr.fault("crash") // no /proc: the fake kills itself
		}
	case "watch-silent", "watch-death", "hang", "watch-overflow":
		d.lasting = append(d.lasting, lasting{k, d.run.watchCount()})
		return d.tr.fault(k)
	case "send-no-response", "send-unverified", "ghost-send":
		return d.tr.fault(k + "=1") // the next send
	case "slow-send":
		d.clearAt = time.Now().Add(2500 * time.Millisecond)
		return d.tr.fault("slow-send=1500")
	case "late":
		for n := 1 + d.rng.IntN(2); n > 0; n-- {
			if _, err := d.tr.say(i, k, "late", d.under(), true, 0); err != nil {
				return err
			}
			d.pause(5, 40)
		}
	case "replace":
		d.lasting = append(d.lasting, lasting{k, d.run.watchCount()})
		return d.replace()
	case "quiet":
	default:
		return fmt.Errorf("unknown cycle kind %q", k)
	}
	return nil
}

// replace renames a copy of chat.db over it (`imsg-fake replace
// --keep-rows`), keeping a hard link to the old file: a reader that had
// it open may still append replies there.
func (d *driver) replace() error {
	gen := fmt.Sprintf("%s.gen%d", d.db, len(d.gens)+1)
	if err := os.Link(d.db, gen); err != nil {
		return err
	}
	d.gens = append(d.gens, gen)
	d.ev.printf("replace chat.db (the old file stays as %s)", filepath.Base(gen))
	out, err := exec.Command(d.bins.ImsgFake, "replace", "--db", d.db, "--keep-rows").CombinedOutput()
	if err != nil {
		return fmt.Errorf("imsg-fake replace: %v\n%s", err, out)
	}
	return nil
}

// waitHandled waits until the handler logged token.
func (d *driver) waitHandled(token string, timeout time.Duration) bool {
	want := []byte(token + "\t")
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(d.hlog); err == nil && containsLineStart(b, want) {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}

func containsLineStart(b, prefix []byte) bool {
	return bytes.HasPrefix(b, prefix) || bytes.Contains(b, append([]byte{'\n'}, prefix...))
}

// drain lets the runtime catch up: it ends once every numbered row was
// handled and answered and nothing moved for a moment, or once nothing
// moved for Quiet, or after MaxDrain.
func (d *driver) drain(ctx context.Context) {
	if !d.clearAt.IsZero() {
		d.clearAt = time.Time{}
		_ = d.tr.fault("clear")
	}
	const settle = 1500 * time.Millisecond
	start := time.Now()
	d.ev.printf("drain")
	defer func() { d.ev.printf("drain ended after %s", time.Since(start).Round(time.Millisecond)) }()
	last, lastChange := "", time.Now()
	checked := ""
	for ctx.Err() == nil && time.Since(start) < d.o.MaxDrain {
		_ = d.run.ensure()
		sig := fmt.Sprint(fileSize(d.hlog), fileSize(d.db), fileSize(d.db+".sends.jsonl"))
		if sig != last {
			last, lastChange = sig, time.Now()
		}
		quiet := time.Since(lastChange)
		if quiet >= d.o.Quiet {
			return
		}
		if quiet >= settle && checked != sig {
			checked = sig
			if f, err := d.measure(); err == nil && f.Lost == 0 && f.RepliesLost == 0 {
				return
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func fileSize(p string) int64 {
	st, err := os.Stat(p)
	if err != nil {
		return -1
	}
	return st.Size()
}

// measure reads the handler log, every database generation and the sends
// log.
func (d *driver) measure() (*figures, error) {
	hl, err := os.ReadFile(d.hlog)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	var dbs [][]byte
	for _, p := range append(append([]string(nil), d.gens...), d.db) {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		dbs = append(dbs, b)
	}
	sends, err := os.ReadFile(d.db + ".sends.jsonl")
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	return analyze(d.tr.sent, hl, dbs, sends), nil
}

// versionBelow reports whether v (e.g. "0.9.0") is below major.minor.
func versionBelow(v string, major, minor int) bool {
	var a, b int
	fmt.Sscanf(v, "%d.%d", &a, &b)
	return a < major || (a == major && b < minor)
}

func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
