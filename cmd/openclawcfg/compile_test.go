package main

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// TestWriteAtomicMode: a new file is 0600; a replaced file keeps its mode
// where that is narrower, and is narrowed to 0600 otherwise; no temporary
// file stays behind.
func TestWriteAtomicMode(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no unix modes")
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		name     string
		existing os.FileMode // 0: no file yet
		want     os.FileMode
	}{
		{"new", 0, 0o600},
		{"world-readable", 0o644, 0o600},
		{"group-readable", 0o640, 0o600},
		{"read-only", 0o400, 0o400},
		{"already 0600", 0o600, 0o600},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name+".plan.json")
			if tc.existing != 0 {
				if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(path, tc.existing); err != nil {
					t.Fatal(err)
				}
			}
			if err := writeAtomicFile(path, []byte("new"), true); err != nil {
				t.Fatal(err)
			}
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := fi.Mode().Perm(); got != tc.want {
				t.Errorf("mode %v, want %v", got, tc.want)
			}
			if b, _ := os.ReadFile(path); string(b) != "new" {
				t.Errorf("content %q", b)
			}
		})
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp*"))
	if len(left) > 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}

// TestRemoveOnSignal: a SIGINT while the temporary file exists removes it
// before the process would end.
func TestRemoveOnSignal(t *testing.T) {
	p, err := os.FindProcess(os.Getpid())
	if err != nil || runtime.GOOS == "windows" {
		t.Skip("cannot signal this process")
	}
	tmp := filepath.Join(t.TempDir(), ".plan.json.tmp1")
	if err := os.WriteFile(tmp, []byte("partial"), 0o600); err != nil {
		t.Fatal(err)
	}
	raised := make(chan os.Signal, 1)
	saved := raise
	raise = func(s os.Signal) { raised <- s }
	defer func() { raise = saved }()
	stop := removeOnSignal(tmp)
	if err := p.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case s := <-raised:
		if s != os.Interrupt {
			t.Fatalf("raised %v", s)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no signal handled")
	}
	stop()
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Fatalf("the temporary file is still there (%v)", err)
	}
}
