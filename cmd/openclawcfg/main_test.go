package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/openclawcfg/openclawcfg/internal/fakeimsg"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"openclawcfg": func() { os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
		"imsg-fake":   func() { fakeimsg.Exit(fakeimsg.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
		// The CLI's runner with commands that fail in every way a command
		// can (cli_internal_error.txtar).
		"openclawcfg-bug": func() { os.Exit(runCLI(&bugCLI{}, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the txtar suites in /testscripts: the CLI's behaviour as
// a user sees it, every message and exit code pinned. The run_* suites
// drive 'openclawcfg run' end to end against imsg-fake.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "../../testscripts",
		RequireExplicitExec: true,
		UpdateScripts:       os.Getenv("UPDATE_SCRIPTS") == "1",
		Setup: func(e *testscript.Env) error {
			// Findings must not depend on the developer's environment.
			e.Setenv("HOME", e.WorkDir)
			e.Setenv("IMSG_FAKE_POLL_MS", "50")
			// Dozens of runtimes fsyncing at once make a loaded CI disk the
			// bottleneck; kill -9 safety does not need fsync.
			e.Setenv("OPENCLAWCFG_STORE_NOSYNC", "1")
			e.Setenv("TZ", "UTC")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exitcode": cmdExitCode,
			"fill":     cmdFill,
			"replace":  cmdReplace,
			"capture":  cmdCapture,
			"matches":  cmdMatches,
			"sleep":    cmdSleep,
			"waitfile": cmdWaitFile,
			"signal":   cmdSignal,
			"httpget":  cmdHTTPGet,
			"setdate":  cmdSetDate,
			// run_webhook.txtar's HTTP server (webhook_cmd_test.go).
			"webhook-server": cmdWebhookServer,
		},
	})
}

// cmdExitCode is "exitcode N PROGRAM [ARGS...]": it runs PROGRAM as exec
// does (stdout and stderr are then checked the same way) and fails unless
// it exits with status N exactly, where exec and ! exec tell only zero
// from non-zero.
func cmdExitCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exitcode N program [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil || want < 0 {
		ts.Fatalf("exitcode: %q is not an exit status", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exitcode: %v", err)
		}
		got = ee.ExitCode() // -1 when a signal ended it
	}
	if got != want {
		ts.Fatalf("exit status %d, want %d", got, want)
	}
}

// cmdFill is "fill FILE HEAD N UNIT TAIL": it writes HEAD, N times UNIT,
// then TAIL to FILE, for inputs too large for an archive.
func cmdFill(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 5 {
		ts.Fatalf("usage: fill FILE HEAD N UNIT TAIL")
	}
	n, err := strconv.Atoi(args[2])
	if err != nil || n < 0 {
		ts.Fatalf("fill: %q is not a count", args[2])
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(args[1]+strings.Repeat(args[3], n)+args[4]), 0o644))
}

// cmdReplace is "replace FILE OLD NEW": every OLD in FILE becomes NEW;
// OLD must occur.
func cmdReplace(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: replace FILE OLD NEW")
	}
	name := ts.MkAbs(args[0])
	b, err := os.ReadFile(name)
	ts.Check(err)
	if !strings.Contains(string(b), args[1]) {
		ts.Fatalf("replace: no %q in %s", args[1], args[0])
	}
	ts.Check(os.WriteFile(name, []byte(strings.ReplaceAll(string(b), args[1], args[2])), 0o644))
}

// cmdCapture is "capture VAR FILE REGEXP": it sets VAR to the first
// submatch of REGEXP in FILE, where stdout and stderr are the last
// command's (a pairing code, a row id).
func cmdCapture(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: capture VAR FILE REGEXP")
	}
	re, err := regexp.Compile("(?m)" + args[2])
	ts.Check(err)
	m := re.FindStringSubmatch(ts.ReadFile(args[1]))
	if len(m) < 2 {
		ts.Fatalf("capture: no match for %q with a submatch in %s", args[2], args[1])
	}
	ts.Setenv(args[0], m[1])
}

// cmdMatches is "matches PATTERN": some path matches the glob PATTERN;
// with !, none does.
func cmdMatches(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: matches PATTERN")
	}
	m, err := filepath.Glob(ts.MkAbs(args[0]))
	ts.Check(err)
	if len(m) == 0 && !neg {
		ts.Fatalf("no path matches %s", args[0])
	}
	if len(m) > 0 && neg {
		ts.Fatalf("%s matches %s", args[0], strings.Join(m, ", "))
	}
}

// cmdSleep is "sleep DURATION" (a Go duration), to let a running process
// see one state before the next.
func cmdSleep(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: sleep DURATION")
	}
	d, err := time.ParseDuration(args[0])
	ts.Check(err)
	time.Sleep(d)
}

// bugCLI's commands end as a command with a bug, or a failure outside the
// program, would: runCLI must tell them apart.
type bugCLI struct {
	Error    bugErrorCmd    `cmd:"" help:"Return an error no command classified."`
	Panic    bugPanicCmd    `cmd:"" help:"Panic."`
	OSError  bugOSErrorCmd  `cmd:"" name:"oserror" help:"Return an unclassified error from the operating system."`
	ExitCode bugExitCodeCmd `cmd:"" name:"exitcoder" help:"Return another kong.ExitCoder."`
}

type (
	bugErrorCmd    struct{}
	bugPanicCmd    struct{}
	bugOSErrorCmd  struct{}
	bugExitCodeCmd struct{}
	otherExitCoder struct{}
)

func (bugErrorCmd) Run() error { return errors.New("something no command expected") }
func (bugPanicCmd) Run() error { panic("something no command expected") }
func (bugOSErrorCmd) Run() error {
	_, err := os.Open("nosuch/file")
	return fmt.Errorf("reading: %w", err)
}
func (bugExitCodeCmd) Run() error    { return otherExitCoder{} }
func (otherExitCoder) Error() string { return "an error with its own exit code" }
func (otherExitCoder) ExitCode() int { return 4 }

// waitfile [-timeout=DURATION] FILE REGEXP waits until FILE exists and its
// content matches REGEXP (default timeout 20 s); with ! it waits until it
// does not.
func cmdWaitFile(ts *testscript.TestScript, neg bool, args []string) {
	timeout := 20 * time.Second
	if len(args) > 0 && len(args[0]) > 9 && args[0][:9] == "-timeout=" {
		d, err := time.ParseDuration(args[0][9:])
		ts.Check(err)
		timeout, args = d, args[1:]
	}
	if len(args) != 2 {
		ts.Fatalf("usage: waitfile [-timeout=D] FILE REGEXP")
	}
	re, err := regexp.Compile(args[1])
	ts.Check(err)
	deadline := time.Now().Add(timeout)
	var last []byte
	for time.Now().Before(deadline) {
		b, err := os.ReadFile(ts.MkAbs(args[0]))
		if err == nil {
			last = b
			if re.Match(b) != neg {
				return
			}
		}
		time.Sleep(25 * time.Millisecond)
	}
	ts.Fatalf("waitfile %s %q: no match after %s; content:\n%s", args[0], args[1], timeout, last)
}

// cmdSetDate is "setdate VAR OFFSET": sets VAR to now plus OFFSET (a Go
// duration, negative for the past) in RFC 3339, for rows dated relative
// to the running runtime's clock.
func cmdSetDate(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: setdate VAR OFFSET")
	}
	d, err := time.ParseDuration(args[1])
	ts.Check(err)
	ts.Setenv(args[0], time.Now().Add(d).UTC().Format(time.RFC3339Nano))
}
