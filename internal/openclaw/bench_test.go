package openclaw

import (
	"strings"
	"testing"
)

// Benchmarks for the per-message paths: every inbound message runs
// IsAllowedSender (and so NormalizeHandle) and PathAllowed per attachment;
// every reply runs ChunkText.

var benchAllowFrom = []string{
	"+1 (555) 123-4567", "15550001111", "alice@example.com", "Bob@Example.COM",
	"imessage:+44 20 7946 0958", "chat_id:42", "chat_guid:iMessage;+;chat123456",
	"chat_identifier:chat987", "sms:+15559998888", "carol@icloud.com",
}

func BenchmarkIsAllowedSender(b *testing.B) {
	chatID := int64(7)
	cases := []struct {
		name, sender string
	}{
		{"last-email", "Carol@iCloud.com"},
		{"phone", "+15559998888"},
		{"miss", "+15557654321"},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if IsAllowedSender(benchAllowFrom, c.sender, &chatID, "", "") != (c.name != "miss") {
					b.Fatal("unexpected verdict")
				}
			}
		})
	}
}

func BenchmarkNormalizeHandle(b *testing.B) {
	for _, h := range []string{"+1 (555) 123-4567", "Foo.Bar@Example.COM", "imessage:sms:+15551234567", "chat_guid:iMessage;-;chat1"} {
		b.Run(h, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = NormalizeHandle(h)
			}
		})
	}
}

func BenchmarkChunkText(b *testing.B) {
	// ~20 KB of prose with sentences, parentheses, line breaks and a few emoji.
	para := "OpenClaw splits long replies (like this one) into several iMessages; " +
		"each chunk breaks at a newline or a space outside parentheses. 😀\n"
	text := strings.Repeat(para, 20*1024/len(para)+1)[:20*1024]
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		if len(ChunkText(text, 4000)) < 5 {
			b.Fatal("too few chunks")
		}
	}
}

func BenchmarkPathAllowed(b *testing.B) {
	roots := MergeRoots([]string{"/Volumes/Ext/Attachments"}, []string{"/Users/*/Documents/Inbox"}, DefaultAttachmentRoots)
	path := "/Users/me/Library/Messages/Attachments/ab/12/9A3B1C2D-UUID/IMG_0001.HEIC"
	b.Run("normalized-roots", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if !PathAllowed(path, roots) {
				b.Fatal("denied")
			}
		}
	})
	b.Run("raw-roots", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if !InboundPathAllowed(path, roots, nil) {
				b.Fatal("denied")
			}
		}
	})
}
