package monitor

import (
	"testing"
	"time"

	"github.com/openclawcfg/openclawcfg/runtime/inbound"
	"github.com/openclawcfg/openclawcfg/runtime/store"
)

// A late or reworded echo of the bot's own text is recognised within the
// window; short texts and other chats are not; the loop breaker trips on
// the fourth confirmed cycle within ten minutes.
func TestEchoGuard(t *testing.T) {
	g := newEchoGuard()
	t0 := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	g.remember("chat_id:1", "Sure — I’ll book the table for 8pm!", t0)
	g.remember("chat_id:1", "ok", t0)
	cases := []struct {
		target, text string
		at           time.Duration
		want         string
	}{
		{"chat_id:1", "sure, i'll book the table for 8PM", 30 * time.Second, "echo"},
		{"chat_id:2", "Sure — I’ll book the table for 8pm!", 30 * time.Second, ""},
		{"chat_id:1", "ok", time.Second, ""},
		{"chat_id:1", "Sure — I’ll book the table for 8pm!", 3 * time.Minute, ""}, // past the window: a cycle, counted
	}
	for _, c := range cases {
		if got := g.verdict(c.target, c.text, t0.Add(c.at)); got != c.want {
			t.Errorf("verdict(%q, %q, +%v) = %q, want %q", c.target, c.text, c.at, got, c.want)
		}
	}
	// Two more cycles are answered, the fourth is stopped.
	for i, want := range []string{"", "", "loop"} {
		text := "you said: Sure — I’ll book the table for 8pm!"
		if got := g.verdict("chat_id:1", text, t0.Add(4*time.Minute+time.Duration(i)*time.Second)); got != want {
			t.Fatalf("cycle %d: %q, want %q", i+2, got, want)
		}
	}
	// Ten minutes later the count has expired.
	if got := g.verdict("chat_id:1", "you said: Sure — I’ll book the table for 8pm!", t0.Add(30*time.Minute)); got != "" {
		t.Fatalf("after the window: %q", got)
	}
}

// The fence holds back a row dated inside a healthy span (minus the
// slack) and lets through, marked Delayed, one dated outside every span.
func TestLateness(t *testing.T) {
	t0 := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	du := &durable{
		spans: []store.Span{{From: t0, To: t0.Add(time.Hour)}, {From: t0.Add(3 * time.Hour), To: t0.Add(4 * time.Hour)}},
		born:  t0.Add(-time.Hour),
	}
	now := t0.Add(4 * time.Hour)
	for _, c := range []struct {
		dated         time.Duration
		late, delayed bool
	}{
		{30 * time.Minute, true, false},              // inside the first span
		{time.Hour - time.Minute, false, true},       // within the slack of its end
		{2 * time.Hour, false, true},                 // the Mac slept: outside every span
		{4*time.Hour - 30*time.Second, false, false}, // just now
		{-time.Hour, false, true},                    // before the runtime ever ran
		{3*time.Hour + 10*time.Minute, true, false},  // inside the second span
	} {
		d := t0.Add(c.dated).Format(time.RFC3339)
		late, delayed, _ := du.lateness(&inbound.Message{CreatedAt: d}, now)
		if late != c.late || delayed != c.delayed {
			t.Errorf("dated %s: late=%v delayed=%v, want %v %v", d, late, delayed, c.late, c.delayed)
		}
	}
	if late, delayed, _ := du.lateness(&inbound.Message{CreatedAt: "not a date"}, now); late || delayed {
		t.Error("an unparsable date is neither late nor delayed")
	}
}
