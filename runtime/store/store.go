// Package store is the runtime's durable memory, one bbolt file in the
// state dir: per account the chat.db identity, the cursor, the rows in
// flight, the message guids already handled, the dead letters, the outbox
// and the pause switch. bbolt was chosen over atomically replaced small
// files because every message changes state twice (claimed, then done) and
// every reply three times (queued, in flight, sent): a B+tree with
// copy-on-write transactions gives each change crash atomicity (a kill -9
// leaves the old or the new state, never a torn one) with one fsync per
// transaction, and concurrent writers share fsyncs through Batch. Its file
// lock also keeps a second runtime off the same state dir.
package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// File is the store's name in the state dir.
const File = "openclawcfg-runtime.db"

// Store is the open database.
type Store struct {
	db *bolt.DB
}

// ErrInUse means another process holds the state dir's store.
var ErrInUse = errors.New("another openclawcfg run is using this state dir")

// Options tune the store.
type Options struct {
	// NoSync skips fsync: every transaction is still atomic against a
	// killed process (kill -9 leaves the old or the new state, the page
	// cache keeps what was written), but not against a power loss or a
	// kernel crash. For tests and benchmarks on throwaway machines.
	NoSync bool
}

// Open opens (creating) the store in dir, owner-only. It fails with
// ErrInUse within a second when another process has it open.
func Open(dir string, opts ...Options) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	db, err := bolt.Open(filepath.Join(dir, File), 0o600, &bolt.Options{Timeout: time.Second})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("%w (%s is locked)", ErrInUse, filepath.Join(dir, File))
	}
	if err != nil {
		return nil, err
	}
	// A lone writer (one chat's worker) should not wait 10 ms for company.
	db.MaxBatchDelay = 2 * time.Millisecond
	for _, o := range opts {
		db.NoSync = db.NoSync || o.NoSync
	}
	return &Store{db: db}, nil
}

// Close closes the store.
func (s *Store) Close() error { return s.db.Close() }

// Bucket layout, per account under acct/<id>:
//
//	meta        identity, cursor, healthy (last healthy poll, ms), paused
//	rows        rowid (8 bytes BE) -> row state, for rows above the cursor
//	guids       guid -> guidEntry (handled or in flight), pruned after a week
//	dead        rowid -> deadLetter
//	outbox      seq (8 bytes BE) -> OutEntry
//	outbox-open seq -> nothing, for the entries not yet final: sent entries
//	            stay a week, and listing what to send must not read them
var (
	bMeta   = []byte("meta")
	bRows   = []byte("rows")
	bGUIDs  = []byte("guids")
	bDead   = []byte("dead")
	bOutbox = []byte("outbox")
	bOpen   = []byte("outbox-open")
)

// Account is one account's part of the store.
type Account struct {
	s  *Store
	id []byte
}

// Account returns the account's part (created on first write).
func (s *Store) Account(id string) *Account { return &Account{s: s, id: []byte("acct/" + id)} }

func (a *Account) bucket(tx *bolt.Tx, name []byte) (*bolt.Bucket, error) {
	root, err := tx.CreateBucketIfNotExists(a.id)
	if err != nil {
		return nil, err
	}
	return root.CreateBucketIfNotExists(name)
}

func (a *Account) view(name []byte, fn func(b *bolt.Bucket) error) error {
	return a.s.db.View(func(tx *bolt.Tx) error {
		root := tx.Bucket(a.id)
		if root == nil {
			return nil
		}
		b := root.Bucket(name)
		if b == nil {
			return nil
		}
		return fn(b)
	})
}

func u64(n int64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(n))
	return b[:]
}

func fromU64(b []byte) int64 { return int64(binary.BigEndian.Uint64(b)) }

func metaInt(b *bolt.Bucket, key string) int64 {
	if v := b.Get([]byte(key)); len(v) == 8 {
		return fromU64(v)
	}
	return 0
}

// State is what the store knows of an account at start-up.
type State struct {
	Identity string    // chat.db identity the cursor belongs to ("" when none)
	Cursor   int64     // every row at or below it is finished
	Based    bool      // a baseline was taken: a zero Cursor means "from the first row"
	Healthy  time.Time // the last time the watch was known to deliver
	// Spans are the periods the watch was known to deliver everything:
	// a row dated inside one that arrives later synced in late.
	Spans []Span
	// Born is when the runtime first ran for the account: a row dated
	// before it that arrives now is history syncing in, not a new message.
	Born      time.Time
	Paused    bool
	InFlight  int // rows claimed and not finished (a crash left them)
	DeadCount int
	Outbox    int // entries not yet sent
}

// Load reads the account's state.
func (a *Account) Load() (State, error) {
	var st State
	err := a.s.db.View(func(tx *bolt.Tx) error {
		root := tx.Bucket(a.id)
		if root == nil {
			return nil
		}
		if m := root.Bucket(bMeta); m != nil {
			st.Identity = string(m.Get([]byte("identity")))
			st.Cursor = metaInt(m, "cursor")
			if h := metaInt(m, "healthy"); h > 0 {
				st.Healthy = time.UnixMilli(h)
			}
			st.Paused = len(m.Get([]byte("paused"))) > 0
			st.Based = len(m.Get([]byte("based"))) > 0
			st.Spans = loadSpans(m)
			if b := metaInt(m, "born"); b > 0 {
				st.Born = time.UnixMilli(b)
			}
		}
		if r := root.Bucket(bRows); r != nil {
			r.ForEach(func(_, v []byte) error {
				if rs := rowState(v); rs == stateClaimed || rs == stateStarted {
					st.InFlight++
				}
				return nil
			})
		}
		if d := root.Bucket(bDead); d != nil {
			st.DeadCount = d.Stats().KeyN
		}
		st.Outbox = len(openSeqs(root))
		return nil
	})
	return st, err
}

// Cursor is the account's cursor alone: Load also counts the rows in
// flight and the outbox, which the per-message paths do not need.
func (a *Account) Cursor() (int64, error) {
	var c int64
	err := a.view(bMeta, func(m *bolt.Bucket) error {
		c = metaInt(m, "cursor")
		return nil
	})
	return c, err
}

// Spans are the kept health spans alone.
func (a *Account) Spans() ([]Span, error) {
	var spans []Span
	err := a.view(bMeta, func(m *bolt.Bucket) error {
		spans = loadSpans(m)
		return nil
	})
	return spans, err
}

// Bound is the chat.db identity the cursor belongs to, the cursor, and
// the guid and chat of the cursor's row ("" when unknown).
func (a *Account) Bound() (identity string, cursor int64, cursorGUID, cursorChat string, err error) {
	err = a.view(bMeta, func(m *bolt.Bucket) error {
		identity = string(m.Get([]byte("identity")))
		cursor = metaInt(m, "cursor")
		cursorGUID, cursorChat, _ = strings.Cut(string(m.Get([]byte("cursorGuid"))), "\x00")
		return nil
	})
	return identity, cursor, cursorGUID, cursorChat, err
}

// BindIdentity ties the cursor to the chat.db it counts rows of. When the
// identity changed (a replaced or restored database) and keep is false,
// the cursor and the rows in flight are discarded (handled guids are
// kept: a message has its guid in any copy of the database) and reset
// returns true, with the old identity: the caller says so loudly. keep
// says the new database continues the old one (the caller checked that the
// cursor's row is there with its guid): only the identity changes.
func (a *Account) BindIdentity(identity string, keep bool) (reset bool, old string, err error) {
	err = a.s.db.Update(func(tx *bolt.Tx) error {
		m, err := a.bucket(tx, bMeta)
		if err != nil {
			return err
		}
		if metaInt(m, "born") == 0 {
			if err := m.Put([]byte("born"), u64(time.Now().UnixMilli())); err != nil {
				return err
			}
		}
		old = string(m.Get([]byte("identity")))
		if old == identity {
			return nil
		}
		if old != "" && !keep {
			reset = true
			root := tx.Bucket(a.id)
			// Rows are counted anew; handled guids stay handled (a message
			// keeps its guid in any copy of the database).
			for _, name := range [][]byte{bRows} {
				if root.Bucket(name) != nil {
					if err := root.DeleteBucket(name); err != nil {
						return err
					}
				}
			}
			for _, k := range []string{"cursor", "based", "cursorGuid"} {
				if err := m.Delete([]byte(k)); err != nil {
					return err
				}
			}
		}
		return m.Put([]byte("identity"), []byte(identity))
	})
	return reset, old, err
}

// SetBaseline sets the cursor where none is yet: a first run starts after
// the newest row instead of replaying history. rowid 0 records that the
// database had no rows then, so every row that comes later is new.
func (a *Account) SetBaseline(rowid int64) error {
	return a.s.db.Update(func(tx *bolt.Tx) error {
		m, err := a.bucket(tx, bMeta)
		if err != nil {
			return err
		}
		if err := m.Put([]byte("based"), []byte{1}); err != nil {
			return err
		}
		if metaInt(m, "cursor") == 0 && rowid > 0 {
			if err := m.Delete([]byte("cursorGuid")); err != nil {
				return err
			}
			return m.Put([]byte("cursor"), u64(rowid))
		}
		return nil
	})
}

// Span is a period in which the watch was known to deliver every row.
type Span struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// maxSpans bounds the kept health history (oldest dropped first).
const maxSpans = 200

func loadSpans(m *bolt.Bucket) []Span {
	var spans []Span
	if v := m.Get([]byte("spans")); v != nil {
		_ = json.Unmarshal(v, &spans)
	}
	return spans
}

// MarkHealthy records that every row present at t was delivered: it
// extends the last span when t is within gap of its end, and starts a new
// one otherwise (a sleep, a stop, a deaf watch broke the run).
func (a *Account) MarkHealthy(t time.Time, gap time.Duration) error {
	return a.s.db.Batch(func(tx *bolt.Tx) error {
		m, err := a.bucket(tx, bMeta)
		if err != nil {
			return err
		}
		spans := loadSpans(m)
		switch n := len(spans); {
		case n > 0 && !t.After(spans[n-1].To):
			return nil
		case n > 0 && t.Sub(spans[n-1].To) <= gap:
			spans[n-1].To = t
		default:
			spans = append(spans, Span{From: t, To: t})
			if len(spans) > maxSpans {
				spans = spans[len(spans)-maxSpans:]
			}
		}
		v, err := json.Marshal(spans)
		if err != nil {
			return err
		}
		if err := m.Put([]byte("spans"), v); err != nil {
			return err
		}
		return m.Put([]byte("healthy"), u64(t.UnixMilli()))
	})
}

// SetPaused switches sending off (true) or on.
func (a *Account) SetPaused(p bool) error {
	return a.s.db.Update(func(tx *bolt.Tx) error {
		m, err := a.bucket(tx, bMeta)
		if err != nil {
			return err
		}
		if p {
			return m.Put([]byte("paused"), []byte{1})
		}
		return m.Delete([]byte("paused"))
	})
}

// Paused reports the pause switch.
func (a *Account) Paused() bool {
	p := false
	a.view(bMeta, func(b *bolt.Bucket) error {
		p = len(b.Get([]byte("paused"))) > 0
		return nil
	})
	return p
}

// Row states.
const (
	stateClaimed byte = 1 // in flight, its handler not started
	stateStarted byte = 3 // in flight, its handler started: a crash redelivers it
	stateDone    byte = 2 // handled, dropped or dead-lettered
)

// row value: state (1 byte), attempts (1 byte), guid.
func rowValue(state, attempts byte, guid string) []byte {
	return append([]byte{state, attempts}, guid...)
}

func rowState(v []byte) byte {
	if len(v) == 0 {
		return 0
	}
	return v[0]
}

// Intake is what the store says of a row arriving.
type Intake int

const (
	// New: never seen; it is now claimed.
	New Intake = iota
	// Seen: already finished (at or below the cursor, or its guid
	// handled): skip it.
	Seen
	// Redelivery: claimed by an earlier process that stopped before
	// finishing it; it is claimed again and goes through once more.
	Redelivery
	// Busy: claimed by this process and still in flight (a resubscribe
	// or a catch-up delivered it twice): skip it.
	Busy
)

// Claim records a row arriving and says whether to handle it. rowid is
// imsg's message id, guid its guid ("" when it has none). live tells
// in-flight rows of this process (Busy) from those of an earlier one
// (Redelivery).
func (a *Account) Claim(rowid int64, guid string, live func(rowid int64) bool) (Intake, int, error) {
	res, err := a.ClaimMany([]Row{{ID: rowid, GUID: guid}}, live)
	if err != nil {
		return 0, 0, err
	}
	return res[0].Intake, res[0].Attempts, nil
}

// Row names one chat.db row.
type Row struct {
	ID   int64
	GUID string
	// Chat is the row's chat_id ("" when unknown): kept with the cursor so
	// a replaced database can be checked for the cursor's row.
	Chat string
}

// rowKey is what a row value keeps after its state: the guid and the
// chat, NUL-separated.
func (r Row) rowKey() string {
	if r.Chat == "" {
		return r.GUID
	}
	return r.GUID + "\x00" + r.Chat
}

// Claimed is what Claim says of one row.
type Claimed struct {
	Intake   Intake
	Attempts int // earlier failed attempts (Redelivery)
	// Before: the row was claimed at an earlier arrival, so it reached
	// the runtime then; it comes again (a crash, a row given back), it
	// did not sync in late.
	Before bool
}

// ClaimMany claims rows in one transaction (one fsync for a burst), in
// order; a row repeated within rows is Busy the second time.
func (a *Account) ClaimMany(rows []Row, live func(rowid int64) bool) ([]Claimed, error) {
	out := make([]Claimed, len(rows))
	err := a.s.db.Update(func(tx *bolt.Tx) error {
		m, err := a.bucket(tx, bMeta)
		if err != nil {
			return err
		}
		rb, err := a.bucket(tx, bRows)
		if err != nil {
			return err
		}
		guids, err := a.bucket(tx, bGUIDs)
		if err != nil {
			return err
		}
		cursor := metaInt(m, "cursor")
		mine := map[int64]bool{}
		for i, r := range rows {
			c, err := claimTx(rb, guids, cursor, r, func(id int64) bool { return mine[id] || (live != nil && live(id)) })
			if err != nil {
				return err
			}
			if c.Intake == New || c.Intake == Redelivery {
				mine[r.ID] = true
			}
			out[i] = c
		}
		return nil
	})
	return out, err
}

func claimTx(rows, guids *bolt.Bucket, cursor int64, r Row, live func(int64) bool) (Claimed, error) {
	// A row with a guid is judged by its guid (handled ones are kept a
	// week): a row below the cursor that was never handled (a resumed
	// watch bringing what a deaf one missed) is new. The cursor judges
	// rows without a guid only.
	if r.GUID != "" {
		if v := guids.Get([]byte(r.GUID)); len(v) >= 1 && v[0] == stateDone {
			return Claimed{Intake: Seen}, nil
		}
	} else if r.ID > 0 && r.ID <= cursor {
		return Claimed{Intake: Seen}, nil
	}
	res, attempts, before := New, 0, false
	if v := rows.Get(u64(r.ID)); v != nil && !reused(v, r.GUID) {
		before = true
		switch {
		case v[0] == stateDone:
			return Claimed{Intake: Seen}, nil
		case live(r.ID):
			return Claimed{Intake: Busy}, nil
		case v[0] == stateStarted || v[1] > 0:
			res, attempts = Redelivery, int(v[1])
		default:
			// Claimed by a process that died before its handler ran:
			// nothing was done with it, so it is simply new again.
			attempts = int(v[1])
		}
	}
	state := stateClaimed
	if res == Redelivery {
		// Its handler ran before: a crash before it runs again must
		// still redeliver it marked.
		state = stateStarted
	}
	if err := rows.Put(u64(r.ID), rowValue(state, byte(min(attempts, 255)), r.rowKey())); err != nil {
		return Claimed{}, err
	}
	if r.GUID != "" {
		if err := guids.Put([]byte(r.GUID), guidValue(stateClaimed, time.Now())); err != nil {
			return Claimed{}, err
		}
	}
	return Claimed{Intake: res, Attempts: attempts, Before: before}, nil
}

// reused reports whether a row value kept for a rowid belongs to another
// message than the one arriving with guid: a replaced or restored chat.db
// hands out the same rowids again, and the new message must not inherit
// the old one's state (seen, or its attempts).
func reused(v []byte, guid string) bool {
	if guid == "" || len(v) < 2 {
		return false
	}
	old, _, _ := strings.Cut(string(v[2:]), "\x00")
	return old != "" && old != guid
}

// Started records that the rows' handler is about to run: from now on a
// crash makes them Redelivery, not New.
func (a *Account) Started(rows []Row) error {
	return a.s.db.Batch(func(tx *bolt.Tx) error {
		rb, err := a.bucket(tx, bRows)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if v := rb.Get(u64(r.ID)); v != nil && v[0] == stateClaimed {
				if err := rb.Put(u64(r.ID), rowValue(stateStarted, v[1], string(v[2:]))); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// ClaimPeek reports whether a row is known: at or below the cursor,
// claimed or finished.
func (a *Account) ClaimPeek(rowid int64) (bool, error) {
	known := false
	err := a.s.db.View(func(tx *bolt.Tx) error {
		root := tx.Bucket(a.id)
		if root == nil {
			return nil
		}
		if m := root.Bucket(bMeta); m != nil && rowid <= metaInt(m, "cursor") {
			known = true
			return nil
		}
		if r := root.Bucket(bRows); r != nil && r.Get(u64(rowid)) != nil {
			known = true
		}
		return nil
	})
	return known, err
}

func guidValue(state byte, t time.Time) []byte { return append([]byte{state}, u64(t.UnixMilli())...) }

// Finish marks a row handled (or dropped) and advances the cursor over
// the run of finished rows.
func (a *Account) Finish(rowid int64, guid string) error {
	return a.s.db.Batch(func(tx *bolt.Tx) error {
		return a.finish(tx, rowid, guid)
	})
}

func (a *Account) finish(tx *bolt.Tx, rowid int64, guid string) error {
	m, err := a.bucket(tx, bMeta)
	if err != nil {
		return err
	}
	rows, err := a.bucket(tx, bRows)
	if err != nil {
		return err
	}
	if guid != "" {
		guids, err := a.bucket(tx, bGUIDs)
		if err != nil {
			return err
		}
		if err := guids.Put([]byte(guid), guidValue(stateDone, time.Now())); err != nil {
			return err
		}
	}
	cursor := metaInt(m, "cursor")
	if rowid <= cursor {
		return rows.Delete(u64(rowid))
	}
	key := guid
	if old := rows.Get(u64(rowid)); len(old) > 2 {
		key = string(old[2:]) // keeps the chat the claim recorded
	}
	if err := rows.Put(u64(rowid), rowValue(stateDone, 0, key)); err != nil {
		return err
	}
	// The cursor passes only finished rows: a row still in flight holds it.
	c := rows.Cursor()
	var done [][]byte
	var cursorGUID []byte
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if v[0] != stateDone {
			break
		}
		cursor = fromU64(k)
		cursorGUID = append(cursorGUID[:0], v[2:]...)
		done = append(done, append([]byte(nil), k...))
	}
	if len(done) > 0 {
		if err := m.Put([]byte("cursorGuid"), cursorGUID); err != nil {
			return err
		}
	}
	for _, k := range done {
		if err := rows.Delete(k); err != nil {
			return err
		}
	}
	return m.Put([]byte("cursor"), u64(cursor))
}

// Release gives a claimed row back after a failure, counting the attempt;
// the caller retries it later, or dead-letters it.
func (a *Account) Release(rowid int64, guid string) (attempts int, err error) {
	err = a.s.db.Batch(func(tx *bolt.Tx) error {
		rows, err := a.bucket(tx, bRows)
		if err != nil {
			return err
		}
		v := rows.Get(u64(rowid))
		attempts = 1
		if len(v) >= 2 {
			attempts = int(v[1]) + 1
		}
		key := guid
		if len(v) > 2 {
			key = string(v[2:])
		}
		return rows.Put(u64(rowid), rowValue(stateClaimed, byte(min(attempts, 255)), key))
	})
	return attempts, err
}

// DeadLetter is a row the runtime gave up on.
type DeadLetter struct {
	RowID   int64           `json:"rowid"`
	GUID    string          `json:"guid,omitempty"`
	Reason  string          `json:"reason"`
	At      time.Time       `json:"at"`
	Message json.RawMessage `json:"message,omitempty"`
}

// Dead records a row the runtime gives up on, with its reason, and only
// then lets the cursor pass it.
func (a *Account) Dead(d DeadLetter) error {
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return a.s.db.Batch(func(tx *bolt.Tx) error {
		dead, err := a.bucket(tx, bDead)
		if err != nil {
			return err
		}
		if err := dead.Put(u64(d.RowID), b); err != nil {
			return err
		}
		return a.finish(tx, d.RowID, d.GUID)
	})
}

// DeadLetters lists the dead letters, oldest row first.
func (a *Account) DeadLetters() ([]DeadLetter, error) {
	var out []DeadLetter
	err := a.view(bDead, func(b *bolt.Bucket) error {
		return b.ForEach(func(_, v []byte) error {
			var d DeadLetter
			if err := json.Unmarshal(v, &d); err != nil {
				return err
			}
			out = append(out, d)
			return nil
		})
	})
	return out, err
}

// InFlight lists the rows claimed and not finished, lowest first.
func (a *Account) InFlight() ([]int64, error) {
	var out []int64
	err := a.view(bRows, func(b *bolt.Bucket) error {
		return b.ForEach(func(k, v []byte) error {
			if rs := rowState(v); rs == stateClaimed || rs == stateStarted {
				out = append(out, fromU64(k))
			}
			return nil
		})
	})
	return out, err
}

// Prune drops handled guids older than keep.
func (a *Account) Prune(keep time.Duration) error {
	limit := time.Now().Add(-keep).UnixMilli()
	return a.s.db.Update(func(tx *bolt.Tx) error {
		guids, err := a.bucket(tx, bGUIDs)
		if err != nil {
			return err
		}
		c := guids.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if len(v) == 9 && v[0] == stateDone && fromU64(v[1:]) < limit {
				if err := c.Delete(); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
