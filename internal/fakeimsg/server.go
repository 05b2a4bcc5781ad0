package fakeimsg

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// ExitCrash is what Run returns when a crash fault fired: the caller must die
// at once without writing anything (imsg-fake kills itself with SIGKILL).
const ExitCrash = -1

// Config is one server's setup; see Main for how the CLI fills it from flags
// and the environment.
type Config struct {
	DBPath    string        // the database file (--db)
	SendsPath string        // where every send is recorded (JSONL); "" for none
	Version   string        // emulated imsg version; "" means 0.9.0
	Faults    []Fault       // start-up switches (IMSG_FAKE_FAULTS)
	Poll      time.Duration // how often the watch polls the file
	Home      string        // "~" in attachment paths expands to this
	Self      string        // the local account address (destination_caller_id of sent rows)
	Bridge    string        // 0.14+: "" none, "ready", "no-reservation"
	GUIDs     string        // "" random message guids, "rowid" derived from the rowid (deterministic)
	Debug     io.Writer     // diagnostics; nil keeps stderr silent like imsg
	PID       int           // this process, for fault records that name one
	Now       func() time.Time
}

// Server is one `imsg rpc` process.
type Server struct {
	cfg     Config
	ver     version
	later   bool // the 0.14+ surface (imsg-rpc-later.md)
	tracked bool // send.tracked exists (0.14.2+)

	out *outQueue
	app *Appender

	mu          sync.Mutex
	cur         *db    // what new requests read; nil when unavailable (0.14+)
	startupData string // 0.8.2–0.13 start-up error mode: the -32603 data of every answer
	subs        []*subscription
	nextSub     int64
	faults      faultSet
	sends       int // sends begun
	requests    int // requests read
	poison      obj // 0.14+: the still_in_flight failure that blocks the mutation lane

	stopCh   chan struct{} // closed on crash or hang: everything stops
	stopOnce sync.Once
	crashed  atomic.Bool
	hung     atomic.Bool

	mut *mutationLane // 0.14+
}

// NewServer prepares a server; Run starts it.
func NewServer(cfg Config, stdout io.Writer) *Server {
	if cfg.Poll <= 0 {
		cfg.Poll = 250 * time.Millisecond
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Version == "" {
		cfg.Version = DefaultVersion
	}
	if cfg.Self == "" {
		cfg.Self = "me@icloud.example"
	}
	v := parseVersion(cfg.Version)
	s := &Server{
		cfg:     cfg,
		ver:     v,
		later:   !v.less(version{0, 14, 0}),
		tracked: !v.less(version{0, 14, 2}),
		out:     newOutQueue(stdout),
		app:     NewAppender(cfg.DBPath),
		nextSub: 1,
		stopCh:  make(chan struct{}),
	}
	s.faults.env = cfg.Faults
	return s
}

func (s *Server) debugf(format string, args ...any) {
	if s.cfg.Debug != nil {
		fmt.Fprintf(s.cfg.Debug, "imsg-fake[%d]: "+format+"\n", append([]any{s.cfg.PID}, args...)...)
	}
}

// Run serves requests from in until EOF and returns the exit status: 0, 1
// (start-up error mode at EOF, or the legacy banner) or ExitCrash.
func (s *Server) Run(ctx context.Context, in io.Reader) int {
	defer s.app.Close()
	if code, done := s.startup(); done {
		s.out.close()
		return code
	}
	defer func() {
		s.mu.Lock()
		if s.cur != nil {
			s.cur.close()
		}
		for _, sub := range s.subs {
			if sub.store != nil && sub.store != s.cur {
				sub.store.close()
			}
		}
		s.mu.Unlock()
	}()
	s.startTimers()
	go s.pollLoop()
	if s.later {
		s.mut = newMutationLane(s)
	}

	lines := make(chan []byte)
	readErr := make(chan error, 1)
	go func() {
		r := bufio.NewReaderSize(in, 64*1024)
		for {
			line, err := r.ReadBytes('\n')
			if len(line) > 0 {
				select {
				case lines <- line:
				case <-s.stopCh:
					return
				}
			}
			if err != nil {
				readErr <- err
				return
			}
		}
	}()

	for {
		select {
		case <-ctx.Done():
			s.stop()
			s.out.kill()
			return 0
		case <-s.stopCh:
			return s.afterStop(ctx)
		case line := <-lines:
			s.handleRaw(line)
		case <-readErr:
			// Lines already read were all handled (the reader blocks until
			// each is taken), so this is EOF after the last request.
			if s.hung.Load() {
				return s.afterStop(ctx)
			}
			return s.eof()
		}
	}
}

// afterStop waits out a hang (alive, silent, until killed) or reports a crash.
func (s *Server) afterStop(ctx context.Context) int {
	if s.crashed.Load() {
		return ExitCrash
	}
	<-ctx.Done()
	return 0
}

// eof ends the process as imsg does at stdin EOF (imsg-rpc.md §1.7;
// imsg-rpc-later.md §2.4): subscriptions are cancelled, 0.14+ first finishes
// every accepted mutation, output is flushed.
func (s *Server) eof() int {
	s.mu.Lock()
	for _, sub := range s.subs {
		sub.cancelled = true
	}
	s.mu.Unlock()
	if s.mut != nil {
		s.mut.drain()
	}
	if s.crashed.Load() {
		return ExitCrash
	}
	s.stop()
	s.out.close()
	if s.startupData != "" {
		return 1
	}
	return 0
}

func (s *Server) stop() { s.stopOnce.Do(func() { close(s.stopCh) }) }

// crash makes the process die without another byte of output. Lines already
// queued were, for imsg, already written (its writes are synchronous), so
// they go out first unless the reader is stalled.
func (s *Server) crash(why string) {
	s.debugf("crash: %s", why)
	s.crashed.Store(true)
	s.out.flush(time.Second)
	s.out.kill()
	s.stop()
}

// hang makes the process stop answering while staying alive.
func (s *Server) hang(why string) {
	s.debugf("hang: %s", why)
	s.hung.Store(true)
	s.out.freeze()
	s.stop()
}

func (s *Server) stopped() bool {
	select {
	case <-s.stopCh:
		return true
	default:
		return false
	}
}

// sleep waits d unless the server stops first.
func (s *Server) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.stopCh:
		return false
	}
}

func (s *Server) startTimers() {
	if f, ok := s.faults.find("crash-after-ms"); ok {
		d := time.Duration(f.argInt(0)) * time.Millisecond
		go func() {
			if s.sleep(d) {
				s.crash("crash-after-ms")
			}
		}()
	}
}

// startup opens the database. Before 0.14 a failure is a start-up error
// (§1.9); 0.14+ opens lazily per request.
func (s *Server) startup() (code int, done bool) {
	legacy := s.faults.has("legacy-banner")
	if s.later && !legacy {
		s.mu.Lock()
		s.openCurrentLocked()
		s.mu.Unlock()
		return 0, false
	}
	var err error
	if s.faults.has("fda") || legacy {
		err = errors.New("authorization denied (code: 23)")
	} else {
		var d *db
		d, err = openDB(s.cfg.DBPath)
		if err == nil {
			s.mu.Lock()
			s.cur = d
			s.applyPersistentFaults(d)
			legacy = s.faults.has("legacy-banner")
			fda := s.faults.has("fda") || legacy
			s.mu.Unlock()
			if !fda {
				return 0, false
			}
			d.close()
			s.cur = nil
			err = errors.New("authorization denied (code: 23)")
		} else {
			err = sqliteOpenError(err)
		}
	}
	text := permissionText(s.cfg.DBPath, err)
	if legacy || s.ver.less(version{0, 8, 2}) {
		// Before 0.8.2 the text went to stdout as plain text and the
		// process exited at once (imsg-rpc.md §1.9).
		s.out.writeRaw([]byte("Error: " + text + "\n"))
		return 1, true
	}
	s.startupData = text
	return 0, false
}

// sqliteOpenError is what SQLite says when the file cannot be opened
// read-only: a missing file and a denied one read the same.
func sqliteOpenError(err error) error {
	if errors.Is(err, os.ErrPermission) {
		return errors.New("authorization denied (code: 23)")
	}
	return errors.New("unable to open database file (code: 14)")
}

// permissionText is IMsgError.permissionDenied's description
// (Sources/IMsgCore/Errors.swift, steipete/imsg 38fa96a).
func permissionText(path string, underlying error) string {
	return underlying.Error() + `

⚠️  Permission Error: Cannot access Messages database

The Messages database at ` + path + ` requires Full Disk Access permission.

To fix:
1. Open System Settings → Privacy & Security → Full Disk Access
2. Add your terminal application (Terminal.app, iTerm, etc.)
3. Restart your terminal
4. Try again

Note: This is required because macOS protects the Messages database.
For more details, see: https://github.com/steipete/imsg#permissions-troubleshooting`
}

// openCurrentLocked (0.14+) points new requests at the file now at the path:
// a replaced file is a new database generation; live subscriptions keep the
// one they started with (imsg-rpc-later.md §3).
func (s *Server) openCurrentLocked() *rpcErr {
	if s.faults.has("fda") {
		s.dropCurrentLocked()
		return dbUnavailable(s.cfg.DBPath, true)
	}
	if s.cur != nil {
		if s.cur.sameFile() {
			return nil
		}
		s.dropCurrentLocked()
	}
	d, err := openDB(s.cfg.DBPath)
	if err != nil {
		_, statErr := os.Stat(s.cfg.DBPath)
		return dbUnavailable(s.cfg.DBPath, statErr == nil)
	}
	s.cur = d
	s.applyPersistentFaults(d)
	return nil
}

func (s *Server) dropCurrentLocked() {
	if s.cur == nil {
		return
	}
	inUse := false
	for _, sub := range s.subs {
		if sub.store == s.cur && !sub.done() {
			inUse = true
		}
	}
	if !inUse {
		s.cur.close()
	}
	s.cur = nil
}

// applyPersistentFaults applies fault records marked persist that were in the
// file before this process opened it.
func (s *Server) applyPersistentFaults(d *db) {
	for _, f := range d.startFaults {
		if f.Persist {
			s.applyFaultLocked(f.Fault)
		}
	}
	d.startFaults = nil
}

// ---- output ----

// outQueue writes lines to stdout in order from its own goroutine, like
// imsg's serial StdoutWriter queue: handlers never block on a slow reader,
// and each line is one write.
type outQueue struct {
	mu     sync.Mutex
	cond   *sync.Cond
	items  []outItem
	closed bool
	dead   bool // crashed: nothing more is written
	frozen bool // hung: nothing new is accepted
	busy   bool
	w      io.Writer
	done   chan struct{}
}

type outItem struct {
	line []byte
	sub  *subscription // a message notification counts against its buffer
}

func newOutQueue(w io.Writer) *outQueue {
	q := &outQueue{w: w, done: make(chan struct{})}
	q.cond = sync.NewCond(&q.mu)
	go q.run()
	return q
}

func (q *outQueue) run() {
	defer close(q.done)
	q.mu.Lock()
	for {
		for len(q.items) == 0 && !q.closed && !q.dead {
			q.cond.Wait()
		}
		if q.dead || (q.closed && len(q.items) == 0) {
			q.mu.Unlock()
			return
		}
		it := q.items[0]
		q.items = q.items[1:]
		q.busy = true
		q.mu.Unlock()
		if _, err := q.w.Write(it.line); err != nil {
			q.mu.Lock()
			q.dead = true
			q.busy = false
			q.cond.Broadcast()
			q.mu.Unlock()
			return
		}
		if it.sub != nil {
			it.sub.pending.Add(-1)
		}
		q.mu.Lock()
		q.busy = false
		q.cond.Broadcast()
	}
}

func (q *outQueue) push(v any, sub *subscription) {
	line := append(encodeLine(v), '\n')
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.dead || q.frozen || q.closed {
		return
	}
	if sub != nil {
		sub.pending.Add(1)
	}
	q.items = append(q.items, outItem{line: line, sub: sub})
	q.cond.Broadcast()
}

func (q *outQueue) writeRaw(b []byte) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.dead && !q.closed {
		q.items = append(q.items, outItem{line: b})
		q.cond.Broadcast()
	}
}

// close flushes what is queued and stops.
func (q *outQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.cond.Broadcast()
	q.mu.Unlock()
	<-q.done
}

// flush waits until every queued line is written, at most d.
func (q *outQueue) flush(d time.Duration) {
	deadline := time.Now().Add(d)
	t := time.AfterFunc(d, func() {
		q.mu.Lock()
		q.cond.Broadcast()
		q.mu.Unlock()
	})
	defer t.Stop()
	q.mu.Lock()
	defer q.mu.Unlock()
	for (len(q.items) > 0 || q.busy) && !q.dead && time.Now().Before(deadline) {
		q.cond.Wait()
	}
}

// kill drops what is queued: a crashed process writes nothing more.
func (q *outQueue) kill() {
	q.mu.Lock()
	q.dead = true
	q.items = nil
	q.cond.Broadcast()
	q.mu.Unlock()
}

func (q *outQueue) freeze() {
	q.mu.Lock()
	q.frozen = true
	q.mu.Unlock()
}

// ---- requests and responses ----

type request struct {
	id     any
	hasID  bool
	method string
	params map[string]any
	raw    any // params as sent, for the sends log
}

type rpcErr struct {
	code int
	msg  string
	data any // a string, or an obj for 0.14+ structured errors
}

func invalidParams(data string) *rpcErr { return &rpcErr{-32602, "Invalid params", data} }
func internalError(data string) *rpcErr { return &rpcErr{-32603, "Internal error", data} }

func dbUnavailable(path string, exists bool) *rpcErr {
	return &rpcErr{-32002, "Database unavailable", obj{
		{"path", path}, {"detail", dbDetail(exists)}, {"retryable", true},
	}}
}

// dbDetail is RPCDatabaseResourceOwner.actionableError (openclaw/imsg
// Sources/imsg/RPCDatabaseResources.swift 3b9b579).
func dbDetail(exists bool) string {
	if !exists {
		return "The configured Messages database does not exist. Create or copy chat.db at this path, then retry."
	}
	return "The configured Messages database could not be opened read-only. Verify the path and grant Full Disk Access to the supervising process, then retry."
}

func (e *rpcErr) object() obj {
	o := obj{{"code", e.code}, {"message", e.msg}}
	if e.data != nil {
		o = append(o, field{"data", e.data})
	}
	return o
}

// respond writes a result. 0.9 drops it for an id-less request; so does 0.14+.
func (s *Server) respond(req *request, result obj) {
	if !req.hasID {
		return
	}
	s.out.push(obj{{"jsonrpc", "2.0"}, {"id", req.id}, {"result", result}}, nil)
}

// fail writes an error: 0.9 writes it even for an id-less request (id null);
// 0.14+ writes nothing for a notification.
func (s *Server) fail(req *request, e *rpcErr) {
	if !req.hasID && s.later {
		return
	}
	s.writeError(req.id, e)
}

func (s *Server) writeError(id any, e *rpcErr) {
	s.out.push(obj{{"jsonrpc", "2.0"}, {"id", id}, {"error", e.object()}}, nil)
}

func (s *Server) notify(method string, params obj, sub *subscription) {
	s.out.push(obj{{"jsonrpc", "2.0"}, {"method", method}, {"params", params}}, sub)
}

// foundationParseError is NSError.localizedDescription for any
// JSONSerialization failure (the detail sits in userInfo, which imsg drops).
const foundationParseError = "The data couldn’t be read because it isn’t in the correct format."

// handleRaw takes one stdin line through imsg's framing: trimmed, blank lines
// skipped, invalid UTF-8 repaired (Swift's readLine decodes with
// replacement, so imsg's "invalid utf8" error cannot happen).
func (s *Server) handleRaw(raw []byte) {
	if s.hung.Load() {
		return
	}
	line := strings.TrimFunc(repairUTF8(raw), isSwiftSpace)
	if line == "" {
		return
	}
	s.mu.Lock()
	s.requests++
	n := s.requests
	crashAt, crashOK := s.faults.find("crash-after-requests")
	hangAt, hangOK := s.faults.find("hang-after-requests")
	s.mu.Unlock()
	if crashOK && int64(n) > crashAt.argInt(0) {
		s.crash("crash-after-requests")
		return
	}
	if hangOK && int64(n) > hangAt.argInt(0) {
		s.hang("hang-after-requests")
		return
	}
	s.debugf("< %s", line)
	req, perr := s.parse(line)
	if perr != nil {
		if perr.respond {
			s.writeError(perr.id, perr.err)
		}
		return
	}
	s.dispatch(req)
}

func repairUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var sb strings.Builder
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			sb.WriteString("\uFFFD")
		} else {
			sb.Write(b[:n])
		}
		b = b[n:]
	}
	return sb.String()
}

type parseFailure struct {
	id      any
	err     *rpcErr
	respond bool
}

// parse is RPCServer.handleLine's framing (0.9.0) or RPCRequestParser (0.14+).
func (s *Server) parse(line string) (*request, *parseFailure) {
	var v any
	d := json.NewDecoder(strings.NewReader(line))
	d.UseNumber()
	if err := d.Decode(&v); err != nil || d.More() || trailingGarbage(d) {
		return nil, &parseFailure{nil, &rpcErr{-32700, "Parse error", foundationParseError}, true}
	}
	m, ok := v.(map[string]any)
	if !ok {
		if _, isArr := v.([]any); !isArr {
			// Without .fragmentsAllowed a scalar top level does not parse.
			return nil, &parseFailure{nil, &rpcErr{-32700, "Parse error", foundationParseError}, true}
		}
		return nil, &parseFailure{nil, &rpcErr{-32600, "Invalid Request", "request must be an object"}, true}
	}
	id, hasID := m["id"]
	if !s.later {
		if js, isStr := m["jsonrpc"].(string); isStr && js != "2.0" {
			return nil, &parseFailure{id, &rpcErr{-32600, "Invalid Request", "jsonrpc must be 2.0"}, true}
		}
		method, _ := m["method"].(string)
		if method == "" {
			return nil, &parseFailure{id, &rpcErr{-32600, "Invalid Request", "method is required"}, true}
		}
		params, _ := m["params"].(map[string]any)
		if params == nil {
			params = map[string]any{}
		}
		return &request{id: id, hasID: hasID, method: method, params: params, raw: m["params"]}, nil
	}
	if hasID {
		switch id.(type) {
		case nil, string, json.Number:
		default:
			return nil, &parseFailure{nil, &rpcErr{-32600, "Invalid Request", "id must be a string, number, or null"}, true}
		}
	}
	if js, _ := m["jsonrpc"].(string); js != "2.0" {
		return nil, &parseFailure{id, &rpcErr{-32600, "Invalid Request", "jsonrpc must be exactly 2.0"}, true}
	}
	method, _ := m["method"].(string)
	if method == "" {
		return nil, &parseFailure{id, &rpcErr{-32600, "Invalid Request", "method is required"}, true}
	}
	params := map[string]any{}
	if rp, present := m["params"]; present {
		p, ok := rp.(map[string]any)
		if !ok {
			return nil, &parseFailure{id, invalidParams("params must be an object when present"), hasID}
		}
		params = p
	}
	return &request{id: id, hasID: hasID, method: method, params: params, raw: m["params"]}, nil
}

func trailingGarbage(d *json.Decoder) bool {
	rest, _ := io.ReadAll(d.Buffered())
	return len(bytes.TrimSpace(rest)) > 0
}

// methods0_9 is what this fake serves for 0.9.x (imsg-rpc.md §2); the
// IMCore-bridge methods are left out, so they answer -32601.
var methods0_9 = []string{"chats.list", "messages.history", "watch.subscribe", "watch.unsubscribe", "send"}

func (s *Server) dispatch(req *request) {
	if s.startupData != "" {
		// Start-up error mode answers every parsed request, id-less ones
		// with id null (RPCStartupErrorServer.swift).
		s.writeError(req.id, internalError(s.startupData))
		return
	}
	if s.later {
		s.dispatchLater(req)
		return
	}
	switch req.method {
	case "chats.list":
		s.chatsList(req)
	case "messages.history":
		s.messagesHistory(req)
	case "watch.subscribe":
		s.watchSubscribe(req)
	case "watch.unsubscribe":
		s.watchUnsubscribe(req)
	case "send":
		s.send(req)
	default:
		s.fail(req, &rpcErr{-32601, "Method not found", req.method})
	}
}

// ---- reads ----

func (s *Server) chatsList(req *request) {
	limit := int64(20)
	if s.later {
		p, e := newRParams(req.params, "chats.list", "limit")
		if e == nil {
			var ok bool
			if limit, ok, e = p.int64("limit"); e == nil && ok && limit < 1 {
				e = invalidParams("limit must be a positive integer")
			} else if !ok {
				limit = 20
			}
		}
		if e != nil {
			s.fail(req, e)
			return
		}
	} else if n, ok := intParam(req.params["limit"]); ok {
		limit = max(n, 1)
	}
	s.mu.Lock()
	d, e := s.readDBLocked()
	if e != nil {
		s.mu.Unlock()
		s.fail(req, e)
		return
	}
	d.refresh()
	type entry struct {
		c    *Chat
		last time.Time
	}
	act := d.chatActivity()
	var list []entry
	for _, c := range d.sortedChats() {
		if t, ok := act[c.ID]; ok {
			list = append(list, entry{c, t})
		}
	}
	// Newest activity first; ties newest chat first.
	sort.SliceStable(list, func(i, j int) bool {
		if !list[i].last.Equal(list[j].last) {
			return list[i].last.After(list[j].last)
		}
		return list[i].c.ID > list[j].c.ID
	})
	if int64(len(list)) > limit {
		list = list[:limit]
	}
	chats := []obj{}
	for _, e := range list {
		chats = append(chats, chatPayload(e.c, isoMillis(e.last), s.later))
	}
	s.mu.Unlock()
	s.respond(req, obj{{"chats", chats}})
}

// readDBLocked is the database a read uses: 0.9 keeps the one it opened;
// 0.14+ re-checks the path on every request.
func (s *Server) readDBLocked() (*db, *rpcErr) {
	if s.later {
		if e := s.openCurrentLocked(); e != nil {
			return nil, e
		}
	}
	return s.cur, nil
}

func (s *Server) payloadOpts(attachments, reactions bool) payloadOpts {
	o := payloadOpts{attachments: attachments, reactions: reactions, home: s.cfg.Home}
	switch {
	case s.faults.has("missing-attachments"):
		o.missing = "all"
	case s.faults.has("remote-attachments"):
		o.missing = "none"
	}
	return o
}

type filter struct {
	participants []string
	start, end   *time.Time
}

func (f filter) allows(d *db, r *Row) bool {
	if f.start != nil && r.date.Before(*f.start) {
		return false
	}
	if f.end != nil && !r.date.Before(*f.end) {
		return false
	}
	if len(f.participants) > 0 {
		ok := false
		for _, p := range f.participants {
			if strings.EqualFold(p, senderOf(r)) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// parseISO accepts what imsg's ISO8601 parser does: Z or an offset, with or
// without fractional seconds.
func parseISO(v string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02T15:04:05.999999999Z07:00", "2006-01-02T15:04:05Z07:00"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// isoFilter builds a filter; a bad date is IMsgError.invalidISODate, which
// 0.9 maps to -32603 and 0.14+ to -32602.
func (s *Server) isoFilter(participants []string, start, end string, hasStart, hasEnd bool) (filter, *rpcErr) {
	f := filter{participants: participants}
	for _, x := range []struct {
		v   string
		has bool
		dst **time.Time
	}{{start, hasStart, &f.start}, {end, hasEnd, &f.end}} {
		if !x.has || x.v == "" {
			continue
		}
		t, ok := parseISO(x.v)
		if !ok {
			msg := "Invalid ISO8601 date: " + x.v
			if s.later {
				return f, invalidParams(msg)
			}
			return f, internalError(msg)
		}
		*x.dst = &t
	}
	return f, nil
}

func (s *Server) messagesHistory(req *request) {
	var (
		chatID       int64
		limit        int64 = 50
		participants []string
		attachments  bool
		f            filter
		e            *rpcErr
	)
	if s.later {
		var p *rparams
		if p, e = newRParams(req.params, "messages.history", "chat_id", "limit", "participants", "start", "end", "attachments", "convert_attachments"); e == nil {
			e = func() *rpcErr {
				id, ok, e := p.int64("chat_id")
				if e != nil {
					return e
				}
				if !ok {
					return invalidParams("chat_id is required")
				}
				if id <= 0 {
					return invalidParams("chat_id must be a positive integer")
				}
				chatID = id
				if n, ok, e := p.int64("limit"); e != nil {
					return e
				} else if ok {
					if n < 1 {
						return invalidParams("limit must be a positive integer")
					}
					limit = n
				}
				if participants, _, e = p.strings("participants"); e != nil {
					return e
				}
				start, hasStart, e := p.str("start")
				if e != nil {
					return e
				}
				end, hasEnd, e := p.str("end")
				if e != nil {
					return e
				}
				if attachments, _, e = p.boolean("attachments"); e != nil {
					return e
				}
				if _, _, e = p.boolean("convert_attachments"); e != nil {
					return e
				}
				f, e = s.isoFilter(participants, start, end, hasStart, hasEnd)
				return e
			}()
		}
	} else {
		id, ok := intParam(req.params["chat_id"])
		if !ok {
			e = invalidParams("chat_id is required")
		} else {
			chatID = id
			if n, ok := intParam(req.params["limit"]); ok {
				limit = max(n, 1)
			}
			participants = stringArrayParam(req.params["participants"])
			start, hasStart := stringParam(req.params["start"])
			end, hasEnd := stringParam(req.params["end"])
			attachments, _ = boolParam(req.params["attachments"])
			f, e = s.isoFilter(participants, start, end, hasStart, hasEnd)
		}
	}
	if e != nil {
		s.fail(req, e)
		return
	}
	s.mu.Lock()
	d, e := s.readDBLocked()
	if e != nil {
		s.mu.Unlock()
		s.fail(req, e)
		return
	}
	d.refresh()
	var rows []*Row
	for _, r := range d.rows {
		if r.ChatID == chatID && !r.IsReaction && f.allows(d, r) {
			rows = append(rows, r)
		}
	}
	// ORDER BY date DESC; the newest rowid first among equal dates.
	sort.SliceStable(rows, func(i, j int) bool {
		if !rows[i].date.Equal(rows[j].date) {
			return rows[i].date.After(rows[j].date)
		}
		return rows[i].ID > rows[j].ID
	})
	if int64(len(rows)) > limit {
		rows = rows[:limit]
	}
	opts := s.payloadOpts(attachments, true)
	msgs := []obj{}
	for _, r := range rows {
		msgs = append(msgs, d.messagePayload(r, opts))
	}
	s.mu.Unlock()
	s.respond(req, obj{{"messages", msgs}})
}

// ---- sends log ----

// recordSend appends one line per send request to the sends log, under the
// same advisory lock writers of the database use.
func (s *Server) recordSend(req *request, result obj, e *rpcErr, note string) {
	if s.cfg.SendsPath == "" {
		return
	}
	rec := obj{
		{"time", isoMillis(s.cfg.Now())},
		{"pid", s.cfg.PID},
		{"method", req.method},
		{"id", req.id},
		{"params", req.raw},
	}
	if e != nil {
		rec = append(rec, field{"error", e.object()})
	} else {
		rec = append(rec, field{"result", result})
	}
	if note != "" {
		rec = append(rec, field{"note", note})
	}
	line := append(appendJSONPlain(nil, rec), '\n')
	f, err := os.OpenFile(s.cfg.SendsPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		s.debugf("sends log: %v", err)
		return
	}
	defer f.Close()
	if lockFile(f) == nil {
		defer unlockFile(f)
	}
	f.Write(line)
}

// ---- versions ----

// DefaultVersion is the imsg release the fake emulates unless told otherwise.
const DefaultVersion = "0.9.0"

type version [3]int

func parseVersion(s string) version {
	var v version
	for i, p := range strings.SplitN(strings.TrimPrefix(strings.TrimSpace(s), "v"), ".", 3) {
		n, _ := strconv.Atoi(strings.TrimFunc(p, func(r rune) bool { return r < '0' || r > '9' }))
		v[i] = n
	}
	return v
}

func (v version) less(w version) bool {
	for i := range v {
		if v[i] != w[i] {
			return v[i] < w[i]
		}
	}
	return false
}
