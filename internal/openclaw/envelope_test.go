package openclaw

import (
	"math"
	"os"
	"strings"
	"testing"
	"time"
)

func TestHostZoneFromLocaltimeLink(t *testing.T) {
	summer := float64(time.Date(2026, 5, 16, 15, 24, 0, 0, time.UTC).UnixMilli())
	for _, c := range []struct {
		link, want, canonical string
	}{
		{"/usr/share/zoneinfo/America/New_York", "Sat 2026-05-16 11:24 EDT", "America/New_York"},
		{"/var/db/timezone/zoneinfo/Europe/Berlin", "Sat 2026-05-16 17:24 GMT+2", "Europe/Berlin"}, // macOS
		{"../usr/share/zoneinfo/US/Pacific", "Sat 2026-05-16 08:24 PDT", "America/Los_Angeles"},
		{"/usr/share/zoneinfo/Etc/UTC", "Sat 2026-05-16 15:24 UTC", "UTC"},
	} {
		h := hostZoneFrom("", false, c.link)
		if h.canonical != c.canonical {
			t.Errorf("%s: canonical %q, want %q", c.link, h.canonical, c.canonical)
		}
		got, ok := EnvelopeOptions{}.formatTimestamp(summer, h)
		if !ok || got != c.want {
			t.Errorf("%s: %q, want %q", c.link, got, c.want)
		}
	}
	// No usable link: Go's local zone, GMT-offset names, no resolved name
	// (so "user" falls back to UTC).
	h := hostZoneFrom("", false, "")
	if h.canonical != "" || h.zone == nil || h.zone.location() != time.Local {
		t.Errorf("no link: %+v", h)
	}
	got, _ := EnvelopeOptions{EnvelopeTimezone: "user"}.formatTimestamp(summer, h)
	if got != "Sat 2026-05-16 15:24 UTC" {
		t.Errorf("no link, user zone: %q", got)
	}
}

func TestHostZoneFromTZPath(t *testing.T) {
	path := "/usr/share/zoneinfo/Asia/Tokyo"
	if _, err := os.Stat(path); err != nil {
		t.Skip("no system zoneinfo")
	}
	// ICU takes the offsets from the file but knows no zone name for it.
	h := hostZoneFrom(path, true, "")
	got, ok := EnvelopeOptions{}.formatTimestamp(float64(time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC).UnixMilli()), h)
	if !ok || got != "Thu 2026-01-15 21:00 GMT+9" || h.canonical != "" {
		t.Errorf("TZ=%s: %q (canonical %q)", path, got, h.canonical)
	}
	if h := hostZoneFrom("/nonexistent", true, ""); h.zone != nil || h.canonical != "" {
		t.Errorf("TZ=/nonexistent: %+v", h)
	}
}

func TestEnvelopeExample(t *testing.T) {
	host := hostZoneFrom("UTC", true, "")
	ts := float64(time.Date(2026, 5, 16, 15, 24, 0, 0, time.UTC).UnixMilli())
	e := InboundEnvelope{
		Channel: "iMessage", From: FormatFromLabel(FromLabel{IsGroup: true, GroupLabel: "Family", GroupID: "42", GroupFallback: "Group"}),
		Timestamp: ts, PreviousTimestamp: ts - 125000, Body: "hi [all]", ChatType: "group",
		SenderName: "+15551234567", SenderID: "+1 (555) 123-4567",
	}
	want := "[iMessage Family id:42 +2m Sat 2026-05-16 15:24 UTC] +15551234567 (+1 (555) 123-4567): hi [all]"
	if got := (EnvelopeOptions{}).formatInboundEnvelope(e, host); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	want = "[iMessage Family id:42 Sat 2026-05-16T15:24Z] +15551234567 (+1 (555) 123-4567): hi [all]"
	if got := (EnvelopeOptions{EnvelopeTimezone: "UTC", EnvelopeElapsed: "off"}).formatInboundEnvelope(e, host); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func FuzzFormatInboundEnvelope(f *testing.F) {
	f.Add("iMessage", "Family id:42", "hi", "group", "a\n[b]", "x", "America/New_York", float64(1.7789e12), float64(1.7788e12), true)
	f.Add("", " ", "", "dm", "", "", "+05:30", math.NaN(), 0.0, false)
	f.Add("c", "f", "b", "", "", "", "user", -8.64e15, 8.64e15, false)
	f.Fuzz(func(t *testing.T, channel, from, body, chatType, name, id, tz string, ts, prev float64, fromMe bool) {
		o := EnvelopeOptions{EnvelopeTimezone: tz, UserTimezone: tz}
		e := InboundEnvelope{Channel: channel, From: from, Timestamp: ts, PreviousTimestamp: prev, Body: body, ChatType: chatType, SenderName: name, SenderID: id, FromMe: fromMe}
		out := o.formatInboundEnvelope(e, hostZoneFrom("Europe/Berlin", true, ""))
		// The header is one bracketed line; the body follows untouched.
		i := strings.Index(out, "] ")
		if !strings.HasPrefix(out, "[") || i < 0 || !strings.HasSuffix(out, body) {
			t.Fatalf("malformed envelope %q", out)
		}
		if h := out[1:i]; strings.ContainsAny(h, "[]\n\r") {
			t.Fatalf("header %q holds a bracket or line break", h)
		}
	})
}

func TestMediaKindFromMime(t *testing.T) {
	for mime, want := range map[string]string{
		"image/heic": "image", " Audio/AMR ; x": "audio", "video/mp4": "video", "application/pdf": "document",
		"text/vcard": "document", "model/gltf": "", "": "", "image": "", "\u0130mage/png": "",
	} {
		if got := MediaKindFromMime(mime); got != want {
			t.Errorf("MediaKindFromMime(%q) = %q, want %q", mime, got, want)
		}
	}
}

// FuzzMediaKindFromMime checks the allocation-free prefix test against
// kindFromMime written out literally (split, trim, toLowerCase, startsWith).
func FuzzMediaKindFromMime(f *testing.F) {
	for _, s := range []string{"image/png", "\u212a/x", ";a", " TEXT/plain;q", "\u0130mage/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, mime string) {
		m := ToLowerJS(TrimJS(strings.Split(mime, ";")[0]))
		want := ""
		switch {
		case strings.HasPrefix(m, "image/"):
			want = "image"
		case strings.HasPrefix(m, "audio/"):
			want = "audio"
		case strings.HasPrefix(m, "video/"):
			want = "video"
		case m == "application/pdf", strings.HasPrefix(m, "text/"), strings.HasPrefix(m, "application/"):
			want = "document"
		}
		if got := MediaKindFromMime(mime); got != want {
			t.Fatalf("MediaKindFromMime(%q) = %q, literal port %q", mime, got, want)
		}
	})
}

func BenchmarkFormatInboundEnvelope(b *testing.B) {
	ts := float64(time.Date(2026, 5, 16, 15, 24, 0, 0, time.UTC).UnixMilli())
	e := InboundEnvelope{
		Channel: "iMessage", From: "Family id:42", Timestamp: ts, PreviousTimestamp: ts - 125000,
		Body: "are we still on for dinner tonight?", ChatType: "group", SenderName: "+15551234567", SenderID: "+15551234567",
	}
	for _, tz := range []string{"", "utc", "America/New_York"} {
		o := EnvelopeOptions{EnvelopeTimezone: tz}
		host := hostZoneFrom("Europe/Berlin", true, "")
		name := tz
		if name == "" {
			name = "local"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				o.formatInboundEnvelope(e, host)
			}
		})
	}
}
