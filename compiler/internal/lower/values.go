package lower

import (
	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
	"github.com/openclawcfg/openclawcfg/plan"
)

// value is one value of the config as OpenClaw's code holds it after
// JSON5.parse, together with the node it was parsed from: lowering reads
// the JavaScript view and keeps where each value is written. Values that
// OpenClaw supplies itself (a schema default, the implicit "main" agent)
// have a node that no file holds.
type value struct {
	*json5.Node
	props obj      // an object's own properties; nil for anything else
	elems []*value // an array's elements
}

// obj is an object's own properties as JavaScript sees them: the last of
// duplicate keys, and no "__proto__" (the parsed object's prototype). A
// nil obj is undefined or not an object.
type obj map[string]*value

// newValue builds the JavaScript view of n.
func newValue(n *json5.Node) *value {
	v := &value{Node: n}
	switch n.Kind {
	case json5.Object:
		v.props = make(obj, len(n.Members))
		for _, m := range n.Members {
			if m.Key != "__proto__" {
				v.props[m.Key] = newValue(m.Value)
			}
		}
	case json5.Array:
		v.elems = make([]*value, len(n.Elems))
		for i, e := range n.Elems {
			v.elems[i] = newValue(e)
		}
	}
	return v
}

// supplied is a string OpenClaw writes itself.
func supplied(s string) *value { return &value{Node: &json5.Node{Kind: json5.String, Str: s}} }

// nullish is JavaScript's v == null: undefined (nil) or null.
func nullish(v *value) bool { return v == nil || v.Kind == json5.Null }

// truthy is JavaScript's Boolean(v), undefined included.
func truthy(v *value) bool { return v != nil && v.Truthy() }

func (o obj) obj(key string) obj {
	if v := o[key]; v != nil {
		return v.props
	}
	return nil
}

func (o obj) has(key string) bool {
	_, ok := o[key]
	return ok
}

func (o obj) str(key string) (string, bool) {
	if v := o[key]; v != nil && v.Kind == json5.String {
		return v.Str, true
	}
	return "", false
}

func (o obj) boolean(key string) (bool, bool) {
	if v := o[key]; v != nil && v.Kind == json5.Bool {
		return v.Bool, true
	}
	return false, false
}

func (o obj) num(key string) (float64, bool) {
	if v := o[key]; v != nil && v.Kind == json5.Number {
		return v.Num, true
	}
	return 0, false
}

func (o obj) list(key string) ([]*value, bool) {
	if v := o[key]; v != nil && v.Kind == json5.Array {
		return v.elems, true
	}
	return nil, false
}

// objectKeys is Object.keys of the object JSON5.parse builds from n (nil
// unless n is an object), "__proto__" left out as newValue leaves it out.
func objectKeys(n *json5.Node) []string {
	if n == nil || n.Kind != json5.Object {
		return nil
	}
	idx := n.OwnKeys(true)
	keys := make([]string, len(idx))
	for i, j := range idx {
		keys[i] = n.Members[j].Key
	}
	return keys
}

// isFalse is JavaScript's o[key] === false.
func isFalse(o obj, key string) bool {
	b, ok := o.boolean(key)
	return ok && !b
}

func strValue(m obj, src *provenance, key, def string) plan.Value[string] {
	if s, ok := m.str(key); ok {
		return plan.Value[string]{Value: s, Origin: src.origin(key)}
	}
	return plan.Value[string]{Value: def, Origin: plan.Origin{Kind: plan.OriginDefault}}
}

func boolValue(o obj, key, path string, def bool) plan.Value[bool] {
	if b, ok := o.boolean(key); ok {
		return plan.Value[bool]{Value: b, Origin: plan.Origin{Kind: plan.OriginSet, Path: path}}
	}
	return plan.Value[bool]{Value: def, Origin: plan.Origin{Kind: plan.OriginDefault}}
}

func boolValueFrom(m obj, src *provenance, key string, def bool) plan.Value[bool] {
	if b, ok := m.boolean(key); ok {
		return plan.Value[bool]{Value: b, Origin: src.origin(key)}
	}
	return plan.Value[bool]{Value: def, Origin: plan.Origin{Kind: plan.OriginDefault}}
}

func strList(o obj, key string) []string {
	l, _ := o.list(key)
	out := []string{}
	for _, v := range l {
		if v.Kind == json5.String {
			out = append(out, v.Str)
		}
	}
	return out
}
