package monitor

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/openclawcfg/openclawcfg/runtime/store"
)

// The outbox: every send of a reply (and every pairing reply) is written
// down before it is made, then marked in flight, then sent, failed or
// unknown. An unknown send (no answer from imsg) is never resent blindly:
// a tracked send (imsg 0.14.2+) is looked up by its guid with
// message.send_status and resent only under the same attempt id; a plain
// one is looked for among the chat's sent rows (messages.history) and
// resent only when it provably did not go out.

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

// sendOne makes one send and records its outcome. With send.tracked
// and message.send_status advertised (imsg 0.14.2+) a text send goes as
// send.tracked under the entry's attempt id; imsg 0.14's typed failures
// (§6 of imsg-rpc-later.md) decide between failed, retry and unknown.
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
	// An attempt that may have gone out (or was cut off mid-send by a
	// crash) is sent again only under its own attempt id.
	uncertain := e.Uncertain || e.State == store.OutInFlight || e.State == store.OutUnknown
	attempt := ""
	switch {
	case lt.trackable(e):
		attempt = e.AttemptID
		if attempt == "" {
			attempt = attemptID(m.acct.ID, e.Seq, e.Created)
		}
	case e.AttemptID != "" && uncertain:
		err := &givenUp{errors.New("a tracked send that may have gone out cannot be sent again under its attempt id (imsg does not offer send.tracked now): not resent, to avoid a double reply")}
		ob.acct.Update(e.Seq, func(x *store.OutEntry) { x.State, x.Error = store.OutFailed, err.Error() })
		m.log.Error("imessage: "+err.Error(), "target", e.Target, "seq", e.Seq, "attemptId", e.AttemptID)
		return err
	}
	if err := ob.acct.Update(e.Seq, func(x *store.OutEntry) { x.State = store.OutInFlight; x.Attempts++; x.AttemptID = attempt }); err != nil {
		return err
	}
	e.Attempts++
	method, params := "send", e.Params
	if attempt != "" {
		method, params = "send.tracked", withAttempt(e.Params, attempt)
	}
	res, err := lt.callSend(ctx, method, params)
	if err != nil && attempt != "" && !uncertain && fallsBack(err) {
		// Refused as a request (no bridge chat for the target, say):
		// nothing was sent, so a plain send may go instead.
		m.log.Info("imessage: send.tracked refused this send; sending it as a plain send", "target", e.Target, "seq", e.Seq, "err", err.Error())
		attempt = ""
		ob.acct.Update(e.Seq, func(x *store.OutEntry) { x.AttemptID = "" })
		res, err = lt.callSend(ctx, "send", e.Params)
	}
	if err == nil {
		id := messageID(res)
		rowid, guid := sentRow(res)
		if guid == "" {
			guid = attempt
		}
		ob.acct.Update(e.Seq, func(x *store.OutEntry) {
			x.State, x.MessageID, x.RowID, x.GUID, x.Error = store.OutSent, id, rowid, guid, ""
		})
		lt.rememberSent(e.Target, e.Echo, id, rowid, guid)
		return nil
	}
	switch dispositionOf(err) {
	case dispRefused:
		ob.acct.Update(e.Seq, func(x *store.OutEntry) { x.State, x.Error = store.OutFailed, err.Error() })
		return err
	case dispRetry:
		if e.Attempts >= sendRetries {
			ob.acct.Update(e.Seq, func(x *store.OutEntry) {
				x.State, x.Error = store.OutFailed, "not sent after "+itoa(sendRetries)+" attempts: "+err.Error()
			})
			return &givenUp{err}
		}
		// It did not start: it waits for the pump, with a backoff.
		ob.acct.Update(e.Seq, func(x *store.OutEntry) { x.State, x.Error = store.OutQueued, err.Error() })
		return err
	case dispBlocked:
		ob.acct.Update(e.Seq, func(x *store.OutEntry) { x.State, x.Error = store.OutQueued, err.Error() })
		lt.laneBlocked(err)
		return err
	default:
		// No answer, or imsg cannot tell: it may have gone out.
		// Reconciled later, not resent.
		ob.acct.Update(e.Seq, func(x *store.OutEntry) {
			x.State, x.Error = store.OutUnknown, err.Error()
			x.Uncertain = x.Uncertain || attempt != ""
		})
		return err
	}
}

// withAttempt is a send's params for send.tracked.
func withAttempt(params map[string]any, attempt string) map[string]any {
	out := make(map[string]any, len(params)+1)
	for k, v := range params {
		out[k] = v
	}
	out["attempt_id"] = attempt
	return out
}

// isRefusal: imsg refused the send, so nothing was sent (imsg 0.9's
// -32603 ghost-row failure excepted: Messages may have written the row;
// on 0.14 only a refusal that is not a delivery disposition).
func isRefusal(err error) bool { return dispositionOf(err) == dispRefused }

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
		case store.OutQueued:
			// A send that did not start waits its backoff.
			if e.Error != "" && time.Since(e.Updated) < retryDelay(e.Attempts) {
				blocked[e.Target] = true
				continue
			}
		case store.OutInFlight, store.OutUnknown:
			if e.AttemptID != "" {
				done, err := ob.settleTracked(ctx, &e)
				switch {
				case err != nil:
					blocked[e.Target] = true
					continue
				case done:
					continue
				case time.Since(e.Updated) < ReconcileAfter:
					blocked[e.Target] = true
					continue
				case e.Attempts >= 3:
					ob.acct.Update(e.Seq, func(x *store.OutEntry) {
						x.State, x.Error = store.OutFailed, "not confirmed after 3 attempts under one attempt id; not sent again: "+x.Error
					})
					ob.lt.m.log.Error("imessage: reply given up: imsg never confirmed it (message.send_status) after 3 attempts", "target", e.Target, "seq", e.Seq, "attemptId", e.AttemptID)
					continue
				}
				// Still no row with its guid: the only resend imsg allows
				// reuses the attempt id, and imsg refuses it if the first
				// went out after all.
				ob.lt.m.log.Warn("imessage: a tracked send with no answer is not in chat.db: sending it again under the same attempt id", "target", e.Target, "seq", e.Seq, "attemptId", e.AttemptID)
				break
			}
			found, err := ob.lt.findSent(ctx, &e)
			switch {
			case errors.Is(err, errNoHistory):
				if time.Since(e.Updated) >= ReconcileAfter {
					ob.acct.Update(e.Seq, func(x *store.OutEntry) {
						x.State, x.Error = store.OutFailed, "outcome unknown and not checkable (no chat to read): not resent, to avoid a double reply: "+x.Error
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

// settleTracked looks up a tracked send whose outcome is unknown: by its
// guid with message.send_status (sent, delivered and failed are final; a
// row that exists went to Messages), else in the chat's history. done: the
// entry is final now.
func (ob *outbox) settleTracked(ctx context.Context, e *store.OutEntry) (done bool, err error) {
	lt := ob.lt
	if !lt.later.caps.sendStatus {
		found, err := lt.findSent(ctx, e)
		if errors.Is(err, errNoHistory) {
			return false, nil
		}
		return found, err
	}
	state, found, err := lt.sendStatus(ctx, e.AttemptID)
	if err != nil {
		return false, err
	}
	switch {
	case state == "failed":
		ob.acct.Update(e.Seq, func(x *store.OutEntry) {
			x.State, x.GUID, x.Error = store.OutFailed, x.AttemptID, "imsg reports the send failed (message.send_status)"
		})
		lt.m.log.Error("imessage: a send with no answer failed in Messages (message.send_status: failed); not resent", "target", e.Target, "seq", e.Seq, "attemptId", e.AttemptID)
		return true, nil
	case found || state == "sent" || state == "delivered":
		ob.acct.Update(e.Seq, func(x *store.OutEntry) {
			x.State, x.GUID, x.Error = store.OutSent, x.AttemptID, ""
			if x.MessageID == "" {
				x.MessageID = x.AttemptID
			}
		})
		lt.rememberSent(e.Target, e.Echo, e.AttemptID, 0, e.AttemptID)
		lt.m.log.Info("imessage: a send with no answer did go out (message.send_status: "+state+")", "target", e.Target, "seq", e.Seq, "attemptId", e.AttemptID)
		return true, nil
	}
	return false, nil
}

// errNoHistory: no chat is known to look the send up in.
var errNoHistory = errors.New("no chat to read the history of")

// findSent looks for an unknown send among our sent rows after it was
// made, in the inbound row's chat and in every chat the target names (a
// handle's DM may be another chat than the one the message came from:
// SMS and iMessage): the guid imsg returned or the attempt id, or the
// same text from us.
func (lt *lifetime) findSent(ctx context.Context, e *store.OutEntry) (bool, error) {
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	chats, err := lt.sentChats(cctx, e)
	if err != nil {
		return false, err
	}
	if len(chats) == 0 {
		return false, errNoHistory
	}
	text, _ := e.Params["text"].(string)
	for _, chatID := range chats {
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
		for _, h := range hist.Messages {
			if !h.IsFromMe {
				continue
			}
			byGUID := h.GUID != "" && ((e.GUID != "" && h.GUID == e.GUID) || (e.AttemptID != "" && strings.EqualFold(h.GUID, e.AttemptID)))
			if !byGUID {
				if text == "" || strings.TrimSpace(h.Text) != strings.TrimSpace(text) {
					continue
				}
				if t, err := time.Parse(time.RFC3339Nano, h.Created); err == nil && t.Before(e.Created.Add(-time.Minute)) {
					continue // an older row with the same text
				}
			}
			lt.ob.acct.Update(e.Seq, func(x *store.OutEntry) { x.State, x.GUID = store.OutSent, h.GUID })
			return true, nil
		}
	}
	return false, nil
}

// sentChatsLimit is how many recently active chats are searched for the
// one a handle or chat guid names.
const sentChatsLimit = 100

// sentChats are the chat ids where an entry's send can show: the inbound
// row's chat, a chat_id target, and the chats whose identifier is the
// handle (or whose guid or identifier the target names).
func (lt *lifetime) sentChats(ctx context.Context, e *store.OutEntry) ([]string, error) {
	var ids []string
	add := func(id string) {
		if id != "" && id != "0" && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	add(e.ChatID)
	switch v := e.Params["chat_id"].(type) {
	case json.Number:
		add(v.String())
	case float64:
		add(strconv.FormatInt(int64(v), 10))
	case string:
		add(v)
	}
	to, _ := e.Params["to"].(string)
	guid, _ := e.Params["chat_guid"].(string)
	ident, _ := e.Params["chat_identifier"].(string)
	if to == "" && guid == "" && ident == "" {
		return ids, nil
	}
	var chats struct {
		Chats []struct {
			ID         json.Number `json:"id"`
			Identifier string      `json:"identifier"`
			GUID       string      `json:"guid"`
		} `json:"chats"`
	}
	if err := lt.client.Call(ctx, "chats.list", map[string]any{"limit": sentChatsLimit}, &chats); err != nil {
		return nil, err
	}
	for _, c := range chats.Chats {
		if (to != "" && sameHandle(c.Identifier, to)) || (guid != "" && c.GUID == guid) || (ident != "" && c.Identifier == ident) {
			add(c.ID.String())
		}
	}
	return ids, nil
}

// sameHandle compares a chat identifier with a send's handle, ignoring
// case and the punctuation people write phone numbers with.
func sameHandle(a, b string) bool {
	norm := func(s string) string {
		return strings.Map(func(r rune) rune {
			switch r {
			case ' ', '-', '(', ')', '.', '\t':
				return -1
			}
			return r
		}, strings.ToLower(strings.TrimSpace(s)))
	}
	na, nb := norm(a), norm(b)
	return na != "" && na == nb
}

// callSend is one send request (send or send.tracked).
func (lt *lifetime) callSend(ctx context.Context, method string, params map[string]any) (sendResult, error) {
	var res sendResult
	if lt.client == nil {
		return nil, errNoClient
	}
	if err := lt.client.Call(ctx, method, params, &res); err != nil {
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
