package main

import (
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/openclawcfg/openclawcfg/internal/fakeimsg"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"openclawcfg": func() { os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
		"imsg-fake":   func() { fakeimsg.Exit(fakeimsg.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
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
			"waitfile": cmdWaitFile,
			"signal":   cmdSignal,
			"httpget":  cmdHTTPGet,
			"setdate":  cmdSetDate,
			// run_webhook.txtar's HTTP server (webhook_cmd_test.go).
			"webhook-server": cmdWebhookServer,
		},
	})
}

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
