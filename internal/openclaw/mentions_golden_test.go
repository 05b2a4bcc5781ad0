package openclaw

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/openclawcfg/openclawcfg/internal/jsregex"
	"github.com/openclawcfg/openclawcfg/internal/oraclegolden"
)

// mentions-2026.3.24.jsonl is recorded from OpenClaw 2026.3.24's own
// functions by scripts/oracle-mention-goldens.sh (see the .mjs header for
// every record kind); internal/jsregex/v8_golden_test.go replays its raw V8
// part, this test the OpenClaw part.

type mentionRecord struct {
	ID      string            `json:"id"`
	Fn      string            `json:"fn"`
	Args    []json.RawMessage `json:"args"`
	Result  json.RawMessage   `json:"result"`
	Matches []json.RawMessage `json:"matches"`
}

func readMentionGolden(t *testing.T) []mentionRecord {
	t.Helper()
	return oraclegolden.Read[mentionRecord](t, "testdata/mentions-2026.3.24.jsonl")
}

func unmarshal(t *testing.T, raw json.RawMessage, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
}

type identityArg struct {
	Name  *string `json:"name"`
	Emoji *string `json:"emoji"`
}

func (id identityArg) derive() []string {
	var name, emoji string
	if id.Name != nil {
		name = *id.Name
	}
	if id.Emoji != nil {
		emoji = *id.Emoji
	}
	return DeriveMentionPatterns(name, emoji)
}

// slowMention: exponential backtracking that passes OpenClaw's gate. V8
// (no time limit) finds the match in about 0.1 s; jsregex may abandon it
// at its timeout and count no match, as documented in internal/jsregex.
var slowMention = map[[2]string]bool{
	{"mentions/catastrophic", strings.Repeat("1", 44) + "!"}: true,
}

func TestMentionsGolden(t *testing.T) {
	var gates, derives, normalized, configs, pairs, timeouts int
	for _, r := range readMentionGolden(t) {
		switch r.Fn {
		case "compileSafeRegexDetailed":
			var src, flags string
			unmarshal(t, r.Args[0], &src)
			unmarshal(t, r.Args[1], &flags)
			var want struct {
				Source string  `json:"source"`
				Flags  string  `json:"flags"`
				Reason *string `json:"reason"`
			}
			unmarshal(t, r.Result, &want)
			_, trimmed, reason := CompileSafeRegex(src, flags)
			wantReason := ""
			if want.Reason != nil {
				wantReason = *want.Reason
			}
			if trimmed != want.Source || reason != wantReason {
				t.Errorf("%s: CompileSafeRegex(%q) = %q, %q; OpenClaw %q, %q", r.ID, src, trimmed, reason, want.Source, wantReason)
			}
			gates++
		case "deriveMentionPatterns":
			var id identityArg
			unmarshal(t, r.Args[0], &id)
			var want []string
			unmarshal(t, r.Result, &want)
			if got := id.derive(); !slices.Equal(got, want) {
				t.Errorf("%s: DeriveMentionPatterns = %q, OpenClaw %q", r.ID, got, want)
			}
			derives++
		case "normalizeMentionText":
			var text, want string
			unmarshal(t, r.Args[0], &text)
			unmarshal(t, r.Result, &want)
			if got := normalizeMentionText(text); got != want {
				t.Errorf("%s: normalizeMentionText(%q) = %q, OpenClaw %q", r.ID, text, got, want)
			}
			normalized++
		case "buildMentionRegexes":
			var want struct {
				Patterns []string          `json:"patterns"`
				Compiled []string          `json:"compiled"`
				Rejected []RejectedPattern `json:"rejected"`
				Warnings []RejectedPattern `json:"warnings"`
			}
			unmarshal(t, r.Result, &want)
			// Identity-derived cases: the patterns OpenClaw resolved are
			// deriveMentionPatterns of the agent's identity.
			var cfg struct {
				Agents struct {
					List []struct {
						Identity *identityArg `json:"identity"`
					} `json:"list"`
				} `json:"agents"`
			}
			unmarshal(t, r.Args[0], &cfg)
			if strings.HasPrefix(r.ID, "mentions/identity/") {
				if got := cfg.Agents.List[0].Identity.derive(); !slices.Equal(got, want.Patterns) && len(got)+len(want.Patterns) > 0 {
					t.Errorf("%s: derived %q, OpenClaw resolved %q", r.ID, got, want.Patterns)
				}
			}
			res, rejected := CompileMentionPatterns(want.Patterns)
			var got []string
			for _, re := range res {
				got = append(got, re.String())
			}
			if !slices.Equal(got, want.Compiled) {
				t.Errorf("%s: compiled %q, OpenClaw %q", r.ID, got, want.Compiled)
			}
			for i := range rejected {
				if rejected[i].Pattern != strings.ReplaceAll(TrimJS(want.Patterns[rejected[i].Index]), "\b", `\b`) {
					t.Errorf("%s: rejected[%d].Index %d does not point at %q", r.ID, i, rejected[i].Index, rejected[i].Pattern)
				}
				rejected[i].Index = 0
			}
			if !slices.Equal(rejected, want.Rejected) {
				t.Errorf("%s: rejected %+v, OpenClaw %+v", r.ID, rejected, want.Rejected)
			}
			for _, w := range want.Warnings {
				if !slices.Contains(want.Rejected, w) {
					t.Errorf("%s: OpenClaw warned about %+v, not among the rejected", r.ID, w)
				}
			}
			configs++
			for _, m := range r.Matches {
				var pair [2]json.RawMessage
				unmarshal(t, m, &pair)
				var text string
				var wantMatch bool
				unmarshal(t, pair[0], &text)
				unmarshal(t, pair[1], &wantMatch)
				ok, err := MatchesMentionDetailed(text, res)
				switch {
				case slowMention[[2]string{r.ID, text}] && errors.Is(err, jsregex.ErrTimeout):
					timeouts++
				case err != nil || ok != wantMatch:
					t.Errorf("%s: MatchesMention(%q) = %v (err %v), OpenClaw %v (patterns %q)", r.ID, text, ok, err, wantMatch, want.Patterns)
				default:
					pairs++
				}
			}
		}
	}
	if configs < 30 || pairs < 300 {
		t.Errorf("golden too small: %d configs, %d pairs", configs, pairs)
	}
	t.Logf("OpenClaw agreement: %d safe-regex verdicts, %d identity derivations, %d normalizeMentionText, %d mention configs, %d text matches (%d abandoned at the timeout, as documented)",
		gates, derives, normalized, configs, pairs, timeouts)
}
