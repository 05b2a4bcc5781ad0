package fakeimsg

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// runCLI runs imsg-fake in-process with a clean environment plus vars.
func runCLI(t *testing.T, stdin io.Reader, vars map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb lineSink
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	home := t.TempDir()
	e := &env{stdin: stdin, stdout: &out, stderr: &errb, ctx: context.Background(), getenv: func(k string) string {
		if v, ok := vars[k]; ok {
			return v
		}
		if k == "HOME" {
			return home
		}
		if k == "IMSG_FAKE_POLL_MS" {
			return "20"
		}
		return ""
	}}
	code = mainEnv(e, args)
	return code, out.String(), errb.String()
}

func TestCLIBasics(t *testing.T) {
	code, out, _ := runCLI(t, nil, nil, "rpc", "--json", "--help")
	if code != 0 || out != rpcHelp || !strings.HasPrefix(out, "imsg rpc\nRun JSON-RPC over stdin/stdout\n") || !strings.Contains(out, "--db <value>\tPath to chat.db") {
		t.Errorf("rpc --help: %d %q", code, out)
	}
	if code, out, _ := runCLI(t, nil, nil, "--version"); code != 0 || out != "0.9.0\n" {
		t.Errorf("--version: %d %q", code, out)
	}
	if code, out, _ := runCLI(t, nil, map[string]string{"IMSG_FAKE_VERSION": "0.14.2"}, "--version"); code != 0 || out != "0.14.2\n" {
		t.Errorf("--version 0.14.2: %d %q", code, out)
	}
	code, out, _ = runCLI(t, nil, nil, "status", "--json")
	if m := decode(t, out); code != 0 || get(m, "version") != "0.9.0" || fmt.Sprint(m["rpc_methods"]) != "[chats.list messages.history watch.subscribe watch.unsubscribe send]" {
		t.Errorf("status: %d %s", code, out)
	}
	_, out, _ = runCLI(t, nil, nil, "faults")
	for _, f := range faultTable {
		if !strings.Contains(out, "  "+f.name) {
			t.Errorf("faults lists no %s", f.name)
		}
	}
	if code, _, errb := runCLI(t, nil, map[string]string{"IMSG_FAKE_FAULTS": "explode"}, "rpc"); code != 2 || !strings.Contains(errb, `unknown fault "explode"`) {
		t.Errorf("bad IMSG_FAKE_FAULTS: %d %q", code, errb)
	}
	if code, out, _ := runCLI(t, nil, map[string]string{"IMSG_FAKE_FAULTS": "rpc-unsupported"}, "rpc", "--help"); code != 1 || out != unknownRPC {
		t.Errorf("rpc-unsupported: %d %q", code, out)
	}
	if code, _, errb := runCLI(t, nil, nil, "say", "--bogus"); code != 2 || !strings.Contains(errb, "bogus") {
		t.Errorf("bad flag: %d %q", code, errb)
	}
	// rpc without --db uses $IMSG_FAKE_DB; a missing file is the start-up error.
	db := filepath.Join(t.TempDir(), "x.jsonl")
	code, out, _ = runCLI(t, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"chats.list"}`+"\n"), map[string]string{"IMSG_FAKE_DB": db}, "rpc")
	if code != 1 || !strings.Contains(out, `The Messages database at `+strings.ReplaceAll(db, "/", `\/`)+` requires Full Disk Access`) {
		t.Errorf("rpc on a missing $IMSG_FAKE_DB: %d %s", code, out)
	}
}

func TestCLIInitSayReplace(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sub", "chat.jsonl")
	vars := map[string]string{"IMSG_FAKE_GUIDS": "rowid"}
	if code, out, errb := runCLI(t, nil, vars, "init", "--db", db); code != 0 || !strings.Contains(out, "created") {
		t.Fatalf("init: %d %s %s", code, out, errb)
	}
	if code, _, errb := runCLI(t, nil, vars, "init", "--db", db); code != 1 || !strings.Contains(errb, "exists") {
		t.Errorf("init over a file: %d %s", code, errb)
	}
	say := func(args ...string) string {
		t.Helper()
		code, out, errb := runCLI(t, nil, vars, append([]string{"say", "--db", db}, args...)...)
		if code != 0 {
			t.Fatalf("say %v: %d %s", args, code, errb)
		}
		return strings.TrimSpace(out)
	}
	if id := say("--from", "+15551234567", "hello", "there"); id != "3" {
		t.Errorf("rowid %s", id)
	}
	say("--from", "carol@example.com", "--group", "--name", "Book club", "--member", "+15557654321", "first!")
	pic := filepath.Join(t.TempDir(), "p.HEIC")
	os.WriteFile(pic, []byte("12345"), 0o644)
	say("--from", "carol@example.com", "--attach", pic, "--attach", "/nowhere/doc:application/pdf")
	say("--from", "+15551234567", "--reply-to", "3", "--date", "2026-01-02T03:04:05+01:00", "replying")
	say("--from", "+15551234567", "--tapback", "love", "--target", "3")
	say("--from", "+15551234567", "--no-chat", "lost")
	say("--from-me", "--chat", "1", "from my phone")
	if code, _, errb := runCLI(t, nil, vars, "say", "--db", db, "--from", "+1", "--date", "tuesday", "x"); code != 1 || !strings.Contains(errb, "RFC 3339") {
		t.Errorf("bad date: %d %s", code, errb)
	}
	if code, _, errb := runCLI(t, nil, vars, "say", "--db", db, "--from", "+1"); code != 1 || !strings.Contains(errb, "nothing to say") {
		t.Errorf("no text: %d %s", code, errb)
	}

	d, err := openDB(db)
	if err != nil {
		t.Fatal(err)
	}
	defer d.close()
	if len(d.rows) != 9 || d.badLines != 0 {
		t.Fatalf("%d rows", len(d.rows))
	}
	book := d.chats[d.rows[3].ChatID]
	if !regexp.MustCompile(`^iMessage;\+;chat\d{18}$`).MatchString(book.GUID) || book.Name != "Book club" ||
		fmt.Sprint(book.Participants) != "[+15557654321 carol@example.com]" {
		t.Errorf("group chat = %+v", book)
	}
	carol := d.rows[4]
	if c := d.chats[carol.ChatID]; c == nil || c.GUID != "iMessage;-;carol@example.com" || len(carol.Attachments) != 2 || carol.Text != "\ufffc\ufffc" {
		t.Errorf("carol's attachment row (a DM without --group) = %+v", carol)
	}
	if a := carol.Attachments[0]; a.MimeType != "image/heic" || a.UTI != "public.heic" || a.TotalBytes != 5 || a.TransferName != "p.HEIC" {
		t.Errorf("attachment = %+v", a)
	}
	if a := carol.Attachments[1]; a.MimeType != "application/pdf" || a.UTI != "com.adobe.pdf" || a.Filename != "/nowhere/doc" {
		t.Errorf("attachment with a MIME = %+v", a)
	}
	reply := d.rows[5]
	if reply.ThreadOriginatorGUID != d.byID[3].GUID || reply.CreatedAt != "2026-01-02T02:04:05Z" {
		t.Errorf("reply = %+v", reply)
	}
	tb := d.rows[6]
	if !tb.IsReaction || tb.ReactionType != "love" || tb.ReactedToGUID != d.byID[3].GUID || tb.Text != "Reacted ❤️ to “hello there”" {
		t.Errorf("tapback = %+v", tb)
	}
	if d.rows[7].ChatID != 0 || !d.rows[8].IsFromMe || d.rows[8].ChatID != 1 {
		t.Errorf("no-chat / from-me rows = %+v %+v", d.rows[7], d.rows[8])
	}

	// The payload of the reply carries the parent's text and sender.
	h := start(t, db)
	m := h.call(`{"jsonrpc":"2.0","id":1,"method":"messages.history","params":{"chat_id":1,"limit":1,"start":"2026-01-01T00:00:00Z","end":"2026-01-03T00:00:00Z"}}`)
	msg := get(m, "result", "messages").([]any)[0]
	if get(msg, "reply_to_text") != "hello there" || get(msg, "reply_to_sender") != "+15551234567" || get(msg, "thread_originator_guid") != d.byID[3].GUID {
		t.Errorf("reply payload = %v", msg)
	}

	// replace: a new inode with the same chats; rowids start again.
	if code, out, _ := runCLI(t, nil, vars, "replace", "--db", db); code != 0 || !strings.Contains(out, "0 rows") {
		t.Errorf("replace: %d %s", code, out)
	}
	if id := say("--from", "+15551234567", "fresh"); id != "1" {
		t.Errorf("first rowid after replace = %s", id)
	}
	if code, _, _ := runCLI(t, nil, vars, "replace", "--db", db, "--keep-rows"); code != 0 {
		t.Error("replace --keep-rows")
	}
	d2, _ := openDB(db)
	defer d2.close()
	if len(d2.rows) != 1 || len(d2.chats) != len(d.chats) {
		t.Errorf("after replace: %d rows, %d chats", len(d2.rows), len(d2.chats))
	}
}

// TestCLIChat drives the interactive chat through a pipe while an in-process
// rpc server plays the bot.
func TestCLIChat(t *testing.T) {
	db := stdDB(t, t.TempDir())
	h := start(t, db)
	h.send(`{"jsonrpc":"2.0","id":1,"method":"watch.subscribe","params":{}}`)
	h.next()

	pr, pw := io.Pipe()
	var out, errb lineSink
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e := &env{stdin: pr, stdout: &out, stderr: &errb, ctx: ctx, getenv: func(k string) string {
		if k == "IMSG_FAKE_POLL_MS" {
			return "20"
		}
		return ""
	}}
	done := make(chan int)
	go func() { done <- mainEnv(e, []string{"chat", "--db", db, "--as", "+15551234567"}) }()
	typeLine := func(s string) { io.WriteString(pw, s+"\n") }

	// What the person types reaches the server as an inbound row; the bot answers.
	typeLine("hello bot")
	m := h.nextJSON()
	if get(m, "params", "message", "text") != "hello bot" || get(m, "params", "message", "is_from_me") != false || num(get(m, "params", "message", "chat_id")) != 7 {
		t.Fatalf("typed line = %v", m)
	}
	h.call(`{"jsonrpc":"2.0","id":2,"method":"send","params":{"to":"+15551234567","text":"ECHO:hello bot"}}`)
	h.next()
	waitFor(t, "the bot's reply in the chat output", func() bool { return strings.Contains(out.String(), "[+15551234567] bot: ECHO:hello bot\n") })

	typeLine(`/group 42 "Weekend plans"`)
	typeLine("in the group")
	if m := h.nextJSON(); num(get(m, "params", "message", "chat_id")) != 42 || get(m, "params", "message", "sender") != "+15551234567" {
		t.Errorf("group line = %v", m)
	}
	typeLine("/as +15550002222")
	typeLine("/dm")
	typeLine("//not a command")
	if m := h.nextJSON(); get(m, "params", "message", "chat_guid") != "iMessage;-;+15550002222" || get(m, "params", "message", "text") != "/not a command" {
		t.Errorf("dm as someone else = %v", m)
	}
	// Rows from other tools are shown too; then /wait sees the next bot message.
	appendRecs(t, db, Record{Row: row(0, 42, "+15557654321", "count me in", "2026-05-16T16:00:00Z")})
	waitFor(t, "another member's message", func() bool { return strings.Contains(out.String(), "[Weekend plans] +15557654321: count me in\n") })
	typeLine("/bogus")
	typeLine("/wait 1 5")
	h.next()
	h.call(`{"jsonrpc":"2.0","id":3,"method":"send","params":{"chat_id":42,"text":"see you"}}`)
	typeLine("/quit")
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("chat exit %d: %s", code, errb.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("chat did not quit")
	}
	if !strings.Contains(out.String(), "[Weekend plans] bot: see you\n") || !strings.Contains(errb.String(), "unknown command /bogus") {
		t.Errorf("chat output:\n%s\nstderr:\n%s", out.String(), errb.String())
	}
	// Typed lines are not echoed back as if someone else wrote them.
	if strings.Contains(out.String(), "+15551234567: hello bot") || strings.Contains(out.String(), "in the group") {
		t.Errorf("own lines echoed:\n%s", out.String())
	}
}

func TestCLIScriptAndSends(t *testing.T) {
	dir := t.TempDir()
	db := stdDB(t, dir)
	h := start(t, db)
	h.send(`{"jsonrpc":"2.0","id":1,"method":"watch.subscribe","params":{}}`)
	h.next()
	scen := filepath.Join(dir, "s.jsonl")
	os.WriteFile(scen, []byte(strings.Join([]string{
		`// a comment`,
		`{"comment":"the bot answers each row"}`,
		`{"from":"+15551234567","text":"one"}`,
		`{"wait_sends":1,"timeout_ms":3000}`,
		`{"sleep_ms":10}`,
		`{"row":{"chat_id":42,"sender":"+15557654321","text":"raw row","created_at":"2026-05-16T16:00:00Z"}}`,
		`{"fault":"watch-silent"}`,
		`{"from":"+15551234567","text":"unheard"}`,
		``,
	}, "\n")), 0o644)
	var out lineSink
	done := make(chan int)
	go func() {
		e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &out, ctx: context.Background(), getenv: func(string) string { return "" }}
		done <- mainEnv(e, []string{"script", "--db", db, scen})
	}()
	select {
	case l := <-h.lines:
		if m := decode(t, l); get(m, "params", "message", "text") != "one" {
			t.Fatalf("%v", m)
		}
	case code := <-done:
		t.Fatalf("script ended %d: %s", code, out.String())
	}
	h.call(`{"jsonrpc":"2.0","id":2,"method":"send","params":{"chat_id":7,"text":"reply one"}}`)
	h.next() // echo
	if m := h.nextJSON(); get(m, "params", "message", "text") != "raw row" {
		t.Errorf("raw row: %v", m)
	}
	if code := <-done; code != 0 {
		t.Fatalf("script: %s", out.String())
	}
	if got := strings.Fields(out.String()); fmt.Sprint(got) != "[4201 4203 4204]" {
		t.Errorf("script printed %v", got)
	}
	h.quiet(100 * time.Millisecond) // silent after the fault
	// sends prints the log.
	code, sout, _ := runCLI(t, nil, nil, "sends", "--db", db)
	if code != 0 || strings.Count(sout, "\n") != 1 || !strings.Contains(sout, `"text":"reply one"`) || !strings.Contains(sout, `"result":{"ok":true,"transport":"applescript","id":4202`) {
		t.Errorf("sends: %d %s", code, sout)
	}
	// Errors name the line.
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte("{\"from\":\"+1\",\"text\":\"ok\"}\n{\"form\":\"+1\"}\n"), 0o644)
	if code, _, errb := runCLI(t, nil, nil, "script", "--db", db, bad); code != 1 || !strings.Contains(errb, "bad.jsonl:2:") || !strings.Contains(errb, "form") {
		t.Errorf("bad scenario: %d %s", code, errb)
	}
	os.WriteFile(bad, []byte(`{"wait_sends":5,"timeout_ms":50}`+"\n"), 0o644)
	if code, _, errb := runCLI(t, nil, nil, "script", "--db", db, bad); code != 1 || !strings.Contains(errb, "wait_sends 5") {
		t.Errorf("wait_sends timeout: %d %s", code, errb)
	}
}

func TestCLISendsFollow(t *testing.T) {
	db := stdDB(t, t.TempDir())
	var out lineSink
	ctx, cancel := context.WithCancel(context.Background())
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &out, ctx: ctx, getenv: func(k string) string {
		if k == "IMSG_FAKE_POLL_MS" {
			return "20"
		}
		return ""
	}}
	done := make(chan int)
	go func() { done <- mainEnv(e, []string{"sends", "--db", db, "--follow"}) }()
	h := start(t, db)
	h.call(`{"jsonrpc":"2.0","id":1,"method":"send","params":{"chat_id":7,"text":"followed"}}`)
	waitFor(t, "the followed send", func() bool { return strings.Contains(out.String(), `"text":"followed"`) })
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit %d", code)
	}
}
