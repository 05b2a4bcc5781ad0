package monitor

import (
	"encoding/json"
	"sync"
)

// queue hands notifications from the client's reader to the decision loop
// without ever blocking the reader (which must keep reading send
// responses). It is bounded: beyond maxInbox notifications the oldest are
// dropped, counted and logged by the caller.
type queue struct {
	mu      sync.Mutex
	items   []json.RawMessage
	ch      chan json.RawMessage
	wake    chan struct{}
	closed  bool
	dropped int
	once    sync.Once
}

const maxInbox = 100_000

func newQueue() *queue {
	q := &queue{ch: make(chan json.RawMessage), wake: make(chan struct{}, 1)}
	go q.pump()
	return q
}

// push never blocks.
func (q *queue) push(m json.RawMessage) {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return
	}
	if len(q.items) >= maxInbox {
		q.items = q.items[1:]
		q.dropped++
	}
	q.items = append(q.items, m)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// out delivers the items in order; it is closed after close() once the
// items already queued are delivered.
func (q *queue) out() <-chan json.RawMessage { return q.ch }

func (q *queue) close() {
	q.once.Do(func() {
		q.mu.Lock()
		q.closed = true
		q.mu.Unlock()
		select {
		case q.wake <- struct{}{}:
		default:
		}
	})
}

func (q *queue) pump() {
	defer close(q.ch)
	for {
		q.mu.Lock()
		if len(q.items) == 0 {
			closed := q.closed
			q.mu.Unlock()
			if closed {
				return
			}
			<-q.wake
			continue
		}
		m := q.items[0]
		q.items[0] = nil
		q.items = q.items[1:]
		q.mu.Unlock()
		q.ch <- m
	}
}
