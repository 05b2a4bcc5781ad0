package resolve

import "github.com/openclawcfg/openclawcfg/compiler/internal/json5"

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
