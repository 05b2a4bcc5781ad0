package main

import (
	"os"

	"github.com/openclawcfg/openclawcfg/runtime/pairing"
)

// stateDir is where openclawcfg keeps OpenClaw's state files: --state-dir,
// else $OPENCLAWCFG_STATE_DIR, else ~/.openclawcfg.
func stateDir(flag string) string {
	if flag != "" {
		return flag
	}
	home, _ := os.UserHomeDir()
	return pairing.DefaultStateDir(os.Getenv, home)
}
