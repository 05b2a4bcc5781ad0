package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/openclawcfg/openclawcfg/internal/oraclegolden"
)

// TestE2E2026_9_6Recordings checks that the recordings of OpenClaw 2026.9.6's
// real gateway in testdata/e2e-2026.9.6 (made by its record.sh; see
// docs/openclaw-2026.9.6-runtime.md) are complete and well-formed, so that a
// future 2026.9.6 runtime can be replayed against them: every scenario has
// every recording file, every line is a JSON object with a step, the input
// has one line per scenario step, every send has a text or file and exactly
// one target, and the harness's time shift was undone (rows show the
// scripted 2026-05-16 times, not the time of the recording).
func TestE2E2026_9_6Recordings(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "e2e-2026.9.6")
	scen, err := filepath.Glob(filepath.Join(dir, "scenarios", "*.jsonl"))
	if err != nil || len(scen) == 0 {
		t.Fatalf("no scenarios in %s (%v)", dir, err)
	}
	for _, s := range scen {
		name := strings.TrimSuffix(filepath.Base(s), ".jsonl")
		t.Run(name, func(t *testing.T) {
			steps := 0
			for _, m := range oraclegolden.Read[map[string]any](t, s) {
				if _, ok := m["comment"]; !ok {
					steps++
				}
			}
			rec := map[string][]map[string]any{}
			for _, ext := range []string{".jsonl", ".inbound.jsonl", ".wire.jsonl", ".decisions.jsonl", ".ctx.jsonl", ".prompts.jsonl"} {
				f := filepath.Join(dir, "expected", name+ext)
				for i, m := range oraclegolden.Read[map[string]any](t, f) {
					if _, ok := m["step"].(float64); !ok {
						t.Errorf("%s:%d: no numeric step", f, i+1)
					}
					rec[ext] = append(rec[ext], m)
				}
			}
			if got := len(rec[".inbound.jsonl"]); got != steps {
				t.Errorf("inbound.jsonl has %d lines, the scenario %d steps", got, steps)
			}
			for i, snd := range rec[".jsonl"] {
				p, _ := snd["params"].(map[string]any)
				if p == nil || (p["text"] == nil && p["file"] == nil) {
					t.Errorf("send %d: no text or file: %v", i+1, snd)
					continue
				}
				targets := 0
				for _, k := range []string{"chat_id", "chat_guid", "chat_identifier", "to"} {
					if _, ok := p[k]; ok {
						targets++
					}
				}
				if targets != 1 {
					t.Errorf("send %d: %d targets: %v", i+1, targets, p)
				}
			}
			for i, w := range rec[".wire.jsonl"] {
				msg, _ := w["msg"].(map[string]any)
				if w["dir"] != "<" || msg == nil || msg["method"] != "message" {
					continue
				}
				params, _ := msg["params"].(map[string]any)
				row, _ := params["message"].(map[string]any)
				if at, _ := row["created_at"].(string); !strings.HasPrefix(at, "2026-05-16T") {
					t.Errorf("wire line %d: created_at %q is not a scripted time (time shift not undone)", i+1, at)
				}
			}
		})
	}
}
