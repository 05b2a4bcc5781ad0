package monitor

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
	"github.com/openclawcfg/openclawcfg/runtime/imsg"
	"github.com/openclawcfg/openclawcfg/runtime/inbound"
	"github.com/openclawcfg/openclawcfg/runtime/store"
)

// What the runtime does beyond OpenClaw when it has a store (run's
// default; --compat openclaw turns it off): every row imsg delivers is
// claimed durably on arrival and finished only once handled, so nothing is
// lost across crashes and restarts and nothing is handled twice; the watch
// resumes from the cursor; a reconciliation read finds what a deaf watch
// missed; replies go through a durable outbox; rows that sync in late are
// held back.

// intake is what the runtime knows of a message beyond its payload: the
// rows behind it (several when the debouncer joined them) and how it came.
type intake struct {
	rows        []store.Row
	chatID      string // the row's chat_id, to find our reply in its history
	chatGUID    string
	chatIdent   string
	looksGroup  bool
	redelivered bool
	attempts    int // earlier failed attempts
	delayed     bool
	dated       time.Time
	gap         bool // found by the reconciliation, not the watch
	// before: the row reached the runtime at an earlier arrival (it was
	// claimed then), so the replay fence does not apply to it.
	before bool
}

func (in *intake) join(o *intake) {
	if o == nil {
		return
	}
	in.rows = append(in.rows, o.rows...)
	in.redelivered = in.redelivered || o.redelivered
	in.before = in.before && o.before
	in.delayed = in.delayed || o.delayed
	in.attempts = max(in.attempts, o.attempts)
	if !o.dated.IsZero() && (in.dated.IsZero() || o.dated.Before(in.dated)) {
		in.dated = o.dated
	}
}

// durable is a lifetime's link to the store.
type durable struct {
	acct *store.Account
	m    *Monitor

	mu     sync.Mutex
	live   map[int64]bool      // rows claimed by this process and not finished
	parked map[int64]time.Time // unjoined rows held (claimed, not live), since
	given  map[int64]bool      // rows given back because their chat's queue was full
	spans  []store.Span        // when the watch was known to deliver everything
	born   time.Time           // when the runtime first ran for the account
	// identity and dbPath are the chat.db bound at start: a file replaced
	// under the path while imsg runs is noticed by the reconciliation.
	identity, dbPath string
	based            bool // a baseline was taken (cursor 0: from the first row)
}

// LateSlack: a row dated this close to the end of a healthy span may
// still have been in transit at the span's last check (imsg stamps rows
// with the sender's clock).
var LateSlack = 2 * time.Minute

// DelayedAfter: a row this much older than its arrival is marked Delayed.
var DelayedAfter = 2 * time.Minute

func newDurable(m *Monitor) *durable {
	return &durable{acct: m.opt.State.Account(m.acct.ID), m: m, live: map[int64]bool{}, parked: map[int64]time.Time{}, given: map[int64]bool{}}
}

// DBIdentity names the chat.db a cursor counts rows of: the local file's
// device and inode when it can be read here, else its configured path
// (a remote Mac's database cannot be stat'ed from here).
func DBIdentity(dbPath string) string {
	p := strings.TrimSpace(dbPath)
	if p == "" {
		home, _ := os.UserHomeDir()
		p = filepath.Join(home, "Library", "Messages", "chat.db")
	}
	if fi, err := os.Stat(p); err == nil {
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			return "file:" + p + "#dev=" + itoa(int(st.Dev)) + ",ino=" + itoa(int(st.Ino))
		}
		return "file:" + p
	}
	return "path:" + p
}

// start binds the cursor to the database, sets a baseline on a first run,
// and returns the since_rowid to subscribe with (0: the tail).
func (du *durable) start(ctx context.Context, client *imsg.Client, dbPath string, timeout time.Duration, find func(rowid int64, chat string) (guid string, ok bool)) (int64, error) {
	m := du.m
	id := DBIdentity(dbPath)
	du.identity, du.dbPath = id, dbPath
	bound, cursor, cursorGUID, cursorChat, err := du.acct.Bound()
	if err != nil {
		return 0, err
	}
	keep := false
	if bound != "" && bound != id && cursor > 0 && cursorGUID != "" {
		// A copy that continues the old database (the cursor's row is
		// there with its guid: a migration, a --keep-rows replace) keeps
		// the cursor; a restored backup reuses rowids and does not.
		if guid, ok := find(cursor, cursorChat); ok && guid == cursorGUID {
			keep = true
			m.log.Warn("imessage: chat.db was replaced by a copy that continues it: the cursor is kept", "was", bound, "now", id)
		}
	}
	reset, old, err := du.acct.BindIdentity(id, keep)
	if err != nil {
		return 0, err
	}
	if reset {
		m.log.Warn("imessage: chat.db was replaced or restored and does not continue the cursor's rows: rowids are counted anew, from the first row dated since the runtime was last known to be current",
			"was", old, "now", id)
	}
	_ = du.acct.Prune(7 * 24 * time.Hour)
	_ = du.acct.PruneOutbox(7 * 24 * time.Hour)
	st, err := du.acct.Load()
	if err != nil {
		return 0, err
	}
	du.spans, du.born = st.Spans, st.Born
	if !st.Healthy.IsZero() {
		m.opt.Stats.Durable.Healthy.Store(st.Healthy.UnixMilli())
	}
	if reset {
		// Handled guids were kept: replaying the new file from the first
		// row dated since the runtime was last current skips what was
		// answered, answers what arrived in the new file meanwhile (the
		// baseline at its newest row would lose those), and the fence
		// holds back what a restore brought in late.
		since := currentUntil(st.Spans, st.Born).Add(-LateSlack)
		if base, ok := firstSince(ctx, client, timeout, since); ok {
			if err := du.acct.SetBaseline(base); err != nil {
				return 0, err
			}
			st.Cursor, st.Based = base, true
			m.log.Info("imessage: resuming the replaced chat.db after its last row dated before the runtime was last current", "since", since.UTC().Format(time.RFC3339), "rowid", base)
		}
	}
	if st.Cursor == 0 && !st.Based {
		if base, ok := baseline(ctx, client, timeout); ok {
			if err := du.acct.SetBaseline(base); err != nil {
				return 0, err
			}
			st.Cursor, st.Based = base, true
		} else {
			m.log.Warn("imessage: the newest row of chat.db could not be read: starting at the watch's tail; rows that arrive before the first one is handled are not protected")
		}
	}
	du.based = st.Based
	m.opt.Stats.Durable.Cursor.Store(st.Cursor)
	m.opt.Stats.Durable.DeadLetters.Store(int64(st.DeadCount))
	if st.InFlight > 0 {
		m.log.Warn("imessage: rows were in flight when the runtime last stopped: they are handled again (marked Redelivered where the handler had started)", "count", st.InFlight)
	}
	if m.paused() {
		m.log.Warn("imessage: sending is paused for this account; replies wait in the outbox (openclawcfg resume " + m.acct.ID + ")")
	}
	return st.Cursor, nil
}

// baseline is the newest row's id (chats.list {limit: 1}, then that chat's
// newest message): a first run starts after it rather than at whatever the
// watch's tail is when the first row arrives, so a crash before that row
// loses nothing.
func baseline(ctx context.Context, client *imsg.Client, timeout time.Duration) (int64, bool) {
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	chats, ok := activeChats(cctx, client, 1)
	if !ok {
		return 0, false
	}
	if len(chats) == 0 {
		return 0, true // no messages at all: everything later is new
	}
	ids, ok := rowIDs(cctx, client, map[string]any{"chat_id": chats[0], "limit": 1})
	if !ok || len(ids) == 0 {
		return 0, false
	}
	return ids[0], true
}

// activeChats lists the ids of the most recently active chats.
func activeChats(ctx context.Context, client *imsg.Client, limit int) ([]json.Number, bool) {
	var res struct {
		Chats []struct {
			ID json.Number `json:"id"`
		} `json:"chats"`
	}
	if client.Call(ctx, "chats.list", map[string]any{"limit": limit}, &res) != nil {
		return nil, false
	}
	ids := make([]json.Number, len(res.Chats))
	for i, c := range res.Chats {
		ids[i] = c.ID
	}
	return ids, true
}

// rowIDs is messages.history's row ids (newest first).
func rowIDs(ctx context.Context, client *imsg.Client, params map[string]any) ([]int64, bool) {
	var res struct {
		Messages []struct {
			ID int64 `json:"id"`
		} `json:"messages"`
	}
	if client.Call(ctx, "messages.history", params, &res) != nil {
		return nil, false
	}
	ids := make([]int64, len(res.Messages))
	for i, m := range res.Messages {
		ids[i] = m.ID
	}
	return ids, true
}

// currentUntil is when the runtime was last known to have every row: the
// end of the latest healthy span, else when it first ran.
func currentUntil(spans []store.Span, born time.Time) time.Time {
	t := born
	for _, sp := range spans {
		if sp.To.After(t) {
			t = sp.To
		}
	}
	if t.IsZero() {
		t = time.Now()
	}
	return t
}

// recoverChats and recoverRows bound the reads of firstSince: the most
// active chats, and the rows read from each.
const (
	recoverChats = 50
	recoverRows  = 1000
)

// firstSince returns the rowid just before the oldest row dated at or
// after since in the most active chats (rowids grow with arrival, so the
// rows of quieter chats since then lie above it), or the newest row's id
// when none is that recent. ok is false when imsg could not be read.
func firstSince(ctx context.Context, client *imsg.Client, timeout time.Duration, since time.Time) (int64, bool) {
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	chats, ok := activeChats(cctx, client, recoverChats)
	if !ok {
		return 0, false
	}
	first := int64(0)
	for _, c := range chats {
		ids, ok := rowIDs(cctx, client, map[string]any{"chat_id": c, "start": since.UTC().Format("2006-01-02T15:04:05.000Z"), "limit": recoverRows})
		if !ok {
			return 0, false
		}
		for _, id := range ids {
			if id > 0 && (first == 0 || id < first) {
				first = id
			}
		}
	}
	if first == 0 {
		return baseline(ctx, client, timeout)
	}
	return first - 1, true
}

func rowOf(msg *inbound.Message) (store.Row, bool) {
	if msg.ID == nil {
		return store.Row{}, false
	}
	id, ok := msg.ID.Int64()
	if !ok || id <= 0 {
		return store.Row{}, false
	}
	r := store.Row{ID: id, GUID: msg.GUID}
	if msg.ChatID != nil {
		r.Chat = msg.ChatID.String()
	}
	return r, true
}

// claim records a burst of messages' rows in one transaction. For each it
// returns the intake, or nil when the row was handled (or is being
// handled) already.
func (du *durable) claim(msgs []*inbound.Message) ([]*intake, error) {
	out := make([]*intake, len(msgs))
	var rows []store.Row
	var idx []int
	for i, msg := range msgs {
		in := newIntake(msg)
		out[i] = in
		if r, ok := rowOf(msg); ok {
			rows = append(rows, r)
			idx = append(idx, i)
			in.rows = []store.Row{r}
		}
	}
	if len(rows) == 0 {
		return out, nil
	}
	res, err := du.acct.ClaimMany(rows, func(r int64) bool {
		du.mu.Lock()
		defer du.mu.Unlock()
		return du.live[r]
	})
	if err != nil {
		return nil, err
	}
	du.mu.Lock()
	defer du.mu.Unlock()
	for k, c := range res {
		i := idx[k]
		switch c.Intake {
		case store.Seen, store.Busy:
			out[i] = nil
		default:
			du.live[rows[k].ID] = true
			_, wasParked := du.parked[rows[k].ID]
			delete(du.parked, rows[k].ID)
			delete(du.given, rows[k].ID)
			out[i].redelivered = c.Intake == store.Redelivery && !wasParked
			out[i].attempts = c.Attempts
			out[i].before = c.Before
		}
	}
	return out, nil
}

func newIntake(msg *inbound.Message) *intake {
	in := &intake{chatGUID: msg.ChatGUID, chatIdent: msg.ChatIdentifier}
	if msg.ChatID != nil {
		in.chatID = msg.ChatID.String()
	}
	in.looksGroup = msg.IsGroup || strings.Contains(msg.ChatGUID, ";+;") ||
		strings.HasPrefix(msg.ChatIdentifier, "chat")
	return in
}

// park holds claimed rows that wait to join a chat: they hold the cursor,
// and the reconciliation hands them in once their chat shows them.
func (du *durable) park(rows []store.Row) {
	du.mu.Lock()
	for _, r := range rows {
		delete(du.live, r.ID)
		if _, ok := du.parked[r.ID]; !ok {
			du.parked[r.ID] = time.Now()
		}
	}
	du.mu.Unlock()
	du.m.opt.Stats.Durable.Parked.Add(int64(len(rows)))
}

// parkLimit is how long an unjoined row is held before it is given up.
const parkLimit = 10 * time.Minute

// expireParked dead-letters rows that never joined a chat.
func (du *durable) expireParked(now time.Time) {
	du.mu.Lock()
	var old []store.Row
	for id, since := range du.parked {
		if now.Sub(since) > parkLimit {
			old = append(old, store.Row{ID: id})
			delete(du.parked, id)
		}
	}
	du.mu.Unlock()
	if len(old) > 0 {
		du.m.log.Error("imessage: rows never joined a chat: not answered (the reply could go to the wrong chat)", "count", len(old))
		du.dead(old, "never joined a chat (chat_id 0 for "+parkLimit.String()+"): not answered, so a group message is not answered in a DM", nil)
	}
}

func (du *durable) isParked(id int64) bool {
	du.mu.Lock()
	defer du.mu.Unlock()
	_, ok := du.parked[id]
	return ok
}

func (du *durable) forget(rows []store.Row) {
	du.mu.Lock()
	for _, r := range rows {
		delete(du.live, r.ID)
	}
	du.mu.Unlock()
}

// finish marks rows handled.
func (du *durable) finish(rows []store.Row) {
	if len(rows) == 0 {
		return
	}
	if _, err := du.acct.Commit(rows, nil); err != nil {
		du.m.log.Error("imessage: rows not marked handled (state dir unwritable?); they may be handled again after a restart", "err", err.Error())
	}
	du.forget(rows)
	du.noteCursor()
}

// commit finishes rows and queues the reply's sends in one transaction.
func (du *durable) commit(rows []store.Row, entries []store.OutEntry) ([]int64, error) {
	seqs, err := du.acct.Commit(rows, entries)
	if err == nil {
		du.forget(rows)
		du.noteCursor()
	}
	return seqs, err
}

func (du *durable) noteCursor() {
	if c, err := du.acct.Cursor(); err == nil {
		du.m.opt.Stats.Durable.Cursor.Store(c)
	}
}

// dead gives up on rows, with the reason; only then may the cursor pass
// them.
func (du *durable) dead(rows []store.Row, reason string, summary map[string]any) {
	var raw json.RawMessage
	if summary != nil {
		raw, _ = json.Marshal(summary)
	}
	for _, r := range rows {
		dl := store.DeadLetter{RowID: r.ID, GUID: r.GUID, Reason: reason, At: time.Now().UTC(), Message: raw}
		if err := du.acct.Dead(dl); err != nil {
			du.m.log.Error("imessage: dead letter not written", "row", r.ID, "err", err.Error())
			continue
		}
		du.m.opt.Stats.Durable.DeadLetters.Add(1)
		du.appendDeadFile(dl)
	}
	du.forget(rows)
	du.noteCursor()
}

// DeadLetterFile is the state dir's readable copy of the dead letters, one
// JSON object a line (the store keeps them too, for the cursor).
const DeadLetterFile = "openclawcfg-deadletters.jsonl"

func (du *durable) appendDeadFile(dl store.DeadLetter) {
	line, _ := json.Marshal(struct {
		Account string `json:"account"`
		store.DeadLetter
	}{du.m.acct.ID, dl})
	f, err := os.OpenFile(filepath.Join(du.m.opt.StateDir, DeadLetterFile), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		du.m.log.Warn("imessage: dead-letter file not written", "err", err.Error())
		return
	}
	defer f.Close()
	_, _ = f.Write(append(line, '\n'))
}

// began records that the rows' handler starts: a crash from now on
// redelivers them marked Redelivered.
func (du *durable) began(rows []store.Row) {
	if len(rows) == 0 {
		return
	}
	if err := du.acct.Started(rows); err != nil {
		du.m.log.Warn("imessage: handler start not recorded", "err", err.Error())
	}
}

// release gives rows back after a failed attempt and returns the attempt
// count.
func (du *durable) release(rows []store.Row) int {
	attempts := 0
	for _, r := range rows {
		n, err := du.acct.Release(r.ID, r.GUID)
		if err != nil {
			du.m.log.Error("imessage: row not released", "row", r.ID, "err", err.Error())
		}
		attempts = max(attempts, n)
	}
	return attempts
}

// unclaim gives back rows whose work never started (the lifetime ended
// with it queued): they stay claimed in the store, holding the cursor,
// and the next lifetime gets them as new (or, when their handler ran
// before, as redelivered).
// unclaim gives rows back (a chat's queue is full): they stay claimed, so
// the cursor waits for them, and the reconciliation hands them in again
// when it next reads them.
func (du *durable) unclaim(rows []store.Row) {
	du.forget(rows)
	du.mu.Lock()
	for _, r := range rows {
		du.given[r.ID] = true
	}
	du.mu.Unlock()
}

func (du *durable) isGiven(id int64) bool {
	du.mu.Lock()
	defer du.mu.Unlock()
	return du.given[id]
}

// lateness says whether a row synced in late (dated inside a period when
// the watch was known to deliver everything, so it was not there then:
// held back) or arrived late (dated more than delayedAfter before now,
// outside such a period: handled, marked Delayed).
func (du *durable) lateness(msg *inbound.Message, now time.Time) (late, delayed bool, dated time.Time) {
	ms, ok := openclaw.DateParse(msg.CreatedAt, time.Local)
	if !ok {
		return false, false, time.Time{}
	}
	dated = time.UnixMilli(ms)
	du.mu.Lock()
	spans, born := du.spans, du.born
	du.mu.Unlock()
	if !born.IsZero() && dated.Before(born.Add(-LateSlack)) {
		// History: dated before the runtime ever ran here.
		return true, false, dated
	}
	for i := len(spans) - 1; i >= 0; i-- {
		s := spans[i]
		if !dated.Before(s.From) && dated.Before(s.To.Add(-LateSlack)) {
			return true, false, dated
		}
	}
	return false, now.Sub(dated) > DelayedAfter, dated
}

// markHealthy records that every row present at t has been delivered.
func (du *durable) markHealthy(t time.Time, gap time.Duration) {
	if err := du.acct.MarkHealthy(t, gap); err != nil {
		du.m.log.Warn("imessage: health mark not written", "err", err.Error())
		return
	}
	if spans, err := du.acct.Spans(); err == nil {
		du.mu.Lock()
		du.spans = spans
		du.mu.Unlock()
	}
}

// ctxSummary is what a dead letter keeps of a dispatched message.
func ctxSummary(c *inbound.Context) map[string]any {
	out := map[string]any{"sender": c.SenderId, "to": c.To, "text": c.RawBody}
	if c.MessageSid != "" {
		out["id"] = c.MessageSid
	}
	return out
}

// msgSummary is what a dead letter keeps of a message.
func msgSummary(m *inbound.Message) map[string]any {
	out := map[string]any{"sender": m.Sender, "created_at": m.CreatedAt}
	if m.ID != nil {
		out["id"] = m.ID.String()
	}
	if m.ChatID != nil {
		out["chat_id"] = m.ChatID.String()
	}
	if m.Text != nil {
		out["text"] = *m.Text
	}
	if m.GUID != "" {
		out["guid"] = m.GUID
	}
	return out
}

// --- reconciliation: a watch that cannot go deaf ---

// ReconcileInterval is how often the runtime reads chat.db directly to
// find rows the watch did not deliver (imsg#126: a watch that goes deaf
// while sends still work): with imsg 0.14's messages.after every row
// above the cursor, in any chat; otherwise the most active chats' recent
// rows (chats.list, messages.history).
var ReconcileInterval = 30 * time.Second

// reconcileChats and reconcileRows bound one pass: the most recently
// active chats and each one's newest rows.
const (
	reconcileChats = 20
	reconcileRows  = 100
)

// histRow is a messages.history row, kept raw to hand it in as the watch
// would have.
type histRow struct {
	id  int64
	raw json.RawMessage
}

// reconciler remembers the rows a pass saw and the watch had not yet
// delivered: one still missing at the next pass is a gap.
type reconciler struct {
	prev   map[int64]bool
	prevAt time.Time
	// prevComplete: the previous pass read every row it had to, so it
	// can vouch for the watch's health.
	prevComplete bool
	// tried are the gaps a resubscribe was asked to bring.
	tried map[int64]bool
}

// reconcileLoop runs passes until the lifetime ends.
func (lt *lifetime) reconcileLoop(every time.Duration) {
	r := &reconciler{}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-lt.ctx.Done():
			return
		case <-t.C:
		}
		lt.reconcile(r, every)
	}
}

// reconcile is one pass: rows above the cursor that are not claimed are
// candidates; a candidate of the previous pass still unclaimed is a gap,
// handed in now (and the watch resubscribed); when every candidate of the
// previous pass was delivered, the watch was healthy at that pass.
func (lt *lifetime) reconcile(r *reconciler, every time.Duration) {
	du, m := lt.du, lt.m
	now := time.Now()
	rows, newest, complete, err := lt.sweepRows()
	if err != nil {
		if lt.ctx.Err() == nil {
			m.log.Debug("imessage: reconciliation read failed", "err", err.Error())
		}
		return
	}
	if newest > 0 {
		m.opt.Stats.Durable.Newest.Store(max(newest, m.opt.Stats.Durable.Newest.Load()))
	}
	cursor, err := du.acct.Cursor()
	if err != nil {
		return
	}
	var candidates []histRow
	for _, h := range rows {
		if h.id > cursor && !du.known(h.id) {
			candidates = append(candidates, h)
		}
	}
	var gaps, joined, again []histRow
	cur := map[int64]bool{}
	for _, h := range candidates {
		if du.isGiven(h.id) {
			again = append(again, h)
			continue
		}
		if du.isParked(h.id) {
			if !unjoinedRaw(h.raw) {
				joined = append(joined, h)
			}
			continue
		}
		if r.prev[h.id] {
			gaps = append(gaps, h)
		} else {
			cur[h.id] = true
		}
	}
	for _, h := range joined {
		m.log.Info("imessage: a held row has joined its chat; handing it in", "id", h.id)
		b, _ := json.Marshal(map[string]any{"message": h.raw})
		lt.inbox.push(b)
	}
	if len(again) > 0 {
		m.log.Info("imessage: rows given back when their chat's queue was full are handed in again", "count", len(again), "first", again[0].id)
		for _, h := range again {
			b, _ := json.Marshal(map[string]any{"message": h.raw})
			lt.inbox.push(b)
		}
	}
	du.expireParked(now)
	if len(gaps) == 0 && r.prevAt.After(time.Time{}) && r.prevComplete {
		du.markHealthy(r.prevAt, 3*every)
		m.opt.Stats.Durable.Healthy.Store(r.prevAt.UnixMilli())
	}
	for _, h := range gaps {
		cur[h.id] = true // still missing at the next pass: escalate
	}
	r.prev, r.prevAt, r.prevComplete = cur, now, complete
	if len(gaps) == 0 {
		return
	}
	sort.Slice(gaps, func(i, j int) bool { return gaps[i].id < gaps[j].id })
	lt.noteGaps(gaps)
	for _, h := range gaps {
		if r.tried[h.id] {
			m.log.Error("imessage: the watch still misses rows after a resubscribe (imsg#126): restarting imsg", "count", len(gaps), "first", gaps[0].id)
			lt.endWith(&Failure{Class: ClassCrashed, Message: "imsg's watch kept missing rows that are in chat.db, even after a resubscribe; imsg is restarted"})
			return
		}
	}
	r.tried = map[int64]bool{}
	for _, h := range gaps {
		r.tried[h.id] = true
	}
	// The new watch replays everything after the cursor in rowid order,
	// the missed rows included (also those in chats this pass did not
	// read), so the cursor never passes a row that was not handled.
	m.log.Warn("imessage: the watch did not deliver rows that are in chat.db: resubscribing from the cursor (imsg#126)", "count", len(gaps), "first", gaps[0].id, "cursor", cursor)
	lt.resubscribeFrom(cursor)
}

// noteGaps remembers rows the watch missed, so that their arrival through
// the new watch is counted and logged as a gap filled.
func (lt *lifetime) noteGaps(gaps []histRow) {
	lt.gapMu.Lock()
	defer lt.gapMu.Unlock()
	if lt.gapIDs == nil || len(lt.gapIDs) > 10_000 {
		lt.gapIDs = map[int64]bool{}
	}
	for _, h := range gaps {
		lt.gapIDs[h.id] = true
	}
}

// filledGap reports (once) whether a row is one the watch had missed.
func (lt *lifetime) filledGap(msg *inbound.Message) bool {
	r, ok := rowOf(msg)
	if !ok {
		return false
	}
	lt.gapMu.Lock()
	defer lt.gapMu.Unlock()
	if lt.gapIDs[r.ID] {
		delete(lt.gapIDs, r.ID)
		return true
	}
	return false
}

// unjoinedRaw: a history row that still has no chat.
func unjoinedRaw(raw json.RawMessage) bool {
	var r struct {
		ChatID json.Number `json:"chat_id"`
	}
	return json.Unmarshal(raw, &r) == nil && (r.ChatID == "" || r.ChatID == "0")
}

// known: the row is claimed or finished in the store, or in flight here
// (a parked row is not: the reconciliation is what brings it back).
func (du *durable) known(id int64) bool {
	du.mu.Lock()
	live := du.live[id]
	_, parked := du.parked[id]
	given := du.given[id]
	du.mu.Unlock()
	if live {
		return true
	}
	if parked || given {
		return false
	}
	c, err := du.acct.ClaimPeek(id)
	return err != nil || c
}

// recentRows reads the newest rows of the most recently active chats.
func (lt *lifetime) recentRows() ([]histRow, int64, error) {
	ctx, cancel := context.WithTimeout(lt.ctx, 30*time.Second)
	defer cancel()
	var chats struct {
		Chats []struct {
			ID json.Number `json:"id"`
		} `json:"chats"`
	}
	if err := lt.client.Call(ctx, "chats.list", map[string]any{"limit": reconcileChats}, &chats); err != nil {
		return nil, 0, err
	}
	var out []histRow
	var newest int64
	seen := map[int64]bool{}
	for _, c := range chats.Chats {
		var hist struct {
			Messages []json.RawMessage `json:"messages"`
		}
		params := map[string]any{"chat_id": c.ID, "limit": reconcileRows, "attachments": lt.m.acct.Attachments.Include.Value}
		if err := lt.client.Call(ctx, "messages.history", params, &hist); err != nil {
			return nil, 0, err
		}
		for _, raw := range hist.Messages {
			var id struct {
				ID int64 `json:"id"`
			}
			if json.Unmarshal(raw, &id) != nil || id.ID <= 0 || seen[id.ID] {
				continue
			}
			seen[id.ID] = true
			newest = max(newest, id.ID)
			out = append(out, histRow{id: id.ID, raw: raw})
		}
	}
	return out, newest, nil
}

// DBCheckInterval is how often the runtime checks that chat.db is still
// the file imsg opened (a stat).
var DBCheckInterval = 2 * time.Second

// watchDB restarts imsg when chat.db is replaced under its path: imsg 0.9
// keeps reading the old file and would go deaf.
func (lt *lifetime) watchDB() {
	t := time.NewTicker(DBCheckInterval)
	defer t.Stop()
	for {
		select {
		case <-lt.ctx.Done():
			return
		case <-t.C:
		}
		if lt.du.replaced() {
			lt.m.log.Warn("imessage: chat.db was replaced under its path while imsg had it open (imsg keeps reading the old file): restarting imsg")
			lt.endWith(&Failure{Class: ClassCrashed, Message: "chat.db was replaced under its path; imsg is restarted to read the new file", Deliberate: true})
			return
		}
	}
}

// replaced reports whether the local chat.db at the path is no longer
// the file bound at start (imsg 0.9 keeps reading the old one and goes
// deaf). A path that cannot be stat'ed from here never counts.
func (du *durable) replaced() bool {
	if !strings.HasPrefix(du.identity, "file:") {
		return false
	}
	now := DBIdentity(du.dbPath)
	return strings.HasPrefix(now, "file:") && now != du.identity
}

// findRow looks for a row by id among the rows the reconciliation reads,
// returning its guid.
func (lt *lifetime) findRow(rowid int64, chat string) (string, bool) {
	var rows []histRow
	switch {
	case chat != "" && chat != "0":
		// The cursor's own chat: its newest rows hold the cursor's row.
		ctx, cancel := context.WithTimeout(lt.ctx, lt.timeout)
		defer cancel()
		var hist struct {
			Messages []json.RawMessage `json:"messages"`
		}
		if err := lt.client.Call(ctx, "messages.history", map[string]any{"chat_id": json.Number(chat), "limit": 200}, &hist); err != nil {
			return "", false
		}
		for _, raw := range hist.Messages {
			var id struct {
				ID int64 `json:"id"`
			}
			if json.Unmarshal(raw, &id) == nil {
				rows = append(rows, histRow{id: id.ID, raw: raw})
			}
		}
	case lt.later.caps.messagesAfter:
		p, err := lt.messagesAfter(lt.ctx, rowid-1, 1)
		if err != nil {
			return "", false
		}
		for _, raw := range p.Messages {
			var id struct {
				ID int64 `json:"id"`
			}
			if json.Unmarshal(raw, &id) == nil {
				rows = append(rows, histRow{id: id.ID, raw: raw})
			}
		}
	default:
		var err error
		if rows, _, err = lt.recentRows(); err != nil {
			return "", false
		}
	}
	for _, h := range rows {
		if h.id == rowid {
			var r struct {
				GUID string `json:"guid"`
			}
			if json.Unmarshal(h.raw, &r) == nil {
				return r.GUID, true
			}
		}
	}
	return "", false
}

// --- pause ---

// pausedFile is the switch 'openclawcfg pause' writes: sending stops for
// the account while it exists; receiving goes on, replies wait in the
// outbox.
func pausedFile(stateDir, account string) string {
	return filepath.Join(stateDir, "openclawcfg-paused-"+account)
}

// Pause stops (true) or resumes sending for an account of the runtime
// using stateDir; a running runtime sees it within a few seconds.
func Pause(stateDir, account string, paused bool) error {
	p := pausedFile(stateDir, account)
	if paused {
		if err := os.MkdirAll(stateDir, 0o700); err != nil {
			return err
		}
		return os.WriteFile(p, []byte(time.Now().UTC().Format(time.RFC3339)+"\n"), 0o600)
	}
	err := os.Remove(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// Paused reports whether sending is paused for the account.
func Paused(stateDir, account string) bool {
	_, err := os.Stat(pausedFile(stateDir, account))
	return err == nil
}

func (m *Monitor) paused() bool { return Paused(m.opt.StateDir, m.acct.ID) }
