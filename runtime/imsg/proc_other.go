//go:build !unix

package imsg

import (
	"os"
	"syscall"
)

func sysProcAttr() *syscall.SysProcAttr { return nil }

type sysSignal int

const (
	sigTerm sysSignal = 15
	sigKill sysSignal = 9
)

// signalGroup can only kill the child itself here.
func signalGroup(pid int, _ sysSignal) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return nil
	}
	return p.Kill()
}

func exitStatus(ps interface{ Sys() any }) (int, string) {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok {
		return int(ws.ExitCode), ""
	}
	return -1, ""
}

func errnoName(error) string { return "" }

func isENOEXEC(error) bool { return false }
