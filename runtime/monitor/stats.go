package monitor

import (
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Stats counts what one account did. Safe for concurrent use.
type Stats struct {
	Received, Dispatched, PairingRequests atomic.Int64
	// PairingCodes counts new pairing requests (a code sent).
	PairingCodes                    atomic.Int64
	Sent, SendFailed                atomic.Int64
	HandlerFailed, Starts, Restarts atomic.Int64

	// LastInbound and LastOutbound are when a message last arrived and a
	// send last succeeded (Unix ms, 0 for never).
	LastInbound, LastOutbound atomic.Int64

	mu        sync.Mutex
	drops     map[string]int64
	state     string
	lastError string
	failure   *Failure
	changed   chan struct{}
}

// SetState records the account's lifecycle state ("starting", "waiting
// for imsg", "running", "restarting", "stopped", "gave up") and, when not
// "", the error that led there.
func (s *Stats) SetState(state, lastError string) {
	s.mu.Lock()
	s.state = state
	if lastError != "" {
		s.lastError = lastError
	}
	s.mu.Unlock()
	select {
	case s.changed <- struct{}{}:
	default:
	}
}

// SetFailure records the last failure (class, message, fix).
func (s *Stats) SetFailure(f *Failure) {
	s.mu.Lock()
	s.failure = f
	s.mu.Unlock()
}

// Failure is the last failure, nil when none.
func (s *Stats) Failure() *Failure {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.failure
}

// State returns the lifecycle state and the last error.
func (s *Stats) State() (state, lastError string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state, s.lastError
}

// NewStats returns zeroed counters.
func NewStats() *Stats { return &Stats{drops: map[string]int64{}, changed: make(chan struct{}, 1)} }

// Changed is signalled (without blocking; one pending signal at most)
// whenever the lifecycle state changes, so a status writer can react at
// once.
func (s *Stats) Changed() <-chan struct{} { return s.changed }

func (s *Stats) received()       { s.Received.Add(1); s.LastInbound.Store(time.Now().UnixMilli()) }
func (s *Stats) dispatch()       { s.Dispatched.Add(1) }
func (s *Stats) pairingRequest() { s.PairingRequests.Add(1) }
func (s *Stats) sent()           { s.Sent.Add(1); s.LastOutbound.Store(time.Now().UnixMilli()) }
func (s *Stats) sendFailed()     { s.SendFailed.Add(1) }
func (s *Stats) handlerFailed()  { s.HandlerFailed.Add(1) }
func (s *Stats) started()        { s.Starts.Add(1) }

func (s *Stats) drop(reason string) {
	s.mu.Lock()
	s.drops[reason]++
	s.mu.Unlock()
}

// Drop is one drop reason's count.
type Drop struct {
	Reason string `json:"reason"`
	Count  int64  `json:"count"`
}

// Drops lists the drop counts by reason, most frequent first.
func (s *Stats) Drops() []Drop {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Drop, 0, len(s.drops))
	for r, n := range s.drops {
		out = append(out, Drop{r, n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Reason < out[j].Reason
	})
	return out
}

func formatInt(n int64) string { return strconv.FormatInt(n, 10) }
