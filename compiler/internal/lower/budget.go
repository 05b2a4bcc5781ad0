package lower

import (
	"fmt"

	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
	"github.com/openclawcfg/openclawcfg/compiler/source"
)

// Bounds on what lowering materialises. The plan holds every account's
// effective settings, so a config of 20 KB (a top-level allowFrom of 10,000
// handles and 1,000 accounts that inherit it) would otherwise lower into
// ten million allow entries; agents inherit messages.groupChat's mention
// patterns the same way. Real configs lower into a few thousand values.
const (
	// MaxEffectiveValues bounds the values the plan is built from,
	// counted once per account (or agent) that reads them.
	MaxEffectiveValues = 100_000
	// MaxEffectiveBytes bounds the bytes of their strings, counted the
	// same way (a 1 MiB cliPath inherited by 100 accounts is 100 MiB).
	MaxEffectiveBytes = 16 << 20
	// accountValues and agentValues are what one account or agent costs
	// in the plan whatever its config (every setting with its origin,
	// about 4.5 KB for an account).
	accountValues = 50
	agentValues   = 5
)

// Overflow is a config whose lowering would pass the bounds.
type Overflow struct {
	// Path is the config path to report it at: the accounts map or
	// agents.list, whichever multiplies.
	Path    string
	At      source.Span // where Path is written
	Message string
}

// size is what a subtree lowers into: its values and string bytes.
type size struct{ values, bytes int }

func (s size) add(t size) size  { return size{s.values + t.values, s.bytes + t.bytes} }
func (s size) times(n int) size { return size{s.values * n, s.bytes * n} }
func (s size) over() bool       { return s.values > MaxEffectiveValues || s.bytes > MaxEffectiveBytes }

func (s size) String() string {
	v := fmt.Sprintf("%d values", s.values)
	if s.values == 1 {
		v = "1 value"
	}
	if s.bytes >= 1<<10 {
		v += fmt.Sprintf(" (%d KiB of text)", s.bytes>>10)
	}
	return v
}

func sizeOfMember(m *json5.Member) size { return size{0, len(m.Key)}.add(sizeOf(m.Value)) }

func sizeOf(n *json5.Node) size {
	if n == nil {
		return size{}
	}
	s := size{1, len(n.Str)}
	for i := range n.Members {
		s = s.add(sizeOfMember(&n.Members[i]))
	}
	for _, e := range n.Elems {
		s = s.add(sizeOf(e))
	}
	return s
}

// CheckBudget estimates, before Lower builds anything, what the plan of
// root holds, and returns an Overflow when it passes the bounds. The
// estimate counts what each account and agent reads: the channel's
// top-level settings once per account (each inherits them) plus its own
// entry and the bindings it is routed through, and messages.groupChat's
// mention patterns once per agent (each falls back to them).
func CheckBudget(root *json5.Node) *Overflow {
	ch := root.Lookup("channels").Lookup("imessage")
	var top, entries size
	accounts := 1
	var bindings size
	nBindings := 0
	if b := root.Lookup("bindings"); b != nil {
		bindings = sizeOf(b)
		nBindings = len(b.Elems)
	}
	if ch != nil && ch.Kind == json5.Object {
		for i := range ch.Members {
			m := &ch.Members[i]
			if m.Key != "accounts" {
				top = top.add(sizeOfMember(m))
			}
		}
		if acc := ch.Lookup("accounts"); acc != nil && acc.Kind == json5.Object && len(acc.Members) > 0 {
			accounts = len(acc.Members)
			entries = sizeOf(acc)
		}
	}
	perAccount := top.add(size{nBindings + accountValues, 0})
	channel := perAccount.times(accounts).add(entries)
	if channel.over() {
		limit := fmt.Sprintf("openclawcfg's limit of %d values or %d MiB of text for a plan", MaxEffectiveValues, MaxEffectiveBytes>>20)
		if accounts == 1 {
			return &Overflow{Path: "channels.imessage", At: firstSpan(ch, root), Message: fmt.Sprintf(
				"the channel's settings hold %s, more than %s", top.add(entries), limit)}
		}
		return &Overflow{Path: "channels.imessage.accounts", At: firstSpan(ch.Lookup("accounts"), ch, root), Message: fmt.Sprintf(
			"the effective settings of %d accounts (each reads the %s set at the channel's top level, and the %d bindings) add up to more than %s",
			accounts, top, nBindings, limit)}
	}
	var global, agentEntries size
	agents := 1
	if gc := root.Lookup("messages").Lookup("groupChat"); gc != nil {
		global = sizeOf(gc.Lookup("mentionPatterns"))
	}
	if l := root.Lookup("agents").Lookup("list"); l != nil && l.Kind == json5.Array && len(l.Elems) > 0 {
		agents = len(l.Elems)
		agentEntries = sizeOf(l)
	}
	total := channel.add(global.add(size{agentValues, 0}).times(agents)).add(agentEntries).add(bindings)
	if total.over() {
		return &Overflow{Path: "agents.list", At: firstSpan(root.Lookup("agents").Lookup("list"), root.Lookup("agents"), root), Message: fmt.Sprintf(
			"the effective settings of %d agents (each falls back to the %s of messages.groupChat.mentionPatterns), with the channel's, add up to more than openclawcfg's limit of %d values or %d MiB of text for a plan",
			agents, global, MaxEffectiveValues, MaxEffectiveBytes>>20)}
	}
	return nil
}

// firstSpan is the span of the first node that exists: the value at a
// path, else the nearest object above it.
func firstSpan(ns ...*json5.Node) source.Span {
	for _, n := range ns {
		if n != nil {
			return n.Span()
		}
	}
	return source.Span{}
}
