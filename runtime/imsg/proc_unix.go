//go:build unix

package imsg

import (
	"errors"
	"os/exec"
	"syscall"
)

// The child leads its own process group, so signals reach what an SSH or
// shell wrapper started too.
func sysProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

// signalGroup sends sig to the child's process group, or to the child
// alone if the group is gone.
func signalGroup(pid int, sig syscall.Signal) error {
	err := syscall.Kill(-pid, sig)
	if errors.Is(err, syscall.ESRCH) {
		err = syscall.Kill(pid, sig)
	}
	if errors.Is(err, syscall.ESRCH) {
		return nil
	}
	return err
}

const (
	sigTerm = syscall.SIGTERM
	sigKill = syscall.SIGKILL
)

// exitStatus splits a wait result into OpenClaw's terms: the exit code, or
// -1 and the signal's name (as Node names it) when a signal ended it.
func exitStatus(ps interface{ Sys() any }) (code int, signal string) {
	ws, ok := ps.Sys().(syscall.WaitStatus)
	if !ok {
		return -1, ""
	}
	if ws.Signaled() {
		return -1, signalNames[ws.Signal()]
	}
	return ws.ExitStatus(), ""
}

var signalNames = map[syscall.Signal]string{
	syscall.SIGHUP: "SIGHUP", syscall.SIGINT: "SIGINT", syscall.SIGQUIT: "SIGQUIT",
	syscall.SIGILL: "SIGILL", syscall.SIGTRAP: "SIGTRAP", syscall.SIGABRT: "SIGABRT",
	syscall.SIGBUS: "SIGBUS", syscall.SIGFPE: "SIGFPE", syscall.SIGKILL: "SIGKILL",
	syscall.SIGUSR1: "SIGUSR1", syscall.SIGSEGV: "SIGSEGV", syscall.SIGUSR2: "SIGUSR2",
	syscall.SIGPIPE: "SIGPIPE", syscall.SIGALRM: "SIGALRM", syscall.SIGTERM: "SIGTERM",
	syscall.SIGCHLD: "SIGCHLD", syscall.SIGCONT: "SIGCONT", syscall.SIGSTOP: "SIGSTOP",
	syscall.SIGTSTP: "SIGTSTP", syscall.SIGTTIN: "SIGTTIN", syscall.SIGTTOU: "SIGTTOU",
	syscall.SIGURG: "SIGURG", syscall.SIGXCPU: "SIGXCPU", syscall.SIGXFSZ: "SIGXFSZ",
	syscall.SIGVTALRM: "SIGVTALRM", syscall.SIGPROF: "SIGPROF", syscall.SIGWINCH: "SIGWINCH",
	syscall.SIGIO: "SIGIO", syscall.SIGSYS: "SIGSYS",
}

var errnoNames = map[syscall.Errno]string{
	syscall.ENOENT: "ENOENT", syscall.EACCES: "EACCES", syscall.EPERM: "EPERM",
	syscall.ENOEXEC: "ENOEXEC", syscall.ENOTDIR: "ENOTDIR", syscall.ELOOP: "ELOOP",
	syscall.ENAMETOOLONG: "ENAMETOOLONG", syscall.E2BIG: "E2BIG", syscall.ENOMEM: "ENOMEM",
	syscall.EAGAIN: "EAGAIN", syscall.EMFILE: "EMFILE", syscall.ENFILE: "ENFILE",
	syscall.ETXTBSY: "ETXTBSY", syscall.EISDIR: "EISDIR", syscall.EINVAL: "EINVAL",
	syscall.EIO: "EIO", syscall.EFAULT: "EFAULT", syscall.ENXIO: "ENXIO",
}

// errnoName is the code Node puts in a spawn error ("ENOENT"), or "".
func errnoName(err error) string {
	if errors.Is(err, exec.ErrNotFound) {
		return "ENOENT"
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errnoNames[errno]
	}
	return ""
}

// isENOEXEC: the file is not a binary and has no #! line. Node (libuv's
// execvp) then runs it with /bin/sh, as the shell would.
func isENOEXEC(err error) bool { return errors.Is(err, syscall.ENOEXEC) }
