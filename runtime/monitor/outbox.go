package monitor

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/openclawcfg/openclawcfg/runtime/imsg"
	"github.com/openclawcfg/openclawcfg/runtime/store"
)

// The outbox: every send of a reply (and every pairing reply) is written
// down before it is made, then marked in flight, then sent, failed or
// unknown. An unknown send (no answer from imsg) is never resent blindly:
// it is looked for among the chat's sent rows first (messages.history),
// and resent only when it provably did not go out.

// DefaultSendRate caps sends to one recipient per minute: a loop or a
// runaway handler cannot flood a real person. Beyond it sends wait in the
// outbox.
const DefaultSendRate = 30

// sendBurst is how many sends to one recipient may go out at once.
const sendBurst = 40

// bucket is one recipient's send allowance.
type bucket struct {
	tokens float64
	at     time.Time
}

type rateCap struct {
	mu      sync.Mutex
	perMin  float64
	buckets map[string]*bucket
}

func newRateCap(perMin int) *rateCap {
	if perMin <= 0 {
		perMin = DefaultSendRate
	}
	return &rateCap{perMin: float64(perMin), buckets: map[string]*bucket{}}
}

// take spends one send to target, or says it must wait.
func (r *rateCap) take(target string, now time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	b := r.buckets[target]
	if b == nil {
		b = &bucket{tokens: sendBurst, at: now}
		r.buckets[target] = b
		if len(r.buckets) > 10_000 {
			for k, v := range r.buckets {
				if v.tokens >= sendBurst {
					delete(r.buckets, k)
				}
			}
		}
	}
	b.tokens = min(sendBurst, b.tokens+now.Sub(b.at).Minutes()*r.perMin)
	b.at = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// outbox sends entries of one account in order per recipient.
type outbox struct {
	lt     *lifetime
	acct   *store.Account
	rate   *rateCap
	mu     sync.Mutex     // one sender at a time per account keeps each recipient's order
	warned map[int64]bool // entries whose hold was logged (under mu)
}

// errHeld: the entry waits (paused, or over the rate cap).
var errHeld = errors.New("held")

// sendQueued sends a reply's entries, already in the outbox, in order. It
// stops at the first that cannot go now (it and the rest wait for the
// pump) and returns how many went out.
func (ob *outbox) sendQueued(ctx context.Context, seqs []int64, entries []store.OutEntry) (int, error) {
	ob.mu.Lock()
	defer ob.mu.Unlock()
	sent := 0
	for i, seq := range seqs {
		// The pump may have sent it meanwhile: only a queued entry goes.
		e, ok := ob.acct.Get(seq)
		if !ok || e.State != store.OutQueued {
			continue
		}
		if err := ob.sendOne(ctx, &e); err != nil {
			if isRefusal(err) {
				// The rest of a refused reply is not sent out of order.
				for _, rest := range seqs[i+1:] {
					ob.acct.Update(rest, func(x *store.OutEntry) {
						if x.State == store.OutQueued {
							x.State, x.Error = store.OutFailed, "an earlier part of this reply was refused"
						}
					})
				}
			}
			return sent, err
		}
		sent++
	}
	return sent, nil
}

// sendOne makes one send and records its outcome.
func (ob *outbox) sendOne(ctx context.Context, e *store.OutEntry) error {
	lt := ob.lt
	m := lt.m
	if m.paused() {
		if !ob.warned[e.Seq] {
			ob.warned[e.Seq] = true
			m.log.Warn("imessage: send held: sending is paused for this account (openclawcfg resume "+m.acct.ID+")", "target", e.Target, "seq", e.Seq)
		}
		return errHeld
	}
	if !ob.rate.take(e.Target, time.Now()) {
		if !ob.warned[e.Seq] {
			ob.warned[e.Seq] = true
			m.log.Warn("imessage: send held back: more than the per-recipient rate cap", "target", e.Target, "cap", int(ob.rate.perMin), "seq", e.Seq)
		}
		return errHeld
	}
	delete(ob.warned, e.Seq)
	if err := ob.acct.Update(e.Seq, func(x *store.OutEntry) { x.State = store.OutInFlight; x.Attempts++ }); err != nil {
		return err
	}
	res, err := lt.call(ctx, e.Params)
	switch {
	case err == nil:
		id := messageID(res)
		rowid, guid := sentRow(res)
		ob.acct.Update(e.Seq, func(x *store.OutEntry) {
			x.State, x.MessageID, x.RowID, x.GUID, x.Error = store.OutSent, id, rowid, guid, ""
		})
		lt.rememberSent(e.Target, e.Echo, id, rowid, guid)
		return nil
	case isRefusal(err):
		ob.acct.Update(e.Seq, func(x *store.OutEntry) { x.State, x.Error = store.OutFailed, err.Error() })
		return err
	default:
		// No answer: it may have gone out. Reconciled later, not resent.
		ob.acct.Update(e.Seq, func(x *store.OutEntry) { x.State, x.Error = store.OutUnknown, err.Error() })
		return err
	}
}

// isRefusal: imsg answered with an error, so nothing was sent (a -32603
// ghost-row failure excepted: Messages may have written the row).
func isRefusal(err error) bool {
	var re *imsg.RPCError
	if !errors.As(err, &re) {
		return false
	}
	return !strings.Contains(string(re.Data), "unjoined empty outgoing row")
}

// sentRow reads the sent row's id and guid from a send result.
func sentRow(r sendResult) (int64, string) {
	var id int64
	if n, ok := r["id"].(float64); ok {
		id = int64(n)
	}
	g, _ := r["guid"].(string)
	return id, g
}

// pump sends what waits in the outbox (paused, rate-capped, or left by an
// earlier process) and reconciles sends whose outcome is unknown; it runs
// every few seconds while the lifetime lasts.
func (ob *outbox) pump(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		ob.drain(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// note publishes the outbox's size and age.
func (ob *outbox) note(pending []store.OutEntry) {
	d := &ob.lt.m.opt.Stats.Durable
	d.OutboxPending.Store(int64(len(pending)))
	var oldest int64
	for _, e := range pending {
		if ms := e.Created.UnixMilli(); oldest == 0 || ms < oldest {
			oldest = ms
		}
	}
	d.OutboxOldest.Store(oldest)
}

// ReconcileAfter is how long an unknown send is given to show up in the
// chat's history before it counts as not sent.
var ReconcileAfter = 2 * time.Minute

func (ob *outbox) drain(ctx context.Context) {
	ob.mu.Lock()
	defer ob.mu.Unlock()
	pending, err := ob.acct.Pending()
	ob.note(pending)
	if err != nil || len(pending) == 0 {
		return
	}
	defer func() {
		p, _ := ob.acct.Pending()
		ob.note(p)
	}()
	blocked := map[string]bool{} // a recipient whose earlier send waits
	for i := range pending {
		e := pending[i]
		if ctx.Err() != nil {
			return
		}
		if blocked[e.Target] {
			continue
		}
		switch e.State {
		case store.OutInFlight, store.OutUnknown:
			found, err := ob.lt.findSent(ctx, &e)
			switch {
			case errors.Is(err, errNoHistory):
				if time.Since(e.Updated) >= ReconcileAfter {
					ob.acct.Update(e.Seq, func(x *store.OutEntry) {
						x.State, x.Error = store.OutFailed, "outcome unknown and not checkable (no chat id): not resent, to avoid a double reply: "+x.Error
					})
					ob.lt.m.log.Error("imessage: a send with no answer cannot be checked against the chat's history; not resending it (it may have gone out)", "target", e.Target, "seq", e.Seq)
				}
				blocked[e.Target] = true
				continue
			case err != nil:
				blocked[e.Target] = true
				continue
			case found:
				ob.lt.m.log.Info("imessage: a send with no answer did go out (found in the chat's history)", "target", e.Target, "seq", e.Seq)
				continue
			case time.Since(e.Updated) < ReconcileAfter:
				blocked[e.Target] = true
				continue
			case e.Attempts >= 3:
				ob.acct.Update(e.Seq, func(x *store.OutEntry) { x.State, x.Error = store.OutFailed, "not sent after 3 attempts: "+x.Error })
				ob.lt.m.log.Error("imessage: reply given up after 3 attempts", "target", e.Target, "seq", e.Seq)
				continue
			}
			ob.lt.m.log.Warn("imessage: a send with no answer is not in the chat's history: sending it again", "target", e.Target, "seq", e.Seq)
		}
		if err := ob.sendOne(ctx, &e); err != nil {
			blocked[e.Target] = true
		}
	}
}

// errNoHistory: an entry without a chat id cannot be looked up.
var errNoHistory = errors.New("no chat id to read the history of")

// findSent looks for an unknown send among the chat's sent rows after it
// was made: the same text from us, or the guid imsg returned.
func (lt *lifetime) findSent(ctx context.Context, e *store.OutEntry) (bool, error) {
	chatID := e.ChatID
	if chatID == "" {
		return false, errNoHistory
	}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var hist struct {
		Messages []struct {
			GUID     string `json:"guid"`
			IsFromMe bool   `json:"is_from_me"`
			Text     string `json:"text"`
			Created  string `json:"created_at"`
		} `json:"messages"`
	}
	if err := lt.client.Call(cctx, "messages.history", map[string]any{"chat_id": json.Number(chatID), "limit": 50}, &hist); err != nil {
		return false, err
	}
	text, _ := e.Params["text"].(string)
	for _, h := range hist.Messages {
		if !h.IsFromMe {
			continue
		}
		if (e.GUID != "" && h.GUID == e.GUID) || (text != "" && strings.TrimSpace(h.Text) == strings.TrimSpace(text)) {
			if t, err := time.Parse(time.RFC3339Nano, h.Created); err == nil && t.Before(e.Created.Add(-time.Minute)) {
				continue // an older row with the same text
			}
			lt.ob.acct.Update(e.Seq, func(x *store.OutEntry) { x.State, x.GUID = store.OutSent, h.GUID })
			return true, nil
		}
	}
	return false, nil
}

// call is one send request.
func (lt *lifetime) call(ctx context.Context, params map[string]any) (sendResult, error) {
	var res sendResult
	if lt.client == nil {
		return nil, errNoClient
	}
	if err := lt.client.Call(ctx, "send", params, &res); err != nil {
		lt.m.opt.Stats.sendFailed()
		return nil, err
	}
	lt.m.opt.Stats.sent()
	return res, nil
}

// rememberSent feeds a send into the echo cache as OpenClaw does (the id
// resolveMessageId picked), and, beyond OpenClaw, the sent row's numeric id
// and guid, so its echo is recognised by id as OpenClaw meant to.
func (lt *lifetime) rememberSent(target, echo, id string, rowid int64, guid string) {
	lt.stMu.Lock()
	defer lt.stMu.Unlock()
	now := lt.m.now()
	lt.st.RememberSent(lt.m.acct.ID, target, echo, id, now)
	if lt.du != nil {
		if rowid > 0 {
			lt.st.RememberSent(lt.m.acct.ID, target, "", itoa(int(rowid)), now)
		}
		if guid != "" && guid != id {
			lt.st.RememberSent(lt.m.acct.ID, target, "", guid, now)
		}
	}
}
