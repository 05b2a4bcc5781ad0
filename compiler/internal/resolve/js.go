package resolve

import (
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
	"github.com/openclawcfg/openclawcfg/internal/openclaw"
)

// ownEntries returns the indexes of the members of object n that JavaScript
// keeps as own properties, in the order Object.keys lists them: the last of
// duplicated keys (at the position of the first), array-index keys first in
// ascending numeric order, then the others in source order. skipProto drops
// "__proto__", which is an own key of what JSON5.parse returns but becomes
// the prototype once IncludeProcessor.processObject assigns it.
func ownEntries(n *json5.Node, skipProto bool) []int {
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
	nIdx := 0
	for _, i := range out {
		if _, ok := arrayIndex(ms[i].Key); ok {
			nIdx++
		}
	}
	if nIdx > 0 {
		sort.SliceStable(out, func(a, b int) bool {
			x, xok := arrayIndex(ms[out[a]].Key)
			y, yok := arrayIndex(ms[out[b]].Key)
			if xok != yok {
				return xok
			}
			return xok && x < y
		})
	}
	return out
}

// arrayIndex reports whether k is a canonical array index ("0", "1", ...
// "4294967294"), the keys JavaScript orders first.
func arrayIndex(k string) (uint64, bool) {
	if k == "" || len(k) > 10 || (len(k) > 1 && k[0] == '0') {
		return 0, false
	}
	var v uint64
	for i := 0; i < len(k); i++ {
		c := k[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	return v, v < 1<<32-1
}

// jsGet is obj[key] on a resolved tree: the own member, else the prototype's
// (the last "__proto__" member, when its value is an object or an array;
// null ends the chain, other values were ignored by the assignment).
func jsGet(n *json5.Node, key string) *json5.Node {
	for depth := 0; n != nil && depth < 1000; depth++ {
		if n.Kind != json5.Object {
			return nil // arrays, strings, ...: nothing OpenClaw looks up
		}
		var proto *json5.Node
		protoSeen := false
		for i := len(n.Members) - 1; i >= 0; i-- {
			m := &n.Members[i]
			if m.Key == key && key != "__proto__" {
				return m.Value
			}
			if m.Key == "__proto__" && !protoSeen {
				protoSeen = true
				proto = m.Value
			}
		}
		if proto == nil || (proto.Kind != json5.Object && proto.Kind != json5.Array) {
			return nil
		}
		n = proto
	}
	return nil
}

// truthy is JavaScript's ToBoolean.
func truthy(n *json5.Node) bool {
	switch n.Kind {
	case json5.Null:
		return false
	case json5.Bool:
		return n.Bool
	case json5.Number:
		return n.Num != 0 && !math.IsNaN(n.Num)
	case json5.String:
		return n.Str != ""
	}
	return true
}

// jsTypeof is typeof as the messages of src/config/includes.ts print it.
// jsTypeof names n's type for messages: JavaScript's typeof, except that
// null is "null" (typeof says "object", which only confuses).
func jsTypeof(n *json5.Node) string {
	switch n.Kind {
	case json5.Array, json5.Object:
		return "object"
	}
	return n.Kind.String()
}

// jsTrim is String.prototype.trim: ECMAScript WhiteSpace and LineTerminator.
func jsTrim(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		switch r {
		case '\t', '\n', '\v', '\f', '\r', ' ', 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF:
			return true
		}
		return r >= 0x2000 && r <= 0x200A
	})
}

// jsJoin is Array.prototype.join(",") (and so String(array)).
func jsJoin(elems []*json5.Node) string {
	var b strings.Builder
	for i, e := range elems {
		if i > 0 {
			b.WriteByte(',')
		}
		switch e.Kind {
		case json5.Null:
		case json5.Bool:
			b.WriteString(strconv.FormatBool(e.Bool))
		case json5.Number:
			b.WriteString(openclaw.FormatJSNumber(e.Num))
		case json5.String:
			b.WriteString(e.Str)
		case json5.Array:
			b.WriteString(jsJoin(e.Elems))
		case json5.Object:
			b.WriteString("[object Object]")
		}
	}
	return b.String()
}
