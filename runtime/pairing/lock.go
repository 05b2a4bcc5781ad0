package pairing

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
)

// OpenClaw's store lock (dist/file-lock-Cm3HPowf.js, acquireFileLock with
// pairing-store's PAIRING_STORE_LOCK_OPTIONS), ported so that openclawcfg and
// a running OpenClaw gateway or CLI exclude each other:
//
//   - the lock is the file "<realpath(dir)>/<name>.lock", created with
//     O_CREAT|O_EXCL and holding JSON.stringify({pid, createdAt}, null, 2);
//   - a holder releases it by closing and deleting it;
//   - a waiter that finds it treats it as stale, deletes it and retries when
//     its pid is not a live process (or a zombie), when its createdAt is
//     unparseable or older than 30 s, or when the file's mtime is older than
//     30 s; otherwise it sleeps min(10 s, max(100 ms, 100 ms·2^attempt))
//     times a random factor in [1, 2) and retries, 11 attempts in all, then
//     fails with "file lock timeout for <path>".
//
// OpenClaw's lock is re-entrant per process and path, so two of its own
// concurrent operations can interleave; ours adds a per-path mutex so that
// goroutines of one process exclude each other as well. Two of OpenClaw's
// races are closed on our side (see isStaleLock and fileLock.check); the
// holder's last-moment check cannot close them on OpenClaw's side.
type lockOptions struct {
	retries    int
	factor     float64
	minTimeout time.Duration
	maxTimeout time.Duration
	randomize  bool
	stale      time.Duration
}

var openclawLockOptions = lockOptions{
	retries:    10,
	factor:     2,
	minTimeout: 100 * time.Millisecond,
	maxTimeout: 10 * time.Second,
	randomize:  true,
	stale:      30 * time.Second,
}

// procLocks maps a lock path to the mutex that serialises this process's
// holders (all Stores share it, so two Stores on one dir exclude each other).
var procLocks sync.Map

func lockPathFor(filePath string) string {
	abs, err := filepath.Abs(filePath)
	if err != nil {
		abs = filePath
	}
	dir := filepath.Dir(abs)
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	return filepath.Join(dir, filepath.Base(abs)) + ".lock"
}

// fileLock is a held lock.
type fileLock struct {
	path string
	f    *os.File
	fi   os.FileInfo
	mu   *sync.Mutex
}

func (l *fileLock) release() {
	l.f.Close()
	// Remove only our own lock file, not one a waiter created after wrongly
	// breaking ours.
	if fi, err := os.Lstat(l.path); err == nil && os.SameFile(fi, l.fi) {
		os.Remove(l.path)
	}
	l.mu.Unlock()
}

// check fails when our lock file is no longer the one at the lock path: an
// OpenClaw waiter broke it (its stale check treats a lock that vanishes
// under it as stale and deletes whatever is there by then, which can be a
// fresh lock). Writing then could lose the other writer's update.
func (l *fileLock) check() error {
	fi, err := os.Lstat(l.path)
	if err != nil || !os.SameFile(fi, l.fi) {
		return fmt.Errorf("lock %s was broken by another process while held; not writing", l.path)
	}
	return nil
}

// acquireFileLock takes the lock for filePath (whose directory must exist).
func acquireFileLock(filePath string, opts lockOptions) (*fileLock, error) {
	lockPath := lockPathFor(filePath)
	mv, _ := procLocks.LoadOrStore(lockPath, new(sync.Mutex))
	mu := mv.(*sync.Mutex)
	mu.Lock()
	attempts := max(1, opts.retries+1)
	// A lock that vanishes while we look at it is retried at once without
	// using an attempt; spins bounds that in case locks keep vanishing.
	for attempt, spins := 0, 0; attempt < attempts && spins < 10000; spins++ {
		f, err := os.OpenFile(lockPath, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			payload := "{\n  \"pid\": " + strconv.Itoa(os.Getpid()) + ",\n  \"createdAt\": \"" + openclaw.ISOString(time.Now().UnixMilli()) + "\"\n}"
			fi, serr := f.Stat()
			_, werr := f.WriteString(payload)
			if err := errors.Join(serr, werr); err != nil {
				f.Close()
				os.Remove(lockPath)
				mu.Unlock()
				return nil, fmt.Errorf("write lock file %s: %w", lockPath, err)
			}
			return &fileLock{path: lockPath, f: f, fi: fi, mu: mu}, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			mu.Unlock()
			return nil, fmt.Errorf("create lock file: %w", err)
		}
		stale, seen := isStaleLock(lockPath, opts.stale)
		if seen == nil {
			continue // released meanwhile: try again now
		}
		if stale {
			// As OpenClaw, but only if it is still the lock we judged: between
			// our look and the removal its holder may have released it and
			// someone else taken a fresh one. Breaking a lock uses an attempt.
			if fi, err := os.Lstat(lockPath); err == nil && os.SameFile(fi, seen) {
				os.Remove(lockPath)
			}
			attempt++
			continue
		}
		if attempt >= attempts-1 {
			break
		}
		time.Sleep(lockDelay(opts, attempt))
		attempt++
	}
	mu.Unlock()
	return nil, fmt.Errorf("file lock timeout for %s", strings.TrimSuffix(lockPath, ".lock"))
}

func lockDelay(opts lockOptions, attempt int) time.Duration {
	base := math.Min(float64(opts.maxTimeout), math.Max(float64(opts.minTimeout), float64(opts.minTimeout)*math.Pow(opts.factor, float64(attempt))))
	jitter := 1.0
	if opts.randomize {
		jitter = 1 + rand.Float64()
	}
	return time.Duration(math.Min(float64(opts.maxTimeout), math.Round(base*jitter)))
}

// isStaleLock is OpenClaw's isStaleLock. seen is the lock file judged, nil
// when there is none any more (OpenClaw calls a vanished lock stale and
// deletes the path, which by then may hold someone's fresh lock; we retry).
func isStaleLock(lockPath string, stale time.Duration) (bool, os.FileInfo) {
	now := time.Now()
	seen, err := os.Lstat(lockPath)
	if err != nil {
		return false, nil
	}
	data, err := os.ReadFile(lockPath)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err == nil {
		if v, err := parseJSON(data); err == nil {
			if o, ok := v.(*jsObject); ok {
				pidV, _ := o.get("pid")
				createdV, _ := o.get("createdAt")
				pid, pidOK := pidV.(float64)
				created, createdOK := createdV.(string)
				if pidOK && createdOK {
					if pid != 0 && !pidAlive(pid) {
						return true, seen
					}
					if created != "" {
						ms, ok := openclaw.ParseJSDate(created, time.Local)
						if !ok || now.UnixMilli()-ms > stale.Milliseconds() {
							return true, seen
						}
					}
				}
			}
		}
	}
	return now.Sub(seen.ModTime()) > stale, seen
}

// pidAlive is OpenClaw's isPidAlive: a positive integer pid of a process that
// exists and is not a zombie. Unlike OpenClaw (where process.kill's EPERM
// counts as dead), a process we may not signal counts as alive, so another
// user's lock is never broken early.
func pidAlive(pid float64) bool {
	if pid != math.Trunc(pid) || pid <= 0 || pid > math.MaxInt32 {
		return false
	}
	return processAlive(int(pid))
}
