package reply

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// The converters must never panic or hang, whatever a handler prints. The
// seeds are every golden input, so the fuzzer starts from the shapes that
// matter; `go test` runs the seeds, `go test -fuzz` explores.

func addGoldenSeeds(f *testing.F, add func(c goldenCase)) {
	for _, c := range loadGolden(f) {
		add(c)
	}
}

func FuzzConvertMarkdownTables(f *testing.F) {
	addGoldenSeeds(f, func(c goldenCase) { f.Add(c.In.Text, uint8(0)) })
	f.Add("| a |\n|---|\n"+strings.Repeat("> ", 300)+"x", uint8(1))
	f.Add(strings.Repeat("[", 5000)+"| a |\n|-|", uint8(0))
	f.Add(strings.Repeat("*a ", 3000)+"\n\n| a |\n|-|", uint8(2))
	f.Fuzz(func(t *testing.T, text string, m uint8) {
		mode := []string{TableModeCode, TableModeBullets, TableModeOff}[int(m)%3]
		start := time.Now()
		out := ConvertMarkdownTables(text, mode)
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("%d-byte input took %v", len(text), d)
		}
		if mode == TableModeOff || !strings.Contains(text, "|") {
			if out != text {
				t.Fatalf("text without a table changed: %q -> %q", text, out)
			}
		}
		if utf8.ValidString(text) && !utf8.ValidString(out) {
			t.Fatalf("valid input, invalid output %q", out)
		}
	})
}

func FuzzPlan(f *testing.F) {
	addGoldenSeeds(f, func(c goldenCase) {
		media := strings.Join(c.In.Media, "\n")
		f.Add(c.In.Text, media, c.In.Opts.ChunkLimit, c.In.Opts.ChunkMode, "[bot]")
	})
	f.Fuzz(func(t *testing.T, text, media string, limit int, mode, prefix string) {
		var m []string
		if media != "" {
			m = strings.Split(media, "\n")
		}
		start := time.Now()
		sends, out := Plan(Reply{Text: text, Media: m}, Options{
			ResponsePrefix:   prefix,
			ChunkLimit:       limit % 5000,
			ChunkMode:        mode,
			CurrentMessageID: "7",
			WorkspaceDir:     "/ws",
			HomeDir:          "/home/u",
			MediaKind:        func(string) string { return "image" },
		})
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("%d-byte reply took %v", len(text), d)
		}
		if out.Dropped != "" && len(sends) > 0 {
			t.Fatalf("dropped %q but %d sends", out.Dropped, len(sends))
		}
		for i, s := range sends {
			if i == 0 && s.Payload != 0 || i > 0 && s.Payload != sends[i-1].Payload && s.Payload != sends[i-1].Payload+1 {
				t.Fatalf("send %d of payload %d follows payload %d", i, s.Payload, sends[max(i-1, 0)].Payload)
			}
			if s.Text == "" && s.Media == "" {
				t.Fatalf("send %d has neither text nor media", i)
			}
			if !utf8.ValidString(s.Text) {
				t.Fatalf("send %d text is not UTF-8: %q", i, s.Text)
			}
		}
	})
}
