package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/openclawcfg/openclawcfg/runtime/monitor"
)

type pauseCmd struct {
	Account  string `arg:"" name:"account" help:"The account whose sending stops."`
	StateDir string `placeholder:"DIR" help:"The running instance's state dir (default: $OPENCLAWCFG_STATE_DIR, else ~/.openclawcfg)."`
}

func (c *pauseCmd) Help() string {
	return `Stops an account of a running (or the next) 'openclawcfg run' from sending:
messages are still received, decided and handled, and the replies wait in the
outbox until 'openclawcfg resume ACCOUNT'. The switch is a file in the state
dir, seen within two seconds. Use it to stop a flood before it reaches a person.`
}

func (c *pauseCmd) Run(e *env) error { return setPause(e, c.StateDir, c.Account, true) }

type resumeCmd struct {
	Account  string `arg:"" name:"account" help:"The account whose sending resumes."`
	StateDir string `placeholder:"DIR" help:"The running instance's state dir (default: $OPENCLAWCFG_STATE_DIR, else ~/.openclawcfg)."`
}

func (c *resumeCmd) Run(e *env) error { return setPause(e, c.StateDir, c.Account, false) }

func setPause(e *env, flag, account string, paused bool) error {
	dir := stateDir(flag)
	if err := knownAccount(dir, account); err != nil {
		return usageErrorf("%v", err)
	}
	if err := monitor.Pause(dir, account, paused); err != nil {
		return failf("state dir %s: %v", dir, err)
	}
	if paused {
		fmt.Fprintf(e.stdout, "sending paused for account %s: replies wait in the outbox (openclawcfg resume %s)\n", account, account)
	} else {
		fmt.Fprintf(e.stdout, "sending resumed for account %s: waiting replies go out now\n", account)
	}
	return nil
}

// knownAccount checks the account against the plan the state dir's run
// uses, when there is one, so a typo does not pause nothing.
func knownAccount(dir, account string) error {
	b, err := os.ReadFile(filepath.Join(dir, "openclawcfg-plan.json"))
	if err != nil {
		return nil
	}
	var p struct {
		Accounts []struct {
			ID string `json:"id"`
		} `json:"accounts"`
	}
	if json.Unmarshal(b, &p) != nil || len(p.Accounts) == 0 {
		return nil
	}
	var ids []string
	for _, a := range p.Accounts {
		if a.ID == account {
			return nil
		}
		ids = append(ids, a.ID)
	}
	return fmt.Errorf("no account %q in the plan %s runs (accounts: %s)", account, dir, strings.Join(ids, ", "))
}
