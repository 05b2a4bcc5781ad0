package fakeimsg

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSampleSession replays imsg-rpc.md §9.5 line for line: the fake must
// write exactly what the spec shows (ids, guids and times made
// deterministic; slashes escaped as imsg writes them).
func TestSampleSession(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "chat.jsonl")
	writeDB(t, path,
		Record{Chat: dmChat(7, "+15551234567")},
		Record{Row: row(4200, 7, "+15551234567", "earlier", "2026-05-16T15:20:00.000Z")},
	)
	h := start(t, path)
	home := h.srv.cfg.Home
	att := filepath.Join(home, "Library/Messages/Attachments/1a/10/AB12CD34-0000-4000-8000-000000000001/IMG_0001.heic")
	if err := os.MkdirAll(filepath.Dir(att), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(att, []byte("heic"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "reply.png"), []byte("png"), 0o644); err != nil {
		t.Fatal(err)
	}
	esc := func(s string) string { return strings.ReplaceAll(s, "/", `\/`) }

	h.send(`{"jsonrpc":"2.0","id":1,"method":"chats.list","params":{"limit":1}}`)
	want(t, h.next(), `{"jsonrpc":"2.0","id":1,"result":{"chats":[{"id":7,"identifier":"+15551234567","guid":"iMessage;-;+15551234567","name":"+15551234567","service":"iMessage","last_message_at":"2026-05-16T15:20:00.000Z","participants":["+15551234567"],"is_group":false}]}}`)
	h.send(`{"jsonrpc":"2.0","id":2,"method":"watch.subscribe","params":{"attachments":true}}`)
	want(t, h.next(), `{"jsonrpc":"2.0","id":2,"result":{"subscription":1}}`)

	appendRecs(t, path, Record{Row: &Row{
		ChatID: 7, GUID: "6F1C2B7E-0A4D-4C1B-9E55-1B2C3D4E5F60", Sender: "+15551234567", Text: "see pic",
		CreatedAt: "2026-05-16T15:24:36.123Z", DestinationCallerID: "me@icloud.com",
		Attachments: []Attachment{{
			Filename:     "~/Library/Messages/Attachments/1a/10/AB12CD34-0000-4000-8000-000000000001/IMG_0001.heic",
			TransferName: "IMG_0001.heic", UTI: "public.heic", MimeType: "image/heic", TotalBytes: 482113,
		}},
	}})
	want(t, h.next(), `{"jsonrpc":"2.0","method":"message","params":{"subscription":1,"message":{"id":4201,"chat_id":7,"guid":"6F1C2B7E-0A4D-4C1B-9E55-1B2C3D4E5F60","sender":"+15551234567","is_from_me":false,"text":"see pic","created_at":"2026-05-16T15:24:36.123Z","attachments":[{"filename":"~\/Library\/Messages\/Attachments\/1a\/10\/AB12CD34-0000-4000-8000-000000000001\/IMG_0001.heic","transfer_name":"IMG_0001.heic","uti":"public.heic","mime_type":"image\/heic","total_bytes":482113,"is_sticker":false,"original_path":"`+esc(att)+`","missing":false}],"reactions":[],"destination_caller_id":"me@icloud.com","chat_identifier":"+15551234567","chat_guid":"iMessage;-;+15551234567","chat_name":"+15551234567","participants":["+15551234567"],"is_group":false}}}`)

	h.send(`{"jsonrpc":"2.0","id":3,"method":"send","params":{"chat_id":7,"text":"got it","service":"auto","region":"US"}}`)
	want(t, h.next(), `{"jsonrpc":"2.0","id":3,"result":{"ok":true,"transport":"applescript","id":4202,"guid":"00000000-0000-4000-8000-00000000106A"}}`)
	want(t, h.next(), `{"jsonrpc":"2.0","method":"message","params":{"subscription":1,"message":{"id":4202,"chat_id":7,"guid":"00000000-0000-4000-8000-00000000106A","sender":"+15551234567","is_from_me":true,"text":"got it","created_at":"2026-05-16T15:24:40.004Z","attachments":[],"reactions":[],"destination_caller_id":"me@icloud.com","chat_identifier":"+15551234567","chat_guid":"iMessage;-;+15551234567","chat_name":"+15551234567","participants":["+15551234567"],"is_group":false}}}`)

	h.send(`{"jsonrpc":"2.0","id":4,"method":"send","params":{"chat_id":7,"file":"` + esc(filepath.Join(dir, "reply.png")) + `"}}`)
	want(t, h.next(), `{"jsonrpc":"2.0","id":4,"result":{"ok":true,"transport":"applescript"}}`)
	m := h.nextJSON() // the file's echo: an attachment row
	if get(m, "params", "message", "text") != "\ufffc" || num(get(m, "params", "message", "id")) != 4203 {
		t.Errorf("file echo = %v", m)
	}
	if a, _ := get(m, "params", "message", "attachments").([]any); len(a) != 1 || get(a[0], "mime_type") != "image/png" || get(a[0], "missing") != false {
		t.Errorf("file echo attachments = %v", get(m, "params", "message", "attachments"))
	}

	h.send(`{"jsonrpc":"2.0","id":5,"method":"send","params":{"to":"+15551234567"}}`)
	want(t, h.next(), `{"jsonrpc":"2.0","id":5,"error":{"code":-32602,"message":"Invalid params","data":"text or file is required"}}`)
	h.send(`{"jsonrpc":"2.0","id":6,"method":"send","params":{"chat_id":7,"to":"+15551234567","text":"x"}}`)
	want(t, h.next(), `{"jsonrpc":"2.0","id":6,"error":{"code":-32602,"message":"Invalid params","data":"use to or chat_*; not both"}}`)
	h.send(`{"jsonrpc":"2.0","id":7,"method":"nope"}`)
	want(t, h.next(), `{"jsonrpc":"2.0","id":7,"error":{"code":-32601,"message":"Method not found","data":"nope"}}`)
	h.send(`not-json`)
	want(t, h.next(), `{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error","data":"`+foundationParseError+`"}}`)
	h.send(`{"jsonrpc":"2.0","id":8,"method":"watch.unsubscribe","params":{"subscription":1}}`)
	want(t, h.next(), `{"jsonrpc":"2.0","id":8,"result":{"ok":true}}`)
	if code := h.eof(); code != 0 {
		t.Errorf("exit status %d, want 0", code)
	}
	if rest := h.rest(); len(rest) != 0 {
		t.Errorf("lines after EOF: %q", rest)
	}
}

func want(t *testing.T, got, wantLine string) {
	t.Helper()
	if got != wantLine {
		t.Errorf("line mismatch\n got: %s\nwant: %s", got, wantLine)
	}
}

// TestFraming covers imsg 0.9.0's request validation (imsg-rpc.md §1.2–§1.5).
func TestFraming(t *testing.T) {
	h := start(t, stdDB(t, t.TempDir()))
	cases := []struct{ in, out string }{
		{`[1,2]`, `{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Invalid Request","data":"request must be an object"}}`},
		{`[]`, `{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Invalid Request","data":"request must be an object"}}`},
		{`42`, `{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error","data":"` + foundationParseError + `"}}`},
		{`{"id":1}{"id":2}`, `{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error","data":"` + foundationParseError + `"}}`},
		{`{"jsonrpc":"1.0","id":"a/b","method":"chats.list"}`, `{"jsonrpc":"2.0","id":"a\/b","error":{"code":-32600,"message":"Invalid Request","data":"jsonrpc must be 2.0"}}`},
		{`{"jsonrpc":"2.0","id":3}`, `{"jsonrpc":"2.0","id":3,"error":{"code":-32600,"message":"Invalid Request","data":"method is required"}}`},
		{`{"jsonrpc":"2.0","id":3,"method":""}`, `{"jsonrpc":"2.0","id":3,"error":{"code":-32600,"message":"Invalid Request","data":"method is required"}}`},
		{`{"jsonrpc":"2.0","id":3,"method":7}`, `{"jsonrpc":"2.0","id":3,"error":{"code":-32600,"message":"Invalid Request","data":"method is required"}}`},
		{`{"jsonrpc":"2.0","method":""}`, `{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Invalid Request","data":"method is required"}}`},
		// A missing or non-string jsonrpc is accepted; params of the wrong type read as {}.
		{`{"id":"3b","method":"watch.unsubscribe","params":[1]}`, `{"jsonrpc":"2.0","id":"3b","error":{"code":-32602,"message":"Invalid params","data":"subscription is required"}}`},
		{`{"jsonrpc":2.0,"id":2.5,"method":"watch.unsubscribe","params":{"subscription":"9"}}`, `{"jsonrpc":"2.0","id":2.5,"result":{"ok":true}}`},
		// ids are echoed whatever their type; an explicit null is a real id.
		{`{"jsonrpc":"2.0","id":null,"method":"watch.unsubscribe","params":{"subscription":1}}`, `{"jsonrpc":"2.0","id":null,"result":{"ok":true}}`},
		{`{"jsonrpc":"2.0","id":{"k":[1,"x/y"]},"method":"nope"}`, `{"jsonrpc":"2.0","id":{"k":[1,"x\/y"]},"error":{"code":-32601,"message":"Method not found","data":"nope"}}`},
		// Method names are case-sensitive.
		{`{"jsonrpc":"2.0","id":9,"method":"Chats.List"}`, `{"jsonrpc":"2.0","id":9,"error":{"code":-32601,"message":"Method not found","data":"Chats.List"}}`},
		// Whitespace around a line is trimmed; invalid UTF-8 is repaired, not refused.
		{"  \t{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"x\xff\"}\r", `{"jsonrpc":"2.0","id":10,"error":{"code":-32601,"message":"Method not found","data":"x` + "\uFFFD" + `"}}`},
		// An id-less error is still written, with id null.
		{`{"jsonrpc":"2.0","method":"nope"}`, `{"jsonrpc":"2.0","id":null,"error":{"code":-32601,"message":"Method not found","data":"nope"}}`},
	}
	for _, c := range cases {
		h.send(c.in)
		if got := h.next(); got != c.out {
			t.Errorf("%q\n got: %s\nwant: %s", c.in, got, c.out)
		}
	}
	// Blank lines are skipped; an id-less success writes nothing.
	h.send("", "   ", `{"jsonrpc":"2.0","method":"chats.list"}`)
	h.quiet(100 * time.Millisecond)
	if code := h.eof(); code != 0 {
		t.Errorf("exit %d", code)
	}
}

func TestChatsList(t *testing.T) {
	path := stdDB(t, t.TempDir())
	h := start(t, path)
	m := h.call(`{"jsonrpc":"2.0","id":1,"method":"chats.list"}`)
	chats := get(m, "result", "chats").([]any)
	// Only chats with messages, newest activity first.
	if len(chats) != 2 || num(get(chats[0], "id")) != 7 || num(get(chats[1], "id")) != 42 {
		t.Fatalf("chats = %v", chats)
	}
	g := chats[1]
	if get(g, "is_group") != true || get(g, "name") != "Weekend plans" || get(g, "guid") != "iMessage;+;chat123456789012345678" {
		t.Errorf("group = %v", g)
	}
	for _, in := range []string{`{"limit":0}`, `{"limit":-5}`, `{"limit":"1"}`, `{"limit":1.9}`, `{"limit":true}`} {
		m := h.call(`{"jsonrpc":"2.0","id":2,"method":"chats.list","params":` + in + `}`)
		if n := len(get(m, "result", "chats").([]any)); n != 1 {
			t.Errorf("params %s: %d chats, want 1 (limit raised to 1 / coerced)", in, n)
		}
	}
	m = h.call(`{"jsonrpc":"2.0","id":3,"method":"chats.list","params":{"limit":"x"}}`)
	if n := len(get(m, "result", "chats").([]any)); n != 2 {
		t.Errorf("unparsable limit: %d chats, want the default", n)
	}
	// A late-synced row in the group with an old date does not move the group up.
	appendRecs(t, path, Record{Row: row(0, 42, "+15557654321", "old", "2026-01-01T00:00:00Z")})
	m = h.call(`{"jsonrpc":"2.0","id":4,"method":"chats.list"}`)
	if chats := get(m, "result", "chats").([]any); num(get(chats[0], "id")) != 7 {
		t.Errorf("order after a late-synced row: %v", chats)
	}
}

func TestMessagesHistory(t *testing.T) {
	dir := t.TempDir()
	path := stdDB(t, dir)
	yes := true
	appendRecs(t, path,
		Record{Row: &Row{
			ChatID: 7, GUID: "G-PIC", Sender: "+15551234567", Text: "\ufffc", CreatedAt: "2026-05-16T15:21:00Z",
			Attachments: []Attachment{{Filename: filepath.Join(dir, "nope.jpg"), MimeType: "image/jpeg"}},
		}},
		Record{Row: &Row{
			ChatID: 7, GUID: "G-REACT", Sender: "+15551234567", Text: "Loved “first”", CreatedAt: "2026-05-16T15:22:00Z",
			IsReaction: true, ReactionType: "love", IsReactionAdd: &yes, ReactedToGUID: newGUID("rowid", 4199),
		}},
		Record{Row: &Row{ChatID: 7, GUID: "G-ME", IsFromMe: true, Sender: "+15551234567", Text: "mine", CreatedAt: "2026-05-16T15:23:00Z", DestinationCallerID: "me@x"}},
	)
	h := start(t, path)
	errs := []struct{ params, code, data string }{
		{`{}`, "-32602", "chat_id is required"},
		{`{"chat_id":"abc"}`, "-32602", "chat_id is required"},
		{`{"chat_id":7,"start":"yesterday"}`, "-32603", "Invalid ISO8601 date: yesterday"},
		{`{"chat_id":7,"end":"2026-05-16"}`, "-32603", "Invalid ISO8601 date: 2026-05-16"},
	}
	for _, c := range errs {
		m := h.call(`{"jsonrpc":"2.0","id":1,"method":"messages.history","params":` + c.params + `}`)
		if get(m, "error", "code").(interface{ String() string }).String() != c.code || errData(m) != c.data {
			t.Errorf("%s: got %v, want %s %q", c.params, m["error"], c.code, c.data)
		}
	}
	ids := func(m map[string]any) (out []int64) {
		for _, x := range get(m, "result", "messages").([]any) {
			out = append(out, num(get(x, "id")))
		}
		return
	}
	m := h.call(`{"jsonrpc":"2.0","id":2,"method":"messages.history","params":{"chat_id":"7"}}`)
	// Newest first, tapback rows left out.
	if got := ids(m); !equalInts(got, []int64{4203, 4201, 4199}) {
		t.Errorf("history ids = %v", got)
	}
	msgs := get(m, "result", "messages").([]any)
	first := msgs[2]
	if r := get(first, "reactions").([]any); len(r) != 1 || get(r[0], "type") != "love" || get(r[0], "emoji") != "❤️" {
		t.Errorf("reactions are always filled in history: %v", get(first, "reactions"))
	}
	if a := get(msgs[1], "attachments").([]any); len(a) != 0 {
		t.Errorf("attachments without attachments:true: %v", a)
	}
	m = h.call(`{"jsonrpc":"2.0","id":3,"method":"messages.history","params":{"chat_id":7,"attachments":"true","limit":2}}`)
	if got := ids(m); !equalInts(got, []int64{4203, 4201}) {
		t.Errorf("limit 2 = %v", got)
	}
	if a := get(get(m, "result", "messages").([]any)[1], "attachments").([]any); len(a) != 1 || get(a[0], "missing") != true {
		t.Errorf("attachment of a file that does not exist: %v", a)
	}
	m = h.call(`{"jsonrpc":"2.0","id":4,"method":"messages.history","params":{"chat_id":7,"start":"2026-05-16T15:21:00Z","end":"2026-05-16T17:23:00+02:00"}}`)
	if got := ids(m); !equalInts(got, []int64{4201}) {
		t.Errorf("start inclusive, end exclusive = %v", got)
	}
	m = h.call(`{"jsonrpc":"2.0","id":5,"method":"messages.history","params":{"chat_id":7,"participants":"me@X"}}`)
	if got := ids(m); !equalInts(got, []int64{}) {
		// "mine" has a sender (the other party), so the filter does not see destination_caller_id.
		t.Errorf("participants me@X = %v", got)
	}
	m = h.call(`{"jsonrpc":"2.0","id":6,"method":"messages.history","params":{"chat_id":7,"participants":["+15551234567"],"limit":1}}`)
	if got := ids(m); !equalInts(got, []int64{4203}) {
		t.Errorf("participants = %v", got)
	}
	m = h.call(`{"jsonrpc":"2.0","id":7,"method":"messages.history","params":{"chat_id":999}}`)
	if got := ids(m); len(got) != 0 || m["error"] != nil {
		t.Errorf("unknown chat: %v", m)
	}
}

func equalInts(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
