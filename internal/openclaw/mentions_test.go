package openclaw

import (
	"errors"
	"strings"
	"testing"

	"github.com/openclawcfg/openclawcfg/internal/jsregex"
)

func TestCompileMentionPatterns(t *testing.T) {
	res, rejected := CompileMentionPatterns([]string{" \bbot\b ", "(a+)+", "", "   ", "(?i)x", "hey\\s+claw"})
	if len(res) != 2 || res[0].String() != `/\bbot\b/i` || res[1].String() != `/hey\s+claw/i` {
		t.Fatalf("compiled %v", res)
	}
	want := []RejectedPattern{
		{Index: 1, Pattern: "(a+)+", Flags: "i", Reason: SafeRegexUnsafeNestedRepetition},
		{Index: 4, Pattern: "(?i)x", Flags: "i", Reason: SafeRegexInvalid},
	}
	if len(rejected) != len(want) {
		t.Fatalf("rejected %+v", rejected)
	}
	for i := range want {
		if rejected[i] != want[i] {
			t.Errorf("rejected[%d] = %+v, want %+v", i, rejected[i], want[i])
		}
	}
	if !MatchesMention("a BOT!", res) || MatchesMention("robot", res) {
		t.Error("the backspace pattern should be a word boundary")
	}
}

// A pattern abandoned at jsregex's timeout counts as no match and is
// reported; the other patterns still decide.
func TestMatchesMentionTimeout(t *testing.T) {
	slow, err := jsregex.Compile(`(\w\d|\d\w)*!$`, "i")
	if err != nil {
		t.Fatal(err)
	}
	bot, _ := jsregex.Compile("bot", "i")
	text := strings.Repeat("1", 200) + "?"
	ok, err := MatchesMentionDetailed(text, []*jsregex.Regexp{slow})
	if ok || !errors.Is(err, jsregex.ErrTimeout) {
		t.Errorf("slow pattern: %v, %v; want false, ErrTimeout", ok, err)
	}
	ok, err = MatchesMentionDetailed(text+" bot", []*jsregex.Regexp{slow, bot})
	if !ok || !errors.Is(err, jsregex.ErrTimeout) {
		t.Errorf("slow then matching pattern: %v, %v; want true with the timeout reported", ok, err)
	}
	if MatchesMention("\u200b\u2060", []*jsregex.Regexp{bot}) {
		t.Error("text of only format characters cleans to empty: no match")
	}
}

func BenchmarkMatchesMention(b *testing.B) {
	res, _ := CompileMentionPatterns([]string{`\b@?openclaw\b`, `@bot`, `hey\s+clawd`})
	text := strings.Repeat("the quick brown fox jumps over ", 3)[:90] + "hey clawd!"
	b.ReportAllocs()
	for b.Loop() {
		if !MatchesMention(text, res) {
			b.Fatal("no match")
		}
	}
}
