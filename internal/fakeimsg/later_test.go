package fakeimsg

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const v14 = "0.14.2"

func TestLaterFraming(t *testing.T) {
	h := start(t, stdDB(t, t.TempDir()), withVersion(v14))
	cases := []struct{ in, out string }{
		{`{"id":1,"method":"chats.list"}`, `{"jsonrpc":"2.0","id":1,"error":{"code":-32600,"message":"Invalid Request","data":"jsonrpc must be exactly 2.0"}}`},
		{`{"jsonrpc":2.0,"id":1,"method":"chats.list"}`, `{"jsonrpc":"2.0","id":1,"error":{"code":-32600,"message":"Invalid Request","data":"jsonrpc must be exactly 2.0"}}`},
		{`{"jsonrpc":"2.0","id":true,"method":"chats.list"}`, `{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Invalid Request","data":"id must be a string, number, or null"}}`},
		{`{"jsonrpc":"2.0","id":[1],"method":"chats.list"}`, `{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Invalid Request","data":"id must be a string, number, or null"}}`},
		{`{"jsonrpc":"2.0","id":"p","method":"status","params":[]}`, `{"jsonrpc":"2.0","id":"p","error":{"code":-32602,"message":"Invalid params","data":"params must be an object when present"}}`},
		{`{"jsonrpc":"2.0","id":"p","method":"status","params":null}`, `{"jsonrpc":"2.0","id":"p","error":{"code":-32602,"message":"Invalid params","data":"params must be an object when present"}}`},
		{`{"jsonrpc":"2.0","id":2,"method":"status","params":{"x":1}}`, `{"jsonrpc":"2.0","id":2,"error":{"code":-32602,"message":"Invalid params","data":"unknown status param: x"}}`},
		{`{"jsonrpc":"2.0","id":3,"method":"initialize","params":{"protocol_version":2}}`, `{"jsonrpc":"2.0","id":3,"error":{"code":-32602,"message":"Invalid params","data":"unsupported protocol_version 2; supported version is 1"}}`},
		{`{"jsonrpc":"2.0","id":4,"method":"chats.list","params":{"limit":"5"}}`, `{"jsonrpc":"2.0","id":4,"error":{"code":-32602,"message":"Invalid params","data":"limit must be an integer"}}`},
		{`{"jsonrpc":"2.0","id":4,"method":"chats.list","params":{"limit":1.0}}`, `{"jsonrpc":"2.0","id":4,"error":{"code":-32602,"message":"Invalid params","data":"limit must be an integer"}}`},
		{`{"jsonrpc":"2.0","id":4,"method":"chats.list","params":{"limit":0}}`, `{"jsonrpc":"2.0","id":4,"error":{"code":-32602,"message":"Invalid params","data":"limit must be a positive integer"}}`},
		{`{"jsonrpc":"2.0","id":5,"method":"watch.subscribe","params":{"debounce_ms":1,"debounceMs":2}}`, `{"jsonrpc":"2.0","id":5,"error":{"code":-32602,"message":"Invalid params","data":"use only one of debounce_ms, debounceMs"}}`},
		{`{"jsonrpc":"2.0","id":5,"method":"watch.subscribe","params":{"attachments":null}}`, `{"jsonrpc":"2.0","id":5,"error":{"code":-32602,"message":"Invalid params","data":"attachments must not be null"}}`},
		{`{"jsonrpc":"2.0","id":5,"method":"watch.subscribe","params":{"attachments":1}}`, `{"jsonrpc":"2.0","id":5,"error":{"code":-32602,"message":"Invalid params","data":"attachments must be a boolean"}}`},
		{`{"jsonrpc":"2.0","id":5,"method":"watch.subscribe","params":{"zeta":1,"alpha":2}}`, `{"jsonrpc":"2.0","id":5,"error":{"code":-32602,"message":"Invalid params","data":"unknown watch.subscribe param: alpha"}}`},
		{`{"jsonrpc":"2.0","id":5,"method":"watch.subscribe","params":{"chat_id":0}}`, `{"jsonrpc":"2.0","id":5,"error":{"code":-32602,"message":"Invalid params","data":"chat_id must be a positive integer"}}`},
		{`{"jsonrpc":"2.0","id":5,"method":"watch.subscribe","params":{"participants":"a,b"}}`, `{"jsonrpc":"2.0","id":5,"error":{"code":-32602,"message":"Invalid params","data":"participants must be an array of strings"}}`},
		{`{"jsonrpc":"2.0","id":5,"method":"watch.subscribe","params":{"buffer_limit":0}}`, `{"jsonrpc":"2.0","id":5,"error":{"code":-32602,"message":"Invalid params","data":"buffer_limit must be an integer between 1 and 4096"}}`},
		{`{"jsonrpc":"2.0","id":5,"method":"watch.subscribe","params":{"start":"soon"}}`, `{"jsonrpc":"2.0","id":5,"error":{"code":-32602,"message":"Invalid params","data":"Invalid ISO8601 date: soon"}}`},
		{`{"jsonrpc":"2.0","id":6,"method":"watch.unsubscribe","params":{"subscription":0}}`, `{"jsonrpc":"2.0","id":6,"error":{"code":-32602,"message":"Invalid params","data":"subscription must be a positive integer"}}`},
		{`{"jsonrpc":"2.0","id":6,"method":"watch.unsubscribe","params":{"subscription":"1"}}`, `{"jsonrpc":"2.0","id":6,"error":{"code":-32602,"message":"Invalid params","data":"subscription must be an integer"}}`},
		{`{"jsonrpc":"2.0","id":7,"method":"messages.history","params":{}}`, `{"jsonrpc":"2.0","id":7,"error":{"code":-32602,"message":"Invalid params","data":"chat_id is required"}}`},
		{`{"jsonrpc":"2.0","id":8,"method":"typing"}`, `{"jsonrpc":"2.0","id":8,"error":{"code":-32601,"message":"Method not found","data":"typing"}}`},
		// Framing failures of an id-less line are still answered (RPCRequestParser's shouldRespond).
		{`{"method":"chats.list"}`, `{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Invalid Request","data":"jsonrpc must be exactly 2.0"}}`},
	}
	for _, c := range cases {
		h.send(c.in)
		if got := h.next(); got != c.out {
			t.Errorf("%s\n got: %s\nwant: %s", c.in, got, c.out)
		}
	}
	// Notifications are never answered: not an unknown method, not bad params, not params of the wrong type.
	h.send(`{"jsonrpc":"2.0","method":"nope"}`, `{"jsonrpc":"2.0","method":"chats.list","params":{"bad":1}}`,
		`{"jsonrpc":"2.0","method":"status","params":7}`, `{"jsonrpc":"2.0","method":"status"}`)
	h.quiet(100 * time.Millisecond)
	h.send(`{"jsonrpc":"2.0","id":9,"method":"status"}`)
	if m := h.nextJSON(); get(m, "result", "version") != v14 {
		t.Errorf("status: %v", m)
	}
}

func TestLaterStatusAndDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "chat.jsonl") // not there yet
	h := start(t, path, withVersion(v14), withBridge("ready"))
	m := h.call(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocol_version":1}}`)
	r := m["result"].(map[string]any)
	if get(r, "database", "ready") != false || !strings.Contains(get(r, "database", "error").(string), "does not exist") ||
		fmt.Sprint(r["methods"]) != "[initialize status watch.unsubscribe send]" || num(r["protocol_version"]) != 1 ||
		fmt.Sprint(r["supported_methods"]) != "[initialize status chats.list messages.history messages.after watch.subscribe watch.unsubscribe send message.send_status send.tracked]" {
		t.Errorf("initialize without a database: %v", r)
	}
	h.send(`{"jsonrpc":"2.0","id":2,"method":"chats.list"}`)
	want(t, h.next(), `{"jsonrpc":"2.0","id":2,"error":{"code":-32002,"message":"Database unavailable","data":{"path":"`+strings.ReplaceAll(path, "/", `\/`)+`","detail":"The configured Messages database does not exist. Create or copy chat.db at this path, then retry.","retryable":true}}}`)
	// A send by handle still works without the database, unverified.
	h.send(`{"jsonrpc":"2.0","id":3,"method":"send","params":{"to":"+15551234567","text":"blind","service":"imessage"}}`)
	want(t, h.next(), `{"jsonrpc":"2.0","id":3,"result":{"ok":true,"transport":"applescript","service":"iMessage"}}`)
	h.send(`{"jsonrpc":"2.0","id":4,"method":"send","params":{"chat_id":7,"text":"needs db"}}`)
	if m := h.nextJSON(); num(get(m, "error", "code")) != -32002 {
		t.Errorf("chat_id send without db: %v", m)
	}
	// The database appears: the same process recovers.
	stdDB(t, filepath.Dir(path))
	m = h.call(`{"jsonrpc":"2.0","id":5,"method":"status"}`)
	r = m["result"].(map[string]any)
	if get(r, "database", "ready") != true || get(r, "database", "features", "reactions") != true || get(r, "bridge", "ready") != true ||
		!strings.Contains(fmt.Sprint(r["methods"]), "send.tracked") || !strings.Contains(fmt.Sprint(r["methods"]), "messages.after") {
		t.Errorf("status with a database: %v", r)
	}
	if c := get(h.call(`{"jsonrpc":"2.0","id":6,"method":"chats.list"}`), "result", "chats").([]any); len(c) != 2 || get(c[1], "display_name") != "Weekend plans" {
		t.Errorf("chats after recovery: %v", c)
	}
	// fda in 0.14: every database method -32002 with the access sentence, status keeps answering.
	h2 := start(t, path, withVersion(v14), withFaults("fda"))
	m = h2.call(`{"jsonrpc":"2.0","id":1,"method":"messages.after","params":{"since_rowid":0}}`)
	if num(get(m, "error", "code")) != -32002 || !strings.Contains(get(m, "error", "data", "detail").(string), "Full Disk Access") {
		t.Errorf("fda: %v", m)
	}
	if m := h2.call(`{"jsonrpc":"2.0","id":2,"method":"status"}`); get(m, "result", "database", "ready") != false ||
		fmt.Sprint(get(m, "result", "methods")) != "[initialize status watch.unsubscribe send]" {
		t.Errorf("fda status: %v", m)
	}
	if code := h2.eof(); code != 0 {
		t.Errorf("0.14 exits 0 at EOF even without a database: %d", code)
	}
}

func TestMessagesAfter(t *testing.T) {
	path := stdDB(t, t.TempDir())
	yes := true
	appendRecs(t, path,
		Record{Row: row(4201, 7, "+15551234567", "a", "2026-05-16T15:30:00Z")},
		Record{Row: &Row{
			ChatID: 7, GUID: "R", Sender: "+15551234567", Text: "Loved", CreatedAt: "2026-05-16T15:31:00Z",
			IsReaction: true, ReactionType: "love", IsReactionAdd: &yes, ReactedToGUID: newGUID("rowid", 4201),
		}}, // 4202
		Record{Row: row(4203, 42, "+15557654321", "b", "2026-05-16T15:32:00Z")},
		Record{Row: row(4204, 0, "+15559999999", "no chat", "2026-05-16T15:33:00Z")},
		Record{Row: row(4205, 7, "+15551234567", "c", "2026-05-16T15:34:00Z")},
	)
	h := start(t, path, withVersion(v14))
	for _, c := range []struct{ params, data string }{
		{`{}`, "since_rowid must be an integer"},
		{`{"since_rowid":"1"}`, "since_rowid must be an integer"},
		{`{"since_rowid":0,"chat_id":-1}`, "chat_id must be a positive integer"},
		{`{"since_rowid":0,"limit":501}`, "limit must be an integer between 1 and 500"},
		{`{"since_rowid":0,"limit":0}`, "limit must be an integer between 1 and 500"},
		{`{"since_rowid":0,"include_reactions":"yes"}`, "include_reactions must be a boolean"},
	} {
		if m := h.call(`{"jsonrpc":"2.0","id":1,"method":"messages.after","params":` + c.params + `}`); errData(m) != c.data {
			t.Errorf("%s: %v", c.params, m)
		}
	}
	page := func(params string) (ids []int64, next int64, more bool) {
		m := h.call(`{"jsonrpc":"2.0","id":2,"method":"messages.after","params":` + params + `}`)
		r := m["result"].(map[string]any)
		for _, x := range r["messages"].([]any) {
			ids = append(ids, num(get(x, "id")))
		}
		return ids, num(r["next_rowid"]), r["has_more"] == true
	}
	// 0 means from the beginning (unlike watch); ROWID order; reactions and chat-less rows skipped.
	if ids, next, more := page(`{"since_rowid":0,"limit":2}`); !equalInts(ids, []int64{4199, 4200}) || next != 4200 || !more {
		t.Errorf("page 1: %v %d %v", ids, next, more)
	}
	if ids, next, more := page(`{"since_rowid":4200,"limit":2}`); !equalInts(ids, []int64{4201, 4203}) || next != 4203 || !more {
		t.Errorf("page 2: %v %d %v", ids, next, more)
	}
	if ids, next, more := page(`{"since_rowid":4203,"limit":2}`); !equalInts(ids, []int64{4205}) || next != 4205 || more {
		t.Errorf("page 3: %v %d %v", ids, next, more)
	}
	if ids, next, more := page(`{"since_rowid":4205}`); len(ids) != 0 || next != 4205 || more {
		t.Errorf("past the end: %v %d %v", ids, next, more)
	}
	if ids, _, _ := page(`{"since_rowid":-5,"chat_id":7,"include_reactions":true}`); !equalInts(ids, []int64{4199, 4201, 4202, 4205}) {
		t.Errorf("negative cursor as 0, chat 7 with reactions: %v", ids)
	}
	m := h.call(`{"jsonrpc":"2.0","id":3,"method":"messages.after","params":{"since_rowid":4200,"limit":1}}`)
	if r := get(get(m, "result", "messages").([]any)[0], "reactions").([]any); len(r) != 1 {
		t.Errorf("reactions are filled: %v", r)
	}
}

// gateWriter blocks writes until opened: a client that stopped reading.
type gateWriter struct {
	w    io.Writer
	open chan struct{}
}

func (g *gateWriter) Write(p []byte) (int, error) {
	<-g.open
	return g.w.Write(p)
}

func TestLaterWatchOverflow(t *testing.T) {
	path := stdDB(t, t.TempDir())
	cfg := Config{DBPath: path, Poll: 20 * time.Millisecond, GUIDs: "rowid", Version: v14, Now: func() time.Time { return fixedNow }}
	pr, pw := io.Pipe()
	var sink lineSink
	gate := &gateWriter{w: &sink, open: make(chan struct{})}
	srv := NewServer(cfg, gate)
	done := make(chan int)
	go func() { done <- srv.Run(t.Context(), pr) }()
	io.WriteString(pw, `{"jsonrpc":"2.0","id":1,"method":"watch.subscribe","params":{"buffer_limit":2}}`+"\n")
	time.Sleep(50 * time.Millisecond)
	for i := 0; i < 5; i++ {
		appendRecs(t, path, Record{Row: row(0, 7, "+15551234567", fmt.Sprint(i), "2026-05-16T16:00:00Z")})
	}
	time.Sleep(100 * time.Millisecond)
	close(gate.open)
	pw.Close()
	<-done
	lines := strings.Split(strings.TrimSpace(sink.String()), "\n")
	wantLines := []string{
		`{"jsonrpc":"2.0","id":1,"result":{"subscription":1,"buffer_limit":2}}`,
		`"id":4201`, `"id":4202`,
		`{"jsonrpc":"2.0","method":"watch.overflow","params":{"subscription":1,"resume_after_rowid":4202,"reason":"buffer_limit_exceeded","terminal":true}}`,
	}
	if len(lines) != len(wantLines) {
		t.Fatalf("lines:\n%s", sink.String())
	}
	for i, w := range wantLines {
		if !strings.Contains(lines[i], w) {
			t.Errorf("line %d = %s, want %s", i, lines[i], w)
		}
	}

	// Forced: a record overflows live subscriptions at their cursor.
	h := start(t, stdDB(t, t.TempDir()), withVersion(v14))
	h.send(`{"jsonrpc":"2.0","id":1,"method":"watch.subscribe","params":{}}`)
	h.next()
	appendRecs(t, h.db, Record{Fault: &Fault{Name: "watch-overflow"}})
	want(t, h.next(), `{"jsonrpc":"2.0","method":"watch.overflow","params":{"subscription":1,"resume_after_rowid":4200,"reason":"buffer_limit_exceeded","terminal":true}}`)
	// And at a chosen rowid.
	h2 := start(t, stdDB(t, t.TempDir()), withVersion(v14), withFaults("watch-overflow=4199"))
	h2.send(`{"jsonrpc":"2.0","id":1,"method":"watch.subscribe","params":{"since_rowid":-1}}`)
	h2.next()
	if id := msgID(t, h2.nextJSON()); id != 4199 {
		t.Errorf("before the overflow: %d", id)
	}
	want(t, h2.next(), `{"jsonrpc":"2.0","method":"watch.overflow","params":{"subscription":1,"resume_after_rowid":4199,"reason":"buffer_limit_exceeded","terminal":true}}`)
}

func TestLaterSubscriptionLimit(t *testing.T) {
	h := start(t, stdDB(t, t.TempDir()), withVersion(v14))
	for i := 1; i <= 64; i++ {
		h.send(`{"jsonrpc":"2.0","id":1,"method":"watch.subscribe"}`)
	}
	for i := 1; i <= 64; i++ {
		h.next()
	}
	h.send(`{"jsonrpc":"2.0","id":65,"method":"watch.subscribe"}`)
	want(t, h.next(), `{"jsonrpc":"2.0","id":65,"error":{"code":-32000,"message":"Server busy","data":"subscription limit exceeded"}}`)
	h.send(`{"jsonrpc":"2.0","id":66,"method":"watch.unsubscribe","params":{"subscription":3}}`)
	h.next()
	want(t, h.call(`{"jsonrpc":"2.0","id":67,"method":"watch.subscribe"}`)["result"].(map[string]any)["subscription"].(interface{ String() string }).String(), "65")
}

func TestLaterNoChatRows(t *testing.T) {
	path := stdDB(t, t.TempDir())
	h := start(t, path, withVersion(v14))
	h.send(`{"jsonrpc":"2.0","id":1,"method":"watch.subscribe","params":{}}`)
	h.next()
	// A row with no chat holds the poll back; when its chat arrives it is emitted with it.
	appendRecs(t, path, Record{Row: row(0, 0, "+15551234567", "late join", "2026-05-16T16:00:00Z")}, Record{Row: row(0, 7, "+15551234567", "behind it", "2026-05-16T16:00:01Z")})
	h.quiet(100 * time.Millisecond)
	appendRecs(t, path, Record{Join: &Join{Row: 4201, ChatID: 7}})
	if m := h.nextJSON(); msgID(t, m) != 4201 || num(get(m, "params", "message", "chat_id")) != 7 {
		t.Errorf("joined row: %v", m)
	}
	if id := msgID(t, h.nextJSON()); id != 4202 {
		t.Errorf("then %d", id)
	}
	// A row that never gets a chat is dropped after 20 polls, silently.
	appendRecs(t, path, Record{Row: row(0, 0, "+15551234567", "orphan", "2026-05-16T16:00:02Z")}, Record{Row: row(0, 7, "+15551234567", "after orphan", "2026-05-16T16:00:03Z")})
	if m := h.nextJSON(); msgID(t, m) != 4204 {
		t.Errorf("after the orphan: %v", m)
	}
}

func TestLaterSend(t *testing.T) {
	dir := t.TempDir()
	path := stdDB(t, dir)
	h := start(t, path, withVersion(v14))
	for _, c := range []struct{ params, code, data string }{
		{`{"chat_id":7,"text":"x","attempt_id":"0b9d5a44-7c1e-4f2a-8d3b-5e6f7a8b9c0d"}`, "-32602", "attempt_id is only supported by send.tracked"},
		{`{"chat_id":7,"text":"x","color":"red"}`, "-32602", "unknown send param: color"},
		{`{"chat_id":7,"text":5}`, "-32602", "text must be a string"},
		{`{"chat_id":7,"text":"x","formatting":{}}`, "-32602", "formatting must be an array of objects"},
		{`{"chat_id":7,"text":"x","service":"iMessage"}`, "-32602", "invalid service"},
		{`{"chat_id":7,"text":"x","transport":"x"}`, "-32602", "invalid transport"},
		{`{"chat_id":7,"text":"x","allowSMSFallback":"no"}`, "-32602", "allowSMSFallback must be a boolean"},
		{`{"chat_id":7,"to":"+1","text":"x"}`, "-32602", "use to or exactly one chat selector; not both"},
		{`{"to":"","text":"x"}`, "-32602", "to must be a non-empty string"},
		{`{"text":"x"}`, "-32602", "exactly one of chat_id, chat_identifier, or chat_guid is required"},
		{`{"chat_id":7,"chat_guid":"g","text":"x"}`, "-32602", "exactly one of chat_id, chat_identifier, or chat_guid is required"},
		{`{"chat_id":"7","text":"x"}`, "-32602", "chat_id must be a positive integer"},
		{`{"chat_guid":"","text":"x"}`, "-32602", "chat_guid must be a non-empty string"},
		{`{"chat_id":7}`, "-32602", "text or file is required"},
		{`{"chat_id":99,"text":"x"}`, "-32602", "unknown chat_id 99"},
		{`{"chat_id":7,"text":"x","reply_to":"G"}`, "-32602", "reply_to requires bridge transport; AppleScript fallback cannot send threaded replies"},
		{`{"chat_id":7,"text":"x","transport":"bridge"}`, "-32603", "The imsg bridge ready lock is absent; run imsg launch before using bridge transport."},
	} {
		m := h.call(`{"jsonrpc":"2.0","id":1,"method":"send","params":` + c.params + `}`)
		code := fmt.Sprint(get(m, "error", "code"))
		data := errData(m)
		if d, ok := data.(map[string]any); ok {
			data = d["detail"]
		}
		if code != c.code || data != c.data {
			t.Errorf("%s: %v", c.params, m)
		}
	}
	h.send(`{"jsonrpc":"2.0","id":1,"method":"watch.subscribe"}`)
	h.next()
	h.send(`{"jsonrpc":"2.0","id":2,"method":"send","params":{"chat_id":42,"text":"hi all"}}`)
	want(t, h.next(), `{"jsonrpc":"2.0","id":2,"result":{"ok":true,"transport":"applescript","id":4201,"guid":"00000000-0000-4000-8000-000000001069","message_id":"00000000-0000-4000-8000-000000001069","service":"iMessage","chat_guid":"iMessage;+;chat123456789012345678"}}`)
	if id := msgID(t, h.nextJSON()); id != 4201 {
		t.Errorf("echo %d", id)
	}
	// message.send_status of our own row, of an unknown guid, and after a status record.
	m := h.call(`{"jsonrpc":"2.0","id":3,"method":"message.send_status","params":{"guid":" 00000000-0000-4000-8000-000000001069 "}}`)
	if get(m, "result", "send_state") != "sent" || get(m, "result", "service") != "iMessage" || get(m, "result", "status_fields", "is_sent") != true {
		t.Errorf("own row status: %v", m)
	}
	h.send(`{"jsonrpc":"2.0","id":4,"method":"message.send_status","params":{"guid":"nope"}}`)
	want(t, h.next(), `{"jsonrpc":"2.0","id":4,"result":{"ok":true,"guid":"nope","send_state":"pending","service":null,"checked_at":"2026-05-16T15:24:40.004Z","status_fields":null}}`)
	yes, code := true, int64(22)
	appendRecs(t, path, Record{Status: &StatusUpdate{GUID: "00000000-0000-4000-8000-000000001069", IsDelivered: &yes, DateDelivered: "2026-05-16T15:25:00Z"}})
	m = h.call(`{"jsonrpc":"2.0","id":5,"method":"message.send_status","params":{"guid":"00000000-0000-4000-8000-000000001069"}}`)
	if get(m, "result", "send_state") != "delivered" || get(m, "result", "delivered_at") != "2026-05-16T15:25:00.000Z" {
		t.Errorf("delivered: %v", m)
	}
	appendRecs(t, path, Record{Status: &StatusUpdate{GUID: "00000000-0000-4000-8000-000000001069", Error: &code}})
	if m := h.call(`{"jsonrpc":"2.0","id":6,"method":"message.send_status","params":{"guid":"00000000-0000-4000-8000-000000001069"}}`); get(m, "result", "send_state") != "failed" {
		t.Errorf("failed: %v", m)
	}
	if m := h.call(`{"jsonrpc":"2.0","id":7,"method":"message.send_status","params":{"guid":"  "}}`); errData(m) != "guid is required" {
		t.Errorf("blank guid: %v", m)
	}
	// An id-less send: performed, never answered.
	h.send(`{"jsonrpc":"2.0","method":"send","params":{"chat_id":7,"text":"fire and forget"}}`)
	if get(h.nextJSON(), "params", "message", "text") != "fire and forget" {
		t.Error("notification send not performed")
	}
	h.quiet(60 * time.Millisecond)
}

func TestLaterDispositions(t *testing.T) {
	t.Run("unverified is -32001", func(t *testing.T) {
		h := start(t, stdDB(t, t.TempDir()), withVersion(v14), withFaults("send-unverified=1"))
		h.send(`{"jsonrpc":"2.0","id":1,"method":"send","params":{"chat_id":7,"text":"x"}}`)
		want(t, h.next(), `{"jsonrpc":"2.0","id":1,"error":{"code":-32001,"message":"Delivery outcome unknown","data":{"retry_safe":false,"disposition":"may_have_completed","transport":"applescript","operation":"send","detail":"No sent row was observed within 8 seconds; the message may have been sent."}}}`)
	})
	t.Run("not started", func(t *testing.T) {
		h := start(t, stdDB(t, t.TempDir()), withVersion(v14), withFaults("send-not-started"))
		m := h.call(`{"jsonrpc":"2.0","id":1,"method":"send","params":{"chat_id":7,"text":"x"}}`)
		if num(get(m, "error", "code")) != -32603 || get(m, "error", "message") != "Delivery failed before dispatch" ||
			get(m, "error", "data", "retry_safe") != true || get(m, "error", "data", "disposition") != "not_started" {
			t.Errorf("%v", m)
		}
	})
	t.Run("ghost is may_have_completed", func(t *testing.T) {
		h := start(t, stdDB(t, t.TempDir()), withVersion(v14), withFaults("ghost-send"))
		m := h.call(`{"jsonrpc":"2.0","id":1,"method":"send","params":{"chat_id":7,"text":"x"}}`)
		if num(get(m, "error", "code")) != -32001 || !strings.Contains(get(m, "error", "data", "detail").(string), "unjoined empty outgoing row (4201)") {
			t.Errorf("%v", m)
		}
	})
	t.Run("still in flight poisons the mutation lane", func(t *testing.T) {
		h := start(t, stdDB(t, t.TempDir()), withVersion(v14), withFaults("send-still-in-flight=1"))
		m := h.call(`{"jsonrpc":"2.0","id":1,"method":"send","params":{"chat_id":7,"text":"x"}}`)
		if num(get(m, "error", "code")) != -32001 || get(m, "error", "data", "disposition") != "still_in_flight" {
			t.Fatalf("%v", m)
		}
		h.send(`{"jsonrpc":"2.0","id":2,"method":"send","params":{"chat_id":7,"text":"y"}}`)
		want(t, h.next(), `{"jsonrpc":"2.0","id":2,"error":{"code":-32004,"message":"Mutation lane blocked","data":{"retry_safe":false,"disposition":"still_in_flight","transport":"applescript","operation":"send","detail":"A prior send remains in flight. Restart the RPC child before sending another mutation."}}}`)
		if m := h.call(`{"jsonrpc":"2.0","id":3,"method":"chats.list"}`); m["result"] == nil {
			t.Errorf("reads keep working: %v", m)
		}
	})
	t.Run("a slow send does not hold reads; EOF drains queued sends", func(t *testing.T) {
		h := start(t, stdDB(t, t.TempDir()), withVersion(v14), withFaults("slow-send=150"))
		h.send(`{"jsonrpc":"2.0","id":1,"method":"send","params":{"chat_id":7,"text":"a"}}`,
			`{"jsonrpc":"2.0","id":2,"method":"send","params":{"chat_id":7,"text":"b"}}`,
			`{"jsonrpc":"2.0","id":3,"method":"status"}`)
		if m := h.nextJSON(); num(m["id"]) != 3 {
			t.Errorf("status should overtake the sends: %v", m)
		}
		code := h.eof()
		rest := h.rest()
		if code != 0 || len(rest) != 2 || !strings.Contains(rest[0], `"id":1,"result"`) || !strings.Contains(rest[1], `"id":2,"result"`) {
			t.Errorf("exit %d, drained %q", code, rest)
		}
	})
	t.Run("outstanding limit", func(t *testing.T) {
		h := start(t, stdDB(t, t.TempDir()), withVersion(v14), withFaults("slow-send=60000"))
		var lines []string
		for i := 1; i <= 130; i++ {
			lines = append(lines, fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"send","params":{"chat_id":7,"text":"x"}}`, i))
		}
		h.send(lines...)
		want(t, h.next(), `{"jsonrpc":"2.0","id":129,"error":{"code":-32000,"message":"Server busy","data":"outstanding request limit exceeded"}}`)
		want(t, h.next(), `{"jsonrpc":"2.0","id":130,"error":{"code":-32000,"message":"Server busy","data":"outstanding request limit exceeded"}}`)
	})
}

func TestSendTracked(t *testing.T) {
	path := stdDB(t, t.TempDir())
	const attempt = "0B9D5A44-7C1E-4F2A-8D3B-5E6F7A8B9C0D"
	lower := strings.ToLower(attempt)
	noBridge := start(t, path, withVersion(v14))
	if m := noBridge.call(`{"jsonrpc":"2.0","id":1,"method":"send.tracked","params":{"chat_id":7,"text":"x","attempt_id":"` + attempt + `"}}`); errData(m) != "bridge transport requires an existing chat target" {
		t.Errorf("without a bridge: %v", m)
	}
	if m := start(t, path, withVersion("0.14.0")).call(`{"jsonrpc":"2.0","id":1,"method":"send.tracked","params":{}}`); num(get(m, "error", "code")) != -32601 {
		t.Errorf("0.14.0 has no send.tracked: %v", m)
	}
	h := start(t, path, withVersion(v14), withBridge("ready"))
	for _, c := range []struct{ params, data string }{
		{`{"chat_id":7,"text":"x"}`, "attempt_id must be a UUID"},
		{`{"chat_id":7,"text":"x","attempt_id":"not-a-uuid"}`, "attempt_id must be a UUID"},
		{`{"chat_id":7,"file":"/x","attempt_id":"` + attempt + `"}`, "send.tracked supports exactly one text message"},
		{`{"chat_id":7,"text":"x","file":"/x","attempt_id":"` + attempt + `"}`, "send.tracked supports exactly one text message"},
		{`{"chat_id":7,"text":"x","transport":"applescript","attempt_id":"` + attempt + `"}`, "send.tracked requires bridge transport"},
		{`{"to":"+19990000000","text":"x","attempt_id":"` + attempt + `"}`, "bridge transport requires an existing chat target"},
	} {
		if m := h.call(`{"jsonrpc":"2.0","id":1,"method":"send.tracked","params":` + c.params + `}`); errData(m) != c.data {
			t.Errorf("%s: %v", c.params, m)
		}
	}
	h.send(`{"jsonrpc":"2.0","id":1,"method":"watch.subscribe"}`)
	h.next()
	h.send(`{"jsonrpc":"2.0","id":2,"method":"send.tracked","params":{"to":"+15551234567","text":"tracked","attempt_id":"` + attempt + `"}}`)
	want(t, h.next(), `{"jsonrpc":"2.0","id":2,"result":{"ok":true,"transport":"bridge","guid":"`+lower+`","message_id":"`+lower+`","chat_guid":"iMessage;-;+15551234567","service":"iMessage","attempt_id":"`+lower+`"}}`)
	if m := h.nextJSON(); get(m, "params", "message", "guid") != lower || get(m, "params", "message", "is_from_me") != true {
		t.Errorf("echo of the tracked send: %v", m)
	}
	m := h.call(`{"jsonrpc":"2.0","id":3,"method":"send.tracked","params":{"chat_id":7,"text":"again","attempt_id":"` + attempt + `"}}`)
	if num(get(m, "error", "code")) != -32603 || get(m, "error", "data", "detail") != "attempt_id already identifies a message; choose a new UUID" || get(m, "error", "data", "retry_safe") != true {
		t.Errorf("reused attempt: %v", m)
	}
	if m := h.call(`{"jsonrpc":"2.0","id":4,"method":"message.send_status","params":{"guid":"` + lower + `"}}`); get(m, "result", "send_state") != "sent" {
		t.Errorf("status of the tracked send: %v", m)
	}
	// A plain send with a bridge goes through it: no numeric id.
	h.send(`{"jsonrpc":"2.0","id":5,"method":"send","params":{"chat_id":42,"text":"via bridge"}}`)
	if m := h.nextJSON(); get(m, "result", "transport") != "bridge" || get(m, "result", "id") != nil || get(m, "result", "message_id") == nil {
		t.Errorf("bridge send: %v", m)
	}
	h.next() // echo
	nr := start(t, path, withVersion(v14), withBridge("no-reservation"))
	if m := nr.call(`{"jsonrpc":"2.0","id":1,"method":"send.tracked","params":{"chat_id":7,"text":"x","attempt_id":"1b9d5a44-7c1e-4f2a-8d3b-5e6f7a8b9c0d"}}`); get(m, "error", "data", "detail") != "running bridge does not support caller-owned message GUIDs" {
		t.Errorf("no reservation: %v", m)
	}
}

// TestLaterDatabaseReplaced: new requests move to the new file, a live
// subscription stays on the one it started with.
func TestLaterDatabaseReplaced(t *testing.T) {
	path := stdDB(t, t.TempDir())
	h := start(t, path, withVersion(v14))
	h.send(`{"jsonrpc":"2.0","id":1,"method":"watch.subscribe"}`)
	h.next()
	var out lineSink
	if err := (&replaceCmd{DB: path}).Run(&env{stdout: &out, stderr: &out, getenv: func(string) string { return "" }}); err != nil {
		t.Fatal(err)
	}
	appendRecs(t, path, Record{Row: row(0, 7, "+15551234567", "new file", "2026-05-16T16:00:00Z")})
	h.quiet(100 * time.Millisecond) // the pinned subscription does not see it
	m := h.call(`{"jsonrpc":"2.0","id":2,"method":"messages.after","params":{"since_rowid":0}}`)
	if msgs := get(m, "result", "messages").([]any); len(msgs) != 1 || num(get(msgs[0], "id")) != 1 {
		t.Errorf("messages.after on the new file: %v", msgs)
	}
	h.send(`{"jsonrpc":"2.0","id":3,"method":"watch.subscribe","params":{"since_rowid":-1}}`)
	want(t, h.next(), `{"jsonrpc":"2.0","id":3,"result":{"subscription":2,"buffer_limit":256}}`)
	if m := h.nextJSON(); num(get(m, "params", "subscription")) != 2 || msgID(t, m) != 1 {
		t.Errorf("new subscription on the new file: %v", m)
	}
	os.Remove(path)
	if m := h.call(`{"jsonrpc":"2.0","id":4,"method":"chats.list"}`); num(get(m, "error", "code")) != -32002 {
		t.Errorf("removed file: %v", m)
	}
}
