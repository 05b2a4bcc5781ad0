package monitor

import (
	"testing"
	"time"

	"github.com/openclawcfg/openclawcfg/plan"
	"github.com/openclawcfg/openclawcfg/runtime/inbound"
)

func msg(t *testing.T, s string) *inbound.Message {
	t.Helper()
	m, err := inbound.ParseMessage([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func texts(ms []*inbound.Message) []string {
	var out []string
	for _, m := range ms {
		if m.Text == nil {
			out = append(out, "<nil>")
		} else {
			out = append(out, *m.Text)
		}
	}
	return out
}

// The debouncer holds quick texts from one sender in one chat and joins
// them; a message that cannot wait flushes the held ones first, in order.
func TestDebounce(t *testing.T) {
	isCmd := func(s string) bool { return s == "/status" }
	d := newDebouncer(500, "default", isCmd)
	t0 := time.Unix(1000, 0)
	if got := d.add(msg(t, `{"sender":"+1","chat_id":1,"text":"one"}`), t0); len(got) != 0 {
		t.Fatalf("first text not held: %v", texts(got))
	}
	d.add(msg(t, `{"sender":"+1","chat_id":1,"text":"two"}`), t0.Add(200*time.Millisecond))
	d.add(msg(t, `{"sender":"+2","chat_id":1,"text":"other sender"}`), t0.Add(250*time.Millisecond))
	if got := d.due(t0.Add(600 * time.Millisecond)); len(got) != 0 {
		t.Fatalf("flushed before 500 ms of quiet: %v", texts(got))
	}
	got := d.due(t0.Add(760 * time.Millisecond))
	if want := []string{"one\ntwo", "other sender"}; len(got) != 2 || texts(got)[0] != want[0] || texts(got)[1] != want[1] {
		t.Fatalf("due = %q, want %q", texts(got), want)
	}
	if got[0].Attachments != nil {
		t.Fatal("joined message keeps attachments")
	}
	// A message that is not debounced (a control command, an empty text)
	// flushes the sender's held messages first.
	d.add(msg(t, `{"sender":"+1","chat_id":1,"text":"three"}`), t0.Add(time.Second))
	got = d.add(msg(t, `{"sender":"+1","chat_id":1,"text":"/status"}`), t0.Add(1100*time.Millisecond))
	if want := []string{"three", "/status"}; len(got) != 2 || texts(got)[0] != want[0] || texts(got)[1] != want[1] {
		t.Fatalf("add(/status) = %q, want %q", texts(got), want)
	}
	// Attachments are never held; without a sender there is no key.
	if got := d.add(msg(t, `{"sender":"+1","chat_id":1,"text":"pic","attachments":[{"original_path":"/a"}]}`), t0); len(got) != 1 {
		t.Fatal("attachment held")
	}
	if got := d.add(msg(t, `{"chat_id":1,"text":"anon"}`), t0); len(got) != 1 {
		t.Fatal("sender-less message held")
	}
	// Off when debounceMs is 0.
	if got := newDebouncer(0, "default", isCmd).add(msg(t, `{"sender":"+1","text":"x"}`), t0); len(got) != 1 {
		t.Fatal("held with debounce off")
	}
}

func TestBackoffDelay(t *testing.T) {
	b := DefaultBackoff
	want := []time.Duration{5, 10, 20, 40, 80, 160, 300, 300, 300, 300}
	for i, w := range want {
		if got := b.Delay(i+1, 0); got != w*time.Second {
			t.Errorf("attempt %d: %v, want %v", i+1, got, w*time.Second)
		}
	}
	if got := b.Delay(2, 1); got != 11*time.Second {
		t.Errorf("attempt 2 with full jitter: %v, want 11s", got)
	}
}

// resolveMessageId prefers a string guid over imsg 0.9's numeric id.
func TestMessageID(t *testing.T) {
	for _, c := range []struct {
		r    sendResult
		want string
	}{
		{sendResult{"ok": true, "id": float64(50001), "guid": "G-1"}, "G-1"},
		{sendResult{"ok": true, "id": float64(50001)}, "50001"},
		{sendResult{"ok": true, "message_id": " m-1 "}, "m-1"},
		{sendResult{"ok": true}, "ok"},
		{sendResult{}, "unknown"},
	} {
		if got := messageID(c.r); got != c.want {
			t.Errorf("messageID(%v) = %q, want %q", c.r, got, c.want)
		}
	}
}

func TestSendParams(t *testing.T) {
	a := &plan.Account{Service: plan.Value[string]{Value: "sms"}, Region: plan.Value[string]{Value: " "}}
	for _, c := range []struct {
		target string
		want   map[string]any
	}{
		{"imessage:+15550001111", map[string]any{"text": "t", "service": "imessage", "region": "US", "to": "+15550001111"}},
		{"+15550001111", map[string]any{"text": "t", "service": "auto", "region": "US", "to": "+15550001111"}},
		{"chat_id:42", map[string]any{"text": "t", "service": "sms", "region": "US", "chat_id": "42"}},
		{"chat_guid:iMessage;+;chat1", map[string]any{"text": "t", "service": "sms", "region": "US", "chat_guid": "iMessage;+;chat1"}},
	} {
		got, err := SendParams(a, c.target, "t", "")
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range c.want {
			if g := got[k]; g != v && !(k == "chat_id" && g != nil && string(g.(interface{ String() string }).String()) == v) {
				t.Errorf("%s: %s = %v, want %v", c.target, k, g, v)
			}
		}
	}
	if _, err := SendParams(a, "chat_id:x", "t", ""); err == nil || err.Error() != "Invalid chat_id: x" {
		t.Errorf("bad target: %v", err)
	}
}
