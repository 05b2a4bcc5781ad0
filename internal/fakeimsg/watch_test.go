package fakeimsg

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func msgID(t *testing.T, m map[string]any) int64 {
	t.Helper()
	if get(m, "method") != "message" {
		t.Fatalf("not a message notification: %v", m)
	}
	return num(get(m, "params", "message", "id"))
}

func TestWatchSubscribeValidation(t *testing.T) {
	h := start(t, stdDB(t, t.TempDir()))
	bad := `{"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"Invalid params","data":"debounce_ms must be a non-negative integer"}}`
	for _, p := range []string{`{"debounce_ms":-1}`, `{"debounce_ms":1.5}`, `{"debounce_ms":"x"}`, `{"debounceMs":true}`, `{"debounce_ms":null}`, `{"debounce_ms":"-3"}`} {
		h.send(`{"jsonrpc":"2.0","id":1,"method":"watch.subscribe","params":` + p + `}`)
		want(t, h.next(), bad)
	}
	h.send(`{"jsonrpc":"2.0","id":1,"method":"watch.subscribe","params":{"chat_id":7,"start":"noon"}}`)
	want(t, h.next(), `{"jsonrpc":"2.0","id":1,"error":{"code":-32603,"message":"Internal error","data":"Invalid ISO8601 date: noon"}}`)
	// Failed subscribes used no number; numbers count per process, not per request id.
	for i, p := range []string{`{"debounce_ms":0}`, `{"debounceMs":"250"}`, `{}`} {
		h.send(fmt.Sprintf(`{"jsonrpc":"2.0","id":"r%d","method":"watch.subscribe","params":%s}`, 10+i, p))
		want(t, h.next(), fmt.Sprintf(`{"jsonrpc":"2.0","id":"r%d","result":{"subscription":%d}}`, 10+i, i+1))
	}
	// watch.unsubscribe
	h.send(`{"jsonrpc":"2.0","id":5,"method":"watch.unsubscribe","params":{}}`)
	want(t, h.next(), `{"jsonrpc":"2.0","id":5,"error":{"code":-32602,"message":"Invalid params","data":"subscription is required"}}`)
	h.send(`{"jsonrpc":"2.0","id":6,"method":"watch.unsubscribe","params":{"subscription":77}}`)
	want(t, h.next(), `{"jsonrpc":"2.0","id":6,"result":{"ok":true}}`)
}

func TestWatchCursorAndFilters(t *testing.T) {
	path := stdDB(t, t.TempDir())
	h := start(t, path)
	// since_rowid is exclusive; a negative cursor replays everything; 0 and omitted mean "now".
	h.send(`{"jsonrpc":"2.0","id":1,"method":"watch.subscribe","params":{"since_rowid":4199}}`)
	h.next()
	if id := msgID(t, h.nextJSON()); id != 4200 {
		t.Errorf("since 4199 replayed %d", id)
	}
	h.send(`{"jsonrpc":"2.0","id":2,"method":"watch.subscribe","params":{"since_rowid":-1,"chat_id":7}}`)
	h.next()
	if id := msgID(t, h.nextJSON()); id != 4199 {
		t.Errorf("since -1 in chat 7 replayed %d", id)
	}
	h.send(`{"jsonrpc":"2.0","id":3,"method":"watch.subscribe","params":{"since_rowid":0,"chat_id":"42"}}`)
	h.next()
	h.send(`{"jsonrpc":"2.0","id":4,"method":"watch.subscribe","params":{"chat_id":999}}`) // unknown: accepted, silent
	want(t, h.next(), `{"jsonrpc":"2.0","id":4,"result":{"subscription":4}}`)
	h.quiet(80 * time.Millisecond)

	// A row in chat 42: subscriptions 1 (all chats) and 3 (chat 42) get it, 2 and 4 do not.
	appendRecs(t, path, Record{Row: row(0, 42, "+15557654321", "new in group", "2026-05-16T16:00:00Z")})
	got := map[int64]int64{}
	for i := 0; i < 2; i++ {
		m := h.nextJSON()
		got[num(get(m, "params", "subscription"))] = msgID(t, m)
	}
	if got[1] != 4201 || got[3] != 4201 || len(got) != 2 {
		t.Errorf("deliveries = %v", got)
	}
	h.quiet(80 * time.Millisecond)

	// participants, start and end are applied after the cursor moved.
	h.send(`{"jsonrpc":"2.0","id":5,"method":"watch.subscribe","params":{"since_rowid":-1,"participants":"+15557654321","start":"2026-05-16T15:30:00Z"}}`)
	want(t, h.next(), `{"jsonrpc":"2.0","id":5,"result":{"subscription":5}}`)
	if id := msgID(t, h.nextJSON()); id != 4201 {
		t.Errorf("filtered replay gave %d", id)
	}
	h.quiet(80 * time.Millisecond)
}

func TestWatchBatchesOf100(t *testing.T) {
	path := filepath.Join(t.TempDir(), "chat.jsonl")
	recs := []Record{{Chat: dmChat(1, "+15550000001")}}
	for i := 1; i <= 250; i++ {
		recs = append(recs, Record{Row: row(int64(i), 1, "+15550000001", fmt.Sprint(i), "2026-05-16T15:00:00Z")})
	}
	writeDB(t, path, recs...)
	h := start(t, path)
	h.send(`{"jsonrpc":"2.0","id":1,"method":"watch.subscribe","params":{"since_rowid":-1}}`)
	h.next()
	// The first poll runs at once and reads 100 rows; the rest come on later polls, in order.
	for i := 1; i <= 250; i++ {
		if id := msgID(t, h.nextJSON()); id != int64(i) {
			t.Fatalf("row %d arrived as %d", i, id)
		}
	}
}

func TestWatchAttachmentsAndReactions(t *testing.T) {
	dir := t.TempDir()
	path := stdDB(t, dir)
	present := filepath.Join(dir, "IMG_1.jpg")
	os.WriteFile(present, []byte("jpeg"), 0o644)
	h := start(t, path)
	h.send(`{"jsonrpc":"2.0","id":1,"method":"watch.subscribe","params":{}}`)
	h.send(`{"jsonrpc":"2.0","id":2,"method":"watch.subscribe","params":{"attachments":true,"include_reactions":1}}`)
	h.next()
	h.next()
	yes := true
	appendRecs(t, path,
		Record{Row: &Row{
			ChatID: 7, GUID: "G1", Sender: "+15551234567", Text: "\ufffc\ufffc", CreatedAt: "2026-05-16T16:00:00Z",
			Attachments: []Attachment{
				makeAttachment(present, "", ""),
				makeAttachment(filepath.Join(dir, "gone.heic"), "", ""),
			},
		}},
		Record{Row: &Row{
			ChatID: 7, GUID: "G2", Sender: "+15551234567", Text: "Liked “see pic”", CreatedAt: "2026-05-16T16:00:01Z",
			IsReaction: true, ReactionType: "like", IsReactionAdd: &yes, ReactedToGUID: "G1",
		}},
	)
	bySub := map[int64][]map[string]any{}
	for i := 0; i < 3; i++ {
		m := h.nextJSON()
		s := num(get(m, "params", "subscription"))
		bySub[s] = append(bySub[s], get(m, "params", "message").(map[string]any))
	}
	h.quiet(80 * time.Millisecond)
	if len(bySub[1]) != 1 || len(bySub[2]) != 2 {
		t.Fatalf("sub 1 got %d, sub 2 got %d messages", len(bySub[1]), len(bySub[2]))
	}
	if a := bySub[1][0]["attachments"].([]any); len(a) != 0 {
		t.Errorf("attachments:false must give [] : %v", a)
	}
	a := bySub[2][0]["attachments"].([]any)
	if len(a) != 2 || get(a[0], "missing") != false || get(a[1], "missing") != true ||
		get(a[0], "mime_type") != "image/jpeg" || get(a[0], "uti") != "public.jpeg" || num(get(a[0], "total_bytes")) != 4 ||
		get(a[1], "original_path") != filepath.Join(dir, "gone.heic") || get(a[1], "transfer_name") != "gone.heic" {
		t.Errorf("attachments = %v", a)
	}
	tb := bySub[2][1]
	if tb["is_reaction"] != true || tb["reaction_type"] != "like" || tb["reaction_emoji"] != "👍" || tb["is_reaction_add"] != true || tb["reacted_to_guid"] != "G1" {
		t.Errorf("tapback event = %v", tb)
	}
	if _, ok := bySub[1][0]["is_reaction"]; ok {
		t.Errorf("is_reaction must be absent on a plain message")
	}
}

func TestWatchPicksUpOtherProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("runs processes")
	}
	path := stdDB(t, t.TempDir())
	h := start(t, path)
	h.send(`{"jsonrpc":"2.0","id":1,"method":"watch.subscribe","params":{}}`)
	h.next()
	out, err := fakeCmd(t, nil, "say", "--db", path, "--from", "+15551234567", "hello", "from", "say").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "4201" {
		t.Fatalf("say: %v %q", err, out)
	}
	m := h.nextJSON()
	if msgID(t, m) != 4201 || get(m, "params", "message", "text") != "hello from say" || num(get(m, "params", "message", "chat_id")) != 7 {
		t.Errorf("picked up %v", m)
	}
}

// TestConcurrentAppenders: writers in several processes and goroutines never
// reuse a rowid and never interleave lines.
func TestConcurrentAppenders(t *testing.T) {
	path := stdDB(t, t.TempDir())
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			a := NewAppender(path) // its own open file: flock serialises them
			defer a.Close()
			for i := 0; i < 25; i++ {
				if _, err := appendSay(a, sayOpts{From: fmt.Sprintf("+1555000%04d", g), Text: fmt.Sprint(i)}, "", "rowid", fixedNow); err != nil {
					t.Error(err)
				}
			}
		}(g)
	}
	if !testing.Short() {
		for p := 0; p < 4; p++ {
			wg.Add(1)
			go func(p int) {
				defer wg.Done()
				cmd := fakeCmd(t, nil, "script", "--db", path, "-")
				var lines []string
				for i := 0; i < 10; i++ {
					lines = append(lines, fmt.Sprintf(`{"from":"+1666000%04d","text":"p%d"}`, p, i))
				}
				cmd.Stdin = strings.NewReader(strings.Join(lines, "\n"))
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Errorf("script: %v %s", err, out)
				}
			}(p)
		}
	}
	wg.Wait()
	d, err := openDB(path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.close()
	wantRows := 2 + 8*25
	if !testing.Short() {
		wantRows += 4 * 10
	}
	if len(d.rows) != wantRows || d.badLines != 0 {
		t.Fatalf("%d rows, %d bad lines; want %d rows", len(d.rows), d.badLines, wantRows)
	}
	for i := 1; i < len(d.rows); i++ {
		if d.rows[i].ID != d.rows[i-1].ID+1 && i > 1 {
			t.Fatalf("rowids not consecutive at %d: %d after %d", i, d.rows[i].ID, d.rows[i-1].ID)
		}
	}
	// Every DM got exactly one chat.
	seen := map[string]int{}
	for _, c := range d.chats {
		seen[c.Identifier]++
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%s has %d chats", k, n)
		}
	}
}

// TestTornLastLine: a line without its newline is not read until it is complete.
func TestTornLastLine(t *testing.T) {
	path := stdDB(t, t.TempDir())
	h := start(t, path)
	h.send(`{"jsonrpc":"2.0","id":1,"method":"watch.subscribe","params":{}}`)
	h.next()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	line := `{"row":{"id":5000,"chat_id":7,"guid":"T","sender":"+15551234567","is_from_me":false,"text":"torn","created_at":"2026-05-16T16:00:00Z"}}`
	f.WriteString(line[:40])
	h.quiet(120 * time.Millisecond)
	f.WriteString(line[40:] + "\n")
	if id := msgID(t, h.nextJSON()); id != 5000 {
		t.Errorf("completed line gave %d", id)
	}
	// A writer that died mid-line: the next append ends the garbage line and goes on.
	f.WriteString(`{"row":{"id":6000,"chat`)
	appendRecs(t, path, Record{Row: row(0, 7, "+15551234567", "after garbage", "2026-05-16T16:00:01Z")})
	m := h.nextJSON()
	if msgID(t, m) != 5001 || get(m, "params", "message", "text") != "after garbage" {
		t.Errorf("after a dead writer: %v", m)
	}
}

func TestLateSyncedRow(t *testing.T) {
	path := stdDB(t, t.TempDir())
	h := start(t, path)
	h.send(`{"jsonrpc":"2.0","id":1,"method":"watch.subscribe","params":{}}`)
	h.next()
	a := NewAppender(path)
	defer a.Close()
	if _, err := appendSay(a, sayOpts{From: "+15551234567", Text: "sent last year", Date: "2025-01-02T03:04:05Z"}, "", "rowid", fixedNow); err != nil {
		t.Fatal(err)
	}
	m := h.nextJSON()
	if msgID(t, m) != 4201 || get(m, "params", "message", "created_at") != "2025-01-02T03:04:05.000Z" {
		t.Errorf("late-synced row = %v", m)
	}
}

func TestUnsubscribeStops(t *testing.T) {
	path := stdDB(t, t.TempDir())
	h := start(t, path)
	h.send(`{"jsonrpc":"2.0","id":1,"method":"watch.subscribe","params":{}}`)
	h.next()
	h.send(`{"jsonrpc":"2.0","id":2,"method":"watch.unsubscribe","params":{"subscription":"1"}}`)
	want(t, h.next(), `{"jsonrpc":"2.0","id":2,"result":{"ok":true}}`)
	appendRecs(t, path, Record{Row: row(0, 7, "+15551234567", "x", "2026-05-16T16:00:00Z")})
	h.quiet(100 * time.Millisecond)
}

// TestDatabaseReplaced09: imsg 0.9 keeps reading the file it opened, so a
// database renamed over the path is invisible to it; sends still go to
// Messages (the new file) but are not found, so they come back without id.
func TestDatabaseReplaced09(t *testing.T) {
	path := stdDB(t, t.TempDir())
	h := start(t, path)
	h.send(`{"jsonrpc":"2.0","id":1,"method":"watch.subscribe","params":{}}`)
	h.next()
	var out lineSink
	e := &env{stdout: &out, stderr: &out, getenv: func(string) string { return "" }}
	if err := (&replaceCmd{DB: path}).Run(e); err != nil {
		t.Fatal(err)
	}
	appendRecs(t, path, Record{Row: row(0, 7, "+15551234567", "in the new file", "2026-05-16T16:00:00Z")})
	h.quiet(100 * time.Millisecond)
	h.send(`{"jsonrpc":"2.0","id":2,"method":"send","params":{"chat_id":7,"text":"hi"}}`)
	want(t, h.next(), `{"jsonrpc":"2.0","id":2,"result":{"ok":true,"transport":"applescript"}}`)
	h.quiet(80 * time.Millisecond)
	d, _ := openDB(path)
	defer d.close()
	if len(d.rows) != 2 || d.rows[0].ID != 1 || d.rows[1].Text != "hi" {
		t.Errorf("new file rows: %+v", d.rows)
	}
	// The old file is still what chats.list reads.
	m := h.call(`{"jsonrpc":"2.0","id":3,"method":"chats.list"}`)
	if n := len(get(m, "result", "chats").([]any)); n != 2 {
		t.Errorf("chats.list on the old file: %d chats", n)
	}
}
