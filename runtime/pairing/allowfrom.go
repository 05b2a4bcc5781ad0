package pairing

import (
	"errors"
	"os"
	"slices"
	"time"
)

// allowCacheEntry is one file's parsed allow list, valid while the file's
// identity (inode, mtime, size) is unchanged. OpenClaw keeps the same kind
// of cache (allowFromReadCache, keyed by mtimeMs and size) and re-stats the
// files on every inbound message; the inode makes a rewrite within one
// mtime tick with an equal size visible too.
type allowCacheEntry struct {
	exists bool
	ino    uint64
	mtime  time.Time
	size   int64
	// entries is shared: callers get copies.
	entries []string
	fatal   bool // OpenClaw's read throws (a stat error): the whole result is empty
	err     error
}

// ReadAllowFrom is readChannelAllowFromStore("imessage", env, account): the
// approved senders of account ("" is "default"); the default account also
// gets the legacy unscoped file's entries after its own. entries is exactly
// what OpenClaw 2026.3.24's monitor would use, where OpenClaw swallows
// errors: an unreadable or invalid file counts as empty, and a stat error
// (say, credentials is not a directory) empties the whole result. err
// reports each such problem, naming the file, so the runtime can log it —
// and should fail closed rather than answer a paired sender with a new
// pairing challenge. Where we are stricter than OpenClaw (a symlink out of
// the state dir, a file that is not valid UTF-8, not a regular file, over
// 16 MiB), the file counts as empty too and err says why.
//
// The monitor calls this per inbound message; files are re-read only when
// they change (see BenchmarkReadAllowFrom).
func (s *Store) ReadAllowFrom(account string) ([]string, error) {
	acct := normalizeAccount(account)
	if acct == "" {
		acct = "default"
	}
	scoped, err := s.allowFromPath(acct)
	if err != nil {
		return []string{}, err
	}
	if err := s.checkCredDir(); err != nil {
		return []string{}, err
	}
	first, fatal, err1 := s.readAllowFile(scoped)
	if fatal {
		return []string{}, err1
	}
	if acct != "default" {
		return append([]string{}, first...), err1
	}
	legacy, _ := s.allowFromPath("")
	second, fatal, err2 := s.readAllowFile(legacy)
	if fatal {
		return []string{}, errors.Join(err1, err2)
	}
	out := make([]string, 0, len(first)+len(second))
	out = append(out, first...)
	for _, e := range second {
		if !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	return out, errors.Join(err1, err2)
}

// readAllowFile returns one file's entries (shared; do not modify).
func (s *Store) readAllowFile(path string) (entries []string, fatal bool, err error) {
	st, err := s.statStore(path)
	if err != nil {
		var fe *fileError
		// A stat that fails is fatal in OpenClaw; our own refusals are not.
		isStat := errors.As(err, &fe) && !fe.corrupt
		return nil, isStat, err
	}
	var ino uint64
	var size int64
	var mtime time.Time
	if st.exists {
		ino, size, mtime = fileIno(st.fi), st.fi.Size(), st.fi.ModTime()
	}
	if !st.link {
		s.mu.Lock()
		c, ok := s.cache[path]
		s.mu.Unlock()
		if ok && c.exists == st.exists && c.ino == ino && c.size == size && c.mtime.Equal(mtime) {
			return c.entries, c.fatal, c.err
		}
	}
	c := allowCacheEntry{exists: st.exists, ino: ino, size: size, mtime: mtime}
	if st.exists {
		c.entries, c.err = s.parseAllowFile(path, st)
	}
	if !st.link {
		s.mu.Lock()
		if s.cache == nil {
			s.cache = map[string]allowCacheEntry{}
		}
		s.cache[path] = c
		s.mu.Unlock()
	}
	return c.entries, false, c.err
}

// parseAllowFile reads entries as OpenClaw does (readJsonFileWithFallback +
// normalizeAllowFromList): anything but an object with an allowFrom array
// gives no entries; version is not looked at. err also flags what readDoc
// would refuse to rewrite.
func (s *Store) parseAllowFile(path string, st storeStat) ([]string, error) {
	data, err := readStore(path, st)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	v, err := parseJSON(data)
	if err != nil {
		return nil, corrupt(path, "is not valid JSON", err)
	}
	var entries []string
	if list, ok := prop(v, "allowFrom"); ok {
		if l, ok := list.([]jsValue); ok {
			entries = normalizeAllowList(l)
		}
	}
	_, err = docList(path, v, "allowFrom")
	return entries, err
}
