package openclaw

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/openclawcfg/openclawcfg/internal/oraclegolden"
)

// testdata/command-gate-2026.3.24.jsonl holds what OpenClaw 2026.3.24's own
// buildCommandContext and handleCommands did with each message from a
// sender not authorised for commands (scripts/oracle-command-gate-goldens.sh):
// the command body the handlers saw, and whether they swallowed the message
// (no reply, no agent run), answered it, or let the agent run.
const commandGateGolden = "testdata/command-gate-2026.3.24.jsonl"

type commandGateCase struct {
	ID string `json:"id"`
	In struct {
		Text     string   `json:"text"`
		Group    bool     `json:"group"`
		Patterns []string `json:"patterns"`
		Sender   *string  `json:"sender"`
		Commands struct {
			Config bool `json:"config"`
			Bash   bool `json:"bash"`
		} `json:"commands"`
	} `json:"in"`
	Out struct {
		Trigger string   `json:"trigger"`
		Body    string   `json:"body"`
		Outcome string   `json:"outcome"`
		Log     []string `json:"log"`
	} `json:"out"`
}

func readCommandGateGolden(t testing.TB) []commandGateCase {
	t.Helper()
	return oraclegolden.Read[commandGateCase](t, commandGateGolden)
}

func TestGoldenCommandGate(t *testing.T) {
	cases := readCommandGateGolden(t)
	if len(cases) < 500 {
		t.Fatalf("only %d golden cases", len(cases))
	}
	var agree, swallowed int
	for _, c := range cases {
		cfg := CommandConfig{Config: c.In.Commands.Config, Bash: c.In.Commands.Bash}
		sender := "+15550003333"
		if c.In.Sender != nil {
			sender = *c.In.Sender
		}
		var diffs []string
		if got := TrimJS(stripStructuralPrefixes(c.In.Text)); got != c.Out.Trigger {
			diffs = append(diffs, "trigger body "+jsonQuote(got)+", OpenClaw "+jsonQuote(c.Out.Trigger))
		}
		body := cfg.HandlerCommandBody(c.In.Text, c.In.Group, NewMentionStripper(c.In.Patterns))
		if body != c.Out.Body {
			diffs = append(diffs, "command body "+jsonQuote(body)+", OpenClaw "+jsonQuote(c.Out.Body))
		}
		ig, ok := cfg.IgnoredForUnauthorized(c.Out.Body, c.In.Group)
		switch {
		case ok != (c.Out.Outcome == "swallow"):
			diffs = append(diffs, "swallowed "+boolWord(ok)+", OpenClaw: "+c.Out.Outcome)
		case ok:
			swallowed++
			if len(c.Out.Log) != 1 || ig.LogLine(sender) != c.Out.Log[0] {
				diffs = append(diffs, "log "+jsonQuote(ig.LogLine(sender))+", OpenClaw "+strings.Join(c.Out.Log, " | "))
			}
		}
		if len(diffs) > 0 {
			t.Errorf("%s (%q):\n  %s", c.ID, c.In.Text, strings.Join(diffs, "\n  "))
			continue
		}
		agree++
	}
	t.Logf("%d/%d cases agree with OpenClaw 2026.3.24 (%d swallowed)", agree, len(cases), swallowed)
}

func jsonQuote(s string) string { b, _ := json.Marshal(s); return string(b) }

func boolWord(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
