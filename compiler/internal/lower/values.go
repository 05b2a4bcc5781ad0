package lower

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
	"github.com/openclawcfg/openclawcfg/internal/openclaw"
	"github.com/openclawcfg/openclawcfg/plan"
)

// obj is a JSON object as JavaScript sees it: last duplicate wins,
// __proto__ dropped.
type obj map[string]any

// ToValue converts a parsed node into plain Go values as OpenClaw's
// JSON5.parse would produce them.
func ToValue(n *json5.Node) any {
	switch n.Kind {
	case json5.Null:
		return nil
	case json5.Bool:
		return n.Bool
	case json5.Number:
		return n.Num
	case json5.String:
		return n.Str
	case json5.Array:
		out := make([]any, len(n.Elems))
		for i, e := range n.Elems {
			out[i] = ToValue(e)
		}
		return out
	}
	out := make(obj, len(n.Members))
	for _, m := range n.Members {
		if m.Key != "__proto__" {
			out[m.Key] = ToValue(m.Value)
		}
	}
	return out
}

func (o obj) obj(key string) obj {
	if o == nil {
		return nil
	}
	v, _ := o[key].(obj)
	return v
}

func (o obj) has(key string) bool {
	if o == nil {
		return false
	}
	_, ok := o[key]
	return ok
}

func (o obj) str(key string) (string, bool) {
	if o == nil {
		return "", false
	}
	s, ok := o[key].(string)
	return s, ok
}

func (o obj) boolean(key string) (bool, bool) {
	if o == nil {
		return false, false
	}
	b, ok := o[key].(bool)
	return b, ok
}

func (o obj) num(key string) (float64, bool) {
	if o == nil {
		return 0, false
	}
	f, ok := o[key].(float64)
	return f, ok
}

func (o obj) list(key string) ([]any, bool) {
	if o == nil {
		return nil, false
	}
	l, ok := o[key].([]any)
	return l, ok
}

// objectKeys is Object.keys of the object JSON5.parse builds from n (nil
// unless n is an object): array-index keys first in numeric order, then
// the others in order of first appearance (a repeated key keeps its first
// position); "__proto__" is dropped as ToValue drops it.
func objectKeys(n *json5.Node) []string {
	if n == nil || n.Kind != json5.Object {
		return nil
	}
	var index, named []string
	seen := map[string]bool{}
	for _, m := range n.Members {
		if seen[m.Key] || m.Key == "__proto__" {
			continue
		}
		seen[m.Key] = true
		if isArrayIndex(m.Key) {
			index = append(index, m.Key)
		} else {
			named = append(named, m.Key)
		}
	}
	slices.SortFunc(index, func(a, b string) int {
		if c := cmp.Compare(len(a), len(b)); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return append(index, named...)
}

// isArrayIndex: the canonical decimal form of an integer below 2^32-1.
func isArrayIndex(k string) bool {
	if k == "" || len(k) > 10 || (len(k) > 1 && k[0] == '0') {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < '0' || k[i] > '9' {
			return false
		}
	}
	v, err := strconv.ParseUint(k, 10, 64)
	return err == nil && v < 1<<32-1
}

// isFalse is JavaScript's o[key] === false.
func isFalse(o obj, key string) bool {
	b, ok := o[key].(bool)
	return ok && !b
}

// truthy is JavaScript's Boolean(v) for JSON values.
func truthy(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case bool:
		return v
	case float64:
		return v != 0 && !math.IsNaN(v)
	case string:
		return v != ""
	}
	return true
}

func strValue(m obj, src *source, key, def string) plan.Value[string] {
	if s, ok := m.str(key); ok {
		return plan.Value[string]{Value: s, Origin: src.origin(key)}
	}
	return plan.Value[string]{Value: def, Origin: plan.Origin{Kind: "default"}}
}

func boolValue(o obj, key, path string, def bool) plan.Value[bool] {
	if b, ok := o.boolean(key); ok {
		return plan.Value[bool]{Value: b, Origin: plan.Origin{Kind: "set", Path: path}}
	}
	return plan.Value[bool]{Value: def, Origin: plan.Origin{Kind: "default"}}
}

func boolValueFrom(m obj, src *source, key string, def bool) plan.Value[bool] {
	if b, ok := m.boolean(key); ok {
		return plan.Value[bool]{Value: b, Origin: src.origin(key)}
	}
	return plan.Value[bool]{Value: def, Origin: plan.Origin{Kind: "default"}}
}

// jsString is JavaScript's String(v) for JSON values.
func jsString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return openclaw.FormatJSNumber(v)
	case bool:
		return strconv.FormatBool(v)
	case nil:
		return "null"
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			if e != nil {
				parts[i] = jsString(e)
			}
		}
		return strings.Join(parts, ",")
	}
	return "[object Object]"
}

func strList(o obj, key string) []string {
	l, _ := o.list(key)
	out := []string{}
	for _, v := range l {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
