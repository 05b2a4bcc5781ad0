package check

import (
	"fmt"
	"strings"

	"github.com/openclawcfg/openclawcfg/compiler/diag"
	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
	"github.com/openclawcfg/openclawcfg/compiler/internal/spec"
	"github.com/openclawcfg/openclawcfg/internal/release"
)

// laterReleaseNote says, per check, what an OpenClaw release after
// 2026.3.24 does with a value its host no longer refuses (the JSON Schema
// it validates channels.imessage with drops zod's refinements). openclawcfg
// keeps reporting these, as warnings: --strict fails them.
var laterReleaseNote = map[string]string{
	diag.CodeExecutable:     "OpenClaw %s no longer rejects it, but cliPath reaches a command line",
	diag.CodeRemoteHost:     "OpenClaw %s no longer rejects it; at runtime it ignores the value (logged only at verbose level) and detects the host from the cliPath wrapper instead",
	diag.CodeAttachmentRoot: "OpenClaw %s no longer rejects it; at runtime it drops the root without a word",
	diag.CodeToolPolicy:     "OpenClaw %s no longer rejects it; 2026.3.24 did",
}

// refinementAt reports a failed zod refinement of channels.imessage: an
// error where the release's host runs the refinement (2026.3.24), else a
// warning that says what the release does instead.
func (c *checker) refinementAt(n *json5.Node, code, msg string) *diag.Diagnostic {
	d := c.errorAt(n, code, msg)
	if c.rel != release.Seed {
		d.Severity = diag.Warning
		d.Message += " (" + fmt.Sprintf(laterReleaseNote[code], c.rel) + ")"
	}
	return d
}

// dmPolicyWarnings is collectChannelDmPolicyDependencyWarnings of OpenClaw
// 2026.9.6: the dmPolicy/allowFrom rule as warnings, in its words, on the
// values the runtime sees (an account inherits both from the channel).
// A channel or account with enabled: false is skipped.
func (c *checker) dmPolicyWarnings(n *json5.Node) {
	if disabled(n) {
		return
	}
	const base = "channels.imessage"
	c.dmPolicyWarning(base, "", n.Lookup("dmPolicy"), n.Lookup("allowFrom"), false)
	accounts := n.Lookup("accounts")
	if accounts == nil || accounts.Kind != json5.Object {
		return
	}
	last := lastIndex(accounts)
	for i, m := range accounts.Members {
		if last[m.Key] != i || m.Key == "__proto__" || m.Value.Kind != json5.Object || disabled(m.Value) {
			continue
		}
		policy := m.Value.Lookup("dmPolicy")
		if policy == nil {
			policy = n.Lookup("dmPolicy")
		}
		allow, inherited := m.Value.Lookup("allowFrom"), false
		if allow == nil {
			allow, inherited = n.Lookup("allowFrom"), true
		}
		c.dmPolicyWarning(base, m.Key, policy, allow, inherited)
	}
}

func disabled(n *json5.Node) bool {
	e := n.Lookup("enabled")
	return e != nil && e.Kind == json5.Bool && !e.Bool
}

func (c *checker) dmPolicyWarning(base, account string, policyNode, allow *json5.Node, inherited bool) {
	policy := ""
	if policyNode != nil && policyNode.Kind == json5.String {
		policy = policyNode.Str
	}
	entries := allowEntries(allow)
	open := policy == "open" && !contains(entries, "*")
	if !open && !(policy == "allowlist" && len(entries) == 0) {
		return
	}
	scope := base
	if account != "" {
		scope = base + ".accounts." + account
	}
	allowPath := scope + ".allowFrom"
	subject, target, override := allowPath, "", ""
	switch {
	case account != "" && inherited:
		subject = allowPath + " is unset and " + base + ".allowFrom"
		target = " or " + base + ".allowFrom"
	case account != "":
		override = ", remove " + allowPath + " to inherit " + base + ".allowFrom,"
	}
	var msg string
	if open {
		msg = scope + `.dmPolicy="open" but ` + subject + ` does not include "*"; all DMs will be dropped. Add "*" to ` + allowPath + target + override + ` or set ` + scope + `.dmPolicy to "pairing"/"allowlist".`
	} else {
		msg = scope + `.dmPolicy="allowlist" but ` + subject + ` is empty; all DMs will be dropped. Add at least one sender ID to ` + allowPath + target + override + ` or change ` + scope + `.dmPolicy.`
	}
	at := allow
	if at == nil || inherited {
		at = policyNode
	}
	if at == nil {
		return
	}
	c.add(diag.Diagnostic{File: c.file(at), Offset: at.Start, End: at.End, Path: allowPath, Severity: diag.Warning, Code: diag.CodeDMPolicy, Message: msg})
}

// otherRelease explains an unknown key that another supported release has
// at this very path: the file is probably judged as the wrong release, or
// was written for an older one. It reports whether it did.
func (c *checker) otherRelease(d *diag.Diagnostic) bool {
	for _, rel := range release.Supported {
		if rel == c.rel || nodeAt(spec.For(rel), c.path) == nil {
			continue
		}
		d.Message += fmt.Sprintf("; OpenClaw %s has it here, %s does not", rel, c.rel)
		if release.Compare(mustParse(rel), mustParse(c.rel)) > 0 {
			d.Fix = fmt.Sprintf("if the gateway runs OpenClaw %s, vet with --openclaw %s (OpenClaw stamps meta.lastTouchedVersion when it writes the file, and vet follows the stamp)", rel, rel)
		} else {
			d.Fix = fmt.Sprintf("`openclawcfg migrate --to %s FILE` rewrites the keys of OpenClaw %s", c.rel, rel)
			key := d.Path[strings.LastIndexByte(d.Path, '.')+1:]
			if to, ok := movedInIMessage[key]; ok && c.inIMessageAccount() {
				parent := d.Path[:len(d.Path)-len(key)]
				d.Message += fmt.Sprintf("; OpenClaw %s reads it as %s%s", c.rel, parent, to)
				d.Fix = fmt.Sprintf("move it to %s%s (`openclawcfg migrate --to %s FILE` does, keeping comments)", parent, to, c.rel)
			} else if elsewhere := validUnder(c.rel, key); len(elsewhere) > 0 {
				d.Message += "; it is valid under " + strings.Join(elsewhere, " and ")
			}
		}
		return true
	}
	return false
}

// movedInIMessage are the keys of an iMessage account (the channel or
// one of its accounts) that 2026.9.6 reads elsewhere in the same account,
// as its doctor moves them.
var movedInIMessage = map[string]string{
	"chunkMode":              "streaming.chunkMode",
	"blockStreaming":         "streaming.block.enabled",
	"blockStreamingCoalesce": "streaming.block.coalesce",
	"heartbeat":              "heartbeatVisibility",
}

// inIMessageAccount reports whether the current key is a key of
// channels.imessage or of one of its accounts.
func (c *checker) inIMessageAccount() bool {
	p := c.path
	return len(p) == 3 && p[0] == "channels" && p[1] == "imessage" ||
		len(p) == 5 && p[0] == "channels" && p[1] == "imessage" && p[2] == "accounts"
}

func mustParse(rel string) release.Version {
	v, _ := release.Parse(rel)
	return v
}

// nodeAt is the schema node at path in t, or nil when t has no such
// place (map keys and list indexes match any key or index).
func nodeAt(t *spec.Tables, path []string) *spec.Node {
	n := t.Root
	for i, seg := range path {
		switch {
		case n.IsAny():
			return nil
		case n.Field(seg) != nil:
			n = n.Field(seg).Node
			if i == 1 && path[0] == "agents" && seg == "defaults" {
				n = t.AgentDefaults
			}
		case n.Values != nil && n.Values != spec.Any:
			n = n.Values
		case n.Elem != nil && isDigits(seg):
			n = n.Elem
		default:
			return nil
		}
	}
	return n
}
