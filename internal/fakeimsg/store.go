package fakeimsg

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"
)

// The fake's "chat.db" is a JSONL file, one record per line, append-only:
//
//	{"chat":{...}}    a chat (imsg-rpc.md §3.6); a later record with the same id replaces it
//	{"row":{...}}     a message row (§3.2); "id" is its rowid, assigned at append
//	{"join":{...}}    {"row":N,"chat_id":C}: a row that had no chat (chat_id 0) joins chat C
//	{"status":{...}}  {"guid":G, ...delivery fields}: updates what message.send_status reports
//	{"fault":...}     a fault injected into running servers (faults.go)
//	{"meta":{...}}    free-form; ignored
//
// Writers append whole lines under an exclusive advisory lock (flock), so
// rowids never collide. Readers take no lock: they consume complete lines only
// and leave a torn last line for the next read. Lines that do not parse are
// skipped, as a SQLite reader would never see a half-written row.

// Record is one line of the database file.
type Record struct {
	Chat   *Chat           `json:"chat,omitempty"`
	Row    *Row            `json:"row,omitempty"`
	Join   *Join           `json:"join,omitempty"`
	Status *StatusUpdate   `json:"status,omitempty"`
	Fault  *Fault          `json:"fault,omitempty"`
	Meta   json.RawMessage `json:"meta,omitempty"`
}

// Chat is a chat row. Name is the display name; empty means "use Identifier".
type Chat struct {
	ID           int64    `json:"id"`
	Identifier   string   `json:"identifier"`
	GUID         string   `json:"guid"`
	Name         string   `json:"name,omitempty"`
	Service      string   `json:"service,omitempty"`
	Participants []string `json:"participants,omitempty"`
}

// IsGroup is imsg's isGroupHandle: ";+;" in the guid or the identifier.
func (c *Chat) IsGroup() bool {
	return strings.Contains(c.GUID, ";+;") || strings.Contains(c.Identifier, ";+;")
}

// Row is a message row.
type Row struct {
	ID                   int64        `json:"id,omitempty"`
	ChatID               int64        `json:"chat_id"`
	GUID                 string       `json:"guid"`
	Sender               string       `json:"sender"`
	IsFromMe             bool         `json:"is_from_me"`
	Text                 string       `json:"text"`
	CreatedAt            string       `json:"created_at"`
	Attachments          []Attachment `json:"attachments,omitempty"`
	ReplyToGUID          string       `json:"reply_to_guid,omitempty"`
	ThreadOriginatorGUID string       `json:"thread_originator_guid,omitempty"`
	DestinationCallerID  string       `json:"destination_caller_id,omitempty"`
	SenderName           string       `json:"sender_name,omitempty"`
	// A tapback: ReactionType is love, like, dislike, laugh, emphasis,
	// question or custom (with ReactionEmoji).
	IsReaction    bool   `json:"is_reaction,omitempty"`
	ReactionType  string `json:"reaction_type,omitempty"`
	ReactionEmoji string `json:"reaction_emoji,omitempty"`
	IsReactionAdd *bool  `json:"is_reaction_add,omitempty"`
	ReactedToGUID string `json:"reacted_to_guid,omitempty"`
	// Delivery state, for message.send_status.
	Service       string `json:"service,omitempty"`
	IsSent        bool   `json:"is_sent,omitempty"`
	IsDelivered   bool   `json:"is_delivered,omitempty"`
	Error         int64  `json:"error,omitempty"`
	DateDelivered string `json:"date_delivered,omitempty"`
	DateRead      string `json:"date_read,omitempty"`

	date time.Time // parsed CreatedAt
}

// Attachment is an attachment row. Missing overrides the file-system check
// imsg does when it emits the row (a transfer still in flight is missing even
// though the path is set).
type Attachment struct {
	Filename     string `json:"filename"`
	TransferName string `json:"transfer_name,omitempty"`
	UTI          string `json:"uti,omitempty"`
	MimeType     string `json:"mime_type,omitempty"`
	TotalBytes   int64  `json:"total_bytes,omitempty"`
	IsSticker    bool   `json:"is_sticker,omitempty"`
	Missing      *bool  `json:"missing,omitempty"`
}

// Join attaches a row that had no chat to a chat.
type Join struct {
	Row    int64 `json:"row"`
	ChatID int64 `json:"chat_id"`
}

// StatusUpdate changes a message's delivery state (matched by guid, newest row).
type StatusUpdate struct {
	GUID          string `json:"guid"`
	IsSent        *bool  `json:"is_sent,omitempty"`
	IsDelivered   *bool  `json:"is_delivered,omitempty"`
	Error         *int64 `json:"error,omitempty"`
	DateDelivered string `json:"date_delivered,omitempty"`
	DateRead      string `json:"date_read,omitempty"`
}

// appleEpoch is what imsg prints for a NULL message date.
var appleEpoch = time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)

func parseTime(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// isoMillis is imsg's CLIISO8601: UTC with milliseconds.
func isoMillis(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// db is the parsed content of one database file (one inode), read
// incrementally.
type db struct {
	path   string
	f      *os.File
	off    int64 // bytes consumed (up to the last complete line)
	chats  map[int64]*Chat
	rows   []*Row // ascending id
	byID   map[int64]*Row
	byGUID map[string][]*Row
	lastAt map[int64]time.Time // newest message date per chat
	// status updates for guids not seen yet
	maxRow, maxChat int64
	badLines        int
	// Fault records read but not yet taken by the server's poll, and those
	// that were already in the file when it was opened (only "persist" ones
	// apply to a process that starts later).
	pendingFaults []pendingFault
	startFaults   []pendingFault
}

// pendingFault is a fault record and the newest rowid before it in the file:
// it takes effect after the rows written before it were emitted.
type pendingFault struct {
	Fault
	afterRow int64
}

func newDB(path string) *db {
	return &db{path: path, chats: map[int64]*Chat{}, byID: map[int64]*Row{}, byGUID: map[string][]*Row{}, lastAt: map[int64]time.Time{}}
}

// openDB opens path read-only and reads it whole. The file stays open: like a
// SQLite connection, the reader keeps the inode it opened even when another
// file is renamed over the path.
func openDB(path string) (*db, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("%s is a directory", path)
	}
	d := newDB(path)
	d.f = f
	if _, err := d.refresh(); err != nil {
		f.Close()
		return nil, err
	}
	d.startFaults, d.pendingFaults = d.pendingFaults, nil
	return d, nil
}

func (d *db) close() {
	if d.f != nil {
		d.f.Close()
	}
}

// sameFile reports whether path still names the file d has open.
func (d *db) sameFile() bool {
	st, err := os.Stat(d.path)
	if err != nil {
		return false
	}
	mine, err := d.f.Stat()
	if err != nil {
		return false
	}
	return os.SameFile(st, mine)
}

// refresh reads the complete lines appended since the last call and applies
// them. It returns the new rows; fault records queue in pendingFaults.
func (d *db) refresh() (rows []*Row, err error) {
	st, err := d.f.Stat()
	if err != nil {
		return nil, err
	}
	size := st.Size()
	if size < d.off {
		// Truncated in place: a writer never does this; start over.
		fresh := newDB(d.path)
		fresh.f = d.f
		*d = *fresh
	}
	if size == d.off {
		return nil, nil
	}
	buf := make([]byte, size-d.off)
	n, err := d.f.ReadAt(buf, d.off)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	buf = buf[:n]
	end := bytes.LastIndexByte(buf, '\n')
	if end < 0 {
		return nil, nil // a torn line: wait for its newline
	}
	d.off += int64(end + 1)
	for _, line := range bytes.Split(buf[:end], []byte{'\n'}) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		var rec Record
		if json.Unmarshal(line, &rec) != nil {
			d.badLines++
			continue
		}
		if r := d.apply(&rec); r != nil {
			rows = append(rows, r)
		}
		if rec.Fault != nil {
			d.pendingFaults = append(d.pendingFaults, pendingFault{*rec.Fault, d.maxRow})
		}
	}
	return rows, nil
}

// apply folds one record into d and returns the row it added, if any.
func (d *db) apply(rec *Record) *Row {
	if c := rec.Chat; c != nil {
		cc := *c
		if cc.ID <= 0 {
			// Hand-written chats without an id number on, like rows below.
			cc.ID = d.maxChat + 1
		}
		c = &cc
		cc.Participants = normParticipants(c.Participants)
		d.chats[c.ID] = c
		if c.ID > d.maxChat {
			d.maxChat = c.ID
		}
	}
	if j := rec.Join; j != nil {
		if r := d.byID[j.Row]; r != nil && r.ChatID == 0 {
			r.ChatID = j.ChatID
			d.noteActivity(r)
		}
	}
	if s := rec.Status; s != nil {
		if rs := d.byGUID[s.GUID]; len(rs) > 0 {
			r := rs[len(rs)-1]
			if s.IsSent != nil {
				r.IsSent = *s.IsSent
			}
			if s.IsDelivered != nil {
				r.IsDelivered = *s.IsDelivered
			}
			if s.Error != nil {
				r.Error = *s.Error
			}
			if s.DateDelivered != "" {
				r.DateDelivered = s.DateDelivered
			}
			if s.DateRead != "" {
				r.DateRead = s.DateRead
			}
		}
	}
	r := rec.Row
	if r == nil {
		return nil
	}
	rr := *r
	if rr.ID == 0 {
		// Hand-written rows without an id get the next rowid; every reader
		// reads the file in the same order, so they all agree.
		rr.ID = d.maxRow + 1
	} else if rr.ID <= d.maxRow {
		// Rowids only grow; the appender guarantees it, so this line was
		// written by hand and is ignored.
		d.badLines++
		return nil
	}
	if t, ok := parseTime(rr.CreatedAt); ok {
		rr.date = t
	} else {
		rr.date = appleEpoch
	}
	d.rows = append(d.rows, &rr)
	d.byID[rr.ID] = &rr
	if rr.GUID != "" {
		d.byGUID[rr.GUID] = append(d.byGUID[rr.GUID], &rr)
	}
	d.maxRow = rr.ID
	d.noteActivity(&rr)
	return &rr
}

func (d *db) noteActivity(r *Row) {
	if r.ChatID == 0 {
		return
	}
	if t, ok := d.lastAt[r.ChatID]; !ok || r.date.After(t) {
		d.lastAt[r.ChatID] = r.date
	}
}

func normParticipants(p []string) []string {
	seen := map[string]bool{}
	out := make([]string, 0, len(p))
	for _, h := range p {
		if h == "" || seen[h] {
			continue
		}
		seen[h] = true
		out = append(out, h)
	}
	sort.Strings(out)
	return out
}

// rowsAfter returns rows with id > cursor in ascending order (at most limit
// when limit > 0).
func (d *db) rowsAfter(cursor int64, limit int) []*Row {
	i := sort.Search(len(d.rows), func(i int) bool { return d.rows[i].ID > cursor })
	out := d.rows[i:]
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// chatActivity is the newest message date of every chat that has messages.
func (d *db) chatActivity() map[int64]time.Time { return d.lastAt }

// findDM returns the 1:1 chat whose identifier is handle on the service.
func (d *db) findDM(handle, service string) *Chat {
	var best *Chat
	for _, c := range d.chats {
		if c.IsGroup() || !strings.EqualFold(c.Identifier, handle) {
			continue
		}
		if service != "" && !strings.EqualFold(serviceOf(c), service) {
			continue
		}
		if best == nil || c.ID < best.ID {
			best = c
		}
	}
	return best
}

func (d *db) findChatByGUID(guid string) *Chat {
	for _, c := range d.sortedChats() {
		if c.GUID == guid {
			return c
		}
	}
	return nil
}

func (d *db) findChatByIdentifier(ident string) *Chat {
	for _, c := range d.sortedChats() {
		if c.Identifier == ident {
			return c
		}
	}
	return nil
}

func (d *db) sortedChats() []*Chat {
	out := make([]*Chat, 0, len(d.chats))
	for _, c := range d.chats {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func serviceOf(c *Chat) string {
	if c.Service != "" {
		return c.Service
	}
	if strings.HasPrefix(c.GUID, "SMS;") {
		return "SMS"
	}
	return "iMessage"
}

// ---- appending ----

// Appender adds records to a database file under an exclusive lock, assigning
// rowids (and chat ids) that continue the file's. It follows the path: when
// another file is renamed over it, the next append goes to the new file.
type Appender struct {
	path string
	view *db
}

// NewAppender returns an appender for the file at path (created on first
// append when missing).
func NewAppender(path string) *Appender { return &Appender{path: path} }

// Append writes recs as one locked write. Rows with ID 0 get the next rowid;
// a row with an explicit ID must be above every existing one. Chats with ID 0
// get the next chat id. The assigned records are returned.
func (a *Appender) Append(recs ...Record) ([]Record, error) {
	return a.AppendFunc(func(*db) ([]Record, error) { return recs, nil })
}

// AppendFunc runs build under the lock with the file's current content, so it
// can decide (e.g. find or create a chat) without racing other writers.
func (a *Appender) AppendFunc(build func(d *db) ([]Record, error)) ([]Record, error) {
	f, err := os.OpenFile(a.path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if err := lockFile(f); err != nil {
		return nil, err
	}
	defer unlockFile(f)
	if a.view != nil && !sameOpenFile(a.view.f, f) {
		a.view.close()
		a.view = nil
	}
	if a.view == nil {
		rf, err := os.Open(a.path)
		if err != nil {
			return nil, err
		}
		a.view = newDB(a.path)
		a.view.f = rf
	}
	if _, err := a.view.refresh(); err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err != nil {
		return nil, err
	} else if st.Size() > a.view.off {
		// Under the lock a line without its newline is finished: a writer
		// died mid-line, or someone wrote one by hand. End it, so ours is
		// not glued to it; readers then skip it, or apply it if it was a
		// whole record, and so does this view before it assigns ids.
		if _, err := f.Write([]byte{'\n'}); err != nil {
			return nil, err
		}
		if _, err := a.view.refresh(); err != nil {
			return nil, err
		}
	}
	recs, err := build(a.view)
	if err != nil || len(recs) == 0 {
		return nil, err
	}
	var buf bytes.Buffer
	maxRow, maxChat := a.view.maxRow, a.view.maxChat
	out := make([]Record, len(recs))
	for i, rec := range recs {
		if rec.Row != nil {
			r := *rec.Row
			if r.ID == 0 {
				r.ID = maxRow + 1
			} else if r.ID <= maxRow {
				return nil, fmt.Errorf("row id %d is not above the newest rowid %d", r.ID, maxRow)
			}
			maxRow = r.ID
			rec.Row = &r
		}
		if rec.Chat != nil {
			c := *rec.Chat
			if c.ID == 0 {
				c.ID = maxChat + 1
			}
			if c.ID > maxChat {
				maxChat = c.ID
			}
			rec.Chat = &c
		}
		line, err := json.Marshal(rec)
		if err != nil {
			return nil, err
		}
		buf.Write(line)
		buf.WriteByte('\n')
		out[i] = rec
	}
	if _, err := f.Write(buf.Bytes()); err != nil {
		return nil, err
	}
	return out, nil
}

// Close releases the appender's read view.
func (a *Appender) Close() {
	if a.view != nil {
		a.view.close()
		a.view = nil
	}
}

func sameOpenFile(a, b *os.File) bool {
	sa, err := a.Stat()
	if err != nil {
		return false
	}
	sb, err := b.Stat()
	if err != nil {
		return false
	}
	return os.SameFile(sa, sb)
}
