package fakeimsg

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestSendValidation: the §5.1 order and data strings of imsg 0.9.0.
func TestSendValidation(t *testing.T) {
	dir := t.TempDir()
	path := stdDB(t, dir)
	appendRecs(t, path, Record{Chat: &Chat{ID: 9}}) // a chat with neither identifier nor guid
	h := start(t, path)
	cases := []struct{ params, code, data string }{
		{`{"service":"iMessage","to":"+1","text":"x"}`, "-32602", "invalid service"},
		{`{"service":"SMS"}`, "-32602", "invalid service"},
		{`{"service":"sms","transport":"pigeon"}`, "-32602", "invalid transport"},
		{`{"transport":"AppleScript","to":"+1","chat_guid":"g","text":"x"}`, "-32602", "use to or chat_*; not both"},
		{`{"to":"+1","chat_id":"abc","text":"x","file":""}`, "-32602", "" /* chat_id unparsable = absent: a direct send */},
		{`{"text":"x"}`, "-32602", "to is required for direct sends"},
		{`{"to":"","chat_identifier":"","text":"x"}`, "-32602", "to is required for direct sends"},
		{`{"chat_id":7,"text":""}`, "-32602", "text or file is required"},
		{`{"to":"+15551234567"}`, "-32602", "text or file is required"},
		{`{"chat_id":404,"text":"x"}`, "-32602", "unknown chat_id 404"},
		{`{"chat_id":"404"}`, "-32602", "text or file is required"}, // target checks come first, then text/file, then the chat
		{`{"chat_id":9,"text":"x"}`, "-32602", "missing chat identifier or guid"},
		{`{"chat_id":7,"file":"` + filepath.Join(dir, "none.png") + `"}`, "-32603", "AppleScript failed: Attachment not found at " + filepath.Join(dir, "none.png")},
		{`{"chat_guid":"iMessage;+;chat000","text":"x"}`, "-32603", `AppleScript failed: Messages got an error: Can’t get chat id "iMessage;+;chat000". (-1728)`},
		{`{"chat_id":7,"text":"x","transport":"bridge"}`, "-32603", "IMCore bridge is not running; run imsg launch first"},
		{`{"to":"+19995550000","text":"x","transport":"bridge"}`, "-32602", "bridge transport requires an existing chat target"},
	}
	for _, c := range cases {
		m := h.call(`{"jsonrpc":"2.0","id":1,"method":"send","params":` + c.params + `}`)
		if c.data == "" {
			if m["result"] == nil {
				t.Errorf("%s: want success, got %v", c.params, m["error"])
			}
			continue
		}
		code, _ := get(m, "error", "code").(json.Number)
		if string(code) != c.code || errData(m) != c.data {
			t.Errorf("%s:\n got %v\nwant %s %q", c.params, m["error"], c.code, c.data)
		}
	}
	// Every send request is recorded with its outcome.
	b, _ := os.ReadFile(h.sends)
	if n := strings.Count(string(b), "\n"); n != len(cases) {
		t.Errorf("sends log has %d lines, want %d", n, len(cases))
	}
	if !strings.Contains(string(b), `"error":{"code":-32602,"message":"Invalid params","data":"invalid service"}`) {
		t.Errorf("sends log: %s", b)
	}
}

var guidRE = regexp.MustCompile(`^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$`)

func TestSendResultsAndEcho(t *testing.T) {
	dir := t.TempDir()
	path := stdDB(t, dir)
	pic := filepath.Join(dir, "a.png")
	os.WriteFile(pic, []byte("png!"), 0o644)
	h := start(t, path)
	h.srv.cfg.GUIDs = "" // real-looking random guids
	h.send(`{"jsonrpc":"2.0","id":1,"method":"watch.subscribe","params":{"chat_id":42}}`)
	h.send(`{"jsonrpc":"2.0","id":2,"method":"watch.subscribe","params":{"attachments":true}}`)
	h.next()
	h.next()

	// A group send: echoed to both subscriptions; the sender falls back to destination_caller_id.
	m := h.call(`{"jsonrpc":"2.0","id":3,"method":"send","params":{"chat_id":42,"text":"hello group","service":"auto"}}`)
	res := m["result"].(map[string]any)
	if num(res["id"]) != 4201 || !guidRE.MatchString(res["guid"].(string)) || res["transport"] != "applescript" {
		t.Fatalf("result = %v", res)
	}
	for i := 0; i < 2; i++ {
		e := h.nextJSON()
		msg := get(e, "params", "message").(map[string]any)
		if msg["is_from_me"] != true || msg["guid"] != res["guid"] || num(msg["id"]) != 4201 || msg["sender"] != "me@icloud.com" ||
			msg["is_group"] != true || msg["chat_name"] != "Weekend plans" {
			t.Errorf("echo = %v", msg)
		}
	}

	// A direct send to a new number creates its chat, like Messages; numbers are normalised to E.164.
	m = h.call(`{"jsonrpc":"2.0","id":4,"method":"send","params":{"to":"(555) 000-1111","text":"hi","region":"US"}}`)
	e := h.nextJSON() // only subscription 2 (all chats)
	msg := get(e, "params", "message").(map[string]any)
	if num(get(e, "params", "subscription")) != 2 || msg["chat_identifier"] != "+15550001111" || msg["chat_guid"] != "iMessage;-;+15550001111" ||
		msg["sender"] != "+15550001111" || num(msg["id"]) != num(get(m, "result", "id")) {
		t.Errorf("direct echo = %v (result %v)", e, m)
	}
	// SMS goes to the SMS chat.
	h.call(`{"jsonrpc":"2.0","id":5,"method":"send","params":{"to":"+15550001111","text":"sms","service":"sms"}}`)
	if g := get(h.nextJSON(), "params", "message", "chat_guid"); g != "SMS;-;+15550001111" {
		t.Errorf("sms chat = %v", g)
	}
	// chat_identifier that looks like a handle is a direct send.
	h.call(`{"jsonrpc":"2.0","id":6,"method":"send","params":{"chat_identifier":"+15551234567","text":"via ident"}}`)
	if c := num(get(h.nextJSON(), "params", "message", "chat_id")); c != 7 {
		t.Errorf("chat_identifier send landed in chat %d", c)
	}

	// Text and file: two messages, the result names the text row; the file row follows.
	m = h.call(`{"jsonrpc":"2.0","id":7,"method":"send","params":{"chat_id":7,"text":"look","file":"` + pic + `"}}`)
	textID := num(get(m, "result", "id"))
	e1, e2 := h.nextJSON(), h.nextJSON()
	if msgID(t, e1) != textID || msgID(t, e2) != textID+1 || get(e2, "params", "message", "text") != "\ufffc" {
		t.Errorf("text+file echoes: %v / %v", e1, e2)
	}
	if a := get(e2, "params", "message", "attachments").([]any); len(a) != 1 || get(a[0], "filename") != pic || num(get(a[0], "total_bytes")) != 4 {
		t.Errorf("file echo attachment = %v", a)
	}
	// Ids continue the database's rowids across processes.
	d, _ := openDB(path)
	defer d.close()
	if d.maxRow != textID+1 {
		t.Errorf("file max rowid %d, want %d", d.maxRow, textID+1)
	}
	// An id-less send is performed; nothing is answered.
	h.send(`{"jsonrpc":"2.0","method":"send","params":{"chat_id":7,"text":"quiet"}}`)
	if get(h.nextJSON(), "params", "message", "text") != "quiet" {
		t.Error("id-less send not echoed")
	}
	h.quiet(60 * time.Millisecond)
}

// TestOlderSendResults: before 0.8.1 no transport, before 0.6.0 only ok; and
// debounce_ms is not validated before 0.6.0.
func TestOlderVersions(t *testing.T) {
	for _, c := range []struct{ ver, want string }{
		{"0.8.0", `{"jsonrpc":"2.0","id":1,"result":{"ok":true,"id":4201,"guid":"00000000-0000-4000-8000-000000001069"}}`},
		{"0.5.0", `{"jsonrpc":"2.0","id":1,"result":{"ok":true}}`},
	} {
		h := start(t, stdDB(t, t.TempDir()), withVersion(c.ver))
		h.send(`{"jsonrpc":"2.0","id":1,"method":"send","params":{"chat_id":7,"text":"x"}}`)
		want(t, h.next(), c.want)
	}
	h := start(t, stdDB(t, t.TempDir()), withVersion("0.5.0"))
	h.send(`{"jsonrpc":"2.0","id":2,"method":"watch.subscribe","params":{"debounce_ms":-5}}`)
	want(t, h.next(), `{"jsonrpc":"2.0","id":2,"result":{"subscription":1}}`)
}
