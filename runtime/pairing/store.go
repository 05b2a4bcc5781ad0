package pairing

import (
	"cmp"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
)

// Constants of dist/pairing-store-Ci8ZfuL6.js and the texts of
// dist/pairing-challenge-CcdXUm6o.js (buildPairingReply) and
// dist/pairing-message-COJqUNsM.js (PAIRING_APPROVED_MESSAGE).
const (
	codeLength   = 8
	codeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	pendingTTLMs = 3600 * 1000
	pendingMax   = 3

	approvedMessage = "✅ OpenClaw access approved. Send a message to start chatting."
)

// ErrNoPendingRequest is wrapped by Approve's error when no pending request
// has the code (unknown, expired, or for another account).
var ErrNoPendingRequest = errors.New("no pending pairing request")

type noPendingError struct{ code string }

// Error is the pairing CLI's own wording; the code is quoted as given.
func (e *noPendingError) Error() string {
	return "No pending pairing request found for code: " + e.code
}

func (e *noPendingError) Is(target error) bool { return target == ErrNoPendingRequest }

// MetaField is one entry of a request's meta object, in the order given (the
// iMessage monitor passes sender, then chatId).
type MetaField struct {
	Key, Value string
}

// Request is a pending pairing request as List returns it.
type Request struct {
	ID, Code, CreatedAt, LastSeenAt string
	// Meta holds the meta object's entries in file order, values as
	// JavaScript's String() would print them.
	Meta []MetaField
	raw  *jsObject
}

// MarshalJSON gives the request exactly as stored (compact), for a
// `pairing list --json`.
func (r Request) MarshalJSON() ([]byte, error) {
	if r.raw == nil {
		return []byte("null"), nil
	}
	var b strings.Builder
	writeCompact(&b, r.raw)
	return []byte(b.String()), nil
}

// Store is OpenClaw's iMessage pairing store under a state dir: pending
// requests in credentials/imessage-pairing.json (all accounts) and approved
// senders in credentials/imessage-<account>-allowFrom.json (plus the legacy
// credentials/imessage-allowFrom.json). It is safe for concurrent use, also
// across processes and together with a running OpenClaw.
type Store struct {
	dir  string
	now  func() time.Time
	rand io.Reader
	// loc is the zone of timestamps written without an offset (Node's local zone).
	loc  *time.Location
	lock lockOptions

	mu    sync.Mutex
	cache map[string]allowCacheEntry
}

// New returns the store in stateDir (OpenClaw's OPENCLAW_STATE_DIR layout).
// Nothing is touched until an operation needs it.
func New(stateDir string) *Store {
	return &Store{dir: stateDir, now: time.Now, rand: rand.Reader, loc: time.Local, lock: openclawLockOptions}
}

// DefaultStateDir is the state dir when the caller has no --state-dir:
// $OPENCLAWCFG_STATE_DIR (a leading ~ is the home dir), else ~/.openclawcfg.
// Point it at OpenClaw's own (~/.openclaw) to share approvals with it.
func DefaultStateDir(env func(string) string, home string) string {
	if v := openclaw.TrimJS(env("OPENCLAWCFG_STATE_DIR")); v != "" {
		if v == "~" || strings.HasPrefix(v, "~/") {
			v = filepath.Join(home, v[1:])
		}
		if abs, err := filepath.Abs(v); err == nil {
			return abs
		}
		return v
	}
	return filepath.Join(home, ".openclawcfg")
}

// ReplyText is the pairing reply OpenClaw sends a stranger with a new code
// (buildPairingReply with channel "imessage" and the idLine
// "Your iMessage sender id: <senderID>", senderID being the normalised
// handle). OpenClaw adds "--profile <name>" to the commands when it runs
// under OPENCLAW_PROFILE; openclawcfg has no profiles.
func ReplyText(senderID, code string) string {
	approve := "openclaw pairing approve imessage " + code
	return "OpenClaw: access not configured.\n\nYour iMessage sender id: " + senderID +
		"\nPairing code:\n```\n" + code + "\n```\n\nAsk the bot owner to approve with:\n" +
		approve + "\n```\n" + approve + "\n```"
}

// ApprovalText is the notice `openclaw pairing approve --notify` sends the
// approved sender (PAIRING_APPROVED_MESSAGE; the iMessage plugin's own
// adapter text "OpenClaw: your access has been approved." is never used).
func ApprovalText() string { return approvedMessage }

func (s *Store) credDir() string     { return filepath.Join(s.dir, "credentials") }
func (s *Store) pairingPath() string { return filepath.Join(s.credDir(), "imessage-pairing.json") }

// safeAccountKey is OpenClaw's safeAccountKey: trimmed, lower-cased, the
// characters \ / : * ? " < > | and each ".." replaced by "_".
func safeAccountKey(account string) (string, error) {
	raw := openclaw.ToLowerJS(openclaw.TrimJS(account))
	if raw == "" {
		return "", errors.New("invalid pairing account id")
	}
	safe := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`\/:*?"<>|`, r) {
			return '_'
		}
		return r
	}, raw)
	safe = strings.ReplaceAll(safe, "..", "_")
	if safe == "" || safe == "_" {
		return "", errors.New("invalid pairing account id")
	}
	return safe, nil
}

// allowFromPath is resolveAllowFromPath: an empty account is the legacy
// unscoped file.
func (s *Store) allowFromPath(account string) (string, error) {
	a := openclaw.TrimJS(account)
	if a == "" {
		return filepath.Join(s.credDir(), "imessage-allowFrom.json"), nil
	}
	key, err := safeAccountKey(a)
	if err != nil {
		return "", err
	}
	return filepath.Join(s.credDir(), "imessage-"+key+"-allowFrom.json"), nil
}

// normalizeAccount is normalizePairingAccountId.
func normalizeAccount(a string) string { return openclaw.ToLowerJS(openclaw.TrimJS(toWellFormed(a))) }

// withLock is OpenClaw's withFileLock for a store file: create the file with
// its empty document if it is missing (ensureJsonFile; OpenClaw does this
// before taking the lock, we after, which closes a window where two first
// writers could clobber each other), then run fn holding the lock.
func (s *Store) withLock(path string, empty func() *jsObject, fn func(*fileLock) error) error {
	if err := s.checkCredDir(); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return &fileError{path: path, msg: "create directory", err: err}
	}
	l, err := acquireFileLock(path, s.lock)
	if err != nil {
		return err
	}
	defer l.release()
	if _, err := os.Lstat(path); errors.Is(err, os.ErrNotExist) {
		if err := s.writeDoc(l, path, empty()); err != nil {
			return err
		}
	}
	return fn(l)
}

func pairingDoc(reqs []jsValue) *jsObject {
	o := newObject()
	o.set("version", float64(1))
	o.set("requests", reqs)
	return o
}

func allowFromDoc(entries []string) *jsObject {
	list := make([]jsValue, len(entries))
	for i, e := range entries {
		list[i] = e
	}
	o := newObject()
	o.set("version", float64(1))
	o.set("allowFrom", list)
	return o
}

// writeDoc writes doc as OpenClaw does (JSON.stringify(doc, null, 2) and a
// newline), if l is still held.
func (s *Store) writeDoc(l *fileLock, path string, doc *jsObject) error {
	data := append(stringify(doc), '\n')
	if err := s.checkCredDir(); err != nil {
		return err
	}
	if err := l.check(); err != nil {
		return err
	}
	return writeAtomic(path, data)
}

// readDoc reads a store document strictly, for an operation that will
// rewrite it: whatever OpenClaw would silently replace (invalid JSON, a
// document that is not an object, another version, listKey not an array)
// is an error instead, and the file is left alone. A missing list is empty,
// as in OpenClaw.
func (s *Store) readDoc(path, listKey string) ([]jsValue, error) {
	st, err := s.statStore(path)
	if err != nil {
		return nil, err
	}
	if !st.exists {
		return nil, nil
	}
	data, err := readStore(path, st)
	if err != nil {
		return nil, err
	}
	v, err := parseJSON(data)
	if err != nil {
		return nil, corrupt(path, "is not valid JSON", err)
	}
	return docList(path, v, listKey)
}

func docList(path string, v jsValue, listKey string) ([]jsValue, error) {
	o, ok := v.(*jsObject)
	if !ok {
		return nil, corrupt(path, "is not a JSON object", nil)
	}
	if ver, ok := o.get("version"); ok && ver != float64(1) {
		return nil, corrupt(path, fmt.Sprintf("has version %s; only version 1 is known", jsString(ver, true)), nil)
	}
	lv, ok := o.get(listKey)
	if !ok {
		return nil, nil
	}
	list, ok := lv.([]jsValue)
	if !ok {
		return nil, corrupt(path, fmt.Sprintf("has %q that is not a list", listKey), nil)
	}
	return list, nil
}

// prop is entry[k] for any parsed value (only objects have these properties).
func prop(v jsValue, k string) (jsValue, bool) {
	if o, ok := v.(*jsObject); ok {
		return o.get(k)
	}
	return nil, false
}

func truthy(v jsValue, defined bool) bool {
	if !defined {
		return false
	}
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case float64:
		return x != 0 && x == x
	case string:
		return x != ""
	}
	return true
}

// parseTimestamp is OpenClaw's parseTimestamp: falsy → none, else Date.parse(String(v)).
func (s *Store) parseTimestamp(v jsValue, defined bool) (int64, bool) {
	if !truthy(v, defined) {
		return 0, false
	}
	return openclaw.ParseJSDate(jsString(v, true), s.loc)
}

func (s *Store) isExpired(entry jsValue, nowMs int64) bool {
	created, ok := s.parseTimestamp(prop(entry, "createdAt"))
	if !ok || created == 0 {
		return true
	}
	return nowMs-created > pendingTTLMs
}

// pruneExpired drops expired requests. A null entry is an error, as in
// OpenClaw (reading its createdAt throws a TypeError); other non-objects
// count as expired.
func (s *Store) pruneExpired(path string, reqs []jsValue, nowMs int64) ([]jsValue, bool, error) {
	kept := make([]jsValue, 0, len(reqs))
	removed := false
	for _, r := range reqs {
		if r == nil {
			return nil, false, corrupt(path, "has a null request", nil)
		}
		if s.isExpired(r, nowMs) {
			removed = true
			continue
		}
		kept = append(kept, r)
	}
	return kept, removed, nil
}

func (s *Store) lastSeen(entry jsValue) int64 {
	if t, ok := s.parseTimestamp(prop(entry, "lastSeenAt")); ok {
		return t
	}
	if t, ok := s.parseTimestamp(prop(entry, "createdAt")); ok {
		return t
	}
	return 0
}

// pruneExcess keeps the pendingMax most recently seen requests (a stable
// sort by lastSeenAt, so the file's order changes when it applies).
func (s *Store) pruneExcess(reqs []jsValue) ([]jsValue, bool) {
	if len(reqs) <= pendingMax {
		return reqs, false
	}
	sorted := slices.Clone(reqs)
	slices.SortStableFunc(sorted, func(a, b jsValue) int { return cmp.Compare(s.lastSeen(a), s.lastSeen(b)) })
	return sorted[len(sorted)-pendingMax:], true
}

// matchesAccount is requestMatchesAccountId.
func matchesAccount(entry jsValue, account string) bool {
	if account == "" {
		return true
	}
	meta, _ := prop(entry, "meta")
	v, ok := prop(meta, "accountId")
	str := ""
	if ok && v != nil {
		str = jsString(v, true)
	}
	return openclaw.ToLowerJS(openclaw.TrimJS(str)) == account
}

// codeOf is String(entry.code ?? "").
func codeOf(entry jsValue) string {
	v, ok := prop(entry, "code")
	if !ok || v == nil {
		return ""
	}
	return jsString(v, true)
}

func (s *Store) randomCode() (string, error) {
	var idx [codeLength]byte
	if _, err := io.ReadFull(s.rand, idx[:]); err != nil {
		return "", fmt.Errorf("pairing code: %w", err)
	}
	var b [codeLength]byte
	for i, x := range idx {
		// 256 is a multiple of 32, so this is uniform like crypto.randomInt(0, 32).
		b[i] = codeAlphabet[x&31]
	}
	return string(b[:]), nil
}

func (s *Store) uniqueCode(existing map[string]bool) (string, error) {
	for range 500 {
		c, err := s.randomCode()
		if err != nil {
			return "", err
		}
		if !existing[c] {
			return c, nil
		}
	}
	return "", errors.New("failed to generate unique pairing code")
}

// Upsert is upsertChannelPairingRequest for a stranger id on an account
// ("" is "default"). A new request gets a fresh code (created true); a
// repeat from the same id and account keeps its code and createdAt and
// updates lastSeenAt and meta (created false). With pendingMax requests
// pending (all accounts together), code is "" and created false. Expired
// requests (createdAt more than an hour ago) are dropped first; the file is
// rewritten in every case except "full and nothing dropped".
func (s *Store) Upsert(account, id string, meta []MetaField) (code string, created bool, err error) {
	path := s.pairingPath()
	err = s.withLock(path, func() *jsObject { return pairingDoc([]jsValue{}) }, func(l *fileLock) error {
		nowMs := s.now().UnixMilli()
		now := openclaw.ISOString(nowMs)
		id := openclaw.TrimJS(toWellFormed(id))
		acct := normalizeAccount(account)
		if acct == "" {
			acct = "default"
		}
		given := newObject()
		for _, f := range meta {
			given.set(toWellFormed(f.Key), openclaw.TrimJS(toWellFormed(f.Value)))
		}
		metaObj := newObject()
		for _, k := range given.keys {
			if v := given.vals[k].(string); v != "" {
				metaObj.set(k, v)
			}
		}
		metaObj.set("accountId", acct)

		reqs, err := s.readDoc(path, "requests")
		if err != nil {
			return err
		}
		reqs, expiredRemoved, err := s.pruneExpired(path, reqs, nowMs)
		if err != nil {
			return err
		}
		existing := map[string]bool{}
		idx := -1
		for i, r := range reqs {
			existing[toUpperJS(openclaw.TrimJS(codeOf(r)))] = true
			if rid, ok := prop(r, "id"); idx < 0 && ok && rid == id && matchesAccount(r, acct) {
				idx = i
			}
		}
		if idx >= 0 {
			old := reqs[idx]
			c := ""
			if v, ok := prop(old, "code"); ok {
				if str, ok := v.(string); ok {
					c = openclaw.TrimJS(str)
				}
			}
			if c == "" {
				if c, err = s.uniqueCode(existing); err != nil {
					return err
				}
			}
			next := newObject()
			next.set("id", id)
			next.set("code", c)
			if v, ok := prop(old, "createdAt"); ok && v != nil {
				next.set("createdAt", v)
			} else {
				next.set("createdAt", now)
			}
			next.set("lastSeenAt", now)
			next.set("meta", metaObj)
			reqs = slices.Clone(reqs)
			reqs[idx] = next
			capped, _ := s.pruneExcess(reqs)
			code = c
			return s.writeDoc(l, path, pairingDoc(capped))
		}
		capped, cappedRemoved := s.pruneExcess(reqs)
		if len(capped) >= pendingMax {
			if expiredRemoved || cappedRemoved {
				return s.writeDoc(l, path, pairingDoc(capped))
			}
			return nil
		}
		c, err := s.uniqueCode(existing)
		if err != nil {
			return err
		}
		next := newObject()
		next.set("id", id)
		next.set("code", c)
		next.set("createdAt", now)
		next.set("lastSeenAt", now)
		next.set("meta", metaObj)
		if err := s.writeDoc(l, path, pairingDoc(append(slices.Clone(capped), next))); err != nil {
			return err
		}
		code, created = c, true
		return nil
	})
	if err != nil {
		return "", false, err
	}
	return code, created, nil
}

// List is listChannelPairingRequests: the pending requests (of one account
// when account is not ""), oldest first by createdAt. It prunes expired and
// excess requests from the file as OpenClaw does.
func (s *Store) List(account string) ([]Request, error) {
	path := s.pairingPath()
	var out []Request
	err := s.withLock(path, func() *jsObject { return pairingDoc([]jsValue{}) }, func(l *fileLock) error {
		reqs, err := s.readDoc(path, "requests")
		if err != nil {
			return err
		}
		reqs, expiredRemoved, err := s.pruneExpired(path, reqs, s.now().UnixMilli())
		if err != nil {
			return err
		}
		reqs, cappedRemoved := s.pruneExcess(reqs)
		if expiredRemoved || cappedRemoved {
			if err := s.writeDoc(l, path, pairingDoc(reqs)); err != nil {
				return err
			}
		}
		acct := normalizeAccount(account)
		for _, r := range reqs {
			o, _ := r.(*jsObject)
			if !matchesAccount(r, acct) || o == nil {
				continue
			}
			id, ok1 := o.vals["id"].(string)
			code, ok2 := o.vals["code"].(string)
			created, ok3 := o.vals["createdAt"].(string)
			if !ok1 || !ok2 || !ok3 {
				continue
			}
			req := Request{ID: id, Code: code, CreatedAt: created, raw: o}
			if v, ok := o.get("lastSeenAt"); ok {
				req.LastSeenAt = jsString(v, true)
			}
			if m, ok := o.vals["meta"].(*jsObject); ok {
				for _, k := range m.keys {
					req.Meta = append(req.Meta, MetaField{k, jsString(m.vals[k], true)})
				}
			}
			out = append(out, req)
		}
		// String.prototype.localeCompare (ICU root collation), stable.
		c := collate.New(language.Und)
		slices.SortStableFunc(out, func(a, b Request) int { return c.CompareString(a.CreatedAt, b.CreatedAt) })
		return nil
	})
	return out, err
}

// normalizeAllowEntry is OpenClaw's for iMessage (its pairing adapter has no
// normalizeAllowEntry): trimmed; "" and "*" are dropped.
func normalizeAllowEntry(e string) string {
	t := openclaw.TrimJS(e)
	if t == "*" {
		return ""
	}
	return t
}

// normalizeAllowList is normalizeAllowFromList over the parsed allowFrom list:
// String() of each element, normalised, empties dropped, first occurrence kept.
func normalizeAllowList(list []jsValue) []string {
	out := make([]string, 0, len(list))
	seen := make(map[string]bool, len(list))
	for _, v := range list {
		e := normalizeAllowEntry(jsString(v, true))
		if e == "" || seen[e] {
			continue
		}
		seen[e] = true
		out = append(out, e)
	}
	return out
}

// Approve is approveChannelPairingCode plus the CLI's error: the code is
// matched case-insensitively (JavaScript toUpperCase) against the pending
// requests, of one account when account is not "". The request is removed
// and its id added to the allowFrom file of account if given, else of the
// request's meta.accountId, else to the legacy unscoped file. It returns
// the id as the CLI prints it ("Approved imessage sender <id>.").
//
// Unlike OpenClaw, which removes the request before it touches the
// allowFrom file (and so loses the request when that write fails), we check
// the allowFrom file and the account first and change nothing on an error.
func (s *Store) Approve(code, account string) (string, error) {
	want := toUpperJS(openclaw.TrimJS(toWellFormed(code)))
	if want == "" {
		return "", &noPendingError{code}
	}
	path := s.pairingPath()
	var approved string
	err := s.withLock(path, func() *jsObject { return pairingDoc([]jsValue{}) }, func(l *fileLock) error {
		reqs, err := s.readDoc(path, "requests")
		if err != nil {
			return err
		}
		reqs, removed, err := s.pruneExpired(path, reqs, s.now().UnixMilli())
		if err != nil {
			return err
		}
		acct := normalizeAccount(account)
		idx := slices.IndexFunc(reqs, func(r jsValue) bool {
			return toUpperJS(codeOf(r)) == want && matchesAccount(r, acct)
		})
		if idx < 0 {
			if removed {
				if err := s.writeDoc(l, path, pairingDoc(reqs)); err != nil {
					return err
				}
			}
			return &noPendingError{code}
		}
		entry := reqs[idx]
		rest := slices.Delete(slices.Clone(reqs), idx, idx+1)
		target := openclaw.TrimJS(toWellFormed(account))
		if target == "" {
			meta, _ := prop(entry, "meta")
			if v, ok := prop(meta, "accountId"); ok && v != nil {
				target = openclaw.TrimJS(jsString(v, true))
			}
		}
		allowPath, err := s.allowFromPath(target)
		if err != nil {
			return err
		}
		approved = jsString(prop(entry, "id"))
		return s.withLock(allowPath, func() *jsObject { return allowFromDoc(nil) }, func(al *fileLock) error {
			list, err := s.readDoc(allowPath, "allowFrom")
			if err != nil {
				return err
			}
			if err := s.writeDoc(l, path, pairingDoc(rest)); err != nil {
				return err
			}
			current := normalizeAllowList(list)
			add := normalizeAllowEntry(approved)
			if add == "" || slices.Contains(current, add) {
				return nil
			}
			return s.writeDoc(al, allowPath, allowFromDoc(append(current, add)))
		})
	})
	if err != nil {
		return "", err
	}
	return approved, nil
}
