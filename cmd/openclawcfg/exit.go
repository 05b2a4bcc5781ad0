package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime/debug"
	"syscall"

	"github.com/alecthomas/kong"
)

// Exit codes: stable, documented in --help and README.md, never
// renumbered. 3 has two meanings, told apart by the message: both say that
// a person must look before anything is retried.
const (
	exitOK       = 0 // every input passed (warnings allowed unless --strict)
	exitInvalid  = 1 // findings: errors in some input, access widened, a verdict that failed
	exitUsage    = 2 // bad flags or arguments, an input that could not be read, a refused plan, a failure outside openclawcfg
	exitGaveUp   = 3 // run: every account stopped for good (gave up restarting)
	exitInternal = 3 // a bug in openclawcfg: the message asks for a report
)

// reportURL is where an internal error asks to be reported: the issues of
// the module's repository (README, "Exit codes").
const reportURL = "https://github.com/openclawcfg/openclawcfg/issues"

// exitError is an error that carries the process's exit code, as kong's
// own parse errors do (kong.ExitCoder). Main prints it, unless it has no
// message because the command has said why already (findings, a verdict).
type exitError struct {
	code int
	err  error // nil: already reported
}

var _ kong.ExitCoder = (*exitError)(nil)

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// ExitCode is the process's exit code (kong.ExitCoder).
func (e *exitError) ExitCode() int { return e.code }

// usageErrorf is a bad flag or argument: exit 2.
func usageErrorf(format string, a ...any) error {
	return &exitError{exitUsage, fmt.Errorf(format, a...)}
}

// failf is a failure that is not openclawcfg's: an input that cannot be
// read, a plan that does not load, a state dir, an address or an imsg that
// refuses. Exit 2, as for usage errors: the user has something to fix.
func failf(format string, a ...any) error {
	return &exitError{exitUsage, fmt.Errorf(format, a...)}
}

// fail is failf for an error that already says what failed; nil stays
// nil.
func fail(err error) error {
	if err == nil {
		return nil
	}
	return &exitError{exitUsage, err}
}

// findings is an error that is a verdict on the input (exit 1): an
// unknown explain path, a pairing code that matches no request.
func findings(err error) error { return &exitError{exitInvalid, err} }

// exitStatus ends a command whose output has said why: findings, a diff
// that widens access, a failed probe. Nothing more is printed.
func exitStatus(code int) error { return &exitError{code: code} }

// exitCodeOf prints err as the user should see it and returns the exit
// code. An error no command classified is a bug, and says so; an
// operating-system error that reached here unclassified (a write to a
// closed pipe, a full disk) is the environment's, not a bug.
func exitCodeOf(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	var pe *kong.ParseError
	if errors.As(err, &pe) {
		// kong's own code (1, or 80 for usage) is not ours.
		fmt.Fprintf(stderr, "openclawcfg: %v\n", err)
		return exitUsage
	}
	var xe *exitError
	if errors.As(err, &xe) {
		if xe.err != nil {
			fmt.Fprintf(stderr, "openclawcfg: %v\n", err)
		}
		return xe.code
	}
	var ec kong.ExitCoder
	if errors.As(err, &ec) {
		fmt.Fprintf(stderr, "openclawcfg: %v\n", err)
		return ec.ExitCode()
	}
	if fromOS(err) {
		fmt.Fprintf(stderr, "openclawcfg: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(stderr, "openclawcfg: internal error: %v; please report this at %s\n", err, reportURL)
	return exitInternal
}

// fromOS reports whether err came from the operating system: a file, a
// pipe, a socket or a process.
func fromOS(err error) bool {
	var (
		pathErr *os.PathError
		linkErr *os.LinkError
		sysErr  *os.SyscallError
		netErr  *net.OpError
		errno   syscall.Errno
	)
	return errors.As(err, &pathErr) || errors.As(err, &linkErr) || errors.As(err, &sysErr) ||
		errors.As(err, &netErr) || errors.As(err, &errno)
}

// internalPanic reports a panic on the command's goroutine as the bug it
// is, with the stack for the report, and returns the exit code.
func internalPanic(r any, stderr io.Writer) int {
	fmt.Fprintf(stderr, "openclawcfg: internal error: panic: %v; please report this at %s, with the stack below\n\n%s", r, reportURL, debug.Stack())
	return exitInternal
}
