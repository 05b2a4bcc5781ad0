package pairing

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// maxStoreFile caps what we read: a store file is a few KiB; anything near
// this is not one (and must not be slurped per inbound message).
const maxStoreFile = 16 << 20

// ErrCorrupt is wrapped by every error about a store file that exists but
// cannot be used as OpenClaw's format: invalid JSON, a wrong shape, a symlink
// out of the state dir, not a regular file. Such a file is never rewritten.
var ErrCorrupt = errors.New("unusable pairing store file")

type fileError struct {
	path    string
	msg     string
	err     error
	corrupt bool
}

func (e *fileError) Error() string {
	if e.err != nil {
		return fmt.Sprintf("pairing store %s: %s: %v", e.path, e.msg, e.err)
	}
	return fmt.Sprintf("pairing store %s: %s", e.path, e.msg)
}

func (e *fileError) Unwrap() []error {
	var errs []error
	if e.corrupt {
		errs = append(errs, ErrCorrupt)
	}
	if e.err != nil {
		errs = append(errs, e.err)
	}
	return errs
}

func corrupt(path, msg string, err error) error {
	return &fileError{path: path, msg: msg, err: err, corrupt: true}
}

// within reports whether p is root or below it (both cleaned, absolute).
func within(root, p string) bool {
	if p == root {
		return true
	}
	return strings.HasPrefix(p, strings.TrimSuffix(root, string(filepath.Separator))+string(filepath.Separator))
}

// realStateDir resolves the state dir's own symlinks: the user may keep it
// anywhere; only links inside it that leave it are refused.
func (s *Store) realStateDir() (string, error) {
	abs, err := filepath.Abs(s.dir)
	if err != nil {
		return "", err
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", err
	}
	return real, nil
}

// checkLink resolves the symlink p and fails unless it ends inside the state
// dir. OpenClaw follows such links; we do not, because the allow list decides
// who may talk to the agent and must not be controlled by a file outside the
// owner-only state dir (nor may our writes be redirected elsewhere).
func (s *Store) checkLink(p string) (string, error) {
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return "", corrupt(p, "is a symlink that cannot be resolved", err)
	}
	root, err := s.realStateDir()
	if err != nil {
		return "", &fileError{path: p, msg: "resolve the state dir", err: err}
	}
	if !within(root, real) {
		return "", corrupt(p, fmt.Sprintf("is a symlink to %s, outside the state dir %s; refusing to follow it", real, root), nil)
	}
	return real, nil
}

// checkCredDir fails when the credentials dir exists as something other than
// a directory inside the state dir. A missing dir is fine (nothing stored).
func (s *Store) checkCredDir() error {
	d := s.credDir()
	fi, err := os.Lstat(d)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return &fileError{path: d, msg: "stat", err: err}
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		real, err := s.checkLink(d)
		if err != nil {
			return err
		}
		if fi, err = os.Stat(real); err != nil {
			return &fileError{path: d, msg: "stat", err: err}
		}
	}
	if !fi.IsDir() {
		return corrupt(d, "is not a directory", nil)
	}
	return nil
}

// storeStat is what a read found at a store path.
type storeStat struct {
	exists bool
	fi     os.FileInfo
	open   string // path to open: the path itself, or a symlink's target inside the state dir
	link   bool
}

// statStore looks at a store file without following a symlink out of the state dir.
func (s *Store) statStore(p string) (storeStat, error) {
	fi, err := os.Lstat(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return storeStat{}, nil
		}
		return storeStat{}, &fileError{path: p, msg: "stat", err: err}
	}
	st := storeStat{exists: true, fi: fi, open: p}
	if fi.Mode()&fs.ModeSymlink != 0 {
		real, err := s.checkLink(p)
		if err != nil {
			return storeStat{}, err
		}
		if fi, err = os.Stat(real); err != nil {
			return storeStat{}, &fileError{path: p, msg: "stat", err: err}
		}
		st.fi, st.open, st.link = fi, real, true
	}
	if !st.fi.Mode().IsRegular() {
		return storeStat{}, corrupt(p, "is not a regular file", nil)
	}
	return st, nil
}

// readStore reads a file statStore accepted.
func readStore(p string, st storeStat) ([]byte, error) {
	f, err := openNoFollow(st.open)
	if err != nil {
		return nil, &fileError{path: p, msg: "open", err: err}
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, &fileError{path: p, msg: "stat", err: err}
	}
	if !fi.Mode().IsRegular() {
		return nil, corrupt(p, "is not a regular file", nil)
	}
	if fi.Size() > maxStoreFile {
		return nil, corrupt(p, fmt.Sprintf("is %d bytes, more than a pairing store can be", fi.Size()), nil)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxStoreFile+1))
	if err != nil {
		return nil, &fileError{path: p, msg: "read", err: err}
	}
	if len(data) > maxStoreFile {
		return nil, corrupt(p, "grew past the size limit while being read", nil)
	}
	return data, nil
}

// writeAtomic is OpenClaw's writeTextAtomic (dist/json-files-BF0_WtT5.js)
// with mode 0600 and dir mode 0700: a temp file "<path>.<uuid>.tmp" in the
// same dir, written, fsynced, chmod 0600, renamed over path, then the dir
// fsynced. The rename replaces a symlink at path rather than writing through
// it, as in OpenClaw. Missing directories are created 0700 (umask applies,
// as with Node's mkdir); existing ones are left as they are.
func writeAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return &fileError{path: path, msg: "create directory", err: err}
	}
	var id [16]byte
	if _, err := rand.Read(id[:]); err != nil {
		return err
	}
	id[6] = id[6]&0x0f | 0x40
	id[8] = id[8]&0x3f | 0x80
	h := hex.EncodeToString(id[:])
	tmp := path + "." + h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:] + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return &fileError{path: path, msg: "create temp file", err: err}
	}
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	_, werr := f.Write(data)
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return &fileError{path: path, msg: "write temp file", err: werr}
	}
	// The umask may have narrowed the mode at creation; OpenClaw chmods too.
	if err := os.Chmod(tmp, 0o600); err != nil {
		return &fileError{path: path, msg: "chmod temp file", err: err}
	}
	if err := os.Rename(tmp, path); err != nil {
		return &fileError{path: path, msg: "rename temp file into place", err: err}
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync() // best effort, as in OpenClaw
		d.Close()
	}
	return nil
}
