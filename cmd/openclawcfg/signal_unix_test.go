//go:build unix

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"syscall"

	"github.com/rogpeppe/go-internal/testscript"
)

// signal TERM|INT|KILL STATUSFILE sends a signal to the 'openclawcfg run'
// whose status file is STATUSFILE.
func cmdSignal(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: signal TERM|INT|KILL STATUSFILE")
	}
	sig := map[string]syscall.Signal{"TERM": syscall.SIGTERM, "INT": syscall.SIGINT, "KILL": syscall.SIGKILL}[args[0]]
	if sig == 0 {
		ts.Fatalf("unknown signal %s", args[0])
	}
	b, err := os.ReadFile(ts.MkAbs(args[1]))
	ts.Check(err)
	var st struct {
		PID int `json:"pid"`
	}
	ts.Check(json.Unmarshal(b, &st))
	if st.PID <= 0 {
		ts.Fatalf("no pid in %s", args[1])
	}
	ts.Check(syscall.Kill(st.PID, sig))
	fmt.Fprintf(ts.Stdout(), "sent SIG%s to %d\n", args[0], st.PID)
}
