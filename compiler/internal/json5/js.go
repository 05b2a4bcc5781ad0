package json5

import (
	"math"
	"strconv"
	"strings"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
)

// The tree keeps everything the source says (duplicate keys, "__proto__"
// members); these read it as JavaScript holds the object JSON5.parse
// returns, for the phases that reproduce OpenClaw's code on it.

// OwnKeys returns the indexes of the members JavaScript keeps as own
// properties of object n, in Object.keys order: for a duplicated key the
// last member (listed where the first one was), array-index keys first in
// ascending order, then the others in source order. skipProto leaves out
// "__proto__", which becomes the prototype instead of a key once OpenClaw
// assigns the parsed object into another (or is dropped by lowering).
func (n *Node) OwnKeys(skipProto bool) []int {
	ms := n.Members
	out := make([]int, 0, len(ms))
	if len(ms) <= 16 {
		for i := range ms {
			k := ms[i].Key
			if skipProto && k == "__proto__" {
				continue
			}
			first := true
			for j := 0; j < i; j++ {
				if ms[j].Key == k {
					first = false
					break
				}
			}
			if !first {
				continue
			}
			last := i
			for j := len(ms) - 1; j > i; j-- {
				if ms[j].Key == k {
					last = j
					break
				}
			}
			out = append(out, last)
		}
	} else {
		lastOf := make(map[string]int, len(ms))
		for i := range ms {
			lastOf[ms[i].Key] = i
		}
		for i := range ms {
			k := ms[i].Key
			if skipProto && k == "__proto__" {
				continue
			}
			if l, ok := lastOf[k]; ok {
				out = append(out, l)
				delete(lastOf, k)
			}
		}
	}
	openclaw.SortOwnKeys(out, func(i int) string { return ms[i].Key })
	return out
}

// Truthy is JavaScript's Boolean(n).
func (n *Node) Truthy() bool {
	switch n.Kind {
	case Null:
		return false
	case Bool:
		return n.Bool
	case Number:
		return n.Num != 0 && !math.IsNaN(n.Num)
	case String:
		return n.Str != ""
	}
	return true
}

// Typeof names n's type for messages: JavaScript's typeof, except that
// null is "null" (typeof says "object", which only confuses).
func (n *Node) Typeof() string {
	switch n.Kind {
	case Array, Object:
		return "object"
	}
	return n.Kind.String()
}

// JSString is JavaScript's String(n).
func (n *Node) JSString() string {
	switch n.Kind {
	case Null:
		return "null"
	case Bool:
		return strconv.FormatBool(n.Bool)
	case Number:
		return openclaw.FormatJSNumber(n.Num)
	case String:
		return n.Str
	case Array:
		return JoinJS(n.Elems)
	}
	return "[object Object]"
}

// JoinJS is Array.prototype.join(",") of elems: null elements become "".
func JoinJS(elems []*Node) string {
	var b strings.Builder
	for i, e := range elems {
		if i > 0 {
			b.WriteByte(',')
		}
		if e.Kind != Null {
			b.WriteString(e.JSString())
		}
	}
	return b.String()
}

// Value converts n into the plain Go value JavaScript holds after
// JSON5.parse: nil, bool, float64, string, []any, and map[string]any with
// the last of duplicate keys and no "__proto__" (the parsed object's
// prototype, not a key).
func (n *Node) Value() any {
	switch n.Kind {
	case Null:
		return nil
	case Bool:
		return n.Bool
	case Number:
		return n.Num
	case String:
		return n.Str
	case Array:
		out := make([]any, len(n.Elems))
		for i, e := range n.Elems {
			out[i] = e.Value()
		}
		return out
	}
	out := make(map[string]any, len(n.Members))
	for _, m := range n.Members {
		if m.Key != "__proto__" {
			out[m.Key] = m.Value.Value()
		}
	}
	return out
}
