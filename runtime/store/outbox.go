package store

import (
	"encoding/binary"
	"encoding/json"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Outbox entry states. A send is written down before it is made, so a
// crash never loses a reply and never makes the runtime send it blindly
// again: an entry caught in flight becomes Unknown and is reconciled
// against what imsg shows before anything is resent.
const (
	OutQueued   = "queued"    // not sent yet (paused, rate-capped, or waiting its turn)
	OutInFlight = "in flight" // the send request went to imsg
	OutSent     = "sent"      // imsg answered with a result
	OutUnknown  = "unknown"   // no answer (timeout, imsg gone): maybe sent
	OutFailed   = "failed"    // imsg refused it, or it was given up
)

// OutEntry is one intended send.
type OutEntry struct {
	Seq       int64          `json:"seq"`
	Reply     string         `json:"reply"` // groups the sends of one reply (the inbound guid or rowid)
	Part      int            `json:"part"`  // position in the reply, from 0
	Target    string         `json:"target"`
	ChatID    string         `json:"chatId,omitempty"` // the chat's id, to find the send in its history
	Params    map[string]any `json:"params"`
	Echo      string         `json:"echo,omitempty"`
	State     string         `json:"state"`
	Attempts  int            `json:"attempts"`
	Created   time.Time      `json:"created"`
	Updated   time.Time      `json:"updated"`
	MessageID string         `json:"messageId,omitempty"` // what resolveMessageId made of the result
	RowID     int64          `json:"rowid,omitempty"`     // the sent row's id, when imsg gave one
	GUID      string         `json:"guid,omitempty"`
	Error     string         `json:"error,omitempty"`
	// AttemptID is send.tracked's attempt_id (imsg 0.14.2+), lower-case,
	// fixed before the first tracked attempt: it becomes the message's
	// guid, so every resend reuses it and imsg refuses a second copy.
	AttemptID string `json:"attemptId,omitempty"`
	// Uncertain: an attempt's outcome was unknown (it may have gone out).
	// Such an entry is resent only under its AttemptID, never as a new
	// message.
	Uncertain bool `json:"uncertain,omitempty"`
}

func (e *OutEntry) final() bool { return e.State == OutSent || e.State == OutFailed }

// Enqueue writes the sends of one reply, in order, before any is made, and
// returns their sequence numbers.
func (a *Account) Enqueue(entries []OutEntry) ([]int64, error) { return a.Commit(nil, entries) }

// Commit finishes the rows a reply answers and writes the reply's sends
// in one transaction: a crash leaves either the rows in flight and no
// reply (redelivered, answered once) or the reply queued and the rows done
// (sent once), never both or neither.
func (a *Account) Commit(rows []Row, entries []OutEntry) ([]int64, error) {
	seqs := make([]int64, len(entries))
	err := a.s.db.Batch(func(tx *bolt.Tx) error {
		if len(entries) > 0 {
			b, err := a.bucket(tx, bOutbox)
			if err != nil {
				return err
			}
			open, err := a.openIndex(tx)
			if err != nil {
				return err
			}
			now := time.Now()
			for i := range entries {
				n, err := b.NextSequence()
				if err != nil {
					return err
				}
				e := entries[i]
				e.Seq, e.State, e.Created, e.Updated = int64(n), OutQueued, now, now
				v, err := json.Marshal(e)
				if err != nil {
					return err
				}
				if err := b.Put(u64(e.Seq), v); err != nil {
					return err
				}
				if err := open.Put(u64(e.Seq), nil); err != nil {
					return err
				}
				seqs[i] = e.Seq
			}
		}
		for _, r := range rows {
			if err := a.finish(tx, r.ID, r.GUID); err != nil {
				return err
			}
		}
		return nil
	})
	return seqs, err
}

// Update changes an entry through fn and writes it back. Its callers are
// the outbox's one sender, one entry after another: a Batch would only make
// each wait MaxBatchDelay for company that never comes.
func (a *Account) Update(seq int64, fn func(e *OutEntry)) error {
	return a.s.db.Update(func(tx *bolt.Tx) error {
		b, err := a.bucket(tx, bOutbox)
		if err != nil {
			return err
		}
		v := b.Get(u64(seq))
		if v == nil {
			return nil
		}
		var e OutEntry
		if err := json.Unmarshal(v, &e); err != nil {
			return err
		}
		fn(&e)
		e.Updated = time.Now()
		nv, err := json.Marshal(e)
		if err != nil {
			return err
		}
		if err := b.Put(u64(seq), nv); err != nil {
			return err
		}
		open, err := a.openIndex(tx)
		if err != nil {
			return err
		}
		if e.final() {
			return open.Delete(u64(seq))
		}
		return open.Put(u64(seq), nil)
	})
}

// openIndex is the account's index of entries not yet final, built from
// the outbox the first time a store written before it existed is written.
func (a *Account) openIndex(tx *bolt.Tx) (*bolt.Bucket, error) {
	root, err := tx.CreateBucketIfNotExists(a.id)
	if err != nil {
		return nil, err
	}
	if open := root.Bucket(bOpen); open != nil {
		return open, nil
	}
	seqs := openSeqs(root) // read before the (empty) index exists
	open, err := root.CreateBucket(bOpen)
	if err != nil {
		return nil, err
	}
	for _, seq := range seqs {
		if err := open.Put(u64(seq), nil); err != nil {
			return nil, err
		}
	}
	return open, nil
}

// openSeqs lists the entries not yet final, oldest first: from the index,
// or, in a store written before the index, by reading every entry.
func openSeqs(root *bolt.Bucket) []int64 {
	var seqs []int64
	if open := root.Bucket(bOpen); open != nil {
		open.ForEach(func(k, _ []byte) error {
			seqs = append(seqs, int64(binary.BigEndian.Uint64(k)))
			return nil
		})
		return seqs
	}
	if b := root.Bucket(bOutbox); b != nil {
		b.ForEach(func(k, v []byte) error {
			var e OutEntry
			if json.Unmarshal(v, &e) == nil && !e.final() {
				seqs = append(seqs, int64(binary.BigEndian.Uint64(k)))
			}
			return nil
		})
	}
	return seqs
}

// Get returns an entry.
func (a *Account) Get(seq int64) (OutEntry, bool) {
	var e OutEntry
	ok := false
	a.view(bOutbox, func(b *bolt.Bucket) error {
		if v := b.Get(u64(seq)); v != nil {
			ok = json.Unmarshal(v, &e) == nil
		}
		return nil
	})
	return e, ok
}

// Pending lists the entries not yet final, oldest first.
func (a *Account) Pending() ([]OutEntry, error) {
	var out []OutEntry
	err := a.s.db.View(func(tx *bolt.Tx) error {
		root := tx.Bucket(a.id)
		if root == nil {
			return nil
		}
		b := root.Bucket(bOutbox)
		for _, seq := range openSeqs(root) {
			var e OutEntry
			if err := json.Unmarshal(b.Get(u64(seq)), &e); err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}

// PruneOutbox drops final entries older than keep.
func (a *Account) PruneOutbox(keep time.Duration) error {
	limit := time.Now().Add(-keep)
	return a.s.db.Update(func(tx *bolt.Tx) error {
		b, err := a.bucket(tx, bOutbox)
		if err != nil {
			return err
		}
		var old [][]byte
		b.ForEach(func(k, v []byte) error {
			var e OutEntry
			if json.Unmarshal(v, &e) == nil && e.final() && e.Updated.Before(limit) {
				old = append(old, append([]byte(nil), k...))
			}
			return nil
		})
		for _, k := range old {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
}
