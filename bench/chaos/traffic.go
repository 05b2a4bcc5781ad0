package main

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/openclawcfg/openclawcfg/internal/fakeimsg"
)

// chatInfo is one conversation of the fake database the driver writes to.
type chatInfo struct {
	id      int64
	group   bool
	handles []string    // a DM's other party, or a group's members
	recent  []time.Time // when the driver last wrote to it (pacing)
}

// sentMsg is one numbered row the driver appended: what it must find
// handled (or, for a late row, must not).
type sentMsg struct {
	Token string `json:"token"`
	Chat  int64  `json:"chat"`
	Late  bool   `json:"late,omitempty"`
	Cycle int    `json:"cycle"`
	Kind  string `json:"kind"`  // the cycle's fault
	Phase string `json:"phase"` // before, after, mid-handler, down (openclawcfg not running) or late
	// Under names the lasting faults (a silent, dead or overflowed watch,
	// a hang, a replaced chat.db) injected since openclawcfg last
	// subscribed: the row was written while the runtime may be deaf.
	Under string `json:"under,omitempty"`
	Row   int64  `json:"row"`
}

// traffic writes numbered messages into the fake's database, in process
// (the fakeimsg appender takes the same lock `imsg-fake say` does).
type traffic struct {
	app   *fakeimsg.Appender
	rng   *rand.Rand
	chats []*chatInfo
	seq   int
	sent  []*sentMsg
	// OpenClaw's echo-loop limiter drops a dispatch in a chat that saw five
	// of the bot's own rows within 60 s, and every answered message leaves
	// one (the "ack" echo). The driver writes at most perWindow messages
	// to a chat per window, so that limiter never explains a loss.
	window    time.Duration
	perWindow int
	now       func() time.Time
	sleep     func(time.Duration)
	ev        *eventLog
}

// Handles: DMs from +1555010xxxx, group members +1555020xxxx.
func dmHandle(i int) string     { return fmt.Sprintf("+1555010%04d", i) }
func memberHandle(i int) string { return fmt.Sprintf("+1555020%04d", i) }

// newTraffic creates the database with dms direct chats and groups group
// chats (three members each).
func newTraffic(dbPath string, dms, groups int, rng *rand.Rand) (*traffic, error) {
	t := &traffic{
		app: fakeimsg.NewAppender(dbPath), rng: rng, window: 65 * time.Second, perWindow: 3,
		now: time.Now, sleep: time.Sleep,
	}
	var recs []fakeimsg.Record
	for i := range dms {
		h := dmHandle(i)
		recs = append(recs, fakeimsg.Record{Chat: &fakeimsg.Chat{
			Identifier: h, GUID: "iMessage;-;" + h,
			Service: "iMessage", Participants: []string{h},
		}})
		t.chats = append(t.chats, &chatInfo{handles: []string{h}})
	}
	for g := range groups {
		ident := fmt.Sprintf("chat%018d", rng.Int64N(1e18))
		members := []string{memberHandle(3 * g), memberHandle(3*g + 1), memberHandle(3*g + 2)}
		recs = append(recs, fakeimsg.Record{Chat: &fakeimsg.Chat{
			Identifier: ident, GUID: "iMessage;+;" + ident,
			Name: fmt.Sprintf("Chaos %d", g+1), Service: "iMessage", Participants: members,
		}})
		t.chats = append(t.chats, &chatInfo{group: true, handles: members})
	}
	out, err := t.app.Append(recs...)
	if err != nil {
		return nil, err
	}
	for i, r := range out {
		t.chats[i].id = r.Chat.ID
	}
	return t, nil
}

func (t *traffic) close() { t.app.Close() }

// pick is a chat that may take one more message now, waiting when every
// chat had its share of the window.
func (t *traffic) pick() *chatInfo {
	for {
		now := t.now()
		var eligible []*chatInfo
		next := now.Add(t.window)
		for _, c := range t.chats {
			k := 0
			for _, at := range c.recent {
				if now.Sub(at) < t.window {
					c.recent[k] = at
					k++
				}
			}
			c.recent = c.recent[:k]
			if len(c.recent) < t.perWindow {
				eligible = append(eligible, c)
			} else if exp := c.recent[0].Add(t.window); exp.Before(next) {
				next = exp
			}
		}
		if len(eligible) > 0 {
			return eligible[t.rng.IntN(len(eligible))]
		}
		t.sleep(max(next.Sub(now), 10*time.Millisecond))
	}
}

// say appends one numbered message. A late row carries a date hours in the
// past with a new rowid: a row iCloud synced in late, never to be answered.
// sleepMs > 0 asks the handler to take that long.
func (t *traffic) say(cycle int, kind, phase, under string, late bool, sleepMs int) (*sentMsg, error) {
	c := t.pick()
	t.seq++
	token := fmt.Sprintf("m%06d", t.seq)
	if late {
		token = fmt.Sprintf("late%06d", t.seq)
	}
	text := token
	if sleepMs > 0 {
		text += fmt.Sprintf(" sleep=%d", sleepMs)
	}
	at := t.now()
	created := at
	if late {
		created = at.Add(-2*time.Hour - time.Duration(t.rng.Int64N(int64(70*time.Hour))))
	}
	row := &fakeimsg.Row{
		ChatID: c.id, GUID: t.guid(), Sender: c.handles[t.rng.IntN(len(c.handles))], Text: text,
		CreatedAt: created.UTC().Format(time.RFC3339Nano), Service: "iMessage",
	}
	out, err := t.app.Append(fakeimsg.Record{Row: row})
	if err != nil {
		return nil, err
	}
	c.recent = append(c.recent, at)
	t.ev.printf("row %d: %q chat %d (cycle %d %s, %s)", out[0].Row.ID, text, c.id, cycle, kind, phase)
	m := &sentMsg{Token: token, Chat: c.id, Late: late, Cycle: cycle, Kind: kind, Phase: phase, Under: under, Row: out[0].Row.ID}
	t.sent = append(t.sent, m)
	return m, nil
}

// fault appends a {"fault":...} record for the running imsg-fake.
func (t *traffic) fault(spec string) error {
	var f fakeimsg.Fault
	if err := f.UnmarshalJSON([]byte(fmt.Sprintf("%q", spec))); err != nil {
		return err
	}
	t.ev.printf("fault record %s", spec)
	_, err := t.app.Append(fakeimsg.Record{Fault: &f})
	return err
}

// guid is an upper-case UUID like Messages' (from the seeded generator, so
// a run is reproducible).
func (t *traffic) guid() string {
	a, b := t.rng.Uint64(), t.rng.Uint64()
	a = a&^0xf000 | 0x4000 // version 4
	b = b&^(3<<62) | 1<<63 // RFC 4122 variant
	return fmt.Sprintf("%08X-%04X-%04X-%04X-%012X", a>>32, (a>>16)&0xffff, a&0xffff, b>>48, b&0xffffffffffff)
}
