package store

import (
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
