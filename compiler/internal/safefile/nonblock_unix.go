//go:build unix

package safefile

import "syscall"

// nonBlock makes open(2) of a FIFO return at once instead of waiting for
// a writer.
const nonBlock = syscall.O_NONBLOCK
