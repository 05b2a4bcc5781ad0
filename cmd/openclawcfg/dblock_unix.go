//go:build unix

package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/openclawcfg/openclawcfg/plan"
	"github.com/openclawcfg/openclawcfg/runtime/monitor"
)

// lockDatabases takes one lock per chat.db the accounts watch, so two
// runtimes (two state dirs, or a copy started by hand next to launchd's)
// never watch one database and answer every message twice (pain 26). The
// lock is an flock on a file in the temp dir named after the database's
// identity: the kernel drops it when the process dies, kill -9 included.
func lockDatabases(accounts []*plan.Account) (func(), error) {
	var files []*os.File
	release := func() {
		for _, f := range files {
			_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
			f.Close()
		}
	}
	seen := map[string]bool{}
	for _, a := range accounts {
		id := monitor.DBIdentity(a.DBPathExpanded)
		if seen[id] {
			continue
		}
		seen[id] = true
		sum := sha256.Sum256([]byte(id))
		p := filepath.Join(os.TempDir(), "openclawcfg-db-"+hex.EncodeToString(sum[:8])+".lock")
		f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			release()
			return nil, fmt.Errorf("lock for %s: %v", a.DBPathExpanded, err)
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			b := make([]byte, 32)
			n, _ := f.ReadAt(b, 0)
			f.Close()
			release()
			who := "another openclawcfg run"
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b[:n]))); err == nil {
				who += " (pid " + strconv.Itoa(pid) + ")"
			}
			db := a.DBPathExpanded
			if db == "" {
				db = "the default chat.db"
			}
			return nil, fmt.Errorf("account %s: %s already watches %s: two runtimes on one chat.db answer every message twice; stop the other one first", a.ID, who, db)
		}
		_ = f.Truncate(0)
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
		files = append(files, f)
	}
	return release, nil
}
