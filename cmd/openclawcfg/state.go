package main

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// stateDir is where openclawcfg keeps OpenClaw's state files: --state-dir,
// else $OPENCLAWCFG_STATE_DIR, else ~/.openclawcfg.
func stateDir(flag string) string {
	if flag != "" {
		return flag
	}
	if v := strings.TrimSpace(os.Getenv("OPENCLAWCFG_STATE_DIR")); v != "" {
		return v
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".openclawcfg")
}

// readPairingStore reads the account's approved senders in OpenClaw's
// layout (interim: replaced by runtime/pairing).
func readPairingStore(dir, account string) ([]string, error) {
	files := []string{filepath.Join(dir, "credentials", "imessage-"+account+"-allowFrom.json")}
	if account == "default" {
		files = append(files, filepath.Join(dir, "credentials", "imessage-allowFrom.json"))
	}
	var out []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		var doc struct {
			AllowFrom []string `json:"allowFrom"`
		}
		if json.Unmarshal(b, &doc) == nil {
			out = append(out, doc.AllowFrom...)
		}
	}
	return out, nil
}
