package fakeimsg

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestParseFaults(t *testing.T) {
	fs, err := ParseFaults(" slow-send=1500, watch-death ,ghost-send=2,")
	if err != nil || len(fs) != 3 || fs[0] != (Fault{Name: "slow-send", Arg: "1500"}) || fs[1].Name != "watch-death" {
		t.Fatalf("%v %v", fs, err)
	}
	for _, bad := range []string{"nope", "fda=1", "crash-after-sends", "crash-after-sends=x", "slow-send=-1", "watch-overflow=z"} {
		if _, err := ParseFaults(bad); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
}

func TestStartupErrorMode(t *testing.T) {
	for _, tc := range []struct {
		name, first string
		setup       func(path string)
		opts        []hopt
	}{
		{"missing database", "unable to open database file (code: 14)", func(string) {}, nil},
		{"fda switch", "authorization denied (code: 23)", func(p string) { stdDB(t, filepath.Dir(p)) }, []hopt{withFaults("fda")}},
		{"persistent fault record", "authorization denied (code: 23)", func(p string) {
			stdDB(t, filepath.Dir(p))
			appendRecs(t, p, Record{Fault: &Fault{Name: "fda", Persist: true}})
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "chat.jsonl")
			tc.setup(path)
			h := start(t, path, tc.opts...)
			text := permissionText(path, errors.New(tc.first))
			wantErr := func(id string) string {
				return `{"jsonrpc":"2.0","id":` + id + `,"error":{"code":-32603,"message":"Internal error","data":"` +
					strings.ReplaceAll(strings.ReplaceAll(text, "/", `\/`), "\n", `\n`) + `"}}`
			}
			h.send(`{"jsonrpc":"2.0","id":1,"method":"chats.list","params":{"limit":1}}`)
			want(t, h.next(), wantErr("1"))
			h.send(`{"jsonrpc":"2.0","method":"bogus"}`) // unknown and id-less: still answered
			want(t, h.next(), wantErr("null"))
			h.send(`[1]`) // framing errors keep their own codes
			if m := h.nextJSON(); num(get(m, "error", "code")) != -32600 {
				t.Errorf("array: %v", m)
			}
			if !strings.Contains(text, "⚠️  Permission Error: Cannot access Messages database") || !strings.Contains(text, "Full Disk Access") {
				t.Errorf("text = %s", text)
			}
			if code := h.eof(); code != 1 {
				t.Errorf("exit %d at EOF, want 1", code)
			}
		})
	}
}

func TestLegacyBanner(t *testing.T) {
	for _, tc := range []struct {
		opt    hopt
		withDB bool
	}{{withVersion("0.8.1"), false}, {withFaults("legacy-banner"), true}} {
		path := filepath.Join(t.TempDir(), "chat.jsonl")
		if tc.withDB {
			stdDB(t, filepath.Dir(path)) // the switch fires even with a readable database
		}
		h := start(t, path, tc.opt)
		select {
		case code := <-h.code:
			if code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
		case <-time.After(2 * time.Second):
			t.Fatal("legacy mode did not exit at once")
		}
		out := strings.Join(h.rest(), "\n")
		if !strings.HasPrefix(out, "Error: ") || !strings.Contains(out, "Full Disk Access") || strings.Contains(out, "jsonrpc") {
			t.Errorf("banner = %q", out)
		}
	}
}

func TestWatchDeath(t *testing.T) {
	path := stdDB(t, t.TempDir())
	h := start(t, path, withFaults("watch-death=1"))
	h.send(`{"jsonrpc":"2.0","id":1,"method":"watch.subscribe","params":{"since_rowid":-1}}`)
	h.next()
	if id := msgID(t, h.nextJSON()); id != 4199 {
		t.Errorf("first message %d", id)
	}
	want(t, h.next(), `{"jsonrpc":"2.0","method":"error","params":{"subscription":1,"error":{"message":"disk I\/O error (code: 10)"}}}`)
	appendRecs(t, path, Record{Row: row(0, 7, "+15551234567", "after death", "2026-05-16T16:00:00Z")})
	h.quiet(80 * time.Millisecond)
	// Requests keep working; unsubscribing the dead one is still ok.
	h.send(`{"jsonrpc":"2.0","id":2,"method":"watch.unsubscribe","params":{"subscription":1}}`)
	want(t, h.next(), `{"jsonrpc":"2.0","id":2,"result":{"ok":true}}`)

	// As a record: every live subscription dies at once, with the record's text.
	path2 := stdDB(t, t.TempDir())
	h2 := start(t, path2)
	h2.send(`{"jsonrpc":"2.0","id":1,"method":"watch.subscribe","params":{}}`, `{"jsonrpc":"2.0","id":2,"method":"watch.subscribe","params":{"chat_id":7}}`)
	h2.next()
	h2.next()
	appendRecs(t, path2, Record{Fault: &Fault{Name: "watch-death", Message: "database is locked (code: 5)"}})
	got := []string{h2.next(), h2.next()}
	for i, l := range got {
		if !strings.Contains(l, `"method":"error"`) || !strings.Contains(l, `"database is locked (code: 5)"`) || !strings.Contains(l, `"subscription":`+string(rune('1'+i))) {
			t.Errorf("death notice %d = %s", i, l)
		}
	}
	// A new subscription works.
	h2.send(`{"jsonrpc":"2.0","id":3,"method":"watch.subscribe","params":{}}`)
	want(t, h2.next(), `{"jsonrpc":"2.0","id":3,"result":{"subscription":3}}`)
	appendRecs(t, path2, Record{Row: row(0, 7, "+15551234567", "x", "2026-05-16T16:00:00Z")})
	if m := h2.nextJSON(); num(get(m, "params", "subscription")) != 3 {
		t.Errorf("new subscription: %v", m)
	}
}

func TestWatchSilentWhileSendsWork(t *testing.T) {
	path := stdDB(t, t.TempDir())
	h := start(t, path)
	h.send(`{"jsonrpc":"2.0","id":1,"method":"watch.subscribe","params":{}}`)
	h.next()
	appendRecs(t, path, Record{Fault: &Fault{Name: "watch-silent"}})
	time.Sleep(60 * time.Millisecond)
	appendRecs(t, path, Record{Row: row(0, 7, "+15551234567", "unheard", "2026-05-16T16:00:00Z")})
	m := h.call(`{"jsonrpc":"2.0","id":2,"method":"send","params":{"chat_id":7,"text":"still works"}}`)
	if num(get(m, "result", "id")) != 4202 {
		t.Errorf("send during a silent watch: %v", m)
	}
	h.quiet(100 * time.Millisecond) // no echo, no inbound, no error
}

func TestAttachmentSwitches(t *testing.T) {
	dir := t.TempDir()
	here := filepath.Join(dir, "here.jpg")
	os.WriteFile(here, []byte("x"), 0o644)
	for _, tc := range []struct {
		fault       string
		hereMissing bool
		goneMissing bool
	}{
		{"", false, true},
		{"missing-attachments", true, true},
		{"remote-attachments", false, false},
	} {
		path := stdDB(t, t.TempDir())
		yes := true
		appendRecs(t, path, Record{Row: &Row{
			ChatID: 7, GUID: "A", Sender: "+15551234567", Text: "\ufffc", CreatedAt: "2026-05-16T16:00:00Z",
			Attachments: []Attachment{{Filename: here}, {Filename: filepath.Join(dir, "gone.jpg")}, {Filename: here, Missing: &yes}, {Filename: ""}},
		}})
		h := start(t, path, withFaults(tc.fault))
		h.send(`{"jsonrpc":"2.0","id":1,"method":"watch.subscribe","params":{"since_rowid":4200,"attachments":true}}`)
		h.next()
		a := get(h.nextJSON(), "params", "message", "attachments").([]any)
		got := []any{get(a[0], "missing"), get(a[1], "missing"), get(a[2], "missing"), get(a[3], "missing")}
		// An explicit missing:true (a transfer in flight) stays missing, even for a remote host;
		// an empty filename is always missing.
		wantM := []any{tc.hereMissing, tc.goneMissing, true, true}
		for i := range got {
			if got[i] != wantM[i] {
				t.Errorf("fault %q: attachment %d missing=%v, want %v", tc.fault, i, got[i], wantM[i])
			}
		}
		if get(a[3], "original_path") != "" {
			t.Errorf("empty filename must give empty original_path")
		}
	}
}

func TestGhostSend(t *testing.T) {
	path := stdDB(t, t.TempDir())
	h := start(t, path, withFaults("ghost-send=2"))
	h.send(`{"jsonrpc":"2.0","id":1,"method":"watch.subscribe","params":{}}`, `{"jsonrpc":"2.0","id":2,"method":"watch.subscribe","params":{"chat_id":7}}`)
	h.next()
	h.next()
	h.call(`{"jsonrpc":"2.0","id":3,"method":"send","params":{"chat_id":7,"text":"one"}}`) // the first send is fine
	h.next()
	h.next()
	h.send(`{"jsonrpc":"2.0","id":4,"method":"send","params":{"chat_id":7,"text":"two"}}`)
	want(t, h.next(), `{"jsonrpc":"2.0","id":4,"error":{"code":-32603,"message":"Internal error","data":"AppleScript failed: Messages accepted the chat send but wrote an unjoined empty outgoing row (4202); delivery to the target chat was not confirmed"}}`)
	// The ghost row reaches the all-chat watch with chat_id 0 and empty chat fields, not the chat's.
	want(t, h.next(), `{"jsonrpc":"2.0","method":"message","params":{"subscription":1,"message":{"id":4202,"chat_id":0,"guid":"00000000-0000-4000-8000-00000000106A","sender":"me@icloud.com","is_from_me":true,"text":"","created_at":"2026-05-16T15:24:40.004Z","attachments":[],"reactions":[],"destination_caller_id":"me@icloud.com","chat_identifier":"","chat_guid":"","chat_name":"","participants":[],"is_group":false}}}`)
	h.quiet(80 * time.Millisecond)
	m := h.call(`{"jsonrpc":"2.0","id":5,"method":"send","params":{"chat_id":7,"text":"three"}}`)
	if num(get(m, "result", "id")) != 4203 {
		t.Errorf("third send: %v", m)
	}
}

// TestSlowSend: the response waits, later responses wait behind it, the echo
// (a notification) does not.
func TestSlowSend(t *testing.T) {
	path := stdDB(t, t.TempDir())
	h := start(t, path, withFaults("slow-send=400"))
	h.send(`{"jsonrpc":"2.0","id":1,"method":"watch.subscribe","params":{}}`)
	h.next()
	t0 := time.Now()
	h.send(`{"jsonrpc":"2.0","id":2,"method":"send","params":{"chat_id":7,"text":"slow"}}`, `{"jsonrpc":"2.0","id":3,"method":"chats.list"}`)
	first := h.nextJSON()
	if get(first, "method") != "message" {
		t.Fatalf("the echo should come first: %v", first)
	}
	second := h.nextJSON()
	if second["id"] == nil || num(second["id"]) != 2 || time.Since(t0) < 390*time.Millisecond {
		t.Errorf("send answered %v after %v", second, time.Since(t0))
	}
	if third := h.nextJSON(); num(third["id"]) != 3 {
		t.Errorf("then chats.list: %v", third)
	}
}

func TestNotifyFirst(t *testing.T) {
	h := start(t, stdDB(t, t.TempDir()), withFaults("notify-first"))
	h.send(`{"jsonrpc":"2.0","id":1,"method":"watch.subscribe","params":{"since_rowid":-1}}`)
	if m := h.nextJSON(); msgID(t, m) != 4199 || num(get(m, "params", "subscription")) != 1 {
		t.Errorf("first line %v", m)
	}
	if m := h.nextJSON(); msgID(t, m) != 4200 {
		t.Errorf("second line %v", m)
	}
	want(t, h.next(), `{"jsonrpc":"2.0","id":1,"result":{"subscription":1}}`)
}

func TestSendOutcomeSwitches09(t *testing.T) {
	t.Run("no response", func(t *testing.T) {
		path := stdDB(t, t.TempDir())
		h := start(t, path, withFaults("send-no-response=1"))
		h.send(`{"jsonrpc":"2.0","id":1,"method":"watch.subscribe","params":{}}`)
		h.next()
		h.send(`{"jsonrpc":"2.0","id":2,"method":"send","params":{"chat_id":7,"text":"lost"}}`, `{"jsonrpc":"2.0","id":3,"method":"send","params":{"chat_id":7,"text":"fine"}}`)
		if m := h.nextJSON(); msgID(t, m) != 4201 { // the echo of the unanswered send
			t.Errorf("%v", m)
		}
		if m := h.nextJSON(); num(m["id"]) != 3 || num(get(m, "result", "id")) != 4202 {
			t.Errorf("next answer %v", m)
		}
		b, _ := os.ReadFile(h.sends)
		if !strings.Contains(string(b), `"note":"send-no-response: no response was written"`) {
			t.Errorf("sends log: %s", b)
		}
	})
	t.Run("unverified", func(t *testing.T) {
		path := stdDB(t, t.TempDir())
		h := start(t, path, withFaults("send-unverified"))
		h.send(`{"jsonrpc":"2.0","id":1,"method":"watch.subscribe","params":{}}`)
		h.next()
		h.send(`{"jsonrpc":"2.0","id":2,"method":"send","params":{"chat_id":7,"text":"where"}}`)
		want(t, h.next(), `{"jsonrpc":"2.0","id":2,"result":{"ok":true,"transport":"applescript"}}`)
		if m := h.nextJSON(); msgID(t, m) != 4201 || get(m, "params", "message", "text") != "where" {
			t.Errorf("row after the answer: %v", m)
		}
	})
	t.Run("not started", func(t *testing.T) {
		path := stdDB(t, t.TempDir())
		h := start(t, path, withFaults("send-not-started"))
		h.send(`{"jsonrpc":"2.0","id":2,"method":"send","params":{"chat_id":7,"text":"x"}}`)
		want(t, h.next(), `{"jsonrpc":"2.0","id":2,"error":{"code":-32603,"message":"Internal error","data":"AppleScript failed: Not authorized to send Apple events to Messages. (-1743)"}}`)
		d, _ := openDB(path)
		defer d.close()
		if d.maxRow != 4200 {
			t.Errorf("a send that never started wrote rows")
		}
	})
	t.Run("still in flight blocks the loop", func(t *testing.T) {
		path := stdDB(t, t.TempDir())
		h := start(t, path, withFaults("send-still-in-flight"))
		h.send(`{"jsonrpc":"2.0","id":1,"method":"watch.subscribe","params":{}}`)
		h.next()
		h.send(`{"jsonrpc":"2.0","id":2,"method":"send","params":{"chat_id":7,"text":"stuck"}}`, `{"jsonrpc":"2.0","id":3,"method":"chats.list"}`)
		if m := h.nextJSON(); msgID(t, m) != 4201 {
			t.Errorf("%v", m)
		}
		appendRecs(t, path, Record{Row: row(0, 7, "+15551234567", "inbound meanwhile", "2026-05-16T16:00:00Z")})
		if m := h.nextJSON(); msgID(t, m) != 4202 {
			t.Errorf("notifications keep flowing: %v", m)
		}
		h.quiet(100 * time.Millisecond)
	})
}

func TestCrashAndHang(t *testing.T) {
	t.Run("crash after sends", func(t *testing.T) {
		h := start(t, stdDB(t, t.TempDir()), withFaults("crash-after-sends=1"))
		h.send(`{"jsonrpc":"2.0","id":1,"method":"send","params":{"chat_id":7,"text":"last words"}}`)
		if m := h.nextJSON(); num(get(m, "result", "id")) != 4201 {
			t.Errorf("%v", m)
		}
		select {
		case c := <-h.code:
			if c != ExitCrash {
				t.Errorf("Run returned %d", c)
			}
		case <-time.After(2 * time.Second):
			t.Fatal("no crash")
		}
	})
	t.Run("crash in send", func(t *testing.T) {
		path := stdDB(t, t.TempDir())
		h := start(t, path, withFaults("crash-in-send=1"))
		h.send(`{"jsonrpc":"2.0","id":1,"method":"watch.subscribe","params":{}}`)
		h.next()
		h.send(`{"jsonrpc":"2.0","id":2,"method":"send","params":{"chat_id":7,"text":"sent, never confirmed"}}`)
		if c := <-h.code; c != ExitCrash {
			t.Errorf("Run returned %d", c)
		}
		if rest := h.rest(); len(rest) != 0 {
			t.Errorf("a crash writes nothing more: %q", rest)
		}
		d, _ := openDB(path)
		defer d.close()
		if d.maxRow != 4201 {
			t.Errorf("the row should be in the database")
		}
	})
	t.Run("crash record", func(t *testing.T) {
		path := stdDB(t, t.TempDir())
		h := start(t, path)
		h.call(`{"jsonrpc":"2.0","id":1,"method":"chats.list"}`)
		appendRecs(t, path, Record{Fault: &Fault{Name: "crash", PID: 1}}) // another process
		// Once the row after it is read, the record was seen (and ignored).
		h.send(`{"jsonrpc":"2.0","id":2,"method":"watch.subscribe"}`)
		h.next()
		appendRecs(t, path, Record{Row: row(0, 7, "+15551234567", "still alive", "2026-05-16T16:00:00Z")})
		h.next()
		appendRecs(t, path, Record{Fault: &Fault{Name: "crash", PID: 4242}})
		select {
		case c := <-h.code:
			if c != ExitCrash {
				t.Errorf("Run returned %d", c)
			}
		case <-time.After(2 * time.Second):
			t.Fatal("no crash")
		}
	})
	t.Run("hang", func(t *testing.T) {
		h := start(t, stdDB(t, t.TempDir()), withFaults("hang-after-requests=1"))
		h.call(`{"jsonrpc":"2.0","id":1,"method":"chats.list"}`)
		h.send(`{"jsonrpc":"2.0","id":2,"method":"chats.list"}`)
		h.quiet(100 * time.Millisecond)
		h.in.Close() // EOF does not end a hung process
		select {
		case c := <-h.code:
			t.Fatalf("a hung process exited (%d)", c)
		case <-time.After(100 * time.Millisecond):
		}
		h.cancel() // what a signal does
		<-h.code
	})
}

// TestProcessLevel runs the real binary: crash is death by SIGKILL with no
// output; SIGTERM kills as imsg (no handler); EOF exits 0; rpc-unsupported.
func TestProcessLevel(t *testing.T) {
	if testing.Short() {
		t.Skip("runs processes")
	}
	path := stdDB(t, t.TempDir())
	cmd := fakeCmd(t, []string{"IMSG_FAKE_FAULTS=crash-after-requests=1"}, "rpc", "--db", path, "--json", "-v", "--log-level", "debug")
	cmd.Stdin = strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"chats.list"}` + "\n" + `{"jsonrpc":"2.0","id":2,"method":"chats.list"}` + "\n")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Errorf("crash: %v", err)
	}
	if strings.Count(out.String(), "\n") != 1 || errb.Len() != 0 {
		t.Errorf("crash output %q stderr %q", out.String(), errb.String())
	}

	cmd = fakeCmd(t, nil, "rpc", "--db="+path)
	stdin, _ := cmd.StdinPipe()
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGTERM)
	err = cmd.Wait()
	stdin.Close()
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGTERM {
		t.Errorf("SIGTERM: %v", err)
	}

	cmd = fakeCmd(t, nil, "rpc", "--db", path)
	cmd.Stdin = strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"chats.list","params":{"limit":1}}` + "\n")
	b, err := cmd.Output()
	if err != nil || !strings.HasPrefix(string(b), `{"jsonrpc":"2.0","id":1,"result":{"chats":[{"id":7,`) {
		t.Errorf("EOF: %v %s", err, b)
	}

	b, err = fakeCmd(t, []string{"IMSG_FAKE_FAULTS=rpc-unsupported"}, "rpc", "--help").CombinedOutput()
	low := strings.ToLower(string(b))
	if err == nil || !strings.Contains(low, "unknown command") || !strings.Contains(low, "rpc") {
		t.Errorf("rpc-unsupported: %v %s", err, b)
	}
}

func TestMoreSwitches(t *testing.T) {
	t.Run("watch-silent after N", func(t *testing.T) {
		path := stdDB(t, t.TempDir())
		h := start(t, path, withFaults("watch-silent=1"))
		h.send(`{"jsonrpc":"2.0","id":1,"method":"watch.subscribe","params":{"since_rowid":-1}}`)
		h.next()
		if id := msgID(t, h.nextJSON()); id != 4199 {
			t.Errorf("first %d", id)
		}
		h.quiet(100 * time.Millisecond) // 4200 is never sent, nor an error
	})
	t.Run("crash-after-ms", func(t *testing.T) {
		h := start(t, stdDB(t, t.TempDir()), withFaults("crash-after-ms=50"))
		select {
		case c := <-h.code:
			if c != ExitCrash {
				t.Errorf("Run returned %d", c)
			}
		case <-time.After(2 * time.Second):
			t.Fatal("no crash")
		}
	})
	t.Run("hang record", func(t *testing.T) {
		path := stdDB(t, t.TempDir())
		h := start(t, path)
		h.call(`{"jsonrpc":"2.0","id":1,"method":"chats.list"}`)
		appendRecs(t, path, Record{Fault: &Fault{Name: "hang"}})
		waitFor(t, "the hang", h.srv.hung.Load)
		h.send(`{"jsonrpc":"2.0","id":2,"method":"chats.list"}`)
		h.quiet(100 * time.Millisecond)
	})
	t.Run("clear undoes records, not IMSG_FAKE_FAULTS", func(t *testing.T) {
		path := stdDB(t, t.TempDir())
		h := start(t, path, withFaults("remote-attachments"))
		h.call(`{"jsonrpc":"2.0","id":0,"method":"chats.list"}`) // running: records are for it
		appendRecs(t, path, Record{Fault: &Fault{Name: "send-not-started"}})
		waitFor(t, "the record", func() bool { return h.recordFaults() == 1 })
		if m := h.call(`{"jsonrpc":"2.0","id":1,"method":"send","params":{"chat_id":7,"text":"x"}}`); num(get(m, "error", "code")) != -32603 {
			t.Errorf("record fault: %v", m)
		}
		appendRecs(t, path, Record{Fault: &Fault{Name: "clear"}})
		waitFor(t, "the clear", func() bool { return h.recordFaults() == 0 })
		if m := h.call(`{"jsonrpc":"2.0","id":2,"method":"send","params":{"chat_id":7,"text":"x"}}`); m["result"] == nil {
			t.Errorf("after clear: %v", m)
		}
		h.srv.mu.Lock()
		remote := h.srv.faults.has("remote-attachments")
		h.srv.mu.Unlock()
		if !remote {
			t.Error("clear must keep start-up switches")
		}
	})
	t.Run("record ordinals count from arrival", func(t *testing.T) {
		path := stdDB(t, t.TempDir())
		h := start(t, path)
		h.call(`{"jsonrpc":"2.0","id":1,"method":"send","params":{"chat_id":7,"text":"a"}}`)
		appendRecs(t, path, Record{Fault: &Fault{Name: "send-not-started", Arg: "2"}})
		waitFor(t, "the record", func() bool { return h.recordFaults() == 1 })
		if m := h.call(`{"jsonrpc":"2.0","id":2,"method":"send","params":{"chat_id":7,"text":"b"}}`); m["result"] == nil {
			t.Errorf("first send after the record: %v", m)
		}
		if m := h.call(`{"jsonrpc":"2.0","id":3,"method":"send","params":{"chat_id":7,"text":"c"}}`); m["error"] == nil {
			t.Errorf("second send after the record: %v", m)
		}
	})
}
