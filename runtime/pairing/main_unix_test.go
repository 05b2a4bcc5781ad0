//go:build unix

package pairing

import (
	"os"
	"syscall"
	"testing"
)

// The golden was recorded under umask 022; dir modes depend on it.
func TestMain(m *testing.M) {
	syscall.Umask(0o022)
	os.Exit(m.Run())
}
