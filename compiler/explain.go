package compiler

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/openclawcfg/openclawcfg/compiler/internal/check"
	"github.com/openclawcfg/openclawcfg/compiler/internal/spec"
	"github.com/openclawcfg/openclawcfg/internal/release"
)

// Explanation is what `openclawcfg explain PATH` prints about one schema
// path.
type Explanation struct {
	OpenClaw       string          `json:"openclaw"` // the release whose schema is explained
	OpenClawReason string          `json:"openclawReason"`
	Path           string          `json:"path"` // canonical, with <id> for map keys and [] for list items
	Type           string          `json:"type"`
	Allowed        []string        `json:"allowed,omitempty"`
	SchemaDefault  json.RawMessage `json:"schemaDefault,omitempty"`  // written into the parsed config by OpenClaw's schema when unset
	RuntimeDefault json.RawMessage `json:"runtimeDefault,omitempty"` // what the runtime assumes when unset
	SetAt          []string        `json:"setAt"`
	Doc            string          `json:"doc"`
	Notes          []string        `json:"notes,omitempty"` // runtime behaviour that surprises people
	Children       []Child         `json:"children,omitempty"`
}

// Child is one key of an object path.
type Child struct {
	Name    string `json:"name"`
	Type    string `json:"type"`
	Summary string `json:"summary"`
}

// PathError is an explain path that names nothing in the schema.
type PathError struct {
	Release string
	// Elsewhere is another supported release whose schema has the path.
	Elsewhere  string
	Path       string
	Segment    string
	Unchecked  string // set when the path goes into a section openclawcfg does not check
	DidYouMean string
	Valid      []string
}

func (e *PathError) Error() string {
	if e.Unchecked != "" {
		return fmt.Sprintf("%q is inside %s, whose contents neither openclawcfg's schema nor OpenClaw %s's core schema describes (a plugin's section, or a place OpenClaw leaves open)", e.Path, e.Unchecked, e.Release)
	}
	msg := fmt.Sprintf("unknown config path %q: no key %q", e.Path, e.Segment)
	if e.Elsewhere != "" {
		msg += fmt.Sprintf(" in OpenClaw %s's schema; OpenClaw %s has it (openclawcfg explain --openclaw %s %s)", e.Release, e.Elsewhere, e.Elsewhere, e.Path)
		if where := check.ValidUnder(e.Release, e.Segment); len(where) > 0 {
			msg += fmt.Sprintf("; in %s it is a key of %s", e.Release, strings.Join(where, " and "))
		}
		return msg
	}
	if e.DidYouMean != "" {
		msg += fmt.Sprintf("; did you mean %q?", e.DidYouMean)
	} else if where := check.ValidUnder(e.Release, e.Segment); len(where) > 0 {
		msg += "; it is a key of " + strings.Join(where, " and ")
	} else if len(e.Valid) > 0 && len(e.Valid) <= 40 {
		msg += "; valid keys there: " + strings.Join(e.Valid, ", ")
	}
	return msg
}

// Explain describes the schema path p. Paths may be written in full
// (channels.imessage.groupPolicy), relative to channels.imessage
// (groupPolicy, accounts.bot.cliPath), with concrete map keys
// (groups.42.requireMention) or placeholders (accounts.<id>.cliPath), and
// with list items as [] or an index (agents.list[].groupChat), in the
// schema of OpenClaw release rel (release.Supported; "" is the seed).
func Explain(rel, p string) (*Explanation, error) {
	if !release.Known(rel) {
		rel = release.Seed
	}
	t := spec.For(rel)
	segs := splitPath(p)
	n, canon, err := walk(t, segs)
	if err != nil && len(segs) > 0 && t.Root.Field(segs[0]) == nil {
		// Not a root key: read it as a channels.imessage path, and report
		// that walk's error (its did-you-mean is the useful one).
		n, canon, err = walk(t, append([]string{"channels", "imessage"}, segs...))
	}
	if err != nil {
		pe := err.(*PathError)
		if pe.Unchecked != "" {
			// Open in openclawcfg's schema: OpenClaw's core schema may
			// still describe it (vet checks that).
			if e := coreExplain(rel, segs); e != nil {
				return e, nil
			}
			if parent := coreExplain(rel, segs[:len(segs)-1]); parent != nil && len(parent.Children) > 0 {
				names := make([]string, len(parent.Children))
				for i, c := range parent.Children {
					names[i] = c.Name
				}
				pe = &PathError{Segment: segs[len(segs)-1], DidYouMean: check.Closest(segs[len(segs)-1], names), Valid: names}
			}
		}
		pe.Path, pe.Release = p, rel
		for _, other := range release.Supported {
			if other != rel && pe.Unchecked == "" && explainable(spec.For(other), segs) {
				pe.Elsewhere = other
				break
			}
		}
		return nil, pe
	}
	if n.IsAny() {
		if e := coreExplain(rel, canon); e != nil {
			return e, nil
		}
	}
	e := &Explanation{OpenClaw: rel, Path: joinPath(canon), Type: n.Expected(), Doc: n.Doc}
	if n.IsAny() {
		e.Type = "any value (not checked: OpenClaw's schema leaves it open too)"
	}
	e.Allowed = n.Enum
	if n.Default != "" {
		e.SchemaDefault = json.RawMessage(n.Default)
	}
	if n.Runtime != "" && n.Runtime != n.Default {
		e.RuntimeDefault = json.RawMessage(n.Runtime)
	}
	e.SetAt = setAt(canon)
	e.Notes = n.Notes
	for _, f := range n.Fields {
		fn := f.Node
		if len(canon) == 1 && canon[0] == "agents" && f.Name == "defaults" {
			fn = t.AgentDefaults
		}
		typ := fn.Expected()
		if fn.IsAny() {
			typ = "any value"
			if info, ok := check.CoreAt(rel, append(slices.Clip(canon), f.Name)); ok {
				typ = info.Type
			}
		}
		e.Children = append(e.Children, Child{Name: f.Name, Type: typ, Summary: firstSentence(fn.Doc)})
	}
	if n.Values != nil && n.Values != spec.Any && len(n.Fields) == 0 {
		e.Children = append(e.Children, Child{Name: "<id>", Type: n.Values.Expected(), Summary: firstSentence(n.Values.Doc)})
	}
	return e, nil
}

// coreExplain explains a place openclawcfg's schema leaves open from
// release rel's core schema, or nil when that names nothing there.
func coreExplain(rel string, segs []string) *Explanation {
	info, ok := check.CoreAt(rel, segs)
	if !ok {
		return nil
	}
	path := joinPath(segs)
	e := &Explanation{
		OpenClaw: rel, Path: path, Type: info.Type, Allowed: info.Allowed, SchemaDefault: info.Default, SetAt: []string{path},
		Doc: "Outside what openclawcfg models key by key: this is what OpenClaw " + rel + "'s own schema for it says (its zod schema's JSON export, or the bundled channel plugin's JSON Schema), and what vet checks.",
	}
	if info.Doc != "" {
		e.Doc = info.Doc + "\n\n" + e.Doc
	}
	for _, c := range info.Children {
		e.Children = append(e.Children, Child{Name: c.Name, Type: c.Type})
	}
	return e
}

func joinPath(canon []string) string {
	return strings.ReplaceAll(strings.Join(canon, "."), ".[]", "[]")
}

// Compiled on first use: explain is rare, start-up is not.
var indexRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\[(\d*)\]`) })

func splitPath(p string) []string {
	p = strings.TrimSpace(p)
	// list[0] and list[] are list items, like list.0.
	p = indexRE().ReplaceAllStringFunc(p, func(m string) string {
		if m == "[]" {
			return ".[]"
		}
		return "." + m[1:len(m)-1]
	})
	var out []string
	for _, s := range strings.Split(p, ".") {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// walk follows segs from n; canon is the path with map keys as <id>.
func walk(t *spec.Tables, segs []string) (*spec.Node, []string, error) {
	n := t.Root
	var canon []string
	for _, s := range segs {
		if n.IsAny() {
			return nil, nil, &PathError{Segment: s, Unchecked: joinPath(canon)}
		}
		switch {
		case n.Fields != nil && n.Field(s) != nil:
			n = n.Field(s).Node
			canon = append(canon, s)
			if len(canon) == 2 && canon[0] == "agents" && canon[1] == "defaults" {
				// Open in the table, checked by the agents check against
				// its own: explain what vet checks.
				n = t.AgentDefaults
			}
		case n.Elem != nil && (s == "[]" || isIndex(s)):
			n = n.Elem
			canon = append(canon, "[]")
		case n.Values != nil && n.Values != spec.Any:
			n = n.Values
			canon = append(canon, "<id>")
		case n.Values == spec.Any:
			return nil, nil, &PathError{Segment: s, Unchecked: joinPath(canon)}
		default:
			names := make([]string, len(n.Fields))
			for i, f := range n.Fields {
				names[i] = f.Name
			}
			return nil, nil, &PathError{Segment: s, DidYouMean: check.Closest(s, names), Valid: names}
		}
	}
	return n, canon, nil
}

func isIndex(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}

// setAt lists where a channels.imessage field can be written.
func setAt(canon []string) []string {
	path := joinPath(canon)
	if len(canon) < 3 || canon[0] != "channels" || canon[1] != "imessage" {
		return []string{path}
	}
	rest := canon[2:]
	if rest[0] == "accounts" && len(rest) >= 3 {
		rest = rest[2:]
	} else if rest[0] == "accounts" || rest[0] == "defaultAccount" {
		return []string{path + " (top level only)"}
	}
	tail := joinPath(rest)
	return []string{"channels.imessage." + tail, "channels.imessage.accounts.<id>." + tail}
}

func firstSentence(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if i := strings.Index(s, ". "); i >= 0 {
		return s[:i+1]
	}
	return s
}

// explainable reports whether t's schema has the path segs (full, or
// relative to channels.imessage).
func explainable(t *spec.Tables, segs []string) bool {
	if _, _, err := walk(t, segs); err == nil {
		return true
	}
	_, _, err := walk(t, append([]string{"channels", "imessage"}, segs...))
	return err == nil
}
