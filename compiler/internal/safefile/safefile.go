// Package safefile reads paths that a config or a command line names and
// that may be anything: a FIFO, a device, a socket. It checks the path
// before it opens it and opens it without blocking, so a FIFO named
// `*.json5` or a cliPath that is a FIFO cannot hang openclawcfg, and it
// reads only regular files, at most a given number of bytes.
package safefile

import (
	"errors"
	"io"
	"io/fs"
	"os"
)

// ErrNotRegular matches (errors.Is) the error for anything but a regular
// file.
var ErrNotRegular = errors.New("not a regular file")

// Open opens name for reading if it is a regular file: it is stat'ed first,
// opened non-blocking (a FIFO swapped in meanwhile does not block the
// open), and stat'ed again through the descriptor.
func Open(name string) (*os.File, os.FileInfo, error) {
	st, err := os.Stat(name)
	if err != nil {
		return nil, nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, st, &os.PathError{Op: "open", Path: name, Err: kindError(st)}
	}
	f, err := os.OpenFile(name, os.O_RDONLY|nonBlock, 0)
	if err != nil {
		return nil, nil, err
	}
	st2, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !st2.Mode().IsRegular() || !os.SameFile(st, st2) {
		f.Close()
		return nil, st2, &os.PathError{Op: "open", Path: name, Err: kindError(st2)}
	}
	return f, st2, nil
}

// kindError says what a path is instead of a regular file; it matches
// ErrNotRegular (errors.Is).
func kindError(st os.FileInfo) error {
	switch m := st.Mode(); {
	case m.IsDir():
		return notRegular("is a directory")
	case m&os.ModeNamedPipe != 0:
		return notRegular("is a FIFO (named pipe), not a regular file")
	case m&os.ModeDevice != 0:
		return notRegular("is a device, not a regular file")
	case m&os.ModeSocket != 0:
		return notRegular("is a socket, not a regular file")
	}
	return ErrNotRegular
}

type notRegular string

func (e notRegular) Error() string        { return string(e) }
func (e notRegular) Is(target error) bool { return target == ErrNotRegular }

// Read reads the regular file name, at most limit+1 bytes, so that the
// caller can tell a file over limit from one at it.
func Read(name string, limit int) ([]byte, error) {
	f, _, err := Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, int64(limit)+1))
	if err != nil {
		return nil, err
	}
	return b, nil
}

// OpenNonBlock opens name for reading without waiting for a FIFO's
// writer, for callers that make their own checks through the descriptor.
func OpenNonBlock(name string) (*os.File, error) {
	return os.OpenFile(name, os.O_RDONLY|nonBlock, 0)
}

// Reason is err without the path it names: what messages that name the
// file themselves print ("no such file or directory").
func Reason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
