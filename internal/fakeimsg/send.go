package fakeimsg

import (
	"crypto/rand"
	"fmt"
	"os"
	"strings"
	"time"
)

// send as imsg 0.9.0 does it over AppleScript (imsg-rpc.md §5): validation in
// the order of RPCServer.handleSend, then Messages "writes" the outgoing rows
// (appended to the database file, so every watcher sees the echo), then the
// sent row is looked up to fill id/guid.

// sendTarget is a validated send.
type sendTarget struct {
	to          string // direct recipient, normalised
	service     string // imessage | sms | auto
	chat        *Chat  // the chat a chat_id named (from the database the server reads)
	chatIdent   string // chat_identifier / chat_guid as given (no chat_id)
	chatGUID    string
	text, file  string
	bridge      bool   // 0.14+: via the IMCore bridge
	trackedGUID string // 0.14+: send.tracked's lower-cased attempt_id
}

func (t *sendTarget) hasChat() bool { return t.chat != nil || t.chatIdent != "" || t.chatGUID != "" }

func (s *Server) send(req *request) {
	p := req.params
	text, _ := stringParam(p["text"])
	file, _ := stringParam(p["file"])
	service, ok := stringParam(p["service"])
	if !ok {
		service = "auto"
	}
	fail := func(e *rpcErr) {
		s.recordSend(req, nil, e, "")
		s.fail(req, e)
	}
	if service != "imessage" && service != "sms" && service != "auto" {
		fail(invalidParams("invalid service"))
		return
	}
	transport, ok := stringParam(p["transport"])
	if !ok {
		transport = "auto"
	}
	transport = strings.ToLower(transport)
	if transport != "auto" && transport != "bridge" && transport != "applescript" {
		fail(invalidParams("invalid transport"))
		return
	}
	region, ok := stringParam(p["region"])
	if !ok {
		region = "US"
	}
	to, _ := stringParam(p["to"])
	chatID, hasChatID := intParam(p["chat_id"])
	ident, _ := stringParam(p["chat_identifier"])
	guid, _ := stringParam(p["chat_guid"])
	hasChat := hasChatID || ident != "" || guid != ""
	if hasChat && to != "" {
		fail(invalidParams("use to or chat_*; not both"))
		return
	}
	if !hasChat && to == "" {
		fail(invalidParams("to is required for direct sends"))
		return
	}
	if text == "" && file == "" {
		fail(invalidParams("text or file is required"))
		return
	}
	t := &sendTarget{service: service, chatIdent: ident, chatGUID: guid, text: text, file: file}
	if !hasChat {
		t.to = normalizeRecipient(to, region)
	}
	s.mu.Lock()
	d := s.cur
	d.refresh()
	if hasChatID {
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
		t.chat, t.chatIdent, t.chatGUID = c, "", ""
	}
	noChat := !t.hasChat() && d.findDM(t.to, "") == nil
	s.mu.Unlock()
	if transport == "bridge" {
		// The fake 0.9 has no IMCore bridge; with transport "bridge" imsg
		// returns the bridge failure instead of falling back.
		if noChat {
			fail(invalidParams("bridge transport requires an existing chat target"))
			return
		}
		fail(internalError("IMCore bridge is not running; run imsg launch first"))
		return
	}
	s.deliver(req, t)
}

// deliver performs a validated send, with every send fault.
func (s *Server) deliver(req *request, t *sendTarget) {
	s.mu.Lock()
	s.sends++
	n := s.sends
	hit := func(name string) bool { return s.faults.sendHit(name, n) }
	var (
		notStarted  = hit("send-not-started")
		ghost       = hit("ghost-send")
		noResponse  = hit("send-no-response")
		unverified  = hit("send-unverified")
		inFlight    = hit("send-still-in-flight")
		crashIn     = s.ordinalFault("crash-in-send", n)
		crashAfter  = s.ordinalFault("crash-after-sends", n)
		slow        time.Duration
		slowEnabled bool
	)
	if f, ok := s.faults.find("slow-send"); ok {
		slow, slowEnabled = time.Duration(f.argInt(2000))*time.Millisecond, true
	}
	s.mu.Unlock()

	fail := func(e *rpcErr, note string) {
		s.recordSend(req, nil, e, note)
		s.fail(req, e)
	}
	if notStarted {
		if s.later {
			fail(deliveryFailure("not_started", transportName(t), "send",
				"AppleScript failed before its send event: Not authorized to send Apple events to Messages. (-1743)"), "send-not-started")
		} else {
			fail(internalError("AppleScript failed: Not authorized to send Apple events to Messages. (-1743)"), "send-not-started")
		}
		return
	}
	if t.file != "" {
		path := expandHome(t.file, s.cfg.Home)
		if st, err := os.Stat(path); err != nil || st.IsDir() {
			switch {
			case t.bridge:
				fail(deliveryFailure("not_started", "bridge_v2", "send_attachment", "The attachment could not be staged before bridge dispatch."), "")
			case s.later:
				fail(deliveryFailure("not_started", "applescript", "send", "Attachment not found at "+path), "")
			default:
				fail(internalError("AppleScript failed: Attachment not found at "+path), "")
			}
			return
		}
	}

	s.mu.Lock()
	noDB := s.cur == nil // 0.14+ without a database: nothing to write to or verify against
	if ghost && !noDB {
		rows, err := s.appendGhost()
		if err != nil {
			s.mu.Unlock()
			fail(internalError("AppleScript failed: "+err.Error()), "")
			return
		}
		if s.cur != nil {
			s.cur.refresh()
		}
		var e *rpcErr
		msg := fmt.Sprintf("Messages accepted the chat send but wrote an unjoined empty outgoing row (%d); delivery to the target chat was not confirmed", rows[0].ID)
		if s.later {
			e = deliveryFailure("may_have_completed", "applescript", "send", msg)
		} else {
			e = internalError("AppleScript failed: " + msg)
		}
		s.recordSend(req, nil, e, "ghost-send")
		s.fail(req, e)
		s.pollLocked()
		s.mu.Unlock()
		return
	}
	var (
		rows []*Row
		chat *Chat
		e    *rpcErr
	)
	if !noDB && (!unverified || s.later) {
		rows, chat, e = s.appendSendRows(t)
		if e != nil {
			s.mu.Unlock()
			fail(e, "")
			return
		}
	}
	if crashIn {
		s.mu.Unlock()
		s.recordSend(req, nil, nil, "crash-in-send: the process died before answering")
		s.crash("crash-in-send")
		return
	}
	result, e := s.sendResult(t, rows, chat, unverified, noDB)
	note := ""
	switch {
	case noResponse:
		note = "send-no-response: no response was written"
	case inFlight && !s.later:
		note = "send-still-in-flight: the request never finishes"
	}
	s.recordSend(req, result, e, note)
	if inFlight && s.later {
		e = deliveryFailure("still_in_flight", transportName(t), "send",
			"The send deadline expired while Messages still held the request.")
		s.poison = e.data.(obj)
	}
	if slowEnabled || noResponse || (inFlight && !s.later) {
		// Messages wrote the rows; the answer is late or never comes, and
		// the watch keeps running meanwhile.
		s.pollLocked()
		s.mu.Unlock()
		switch {
		case noResponse:
		case inFlight:
			<-s.stopCh
			return
		default:
			if !s.sleep(slow) {
				return
			}
			s.answerSend(req, result, e)
		}
	} else {
		s.answerSend(req, result, e)
		s.pollLocked()
		s.mu.Unlock()
	}
	if unverified && !s.later && !noDB {
		// 0.9: the row shows up after imsg gave up looking for it.
		s.mu.Lock()
		if _, _, e := s.appendSendRows(t); e == nil {
			s.pollLocked()
		}
		s.mu.Unlock()
	}
	if crashAfter {
		s.crash("crash-after-sends")
	}
}

func (s *Server) answerSend(req *request, result obj, e *rpcErr) {
	if e != nil {
		s.fail(req, e)
		return
	}
	s.respond(req, result)
}

// ordinalFault reports whether a fault that takes a required ordinal selects
// send n.
func (s *Server) ordinalFault(name string, n int) bool {
	f, ok := s.faults.find(name)
	if !ok {
		return false
	}
	for _, r := range s.faults.rec {
		if r.Name == name && r.Fault == f {
			return int64(n-r.sendBase) == f.argInt(0)
		}
	}
	return int64(n) == f.argInt(0)
}

// sendResult builds the result once the rows were written: 0.9 returns id and
// guid when the text row is found (§5.3); 0.14+ adds message_id, chat_guid
// and service, and answers -32001 when nothing was observed.
func (s *Server) sendResult(t *sendTarget, rows []*Row, chat *Chat, unverified, noDB bool) (obj, *rpcErr) {
	var found *Row
	if !unverified {
		for _, r := range rows {
			if got := s.cur.byID[r.ID]; got != nil && (t.bridge || s.later || r.Text == t.text) {
				found = got
				break
			}
		}
	}
	if t.bridge {
		res := obj{{"ok", true}, {"transport", "bridge"}}
		if len(rows) > 0 {
			res = append(res, field{"guid", rows[0].GUID}, field{"message_id", rows[0].GUID})
		}
		if chat != nil {
			res = append(res, field{"chat_guid", chat.GUID}, field{"service", serviceOf(chat)})
		}
		if t.trackedGUID != "" {
			res = append(res, field{"attempt_id", t.trackedGUID})
		}
		return res, nil
	}
	res := obj{{"ok", true}, {"transport", "applescript"}}
	if !s.later {
		// Before 0.6.0 the result was {"ok":true}; before 0.8.1 it had no
		// transport (imsg-rpc.md §5.3).
		if s.ver.less(version{0, 8, 1}) {
			res = obj{{"ok", true}}
		}
		if found != nil && t.text != "" && !s.ver.less(version{0, 6, 0}) {
			res = append(res, field{"id", found.ID}, field{"guid", found.GUID})
		}
		return res, nil
	}
	if noDB {
		// Sent without verification (imsg-rpc-later.md §3).
		if t.service != "auto" {
			res = append(res, field{"service", map[string]string{"sms": "SMS", "imessage": "iMessage"}[t.service]})
		}
		return res, nil
	}
	if found == nil {
		return nil, deliveryFailure("may_have_completed", "applescript", "send",
			"No sent row was observed within 8 seconds; the message may have been sent.")
	}
	res = append(res, field{"id", found.ID}, field{"guid", found.GUID}, field{"message_id", found.GUID})
	if chat != nil {
		res = append(res, field{"service", serviceOf(chat)}, field{"chat_guid", chat.GUID})
	}
	return res, nil
}

func transportName(t *sendTarget) string {
	if t.bridge {
		return "bridge_v2"
	}
	return "applescript"
}

// deliveryFailure is 0.14's typed failure (imsg-rpc-later.md §6; RPCError
// deliveryFailure in Sources/imsg/RPCServer+Support.swift).
func deliveryFailure(disposition, transport, operation, detail string) *rpcErr {
	data := obj{
		{"retry_safe", disposition == "not_started"},
		{"disposition", disposition},
		{"transport", transport},
		{"operation", operation},
		{"detail", detail},
	}
	if disposition == "not_started" {
		return &rpcErr{-32603, "Delivery failed before dispatch", data}
	}
	return &rpcErr{-32001, "Delivery outcome unknown", data}
}

// appendSendRows writes the outgoing rows Messages would: the text, then the
// file as a second message. It must be called with s.mu held.
func (s *Server) appendSendRows(t *sendTarget) ([]*Row, *Chat, *rpcErr) {
	var chat *Chat
	var failure *rpcErr
	recs, err := s.app.AppendFunc(func(v *db) ([]Record, error) {
		var recs []Record
		c, created := s.targetChat(v, t)
		if c == nil {
			failure = internalError(fmt.Sprintf("AppleScript failed: Messages got an error: Can’t get chat id \"%s\". (-1728)", firstNonEmpty(t.chatGUID, t.chatIdent)))
			return nil, nil
		}
		if created {
			recs = append(recs, Record{Chat: c})
		}
		chat = c
		now := s.cfg.Now().UTC()
		rowid := v.maxRow
		mk := func(text string, atts []Attachment) Row {
			rowid++
			r := Row{
				ID: rowid, ChatID: c.ID, GUID: s.newGUID(rowid), IsFromMe: true, Text: text,
				CreatedAt: isoMillis(now), Attachments: atts, DestinationCallerID: s.cfg.Self,
				Service: serviceOf(c), IsSent: true,
			}
			if t.trackedGUID != "" {
				r.GUID = t.trackedGUID
			}
			if !c.IsGroup() {
				// In 1:1 chats Messages stores the other party as the handle.
				r.Sender = c.Identifier
			}
			return r
		}
		if t.bridge && t.text != "" && t.file != "" {
			// 0.14+ bridge: one message, the file with a caption.
			r := mk(t.text, []Attachment{makeAttachment(t.file, "", s.cfg.Home)})
			recs = append(recs, Record{Row: &r})
			return recs, nil
		}
		if t.text != "" {
			r := mk(t.text, nil)
			recs = append(recs, Record{Row: &r})
		}
		if t.file != "" {
			r := mk("\ufffc", []Attachment{makeAttachment(t.file, "", s.cfg.Home)})
			recs = append(recs, Record{Row: &r})
		}
		return recs, nil
	})
	if failure != nil {
		return nil, nil, failure
	}
	if err != nil {
		return nil, nil, internalError("AppleScript failed: " + err.Error())
	}
	if s.cur != nil {
		s.cur.refresh()
	}
	var rows []*Row
	for _, r := range recs {
		if r.Row != nil {
			rows = append(rows, r.Row)
		}
	}
	return rows, chat, nil
}

// targetChat finds the chat a send lands in, in the file being appended to;
// a direct send to a handle with no chat yet creates it, as Messages does.
func (s *Server) targetChat(v *db, t *sendTarget) (*Chat, bool) {
	if t.chat != nil {
		if c := v.chats[t.chat.ID]; c != nil && c.GUID == t.chat.GUID {
			return c, false
		}
		if c := v.findChatByGUID(t.chat.GUID); c != nil {
			return c, false
		}
		cc := *t.chat
		cc.ID = v.maxChat + 1
		return &cc, true
	}
	if t.chatGUID != "" {
		if c := v.findChatByGUID(t.chatGUID); c != nil {
			return c, false
		}
		return nil, false
	}
	handle := t.to
	if t.chatIdent != "" {
		if c := v.findChatByIdentifier(t.chatIdent); c != nil {
			return c, false
		}
		if !looksLikeHandle(t.chatIdent) {
			return nil, false
		}
		// A handle-like identifier is sent as a direct buddy send (§5.2).
		handle = t.chatIdent
	}
	svc := "iMessage"
	if t.service == "sms" {
		svc = "SMS"
	}
	if c := v.findDM(handle, svc); c != nil {
		return c, false
	}
	return &Chat{
		ID: v.maxChat + 1, Identifier: handle, GUID: svc + ";-;" + handle,
		Service: svc, Participants: []string{handle},
	}, true
}

// appendGhost writes the empty, unjoined outgoing row of the Tahoe ghost bug.
func (s *Server) appendGhost() ([]*Row, error) {
	recs, err := s.app.AppendFunc(func(v *db) ([]Record, error) {
		id := v.maxRow + 1
		r := Row{ID: id, GUID: s.newGUID(id), IsFromMe: true, CreatedAt: isoMillis(s.cfg.Now()), DestinationCallerID: s.cfg.Self, IsSent: true}
		return []Record{{Row: &r}}, nil
	})
	if err != nil {
		return nil, err
	}
	return []*Row{recs[0].Row}, nil
}

// newGUID makes a message guid shaped like Messages' (an upper-case UUID);
// Config.GUIDs "rowid" derives it from the rowid for reproducible runs.
func (s *Server) newGUID(rowid int64) string { return newGUID(s.cfg.GUIDs, rowid) }

func newGUID(mode string, rowid int64) string {
	if mode == "rowid" {
		return fmt.Sprintf("00000000-0000-4000-8000-%012X", rowid)
	}
	return randomUUID()
}

func randomUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%X-%X-%X-%X-%X", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// looksLikeHandle: an email, or a phone number (digits with optional +).
func looksLikeHandle(s string) bool {
	if strings.Contains(s, "@") {
		return true
	}
	s = strings.TrimPrefix(s, "+")
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && !strings.ContainsRune(" -().", r) {
			return false
		}
	}
	return true
}

// normalizeRecipient approximates MessageSender.normalizedRecipient: phone
// numbers to E.164 for the region (US, CA: +1), emails and names unchanged.
func normalizeRecipient(to, region string) string {
	if strings.Contains(to, "@") || !looksLikeHandle(to) {
		return to
	}
	plus := strings.HasPrefix(strings.TrimSpace(to), "+")
	var digits strings.Builder
	for _, r := range to {
		if r >= '0' && r <= '9' {
			digits.WriteRune(r)
		}
	}
	ds := digits.String()
	switch {
	case plus:
		return "+" + ds
	case (strings.EqualFold(region, "US") || strings.EqualFold(region, "CA")) && len(ds) == 10:
		return "+1" + ds
	case (strings.EqualFold(region, "US") || strings.EqualFold(region, "CA")) && len(ds) == 11 && ds[0] == '1':
		return "+" + ds
	}
	return ds
}
