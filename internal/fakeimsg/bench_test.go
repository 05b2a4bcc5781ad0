package fakeimsg

import (
	"fmt"
	"path/filepath"
	"testing"
)

// bigDB is a database of n rows over 10 chats.
func bigDB(b *testing.B, n int) string {
	path := filepath.Join(b.TempDir(), "big.jsonl")
	recs := make([]Record, 0, n+10)
	for c := int64(1); c <= 10; c++ {
		recs = append(recs, Record{Chat: dmChat(c, fmt.Sprintf("+1555000%04d", c))})
	}
	for i := 1; i <= n; i++ {
		recs = append(recs, Record{Row: &Row{
			ID: int64(i), ChatID: int64(i%10 + 1), GUID: newGUID("rowid", int64(i)),
			Sender: "+15550000001", Text: "hello there, how are you / fine", CreatedAt: "2026-05-16T15:24:36.123Z",
		}})
	}
	writeDB(b, path, recs...)
	return path
}

// BenchmarkWatchEmit: building and encoding one message notification, the
// per-row cost of the watch.
func BenchmarkWatchEmit(b *testing.B) {
	d, err := openDB(bigDB(b, 100))
	if err != nil {
		b.Fatal(err)
	}
	defer d.close()
	r := d.rows[50]
	opts := payloadOpts{attachments: true, reactions: false}
	b.ReportAllocs()
	for b.Loop() {
		line := encodeLine(obj{{"jsonrpc", "2.0"}, {"method", "message"}, {"params", obj{{"subscription", 1}, {"message", d.messagePayload(r, opts)}}}})
		if len(line) == 0 {
			b.Fatal("empty")
		}
	}
}

// BenchmarkServeChatsList: one chats.list {"limit":1} (OpenClaw's probe)
// through parsing, dispatch and output, on a 10,000-row database.
func BenchmarkServeChatsList(b *testing.B) {
	path := bigDB(b, 10000)
	s, out := lineServerAt(b, path)
	line := []byte(`{"jsonrpc":"2.0","id":1,"method":"chats.list","params":{"limit":1}}`)
	b.ReportAllocs()
	for b.Loop() {
		if serveLine(s, out, line) == "" {
			b.Fatal("no answer")
		}
	}
}

// BenchmarkAppendAndRefresh: one say-style append under the lock plus the
// server's incremental read of it.
func BenchmarkAppendAndRefresh(b *testing.B) {
	path := bigDB(b, 1000)
	d, err := openDB(path)
	if err != nil {
		b.Fatal(err)
	}
	defer d.close()
	a := NewAppender(path)
	defer a.Close()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.Append(Record{Row: &Row{ChatID: 1, Sender: "+15550000001", Text: "x", CreatedAt: "2026-05-16T15:24:36Z"}}); err != nil {
			b.Fatal(err)
		}
		if rows, _ := d.refresh(); len(rows) != 1 {
			b.Fatal("not read back")
		}
	}
}

// BenchmarkOpenDB: reading a 10,000-row database from scratch (start-up of
// every imsg-fake process).
func BenchmarkOpenDB(b *testing.B) {
	path := bigDB(b, 10000)
	b.ReportAllocs()
	for b.Loop() {
		d, err := openDB(path)
		if err != nil || len(d.rows) != 10000 {
			b.Fatal(err)
		}
		d.close()
	}
}

func lineServerAt(b *testing.B, path string) (*Server, *syncBuffer) {
	out := &syncBuffer{}
	s := NewServer(Config{DBPath: path, GUIDs: "rowid"}, out)
	if _, done := s.startup(); done {
		b.Fatal("startup failed")
	}
	b.Cleanup(func() { s.stop(); s.out.kill() })
	return s, out
}
