package store

import (
	"errors"
	"testing"
	"time"
)

func open(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The cursor passes only the contiguous run of finished rows: a row in
// flight holds it, and a later success does not skip it.
func TestCursorContiguous(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	a := s.Account("default")
	if _, _, err := a.BindIdentity("db1", false); err != nil {
		t.Fatal(err)
	}
	for _, r := range []int64{10, 11, 12} {
		if got, _, err := a.Claim(r, "g"+string(rune('0'+r-10)), nil); err != nil || got != New {
			t.Fatalf("claim %d: %v %v", r, got, err)
		}
	}
	a.Finish(11, "g1")
	a.Finish(12, "g2")
	if st, _ := a.Load(); st.Cursor != 0 || st.InFlight != 1 {
		t.Fatalf("cursor moved past the row in flight: %+v", st)
	}
	a.Finish(10, "g0")
	if st, _ := a.Load(); st.Cursor != 12 || st.InFlight != 0 {
		t.Fatalf("cursor after the run finished: %+v", st)
	}
	if got, _, _ := a.Claim(11, "g1", nil); got != Seen {
		t.Fatalf("a finished row again: %v", got)
	}
	// A guid handled under another rowid (a resynced database) is seen too.
	if got, _, _ := a.Claim(99, "g2", nil); got != Seen {
		t.Fatalf("a handled guid again: %v", got)
	}
}

// A row claimed by a process that died is redelivered (once), a row in
// flight in this process is not taken twice.
func TestRedelivery(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	a := s.Account("work")
	a.Claim(5, "g5", nil)
	a.Claim(6, "g6", nil)
	if err := a.Started([]Row{{ID: 5, GUID: "g5"}}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s = open(t, dir)
	defer s.Close()
	a = s.Account("work")
	live := map[int64]bool{}
	got, _, _ := a.Claim(5, "g5", func(r int64) bool { return live[r] })
	if got != Redelivery {
		t.Fatalf("after a restart: %v, want Redelivery", got)
	}
	// Redelivered, then the process dies again before the handler runs:
	// still a redelivery.
	s.Close()
	s = open(t, dir)
	a = s.Account("work")
	if got, _, _ := a.Claim(5, "g5", nil); got != Redelivery {
		t.Fatalf("a redelivered row after a second crash: %v, want Redelivery", got)
	}
	// Claimed but its handler never started: nothing was done, it is new.
	if got, _, _ := a.Claim(6, "g6", func(r int64) bool { return live[r] }); got != New {
		t.Fatalf("an unstarted row after a restart: %v, want New", got)
	}
	live[5] = true
	if got, _, _ := a.Claim(5, "g5", func(r int64) bool { return live[r] }); got != Busy {
		t.Fatalf("twice in one process: %v, want Busy", got)
	}
	if n, _ := a.Release(5, "g5"); n != 1 {
		t.Fatalf("attempts %d", n)
	}
	if err := a.Dead(DeadLetter{RowID: 5, GUID: "g5", Reason: "handler failed 3 times", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	st, _ := a.Load()
	if st.Cursor != 5 || st.DeadCount != 1 {
		t.Fatalf("after the dead letter: %+v", st)
	}
}

// A replaced database discards the cursor and the guids.
func TestIdentity(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	a := s.Account("default")
	a.BindIdentity("inode:1", false)
	a.SetBaseline(100)
	a.Claim(101, "handled", nil)
	a.Finish(101, "handled")
	if reset, _, _ := a.BindIdentity("inode:1", false); reset {
		t.Fatal("same identity reset the cursor")
	}
	reset, old, _ := a.BindIdentity("inode:2", false)
	if !reset || old != "inode:1" {
		t.Fatalf("reset %v old %q", reset, old)
	}
	if st, _ := a.Load(); st.Cursor != 0 {
		t.Fatalf("cursor kept across databases: %d", st.Cursor)
	}
	// A message handled in the old file keeps its guid in the new one (at
	// any rowid): it is not answered again.
	if got, _, _ := a.Claim(7, "handled", nil); got != Seen {
		t.Fatalf("a handled guid in the replacing database: %v, want Seen", got)
	}
}

func TestOutbox(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	a := s.Account("default")
	seqs, err := a.Enqueue([]OutEntry{{Reply: "r1", Target: "imessage:+1", Params: map[string]any{"text": "a"}}, {Reply: "r1", Part: 1, Target: "imessage:+1"}})
	if err != nil || len(seqs) != 2 {
		t.Fatal(seqs, err)
	}
	a.Update(seqs[0], func(e *OutEntry) { e.State = OutSent })
	a.Update(seqs[1], func(e *OutEntry) { e.State = OutUnknown })
	p, _ := a.Pending()
	if len(p) != 1 || p[0].Seq != seqs[1] || p[0].State != OutUnknown {
		t.Fatalf("pending %+v", p)
	}
}

func TestSecondOpenRefused(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	defer s.Close()
	if _, err := Open(dir); !errors.Is(err, ErrInUse) {
		t.Fatalf("second open: %v", err)
	}
}

// A burst is claimed in one transaction; a row twice in one burst (a
// message in two chats) is handled once.
func TestClaimMany(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	a := s.Account("default")
	got, err := a.ClaimMany([]Row{{ID: 1, GUID: "a"}, {ID: 2, GUID: "b"}, {ID: 2, GUID: "b"}, {ID: 3, GUID: ""}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []Intake{New, New, Busy, New}
	for i, c := range got {
		if c.Intake != want[i] {
			t.Fatalf("row %d: %v, want %v", i, c.Intake, want[i])
		}
	}
}

// Commit finishes the answered rows and queues the reply atomically.
func TestCommit(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	a := s.Account("default")
	a.Claim(7, "g7", nil)
	seqs, err := a.Commit([]Row{{ID: 7, GUID: "g7"}}, []OutEntry{{Target: "chat_id:1", ChatID: "1"}, {Target: "chat_id:1", Part: 1}})
	if err != nil || len(seqs) != 2 || seqs[1] != seqs[0]+1 {
		t.Fatalf("commit: %v %v", seqs, err)
	}
	st, _ := a.Load()
	if st.Cursor != 7 || st.InFlight != 0 || st.Outbox != 2 {
		t.Fatalf("after commit: %+v", st)
	}
	if e, ok := a.Get(seqs[0]); !ok || e.State != OutQueued || e.ChatID != "1" {
		t.Fatalf("entry: %+v", e)
	}
}

// Health marks extend a span while they come within the gap, and start a
// new one after a break (a sleep, a deaf watch).
func TestSpans(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	a := s.Account("default")
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	for _, d := range []time.Duration{0, 30 * time.Second, time.Minute, 3 * time.Hour, 3*time.Hour + 30*time.Second} {
		if err := a.MarkHealthy(t0.Add(d), 2*time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	a.MarkHealthy(t0, 2*time.Minute) // older than the last mark: ignored
	st, _ := a.Load()
	want := []Span{{t0, t0.Add(time.Minute)}, {t0.Add(3 * time.Hour), t0.Add(3*time.Hour + 30*time.Second)}}
	if len(st.Spans) != 2 || !st.Spans[0].From.Equal(want[0].From) || !st.Spans[0].To.Equal(want[0].To) || !st.Spans[1].To.Equal(want[1].To) {
		t.Fatalf("spans %+v, want %+v", st.Spans, want)
	}
	if !st.Healthy.Equal(want[1].To) {
		t.Fatalf("healthy %v", st.Healthy)
	}
}

// The cursor's row guid is kept, and a replacement that continues the old
// database keeps the cursor.
func TestBindKeep(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	a := s.Account("default")
	a.BindIdentity("inode:1", false)
	a.ClaimMany([]Row{{ID: 8, GUID: "g8", Chat: "42"}}, nil)
	a.Finish(8, "g8")
	id, cursor, guid, chat, err := a.Bound()
	if err != nil || id != "inode:1" || cursor != 8 || guid != "g8" || chat != "42" {
		t.Fatalf("bound: %q %d %q %q %v", id, cursor, guid, chat, err)
	}
	if reset, _, _ := a.BindIdentity("inode:2", true); reset {
		t.Fatal("a continuing database reset the cursor")
	}
	if _, cursor, _, _, _ := a.Bound(); cursor != 8 {
		t.Fatalf("cursor after a kept rebind: %d", cursor)
	}
	if reset, _, _ := a.BindIdentity("inode:3", false); !reset {
		t.Fatal("a different database kept the cursor")
	}
	if _, cursor, guid, _, _ := a.Bound(); cursor != 0 || guid != "" {
		t.Fatalf("after a reset: %d %q", cursor, guid)
	}
}

// A replaced or restored chat.db hands a rowid out again for another
// message: the new message is judged by its own guid, not by the state
// the old one left at that rowid (the chaos test lost such rows).
func TestRowidReused(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	defer s.Close()
	a := s.Account("default")
	// Row 7 of the old database: handled. Rows 5 and 6 stay in flight, so
	// the cursor is below 7 and the row value is what judges.
	a.Claim(5, "old5", nil)
	a.Claim(6, "old6", nil)
	if err := a.Started([]Row{{ID: 6, GUID: "old6"}}); err != nil {
		t.Fatal(err)
	}
	a.Claim(7, "old7", nil)
	a.Finish(7, "old7")
	if got, _, _ := a.Claim(7, "old7", nil); got != Seen {
		t.Fatalf("the old row again: %v, want Seen", got)
	}
	if got, _, _ := a.Claim(7, "new7", nil); got != New {
		t.Fatalf("another message under a handled rowid: %v, want New", got)
	}
	// Under a rowid whose old message's handler had started: new, not a
	// redelivery of someone else's message.
	s.Close()
	s = open(t, dir)
	a = s.Account("default")
	if got, n, _ := a.Claim(6, "new6", nil); got != New || n != 0 {
		t.Fatalf("another message under a started rowid: %v (attempts %d), want New", got, n)
	}
	// The new message finishes like any other.
	a.Finish(7, "new7")
	if got, _, _ := a.Claim(7, "new7", nil); got != Seen {
		t.Fatalf("the new message again: %v, want Seen", got)
	}
}

// Before tells a row that reached the runtime at an earlier arrival (a
// crash, a row given back) from one never seen: only the latter can have
// synced in late, so only it meets the replay fence.
func TestClaimBefore(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	a := s.Account("default")
	first, _ := a.ClaimMany([]Row{{ID: 5, GUID: "g5"}, {ID: 6, GUID: "g6"}}, nil)
	if first[0].Before || first[1].Before {
		t.Fatalf("first arrivals: %+v", first)
	}
	a.Started([]Row{{ID: 5, GUID: "g5"}})
	s.Close()
	s = open(t, dir)
	defer s.Close()
	a = s.Account("default")
	again, _ := a.ClaimMany([]Row{{ID: 5, GUID: "g5"}, {ID: 6, GUID: "g6"}, {ID: 7, GUID: "g7"}}, nil)
	if !again[0].Before || again[0].Intake != Redelivery {
		t.Fatalf("a started row after a crash: %+v, want Before and Redelivery", again[0])
	}
	if !again[1].Before || again[1].Intake != New {
		t.Fatalf("a claimed row after a crash: %+v, want Before and New", again[1])
	}
	if again[2].Before {
		t.Fatalf("a row never seen: %+v", again[2])
	}
	// Another message under a reused rowid was never seen.
	if c, _ := a.ClaimMany([]Row{{ID: 6, GUID: "other"}}, nil); c[0].Before {
		t.Fatalf("a reused rowid: %+v", c[0])
	}
}
