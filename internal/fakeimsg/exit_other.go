//go:build !unix

package fakeimsg

import "os"

// Exit ends the process with Main's status; ExitCrash exits 137 at once.
func Exit(code int) {
	if code == ExitCrash {
		os.Exit(137)
	}
	os.Exit(code)
}
