package migrate

import (
	"strconv"
	"strings"

	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
	"github.com/openclawcfg/openclawcfg/internal/openclaw"
)

// The renamed and moved global keys. Each rule is 2026.9.6's doctor rule
// of the same key (legacy-config-migrations: session.canonical-aliases,
// session.typingMode->agents.defaults.typingMode, the tier-eval tranche
// for session.idleMinutes, migrateFinalLayoutRenames,
// agents.embeddedPi->embeddedAgent, memorySearch->memory.search,
// messages.queue.retired-steering-modes), checked against how 2026.3.24
// read the old key: where the doctor's result would read differently,
// migrate writes what keeps 2026.3.24's reading, and says so.

// lastIdx is the index of the member of obj named key that JavaScript
// keeps, or -1; the earlier duplicates are deleted with it.
func lastIdx(obj *json5.Node, key string) int {
	idx := members(obj, key)
	if len(idx) == 0 {
		return -1
	}
	return idx[len(idx)-1]
}

// drop deletes every member of obj named key.
func (m *migration) drop(obj *json5.Node, key string) {
	o := m.rw.ops(obj)
	for _, i := range members(obj, key) {
		o.del[i] = true
	}
}

// wrapped is the member i of obj, moved under a new object key outer as
// inner, the comment lines above it staying with the outer key.
func (m *migration) wrapped(obj *json5.Node, i int, outer, inner string, before ...*gen) *gen {
	mv := m.moved(obj, i, inner)
	g := &gen{key: outer, members: append(before, mv), comments: mv.comments}
	mv.comments = nil // the trailing comment stays on the value's line
	return g
}

func isObj(n *json5.Node) bool { return n != nil && n.Kind == json5.Object }

// renames runs the rules of the renamed global keys.
func (m *migration) renames(root *json5.Node) {
	m.resetDefault(root)
	m.session(root)
	m.agentDefaults(root)
	m.messages(root)
	m.commands(root)
}

func (m *migration) session(root *json5.Node) {
	s := last(root, "session")
	if !isObj(s) {
		return
	}
	so := m.rw.ops(s)
	if i := lastIdx(s, "idleMinutes"); i >= 0 {
		key := s.Members[i].KeyStart
		reset := last(s, "reset")
		switch {
		case isObj(reset) && last(reset, "idleMinutes") != nil:
			m.drop(s, "idleMinutes")
			m.change(key, Change{
				Path: "session.idleMinutes", Kind: "remove",
				Reason: "2026.3.24 reads session.reset.idleMinutes first, so this one has no effect; 2026.9.6 retired it (its doctor drops it the same way)",
			})
		case isObj(reset):
			m.drop(s, "idleMinutes")
			ro := m.rw.ops(reset)
			ro.prepend = append(ro.prepend, m.moved(s, i, "idleMinutes"))
			m.change(key, Change{
				Path: "session.idleMinutes", To: "session.reset.idleMinutes", Kind: "move",
				Reason: "2026.9.6 reads the idle timeout from session.reset only (its doctor moves it there); 2026.3.24 used this value when session.reset set none",
			})
		case reset == nil:
			// 2026.3.24 resets idle-only when neither reset nor resetByType
			// is set, else daily plus idle; the doctor writes mode "idle"
			// always, which would drop the daily reset in the second case.
			mode := "idle"
			if last(s, "resetByType") != nil {
				mode = "daily"
			}
			for _, j := range members(s, "idleMinutes")[:len(members(s, "idleMinutes"))-1] {
				so.del[j] = true
			}
			so.replace[i] = m.wrapped(s, i, "reset", "idleMinutes", &gen{key: "mode", text: m.quoted(nil, mode)})
			m.change(key, Change{
				Path: "session.idleMinutes", To: "session.reset", Kind: "move",
				Reason: "2026.9.6 reads the idle timeout from session.reset only; with no session.reset" + map[bool]string{true: " but a session.resetByType, 2026.3.24 resets daily as well as after the idle minutes, so mode \"daily\" is written (2026.9.6's doctor would write \"idle\")", false: ", 2026.3.24 resets after the idle minutes only (mode \"idle\", as 2026.9.6's doctor writes)"}[mode == "daily"],
			})
		default:
			m.refuse(key, "session.idleMinutes", "session.reset is not an object, so openclawcfg cannot move the idle minutes into it", doctorFix)
		}
	}
	if rb := last(s, "resetByType"); isObj(rb) {
		m.renameOrDrop(rb, "dm", "direct", "session.resetByType",
			"2026.3.24 reads session.resetByType.direct first, so this one has no effect; 2026.9.6 renamed dm to direct (its doctor drops it the same way)",
			"2026.9.6 renamed it direct; 2026.3.24 read dm as the direct-chat reset when direct was not set")
	}
	if i := lastIdx(s, "typingMode"); i >= 0 {
		key := s.Members[i].KeyStart
		m.drop(s, "typingMode")
		mv := m.moved(s, i, "typingMode")
		m.putDefault(root, "typingMode", mv)
		m.change(key, Change{
			Path: "session.typingMode", To: "agents.defaults.typingMode", Kind: "move",
			Reason: "2026.9.6 reads the typing mode from agents.defaults.typingMode (its doctor moves it there, replacing a value set there); 2026.3.24 read session.typingMode before agents.defaults.typingMode",
		})
	}
	if mt := last(s, "maintenance"); isObj(mt) {
		m.renameOrDrop(mt, "pruneDays", "pruneAfter", "session.maintenance",
			"2026.3.24 reads session.maintenance.pruneAfter first, so this one has no effect; 2026.9.6 renamed it pruneAfter (its doctor drops it the same way)",
			"2026.9.6 renamed it pruneAfter; both releases read a plain number there as days, so the value stays as written (as 2026.9.6's doctor keeps it)")
	}
}

// resetDefault keeps 2026.3.24's session reset. With no session.reset
// (and no session.idleMinutes, which the session rule turns into one),
// 2026.3.24 resets every session daily at 4:00 (resolveSessionResetPolicy:
// mode "daily"), while 2026.9.6 never resets (DEFAULT_RESET_MODE "none"),
// also for the kinds a session.resetByType leaves out; so the daily reset
// is written out.
func (m *migration) resetDefault(root *json5.Node) {
	s := last(root, "session")
	daily := &gen{key: "reset", members: []*gen{{key: "mode", text: m.quoted(firstString(root), "daily")}}}
	why := "2026.3.24 resets sessions daily at 4:00 when session.reset is unset; 2026.9.6 then never resets them, so the daily reset is written out"
	switch {
	case s == nil:
		ro := m.rw.ops(root)
		ro.prepend = append(ro.prepend, &gen{key: "session", members: []*gen{daily}})
		m.change(root.Start, Change{Path: "session", To: "session.reset", Kind: "add", Reason: why})
	case !isObj(s) || last(s, "reset") != nil || last(s, "idleMinutes") != nil:
	default:
		so := m.rw.ops(s)
		so.prepend = append(so.prepend, daily)
		m.change(s.Start, Change{Path: "session", To: "session.reset", Kind: "add", Reason: why})
	}
}

// firstString is the first string value of the document, whose quotes a
// new string follows.
func firstString(n *json5.Node) *json5.Node {
	switch n.Kind {
	case json5.String:
		return n
	case json5.Object:
		for _, m := range n.Members {
			if s := firstString(m.Value); s != nil {
				return s
			}
		}
	case json5.Array:
		for _, e := range n.Elems {
			if s := firstString(e); s != nil {
				return s
			}
		}
	}
	return nil
}

// putDefault writes g as agents.defaults.<key>, replacing a value there,
// creating agents and agents.defaults as needed.
func (m *migration) putDefault(root *json5.Node, key string, g *gen) {
	agents := last(root, "agents")
	switch {
	case agents == nil:
		ro := m.rw.ops(root)
		ro.prepend = append(ro.prepend, &gen{key: "agents", members: []*gen{{key: "defaults", members: []*gen{g}}}})
	case !isObj(agents):
	default:
		d := last(agents, "defaults")
		switch {
		case d == nil:
			ao := m.rw.ops(agents)
			ao.prepend = append(ao.prepend, &gen{key: "defaults", members: []*gen{g}})
		case isObj(d):
			o := m.rw.ops(d)
			if i := lastIdx(d, key); i >= 0 {
				for _, j := range members(d, key) {
					if j != i {
						o.del[j] = true
					}
				}
				g.comments, g.trailing = m.rw.leadingComments(m.rw.slotOf(d, i)), m.rw.trailingComment(m.rw.slotOf(d, i))
				o.replace[i] = g
				return
			}
			o.prepend = append(o.prepend, g)
		}
	}
}

// legacyMemoryKeys are memorySearch fields 2026.9.6's doctor rewrites
// further once moved (flat chunking and query fields, the sidecar store
// path); openclawcfg does not.
var legacyMemoryKeys = []string{"chunkSize", "chunkOverlap", "maxResults", "store"}

func (m *migration) memoryMovable(ms *json5.Node, path string) bool {
	for _, k := range legacyMemoryKeys {
		if i := lastIdx(ms, k); i >= 0 {
			m.refuse(ms.Members[i].KeyStart, path+"."+k, "2026.9.6's doctor rewrites this memorySearch field further when it moves memorySearch to memory.search (nested chunking/query fields, indexes in the agent database); openclawcfg does not", doctorFix)
			return false
		}
	}
	if p := last(ms, "provider"); p != nil && p.Kind == json5.String && strings.ToLower(openclaw.TrimJS(p.Str)) == "auto" {
		m.refuse(p.Start, path+".provider", "2026.9.6 no longer accepts provider \"auto\" (its doctor writes \"openai\"), which can choose another provider than 2026.3.24's auto detection", doctorFix)
		return false
	}
	return true
}

func (m *migration) agentDefaults(root *json5.Node) {
	agents := last(root, "agents")
	if !isObj(agents) {
		return
	}
	if list := last(agents, "list"); list != nil && list.Kind == json5.Array {
		for n, e := range list.Elems {
			if !isObj(e) {
				continue
			}
			i := lastIdx(e, "memorySearch")
			if i < 0 {
				continue
			}
			p := "agents.list." + strconv.Itoa(n) + ".memorySearch"
			id := ""
			if v := last(e, "id"); v != nil && v.Kind == json5.String {
				id = openclaw.NormalizeAgentID(v.Str)
			}
			ms := e.Members[i].Value
			if !isObj(ms) || last(e, "memory") != nil || !m.memoryMovable(ms, p) {
				if !isObj(ms) || last(e, "memory") != nil {
					m.refuse(e.Members[i].KeyStart, p, "openclawcfg moves an object memorySearch into an agent without a memory section only", doctorFix)
				}
				continue
			}
			o := m.rw.ops(e)
			for _, j := range members(e, "memorySearch") {
				if j != i {
					o.del[j] = true
				}
			}
			o.replace[i] = m.wrapped(e, i, "memory", "search")
			m.change(e.Members[i].KeyStart, Change{
				Path: p, To: "agents.entries." + id + ".memory.search", Kind: "move",
				Reason: "2026.9.6 reads an agent's memory search settings from its memory.search (its doctor moves them there); the settings are unchanged",
			})
		}
	}
	d := last(agents, "defaults")
	if !isObj(d) {
		return
	}
	do := m.rw.ops(d)
	if i := lastIdx(d, "pdfMaxBytesMb"); i >= 0 {
		m.renameIn(d, i, "pdfMaxBytesMb", "pdfMaxMb", "agents.defaults", "2026.9.6 renamed it pdfMaxMb (same unit, megabytes); its doctor renames it the same way")
	}
	if i := lastIdx(d, "embeddedPi"); i >= 0 {
		if !isObj(d.Members[i].Value) || last(d, "embeddedAgent") != nil {
			m.refuse(d.Members[i].KeyStart, "agents.defaults.embeddedPi", "openclawcfg renames an object embeddedPi when embeddedAgent is not set only", doctorFix)
		} else {
			m.renameIn(d, i, "embeddedPi", "embeddedAgent", "agents.defaults", "2026.9.6 renamed the embedded agent settings embeddedAgent; its doctor moves them the same way, unchanged")
		}
	}
	if i := lastIdx(d, "imageGenerationModel"); i >= 0 {
		key := d.Members[i].KeyStart
		if last(d, "mediaModels") != nil {
			m.refuse(key, "agents.defaults.imageGenerationModel", "agents.defaults.mediaModels is set already; openclawcfg does not merge into it", doctorFix)
		} else {
			for _, j := range members(d, "imageGenerationModel") {
				if j != i {
					do.del[j] = true
				}
			}
			do.replace[i] = m.wrapped(d, i, "mediaModels", "image")
			m.change(key, Change{
				Path: "agents.defaults.imageGenerationModel", To: "agents.defaults.mediaModels.image", Kind: "move",
				Reason: "2026.9.6 reads the image generation model from agents.defaults.mediaModels.image (its doctor moves it there); the value is unchanged",
			})
		}
	}
	if i := lastIdx(d, "memorySearch"); i >= 0 {
		key := d.Members[i].KeyStart
		ms := d.Members[i].Value
		mem := last(root, "memory")
		switch {
		case !isObj(ms) || mem != nil && (!isObj(mem) || last(mem, "search") != nil):
			m.refuse(key, "agents.defaults.memorySearch", "openclawcfg moves an object memorySearch to memory.search when memory.search is not set only", doctorFix)
		case m.memoryMovable(ms, "agents.defaults.memorySearch"):
			m.drop(d, "memorySearch")
			mv := m.moved(d, i, "search")
			if mem != nil {
				mo := m.rw.ops(mem)
				mo.prepend = append(mo.prepend, mv)
			} else {
				ro := m.rw.ops(root)
				g := &gen{key: "memory", members: []*gen{mv}, comments: mv.comments, trailing: mv.trailing}
				mv.comments, mv.trailing = nil, ""
				ro.prepend = append(ro.prepend, g)
			}
			m.change(key, Change{
				Path: "agents.defaults.memorySearch", To: "memory.search", Kind: "move",
				Reason: "2026.9.6 reads the memory search defaults from memory.search (its doctor moves them there); the settings are unchanged",
			})
		}
	}
	if i := lastIdx(d, "cliBackends"); i >= 0 {
		if v := d.Members[i].Value; isObj(v) && len(v.Members) == 0 {
			m.drop(d, "cliBackends")
			m.change(d.Members[i].KeyStart, Change{
				Path: "agents.defaults.cliBackends", Kind: "remove",
				Reason: "an empty cliBackends configures no CLI backend in 2026.3.24; 2026.9.6 registers CLI backends through plugins and rejects the key (its doctor removes it)",
			})
		} else {
			m.refuse(d.Members[i].KeyStart, "agents.defaults.cliBackends", "2026.9.6 registers CLI backend adapters through plugins (https://docs.openclaw.ai/plugins/cli-backend-plugins) and its doctor removes this key, so the backends configured here would be lost", "register the backends as plugins, remove the key, then migrate again")
		}
	}
}

// renameIn renames member i of obj (at path) from old to new.
// renameOrDrop renames old to new in obj, or drops old when new is set
// there already (2026.3.24 read new first, so old had no effect).
func (m *migration) renameOrDrop(obj *json5.Node, old, new, path, dropWhy, renameWhy string) {
	i := lastIdx(obj, old)
	if i < 0 {
		return
	}
	if last(obj, new) != nil {
		key := obj.Members[i].KeyStart
		m.drop(obj, old)
		m.change(key, Change{Path: path + "." + old, Kind: "remove", Reason: dropWhy})
		return
	}
	m.renameIn(obj, i, old, new, path, renameWhy)
}

func (m *migration) renameIn(obj *json5.Node, i int, old, new, path, why string) {
	o := m.rw.ops(obj)
	for _, j := range members(obj, old) {
		if j != i {
			o.del[j] = true
		}
	}
	o.rename[i] = new
	m.change(obj.Members[i].KeyStart, Change{Path: path + "." + old, To: path + "." + new, Kind: "rename", Reason: why})
}

// retiredQueueModes are 2026.3.24's queue modes 2026.9.6 retired, with
// what its doctor writes instead.
var retiredQueueModes = map[string]string{"queue": "steer", "steer-backlog": "followup", "steer+backlog": "followup"}

func (m *migration) messages(root *json5.Node) {
	msg := last(root, "messages")
	if !isObj(msg) {
		return
	}
	if q := last(msg, "queue"); isObj(q) {
		mode := func(v *json5.Node, path string) {
			if v == nil || v.Kind != json5.String {
				return
			}
			to, ok := retiredQueueModes[v.Str]
			if !ok {
				return
			}
			m.rw.vals[v] = m.quoted(v, to)
			m.change(v.Start, Change{
				Path: path, To: path, Kind: "set",
				Reason: "2026.9.6 retired the queue mode \"" + v.Str + "\"; its doctor writes \"" + to + "\" for it",
			})
		}
		mode(last(q, "mode"), "messages.queue.mode")
		if bc := last(q, "byChannel"); isObj(bc) {
			for i := range bc.Members {
				if i == lastIdx(bc, bc.Members[i].Key) {
					mode(bc.Members[i].Value, "messages.queue.byChannel."+bc.Members[i].Key)
				}
			}
		}
	}
	// Retired booleans set to 2026.3.24's default had no effect.
	for _, k := range []string{"removeAckAfterReply", "suppressToolErrors"} {
		if i := lastIdx(msg, k); i >= 0 {
			if v := msg.Members[i].Value; v.Kind == json5.Bool && !v.Bool {
				m.drop(msg, k)
				m.change(msg.Members[i].KeyStart, Change{
					Path: "messages." + k, Kind: "remove",
					Reason: "false is 2026.3.24's default, so it has no effect; 2026.9.6 retired the key (its doctor removes it)",
				})
			}
		}
	}
}

func (m *migration) commands(root *json5.Node) {
	c := last(root, "commands")
	if !isObj(c) {
		return
	}
	if i := lastIdx(c, "useAccessGroups"); i >= 0 {
		if v := c.Members[i].Value; v.Kind == json5.Bool && v.Bool {
			m.drop(c, "useAccessGroups")
			m.change(c.Members[i].KeyStart, Change{
				Path: "commands.useAccessGroups", Kind: "remove",
				Reason: "true is 2026.3.24's default (commands check access groups unless it is false), so it has no effect; 2026.9.6 retired the key (its doctor removes it)",
			})
		}
	}
}
