package monitor

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/openclawcfg/openclawcfg/runtime/imsg"
	"github.com/openclawcfg/openclawcfg/runtime/store"
)

// What the runtime uses of imsg 0.14+ (../shared/spec/imsg-rpc-later.md)
// when the running imsg advertises it, with the store only (OpenClaw
// 2026.3.24 knows none of it): catch-up with messages.after before every
// subscribe and after a watch.overflow, a reconciliation sweep that reads
// forward from the cursor in every chat, and tracked sends (send.tracked
// with an attempt id of our own, reconciled with message.send_status). An
// imsg that answers initialize with -32601 (0.9.0 to 0.13) gets the 0.9
// behaviour.

// caps are what the running imsg can do now (status.methods, §4.2).
type caps struct {
	version  string
	protocol int
	// messagesAfter: forward paging in rowid order (§5.1).
	messagesAfter bool
	// sendTracked and sendStatus: caller-owned guids and their lookup
	// (§5.5, §5.6); tracked sends need both.
	sendTracked, sendStatus bool
	// overflow: the watch takes buffer_limit and ends with watch.overflow
	// (§5.2, §5.3).
	overflow bool
}

// laterState is a lifetime's part of the 0.14 support.
type laterState struct {
	caps caps // set once by discover, before any goroutine reads it
	// resumeAfter is a watch.overflow's resume_after_rowid, taken by the
	// next subscribe's catch-up.
	resumeAfter atomic.Int64
	// overflowAt and overflowBefore are the times (unix ns) of the last
	// two overflows: watches that overflow back to back are replaced
	// with a pause, not in a busy loop.
	overflowAt, overflowBefore atomic.Int64
	// restart carries the failure that ends the lifetime when imsg's
	// mutation lane is blocked (-32004): only a new child sends again.
	restart     chan *Failure
	restartOnce sync.Once
}

// watchBufferLimit is the watch's buffer on 0.14+ (imsg's default is
// 256): a burst while the runtime is busy should not end the watch.
const watchBufferLimit = 1024

// discover asks imsg what it supports, once per lifetime (initialize,
// §4.1, §9.1). -32601, or any other failure, means 0.9 behaviour.
func (lt *lifetime) discover(ctx context.Context) {
	lt.later.restart = make(chan *Failure, 1)
	cctx, cancel := context.WithTimeout(ctx, lt.timeout)
	defer cancel()
	var res struct {
		Version    string   `json:"version"`
		Protocol   int      `json:"protocol_version"`
		Methods    []string `json:"methods"`
		RPCMethods []string `json:"rpc_methods"`
	}
	err := lt.client.Call(cctx, "initialize", map[string]any{"protocol_version": 1}, &res)
	if err != nil {
		var re *imsg.RPCError
		if errors.As(err, &re) {
			// -32601 from 0.9 to 0.13; a 0.8.2-0.13 imsg without Full
			// Disk Access answers every method with -32603, which the
			// subscribe reports.
			lt.m.log.Debug("imessage: imsg has no initialize (before 0.14): catch-up through the watch, plain sends reconciled by history", "err", err.Error())
		} else if ctx.Err() == nil {
			lt.m.log.Warn("imessage: imsg did not say what it supports; using imsg 0.9's methods only", "err", err.Error())
		}
		return
	}
	methods := res.Methods
	if methods == nil {
		methods = res.RPCMethods
	}
	has := func(m string) bool { return slices.Contains(methods, m) }
	c := caps{
		version: res.Version, protocol: res.Protocol, messagesAfter: has("messages.after"),
		sendTracked: has("send.tracked"), sendStatus: has("message.send_status"), overflow: res.Protocol >= 1,
	}
	lt.later.caps = c
	lt.m.log.Info("imessage: imsg "+res.Version+" (protocol "+strconv.Itoa(res.Protocol)+")",
		"messagesAfter", c.messagesAfter, "sendTracked", c.sendTracked && c.sendStatus, "sendStatus", c.sendStatus)
}

// laterSubscribe prepares a watch.subscribe on 0.14+: it asks for a
// larger buffer and, with messages.after, first catches up from the cursor
// (or an overflow's resume point) in rowid order, feeding every page
// through the watch's intake, then subscribes from the last next_rowid so
// the watch replays what was written meanwhile (§9.1). The cursor itself
// still moves only over finished rows: a crash during the catch-up loses
// nothing, the next lifetime reads the same pages again.
func (lt *lifetime) laterSubscribe(ctx context.Context, params map[string]any) {
	c := lt.later.caps
	if c.overflow {
		params["buffer_limit"] = watchBufferLimit
	}
	if !c.messagesAfter || lt.du == nil {
		return
	}
	resume := lt.later.resumeAfter.Swap(0)
	if resume > 0 && lt.later.overflowAt.Load()-lt.later.overflowBefore.Load() < int64(time.Second) {
		select {
		case <-ctx.Done():
		case <-time.After(overflowPause):
		}
	}
	from := max(lt.cursor, resume)
	if from <= 0 {
		// No cursor (an empty chat.db at the first run): the tail, as
		// before; from 0 messages.after would replay all of history.
		return
	}
	since, n, err := lt.catchUp(ctx, from)
	if err != nil && ctx.Err() == nil {
		lt.m.log.Warn("imessage: catch-up with messages.after stopped; the watch replays the rest", "from", since, "err", err.Error())
	}
	if n > 0 {
		lt.m.log.Info("imessage: caught up with messages.after", "from", from, "to", since, "rows", n)
	}
	params["since_rowid"] = since
}

// Catch-up pages: catchUpPage rows a request, and no more than
// catchUpHighWater rows waiting in the inbox (beyond that the watch's
// replay brings the rest, so the inbox's bound never drops a row).
const (
	catchUpPage      = 200
	catchUpHighWater = 20_000
)

type afterPage struct {
	Messages  []json.RawMessage `json:"messages"`
	NextRowID int64             `json:"next_rowid"`
	HasMore   bool              `json:"has_more"`
}

// messagesAfter reads one page forward from since (exclusive).
func (lt *lifetime) messagesAfter(ctx context.Context, since int64, limit int) (afterPage, error) {
	var p afterPage
	cctx, cancel := context.WithTimeout(ctx, lt.timeout)
	defer cancel()
	err := lt.client.Call(cctx, "messages.after", map[string]any{
		"since_rowid": since, "limit": limit, "attachments": lt.m.acct.Attachments.Include.Value,
	}, &p)
	return p, err
}

// catchUp pages messages.after from since and hands every row in as a
// watch notification. It returns the last next_rowid reached (since when
// nothing was read) and how many rows it handed in.
func (lt *lifetime) catchUp(ctx context.Context, since int64) (int64, int, error) {
	n := 0
	for {
		if lt.inbox.size() >= catchUpHighWater {
			return since, n, nil
		}
		p, err := lt.messagesAfter(ctx, since, catchUpPage)
		if err != nil {
			return since, n, err
		}
		for _, raw := range p.Messages {
			b, _ := json.Marshal(map[string]json.RawMessage{"message": raw})
			lt.inbox.push(b)
		}
		n += len(p.Messages)
		// next_rowid is the physical scan cursor (it may pass rows not
		// returned); one that does not move ends the loop.
		if p.NextRowID <= since {
			return since, n, nil
		}
		since = p.NextRowID
		if !p.HasMore {
			return since, n, nil
		}
	}
}

func (q *queue) size() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}

// noteOverflow keeps a watch.overflow's resume point for the catch-up
// that precedes the new subscription (§5.3: replay is possible from it,
// skipping is not).
func (lt *lifetime) noteOverflow(params json.RawMessage) {
	var p struct {
		Resume int64 `json:"resume_after_rowid"`
	}
	if json.Unmarshal(params, &p) == nil && p.Resume > 0 {
		lt.later.resumeAfter.Store(p.Resume)
	}
	lt.later.overflowBefore.Store(lt.later.overflowAt.Swap(time.Now().UnixNano()))
}

// overflowPause is the wait before replacing a watch that overflowed
// within a second of the one before.
const overflowPause = 250 * time.Millisecond

// Sweep bounds with messages.after: sweepPages pages of sweepPage rows
// from the cursor.
const (
	sweepPage  = 500
	sweepPages = 4
)

// sweepRows is what one reconciliation pass reads: with messages.after
// every row above the cursor in any chat, in rowid order; otherwise the
// recent rows of the most active chats (0.9). complete is false when rows
// were left unread, so the pass cannot vouch for the watch's health.
func (lt *lifetime) sweepRows() (rows []histRow, newest int64, complete bool, err error) {
	if !lt.later.caps.messagesAfter {
		rows, newest, err = lt.recentRows()
		return rows, newest, true, err
	}
	cursor, err := lt.du.acct.Cursor()
	if err != nil {
		return nil, 0, false, err
	}
	if cursor <= 0 {
		rows, newest, err = lt.recentRows()
		return rows, newest, true, err
	}
	since := cursor
	for range sweepPages {
		p, err := lt.messagesAfter(lt.ctx, since, sweepPage)
		if err != nil {
			return nil, 0, false, err
		}
		for _, raw := range p.Messages {
			var id struct {
				ID int64 `json:"id"`
			}
			if json.Unmarshal(raw, &id) != nil || id.ID <= 0 {
				continue
			}
			newest = max(newest, id.ID)
			rows = append(rows, histRow{id: id.ID, raw: raw})
		}
		if !p.HasMore || p.NextRowID <= since {
			return rows, newest, true, nil
		}
		since = p.NextRowID
	}
	return rows, newest, false, nil
}

// --- tracked sends ---

// outboxNamespace is the UUIDv5 namespace of outbox attempt ids (itself
// the UUIDv5 of a URL in the URL namespace).
var outboxNamespace = uuid5(uuidNamespaceURL, "https://github.com/openclawcfg/openclawcfg#outbox")

var uuidNamespaceURL = [16]byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}

// attemptID is an outbox entry's send.tracked attempt_id: a lower-case
// UUIDv5 of the account, the entry's sequence number and its creation
// time (the time keeps ids unique when a state dir is started afresh and
// the sequence begins again; imsg refuses an id a row already has).
func attemptID(account string, seq int64, created time.Time) string {
	u := uuid5(outboxNamespace, account+"\x00"+strconv.FormatInt(seq, 10)+"\x00"+strconv.FormatInt(created.UnixNano(), 10))
	return formatUUID(u)
}

// uuid5 is RFC 9562's name-based UUID with SHA-1.
func uuid5(ns [16]byte, name string) [16]byte {
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return u
}

func formatUUID(u [16]byte) string {
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:], u[10:])
	return string(b[:])
}

// trackable: send.tracked sends exactly one text message through the
// bridge (§5.5), and only with message.send_status can its outcome be
// checked.
func (lt *lifetime) trackable(e *store.OutEntry) bool {
	c := lt.later.caps
	if !c.sendTracked || !c.sendStatus {
		return false
	}
	if f, _ := e.Params["file"].(string); f != "" {
		return false
	}
	t, _ := e.Params["text"].(string)
	return t != ""
}

// disposition is what a failed send means for the outbox (§6, §9.1).
type disposition int

const (
	// dispUnknown: it may have gone out (-32001, a timeout, imsg gone):
	// reconcile, never resend blindly.
	dispUnknown disposition = iota
	// dispRefused: imsg refused it before sending, for good.
	dispRefused
	// dispRetry: it provably did not start (not_started, -32002, -32003,
	// -32000): send again later, under the same attempt id.
	dispRetry
	// dispBlocked: -32004, an earlier send is still in flight: not sent;
	// imsg must be restarted before anything else is sent.
	dispBlocked
	// dispExists: not_started because the attempt id already names a
	// message: the send was made; confirm it.
	dispExists
)

// givenUp is a send the outbox stopped retrying: a refusal.
type givenUp struct{ err error }

func (g *givenUp) Error() string { return g.err.Error() }
func (g *givenUp) Unwrap() error { return g.err }

func dispositionOf(err error) disposition {
	var g *givenUp
	if errors.As(err, &g) {
		return dispRefused
	}
	var re *imsg.RPCError
	if !errors.As(err, &re) {
		return dispUnknown
	}
	var data struct {
		Disposition string `json:"disposition"`
		Detail      string `json:"detail"`
	}
	object := len(re.Data) > 0 && re.Data[0] == '{' && json.Unmarshal(re.Data, &data) == nil
	switch re.Code {
	case -32001:
		if !object {
			// The read-only fork's "refused" (-32001 with the method name
			// as a string, §11.5): nothing was sent.
			return dispRefused
		}
		return dispUnknown
	case -32004:
		return dispBlocked
	case -32000, -32002, -32003:
		return dispRetry
	}
	switch data.Disposition {
	case "not_started":
		if strings.Contains(data.Detail, "already identifies a message") {
			return dispExists
		}
		return dispRetry
	case "may_have_completed", "still_in_flight":
		return dispUnknown
	}
	// imsg 0.9's ghost row (-32603): Messages may have written the row.
	if strings.Contains(string(re.Data), "unjoined empty outgoing row") {
		return dispUnknown
	}
	return dispRefused
}

// fallsBack: send.tracked refused the request as such (-32602: not a
// bridge chat, or a parameter it does not take; -32601): nothing was sent
// and a plain send may try instead.
func fallsBack(err error) bool {
	var re *imsg.RPCError
	return errors.As(err, &re) && (re.Code == -32602 || re.Code == -32601)
}

// SendRetryBase is the wait before a send that provably did not start is
// tried again; it doubles per attempt, up to a minute.
var SendRetryBase = 2 * time.Second

// sendRetries bounds the attempts of a send that keeps not starting.
const sendRetries = 6

func retryDelay(attempts int) time.Duration {
	return min(SendRetryBase<<min(max(attempts-1, 0), 10), time.Minute)
}

// sendStatus asks imsg for a guid's send state (§5.6). found is false
// when no row has the guid (imsg answers "pending" with no status fields,
// so a missing row looks like a pending one: still ambiguous).
func (lt *lifetime) sendStatus(ctx context.Context, guid string) (state string, found bool, err error) {
	cctx, cancel := context.WithTimeout(ctx, lt.timeout)
	defer cancel()
	var res struct {
		State  string          `json:"send_state"`
		Fields json.RawMessage `json:"status_fields"`
	}
	if err := lt.client.Call(cctx, "message.send_status", map[string]any{"guid": guid}, &res); err != nil {
		return "", false, err
	}
	return res.State, len(res.Fields) > 0 && string(res.Fields) != "null", nil
}

// laneBlocked ends the lifetime after imsg answered -32004: every send
// through this child fails until it is restarted (§6.3). Sends that may
// be in flight are checked first (message.send_status), so the next child
// resends nothing that went out.
func (lt *lifetime) laneBlocked(err error) {
	lt.later.restartOnce.Do(func() {
		lt.m.log.Warn("imessage: imsg blocks every send until it is restarted (-32004: an earlier send is still in flight); checking that send, then restarting imsg", "err", err.Error())
		go func() {
			lt.ob.mu.Lock()
			lt.ob.resolveTracked(lt.ctx)
			lt.ob.mu.Unlock()
			f := &Failure{Class: ClassHung, Message: "imsg's send lane is blocked by a send still in flight (-32004 Mutation lane blocked); imsg is restarted, as it asks"}
			select {
			case lt.later.restart <- f:
			default:
			}
		}()
	})
}

// resolveTracked settles tracked sends whose outcome is unknown with one
// message.send_status each; the rest wait for the pump.
func (ob *outbox) resolveTracked(ctx context.Context) {
	pending, err := ob.acct.Pending()
	if err != nil {
		return
	}
	for i := range pending {
		e := pending[i]
		if e.AttemptID == "" || (e.State != store.OutUnknown && e.State != store.OutInFlight) {
			continue
		}
		ob.settleTracked(ctx, &e)
	}
}
