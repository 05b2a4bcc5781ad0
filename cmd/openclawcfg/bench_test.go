package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkDecideLines is 'openclawcfg decide' end to end: message lines
// in, JSON decisions out, per line (a mix of admitted DMs, strangers, group
// messages with and without a mention).
func BenchmarkDecideLines(b *testing.B) {
	dir := b.TempDir()
	cfg := filepath.Join(dir, "cfg.json5")
	os.WriteFile(cfg, []byte(`{
  agents: { list: [{ id: "main", default: true, groupChat: { mentionPatterns: ["\\b@?openclaw\\b", "@bot", "hey\\s+clawd"] } }] },
  channels: { imessage: { allowFrom: ["+15550001111"], groupAllowFrom: ["+15550001111", "+15550002222"], groups: { "42": { requireMention: true } } } },
}`), 0o600)
	planPath := filepath.Join(dir, "plan.json")
	if code := Main([]string{"compile", cfg, "-o", planPath}, nil, io.Discard, io.Discard); code != 0 {
		b.Fatal("compile failed")
	}
	lines := []string{
		`{"id":1,"chat_id":7,"sender":"+15550001111","text":"hello there, how are you?","created_at":"2026-05-16T15:24:36.123Z"}`,
		`{"id":2,"chat_id":8,"sender":"+15559999999","text":"who is this?","created_at":"2026-05-16T15:24:37.123Z"}`,
		`{"id":3,"chat_id":42,"is_group":true,"sender":"+15550002222","text":"anyone up for pizza tonight?","created_at":"2026-05-16T15:24:38.123Z","chat_name":"Weekend","participants":["+15550001111","+15550002222"]}`,
		`{"id":4,"chat_id":42,"is_group":true,"sender":"+15550001111","text":"hey clawd, what do you think?","created_at":"2026-05-16T15:24:39.123Z","chat_name":"Weekend","participants":["+15550001111","+15550002222"]}`,
	}
	var in bytes.Buffer
	for in.Len() < 4<<20 {
		in.WriteString(strings.Join(lines, "\n") + "\n")
	}
	input := in.Bytes()
	n := bytes.Count(input, []byte("\n"))
	home := filepath.Join(dir, "state")
	b.ResetTimer()
	for b.Loop() {
		if code := Main([]string{"decide", planPath, "--state-dir", home}, bytes.NewReader(input), io.Discard, io.Discard); code != 0 {
			b.Fatal("decide failed")
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "lines/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n*b.N), "ns/line")
}
