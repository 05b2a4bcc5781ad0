package compiler

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/openclawcfg/openclawcfg/compiler/diag"
	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
	"github.com/openclawcfg/openclawcfg/compiler/internal/lint"
	"github.com/openclawcfg/openclawcfg/compiler/internal/lower"
)

// policyKeys are the keys of channels.imessage (and of each account) that
// decide who can reach the agent: with an error in one of them, the
// policy the lints judge is unknown. An error elsewhere (a chunk limit, a
// cliPath, a root) leaves it known: the lints run without that value.
var policyKeys = map[string]bool{
	"enabled": true, "dmPolicy": true, "allowFrom": true, "groupPolicy": true, "groupAllowFrom": true,
	"groups": true, "defaultAccount": true, "accounts": true,
}

// policyPath reports whether a finding at path (a dotted config path)
// concerns a value the lints read: the policy keys of channels.imessage and
// its accounts, the accounts map itself, and the agents, group-chat
// settings and bindings that decide mentions and routing.
func policyPath(path string) bool {
	switch {
	case path == "", path == "channels", path == "channels.imessage":
		return true
	case path == "agents.defaults" || strings.HasPrefix(path, "agents.defaults."):
		return false // no mention, identity or routing setting lives there
	case strings.HasPrefix(path, "agents"), strings.HasPrefix(path, "bindings"), strings.HasPrefix(path, "messages.groupChat"):
		return true
	}
	rest, ok := strings.CutPrefix(path, "channels.imessage.")
	if !ok {
		return false
	}
	if strings.Contains("."+rest+".", ".tools.") || strings.Contains("."+rest+".", ".toolsBySender.") {
		return false // a group's tool policy: what the agent may do, not who reaches it
	}
	key, after, _ := strings.Cut(rest, ".")
	if key == "accounts" {
		if after == "" {
			return true
		}
		// accounts.<id> or accounts.<id>.<key>...; an id may hold dots, so
		// look for a policy key anywhere after it.
		segs := strings.Split(after, ".")
		if len(segs) == 1 {
			return true
		}
		for _, s := range segs[1:] {
			if policyKeys[s] {
				return true
			}
		}
		return false
	}
	return policyKeys[key]
}

// unknownPolicy returns the paths of the errors that leave the effective
// policy unknown (none when the lints can run on the rest of the file).
func unknownPolicy(ds []diag.Diagnostic) []string {
	var paths []string
	seen := map[string]bool{}
	for _, d := range ds {
		if d.Severity != diag.Error {
			continue
		}
		relevant := false
		switch d.Code {
		case diag.CodeSyntax, diag.CodeRootType, diag.CodeInclude, diag.CodeEnvVars:
			relevant = true
		case diag.CodeAvatar, diag.CodeAgentDir, diag.CodeFormat:
			// An avatar, an agent's state directory or a session store size
			// decides nobody's access.
			relevant = false
		case diag.CodeLegacyKey:
			// A moved top-level section or routing.* (bindings, mention
			// settings) may hold policy; tools.bash or gateway.token do not.
			relevant = !strings.Contains(d.Path, ".") || strings.HasPrefix(d.Path, "routing.") || policyPath(d.Path)
		case diag.CodeUnknownKey:
			// A misspelt policy key ("allowfrom") hides the value the
			// user meant to set.
			relevant = d.DidYouMean != "" && policyPath(strings.TrimPrefix(parentPath(d.Path)+"."+d.DidYouMean, "."))
		default:
			relevant = policyPath(d.Path)
		}
		// An element stands for its list (allowFrom, not allowFrom.4).
		p := d.Path
		for {
			i := strings.LastIndexByte(p, '.')
			if i < 0 {
				break
			}
			if _, err := strconv.Atoi(p[i+1:]); err != nil {
				break
			}
			p = p[:i]
		}
		if p == "" {
			p = "the root"
		}
		if relevant && !seen[p] {
			seen[p] = true
			paths = append(paths, p)
		}
	}
	return paths
}

func parentPath(p string) string {
	if i := strings.LastIndexByte(p, '.'); i >= 0 {
		return p[:i]
	}
	return ""
}

// lintDespiteErrors runs the policy lints on a file with errors, when
// none of them touches a value the lints read: the erroneous members are
// left out (OpenClaw would reject them; the policy does not depend on
// them) and the rest is lowered as OpenClaw would. It returns a note when
// the lints cannot run.
func (r *Result) lintDespiteErrors(root *json5.Node, opt Options) (ran bool, note string) {
	if root == nil {
		// Nothing past the syntax or the $include was checked, and the
		// error says so: no note.
		return false, ""
	}
	paths := unknownPolicy(r.Diagnostics)
	switch {
	case len(paths) == 1 && paths[0] == "the root":
		return false, ""
	case len(paths) > 3:
		paths = append(paths[:3], "...")
	}
	if len(paths) > 0 {
		return false, "policy lints (open-dm, wildcard-allow, ...) skipped: the errors at " + strings.Join(paths, ", ") + " leave who can reach the agent unknown"
	}
	pruned := root
	for _, d := range r.Diagnostics {
		if d.Severity == diag.Error && d.Path != "" {
			pruned = without(pruned, strings.Split(d.Path, "."))
		}
	}
	defer func() {
		// Lowering is written for valid configs; should a pruned one
		// still trip it, say so rather than fail the run.
		if v := recover(); v != nil {
			ran, note = false, fmt.Sprintf("policy lints did not run: the file's errors confuse the lowering (%v); fix them and vet again", v)
		}
	}()
	r.add(lint.Lint(lower.Lower(pruned, lowerOptions(opt, r.Release.Release))))
	return true, ""
}

// without returns n with the member or element at path removed, copying
// only the objects and lists on the way (the originals are shared with
// the diagnostics' sources). A path that does not lead anywhere (a key
// with a dot in it) leaves n as it is.
func without(n *json5.Node, path []string) *json5.Node {
	if len(path) == 0 || n == nil {
		return n
	}
	cp := *n
	switch n.Kind {
	case json5.Object:
		cp.Members = nil
		found := false
		for _, m := range n.Members {
			if m.Key != path[0] {
				cp.Members = append(cp.Members, m)
				continue
			}
			found = true
			if len(path) > 1 {
				m.Value = without(m.Value, path[1:])
				cp.Members = append(cp.Members, m)
			}
		}
		if !found {
			return n
		}
	case json5.Array:
		i, err := strconv.Atoi(path[0])
		if err != nil || i < 0 || i >= len(n.Elems) {
			return n
		}
		cp.Elems = append([]*json5.Node(nil), n.Elems...)
		if len(path) > 1 {
			cp.Elems[i] = without(n.Elems[i], path[1:])
		} else {
			cp.Elems = append(cp.Elems[:i], cp.Elems[i+1:]...)
		}
	default:
		return n
	}
	return &cp
}
