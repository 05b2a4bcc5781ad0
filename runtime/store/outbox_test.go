package store

import (
	"fmt"
	"slices"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// A tracked send's attempt id and its uncertainty survive a restart: a
// resend after a crash must reuse the same guid, and an entry that may
// have gone out must never be sent as a new message.
func TestOutboxAttemptSurvivesReopen(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	a := s.Account("default")
	seqs, err := a.Enqueue([]OutEntry{{Target: "chat_id:2", Params: map[string]any{"text": "hi"}}})
	if err != nil {
		t.Fatal(err)
	}
	const id = "0f1e2d3c-4b5a-5968-8776-655443322110"
	if err := a.Update(seqs[0], func(e *OutEntry) { e.State, e.AttemptID, e.Uncertain = OutUnknown, id, true }); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s = open(t, dir)
	defer s.Close()
	a = s.Account("default")
	p, err := a.Pending()
	if err != nil || len(p) != 1 {
		t.Fatalf("pending after reopen: %v %v", p, err)
	}
	if p[0].AttemptID != id || !p[0].Uncertain || p[0].State != OutUnknown {
		t.Fatalf("entry after reopen: %+v", p[0])
	}
}

// Entries written before the fields existed read as untracked and certain.
func TestOutboxOldEntryDecodes(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	a := s.Account("default")
	old := `{"seq":7,"reply":"r","part":0,"target":"+15550001111","params":{"text":"x"},"state":"unknown","attempts":1,"created":"2026-01-01T00:00:00Z","updated":"2026-01-01T00:00:00Z"}`
	err := s.db.Update(func(tx *bolt.Tx) error {
		b, err := a.bucket(tx, bOutbox)
		if err != nil {
			return err
		}
		return b.Put(u64(7), []byte(old))
	})
	if err != nil {
		t.Fatal(err)
	}
	e, ok := a.Get(7)
	if !ok || e.AttemptID != "" || e.Uncertain || e.State != OutUnknown {
		t.Fatalf("old entry: %+v %v", e, ok)
	}
}

// A store written before the index of open entries: Pending and Load read
// every entry until the first write builds the index from them; from then
// on the index alone says what is open.
func TestOutboxOpenIndexFromOldStore(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	a := s.Account("default")
	entry := func(seq int, state string) string {
		return fmt.Sprintf(`{"seq":%d,"reply":"r","part":0,"target":"+15550001111","params":{"text":"x"},"state":%q,"attempts":1,"created":"2026-01-01T00:00:00Z","updated":"2026-01-01T00:00:00Z"}`, seq, state)
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		b, err := a.bucket(tx, bOutbox)
		if err != nil {
			return err
		}
		for seq, state := range map[int]string{1: OutSent, 2: OutUnknown, 3: OutFailed, 4: OutQueued} {
			if err := b.Put(u64(int64(seq)), []byte(entry(seq, state))); err != nil {
				return err
			}
		}
		return b.SetSequence(4)
	})
	if err != nil {
		t.Fatal(err)
	}
	seqsOf := func() []int64 {
		p, err := a.Pending()
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, e := range p {
			out = append(out, e.Seq)
		}
		return out
	}
	if got := seqsOf(); !slices.Equal(got, []int64{2, 4}) {
		t.Fatalf("pending before the index: %v, want [2 4]", got)
	}
	// The first write builds the index: 2 settles, 5 is new.
	if err := a.Update(2, func(e *OutEntry) { e.State = OutSent }); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Enqueue([]OutEntry{{Reply: "r2", Target: "+15550001111"}}); err != nil {
		t.Fatal(err)
	}
	if got := seqsOf(); !slices.Equal(got, []int64{4, 5}) {
		t.Fatalf("pending after the index: %v, want [4 5]", got)
	}
	if st, _ := a.Load(); st.Outbox != 2 {
		t.Fatalf("Load counts %d open entries, want 2", st.Outbox)
	}
	// A settled entry leaves the index; one sent again (unknown) returns.
	a.Update(4, func(e *OutEntry) { e.State = OutFailed })
	a.Update(1, func(e *OutEntry) { e.State = OutUnknown })
	if got := seqsOf(); !slices.Equal(got, []int64{1, 5}) {
		t.Fatalf("pending: %v, want [1 5]", got)
	}
}
