package migrate

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/openclawcfg/openclawcfg/plan"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"

	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
)

// doctorFix is the fix of a refusal: what OpenClaw itself offers.
const doctorFix = "run `openclaw doctor --fix` with OpenClaw 2026.9.6 (it rewrites this key its own way), then check the result with `openclawcfg vet --openclaw 2026.9.6`"

func (m *migration) run(root *json5.Node) {
	if root.Kind != json5.Object {
		return
	}
	m.includes(root, "")
	m.channels(root)
	m.env(root)
	m.bindings(root)
	m.renames(root)
	m.agents(root)
	m.retired(root, "", retiredKeys)
	m.remoteHosts(root)
	m.meta(root)
}

// remoteHosts keeps the remote host 2026.3.24 detected from a cliPath
// wrapper (two loose regexes). 2026.9.6 detects only the one-line form
// exec ssh [-T] HOST imsg "$@" and stops the account on any other ssh
// wrapper, but a configured remoteHost wins in both releases: so the
// detected host is written next to the cliPath it came from. It depends
// on the wrapper as this machine reads it, which the change says.
func (m *migration) remoteHosts(root *json5.Node) {
	if m.old == nil {
		return
	}
	done := map[*json5.Node]bool{}
	for _, a := range m.old.Accounts {
		if a.RemoteHost.Source != plan.RemoteDetected {
			continue
		}
		at := strings.TrimSuffix(a.CLIPath.Origin.Path, ".cliPath")
		obj := imessageEntry(root, at)
		if obj == nil || done[obj] || last(obj, "remoteHost") != nil {
			continue
		}
		done[obj] = true
		o := m.rw.ops(obj)
		o.prepend = append(o.prepend, &gen{key: "remoteHost", text: m.quoted(last(obj, "cliPath"), a.RemoteHost.Host)})
		m.change(obj.Start, Change{
			Path: at, To: at + ".remoteHost", Kind: "add",
			Reason: fmt.Sprintf("2026.3.24 detected the remote host %q from the cliPath wrapper (as this machine reads it); 2026.9.6 detects it only from the one-line form exec ssh [-T] HOST imsg \"$@\" and stops the account on any other ssh wrapper, while a configured remoteHost wins in both", a.RemoteHost.Host),
		})
	}
}

// imessageEntry is the object at channels.imessage or
// channels.imessage.accounts.<key>, as a plan origin names it.
func imessageEntry(root *json5.Node, at string) *json5.Node {
	im := last(last(root, "channels"), "imessage")
	if im == nil || im.Kind != json5.Object {
		return nil
	}
	if at == "channels.imessage" {
		return im
	}
	key, ok := strings.CutPrefix(at, "channels.imessage.accounts.")
	if !ok {
		return nil
	}
	e := last(last(im, "accounts"), key)
	if e == nil || e.Kind != json5.Object {
		return nil
	}
	return e
}

// includes finds the $include keys. The included files are not
// rewritten: To accepts the result only when the whole config, included
// files and all, passes as the target and keeps its policies.
func (m *migration) includes(n *json5.Node, path string) {
	switch n.Kind {
	case json5.Object:
		for i := range n.Members {
			mem := &n.Members[i]
			if mem.Key == "$include" {
				m.incl = append(m.incl, include{path: join(path, "$include"), off: mem.KeyStart})
				continue
			}
			m.includes(mem.Value, join(path, mem.Key))
		}
	case json5.Array:
		for i, e := range n.Elems {
			m.includes(e, fmt.Sprintf("%s.%d", path, i))
		}
	}
}

// members lists the indexes of obj's members named key, in order; the
// last is the one JavaScript keeps.
func members(obj *json5.Node, key string) []int {
	var out []int
	if obj == nil || obj.Kind != json5.Object {
		return nil
	}
	for i := range obj.Members {
		if obj.Members[i].Key == key {
			out = append(out, i)
		}
	}
	return out
}

// join writes a config path as vet prints it.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// moved is the gen member carrying member i of obj to a new place, with
// its comments.
func (m *migration) moved(obj *json5.Node, i int, key string) *gen {
	s := m.rw.slotOf(obj, i)
	return &gen{key: key, raw: obj.Members[i].Value, from: s, comments: m.rw.leadingComments(s), trailing: m.rw.trailingComment(s)}
}

// quoted writes s in the quotes of the string node like (double quotes
// when like is not a string).
func (m *migration) quoted(like *json5.Node, s string) string {
	if like != nil && like.Kind == json5.String && m.src[like.Start] == '\'' {
		return "'" + s + "'"
	}
	return strconv.Quote(s)
}

// channels migrates channels.imessage (and its accounts) and
// channels.defaults, and refuses the other channels.
func (m *migration) channels(root *json5.Node) {
	idx := members(root, "channels")
	if len(idx) == 0 {
		return
	}
	ch := root.Members[idx[len(idx)-1]].Value
	if ch.Kind != json5.Object {
		return
	}
	for i := range ch.Members {
		mem := &ch.Members[i]
		key := mem.Key
		switch {
		case key == "imessage":
			if v := mem.Value; v.Kind == json5.Object && i == members(ch, key)[len(members(ch, key))-1] {
				m.imessage(v)
			}
		case key == "defaults":
			if v := mem.Value; v.Kind == json5.Object {
				m.heartbeat(v, "channels.defaults")
			}
		case strings.TrimSpace(key) == "imessage" || strings.TrimSpace(key) == "defaults":
			// 2026.3.24 trims the id only to check that the channel
			// exists: the section is neither validated nor read, so it
			// has no effect; 2026.9.6 reads it as the channel itself.
			m.rw.ops(ch).del[i] = true
			m.change(mem.KeyStart, Change{
				Path: "channels." + strconv.Quote(key), Kind: "remove",
				Reason: "2026.3.24 neither validates nor reads a channel section whose id has spaces around it, so it has no effect; 2026.9.6 trims the id and validates the section as channels." + strings.TrimSpace(key) + ", where it fails",
			})
		case key == "" || key == "__proto__" || key == "modelByChannel" || mem.Value.Kind == json5.Object && len(mem.Value.Members) == 0:
			// Kept as written: both releases skip an empty id and a
			// __proto__ key, modelByChannel is shared metadata, and an
			// empty section sets nothing (the migrated file is vetted as
			// 2026.9.6, which knows its channel ids).
		default:
			// Kept as written: the migrated file is vetted as 2026.9.6,
			// which checks the section against that channel's bundled
			// schema (a failure there is a refusal); what the channel does
			// is not compared, and the change says so.
			m.change(mem.KeyStart, Change{
				Path: "channels." + key, Kind: "keep",
				Reason: fmt.Sprintf("another channel: kept as written; it passes OpenClaw %s's schema for channels.%s, but openclawcfg compares only the iMessage channel's behaviour between releases (review it with openclaw doctor on the gateway)", m.to, key),
			})
		}
	}
}

// imessage migrates the channels.imessage section and its accounts.
func (m *migration) imessage(im *json5.Node) {
	const path = "channels.imessage"
	m.streaming(im, path)
	m.heartbeat(im, path)
	acc := members(im, "accounts")
	if len(acc) == 0 {
		return
	}
	accounts := im.Members[acc[len(acc)-1]].Value
	if accounts.Kind != json5.Object {
		return
	}
	for i := range accounts.Members {
		a := accounts.Members[i].Value
		if a.Kind != json5.Object {
			continue
		}
		ap := path + ".accounts." + accounts.Members[i].Key
		m.streaming(a, ap)
		m.heartbeat(a, ap)
	}
	m.implicitDefault(im, accounts)
	// 2026.3.24 writes the schema defaults dmPolicy "pairing" and
	// groupPolicy "allowlist" into every account (zod .default() in the
	// account schema), so a root policy reaches no account that omits
	// it; 2026.9.6 fills in the root only and accounts inherit the root.
	for _, p := range []struct{ key, def string }{{"dmPolicy", "pairing"}, {"groupPolicy", "allowlist"}} {
		ri := members(im, p.key)
		if len(ri) == 0 {
			continue
		}
		rv := im.Members[ri[len(ri)-1]].Value
		if rv.Kind != json5.String || rv.Str == p.def {
			continue
		}
		for i := range accounts.Members {
			a := accounts.Members[i].Value
			if a.Kind != json5.Object || len(members(a, p.key)) > 0 {
				continue
			}
			ap := path + ".accounts." + accounts.Members[i].Key
			o := m.rw.ops(a)
			o.prepend = append(o.prepend, &gen{key: p.key, text: m.quoted(rv, p.def)})
			m.change(accounts.Members[i].KeyStart, Change{
				Path: ap, To: ap + "." + p.key, Kind: "add",
				Reason: fmt.Sprintf("2026.3.24 gives an account without %s the default %q, so the root's %q does not reach it; 2026.9.6 lets the account inherit the root's %q, so the default is written out to keep it %q",
					p.key, p.def, rv.Str, rv.Str, p.def),
			})
		}
	}
}

// streaming moves the flat delivery keys of an iMessage entry into
// streaming, as 2026.9.6's doctor does (iMessage: deliveryOnly, so no
// streaming.mode is set): chunkMode to streaming.chunkMode,
// blockStreaming to streaming.block.enabled, blockStreamingCoalesce to
// streaming.block.coalesce. 2026.9.6 merges an account's streaming over
// the root's key by key (block and coalesce field by field), as 2026.3.24
// merged the flat keys, so inheritance is unchanged.
func (m *migration) streaming(obj *json5.Node, path string) {
	type flat struct{ key, to string }
	keys := []flat{{"chunkMode", "streaming.chunkMode"}, {"blockStreaming", "streaming.block.enabled"}, {"blockStreamingCoalesce", "streaming.block.coalesce"}}
	var st, block gen
	st.key, block.key = "streaming", "block"
	first := -1
	o := (*objOps)(nil)
	for _, k := range keys {
		idx := members(obj, k.key)
		if len(idx) == 0 {
			continue
		}
		if o == nil {
			o = m.rw.ops(obj)
		}
		last := idx[len(idx)-1]
		if first < 0 || last < first {
			first = last
		}
		for _, i := range idx {
			o.del[i] = true
			if i != last {
				m.change(obj.Members[i].KeyStart, Change{
					Path: join(path, k.key), Kind: "remove",
					Reason: "a repeated key: the later one wins in both releases, so this one has no effect",
				})
			}
		}
		leaf := k.to[strings.LastIndex(k.to, ".")+1:]
		g := m.moved(obj, last, leaf)
		if k.key == "chunkMode" {
			st.members = append(st.members, g)
		} else {
			block.members = append(block.members, g)
		}
		m.change(obj.Members[last].KeyStart, Change{
			Path: join(path, k.key), To: join(path, k.to), Kind: "move",
			Reason: "2026.9.6 reads this setting only as " + k.to + " (its doctor moves it there too); the value is unchanged",
		})
	}
	if first < 0 {
		return
	}
	if len(block.members) > 0 {
		st.members = append(st.members, &block)
	}
	delete(o.del, first)
	o.replace[first] = &st
}

// heartbeat renames heartbeat to heartbeatVisibility, as 2026.9.6's
// doctor does (migrateHeartbeatVisibility) for the same three flags.
func (m *migration) heartbeat(obj *json5.Node, path string) {
	idx := members(obj, "heartbeat")
	if len(idx) == 0 {
		return
	}
	last := idx[len(idx)-1]
	v := obj.Members[last].Value
	if v.Kind == json5.Object {
		for _, mem := range v.Members {
			if mem.Key != "showOk" && mem.Key != "showAlerts" && mem.Key != "useIndicator" {
				m.refuse(mem.KeyStart, join(path, "heartbeat."+mem.Key), "2026.9.6 has heartbeatVisibility with showOk, showAlerts and useIndicator only", doctorFix)
				return
			}
		}
	}
	o := m.rw.ops(obj)
	for _, i := range idx[:len(idx)-1] {
		o.del[i] = true
		m.change(obj.Members[i].KeyStart, Change{
			Path: join(path, "heartbeat"), Kind: "remove",
			Reason: "a repeated key: the later one wins in both releases, so this one has no effect",
		})
	}
	o.rename[last] = "heartbeatVisibility"
	m.change(obj.Members[last].KeyStart, Change{
		Path: join(path, "heartbeat"), To: join(path, "heartbeatVisibility"), Kind: "rename",
		Reason: "2026.9.6 renamed heartbeat (showOk, showAlerts, useIndicator) to heartbeatVisibility (its doctor renames it too); the value is unchanged",
	})
}

// env moves the string variables written directly in env into env.vars,
// as 2026.9.6's doctor does: 2026.3.24 read them as variables too.
func (m *migration) env(root *json5.Node) {
	idx := members(root, "env")
	if len(idx) == 0 {
		return
	}
	env := root.Members[idx[len(idx)-1]].Value
	if env.Kind != json5.Object {
		return
	}
	var vars *json5.Node
	if vi := members(env, "vars"); len(vi) > 0 && env.Members[vi[len(vi)-1]].Value.Kind == json5.Object {
		vars = env.Members[vi[len(vi)-1]].Value
	}
	var moved []*gen
	first := -1
	o := m.rw.ops(env)
	for i := range env.Members {
		mem := &env.Members[i]
		if mem.Key == "vars" || mem.Key == "shellEnv" {
			continue
		}
		if l := members(env, mem.Key); l[len(l)-1] != i {
			o.del[i] = true
			m.change(mem.KeyStart, Change{Path: "env." + mem.Key, Kind: "remove", Reason: "a repeated key: the later one wins in both releases, so this one has no effect"})
			continue
		}
		if mem.Value.Kind != json5.String {
			m.refuse(mem.KeyStart, "env."+mem.Key, "2026.9.6 accepts variables only as strings in env.vars, and its doctor does not move this value", doctorFix)
			continue
		}
		if vars != nil && len(members(vars, mem.Key)) > 0 {
			m.refuse(mem.KeyStart, "env."+mem.Key, "env.vars."+mem.Key+" is set too; 2026.9.6 keeps only env.vars."+mem.Key+", which may not be the value 2026.3.24 used", "keep one of the two")
			continue
		}
		o.del[i] = true
		if first < 0 {
			first = i
		}
		moved = append(moved, m.moved(env, i, mem.Key))
		m.change(mem.KeyStart, Change{
			Path: "env." + mem.Key, To: "env.vars." + mem.Key, Kind: "move",
			Reason: "2026.9.6 reads variables only from env.vars (its doctor moves them there too); the value is unchanged",
		})
	}
	if len(moved) == 0 {
		return
	}
	if vars != nil {
		vo := m.rw.ops(vars)
		vo.prepend = append(vo.prepend, moved...)
		return
	}
	delete(o.del, first)
	o.replace[first] = &gen{key: "vars", members: moved}
}

// bindings rewrites the peer kind "dm" to "direct": 2026.3.24 read both
// as a direct chat; 2026.9.6 accepts only "direct" (its doctor rule
// bindings.match.peer.kind.dm-to-direct).
func (m *migration) bindings(root *json5.Node) {
	idx := members(root, "bindings")
	if len(idx) == 0 {
		return
	}
	bs := root.Members[idx[len(idx)-1]].Value
	if bs.Kind != json5.Array {
		return
	}
	r := rosterOf(root)
	for i, b := range bs.Elems {
		id := last(b, "agentId")
		if t := last(b, "type"); t != nil && t.Kind == json5.String && t.Str == "acp" {
			id = nil // an ACP binding routes no message
		}
		switch {
		case id == nil || id.Kind != json5.String:
		case r == nil && openclaw.TrimJS(id.Str) != "" && openclaw.NormalizeAgentID(id.Str) != "main":
			m.refuse(id.Start, fmt.Sprintf("bindings.%d.agentId", i),
				fmt.Sprintf("agent %q is not defined in agents: 2026.3.24 then runs it as an agent of its own (with its own sessions and workspace), 2026.9.6 rejects a binding to an agent it does not know (Unknown agent id)", id.Str),
				fmt.Sprintf("define the agent (agents.list: [{ id: \"main\" }, { id: %q }]) or bind to main, then migrate again", openclaw.NormalizeAgentID(id.Str)))
		case r != nil && len(r.ids) > 0:
			if _, ok := r.first[openclaw.NormalizeAgentID(id.Str)]; ok || openclaw.TrimJS(id.Str) == "" {
				break
			}
			m.rw.vals[id] = m.quoted(id, r.def)
			p := fmt.Sprintf("bindings.%d.agentId", i)
			m.change(id.Start, Change{
				Path: p, To: p, Kind: "set",
				Reason: fmt.Sprintf("agent %q is not in agents.list, so 2026.3.24 gives what this binding matches to its default agent %q (pickFirstExistingAgentId); 2026.9.6 %s", id.Str, r.def, unknownAgent96(id.Str)),
			})
		}
		match := last(b, "match")
		peer := last(match, "peer")
		kind := last(peer, "kind")
		if kind == nil || kind.Kind != json5.String || kind.Str != "dm" {
			continue
		}
		m.rw.vals[kind] = m.quoted(kind, "direct")
		p := fmt.Sprintf("bindings.%d.match.peer.kind", i)
		m.change(kind.Start, Change{
			Path: p, To: p, Kind: "set",
			Reason: `2026.9.6 calls a direct chat "direct" and no longer accepts "dm", which 2026.3.24 read as the same kind (its doctor makes the same rewrite)`,
		})
	}
}

// unknownAgent96 is what 2026.9.6 does with a binding to an agent it
// does not know.
func unknownAgent96(id string) string {
	if openclaw.NormalizeAgentID(id) == "main" {
		return `routes "main" to an agent of that name, which the roster does not define`
	}
	return "rejects a binding to an agent it does not know (Unknown agent id)"
}

// last is the value of obj's last member named key, or nil.
func last(obj *json5.Node, key string) *json5.Node {
	if obj == nil {
		return nil
	}
	return obj.Lookup(key)
}

// legacyRoster is agents.list as 2026.3.24 reads it.
type legacyRoster struct {
	agents *json5.Node // the agents object
	at     int         // index of the list member in agents
	list   *json5.Node
	// ids are the entries' normalised ids (normalizeAgentId), in order;
	// first[id] is the entry 2026.3.24 reads that agent's settings from
	// (resolveAgentEntry: the first entry with the id).
	ids   []string
	first map[string]int
	// def is resolveDefaultAgentId: the first entry marked default,
	// else the first entry.
	def string
}

// rosterOf reads agents.list; nil when there is none (or it is no list).
func rosterOf(root *json5.Node) *legacyRoster {
	agents := last(root, "agents")
	if agents == nil || agents.Kind != json5.Object {
		return nil
	}
	li := members(agents, "list")
	if len(li) == 0 {
		return nil
	}
	r := &legacyRoster{agents: agents, at: li[len(li)-1], first: map[string]int{}}
	r.list = agents.Members[r.at].Value
	if r.list.Kind != json5.Array {
		return nil
	}
	chosen := ""
	marked := false
	for i, e := range r.list.Elems {
		if e.Kind != json5.Object {
			continue
		}
		raw := ""
		if v := last(e, "id"); v != nil && v.Kind == json5.String {
			raw = v.Str
		}
		id := openclaw.NormalizeAgentID(raw)
		if _, dup := r.first[id]; !dup {
			r.first[id] = i
			r.ids = append(r.ids, id)
		}
		if d := last(e, "default"); !marked && d != nil && d.Truthy() {
			chosen, marked = raw, true
		}
		if len(r.ids) == 1 && !marked && chosen == "" {
			chosen = raw
		}
	}
	r.def = openclaw.NormalizeAgentID(chosen)
	return r
}

// agents moves agents.list to agents.entries keyed by normalised id, the
// form 2026.9.6 reads (its loader converts a list only when every id is
// already normalised and unique; migratePersistedImplicitMainRoster).
// The settings of each agent are those 2026.3.24 read: the first entry of
// an id wins (resolveAgentEntry), so later entries with the same id are
// dropped. Who gets the messages no binding claims is kept: 2026.3.24's
// default agent (the first entry marked default, else the first entry)
// carries the one default marker 2026.9.6 accepts in a roster of several
// agents, from which its loader materialises that agent's ownership of
// every unbound surface (a channel-wide binding per channel,
// agents.defaults.*.agentId, talk.agentId) and keeps it the owner of the
// legacy data (its workspace). A single agent needs no marker.
func (m *migration) agents(root *json5.Node) {
	r := rosterOf(root)
	if r == nil {
		return
	}
	agents, at, list := r.agents, r.at, r.list
	if len(r.ids) == 0 {
		m.refuse(agents.Members[at].KeyStart, "agents.list", "an empty agents.list: 2026.9.6 then assumes an agent \"main\" whose settings openclawcfg cannot show to be those 2026.3.24 used", doctorFix)
		return
	}
	// 2026.9.6 puts an agent other than the owner in
	// <agents.defaults.workspace>/<id>; 2026.3.24 in
	// <state dir>/workspace-<id>, a directory only the gateway knows.
	if len(r.ids) > 1 {
		if ws := last(last(agents, "defaults"), "workspace"); ws != nil && ws.Kind == json5.String && openclaw.TrimJS(ws.Str) != "" {
			for _, id := range r.ids {
				e := list.Elems[r.first[id]]
				if w := last(e, "workspace"); id == r.def || w != nil && w.Kind == json5.String && openclaw.TrimJS(w.Str) != "" {
					continue
				}
				m.refuse(e.Start, fmt.Sprintf("agents.list.%d", r.first[id]),
					fmt.Sprintf("agent %q has no workspace of its own: 2026.3.24 gives it <state dir>/workspace-%s, 2026.9.6 would give it %s/%s (under agents.defaults.workspace), so its files would move", id, id, openclaw.TrimJS(ws.Str), id),
					fmt.Sprintf("set its workspace explicitly (by default \"~/.openclaw/workspace-%s\"), then migrate again", id))
			}
		}
	}
	g := &gen{key: "entries"}
	for i, e := range list.Elems {
		p := fmt.Sprintf("agents.list.%d", i)
		if e.Kind != json5.Object {
			m.refuse(e.Start, p, "an agents.list entry that is not an object; 2026.9.6 keys agents by id and has no place for it", doctorFix)
			continue
		}
		raw := ""
		idv := last(e, "id")
		if idv != nil && idv.Kind == json5.String {
			raw = idv.Str
		}
		id := openclaw.NormalizeAgentID(raw)
		if r.first[id] != i {
			m.change(e.Start, Change{
				Path: p, Kind: "remove",
				Reason: fmt.Sprintf("agent %q is listed before (agents.list.%d); 2026.3.24 reads its settings from the first entry only, so this one has no effect", id, r.first[id]),
			})
			continue
		}
		eo := m.rw.ops(e)
		for _, k := range members(e, "id") {
			eo.del[k] = true
		}
		if raw != id {
			at := e.Start
			if idv != nil {
				at = idv.Start
			}
			m.change(at, Change{
				Path: p + ".id", To: "agents.entries." + id, Kind: "rename",
				Reason: fmt.Sprintf("2026.3.24 reads the id %q as the agent %q (normalizeAgentId) everywhere; 2026.9.6 keys agents by the normalised id", raw, id),
			})
		}
		m.markDefault(e, eo, p, id, id == r.def && len(r.ids) > 1, len(r.ids) == 1)
		s := m.elemSlot(e)
		g.members = append(g.members, &gen{key: id, raw: e, from: s, comments: s.comments})
	}
	ao := m.rw.ops(agents)
	for _, i := range members(agents, "list") {
		if i != at {
			ao.del[i] = true
		}
	}
	ao.replace[at] = g
	s := m.rw.slotOf(agents, at)
	g.comments, g.trailing = m.rw.leadingComments(s), m.rw.trailingComment(s)
	to := "agents.entries"
	if len(r.ids) == 1 {
		to += "." + r.ids[0]
	}
	m.change(agents.Members[at].KeyStart, Change{
		Path: "agents.list", To: to, Kind: "move",
		Reason: "2026.9.6 keys agents by id in agents.entries (its loader converts a list the same way, with a warning); each agent's settings are unchanged",
	})
}

// markDefault leaves one default marker, on 2026.3.24's default agent
// when the roster has several agents (keep), and none otherwise.
func (m *migration) markDefault(e *json5.Node, eo *objOps, path, id string, keep, single bool) {
	d := members(e, "default")
	var v *json5.Node
	if len(d) > 0 {
		v = e.Members[d[len(d)-1]].Value
	}
	isTrue := v != nil && v.Kind == json5.Bool && v.Bool
	switch {
	case keep && isTrue:
		for _, i := range d[:len(d)-1] {
			eo.del[i] = true
		}
	case keep:
		for _, i := range d {
			eo.del[i] = true
		}
		eo.prepend = append(eo.prepend, &gen{key: "default", text: "true"})
		at := e.Start
		if v != nil {
			at = e.Members[d[len(d)-1]].KeyStart
		}
		m.change(at, Change{
			Path: path, To: path + ".default", Kind: "add",
			Reason: fmt.Sprintf("2026.3.24 sends what no binding claims to its default agent, the first entry (%q) when none is marked; 2026.9.6 needs that agent marked default in a roster of several (else agents.ownership \"explicit\" and an owner for every surface), and its loader then makes it the owner of every unbound surface", id),
		})
	case len(d) > 0 && (v.Kind != json5.Bool || v.Bool):
		for _, i := range d {
			eo.del[i] = true
		}
		why := "2026.9.6 retired the default marker; the only agent is the default agent in both releases"
		switch {
		case v.Kind != json5.Bool:
			why = fmt.Sprintf("2026.9.6 accepts only true or false here; 2026.3.24 read %s as a default marker only on its first marked agent, which %q is not", string(m.src[v.Start:v.End]), id)
		case !single:
			why = fmt.Sprintf("2026.3.24 takes the first agent marked default, so this marker on %q has no effect; 2026.9.6 accepts one marker only", id)
		}
		m.change(e.Members[d[len(d)-1]].KeyStart, Change{Path: path + ".default", Kind: "remove", Reason: why})
	}
}

// elemSlot is where an array element is written, for reindenting it, with
// the comment lines directly above it.
func (m *migration) elemSlot(e *json5.Node) *slot {
	ls := m.rw.lineStart(e.Start)
	ind := leadingSpace(string(m.src[ls:e.Start]))
	s := &slot{indent: ind}
	if len(ind) != e.Start-ls {
		return s
	}
	for ls > 0 {
		prev := m.rw.lineStart(ls - 1)
		t := strings.TrimSpace(string(m.src[prev : ls-1]))
		if !(strings.HasPrefix(t, "//") || strings.HasPrefix(t, "/*") && strings.HasSuffix(t, "*/")) {
			break
		}
		s.comments = append([]string{t}, s.comments...)
		ls = prev
	}
	return s
}

// retiredKey is a key 2026.9.6 no longer accepts, with what its doctor
// says about it.
type retiredKey struct {
	path string // dotted; * matches any key, [] any element
	why  string
}

// retiredKeys are the keys a 2026.3.24 config may hold that 2026.9.6
// rejects and migrate does not rewrite (renames.go rewrites the renamed
// and moved ones, and removes those set to 2026.3.24's default), found by
// running every conformance case 2026.3.24 accepts through 2026.9.6, with
// what 2026.9.6's doctor does with them and why that changes behaviour.
var retiredKeys = []retiredKey{
	{"session.typingIntervalSeconds", "2026.9.6 retired it (its doctor removes it and the built-in interval applies); 2026.3.24 repeated the typing indicator at this interval, so the behaviour would change"},
	{"session.parentForkMaxTokens", "2026.9.6 removed it (its doctor removes it): parent fork sizing is automatic, so the limit set here would no longer apply"},
	{"session.agentToAgent", "2026.9.6 retired session.agentToAgent.maxPingPongTurns (its doctor removes it and the built-in limit applies); 2026.3.24 limited agent-to-agent replies with it"},
	{"session.maintenance.rotateBytes", "2026.9.6 ignores it (its doctor removes it); 2026.3.24 still rotated the session store at this size, so the behaviour would change"},
	{"messages.messagePrefix", "2026.9.6's doctor moves it to channels.whatsapp.responsePrefix, a WhatsApp channel section openclawcfg neither writes nor checks"},
	{"messages.removeAckAfterReply", "2026.9.6 retired it (its doctor removes it): acknowledgement reactions are always kept, while 2026.3.24 removed them after the reply where it is true"},
	{"messages.suppressToolErrors", "2026.9.6 retired it (its doctor removes it): tool failure warnings appear only when a run ends without a reply, while 2026.3.24 suppressed them where it is true"},
	{"messages.tts", "2026.9.6 has no messages.tts; text-to-speech is configured elsewhere, which openclawcfg does not write"},
	{"messages.queue.debounceMs", "2026.9.6 retired it (its doctor removes it and the built-in debounce applies); 2026.3.24 debounced queued messages by it"},
	{"messages.statusReactions.emojis", "2026.9.6 retired it (its doctor removes it and curated emojis apply), so the emojis set here would no longer be used"},
	{"messages.statusReactions.timing", "2026.9.6 retired it (its doctor removes it and the built-in timing applies), so the timing set here would no longer be used"},
	{"commands.useAccessGroups", "2026.9.6 retired it (its doctor removes it); false turned off 2026.3.24's access-group check for commands, which 2026.9.6 has no switch for"},
	{"commands.ownerDisplay", "2026.9.6 removed it (its doctor removes it): owner ids render raw, while 2026.3.24 displayed them as set here"},
	{"commands.ownerDisplaySecret", "2026.9.6 removed it with commands.ownerDisplay (its doctor removes both): owner ids render raw"},
	{"meta.lastTouchedAt", ""}, // handled by meta
	{"agents.defaults.bootstrapPromptTruncationWarning", "2026.9.6 removed it (its doctor removes it and built-in behaviour applies), so the setting here would no longer apply"},
	{"agents.defaults.timeFormat", "2026.9.6 removed it (its doctor removes it and built-in behaviour applies), so the time format set here would no longer apply"},
	{"agents.defaults.envelopeTimezone", "2026.9.6 removed it (its doctor removes it and built-in behaviour applies), so the envelope time zone set here would no longer apply"},
	{"agents.defaults.envelopeTimestamp", "2026.9.6 removed it (its doctor removes it and built-in behaviour applies), so the envelope timestamp setting here would no longer apply"},
	{"agents.defaults.envelopeElapsed", "2026.9.6 removed it (its doctor removes it and built-in behaviour applies), so the envelope elapsed-time setting here would no longer apply"},
	{"agents.defaults.contextTokens", "2026.9.6 removed it: context tokens are set per model (models.providers.<provider>.models[].contextTokens)"},
}

// retired refuses every key of table present in obj (at path).
func (m *migration) retired(obj *json5.Node, path string, table []retiredKey) {
	var walk func(n *json5.Node, parts []string, at string, r retiredKey)
	walk = func(n *json5.Node, parts []string, at string, r retiredKey) {
		if len(parts) == 0 || n == nil {
			return
		}
		if parts[0] == "[]" {
			if n.Kind == json5.Array {
				for i, e := range n.Elems {
					walk(e, parts[1:], fmt.Sprintf("%s.%d", at, i), r)
				}
			}
			return
		}
		if n.Kind != json5.Object {
			return
		}
		o := m.rw.objs[n]
		for i := range n.Members {
			mem := &n.Members[i]
			switch {
			case o != nil && (o.del[i] || o.replace[i] != nil || o.rename[i] != ""):
				// A rule rewrote it.
			case parts[0] != "*" && mem.Key != parts[0]:
			case len(parts) == 1:
				m.refuse(mem.KeyStart, join(at, mem.Key), r.why+"; openclawcfg does not migrate it", doctorFix)
			default:
				walk(mem.Value, parts[1:], join(at, mem.Key), r)
			}
		}
	}
	for _, r := range table {
		if r.why != "" {
			walk(obj, strings.Split(r.path, "."), path, r)
		}
	}
}

// meta stamps meta.lastTouchedVersion with the target release, as
// OpenClaw does on every write (stampConfigWriteMetadata keeps the other
// meta keys), so that openclawcfg judges the file by that release; and
// removes meta.lastTouchedAt, which 2026.9.6 keeps in its machine state
// instead of the config (metadata: no effect on behaviour).
func (m *migration) meta(root *json5.Node) {
	mi := members(root, "meta")
	if len(mi) == 0 {
		ro := m.rw.ops(root)
		// First, ahead of what other rules add at the top.
		ro.prepend = append([]*gen{{key: "meta", members: []*gen{{key: "lastTouchedVersion", text: strconv.Quote(m.to)}}}}, ro.prepend...)
		m.change(root.Start, Change{
			Path: "meta", To: "meta.lastTouchedVersion", Kind: "add",
			Reason: "OpenClaw stamps the release that last wrote the config; the stamp makes openclawcfg (and OpenClaw) read the file as " + m.to,
		})
		return
	}
	meta := root.Members[mi[len(mi)-1]].Value
	if meta.Kind != json5.Object {
		return
	}
	mo := m.rw.ops(meta)
	for _, i := range members(meta, "lastTouchedAt") {
		mo.del[i] = true
		m.change(meta.Members[i].KeyStart, Change{
			Path: "meta.lastTouchedAt", Kind: "remove",
			Reason: "2026.9.6 records when the config was written in its own state, not in the config, and rejects the key; it is metadata with no effect on behaviour",
		})
	}
	vi := members(meta, "lastTouchedVersion")
	if len(vi) == 0 {
		mo.prepend = append(mo.prepend, &gen{key: "lastTouchedVersion", text: strconv.Quote(m.to)})
		m.change(meta.Start, Change{
			Path: "meta", To: "meta.lastTouchedVersion", Kind: "add",
			Reason: "OpenClaw stamps the release that last wrote the config; the stamp makes openclawcfg (and OpenClaw) read the file as " + m.to,
		})
		return
	}
	for _, i := range vi[:len(vi)-1] {
		mo.del[i] = true
	}
	v := meta.Members[vi[len(vi)-1]].Value
	old := string(m.src[v.Start:v.End])
	m.rw.vals[v] = m.quoted(v, m.to)
	m.change(v.Start, Change{
		Path: "meta.lastTouchedVersion", To: "meta.lastTouchedVersion", Kind: "set",
		Reason: "OpenClaw stamps the release that last wrote the config (was " + old + "); the stamp makes openclawcfg (and OpenClaw) read the file as " + m.to,
	})
}

// implicitDefault keeps 2026.3.24's account list. With accounts listed,
// 2026.9.6 also starts an account "default" from the top-level settings
// whenever they set cliPath or dbPath (listIMessageAccountIds), and that
// account becomes the default one. 2026.3.24 starts only the listed
// accounts. An explicit accounts.default with enabled: false keeps it
// stopped, and defaultAccount keeps 2026.3.24's default account.
func (m *migration) implicitDefault(im, accounts *json5.Node) {
	const path = "channels.imessage"
	set := false
	for _, k := range []string{"cliPath", "dbPath"} {
		if v := last(im, k); v != nil && v.Kind != json5.Null && (v.Kind != json5.String || openclaw.TrimJS(v.Str) != "") {
			set = true
		}
	}
	if !set || len(accounts.Members) == 0 {
		return
	}
	var keys []string
	for _, a := range accounts.Members {
		if openclaw.NormalizeAccountID(a.Key) == openclaw.DefaultAccountIDValue {
			return
		}
		keys = append(keys, a.Key)
	}
	o := m.rw.ops(accounts)
	o.prepend = append(o.prepend, &gen{key: openclaw.DefaultAccountIDValue, members: []*gen{{key: "enabled", text: "false"}}})
	m.change(accounts.Start, Change{
		Path: path + ".accounts", To: path + ".accounts.default", Kind: "add",
		Reason: "2026.9.6 starts an extra account \"default\" from the top-level cliPath/dbPath next to the listed accounts; 2026.3.24 starts only the listed ones, so it is written out disabled",
	})
	if last(im, "defaultAccount") != nil {
		return
	}
	def := openclaw.DefaultAccountID(keys, nil)
	io := m.rw.ops(im)
	io.prepend = append(io.prepend, &gen{key: "defaultAccount", text: m.quoted(last(im, "cliPath"), def)})
	m.change(im.Start, Change{
		Path: path, To: path + ".defaultAccount", Kind: "add",
		Reason: fmt.Sprintf("with an account \"default\" listed, 2026.9.6 would make it the default account; 2026.3.24's default account, %q, is written out", def),
	})
}
