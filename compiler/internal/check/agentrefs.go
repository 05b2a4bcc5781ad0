package check

import (
	"fmt"
	"regexp"
	"strconv"
	"sync"

	"github.com/openclawcfg/openclawcfg/compiler/diag"
	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
	"github.com/openclawcfg/openclawcfg/internal/openclaw"
)

// agentRefs is the refinement OpenClaw's root schema runs once the rest
// of the file passed (zod skips refinements after other issues, so vet
// runs it only then): every agent a config names must exist.
//   - 2026.3.24: broadcast.<peer>[i] must be an agents.list id, as written,
//     when agents.list is not empty.
//   - 2026.9.6: agents.defaults.heartbeat.agentId, agents.defaults.
//     systemAgent.agentId and talk.agentId must name an agent (normalised;
//     "main" when there is none), and broadcast.<peer>[i] (or
//     broadcast.<peer>.agents[i]) an agents.entries id as written; with no
//     agents only "channel:peer" keys are checked.
func (c *checker) agentRefs(root *json5.Node) {
	for i := range c.diags {
		// The roster's own errors are refinements too: they do not stop
		// this one.
		if c.diags[i].Severity == diag.Error && c.diags[i].Code != diag.CodeRoster {
			return
		}
	}
	var ids []string
	if c.keyed() {
		// No agents section at all is the implicit roster of "main".
		r := c.roster
		if r == nil {
			r = &roster{implicit: true}
		}
		for _, e := range r.entries {
			ids = append(ids, e.key)
		}
		if r.implicit {
			ids = append(ids, "main")
		}
	} else {
		if list := lookupPath(root, "agents", "list"); list != nil && list.Kind == json5.Array {
			for _, e := range list.Elems {
				if id, ok := str(e, "id"); ok {
					ids = append(ids, id)
				}
			}
		}
		if len(ids) == 0 {
			return
		}
	}
	exact := map[string]bool{}
	effective := map[string]bool{}
	for _, id := range ids {
		exact[id] = true
		effective[openclaw.NormalizeAgentID(id)] = true
	}
	roster := "agents.list"
	if c.keyed() {
		roster = "agents.entries"
		if len(ids) == 0 {
			effective["main"] = true
		}
		for _, p := range [][]string{{"agents", "defaults", "heartbeat", "agentId"}, {"agents", "defaults", "systemAgent", "agentId"}, {"talk", "agentId"}} {
			if v := lookupPath(root, p...); v != nil && v.Kind == json5.String && !effective[openclaw.NormalizeAgentID(v.Str)] {
				c.unknownAgentRef(v, p, v.Str, roster, ids)
			}
		}
	}
	b := root.Lookup("broadcast")
	if b == nil || b.Kind != json5.Object {
		return
	}
	for _, m := range ownMembers(b) {
		if m.Key == "strategy" {
			continue
		}
		list, path := m.Value, []string{"broadcast", m.Key}
		if c.keyed() {
			if m.Value.Kind != json5.Object && m.Value.Kind != json5.Array || len(ids) == 0 && !channelPeerKey().MatchString(m.Key) {
				continue
			}
			if m.Value.Kind == json5.Object {
				list, path = m.Value.Lookup("agents"), append(path, "agents")
			}
		}
		if list == nil || list.Kind != json5.Array {
			continue
		}
		for i, e := range list.Elems {
			if e.Kind == json5.String && exact[e.Str] {
				continue
			}
			c.unknownAgentRef(e, append(path, strconv.Itoa(i)), e.JSString(), roster, ids)
		}
	}
}

// channelPeerKey is 2026.9.6's /^[a-z][a-z0-9_-]*:.+$/i for a broadcast key.
var channelPeerKey = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_-]*:(?s:.+)$`) })

func (c *checker) unknownAgentRef(n *json5.Node, path []string, id, roster string, ids []string) {
	saved := c.path
	c.path = path
	defer func() { c.path = saved }()
	d := c.errorAt(n, diag.CodeAgentRef, fmt.Sprintf("Unknown agent id %q (not in %s).", id, roster))
	d.Fix = fmt.Sprintf("name an agent of %s, or add an agent %q there", roster, id)
	if m := closest(id, ids); m != "" && n.Kind == json5.String {
		d.DidYouMean = m
		d.Message += fmt.Sprintf(" Did you mean %q?", m)
		d.Fix = fmt.Sprintf("write %q", m)
		d.Edit = c.replaceString(n, m)
	}
}

// lookupPath follows keys from n; nil when a step is missing or not an
// object.
func lookupPath(n *json5.Node, keys ...string) *json5.Node {
	for _, k := range keys {
		if n == nil || n.Kind != json5.Object {
			return nil
		}
		n = n.Lookup(k)
	}
	return n
}
