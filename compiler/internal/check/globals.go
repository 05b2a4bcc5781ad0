package check

import (
	"fmt"
	"math"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/openclawcfg/openclawcfg/compiler/diag"
	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
	"github.com/openclawcfg/openclawcfg/internal/openclaw"
)

// The rules OpenClaw 2026.3.24 applies to the global sections the channel
// reads, beyond what the schema table says: agents.defaults (walked here
// because the table keeps it open), the checks validateConfigObjectRaw
// runs after zod (identity.avatar, shared agentDir), agents.list[].runtime
// and session.maintenance.

// agents walks agents.defaults against its own table and runs the agent
// rules OpenClaw checks once the schema passed.
func (c *checker) agents(n *json5.Node) {
	if n.Kind != json5.Object {
		return
	}
	if i := lastMember(n, "defaults"); i >= 0 {
		m := &n.Members[i]
		c.push("defaults")
		c.value(m.Value, c.t.AgentDefaults)
		c.pop()
	}
	list := n.Lookup("list")
	if list == nil || list.Kind != json5.Array {
		return
	}
	c.push("list")
	defer c.pop()
	a := agentsView{defaults: n.Lookup("defaults"), defaultID: defaultAgentID(list), first: firstEntries(list)}
	for i, e := range list.Elems {
		c.push(strconv.Itoa(i))
		c.avatar(e, a)
		c.pop()
	}
	c.sharedAgentDirs(list)
}

// agentsView is what the agent rules look up, computed once per list
// (lists can be long).
type agentsView struct {
	defaults  *json5.Node
	defaultID string
	// first is resolveAgentEntry: the first entry of each normalised id,
	// the one OpenClaw reads for that agent.
	first map[string]*json5.Node
}

func firstEntries(list *json5.Node) map[string]*json5.Node {
	first := map[string]*json5.Node{}
	for _, e := range list.Elems {
		if e.Kind != json5.Object {
			continue
		}
		if eid, ok := str(e, "id"); ok {
			id := openclaw.NormalizeAgentID(eid)
			if first[id] == nil {
				first[id] = e
			}
		}
	}
	return first
}

func lastMember(n *json5.Node, key string) int {
	for i := len(n.Members) - 1; i >= 0; i-- {
		if n.Members[i].Key == key {
			return i
		}
	}
	return -1
}

// str returns the string value of n's member key.
func str(n *json5.Node, key string) (string, bool) {
	v := n.Lookup(key)
	if v == nil || v.Kind != json5.String {
		return "", false
	}
	return v.Str, true
}

// defaultAgentID is resolveDefaultAgentId: the first entry marked default
// (truthy), else the first entry, else "main".
func defaultAgentID(list *json5.Node) string {
	var first *json5.Node
	for _, e := range list.Elems {
		if e.Kind != json5.Object {
			continue
		}
		if first == nil {
			first = e
		}
		if d := e.Lookup("default"); d != nil && truthy(d) {
			first = e
			break
		}
	}
	if first == nil {
		return "main"
	}
	id, _ := str(first, "id")
	return openclaw.NormalizeAgentID(id)
}

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

var (
	avatarSchemeRE = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)
	windowsAbsRE   = regexp.MustCompile(`^[a-zA-Z]:[\\/]`)
)

// avatar is validateIdentityAvatar for one agents.list entry: the avatar
// must be a data: URI, an http(s) URL, or a path inside the agent's
// workspace. The workspace is known here only when it is an absolute path
// in the config; otherwise it depends on the gateway's home and state
// directory, and only a relative avatar that climbs out is certain.
func (c *checker) avatar(e *json5.Node, a agentsView) {
	if e.Kind != json5.Object {
		return
	}
	av, v := avatarPath(e)
	if av == nil {
		return
	}
	c.push("identity")
	c.push("avatar")
	defer func() { c.pop(); c.pop() }()
	if c.avatarScheme(av, v) {
		return
	}
	id, ok := str(e, "id")
	if !ok {
		return
	}
	ws := workspaceOf(openclaw.NormalizeAgentID(id), a)
	var inside bool
	switch {
	case !strings.HasPrefix(v, "/"):
		// path.resolve(ws, v) then path.relative: the result starts with
		// ".." when v climbs out (or names a "..x" entry: OpenClaw's
		// prefix test rejects those too).
		if ws.known && ws.dir == "/" {
			return
		}
		rel := path.Clean(v)
		inside = rel == "." || !strings.HasPrefix(rel, "..")
	case ws.known:
		t := path.Clean(v)
		switch {
		case t == ws.dir:
			inside = true
		case ws.dir == "/":
			inside = !strings.HasPrefix(t[1:], "..")
		case strings.HasPrefix(t, ws.dir+"/"):
			inside = !strings.HasPrefix(t[len(ws.dir)+1:], "..")
		}
	case len(ws.suffix) > 0:
		// The workspace is <unknown>/<suffix>: a path inside it holds the
		// suffix's segments in a row; without them it is outside.
		inside = holds(strings.Split(path.Clean(v), "/"), ws.suffix)
	default:
		return // an absolute avatar and a workspace only the gateway knows
	}
	if !inside {
		c.avatarOutside(av, ws)
	}
}

// owner is the agent that holds an agentDir, as written.
type owner struct{ id, dir string }

// agentDirClash reports agent id's agentDir dir, which names the same
// directory as agent o's.
func (c *checker) agentDirClash(dirNode *json5.Node, o owner, id, dir string) *diag.Diagnostic {
	d := c.errorAt(dirNode, diag.CodeAgentDir, fmt.Sprintf("agents %q and %q share agentDir %q: OpenClaw refuses a shared agentDir, since it causes auth/session state collisions and token invalidation", o.id, id, dir))
	if o.dir != dir {
		d.Message += fmt.Sprintf(" (%q names the same directory)", o.dir)
	}
	return d
}

// avatarPath is identity.avatar of a roster entry, trimmed, when it is a
// path to judge: nil for none, a data: URI or an http(s) URL.
func avatarPath(e *json5.Node) (*json5.Node, string) {
	ident := e.Lookup("identity")
	if ident == nil || ident.Kind != json5.Object {
		return nil, ""
	}
	av := ident.Lookup("avatar")
	if av == nil || av.Kind != json5.String {
		return nil, ""
	}
	v := openclaw.TrimJS(av.Str)
	lower := strings.ToLower(v)
	if v == "" || strings.HasPrefix(lower, "data:") || strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://") {
		return nil, ""
	}
	return av, v
}

// avatarScheme reports an avatar that is neither a path nor an allowed
// URL (another scheme, or ~, which is not expanded).
func (c *checker) avatarScheme(av *json5.Node, v string) bool {
	if !strings.HasPrefix(v, "~") && (!avatarSchemeRE.MatchString(v) || windowsAbsRE.MatchString(v)) {
		return false
	}
	d := c.errorAt(av, diag.CodeAvatar, "identity.avatar must be a workspace-relative path, http(s) URL, or data URI: got "+describe(av))
	if strings.HasPrefix(v, "~") {
		d.Fix = "write the path relative to the agent's workspace (~ is not expanded here)"
	} else {
		d.Fix = "use an http(s) URL, a data: URI, or a path relative to the agent's workspace"
	}
	return true
}

// avatarOutside reports an avatar path outside the agent's workspace.
func (c *checker) avatarOutside(av *json5.Node, ws workspace) {
	where := "the agent's workspace"
	switch {
	case ws.known:
		where = fmt.Sprintf("the agent's workspace %q", ws.dir)
	case ws.describe != "":
		where = "the agent's workspace " + ws.describe
	}
	d := c.errorAt(av, diag.CodeAvatar, fmt.Sprintf("identity.avatar must stay within the agent workspace: %s is outside %s", describe(av), where))
	d.Fix = "put the image inside the workspace and give its path relative to it, or use an http(s) URL or a data: URI"
}

// workspace is what the config tells of an agent's workspace directory
// (resolveAgentWorkspaceDir): the directory itself when the config names
// an absolute one; else, where the home, state or working directory is
// unknown, the segments it ends with (a segment "workspace-*" stands for
// any OpenClaw profile's).
type workspace struct {
	dir      string
	known    bool
	suffix   []string
	describe string
}

func workspaceOf(id string, a agentsView) workspace {
	var ws string
	if e := a.first[id]; e != nil {
		ws, _ = str(e, "workspace")
		ws = openclaw.TrimJS(ws)
	}
	isDefault := id == a.defaultID
	if ws == "" && isDefault && a.defaults != nil {
		ws, _ = str(a.defaults, "workspace")
		ws = openclaw.TrimJS(ws)
	}
	ws = strings.ReplaceAll(ws, "\x00", "")
	switch {
	case ws == "" && isDefault:
		// ~/.openclaw/workspace, or workspace-<profile>.
		return workspace{suffix: []string{".openclaw", "workspace-*"}, describe: "(~/.openclaw/workspace)"}
	case ws == "":
		// <state dir>/workspace-<id>.
		return workspace{suffix: []string{"workspace-" + id}, describe: fmt.Sprintf("(<state dir>/workspace-%s)", id)}
	}
	return workspaceAt(ws)
}

// workspaceAt is what a configured workspace directory tells: the
// directory when it is absolute, else the segments it ends in (below a
// home or working directory only the gateway knows); nothing for a
// Windows path or one that climbs out.
func workspaceAt(ws string) workspace {
	switch {
	case strings.HasPrefix(ws, "/"):
		return workspace{dir: path.Clean(ws), known: true}
	case strings.Contains(ws, "\\"):
		return workspace{}
	}
	rel := ws
	if ws == "~" || strings.HasPrefix(ws, "~/") {
		rel = strings.TrimPrefix(ws[1:], "/")
	}
	rel = path.Clean(rel)
	if rel == "." || rel == ".." || strings.HasPrefix(rel, "../") {
		return workspace{}
	}
	return workspace{suffix: strings.Split(rel, "/"), describe: fmt.Sprintf("(%s)", ws)}
}

// holds reports whether segs contains want as consecutive segments.
func holds(segs, want []string) bool {
	for k := 0; k+len(want) <= len(segs); k++ {
		match := true
		for j, w := range want {
			s := segs[k+j]
			if w == "workspace-*" {
				if s != "workspace" && !strings.HasPrefix(s, "workspace-") {
					match = false
				}
			} else if s != w {
				match = false
			}
		}
		if match {
			return true
		}
	}
	return false
}

// sharedAgentDirs is findDuplicateAgentDirs for the directories the config
// names: two agents whose agentDir resolves to one directory. Directories
// OpenClaw derives from its state directory are unique per agent.
func (c *checker) sharedAgentDirs(list *json5.Node) {
	seen := newAgentDirs()
	done := map[string]bool{}
	for i, e := range list.Elems {
		if e.Kind != json5.Object {
			continue
		}
		raw, ok := str(e, "id")
		if !ok {
			continue
		}
		id := openclaw.NormalizeAgentID(raw)
		if done[id] {
			continue // OpenClaw reads the first entry of an id
		}
		done[id] = true
		dirNode := e.Lookup("agentDir")
		if dirNode == nil || dirNode.Kind != json5.String {
			continue
		}
		dir := openclaw.TrimJS(dirNode.Str)
		if dir == "" {
			continue
		}
		seen.note(c, dirNode, id, dir, "give each agent its own agentDir (to share credentials, copy auth-profiles.json instead)", strconv.Itoa(i), "agentDir")
	}
}

// agentDirs is what findDuplicateAgentDirs has seen: directories as the
// Linux gateway compares them, and lower-cased, as a gateway on macOS or
// Windows compares them (canonicalizeAgentDir): the iMessage gateway runs
// on a Mac, where two directories that differ only in case are one.
type agentDirs struct{ exact, folded map[string]owner }

func newAgentDirs() *agentDirs {
	return &agentDirs{exact: map[string]owner{}, folded: map[string]owner{}}
}

// note records agent id's agentDir dir, reporting a clash at the path segs
// (below c.path): an error when the directories are one on every system, a
// warning when they differ only in case.
func (s *agentDirs) note(c *checker, dirNode *json5.Node, id, dir, fix string, segs ...string) {
	key := dirKey(dir)
	folded := openclaw.ToLowerJS(key)
	o, dup := s.exact[key]
	fo, foldDup := s.folded[folded]
	if !dup {
		s.exact[key] = owner{id, dir}
	}
	if !foldDup {
		s.folded[folded] = owner{id, dir}
	}
	if !dup && !foldDup {
		return
	}
	for _, seg := range segs {
		c.push(seg)
	}
	defer func() {
		for range segs {
			c.pop()
		}
	}()
	if dup {
		c.agentDirClash(dirNode, o, id, dir).Fix = fix
		return
	}
	c.add(diag.Diagnostic{
		File: c.file(dirNode), Offset: dirNode.Start, End: dirNode.End, Path: c.pathString(), Severity: diag.Warning, Code: diag.CodeAgentDirCase,
		Message: fmt.Sprintf("agents %q and %q have agentDirs %q and %q, which differ only in case: OpenClaw on macOS (and Windows) compares them lower-cased and refuses the config as a shared agentDir; on Linux it accepts them", fo.id, id, fo.dir, dir),
		Fix:     "give each agent a directory whose name differs by more than case",
	})
}

// dirKey is what resolveUserPath makes of dir, as far as the config tells:
// absolute paths are cleaned, ~/ paths are cleaned relative to the home
// directory, other paths relative to the working directory (".." kept:
// neither directory is known).
func dirKey(dir string) string {
	switch {
	case strings.HasPrefix(dir, "/"):
		return path.Clean(dir)
	case dir == "~" || strings.HasPrefix(dir, "~/"):
		return "~/" + path.Clean(strings.TrimPrefix(dir[1:], "/"))
	}
	return "./" + path.Clean(dir)
}

// agentRuntime: AgentRuntimeSchema is a union of two strict objects, so
// an acp block only goes with type "acp".
func (c *checker) agentRuntime(n *json5.Node) {
	if n.Kind != json5.Object {
		return
	}
	if t, ok := str(n, "type"); !ok || t != "embedded" {
		return
	}
	if i := lastMember(n, "acp"); i >= 0 {
		m := &n.Members[i]
		c.push("acp")
		parent := strings.Join(c.path[:len(c.path)-1], ".")
		c.add(diag.Diagnostic{
			File: c.file(m.Value), Offset: m.KeyStart, End: m.KeyEnd, Path: c.pathString(), Severity: diag.Error, Code: diag.CodeUnknownKey,
			Message: fmt.Sprintf(`unknown key "acp" in %s: only an ACP runtime (type: "acp") takes an acp block`, parent),
			Fix:     `set type: "acp", or remove the acp block`,
		})
		c.pop()
	}
}

// maintenance is the superRefine of session.maintenance: durations and
// byte sizes are parsed as OpenClaw parses them (parseDurationMs,
// parseByteSize), a bare number in the default unit.
func (c *checker) maintenance(n *json5.Node) {
	if n.Kind != json5.Object {
		return
	}
	for _, f := range []struct {
		key      string
		duration bool
	}{{"pruneAfter", true}, {"rotateBytes", false}, {"resetArchiveRetention", true}, {"maxDiskBytes", false}, {"highWaterBytes", false}} {
		v := n.Lookup(f.key)
		if v == nil {
			continue
		}
		c.push(f.key)
		var raw string
		switch {
		case v.Kind == json5.String:
			raw = v.Str
		case v.Kind == json5.Number && !math.IsInf(v.Num, 0) && !math.IsNaN(v.Num):
			raw = openclaw.FormatJSNumber(v.Num)
		case v.Kind == json5.Bool && f.key == "resetArchiveRetention":
			if v.Bool {
				d := c.errorAt(v, diag.CodeType, "must be a duration (a string or a number) or false, got true")
				d.Fix = `write false to keep archives, or a duration such as "30d"`
			}
			c.pop()
			continue
		default:
			c.pop()
			continue // a type error, reported by the schema walk
		}
		if f.duration {
			if !validDuration(raw, "d") {
				d := c.errorAt(v, diag.CodeFormat, "invalid duration (use ms, s, m, h, d): got "+describe(v))
				d.Fix = `write a number with a unit, such as "30d", "12h" or "1h30m" (a bare number means days)`
			}
		} else if !validByteSize(raw) {
			d := c.errorAt(v, diag.CodeFormat, "invalid size (use b, kb, mb, gb, tb): got "+describe(v))
			d.Fix = `write a number with a unit and no space, such as "500mb" or "2gb" (a bare number means bytes)`
		}
		c.pop()
	}
}

var durationUnits = map[string]float64{"ms": 1, "s": 1e3, "m": 6e4, "h": 36e5, "d": 864e5}

// validDuration reports whether parseDurationMs accepts raw: one number
// with an optional unit, or a run of numbers each with a unit ("1h30m").
func validDuration(raw, defaultUnit string) bool {
	t := openclaw.ToLowerJS(openclaw.TrimJS(raw))
	if t == "" {
		return false
	}
	if num, rest := leadingNumber(t); num != "" {
		if unit := rest; unit == "" || durationUnits[unit] != 0 {
			if unit == "" {
				unit = defaultUnit
			}
			v, ok := finite(num)
			return ok && !math.IsInf(math.Round(v*durationUnits[unit]), 0)
		}
	}
	total := 0.0
	for t != "" {
		num, rest := leadingNumber(t)
		if num == "" {
			return false
		}
		unit := ""
		for _, u := range []string{"ms", "s", "m", "h", "d"} { // the regexp's order
			if strings.HasPrefix(rest, u) {
				unit = u
				break
			}
		}
		if unit == "" {
			return false
		}
		v, ok := finite(num)
		if !ok {
			return false
		}
		total += v * durationUnits[unit]
		t = rest[len(unit):]
	}
	return !math.IsInf(math.Round(total), 0)
}

var byteUnits = map[string]float64{"b": 1, "kb": 1 << 10, "k": 1 << 10, "mb": 1 << 20, "m": 1 << 20, "gb": 1 << 30, "g": 1 << 30, "tb": 1 << 40, "t": 1 << 40}

// validByteSize reports whether parseByteSize accepts raw: a number and an
// optional unit of letters (bytes by default).
func validByteSize(raw string) bool {
	t := openclaw.ToLowerJS(openclaw.TrimJS(raw))
	num, unit := leadingNumber(t)
	if num == "" {
		return false
	}
	for i := 0; i < len(unit); i++ {
		if unit[i] < 'a' || unit[i] > 'z' {
			return false
		}
	}
	if unit == "" {
		unit = "b"
	}
	v, ok := finite(num)
	return ok && byteUnits[unit] != 0 && !math.IsInf(math.Round(v*byteUnits[unit]), 0)
}

// leadingNumber splits s after the longest prefix matching \d+(\.\d+)?.
func leadingNumber(s string) (num, rest string) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return "", s
	}
	if i+1 < len(s) && s[i] == '.' && s[i+1] >= '0' && s[i+1] <= '9' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	return s[:i], s[i:]
}

// finite is Number(s) for a string of digits, and whether it is finite.
func finite(s string) (float64, bool) {
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil && !math.IsInf(v, 0)
}
