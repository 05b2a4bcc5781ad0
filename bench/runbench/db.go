package main

import (
	"encoding/json"
	"slices"
	"strconv"
	"sync"
	"time"
)

// chatDB is the fake's chat.db: the rows the watch has emitted, a bounded
// number per chat, so that `chats.list` and `messages.history` answer as
// imsg would. The runtime asks them for its start-up baseline, its
// liveness probe and its gap-filling reconciliation.
type chatDB struct {
	mu     sync.Mutex
	rowid  int64 // the ROWID counter, messages and sends alike
	chats  map[int]*chatRows
	keep   int   // rows kept per chat
	clock  int64 // activity counter: chats.list is newest first
	seeded int64 // rows 1..seeded are the seeds
}

type chatRows struct {
	id     int
	handle string
	rows   []dbRow // oldest first, at most keep
	active int64
}

type dbRow struct {
	id     int64
	text   string
	fromMe bool
	at     time.Time
}

// seedTime dates the rows that were in chat.db before the benchmark.
var seedTime = time.Date(2026, 1, 2, 9, 30, 0, 0, time.UTC)

// newChatDB holds one earlier message per allowlisted sender (rows
// 1..senders), as a real chat.db would, so the runtime's baseline finds a
// newest row.
func newChatDB(senders, strangers int) *chatDB {
	keep := 100
	if senders+strangers > 1000 {
		keep = 20
	}
	db := &chatDB{chats: map[int]*chatRows{}, keep: keep}
	for j := range senders {
		db.add(j+1, senderHandle(j), dbRow{id: int64(j + 1), text: "see you then", at: seedTime})
	}
	db.seeded = int64(senders)
	db.rowid = db.seeded
	return db
}

// insert gives the next ROWID to a row and keeps it when store is set
// (rows are kept in ROWID order, as chat.db has them).
func (db *chatDB) insert(chat int, handle, text string, fromMe bool, at time.Time, store bool) int64 {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.rowid++
	if store {
		db.addLocked(chat, handle, dbRow{id: db.rowid, text: text, fromMe: fromMe, at: at})
	}
	return db.rowid
}

func (db *chatDB) add(chat int, handle string, r dbRow) {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.addLocked(chat, handle, r)
}

func (db *chatDB) addLocked(chat int, handle string, r dbRow) {
	c := db.chats[chat]
	if c == nil {
		c = &chatRows{id: chat, handle: handle}
		db.chats[chat] = c
	}
	if len(c.rows) == db.keep {
		copy(c.rows, c.rows[1:])
		c.rows = c.rows[:db.keep-1]
	}
	c.rows = append(c.rows, r)
	db.clock++
	c.active = db.clock
}

// chatsList answers chats.list: the limit most recently active chats.
func (db *chatDB) chatsList(params json.RawMessage) string {
	limit := intParam(params, "limit", 20)
	db.mu.Lock()
	all := make([]*chatRows, 0, len(db.chats))
	for _, c := range db.chats {
		all = append(all, c)
	}
	slices.SortFunc(all, func(a, b *chatRows) int { return int(b.active - a.active) })
	all = all[:min(len(all), max(limit, 1))]
	b := []byte(`{"chats":[`)
	for i, c := range all {
		if i > 0 {
			b = append(b, ',')
		}
		last := c.rows[len(c.rows)-1].at
		b = append(b, `{"id":`...)
		b = strconv.AppendInt(b, int64(c.id), 10)
		b = append(b, `,"identifier":`...)
		b = strconv.AppendQuote(b, c.handle)
		b = append(b, `,"guid":"iMessage;-;`...)
		b = append(b, c.handle...)
		b = append(b, `","name":`...)
		b = strconv.AppendQuote(b, c.handle)
		b = append(b, `,"service":"iMessage","last_message_at":"`...)
		b = last.UTC().AppendFormat(b, "2006-01-02T15:04:05.000Z")
		b = append(b, `","participants":[`...)
		b = strconv.AppendQuote(b, c.handle)
		b = append(b, `],"is_group":false}`...)
	}
	db.mu.Unlock()
	return string(append(b, "]}"...))
}

// history answers messages.history: a chat's newest rows, newest first
// (an unknown chat has none, as in imsg).
func (db *chatDB) history(params json.RawMessage) string {
	chat := intParam(params, "chat_id", -1)
	limit := max(intParam(params, "limit", 50), 1)
	b := []byte(`{"messages":[`)
	db.mu.Lock()
	if c := db.chats[chat]; c != nil {
		for i, n := len(c.rows)-1, 0; i >= 0 && n < limit; i, n = i-1, n+1 {
			if n > 0 {
				b = append(b, ',')
			}
			r := c.rows[i]
			b = appendMessageObject(b, r.id, c.id, c.handle, r.text, r.fromMe, r.at)
		}
	}
	db.mu.Unlock()
	return string(append(b, "]}"...))
}

// intParam reads an integer parameter given as a number or a numeric
// string, as imsg does; def when absent or unusable.
func intParam(params json.RawMessage, key string, def int) int {
	var m map[string]json.RawMessage
	if json.Unmarshal(params, &m) != nil {
		return def
	}
	raw := m[key]
	var s string
	if json.Unmarshal(raw, &s) == nil {
		raw = json.RawMessage(s)
	}
	n, err := strconv.Atoi(string(raw))
	if err != nil {
		return def
	}
	return n
}
