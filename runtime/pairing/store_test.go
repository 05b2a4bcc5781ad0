package pairing

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
)

// fastLock keeps OpenClaw's protocol with short waits so contention tests run quickly.
var fastLock = lockOptions{retries: 200, factor: 1.2, minTimeout: time.Millisecond, maxTimeout: 20 * time.Millisecond, randomize: true, stale: 30 * time.Second}

func testStore(t testing.TB) (*Store, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "state")
	s := New(dir)
	s.lock = fastLock
	return s, dir
}

func writeFile(t testing.TB, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func readFile(t testing.TB, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestCorruptFilesAreNeverRewritten(t *testing.T) {
	for _, content := range []string{
		`{"version":1,"requests":[`,
		"\ufeff{\"version\":1,\"requests\":[]}",
		"null", "[]", `"x"`, `{"version":"1","requests":[]}`, `{"version":1,"requests":null}`,
		`{"version":1,"requests":[null]}`, "{\"version\":1,\"requests\":[\"\xff\"]}",
		strings.Repeat("[", 600) + strings.Repeat("]", 600),
	} {
		s, dir := testStore(t)
		p := filepath.Join(dir, "credentials", "imessage-pairing.json")
		writeFile(t, p, content)
		ops := map[string]func() error{
			"Upsert":  func() error { _, _, err := s.Upsert("", "+1", nil); return err },
			"List":    func() error { _, err := s.List(""); return err },
			"Approve": func() error { _, err := s.Approve("ABCDEFGH", ""); return err },
		}
		for name, op := range ops {
			err := op()
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), p) {
				t.Errorf("%s on %q: error %v, want ErrCorrupt naming %s", name, content, err, p)
			}
			if got := readFile(t, p); got != content {
				t.Fatalf("%s rewrote the corrupt file %q as %q", name, content, got)
			}
		}
		if _, err := os.Stat(p + ".lock"); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("lock left behind: %v", err)
		}
	}
}

func TestApproveIntoCorruptAllowFromChangesNothing(t *testing.T) {
	s, dir := testStore(t)
	s.rand = newRng(t, "ABCDEFGH")
	code, _, err := s.Upsert("work", "+1", nil)
	if err != nil {
		t.Fatal(err)
	}
	pairing := readFile(t, filepath.Join(dir, "credentials", "imessage-pairing.json"))
	af := filepath.Join(dir, "credentials", "imessage-work-allowFrom.json")
	writeFile(t, af, `{"version":1,"allowFrom":["+9",`)
	if _, err := s.Approve(code, ""); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Approve: %v", err)
	}
	if readFile(t, af) != `{"version":1,"allowFrom":["+9",` || readFile(t, filepath.Join(dir, "credentials", "imessage-pairing.json")) != pairing {
		t.Fatal("a failed approve changed a file")
	}
	entries, err := s.ReadAllowFrom("work")
	if len(entries) != 0 || !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), af) {
		t.Fatalf("ReadAllowFrom = %q, %v", entries, err)
	}
}

func TestSymlinksOutOfTheStateDirAreRefused(t *testing.T) {
	outside := t.TempDir()
	target := filepath.Join(outside, "pairing.json")
	writeFile(t, target, `{"version":1,"requests":[]}`)

	s, dir := testStore(t)
	if err := os.MkdirAll(filepath.Join(dir, "credentials"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(dir, "credentials", "imessage-pairing.json")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Upsert("", "+1", nil); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "outside the state dir") {
		t.Fatalf("Upsert through an outside link: %v", err)
	}
	if readFile(t, target) != `{"version":1,"requests":[]}` {
		t.Fatal("the link's target was written")
	}

	// The credentials dir itself linked out.
	s2, dir2 := testStore(t)
	if err := os.MkdirAll(dir2, 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(outside, "imessage-default-allowFrom.json"), `{"version":1,"allowFrom":["+1666"]}`)
	if err := os.Symlink(outside, filepath.Join(dir2, "credentials")); err != nil {
		t.Fatal(err)
	}
	if got, err := s2.ReadAllowFrom(""); len(got) != 0 || !errors.Is(err, ErrCorrupt) {
		t.Fatalf("ReadAllowFrom through a linked-out credentials dir = %q, %v", got, err)
	}
	if _, _, err := s2.Upsert("", "+1", nil); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Upsert through a linked-out credentials dir: %v", err)
	}
	if _, err := os.Stat(filepath.Join(outside, "imessage-pairing.json")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("wrote through the linked-out credentials dir")
	}

	// The state dir itself may be a link (the user's choice).
	real := t.TempDir()
	link := filepath.Join(t.TempDir(), "state")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	s3 := New(link)
	s3.lock = fastLock
	if _, created, err := s3.Upsert("", "+1", nil); err != nil || !created {
		t.Fatalf("Upsert in a linked state dir: %v", err)
	}
	if _, err := os.Stat(filepath.Join(real, "credentials", "imessage-pairing.json")); err != nil {
		t.Fatal(err)
	}
}

func TestSpecialFilesAreNotOpened(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no FIFOs")
	}
	s, dir := testStore(t)
	af := filepath.Join(dir, "credentials", "imessage-default-allowFrom.json")
	if err := os.MkdirAll(filepath.Dir(af), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := exec.Command("mkfifo", af).Run(); err != nil {
		t.Skip("mkfifo:", err)
	}
	done := make(chan struct{})
	go func() {
		// OpenClaw's readFile would block here forever.
		got, err := s.ReadAllowFrom("")
		if len(got) != 0 || !errors.Is(err, ErrCorrupt) {
			t.Errorf("ReadAllowFrom on a FIFO = %q, %v", got, err)
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("ReadAllowFrom blocked on a FIFO")
	}
}

func TestPermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix modes")
	}
	s, dir := testStore(t)
	if _, _, err := s.Upsert("", "+1", nil); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]fs.FileMode{dir: 0o700, filepath.Join(dir, "credentials"): 0o700, s.pairingPath(): 0o600} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %o, want %o", p, fi.Mode().Perm(), want)
		}
	}
	// A file someone made world-readable is 0600 again after our write, as after OpenClaw's.
	if err := os.Chmod(s.pairingPath(), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Upsert("", "+2", nil); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(s.pairingPath()); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode after rewrite %o", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "credentials"))
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") || strings.HasSuffix(e.Name(), ".lock") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

func TestLockProtocol(t *testing.T) {
	s, dir := testStore(t)
	s.lock = lockOptions{retries: 3, factor: 2, minTimeout: 5 * time.Millisecond, maxTimeout: 10 * time.Millisecond, stale: 30 * time.Second}
	lock := filepath.Join(dir, "credentials", "imessage-pairing.json.lock")

	// A live holder (this process's pid, fresh) is waited for, then we give up with OpenClaw's message.
	writeFile(t, lock, fmt.Sprintf("{\n  \"pid\": %d,\n  \"createdAt\": %q\n}", os.Getpid(), openclaw.ISOString(time.Now().UnixMilli())))
	_, _, err := s.Upsert("", "+1", nil)
	if err == nil || err.Error() != "file lock timeout for "+strings.TrimSuffix(lockPathFor(s.pairingPath()), ".lock") {
		t.Fatalf("held lock: %v", err)
	}
	// Released while we wait: we get it.
	s.lock.retries = 100
	go func() { time.Sleep(30 * time.Millisecond); os.Remove(lock) }()
	if _, created, err := s.Upsert("", "+1", nil); err != nil || !created {
		t.Fatalf("after release: %v", err)
	}
	// Stale: dead pid; old createdAt; unparseable createdAt; old mtime with no payload.
	old := time.Now().Add(-time.Minute)
	for name, content := range map[string]string{
		"dead pid":      "{\n  \"pid\": 2147483646,\n  \"createdAt\": \"" + openclaw.ISOString(time.Now().UnixMilli()) + "\"\n}",
		"old createdAt": fmt.Sprintf("{\"pid\": %d, \"createdAt\": %q}", os.Getpid(), openclaw.ISOString(old.UnixMilli())),
		"bad createdAt": fmt.Sprintf("{\"pid\": %d, \"createdAt\": \"soon\"}", os.Getpid()),
		"old mtime":     "",
	} {
		writeFile(t, lock, content)
		if name == "old mtime" {
			os.Chtimes(lock, old, old)
		}
		s.lock.retries = 2
		if _, err := s.List(""); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if _, err := os.Stat(lock); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: lock not cleaned up", name)
		}
	}
	// A lock being created right now (empty, fresh mtime) is not stale.
	writeFile(t, lock, "")
	if _, err := s.List(""); err == nil || !strings.Contains(err.Error(), "file lock timeout") {
		t.Errorf("fresh empty lock: %v", err)
	}
}

func TestLockPayloadIsOpenClaws(t *testing.T) {
	s, _ := testStore(t)
	if err := os.MkdirAll(s.credDir(), 0o700); err != nil {
		t.Fatal(err)
	}
	l, err := acquireFileLock(s.pairingPath(), s.lock)
	if err != nil {
		t.Fatal(err)
	}
	data := readFile(t, lockPathFor(s.pairingPath()))
	l.release()
	want := fmt.Sprintf("{\n  \"pid\": %d,\n  \"createdAt\": \"", os.Getpid())
	if !strings.HasPrefix(data, want) || !strings.HasSuffix(data, "Z\"\n}") {
		t.Fatalf("lock payload %q", data)
	}
}

// worker approves n fresh ids of its own, one at a time, retrying while the
// store is full (3 pending across everyone).
func worker(s *Store, prefix string, n int) error {
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("%s-%d", prefix, i)
		for {
			code, _, err := s.Upsert("", id, []MetaField{{"sender", id}})
			if err != nil {
				return err
			}
			if code != "" {
				got, err := s.Approve(strings.ToLower(code), "")
				if err != nil {
					return fmt.Errorf("approve %s (%s): %w", id, code, err)
				}
				if got != id {
					return fmt.Errorf("approved %s for %s", got, id)
				}
				break
			}
			time.Sleep(time.Millisecond)
		}
	}
	return nil
}

// The helper process of TestConcurrentProcesses.
func TestHelperProcess(t *testing.T) {
	dir := os.Getenv("PAIRING_HELPER_DIR")
	if dir == "" {
		t.Skip("helper for TestConcurrentProcesses")
	}
	s := New(dir)
	s.lock = fastLock
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- worker(s, os.Getenv("PAIRING_HELPER_PREFIX")+strconv.Itoa(g), 15)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func checkAllApproved(t *testing.T, s *Store, prefixes []string, n int) {
	t.Helper()
	got, err := s.ReadAllowFrom("")
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, p := range prefixes {
		for i := 0; i < n; i++ {
			want = append(want, fmt.Sprintf("%s-%d", p, i))
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("approved %d ids, want %d: lost %v", len(got), len(want), missing(want, got))
	}
	reqs, err := s.List("")
	if err != nil || len(reqs) != 0 {
		t.Fatalf("pending left: %v %v", reqs, err)
	}
}

func missing(want, got []string) []string {
	var m []string
	for _, w := range want {
		if !slices.Contains(got, w) {
			m = append(m, w)
		}
	}
	return m
}

func TestConcurrentGoroutines(t *testing.T) {
	s, dir := testStore(t)
	other := New(dir) // a second Store on the same dir shares the process lock
	other.lock = fastLock
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for g, st := range []*Store{s, s, other, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- worker(st, "g"+strconv.Itoa(g), 20)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	checkAllApproved(t, s, []string{"g0", "g1", "g2", "g3"}, 20)
}

func TestConcurrentProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	s, dir := testStore(t)
	var cmds []*exec.Cmd
	var outs []*strings.Builder
	for _, prefix := range []string{"pa", "pb"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), "PAIRING_HELPER_DIR="+dir, "PAIRING_HELPER_PREFIX="+prefix)
		out := new(strings.Builder)
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
		outs = append(outs, out)
	}
	// And this process at the same time.
	if err := worker(s, "self", 15); err != nil {
		t.Fatal(err)
	}
	for i, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("helper: %v\n%s", err, outs[i])
		}
	}
	checkAllApproved(t, s, []string{"pa0", "pa1", "pb0", "pb1", "self"}, 15)
}

func TestReadAllowFromCacheSeesChanges(t *testing.T) {
	s, dir := testStore(t)
	af := filepath.Join(dir, "credentials", "imessage-default-allowFrom.json")
	writeFile(t, af, `{"version":1,"allowFrom":["+1"]}`)
	if got, _ := s.ReadAllowFrom(""); !slices.Equal(got, []string{"+1"}) {
		t.Fatalf("got %q", got)
	}
	got, _ := s.ReadAllowFrom("")
	got[0] = "mutated" // callers get copies
	// Same size, written by rename (as OpenClaw writes) in the same instant: the inode differs.
	if err := writeAtomic(af, []byte(`{"version":1,"allowFrom":["+2"]}`)); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.ReadAllowFrom(""); !slices.Equal(got, []string{"+2"}) {
		t.Fatalf("after rewrite got %q", got)
	}
	legacy := filepath.Join(dir, "credentials", "imessage-allowFrom.json")
	writeFile(t, legacy, `{"version":1,"allowFrom":["+3","+2"]}`)
	if got, _ := s.ReadAllowFrom("default"); !slices.Equal(got, []string{"+2", "+3"}) {
		t.Fatalf("with legacy got %q", got)
	}
	os.Remove(af)
	if got, err := s.ReadAllowFrom(""); !slices.Equal(got, []string{"+3", "+2"}) || err != nil {
		t.Fatalf("after remove got %q %v", got, err)
	}
	writeFile(t, legacy, `{"version":1,"allowFrom":["+3","+2"`)
	if got, err := s.ReadAllowFrom(""); len(got) != 0 || !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), legacy) {
		t.Fatalf("corrupt legacy: %q %v", got, err)
	}
}

func TestDefaultStateDir(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	home := filepath.FromSlash("/home/u")
	cwd, _ := os.Getwd()
	for _, c := range []struct {
		env  map[string]string
		want string
	}{
		{nil, filepath.Join(home, ".openclawcfg")},
		{map[string]string{"OPENCLAWCFG_STATE_DIR": "  "}, filepath.Join(home, ".openclawcfg")},
		{map[string]string{"OPENCLAWCFG_STATE_DIR": "/srv/oc"}, filepath.FromSlash("/srv/oc")},
		{map[string]string{"OPENCLAWCFG_STATE_DIR": " ~/.openclaw "}, filepath.Join(home, ".openclaw")},
		{map[string]string{"OPENCLAWCFG_STATE_DIR": "~"}, home},
		{map[string]string{"OPENCLAWCFG_STATE_DIR": "rel"}, filepath.Join(cwd, "rel")},
		{map[string]string{"OPENCLAW_STATE_DIR": "/x"}, filepath.Join(home, ".openclawcfg")},
	} {
		if got := DefaultStateDir(env(c.env), home); got != c.want {
			t.Errorf("%v: got %q, want %q", c.env, got, c.want)
		}
	}
}

func TestInvalidUTF8FromCallers(t *testing.T) {
	s, _ := testStore(t)
	code, created, err := s.Upsert("wo\xffrk", "+1\xfe", []MetaField{{"k\xff", "v\xff"}})
	if err != nil || !created {
		t.Fatal(err)
	}
	data := readFile(t, s.pairingPath())
	if _, err := parseJSON([]byte(data)); err != nil {
		t.Fatalf("wrote invalid JSON: %v\n%s", err, data)
	}
	if id, err := s.Approve(code, "WO\uFFFDRK"); err != nil || id != "+1\uFFFD" {
		t.Fatalf("approve: %q %v", id, err)
	}
}

func TestApproveErrors(t *testing.T) {
	s, _ := testStore(t)
	for _, code := range []string{"", "   ", "NOPE1234", "nope1234"} {
		_, err := s.Approve(code, "")
		if !errors.Is(err, ErrNoPendingRequest) || err.Error() != "No pending pairing request found for code: "+code {
			t.Errorf("Approve(%q): %v", code, err)
		}
	}
}
