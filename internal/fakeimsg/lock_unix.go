//go:build unix

package fakeimsg

import (
	"os"
	"syscall"
)

// lockFile takes the exclusive advisory lock every writer of a database file
// holds while it appends.
func lockFile(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			return err
		}
	}
}

func unlockFile(f *os.File) { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
