package fakeimsg

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the output goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) take() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.b.String()
	s.b.Reset()
	return out
}

// lineServer is a server driven one line at a time, without its stdin loop.
func lineServer(t testing.TB, version string) (*Server, *syncBuffer) {
	dir := t.TempDir()
	path := stdDB(t, dir)
	os.WriteFile(filepath.Join(dir, "a.png"), []byte("png"), 0o644)
	out := &syncBuffer{}
	s := NewServer(Config{DBPath: path, SendsPath: path + ".sends", Poll: time.Hour, Home: dir, GUIDs: "rowid", Version: version}, out)
	if _, done := s.startup(); done {
		t.Fatal("startup failed")
	}
	if s.later {
		s.mut = newMutationLane(s)
	}
	t.Cleanup(func() {
		s.stop()
		if s.mut != nil {
			s.mut.drain()
		}
		s.out.kill()
	})
	return s, out
}

// serveLine handles one line and returns what was written for it.
func serveLine(s *Server, out *syncBuffer, line []byte) string {
	s.handleRaw(line)
	if s.mut != nil {
		for {
			s.mut.mu.Lock()
			idle := len(s.mut.q) == 0 && !s.mut.running
			s.mut.mu.Unlock()
			if idle {
				break
			}
			time.Sleep(time.Millisecond)
		}
	}
	s.out.flush(time.Second)
	return out.take()
}

// checkLines asserts every output line is one of imsg's four line shapes.
func checkLines(t testing.TB, in []byte, output string, later bool) {
	for _, l := range strings.Split(strings.TrimSuffix(output, "\n"), "\n") {
		if l == "" {
			continue
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("input %q: output line is not a JSON object: %s", in, l)
		}
		if string(m["jsonrpc"]) != `"2.0"` {
			t.Fatalf("input %q: no jsonrpc 2.0: %s", in, l)
		}
		_, hasID := m["id"]
		_, hasResult := m["result"]
		_, hasErr := m["error"]
		_, hasMethod := m["method"]
		switch {
		case hasMethod && !hasID && !hasResult && !hasErr:
		case hasID && hasResult != hasErr:
			if hasErr {
				var e struct {
					Code    *int            `json:"code"`
					Message *string         `json:"message"`
					Data    json.RawMessage `json:"data"`
				}
				if json.Unmarshal(m["error"], &e) != nil || e.Code == nil || e.Message == nil || len(e.Data) == 0 {
					t.Fatalf("input %q: bad error object: %s", in, l)
				}
				if !later && e.Data[0] != '"' {
					t.Fatalf("input %q: 0.9 error data must be a string: %s", in, l)
				}
			}
		default:
			t.Fatalf("input %q: not a response or notification: %s", in, l)
		}
	}
}

func FuzzServeLine(f *testing.F) {
	for _, s := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"chats.list","params":{"limit":1}}`,
		`{"jsonrpc":"2.0","id":2,"method":"watch.subscribe","params":{"since_rowid":-1,"attachments":true,"include_reactions":true}}`,
		`{"jsonrpc":"2.0","id":3,"method":"send","params":{"chat_id":7,"text":"x","service":"auto"}}`,
		`{"jsonrpc":"2.0","id":4,"method":"send","params":{"to":"+1 555 000 1111","file":"a.png"}}`,
		`{"jsonrpc":"2.0","id":5,"method":"messages.history","params":{"chat_id":"7","start":"2026-05-16T00:00:00Z"}}`,
		`{"jsonrpc":"2.0","id":6,"method":"watch.unsubscribe","params":{"subscription":1}}`,
		`{"jsonrpc":"2.0","id":7,"method":"messages.after","params":{"since_rowid":0,"limit":2}}`,
		`{"jsonrpc":"2.0","id":8,"method":"send.tracked","params":{"chat_id":7,"text":"x","attempt_id":"0b9d5a44-7c1e-4f2a-8d3b-5e6f7a8b9c0d"}}`,
		`{"jsonrpc":"2.0","id":9,"method":"message.send_status","params":{"guid":"x"}}`,
		`{"jsonrpc":"2.0","id":{"a":[]},"method":"initialize","params":{"protocol_version":1}}`,
		`{"jsonrpc":"2.0","method":"send","params":{"chat_guid":"iMessage;+;chat1","text":"y"}}`,
		`[{"jsonrpc":"2.0"}]`, `null`, `"x"`, `{`, "\xff\xfe", `{"jsonrpc":"2.0","id":1e999,"method":"status"}`,
		`{"jsonrpc":"2.0","id":-0,"method":"chats.list","params":{"limit":-9223372036854775808}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		if bytes.IndexByte(line, '\n') >= 0 {
			return // one line at a time
		}
		for _, v := range []string{"0.9.0", "0.14.2"} {
			s, out := lineServer(t, v)
			got := serveLine(s, out, line)
			checkLines(t, line, got, s.later)
		}
	})
}

// FuzzDatabaseFile: any file content opens without a panic; every line that
// parsed is applied, the rest counted.
func FuzzDatabaseFile(f *testing.F) {
	f.Add([]byte(`{"chat":{"id":1,"identifier":"+1","guid":"iMessage;-;+1"}}` + "\n" + `{"row":{"chat_id":1,"text":"x","created_at":"bad"}}` + "\n"))
	f.Add([]byte(`{"row":{"id":5}}` + "\n" + `{"row":{"id":3}}` + "\n" + `{"fault":"crash"}` + "\n" + `{"row":{"id":9`))
	f.Add([]byte("\n\n{}\n[1]\n{\"join\":{\"row\":1,\"chat_id\":2}}\n{\"status\":{\"guid\":\"\"}}\n"))
	f.Fuzz(func(t *testing.T, content []byte) {
		path := filepath.Join(t.TempDir(), "db.jsonl")
		os.WriteFile(path, content, 0o644)
		d, err := openDB(path)
		if err != nil {
			return
		}
		defer d.close()
		for i := 1; i < len(d.rows); i++ {
			if d.rows[i].ID <= d.rows[i-1].ID {
				t.Fatalf("rowids not increasing: %d after %d", d.rows[i].ID, d.rows[i-1].ID)
			}
		}
		for _, r := range d.rows {
			_ = d.messagePayload(r, payloadOpts{attachments: true, reactions: true})
		}
		// Appending after arbitrary content still yields the next rowid.
		a := NewAppender(path)
		defer a.Close()
		recs, err := a.Append(Record{Row: &Row{Text: "after"}})
		if err != nil {
			t.Fatal(err)
		}
		d2, err := openDB(path)
		if err != nil {
			t.Fatal(err)
		}
		defer d2.close()
		if last := d2.rows[len(d2.rows)-1]; last.ID != recs[0].Row.ID || last.Text != "after" {
			t.Fatalf("appended row %d not read back (last %d %q)", recs[0].Row.ID, last.ID, last.Text)
		}
	})
}
