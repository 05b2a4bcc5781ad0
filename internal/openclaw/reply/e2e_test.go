package reply

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/openclawcfg/openclawcfg/internal/oraclegolden"
)

// The 19 turns the real OpenClaw gateway dispatched in the runtime e2e
// recordings (/work/shared/oracle/runtime-e2e/expected): the echo model's
// reply and the sends OpenClaw made from it. testdata/e2e-turns.jsonl keeps
// just those fields plus the options each turn ran with (from the scenario
// configs: dm-allowlist-chunking's textChunkLimit 20; two-accounts' "work"
// account with responsePrefix "[work]", textChunkLimit 60, chunkMode
// "newline"; defaults elsewhere).

const e2eDir = "/work/shared/oracle/runtime-e2e/expected"

type e2eTurn struct {
	Scenario string `json:"scenario"`
	Step     int    `json:"step"`
	Account  string `json:"account"`
	Opts     struct {
		ResponsePrefix string `json:"responsePrefix"`
		ChunkLimit     int    `json:"chunkLimit"`
		ChunkMode      string `json:"chunkMode"`
	} `json:"opts"`
	Reply string   `json:"reply"`
	Sends []string `json:"sends"`
}

func planTurn(turn e2eTurn) []string {
	sends, _ := Plan(Reply{Text: turn.Reply}, Options{
		ResponsePrefix: turn.Opts.ResponsePrefix,
		ChunkLimit:     turn.Opts.ChunkLimit,
		ChunkMode:      turn.Opts.ChunkMode,
	})
	var texts []string
	for _, s := range sends {
		texts = append(texts, s.Text)
	}
	return texts
}

func TestE2ETurnsCopy(t *testing.T) {
	turns := oraclegolden.Read[e2eTurn](t, "testdata/e2e-turns.jsonl")
	if len(turns) != 19 {
		t.Fatalf("%d turns in the copy, want the 19 dispatched turns", len(turns))
	}
	sends := 0
	for _, turn := range turns {
		got := planTurn(turn)
		if !reflect.DeepEqual(got, turn.Sends) {
			t.Errorf("%s step %d (%s): Plan sends %d texts, OpenClaw sent %d\n got  %q\n want %q", turn.Scenario, turn.Step, turn.Account, len(got), len(turn.Sends), got, turn.Sends)
		}
		sends += len(turn.Sends)
	}
	t.Logf("%d turns, %d sends", len(turns), sends)
}

// TestE2ETurnsLive re-derives the turns from the recordings themselves (when
// they are on this machine), checks the copy has not drifted from them and
// replays them.
func TestE2ETurnsLive(t *testing.T) {
	if _, err := os.Stat(e2eDir); err != nil {
		t.Skipf("no e2e recordings at %s", e2eDir)
	}
	type prompt struct {
		Step int `json:"step"`
		Meta struct {
			AccountID string `json:"account_id"`
		} `json:"inbound_meta"`
		Reply string `json:"reply"`
	}
	type send struct {
		Step    int    `json:"step"`
		Account string `json:"account"`
		Params  struct {
			Text string `json:"text"`
		} `json:"params"`
	}
	copyTurns := oraclegolden.Read[e2eTurn](t, "testdata/e2e-turns.jsonl")
	byKey := map[string]e2eTurn{}
	for _, c := range copyTurns {
		byKey[fmt.Sprintf("%s/%d/%s", c.Scenario, c.Step, c.Account)] = c
	}
	files, _ := filepath.Glob(filepath.Join(e2eDir, "*.prompts.jsonl"))
	n := 0
	for _, pf := range files {
		scenario := filepath.Base(pf)
		scenario = scenario[:len(scenario)-len(".prompts.jsonl")]
		recorded := oraclegolden.Read[send](t, filepath.Join(e2eDir, scenario+".jsonl"))
		for _, p := range oraclegolden.Read[prompt](t, pf) {
			key := fmt.Sprintf("%s/%d/%s", scenario, p.Step, p.Meta.AccountID)
			c, ok := byKey[key]
			if !ok {
				t.Errorf("%s: dispatched turn missing from testdata/e2e-turns.jsonl", key)
				continue
			}
			var texts []string
			for _, s := range recorded {
				if s.Step == p.Step && s.Account == p.Meta.AccountID {
					texts = append(texts, s.Params.Text)
				}
			}
			if c.Reply != p.Reply || !reflect.DeepEqual(c.Sends, texts) {
				t.Errorf("%s: testdata/e2e-turns.jsonl differs from the recording; regenerate it", key)
			}
			live := c
			live.Reply, live.Sends = p.Reply, texts
			if got := planTurn(live); !reflect.DeepEqual(got, texts) {
				t.Errorf("%s: Plan sends %q, OpenClaw sent %q", key, got, texts)
			}
			n++
		}
	}
	if n != len(copyTurns) {
		t.Errorf("%d dispatched turns in the recordings, %d in the copy", n, len(copyTurns))
	}
}
