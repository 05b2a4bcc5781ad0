//go:build !unix

package handler

import (
	"os/exec"
	"syscall"
)

func setProcessGroup(*exec.Cmd) {}

func killGroup(cmd *exec.Cmd, _ syscall.Signal) {
	if cmd.Process != nil {
		_ = cmd.Process.Kill()
	}
}
