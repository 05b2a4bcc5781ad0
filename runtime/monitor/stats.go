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

	// Durable holds the store-backed figures.
	Durable Durable
	// HandlerLatency is how long the handler took per dispatch;
	// DispatchLatency is from a message's own date to its dispatch.
	HandlerLatency, DispatchLatency *Histogram

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
func NewStats() *Stats {
	return &Stats{
		drops: map[string]int64{}, changed: make(chan struct{}, 1),
		HandlerLatency: NewHistogram(LatencyBuckets), DispatchLatency: NewHistogram(LatencyBuckets),
	}
}

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

// Durable figures (zero when run has no store: --compat openclaw).
type Durable struct {
	// Cursor is the highest chat.db row below which every row is handled.
	Cursor atomic.Int64
	// Newest is the newest row id seen (watch, reconciliation or probe):
	// Newest-Cursor is the cursor's lag.
	Newest atomic.Int64
	// OutboxPending counts replies not yet sent (queued, waiting, in
	// flight or unknown); OutboxOldest is the oldest one's creation (Unix
	// ms, 0 when none).
	OutboxPending, OutboxOldest atomic.Int64
	// GapsFilled counts rows the reconciliation found that the watch had
	// not delivered; Duplicates rows delivered again and skipped; Late rows
	// held back by the replay fence; Delayed rows handed in late but
	// handled; Redelivered rows handled again after a crash; DeadLetters
	// rows given up on.
	GapsFilled, Duplicates, Late, Delayed, Redelivered, DeadLetters atomic.Int64
	// Resubscribes counts watches replaced (died, overflowed, deaf);
	// Parked rows held until they join a chat.
	Resubscribes, Parked atomic.Int64
	// Healthy is when the watch was last known to have delivered
	// everything (Unix ms).
	Healthy atomic.Int64
}

// Histogram is a fixed-bucket latency histogram, safe for concurrent use,
// in the shape Prometheus exposes (cumulative counts per upper bound).
type Histogram struct {
	bounds []float64 // seconds, ascending
	mu     sync.Mutex
	counts []uint64 // per bucket, not cumulative; last is +Inf
	sum    float64
	n      uint64
}

// LatencyBuckets are the bounds (seconds) of the runtime's histograms:
// from a fast handler to a message that waited out a restart.
var LatencyBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600}

// NewHistogram returns an empty histogram with the given bounds.
func NewHistogram(bounds []float64) *Histogram {
	return &Histogram{bounds: bounds, counts: make([]uint64, len(bounds)+1)}
}

// Observe records one duration.
func (h *Histogram) Observe(d time.Duration) {
	s := d.Seconds()
	i := sort.SearchFloat64s(h.bounds, s)
	h.mu.Lock()
	h.counts[i]++
	h.sum += s
	h.n++
	h.mu.Unlock()
}

// Snapshot returns the bounds, the cumulative count at or below each
// bound, the sum (seconds) and the total count.
func (h *Histogram) Snapshot() (bounds []float64, cumulative []uint64, sum float64, count uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	cumulative = make([]uint64, len(h.bounds))
	var c uint64
	for i := range h.bounds {
		c += h.counts[i]
		cumulative[i] = c
	}
	return h.bounds, cumulative, h.sum, h.n
}
