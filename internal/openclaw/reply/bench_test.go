package reply

import (
	"strings"
	"testing"
)

// A typical 2 KB agent reply: paragraphs, a list, inline markup and a code
// block; the table variant adds a 5-row table, which makes OpenClaw parse
// and re-render the whole reply.
func benchReply(withTable bool) string {
	var b strings.Builder
	b.WriteString("Here is what I found about your **deployment** question.\n\n")
	for b.Len() < 1200 {
		b.WriteString("The service restarts cleanly after the config change; logs show `ready` within 3s and no _retries_. ")
	}
	b.WriteString("\n\n- check the health endpoint\n- rotate the key (see [docs](https://docs.example.com/keys))\n- re-run the job\n\n")
	b.WriteString("```sh\nopenclaw gateway restart\n```\n\n")
	if withTable {
		b.WriteString("| host | status | latency |\n|:-----|:------:|--------:|\n")
		for _, h := range []string{"alpha", "beta", "gamma", "delta", "epsilon"} {
			b.WriteString("| " + h + " | ok | 12ms |\n")
		}
		b.WriteString("\n")
	}
	for b.Len() < 2048 {
		b.WriteString("Let me know if you want me to dig further. ")
	}
	return b.String()[:2048]
}

func benchPlan(b *testing.B, withTable bool) {
	text := benchReply(withTable)
	opt := Options{ResponsePrefix: "[bot]", ChunkLimit: 4000}
	sends, _ := Plan(Reply{Text: text}, opt)
	if len(sends) != 1 || (withTable != strings.Contains(sends[0].Text, "```\n| host")) {
		b.Fatalf("unexpected plan: %+v", sends)
	}
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Plan(Reply{Text: text}, opt)
	}
}

func BenchmarkPlan2KB(b *testing.B)          { benchPlan(b, false) }
func BenchmarkPlan2KBWithTable(b *testing.B) { benchPlan(b, true) }

func BenchmarkConvertMarkdownTables2KBTable(b *testing.B) {
	text := benchReply(true)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		ConvertMarkdownTables(text, TableModeCode)
	}
}

// BenchmarkPlanMediaBlock: a reply with a MEDIA: line takes the block
// reply path as well as the final one.
func BenchmarkPlanMediaBlock(b *testing.B) {
	text := benchReply(false)[:1024] + "\nMEDIA:/ws/report.pdf"
	opt := Options{WorkspaceDir: "/ws", MediaKind: func(string) string { return "document" }}
	if sends, _ := Plan(Reply{Text: text}, opt); len(sends) != 1 || sends[0].Text != "<media:document>" {
		b.Fatalf("unexpected plan: %+v", sends)
	}
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		Plan(Reply{Text: text}, opt)
	}
}
