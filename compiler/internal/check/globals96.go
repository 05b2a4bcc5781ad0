package check

import (
	"fmt"
	"path"
	"strings"

	"github.com/openclawcfg/openclawcfg/compiler/diag"
	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
	"github.com/openclawcfg/openclawcfg/internal/openclaw"
	"github.com/openclawcfg/openclawcfg/internal/release"
)

// The agent roster of OpenClaw 2026.9.6 (dist/legacy.roster-*.js,
// dist/zod-schema-*.js AgentsSchema, dist/validation-core-*.js): agents
// are keyed under agents.entries; a legacy agents.list is converted before
// validation when every entry has a plain, unique, normalised id (and no
// entry has a non-boolean default), and is otherwise left in place, where
// the strict agents object refuses it.

// keyed reports whether the checker judges by 2026.9.6's rules: keyed
// agents, no legacy-key stage, the 2026.9.6 channel ids.
func (c *checker) keyed() bool {
	v, ok := release.Parse(c.rel)
	cur, _ := release.Parse("2026.9.6")
	return ok && release.Compare(v, cur) >= 0
}

// rosterEntry is one agent of the roster OpenClaw validates: its key under
// agents.entries and its value (for a converted list, the list element,
// whose id member is not part of the entry).
type rosterEntry struct {
	key   string
	value *json5.Node
}

// roster is what migratePersistedImplicitMainRoster makes of agents.
type roster struct {
	// converted: agents.list was turned into entries; list is its member.
	converted bool
	list      *json5.Member
	// failed names why an agents.list stayed (the conversion refused it).
	failed string
	// entries are the agents in order; implicit is set when OpenClaw adds
	// agents.entries.main because none are configured.
	entries  []rosterEntry
	implicit bool
}

// agentKeyOK is zod's /^[a-z0-9_][a-z0-9_-]{0,63}$/i on an agents.entries
// key, by hand: the regexp's {0,63} compiled to 63 copies at every start
// of the CLI, and Go's (?i) also folds "ſ" and the Kelvin sign into ASCII,
// which JavaScript's /i (without u) does not.
func agentKeyOK(k string) bool {
	if len(k) == 0 || len(k) > 64 {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i] | 0x20 // ASCII letters to lower case
		switch {
		case k[i] == '_', k[i] >= '0' && k[i] <= '9', c >= 'a' && c <= 'z':
		case k[i] == '-' && i > 0:
		default:
			return false
		}
	}
	return true
}

// rosterOf reads agents (an object) as 2026.9.6 does before validating.
func rosterOf(agents *json5.Node) roster {
	var r roster
	explicit := false
	if o, ok := str(agents, "ownership"); ok && o == "explicit" {
		explicit = true
	}
	if e := agents.Lookup("entries"); e != nil {
		if e.Kind != json5.Object {
			return r
		}
		for _, m := range ownMembers(e) {
			r.entries = append(r.entries, rosterEntry{m.Key, m.Value})
		}
		if len(r.entries) == 0 && !explicit {
			r.implicit = true
		}
		return r
	}
	i := lastMember(agents, "list")
	if i < 0 {
		r.implicit = !explicit
		return r
	}
	m := &agents.Members[i]
	r.list = m
	if m.Value.Kind != json5.Array {
		r.failed = "it is not a list"
		return r
	}
	seen := map[string]bool{}
	for k, e := range m.Value.Elems {
		if e.Kind != json5.Object {
			r.failed = fmt.Sprintf("entry %d is not an object", k)
			return r
		}
		id, ok := str(e, "id")
		switch {
		case !ok:
			r.failed = fmt.Sprintf("entry %d has no string id", k)
		case id == "" || openclaw.TrimJS(id) != id:
			r.failed = fmt.Sprintf("entry %d has id %q (empty or padded)", k, id)
		case openclaw.NormalizeAgentID(id) != id:
			r.failed = fmt.Sprintf("entry %d has id %q, which is not normalised (%q)", k, id, openclaw.NormalizeAgentID(id))
		case seen[id]:
			r.failed = fmt.Sprintf("id %q appears twice", id)
		}
		if r.failed != "" {
			r.entries = nil
			return r
		}
		seen[id] = true
		r.entries = append(r.entries, rosterEntry{id, withoutKey(e, "id")})
	}
	for _, en := range r.entries {
		if d := en.value.Lookup("default"); d != nil && d.Kind != json5.Bool {
			r.failed = fmt.Sprintf("agent %q has a default that is not true or false", en.key)
			r.entries = nil
			return r
		}
	}
	r.converted = true
	if len(r.entries) == 0 && !explicit {
		r.implicit = true
	}
	return r
}

// ownMembers are the members JavaScript sees: the last of each key,
// "__proto__" dropped.
func ownMembers(n *json5.Node) []*json5.Member {
	last := lastIndex(n)
	var out []*json5.Member
	for i := range n.Members {
		m := &n.Members[i]
		if last[m.Key] == i && m.Key != "__proto__" {
			out = append(out, m)
		}
	}
	return out
}

// withoutKey is n without its members named key.
func withoutKey(n *json5.Node, key string) *json5.Node {
	cp := *n
	cp.Members = nil
	for _, m := range n.Members {
		if m.Key != key {
			cp.Members = append(cp.Members, m)
		}
	}
	return &cp
}

// prepareRoster runs before the schema walk: a converted agents.list is
// not an unknown key (the agents check walks it as entries).
func (c *checker) prepareRoster(root *json5.Node) {
	agents := root.Lookup("agents")
	if agents == nil || agents.Kind != json5.Object {
		return
	}
	r := rosterOf(agents)
	c.roster = &r
	if r.converted {
		if c.legacyKeys == nil {
			c.legacyKeys = map[*json5.Member]bool{}
		}
		c.legacyKeys[r.list] = true
	}
}

// agentsKeyed is the agents check of 2026.9.6.
func (c *checker) agentsKeyed(n *json5.Node) {
	if n.Kind != json5.Object {
		return
	}
	if i := lastMember(n, "defaults"); i >= 0 {
		c.push("defaults")
		c.value(n.Members[i].Value, c.t.AgentDefaults)
		c.pop()
	}
	r := c.roster
	if r == nil {
		r = &roster{}
		*r = rosterOf(n)
	}
	entrySpec := c.t.Root.Field("agents").Node.Field("entries").Node.Values
	c.push("entries")
	if r.converted {
		for _, e := range r.entries {
			c.push(e.key)
			c.value(e.value, entrySpec)
			c.pop()
		}
	} else if e := n.Lookup("entries"); e != nil && e.Kind == json5.Object {
		for _, m := range ownMembers(e) {
			if !agentKeyOK(m.Key) {
				c.push(m.Key)
				d := c.errorAt(m.Value, diag.CodeRoster, fmt.Sprintf("invalid agent id %q: ids are 1 to 64 letters, digits, _ and -, not starting with -", m.Key))
				d.Offset, d.End = m.KeyStart, m.KeyEnd
				d.Fix = "rename the key, e.g. " + fmt.Sprintf("%q", openclaw.NormalizeAgentID(m.Key))
				c.pop()
			}
		}
	}
	c.pop()
	before := len(c.diags)
	if !c.abortedUnder("agents") {
		c.rosterRules(n, r)
	}
	if len(c.diags) > before {
		// OpenClaw checks agentDir and avatars only once the roster
		// validates; until then an agent's workspace is not settled.
		return
	}
	entries := r.entries
	c.sharedAgentDirsKeyed(n, entries)
	a := keyedView(n, r)
	for _, e := range entries {
		c.push("entries")
		c.push(e.key)
		c.avatarKeyed(e, a)
		c.pop()
		c.pop()
	}
}

// abortedUnder reports whether a type, integer or enum error was found
// inside section p: zod then skips the section's refinements.
func (c *checker) abortedUnder(p string) bool {
	for _, d := range c.diags {
		if (d.Code == diag.CodeType || d.Code == diag.CodeInteger || d.Code == diag.CodeEnum) && (p == "" || d.Path == p || strings.HasPrefix(d.Path, p+".")) {
			return true
		}
	}
	return false
}

// rosterRules is AgentsSchema's superRefine on the roster OpenClaw
// validates (after the conversion, which drops a lone default marker).
func (c *checker) rosterRules(n *json5.Node, r *roster) {
	explicit := false
	if o, ok := str(n, "ownership"); ok && o == "explicit" {
		explicit = true
	}
	at := n
	if e := n.Lookup("entries"); e != nil {
		at = e
	} else if r.list != nil {
		at = r.list.Value
	}
	c.push("entries")
	if len(r.entries) == 0 && !r.implicit {
		d := c.errorAt(at, diag.CodeRoster, "agents.entries must contain at least one configured agent")
		switch {
		case r.failed != "":
			d.Message += fmt.Sprintf(" (OpenClaw 2026.9.6 converts agents.list to agents.entries only when every entry has a plain, unique, lower-case id; here %s)", r.failed)
			d.Fix = `write the agents as agents.entries: { <id>: { ... } }, or fix the list so it converts`
		case explicit:
			d.Fix = `add an agent, e.g. entries: { main: {} }, or remove ownership: "explicit" to get the implicit main agent`
		default:
			d.Fix = "add an agent, e.g. entries: { main: {} }"
		}
	}
	first := map[string]string{}
	for _, e := range r.entries {
		id := openclaw.NormalizeAgentID(e.key)
		if f, dup := first[id]; dup {
			c.push(e.key)
			d := c.errorAt(e.value, diag.CodeRoster, fmt.Sprintf("agents.entries keys %q and %q resolve to the same agent id %q", f, e.key, id))
			d.Fix = "rename one key so each agent has a unique id"
			c.pop()
			continue
		}
		first[id] = e.key
	}
	marked := 0
	for _, e := range r.entries {
		if d := e.value.Lookup("default"); d != nil && d.Kind == json5.Bool && d.Bool {
			marked++
		}
	}
	if marked > 1 {
		d := c.errorAt(at, diag.CodeRoster, fmt.Sprintf("agents.entries must contain at most one default=true entry (found %d)", marked))
		d.Fix = "keep default: true on one agent only, or remove the markers and set agents.ownership: \"explicit\""
	}
	c.pop()
	c.push("ownership")
	own := n.Lookup("ownership")
	if own == nil {
		own = n
	}
	switch {
	case explicit && marked > 0:
		d := c.errorAt(own, diag.CodeRoster, "agents.ownership=explicit cannot be combined with a legacy default=true marker")
		d.Fix = "remove default: true from the entries"
	case len(r.entries) > 1 && marked == 0 && !explicit:
		d := c.errorAt(own, diag.CodeRoster, `multi-agent rosters require agents.ownership="explicit" or one legacy default=true marker`)
		d.Fix = `add ownership: "explicit" to agents (and bind each channel to its agent), or mark one agent default: true`
	}
	c.pop()
}

// sharedAgentDirsKeyed is findDuplicateAgentDirs over the roster.
func (c *checker) sharedAgentDirsKeyed(n *json5.Node, entries []rosterEntry) {
	seen := newAgentDirs()
	for _, e := range entries {
		dirNode := e.value.Lookup("agentDir")
		if dirNode == nil || dirNode.Kind != json5.String {
			continue
		}
		dir := openclaw.TrimJS(dirNode.Str)
		if dir == "" {
			continue
		}
		id := openclaw.NormalizeAgentID(e.key)
		seen.note(c, dirNode, id, dir, "give each agent its own agentDir (an agent with an empty store inherits the main agent's auth profiles)", "entries", e.key, "agentDir")
	}
}

// keyedAgents is what the avatar rule looks up in a keyed roster.
type keyedAgents struct {
	defaultsWS string
	// owner is the legacy data owner: the one agent marked default, or
	// the only agent; it keeps agents.defaults.workspace itself, the
	// others get a directory named after their id inside it.
	owner string
}

func keyedView(n *json5.Node, r *roster) keyedAgents {
	var a keyedAgents
	if d := n.Lookup("defaults"); d != nil {
		ws, _ := str(d, "workspace")
		a.defaultsWS = openclaw.TrimJS(ws)
	}
	explicit := false
	if o, ok := str(n, "ownership"); ok && o == "explicit" {
		explicit = true
	}
	var marked []string
	for _, e := range r.entries {
		if d := e.value.Lookup("default"); d != nil && d.Kind == json5.Bool && d.Bool {
			marked = append(marked, e.key)
		}
	}
	switch {
	case !explicit && len(marked) == 1:
		a.owner = openclaw.NormalizeAgentID(marked[0])
	case len(r.entries) == 1:
		a.owner = openclaw.NormalizeAgentID(r.entries[0].key)
	case len(r.entries) == 0:
		a.owner = "main"
	}
	return a
}

// avatarKeyed is validateIdentityAvatar for one roster entry: like
// 2026.3.24's rule, except that a relative path stays inside when it does
// not climb out (a "..x" name is a file), and the workspace of an agent
// other than the owner is <agents.defaults.workspace>/<id>.
func (c *checker) avatarKeyed(e rosterEntry, a keyedAgents) {
	av, v := avatarPath(e.value)
	if av == nil {
		return
	}
	c.push("identity")
	c.push("avatar")
	defer func() { c.pop(); c.pop() }()
	if c.avatarScheme(av, v) {
		return
	}
	ws := workspaceKeyed(openclaw.NormalizeAgentID(e.key), e.value, a)
	var inside bool
	switch {
	case !strings.HasPrefix(v, "/"):
		// path.resolve then isPathWithinRoot: only a path climbing out is
		// outside ("..x" is a name).
		rel := path.Clean(v)
		inside = rel != ".." && !strings.HasPrefix(rel, "../")
	case ws.known:
		t := path.Clean(v)
		inside = t == ws.dir || ws.dir == "/" || strings.HasPrefix(t, ws.dir+"/")
	case len(ws.suffix) > 0:
		inside = holds(strings.Split(path.Clean(v), "/"), ws.suffix)
	default:
		return // an absolute avatar and a workspace only the gateway knows
	}
	if !inside {
		c.avatarOutside(av, ws)
	}
}

// workspaceKeyed is resolveAgentWorkspaceDir of 2026.9.6 as far as the
// config tells: the entry's workspace; else, for the owner,
// agents.defaults.workspace or ~/.openclaw/workspace; else
// <agents.defaults.workspace>/<id> or <state dir>/workspace-<id>.
func workspaceKeyed(id string, entry *json5.Node, a keyedAgents) workspace {
	ws, _ := str(entry, "workspace")
	ws = openclaw.TrimJS(ws)
	switch {
	case ws != "":
	case id == a.owner && a.defaultsWS != "":
		ws = a.defaultsWS
	case id == a.owner:
		return workspace{suffix: []string{".openclaw", "workspace-*"}, describe: "(~/.openclaw/workspace)"}
	case a.defaultsWS != "":
		ws = strings.TrimRight(a.defaultsWS, "/") + "/" + id
	default:
		return workspace{suffix: []string{"workspace-" + id}, describe: fmt.Sprintf("(<state dir>/workspace-%s)", id)}
	}
	return workspaceAt(strings.ReplaceAll(ws, "\x00", ""))
}

// retiredKey explains the unknown keys 2026.9.6 refuses where 2026.3.24
// converted them: an agents.list it could not convert, and the keys
// 2026.3.24 rejected as moved (2026.9.6 no longer names where they went).
func (c *checker) retiredKey(m *json5.Member, d *diag.Diagnostic) bool {
	p := c.pathString()
	if p == "agents.list" {
		why := "it could not be converted"
		if c.roster != nil && c.roster.failed != "" {
			why = c.roster.failed
		}
		d.Message = fmt.Sprintf("unknown key \"list\" in agents: OpenClaw 2026.9.6 keys agents under agents.entries and converts agents.list only when every entry has a plain, unique, lower-case id and default is true or false; here %s", why)
		d.Fix = "write the agents as entries: { <id>: { ... } } (without the id member), or fix the list so it converts"
		return true
	}
	if c.chans != nil && len(c.path) == 2 && c.path[0] == "channels" {
		d.Message = fmt.Sprintf("unknown channel id %q: OpenClaw 2026.9.6 has no such channel", m.Key)
		if m.Key == "bluebubbles" {
			d.Message += " (the BlueBubbles channel was removed; iMessage is channels.imessage)"
		}
		if d.Fix == "" {
			d.Fix = "remove it, or install the plugin that provides the channel"
		}
		return true
	}
	for _, r := range nestedLegacyRules {
		rp := strings.Join(r.path, ".")
		if r.ttl {
			rp += ".ttlHours"
		}
		if p != rp || r.match != nil && !r.ttl && !r.match(m.Value) {
			continue
		}
		d.Message = fmt.Sprintf("unknown key %q in %s: OpenClaw 2026.9.6 no longer migrates it (%s)", m.Key, strings.Join(c.path[:len(c.path)-1], "."), strings.TrimSuffix(r.message, " (auto-migrated on load)."))
		switch {
		case r.ttl:
			d.Fix = "rename ttlHours to idleHours"
		case r.fix != nil:
			v := ""
			if m.Value.Kind == json5.String {
				v = m.Value.Str
			}
			d.Fix = r.fix(nil, v)
		}
		return true
	}
	if len(c.path) == 1 {
		old := &checker{quiet: true, rel: release.Seed}
		if old.legacyRoot(&json5.Member{Key: m.Key, Value: m.Value}) && len(old.found) > 0 {
			d.Message = fmt.Sprintf("unknown key %q at the top level: OpenClaw 2026.9.6 no longer migrates it (%s)", m.Key, old.found[0].Message)
			d.Fix = old.found[0].Fix
			return true
		}
		if m.Key == "routing" {
			msg, fix := routingHint(m.Value)
			d.Message = fmt.Sprintf("unknown key %q at the top level: OpenClaw 2026.9.6 no longer migrates it%s", m.Key, msg)
			d.Fix = fix
			return true
		}
	}
	return false
}

// bindingAgents is the root refinement of 2026.9.6's schema for bindings:
// a binding's agentId must name a configured agent ("main" always may; an
// empty roster is the implicit main agent).
func (c *checker) bindingAgents(root *json5.Node) {
	b := root.Lookup("bindings")
	if b == nil || b.Kind != json5.Array || c.abortedUnder("") {
		return
	}
	ids := map[string]bool{}
	if c.roster == nil || len(c.roster.entries) == 0 {
		if c.roster != nil && !c.roster.implicit {
			return // no agents: OpenClaw skips the check
		}
		ids["main"] = true
	} else {
		for _, e := range c.roster.entries {
			ids[openclaw.NormalizeAgentID(e.key)] = true
		}
	}
	c.push("bindings")
	defer c.pop()
	for i, e := range b.Elems {
		id := e.Lookup("agentId")
		if e.Kind != json5.Object || id == nil || id.Kind != json5.String || id.Str == "main" || ids[openclaw.NormalizeAgentID(id.Str)] {
			continue
		}
		c.push(fmt.Sprint(i))
		c.push("agentId")
		d := c.errorAt(id, diag.CodeBinding, fmt.Sprintf("unknown agent id %q (not in agents.entries)", id.Str))
		d.Fix = "bind to a configured agent, or add it under agents.entries"
		c.pop()
		c.pop()
	}
}
