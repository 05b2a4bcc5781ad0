package monitor

import (
	"strings"
	"time"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
	"github.com/openclawcfg/openclawcfg/runtime/inbound"
)

// debouncer is OpenClaw's inbound debouncer (createInboundDebouncer with
// the iMessage monitor's key and rule): quick text messages from one sender
// in one chat are held for debounceMs after the last one and handled as one
// message whose text is their texts joined by newlines. It is driven by the
// monitor's single decision goroutine: add and due never run concurrently.
type debouncer struct {
	ms       time.Duration
	account  string
	isCmd    func(string) bool
	buffers  map[string]*pending
	order    []string // keys in creation order, for due()
	maxKeys  int
	disabled bool
	// onJoin, when set, learns which messages a joined one stands for.
	onJoin func(joined *inbound.Message, items []*inbound.Message)
}

type pending struct {
	items    []*inbound.Message
	deadline time.Time
}

const maxTrackedKeys = 2048

func newDebouncer(ms int, account string, isCmd func(string) bool) *debouncer {
	return &debouncer{
		ms: time.Duration(max(ms, 0)) * time.Millisecond, account: account, isCmd: isCmd,
		buffers: map[string]*pending{}, maxKeys: maxTrackedKeys, disabled: ms <= 0,
	}
}

// key is buildKey: imessage:<account>:<chat>:<sender>, none without a
// sender.
func (d *debouncer) key(m *inbound.Message) string {
	sender := openclaw.TrimJS(m.Sender)
	if sender == "" {
		return ""
	}
	conv := "unknown"
	switch {
	case m.ChatID != nil:
		conv = "chat:" + m.ChatID.String()
	case m.ChatGUID != "":
		conv = m.ChatGUID
	case m.ChatIdentifier != "":
		conv = m.ChatIdentifier
	}
	return "imessage:" + d.account + ":" + conv + ":" + sender
}

// shouldDebounce is shouldDebounceTextInbound: text, no attachments, not a
// control command.
func (d *debouncer) shouldDebounce(m *inbound.Message) bool {
	if len(m.Attachments) > 0 {
		return false
	}
	t := openclaw.TrimJS(deref(m.Text))
	return t != "" && !d.isCmd(t)
}

// add takes a message and returns what is ready to be handled now, in
// order (a held buffer flushed ahead of a message that cannot wait, or the
// message itself).
func (d *debouncer) add(m *inbound.Message, now time.Time) []*inbound.Message {
	key := d.key(m)
	if d.disabled || key == "" || !d.shouldDebounce(m) {
		if p, ok := d.buffers[key]; ok && key != "" {
			d.remove(key)
			return append(d.flush(p), m)
		}
		return []*inbound.Message{m}
	}
	if p, ok := d.buffers[key]; ok {
		p.items = append(p.items, m)
		p.deadline = now.Add(d.ms)
		return nil
	}
	if len(d.buffers) >= d.maxKeys {
		return []*inbound.Message{m}
	}
	d.buffers[key] = &pending{items: []*inbound.Message{m}, deadline: now.Add(d.ms)}
	d.order = append(d.order, key)
	return nil
}

// due flushes every buffer whose quiet period has passed.
func (d *debouncer) due(now time.Time) []*inbound.Message {
	var out []*inbound.Message
	for _, k := range append([]string(nil), d.order...) {
		if p := d.buffers[k]; p != nil && !now.Before(p.deadline) {
			d.remove(k)
			out = append(out, d.flush(p)...)
		}
	}
	return out
}

// next is when the earliest buffer is due (zero when none is held).
func (d *debouncer) next() time.Time {
	var t time.Time
	for _, p := range d.buffers {
		if t.IsZero() || p.deadline.Before(t) {
			t = p.deadline
		}
	}
	return t
}

// drain empties every buffer, returning the held messages unjoined.
func (d *debouncer) drain() []*inbound.Message {
	var out []*inbound.Message
	for _, k := range d.order {
		if p := d.buffers[k]; p != nil {
			out = append(out, p.items...)
		}
	}
	d.buffers, d.order = map[string]*pending{}, nil
	return out
}

func (d *debouncer) remove(key string) {
	delete(d.buffers, key)
	for i, k := range d.order {
		if k == key {
			d.order = append(d.order[:i], d.order[i+1:]...)
			break
		}
	}
}

// flush is onFlush: one message as is; several as the last one with the
// non-empty texts joined by "\n" and no attachments.
func (d *debouncer) flush(p *pending) []*inbound.Message {
	if len(p.items) == 1 {
		return p.items
	}
	var texts []string
	for _, m := range p.items {
		if t := deref(m.Text); t != "" {
			texts = append(texts, t)
		}
	}
	last := *p.items[len(p.items)-1]
	joined := strings.Join(texts, "\n")
	last.Text = &joined
	last.Attachments, last.HasAttachments = nil, false
	if d.onJoin != nil {
		d.onJoin(&last, p.items)
	}
	return []*inbound.Message{&last}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
