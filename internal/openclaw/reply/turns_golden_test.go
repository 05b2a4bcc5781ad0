package reply

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/openclawcfg/openclawcfg/internal/oraclegolden"
)

// testdata/reply-turns-2026.3.24.jsonl holds what OpenClaw 2026.3.24's
// gateway sent when an agent turn produced each reply
// (scripts/oracle-reply-turn-goldens.sh): the block replies the agent
// emitted while it streamed, then the final reply unless a block had sent
// the same content. Every case is replayed through Plan; a send whose
// attachment OpenClaw cannot load (missing, outside its media roots, a
// remote URL while offline) ends that payload, as deliverReplies does, and
// the next payload is still delivered.

type turnCase struct {
	ID string `json:"id"`
	In struct {
		Text string     `json:"text"`
		Opts goldenOpts `json:"opts"`
	} `json:"in"`
	Out struct {
		MessageID string           `json:"messageId"`
		Sends     []map[string]any `json:"sends"`
		Remember  []*string        `json:"remember"`
		Error     string           `json:"error"`
	} `json:"out"`
}

// runTurn is what the runtime makes of Plan's sends with the golden's
// fixtures: the texts and files sent, the echo-cache texts, and whether a
// payload failed.
func runTurn(c turnCase) (sends [][2]string, remember []*string, failed bool) {
	opts := c.In.Opts
	opts.MessageID = c.Out.MessageID
	planned, out := Plan(Reply{Text: c.In.Text}, goldenOptions(opts))
	dead := -1 // the payload whose send failed
	finalStart := true
	for i, s := range planned {
		if s.Payload == dead {
			continue
		}
		// The whole text is remembered before a text-only final payload's chunks.
		if out.Text != "" && finalStart && (i == 0 || planned[i-1].Payload != s.Payload) && s.Media == "" {
			t := out.Text
			remember = append(remember, &t)
			finalStart = false
		}
		file := ""
		if s.Media != "" {
			file = loaderPath(s.Media)
			if _, ok := goldenFixtures[file]; !ok || !strings.HasPrefix(file, goldenRoot+"/state/") {
				dead, failed = s.Payload, true
				continue
			}
		}
		sends = append(sends, [2]string{s.Text, file})
		if s.Media != "" && s.Echo == "" {
			remember = append(remember, nil)
		} else {
			e := s.Echo
			remember = append(remember, &e)
		}
	}
	return sends, remember, failed
}

func TestGoldenReplyTurns(t *testing.T) {
	var cases []turnCase
	for _, line := range readLines(t, "testdata/reply-turns-2026.3.24.jsonl") {
		var c turnCase
		if err := json.Unmarshal([]byte(line), &c); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, c)
	}
	if len(cases) < 60 {
		t.Fatalf("only %d cases", len(cases))
	}
	agree, blocks := 0, 0
	for _, c := range cases {
		var want [][2]string
		for _, s := range c.Out.Sends {
			text, _ := s["text"].(string)
			file, _ := s["file"].(string)
			want = append(want, [2]string{text, file})
		}
		got, remember, failed := runTurn(c)
		var diffs []string
		if !(len(got) == 0 && len(want) == 0 || reflect.DeepEqual(got, want)) {
			diffs = append(diffs, fmt.Sprintf("sends:\n  got  %q\n  want %q", got, want))
		}
		if !(len(remember) == 0 && len(c.Out.Remember) == 0 || reflect.DeepEqual(remember, c.Out.Remember)) {
			diffs = append(diffs, fmt.Sprintf("echo cache: got %s, want %s", strs(remember), strs(c.Out.Remember)))
		}
		if failed != (c.Out.Error != "") {
			diffs = append(diffs, fmt.Sprintf("a payload failed: %v, OpenClaw: %q", failed, c.Out.Error))
		}
		if len(diffs) > 0 {
			t.Errorf("%s (%q):\n%s", c.ID, c.In.Text, strings.Join(diffs, "\n"))
			continue
		}
		agree++
		if len(want) > 0 && want[0][1] != "" && !strings.Contains(c.In.Text, want[0][0]) {
			blocks++ // an attachment sent without its caption
		}
	}
	t.Logf("%d/%d turn cases agree with OpenClaw 2026.3.24's gateway (%d begin with an attachment sent without the reply's text)", agree, len(cases), blocks)
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	var out []string
	for _, v := range oraclegolden.Read[json.RawMessage](t, path) {
		out = append(out, string(v))
	}
	return out
}
