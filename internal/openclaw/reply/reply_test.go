package reply

import (
	"strings"
	"testing"
)

// Behaviour outside what the golden can record: the runtime-facing hooks
// and helpers, and Node's own string handling.

func TestValidUTF8LikeNode(t *testing.T) {
	// Buffer.from(hex, "hex").toString("utf8") in Node 24.
	for _, c := range []struct{ in, want string }{
		{"a\xe2\x82", "a\uFFFD"},
		{"\xe2\x82\xe2\x82", "\uFFFD\uFFFD"},
		{"\xf0\x9f\x98", "\uFFFD"},
		{"\xc0\xaf", "\uFFFD\uFFFD"},
		{"\xed\xa0\x80", "\uFFFD\uFFFD\uFFFD"},
		{"\xf4\x90\x80\x80", "\uFFFD\uFFFD\uFFFD\uFFFD"},
		{"\xffa", "\uFFFDa"},
		{"\xe0\xa0", "\uFFFD"},
		{"\xf0\x90\x90A", "\uFFFDA"},
		{"ok ✓", "ok ✓"},
	} {
		if got := validUTF8(c.in); got != c.want {
			t.Errorf("validUTF8(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestKindFromMIME(t *testing.T) {
	for mime, want := range map[string]string{
		"image/jpeg": "image", "IMAGE/PNG; q=1": "image", "audio/mpeg": "audio", "video/mp4": "video",
		"application/pdf": "document", "text/plain": "document", "application/octet-stream": "document",
		"": "", "font/woff": "", "  ": "",
	} {
		if got := KindFromMIME(mime); got != want {
			t.Errorf("KindFromMIME(%q) = %q, want %q", mime, got, want)
		}
	}
}

func TestShortModelName(t *testing.T) {
	for in, want := range map[string]string{
		"openai-codex/gpt-5.2":     "gpt-5.2",
		"claude-opus-4-6-20260205": "claude-opus-4-6",
		"gpt-5.2-latest":           "gpt-5.2",
		"a/b/c-20260205-latest":    "c-20260205",
		"x-2026020":                "x-2026020",
	} {
		if got := ShortModelName(in); got != want {
			t.Errorf("ShortModelName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestResolvePathFromInputLikeNode(t *testing.T) {
	// path.normalize / path.resolve results from Node 24.
	for _, c := range []struct{ in, want string }{
		{"/a/b/", "/a/b/"},
		{"/a/./b/../c", "/a/c"},
		{"//x//y/", "/x/y/"},
		{"a/../b/", "/ws/b"},
		{"@sub/f.png", "/ws/sub/f.png"},
		{"~/pic.png", "/home/u/pic.png"},
		{"~", "/home/u"},
		{"a\u00a0b.png", "/ws/a b.png"},
	} {
		if got := resolvePathFromInput(c.in, "/ws", "/home/u"); got != c.want {
			t.Errorf("resolvePathFromInput(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestMediaWithoutKindHasNoPlaceholder(t *testing.T) {
	sends, out := Plan(Reply{Text: "MEDIA:/ws/a.bin\nMEDIA:/ws/b.bin"}, Options{})
	if len(sends) != 2 || sends[0].Text != "" || sends[1].Text != "" || sends[0].Media != "/ws/a.bin" || sends[1].Media != "/ws/b.bin" {
		t.Fatalf("sends %+v", sends)
	}
	if out.Text != "" || out.Dropped != "" {
		t.Fatalf("outcome %+v", out)
	}
	video := Options{MediaKind: func(string) string { return "video" }}
	// The final reply alone: the caption goes with the first attachment.
	sends, _ = plan(Reply{Text: "caption\nMEDIA:/ws/a.bin\nMEDIA:/ws/b.bin"}, video, false)
	if sends[0].Text != "caption" || sends[0].Echo != "caption" || sends[1].Text != "<media:video>" || sends[1].Echo != "" {
		t.Fatalf("sends %+v", sends)
	}
	// With the block reply that went first, the caption is not sent.
	sends, _ = Plan(Reply{Text: "caption\nMEDIA:/ws/a.bin\nMEDIA:/ws/b.bin"}, video)
	if len(sends) != 2 || sends[0].Text != "<media:video>" || sends[0].Echo != "" || sends[1].Text != "<media:video>" || sends[1].Payload != 0 {
		t.Fatalf("sends %+v", sends)
	}
}

func TestBlockReplyKeys(t *testing.T) {
	opt := Options{MediaKind: func(string) string { return "document" }, CurrentMessageID: "1004"}
	// A trailing unclosed "[[" is held back as the block's tail: the
	// blocks' keys differ from the final payload's, so both are sent.
	sends, out := Plan(Reply{Text: "text [[\nMEDIA:/ws/a.pdf"}, opt)
	if len(sends) != 2 || sends[0].Text != "<media:document>" || sends[0].Payload != 0 ||
		sends[1].Text != "text [[" || sends[1].Media != "/ws/a.pdf" || sends[1].Payload != 1 || out.Dropped != "" {
		t.Fatalf("sends %+v, outcome %+v", sends, out)
	}
	// [[reply_to_current]] tags the attachment the block sends.
	sends, _ = Plan(Reply{Text: "[[reply_to_current]] with file\nMEDIA:/ws/a.pdf"}, opt)
	if len(sends) != 1 || sends[0].Text != "[[reply_to:1004]] <media:document>" {
		t.Fatalf("sends %+v", sends)
	}
	// A JSON reply's own media are the final payload's: no block reply.
	sends, _ = Plan(Reply{Text: "caption", Media: []string{"/ws/a.pdf"}}, opt)
	if len(sends) != 1 || sends[0].Text != "caption" {
		t.Fatalf("sends %+v", sends)
	}
	// Text alone is never a block send.
	sends, out = Plan(Reply{Text: "just text"}, opt)
	if len(sends) != 1 || sends[0].Text != "just text" || out.Text != "just text" {
		t.Fatalf("sends %+v, outcome %+v", sends, out)
	}
}

func TestReplyToIDOutcome(t *testing.T) {
	sends, out := Plan(Reply{Text: "[[reply_to_current]] " + strings.Repeat("word ", 6)}, Options{CurrentMessageID: "1003", ChunkLimit: 12})
	if out.ReplyToID != "1003" || len(sends) != 3 {
		t.Fatalf("outcome %+v, %d sends", out, len(sends))
	}
	for _, s := range sends {
		if !strings.HasPrefix(s.Text, "[[reply_to:1003]] word") || strings.Contains(s.Echo, "reply_to") {
			t.Fatalf("send %+v", s)
		}
	}
	// A cut through a surrogate pair becomes U+FFFD, as Node encodes it.
	if got := sanitizeReplyToID(strings.Repeat("x", 255) + "😀"); got != strings.Repeat("x", 255)+"\uFFFD" {
		t.Fatalf("sanitizeReplyToID cut = %q", got)
	}
}

func TestPrependReplyTag(t *testing.T) {
	for _, c := range []struct{ msg, want string }{
		{"", "[[reply_to:id]]"},
		{"  hi", "[[reply_to:id]] hi"},
		{"  [[ reply_to : old ]]  new", "[[reply_to:id]] new"},
		{"[[reply_to:old]]", "[[reply_to:id]]"},
		{"[[reply_to_current]] x", "[[reply_to:id]] [[reply_to_current]] x"},
	} {
		if got := prependReplyTag(c.msg, "id"); got != c.want {
			t.Errorf("prependReplyTag(%q) = %q, want %q", c.msg, got, c.want)
		}
	}
}

func TestConvertMarkdownTablesShortcuts(t *testing.T) {
	const noTable = "**bold** and | a pipe but no delimiter row\n\n- list"
	if got := ConvertMarkdownTables(noTable, TableModeCode); got != noTable {
		t.Fatalf("text without a table changed: %q", got)
	}
	table := "| a |\n|---|\n| 1 |"
	if got := ConvertMarkdownTables(table, TableModeOff); got != table {
		t.Fatalf("off changed the text: %q", got)
	}
	if got := ConvertMarkdownTables(table, TableModeBullets); got != "• a: 1" {
		t.Fatalf("bullets = %q", got)
	}
}
