package fakeimsg

import (
	"encoding/json"
	"sync/atomic"
	"time"
)

// The watch: every subscription has its own cursor over the rows of the
// database it started on; one poll loop per process reads the file every
// Config.Poll (imsg has only its 5 s fallback poll on Linux; the fake polls
// faster so tests and people need not wait) and on demand after a send, so
// the echo of a send follows its response at once (imsg-rpc.md §4).

type subscription struct {
	id          int64
	store       *db
	chatID      int64
	hasChat     bool
	cursor      int64
	filter      filter
	attachments bool
	reactions   bool
	bufferLimit int64         // 0.14+
	lastEntered int64         // 0.14+: resume_after_rowid of an overflow
	noChat      map[int64]int // 0.14+: polls a row without a chat has waited
	pending     atomic.Int64  // notifications queued, not yet written
	emitted     int64
	cancelled   bool  // unsubscribed, or EOF: ends silently
	dead        bool  // ended by an error or overflow notification
	silent      bool  // watch-silent: alive, says nothing
	dieAfter    int64 // watch-death: messages before the error (-1 off)
	silentAfter int64 // watch-silent (-1 off)
	overflowAt  int64 // watch-overflow: rows above this overflow (-2 off, -1 at once)
}

func (sub *subscription) done() bool { return sub.cancelled || sub.dead }

const defaultWatchError = "disk I/O error (code: 10)"

// watchBatch is imsg's MessagesAfterQuery batch limit.
const watchBatch = 100

func (s *Server) pollLoop() {
	t := time.NewTicker(s.cfg.Poll)
	defer t.Stop()
	for {
		select {
		case <-s.stopCh:
			return
		case <-t.C:
		}
		s.mu.Lock()
		s.pollLocked()
		s.mu.Unlock()
	}
}

// pollLocked reads every database in use, applies fault records that arrived
// and lets every subscription emit.
func (s *Server) pollLocked() {
	if s.stopped() {
		return
	}
	seen := map[*db]bool{}
	var faults []pendingFault
	read := func(d *db) {
		if d == nil || seen[d] {
			return
		}
		seen[d] = true
		if _, err := d.refresh(); err != nil {
			s.debugf("poll %s: %v", d.path, err)
		}
		faults = append(faults, d.pendingFaults...)
		d.pendingFaults = nil
	}
	read(s.cur)
	for _, sub := range s.subs {
		if !sub.done() {
			read(sub.store)
		}
	}
	// A fault record acts at its place in the file: rows before it are
	// emitted first.
	for _, f := range faults {
		for _, sub := range s.subs {
			if sub.store == s.cur {
				s.emitUpToLocked(sub, f.afterRow)
			}
		}
		s.faultRecordLocked(f.Fault)
	}
	live := s.subs[:0]
	for _, sub := range s.subs {
		s.emitLocked(sub)
		if !sub.done() {
			live = append(live, sub)
		}
	}
	for i := len(live); i < len(s.subs); i++ {
		s.subs[i] = nil
	}
	s.subs = live
}

// faultRecordLocked applies a {"fault":...} record read mid-run.
func (s *Server) faultRecordLocked(f Fault) {
	if f.PID != 0 && f.PID != s.cfg.PID {
		return
	}
	if err := f.validate(); err != nil {
		s.debugf("fault record ignored: %v", err)
		return
	}
	s.debugf("fault record: %s %s", f.Name, f.Arg)
	s.applyFaultLocked(f)
}

func (s *Server) applyFaultLocked(f Fault) {
	switch f.Name {
	case "clear":
		s.faults.rec = nil
	case "crash":
		s.crash("fault record")
	case "hang":
		s.hang("fault record")
	case "watch-death":
		for _, sub := range s.subs {
			if !sub.done() {
				s.killSubLocked(sub, f.Message)
			}
		}
	case "watch-silent":
		for _, sub := range s.subs {
			sub.silent = true
		}
	case "watch-overflow":
		for _, sub := range s.subs {
			if !sub.done() && s.later {
				sub.overflowAt = f.argInt(-1)
				if sub.overflowAt < 0 {
					s.overflowLocked(sub)
				}
			}
		}
	default:
		s.faults.rec = append(s.faults.rec, activeFault{Fault: f, sendBase: s.sends})
	}
}

func (s *Server) killSubLocked(sub *subscription, msg string) {
	if msg == "" {
		msg = defaultWatchError
	}
	sub.dead = true
	s.notify("error", obj{{"subscription", sub.id}, {"error", obj{{"message", msg}}}}, nil)
}

func (s *Server) overflowLocked(sub *subscription) {
	sub.dead = true
	s.notify("watch.overflow", obj{
		{"subscription", sub.id},
		{"resume_after_rowid", sub.lastEntered},
		{"reason", "buffer_limit_exceeded"},
		{"terminal", true},
	}, nil)
}

// emitLocked runs one poll of a subscription: up to 100 rows after its
// cursor (0.9.0), or batches until caught up (0.14+ drains continuously).
func (s *Server) emitLocked(sub *subscription) { s.emitUpToLocked(sub, -1) }

// emitUpToLocked is emitLocked limited to rows up to upTo (-1: no limit).
func (s *Server) emitUpToLocked(sub *subscription, upTo int64) {
	if sub.done() || sub.silent || s.stopped() || (upTo >= 0 && sub.cursor >= upTo) {
		return
	}
	d := sub.store
	for {
		if sub.overflowAt == -1 {
			s.overflowLocked(sub)
			return
		}
		if sub.dieAfter >= 0 && sub.emitted >= sub.dieAfter {
			s.killSubLocked(sub, "")
			return
		}
		if sub.silentAfter >= 0 && sub.emitted >= sub.silentAfter {
			sub.silent = true
			return
		}
		taken := 0
		for _, r := range d.rowsAfter(sub.cursor, 0) {
			if upTo >= 0 && r.ID > upTo {
				return
			}
			if sub.hasChat && r.ChatID != sub.chatID {
				continue // the SQL filter: such rows are never returned
			}
			if r.IsReaction && !sub.reactions {
				continue
			}
			if taken == watchBatch {
				break
			}
			if s.later && r.ChatID <= 0 {
				// 0.10+: a row whose chat is not known yet stops the poll and
				// is retried; after 20 polls it is dropped for good.
				if sub.noChat == nil {
					sub.noChat = map[int64]int{}
				}
				sub.noChat[r.ID]++
				if sub.noChat[r.ID] < 20 {
					return
				}
				delete(sub.noChat, r.ID)
				sub.cursor = r.ID
				continue
			}
			taken++
			sub.cursor = r.ID
			if !sub.filter.allows(d, r) {
				continue // filters run after the cursor moved: skipped for good
			}
			if sub.overflowAt >= 0 && r.ID > sub.overflowAt {
				s.overflowLocked(sub)
				return
			}
			if sub.dieAfter >= 0 && sub.emitted >= sub.dieAfter {
				s.killSubLocked(sub, "")
				return
			}
			if sub.silentAfter >= 0 && sub.emitted >= sub.silentAfter {
				sub.silent = true
				return
			}
			if s.later && sub.pending.Load() >= sub.bufferLimit {
				// The client is not reading: the buffer is full (0.14+).
				s.overflowLocked(sub)
				return
			}
			msg := d.messagePayload(r, s.payloadOpts(sub.attachments, sub.reactions))
			s.notify("message", obj{{"subscription", sub.id}, {"message", msg}}, sub)
			sub.emitted++
			sub.lastEntered = r.ID
		}
		if !s.later || taken < watchBatch {
			return
		}
	}
}

// watchSubscribe is handleWatchSubscribe (imsg-rpc.md §2.3; 0.14+:
// imsg-rpc-later.md §5.2).
func (s *Server) watchSubscribe(req *request) {
	sub := &subscription{dieAfter: -1, silentAfter: -1, overflowAt: -2, bufferLimit: 256}
	var since int64
	var hasSince bool
	if s.later {
		if e := s.subscribeParamsLater(req, sub, &since, &hasSince); e != nil {
			s.fail(req, e)
			return
		}
	} else {
		sub.chatID, sub.hasChat = intParam(req.params["chat_id"])
		since, hasSince = intParam(req.params["since_rowid"])
		participants := stringArrayParam(req.params["participants"])
		start, hasStart := stringParam(req.params["start"])
		end, hasEnd := stringParam(req.params["end"])
		sub.attachments, _ = boolParam(req.params["attachments"])
		sub.reactions, _ = boolParam(req.params["include_reactions"])
		// debounce_ms arrived in 0.6.0; older servers ignore it.
		if !s.ver.less(version{0, 6, 0}) {
			if e := debounceParam(req.params); e != nil {
				s.fail(req, e)
				return
			}
		}
		var e *rpcErr
		if sub.filter, e = s.isoFilter(participants, start, end, hasStart, hasEnd); e != nil {
			s.fail(req, e)
			return
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	d, e := s.readDBLocked()
	if e != nil {
		s.fail(req, e)
		return
	}
	if s.later {
		active := 0
		for _, x := range s.subs {
			if !x.done() {
				active++
			}
		}
		if active >= 64 {
			s.fail(req, &rpcErr{-32000, "Server busy", "subscription limit exceeded"})
			return
		}
	}
	d.refresh()
	sub.store = d
	if !hasSince || since == 0 {
		sub.cursor = d.maxRow // "now": nothing older is replayed
	} else {
		sub.cursor = since
	}
	sub.lastEntered = sub.cursor
	if f, ok := s.faults.find("watch-death"); ok {
		sub.dieAfter = f.argInt(0)
	}
	if f, ok := s.faults.find("watch-silent"); ok {
		sub.silentAfter = f.argInt(0)
	}
	if f, ok := s.faults.find("watch-overflow"); ok && s.later {
		sub.overflowAt = f.argInt(-1)
	}
	sub.id = s.nextSub
	s.nextSub++
	s.subs = append(s.subs, sub)
	result := obj{{"subscription", sub.id}}
	if s.later {
		result = append(result, field{"buffer_limit", sub.bufferLimit})
	}
	if s.faults.has("notify-first") {
		// The subscription's task starts before the response is written
		// (imsg-rpc.md §4.5): its first poll can come first.
		s.emitLocked(sub)
		s.respond(req, result)
		return
	}
	s.respond(req, result)
	s.emitLocked(sub) // the first poll runs at once, without debounce
}

// debounceParam validates debounce_ms/debounceMs (0.6.0+): a non-negative
// integer, or a string of one.
func debounceParam(p map[string]any) *rpcErr {
	for _, k := range []string{"debounce_ms", "debounceMs"} {
		v, ok := p[k]
		if !ok {
			continue
		}
		bad := invalidParams("debounce_ms must be a non-negative integer")
		switch x := v.(type) {
		case json.Number:
			n, err := x.Int64()
			if err != nil || n < 0 {
				return bad
			}
		case string:
			n, ok := swiftInt(x)
			if !ok || n < 0 {
				return bad
			}
		default:
			return bad
		}
		return nil
	}
	return nil
}

func (s *Server) watchUnsubscribe(req *request) {
	var id int64
	if s.later {
		p, e := newRParams(req.params, "watch.unsubscribe", "subscription")
		var ok bool
		if e == nil {
			id, ok, e = p.int64("subscription")
			if e == nil && !ok {
				e = invalidParams("subscription is required")
			} else if e == nil && id <= 0 {
				e = invalidParams("subscription must be a positive integer")
			}
		}
		if e != nil {
			s.fail(req, e)
			return
		}
	} else {
		n, ok := intParam(req.params["subscription"])
		if !ok {
			s.fail(req, invalidParams("subscription is required"))
			return
		}
		id = n
	}
	s.mu.Lock()
	for _, sub := range s.subs {
		if sub.id == id {
			sub.cancelled = true
		}
	}
	s.respond(req, obj{{"ok", true}})
	s.mu.Unlock()
}
