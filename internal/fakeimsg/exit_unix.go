//go:build unix

package fakeimsg

import (
	"os"
	"syscall"
)

// Exit ends the process with Main's status; ExitCrash dies by SIGKILL, like
// a crashed imsg: no output, no exit status of its own.
func Exit(code int) {
	if code == ExitCrash {
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {}
	}
	os.Exit(code)
}
