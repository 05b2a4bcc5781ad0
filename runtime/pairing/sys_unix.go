//go:build unix

package pairing

import (
	"errors"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
)

// processAlive: kill(pid, 0) succeeds or fails only for want of permission,
// and on Linux the process is not a zombie (OpenClaw reads
// /proc/<pid>/status the same way).
func processAlive(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	if runtime.GOOS == "linux" {
		if data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status"); err == nil {
			for _, line := range strings.Split(string(data), "\n") {
				if rest, ok := strings.CutPrefix(line, "State:"); ok {
					if f := strings.Fields(rest); len(f) > 0 && f[0] == "Z" {
						return false
					}
					break
				}
			}
		}
	}
	return true
}

// openNoFollow opens path for reading, refusing a symlink as the last
// component (so a file swapped for a link after our Lstat is not followed).
func openNoFollow(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
}

// fileIno is the inode number: an atomic rename gives the file a new one,
// which makes the allowFrom cache key stronger than OpenClaw's mtime+size.
func fileIno(fi os.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Ino)
	}
	return 0
}
