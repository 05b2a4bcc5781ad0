package fakeimsg

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// The surface of imsg 0.14.x (IMSG_FAKE_VERSION=0.14.2), following
// imsg-rpc-later.md §10 and openclaw/imsg's RPCRequestParser, RPCParameters,
// RPCServer+Dispatch, +SendHandlers, +StatusHandlers, +MessagesAfterHandlers,
// +MessageStatusHandlers and +WatchHandlers.

// rparams is RPCParameters: unknown keys are refused up front (the first in
// sorted order); each value's type is checked when the handler reads it.
type rparams struct {
	vals map[string]any
}

func newRParams(raw map[string]any, method string, supported ...string) (*rparams, *rpcErr) {
	ok := map[string]bool{}
	for _, k := range supported {
		ok[k] = true
	}
	var unknown []string
	for k := range raw {
		if !ok[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, invalidParams("unknown " + method + " param: " + unknown[0])
	}
	return &rparams{vals: raw}, nil
}

func (p *rparams) contains(k string) bool { _, ok := p.vals[k]; return ok }

// selected returns the one spelling given among key and its aliases.
func (p *rparams) selected(key string, aliases ...string) (string, any, bool, *rpcErr) {
	keys := append([]string{key}, aliases...)
	var given []string
	for _, k := range keys {
		if p.contains(k) {
			given = append(given, k)
		}
	}
	if len(given) > 1 {
		return "", nil, false, invalidParams("use only one of " + strings.Join(keys, ", "))
	}
	if len(given) == 0 {
		return "", nil, false, nil
	}
	v := p.vals[given[0]]
	if v == nil {
		return "", nil, false, invalidParams(given[0] + " must not be null")
	}
	return given[0], v, true, nil
}

func (p *rparams) str(key string, aliases ...string) (string, bool, *rpcErr) {
	name, v, ok, e := p.selected(key, aliases...)
	if !ok || e != nil {
		return "", false, e
	}
	s, isStr := v.(string)
	if !isStr {
		return "", false, invalidParams(name + " must be a string")
	}
	return s, true, nil
}

func (p *rparams) int64(key string, aliases ...string) (int64, bool, *rpcErr) {
	name, v, ok, e := p.selected(key, aliases...)
	if !ok || e != nil {
		return 0, false, e
	}
	n, isNum := v.(json.Number)
	i, err := strconv.ParseInt(string(n), 10, 64)
	if !isNum || err != nil {
		// Booleans, fractions and numeric strings are refused.
		return 0, false, invalidParams(name + " must be an integer")
	}
	return i, true, nil
}

func (p *rparams) boolean(key string, aliases ...string) (bool, bool, *rpcErr) {
	name, v, ok, e := p.selected(key, aliases...)
	if !ok || e != nil {
		return false, false, e
	}
	b, isBool := v.(bool)
	if !isBool {
		return false, false, invalidParams(name + " must be a boolean")
	}
	return b, true, nil
}

func (p *rparams) strings(key string, aliases ...string) ([]string, bool, *rpcErr) {
	name, v, ok, e := p.selected(key, aliases...)
	if !ok || e != nil {
		return nil, false, e
	}
	arr, isArr := v.([]any)
	if !isArr {
		return nil, false, invalidParams(name + " must be an array of strings")
	}
	out := make([]string, 0, len(arr))
	for _, x := range arr {
		s, isStr := x.(string)
		if !isStr {
			return nil, false, invalidParams(name + " must be an array of strings")
		}
		out = append(out, s)
	}
	return out, true, nil
}

func (p *rparams) objects(key string, aliases ...string) *rpcErr {
	name, v, ok, e := p.selected(key, aliases...)
	if !ok || e != nil {
		return e
	}
	arr, isArr := v.([]any)
	if !isArr {
		return invalidParams(name + " must be an array of objects")
	}
	for _, x := range arr {
		if _, isObj := x.(map[string]any); !isObj {
			return invalidParams(name + " must be an array of objects")
		}
	}
	return nil
}

// recipientOrChatTarget is RPCParameters.recipientOrChatTarget.
func (p *rparams) recipientOrChatTarget() (to string, chatID int64, ident, guid string, e *rpcErr) {
	selectors := 0
	for _, k := range []string{"chat_id", "chat_identifier", "chat_guid"} {
		if p.contains(k) {
			selectors++
		}
	}
	if p.contains("to") && selectors > 0 {
		return "", 0, "", "", invalidParams("use to or exactly one chat selector; not both")
	}
	if p.contains("to") {
		to, _, e = p.str("to")
		if e == nil && to == "" {
			e = invalidParams("to must be a non-empty string")
		}
		return to, 0, "", "", e
	}
	if selectors != 1 {
		return "", 0, "", "", invalidParams("exactly one of chat_id, chat_identifier, or chat_guid is required")
	}
	switch {
	case p.contains("chat_id"):
		id, _, e := p.int64("chat_id")
		if e != nil || id <= 0 {
			return "", 0, "", "", invalidParams("chat_id must be a positive integer")
		}
		return "", id, "", "", nil
	case p.contains("chat_identifier"):
		s, _, e := p.str("chat_identifier")
		if e != nil || s == "" {
			return "", 0, "", "", invalidParams("chat_identifier must be a non-empty string")
		}
		return "", 0, s, "", nil
	default:
		s, _, e := p.str("chat_guid")
		if e != nil || s == "" {
			return "", 0, "", "", invalidParams("chat_guid must be a non-empty string")
		}
		return "", 0, "", s, nil
	}
}

// ---- dispatch and the mutation lane ----

func (s *Server) dispatchLater(req *request) {
	switch req.method {
	case "initialize":
		s.initialize(req)
	case "status":
		if _, e := newRParams(req.params, "status"); e != nil {
			s.fail(req, e)
			return
		}
		s.respond(req, s.statusSnapshot())
	case "chats.list":
		s.chatsList(req)
	case "messages.history":
		s.messagesHistory(req)
	case "messages.after":
		s.messagesAfter(req)
	case "message.send_status":
		s.sendStatus(req)
	case "watch.subscribe":
		s.watchSubscribe(req)
	case "watch.unsubscribe":
		s.watchUnsubscribe(req)
	case "send", "send.tracked":
		if req.method == "send.tracked" && !s.tracked {
			s.fail(req, &rpcErr{-32601, "Method not found", req.method})
			return
		}
		s.mut.admit(req)
	default:
		s.fail(req, &rpcErr{-32601, "Method not found", req.method})
	}
}

// mutationLane runs sends one at a time, in order, apart from reads and
// control requests (imsg-rpc-later.md §2.4).
type mutationLane struct {
	s       *Server
	mu      sync.Mutex
	cond    *sync.Cond
	q       []*request
	running bool
	closed  bool
	done    chan struct{}
}

// outstandingLimit is RPCScheduler's limit on requests running or queued.
const outstandingLimit = 128

func newMutationLane(s *Server) *mutationLane {
	l := &mutationLane{s: s, done: make(chan struct{})}
	l.cond = sync.NewCond(&l.mu)
	go l.run()
	return l
}

func (l *mutationLane) admit(req *request) {
	l.s.mu.Lock()
	poison := l.s.poison
	l.s.mu.Unlock()
	if poison != nil {
		l.s.fail(req, laneBlocked(poison))
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	n := len(l.q)
	if l.running {
		n++
	}
	if n >= outstandingLimit {
		l.s.fail(req, &rpcErr{-32000, "Server busy", "outstanding request limit exceeded"})
		return
	}
	l.q = append(l.q, req)
	l.cond.Broadcast()
}

func laneBlocked(poison obj) *rpcErr {
	data := append(obj{}, poison...)
	op, _ := poison.get("operation")
	data = data.set("detail", fmt.Sprintf("A prior %v remains in flight. Restart the RPC child before sending another mutation.", op))
	return &rpcErr{-32004, "Mutation lane blocked", data}
}

func (l *mutationLane) run() {
	defer close(l.done)
	for {
		l.mu.Lock()
		for len(l.q) == 0 && !l.closed {
			l.cond.Wait()
		}
		if len(l.q) == 0 {
			l.mu.Unlock()
			return
		}
		req := l.q[0]
		l.q = l.q[1:]
		l.running = true
		l.mu.Unlock()
		if !l.s.stopped() {
			l.s.mu.Lock()
			poison := l.s.poison
			l.s.mu.Unlock()
			if poison != nil {
				l.s.fail(req, laneBlocked(poison))
			} else {
				l.s.sendLater(req)
			}
		}
		l.mu.Lock()
		l.running = false
		l.mu.Unlock()
	}
}

// drain lets every accepted mutation finish (EOF).
func (l *mutationLane) drain() {
	l.mu.Lock()
	l.closed = true
	l.cond.Broadcast()
	l.mu.Unlock()
	select {
	case <-l.done:
	case <-l.s.stopCh:
	}
}

// ---- initialize / status ----

func (s *Server) initialize(req *request) {
	p, e := newRParams(req.params, "initialize", "protocol_version")
	if e == nil {
		var v int64
		var ok bool
		if v, ok, e = p.int64("protocol_version"); e == nil && ok && v != 1 {
			e = invalidParams(fmt.Sprintf("unsupported protocol_version %d; supported version is 1", v))
		}
	}
	if e != nil {
		s.fail(req, e)
		return
	}
	s.respond(req, s.statusSnapshot())
}

func (s *Server) bridgeReady() bool {
	return s.cfg.Bridge == "ready" || s.cfg.Bridge == "no-reservation"
}

func (s *Server) bridgeReservation() bool { return s.cfg.Bridge == "ready" }

func (s *Server) supportedMethods() []string {
	m := []string{
		"initialize", "status", "chats.list", "messages.history", "messages.after",
		"watch.subscribe", "watch.unsubscribe", "send", "message.send_status",
	}
	if s.tracked {
		m = append(m, "send.tracked")
	}
	return m
}

// statusSnapshot is RPCServer.statusSnapshot: database, bridge, contacts and
// the methods usable right now (rpcUsableMethods).
func (s *Server) statusSnapshot() obj {
	s.mu.Lock()
	e := s.openCurrentLocked()
	s.mu.Unlock()
	dbo := obj{{"path", s.cfg.DBPath}, {"ready", e == nil}}
	if e == nil {
		dbo = append(dbo, field{"features", obj{
			{"unread_state", false},
			{"scheduled_messages", false},
			{"reactions", true},
			{"reply_context", true},
			{"routing_metadata", true},
			{"balloon_payloads", false},
		}})
	} else {
		detail, _ := e.data.(obj).get("detail")
		dbo = append(dbo, field{"error", detail})
	}
	bridge := obj{{"ready", false}, {"error", "The bridge is not started. Run imsg launch explicitly before using bridge methods."}}
	if s.bridgeReady() {
		bridge = obj{
			{"ready", true},
			{"bridge_version", 2},
			{"v2_ready", true},
			{"registry_available", true},
			{"selectors", obj{
				{"clientMessageGuid", s.bridgeReservation()},
				{"clientMessageGuidReservation", s.bridgeReservation()},
				{"sendAttachment", true},
				{"sendMessage", true},
			}},
		}
	}
	methods := []string{"initialize", "status", "watch.unsubscribe", "send"}
	if e == nil {
		methods = append(methods, "chats.list", "messages.history", "messages.after", "watch.subscribe", "message.send_status")
		if s.tracked && s.bridgeReservation() {
			methods = append(methods, "send.tracked")
		}
	}
	return obj{
		{"version", s.cfg.Version},
		{"protocol_version", 1},
		{"database", dbo},
		{"bridge", bridge},
		{"contacts", obj{{"available", false}}},
		{"methods", methods},
		{"supported_methods", s.supportedMethods()},
	}
}

// ---- messages.after / message.send_status ----

func (s *Server) messagesAfter(req *request) {
	var (
		since, chatID int64
		limit         int64 = 100
		hasChat       bool
		attachments   bool
		reactions     bool
	)
	p, e := newRParams(req.params, "messages.after", "since_rowid", "chat_id", "limit", "attachments", "convert_attachments", "include_reactions")
	if e == nil {
		e = func() *rpcErr {
			var ok bool
			var e *rpcErr
			if since, ok, e = p.int64("since_rowid"); e != nil || !ok {
				return invalidParams("since_rowid must be an integer")
			}
			if p.contains("chat_id") {
				if chatID, _, e = p.int64("chat_id"); e != nil || chatID <= 0 {
					return invalidParams("chat_id must be a positive integer")
				}
				hasChat = true
			}
			if p.contains("limit") {
				if limit, _, e = p.int64("limit"); e != nil || limit < 1 || limit > 500 {
					return invalidParams("limit must be an integer between 1 and 500")
				}
			}
			if attachments, _, e = p.boolean("attachments"); e != nil {
				return e
			}
			_, _, e = p.boolean("convert_attachments")
			return e
		}()
	}
	if e != nil {
		s.fail(req, e)
		return
	}
	s.mu.Lock()
	d, e := s.readDBLocked()
	if e == nil {
		reactions, _, e = p.boolean("include_reactions")
	}
	if e != nil {
		s.mu.Unlock()
		s.fail(req, e)
		return
	}
	d.refresh()
	if since < 0 {
		since = 0 // the newest handler takes a negative cursor as 0
	}
	next := since
	var page []*Row
	hasMore := false
	for _, r := range d.rowsAfter(since, 0) {
		if r.ChatID <= 0 || (hasChat && r.ChatID != chatID) || (r.IsReaction && !reactions) {
			continue
		}
		if int64(len(page)) == limit {
			hasMore = true
			break
		}
		page = append(page, r)
		next = r.ID
	}
	opts := s.payloadOpts(attachments, true)
	msgs := []obj{}
	for _, r := range page {
		msgs = append(msgs, d.messagePayload(r, opts))
	}
	s.mu.Unlock()
	s.respond(req, obj{{"messages", msgs}, {"next_rowid", next}, {"has_more", hasMore}})
}

func (s *Server) sendStatus(req *request) {
	p, e := newRParams(req.params, "message.send_status", "guid")
	var guid string
	if e == nil {
		guid, _, e = p.str("guid")
		guid = trimSwift(guid)
		if e == nil && guid == "" {
			e = invalidParams("guid is required")
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
	r := d.newestByGUID(guid)
	checked := isoMillis(s.cfg.Now())
	if r == nil {
		s.mu.Unlock()
		s.respond(req, obj{
			{"ok", true},
			{"guid", guid},
			{"send_state", "pending"},
			{"service", nil},
			{"checked_at", checked},
			{"status_fields", nil},
		})
		return
	}
	service := r.Service
	if service == "" {
		if c := d.chats[r.ChatID]; c != nil {
			service = serviceOf(c)
		}
	}
	delivered := r.IsDelivered || !r.IsFromMe
	var deliveredAt any
	if t, ok := parseTime(r.DateDelivered); ok {
		deliveredAt = isoMillis(t)
		delivered = true
	}
	var readAt any
	if t, ok := parseTime(r.DateRead); ok {
		readAt = isoMillis(t)
	}
	state := "pending"
	switch {
	case r.Error != 0:
		state = "failed"
	case delivered:
		state = "delivered"
	case r.IsSent:
		state = "sent"
	}
	var svc any
	if service != "" {
		svc = service
	}
	res := obj{
		{"ok", true},
		{"guid", r.GUID},
		{"send_state", state},
		{"service", svc},
		{"checked_at", checked},
		{"status_fields", obj{
			{"is_sent", r.IsSent},
			{"is_delivered", delivered},
			{"is_finished", r.IsSent || delivered || r.Error != 0},
			{"error", r.Error},
			{"date_delivered", deliveredAt},
			{"date_read", readAt},
			{"is_delayed", false},
			{"is_prepared", r.IsFromMe},
			{"is_pending_satellite_send", false},
			{"was_downgraded", false},
		}},
	}
	if deliveredAt != nil {
		res = append(res, field{"delivered_at", deliveredAt})
	}
	s.mu.Unlock()
	s.respond(req, res)
}

// ---- watch.subscribe params (0.14+) ----

func (s *Server) subscribeParamsLater(req *request, sub *subscription, since *int64, hasSince *bool) *rpcErr {
	p, e := newRParams(req.params, "watch.subscribe", "chat_id", "since_rowid", "participants", "start", "end",
		"attachments", "convert_attachments", "include_reactions", "debounce_ms", "debounceMs", "buffer_limit", "bufferLimit")
	if e != nil {
		return e
	}
	if sub.chatID, sub.hasChat, e = p.int64("chat_id"); e != nil {
		return e
	}
	if sub.hasChat && sub.chatID <= 0 {
		return invalidParams("chat_id must be a positive integer")
	}
	if *since, *hasSince, e = p.int64("since_rowid"); e != nil {
		return e
	}
	participants, _, e := p.strings("participants")
	if e != nil {
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
	if sub.attachments, _, e = p.boolean("attachments"); e != nil {
		return e
	}
	if _, _, e = p.boolean("convert_attachments"); e != nil {
		return e
	}
	if sub.reactions, _, e = p.boolean("include_reactions"); e != nil {
		return e
	}
	ms, ok, e := p.int64("debounce_ms", "debounceMs")
	if e != nil {
		return e
	}
	if ok && ms < 0 {
		return invalidParams("debounce_ms must be a non-negative integer")
	}
	bl, ok, e := p.int64("buffer_limit", "bufferLimit")
	if e != nil {
		return e
	}
	if ok {
		if bl < 1 || bl > 4096 {
			return invalidParams("buffer_limit must be an integer between 1 and 4096")
		}
		sub.bufferLimit = bl
	}
	sub.filter, e = s.isoFilter(participants, start, end, hasStart, hasEnd)
	return e
}

// ---- send / send.tracked (0.14+) ----

var uuidRE = regexp.MustCompile(`^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$`)

func (s *Server) sendLater(req *request) {
	tracked := req.method == "send.tracked"
	fail := func(e *rpcErr) {
		s.recordSend(req, nil, e, "")
		s.fail(req, e)
	}
	p, e := newRParams(req.params, req.method, "chat_id", "chat_identifier", "chat_guid",
		"reply_to", "replyTo", "reply_to_guid", "message_guid",
		"to", "text", "file", "text_formatting", "textFormatting", "formatting", "service",
		"transport", "region", "allow_sms_fallback", "allowSMSFallback", "attempt_id")
	if e != nil {
		fail(e)
		return
	}
	t := &sendTarget{}
	var (
		service, transport, region, to, ident, guid, replyTo string
		chatID                                               int64
		attempt                                              string
	)
	e = func() *rpcErr {
		var e *rpcErr
		var ok bool
		if t.text, _, e = p.str("text"); e != nil {
			return e
		}
		if t.file, _, e = p.str("file"); e != nil {
			return e
		}
		a, hasAttempt, e := p.str("attempt_id")
		if e != nil {
			return e
		}
		if tracked {
			if !hasAttempt || !uuidRE.MatchString(a) {
				return invalidParams("attempt_id must be a UUID")
			}
			attempt = strings.ToLower(a)
		} else if hasAttempt {
			return invalidParams("attempt_id is only supported by send.tracked")
		}
		if e = p.objects("text_formatting", "textFormatting", "formatting"); e != nil {
			return e
		}
		if service, ok, e = p.str("service"); e != nil {
			return e
		} else if !ok {
			service = "auto"
		}
		if service != "imessage" && service != "sms" && service != "auto" {
			return invalidParams("invalid service")
		}
		if transport, ok, e = p.str("transport"); e != nil {
			return e
		} else if !ok {
			transport = "auto"
		}
		transport = strings.ToLower(transport)
		if transport != "auto" && transport != "bridge" && transport != "applescript" {
			return invalidParams("invalid transport")
		}
		if region, ok, e = p.str("region"); e != nil {
			return e
		} else if !ok {
			region = "US"
		}
		if _, _, e = p.boolean("allow_sms_fallback", "allowSMSFallback"); e != nil {
			return e
		}
		if replyTo, _, e = p.str("reply_to", "replyTo", "reply_to_guid", "message_guid"); e != nil {
			return e
		}
		if to, chatID, ident, guid, e = p.recipientOrChatTarget(); e != nil {
			return e
		}
		if t.text == "" && t.file == "" {
			return invalidParams("text or file is required")
		}
		if tracked && (t.text == "" || t.file != "") {
			return invalidParams("send.tracked supports exactly one text message")
		}
		if tracked && transport == "applescript" {
			return invalidParams("send.tracked requires bridge transport")
		}
		return nil
	}()
	if e != nil {
		fail(e)
		return
	}
	t.service, t.chatIdent, t.chatGUID = service, ident, guid
	if to != "" {
		t.to = normalizeRecipient(to, region)
	}

	s.mu.Lock()
	var d *db
	if tracked || chatID != 0 {
		if d, e = s.readDBLocked(); e != nil {
			s.mu.Unlock()
			fail(e)
			return
		}
	} else if s.openCurrentLocked() == nil {
		d = s.cur
	}
	if d != nil {
		d.refresh()
	}
	if tracked && d.newestByGUID(attempt) != nil {
		s.mu.Unlock()
		fail(deliveryFailure("not_started", "bridge_v2", "send_message", "attempt_id already identifies a message; choose a new UUID"))
		return
	}
	if chatID != 0 {
		c := d.chats[chatID]
		if c == nil {
			s.mu.Unlock()
			fail(invalidParams(fmt.Sprintf("unknown chat_id %d", chatID)))
			return
		}
		if c.GUID == "" && c.Identifier == "" {
			s.mu.Unlock()
			fail(invalidParams("missing chat identifier or guid"))
			return
		}
		t.chat = c
	}
	// The chat a bridge send would address: the selector's, or an existing
	// direct chat of the recipient.
	bridgeChat := ""
	switch {
	case t.chat != nil:
		bridgeChat = t.chat.GUID
	case t.chatGUID != "":
		bridgeChat = t.chatGUID
	case t.chatIdent != "" && d != nil:
		if c := d.findChatByIdentifier(t.chatIdent); c != nil {
			bridgeChat = c.GUID
		}
	case t.to != "" && d != nil:
		svc := ""
		if service == "sms" {
			svc = "SMS"
		}
		if c := d.findDM(t.to, svc); c != nil {
			bridgeChat = c.GUID
		}
	}
	s.mu.Unlock()

	useBridge := bridgeChat != "" && transport != "applescript" && (transport == "bridge" || s.bridgeReady())
	switch {
	case useBridge:
		if !s.bridgeReady() {
			fail(deliveryFailure("not_started", "bridge_v2", "send_message", "The imsg bridge ready lock is absent; run imsg launch before using bridge transport."))
			return
		}
		if tracked && !s.bridgeReservation() {
			fail(deliveryFailure("not_started", "bridge_v2", "send_message", "running bridge does not support caller-owned message GUIDs"))
			return
		}
		t.bridge = true
		t.trackedGUID = attempt
		if t.chat == nil && t.chatGUID == "" {
			t.chatGUID = bridgeChat
			t.chatIdent, t.to = "", ""
		}
	case tracked || transport == "bridge":
		fail(invalidParams("bridge transport requires an existing chat target"))
		return
	case replyTo != "":
		fail(invalidParams("reply_to requires bridge transport; AppleScript fallback cannot send threaded replies"))
		return
	}
	s.deliver(req, t)
}
