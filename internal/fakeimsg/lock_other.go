//go:build !unix

package fakeimsg

import "os"

// Without flock, appends rely on O_APPEND writes of whole lines; concurrent
// writers may then assign the same rowid, so run one writer at a time.
func lockFile(*os.File) error { return nil }

func unlockFile(*os.File) {}
