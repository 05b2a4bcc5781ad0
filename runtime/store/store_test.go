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
	if _, _, err := a.BindIdentity("db1"); err != nil {
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
	s.Close()

	s = open(t, dir)
	defer s.Close()
	a = s.Account("work")
	live := map[int64]bool{}
	got, _, _ := a.Claim(5, "g5", func(r int64) bool { return live[r] })
	if got != Redelivery {
		t.Fatalf("after a restart: %v, want Redelivery", got)
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
	a.BindIdentity("inode:1")
	a.SetBaseline(100)
	if reset, _, _ := a.BindIdentity("inode:1"); reset {
		t.Fatal("same identity reset the cursor")
	}
	reset, old, _ := a.BindIdentity("inode:2")
	if !reset || old != "inode:1" {
		t.Fatalf("reset %v old %q", reset, old)
	}
	if st, _ := a.Load(); st.Cursor != 0 {
		t.Fatalf("cursor kept across databases: %d", st.Cursor)
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
