//go:build !unix

package pairing

import "os"

// processAlive cannot check without kill(2): assume a lock's holder lives,
// so only the 30 s age rules break its lock.
func processAlive(pid int) bool { return true }

func openNoFollow(path string) (*os.File, error) { return os.Open(path) }

func fileIno(fi os.FileInfo) uint64 { return 0 }
