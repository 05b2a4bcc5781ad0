//go:build unix

package resolve

import (
	"io/fs"
	"syscall"
)

// hardLinks is the link count OpenClaw's openVerifiedFileSync checks
// (rejectHardlinks: nlink > 1 fails).
func hardLinks(st fs.FileInfo) uint64 {
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		return uint64(s.Nlink)
	}
	return 1
}
