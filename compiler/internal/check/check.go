// Package check validates a parsed openclaw.json against the generated
// schema table and OpenClaw 2026.3.24's rules for channels.imessage. It
// reports every finding in one pass; it never stops at the first.
package check

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/openclawcfg/openclawcfg/compiler/diag"
	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
	"github.com/openclawcfg/openclawcfg/compiler/internal/spec"
	"github.com/openclawcfg/openclawcfg/compiler/source"
	"github.com/openclawcfg/openclawcfg/internal/openclaw"
	"github.com/openclawcfg/openclawcfg/internal/release"
)

// Check validates root, the merged document of main, and returns its
// findings, unsorted, with File and offsets from the nodes' spans but no
// line/column (the caller locates them). main is the file messages name
// other places of by line and column alone.
func Check(main *source.File, root *json5.Node, rel string) []diag.Diagnostic {
	c := newChecker(rel)
	c.main = main
	c.root(root)
	return c.diags
}

func newChecker(rel string) *checker {
	if !release.Known(rel) {
		rel = release.Seed
	}
	t := spec.For(rel)
	chans := t.Root.Field("channels").Node
	return &checker{rel: rel, t: t, chans: chans, im: chans.Field("imessage").Node}
}

type checker struct {
	main *source.File
	// rel is the OpenClaw release judging the file, t its tables, chans
	// and im its channels and channels.imessage nodes.
	rel   string
	t     *spec.Tables
	chans *spec.Node
	im    *spec.Node
	// roster is 2026.9.6's reading of agents (prepareRoster).
	roster *roster
	// curMember is the member whose value member() checks (the key span of
	// an unknown key coreSchemaCheck finds).
	curMember *json5.Member
	// curDeclared: its key is a field of the table (not a map's key).
	curDeclared bool

	diags []diag.Diagnostic
	path  []string
	// quiet suppresses output while probing a value that OpenClaw ignores
	// (an earlier duplicate); found counts what it would have reported.
	quiet bool
	found []diag.Diagnostic
	// kinds counts the findings of each file and code; past
	// diag.MaxPerKind they are only counted, on the entry in more (a
	// million unknown keys cost a counter, not a million messages).
	// scratch takes what was not kept, so last() stays valid.
	kinds   map[kindKey]int
	more    map[kindKey]int // index in diags of the entry with More
	scratch diag.Diagnostic
	dropped bool

	// legacyCovered holds the top-level keys under which a legacy rule
	// matched, legacyKeys the keys it reported: neither is also an
	// unknown key.
	legacyCovered map[string]bool
	legacyKeys    map[*json5.Member]bool
}

type kindKey struct{ file, code string }

// where names an offset of n's file as "line L, column C" (with the file
// name when it is an included file).
func (c *checker) where(n *json5.Node, offset int) string {
	if n.File == nil {
		return fmt.Sprintf("offset %d", offset)
	}
	line, col := n.File.Position(offset)
	if n.File != c.main {
		return fmt.Sprintf("%s:%d:%d", n.File.Name, line, col)
	}
	return fmt.Sprintf("line %d, column %d", line, col)
}

// file names the file node n was read from.
func (c *checker) file(n *json5.Node) string {
	if n.File == nil {
		return ""
	}
	return n.File.Name
}

func (c *checker) pathString() string { return strings.Join(c.path, ".") }

func (c *checker) push(seg string) { c.path = append(c.path, seg) }
func (c *checker) pop()            { c.path = c.path[:len(c.path)-1] }

func (c *checker) add(d diag.Diagnostic) {
	c.dropped = false
	if c.quiet {
		if len(c.found) > 0 {
			// Probes report only their first finding.
			c.scratch, c.dropped = d, true
			return
		}
		c.found = append(c.found, d)
		return
	}
	k := kindKey{d.File, d.Code}
	if c.kinds == nil {
		c.kinds, c.more = map[kindKey]int{}, map[kindKey]int{}
	}
	if c.kinds[k]++; c.kinds[k] > diag.MaxPerKind {
		if i, ok := c.more[k]; ok {
			c.diags[i].More++
		} else {
			c.more[k] = len(c.diags)
			d.More = 1
			c.diags = append(c.diags, d)
		}
		c.scratch, c.dropped = d, true
		return
	}
	c.diags = append(c.diags, d)
}

// saturated reports whether d's kind has reached its cap, and then counts
// d as add would: callers whose messages are costly (a did-you-mean over
// the schema) ask first, so a million unknown keys cost a million counts.
func (c *checker) saturated(d diag.Diagnostic) bool {
	if c.quiet || c.kinds[kindKey{d.File, d.Code}] < diag.MaxPerKind {
		return false
	}
	c.add(d)
	return true
}

// errorAt reports an error about value n at the current path.
func (c *checker) errorAt(n *json5.Node, code, msg string) *diag.Diagnostic {
	c.add(diag.Diagnostic{File: c.file(n), Offset: n.Start, End: n.End, Path: c.pathString(), Severity: diag.Error, Code: code, Message: msg})
	return c.last()
}

func (c *checker) last() *diag.Diagnostic {
	if c.dropped {
		return &c.scratch
	}
	if c.quiet {
		return &c.found[len(c.found)-1]
	}
	return &c.diags[len(c.diags)-1]
}

func (c *checker) root(n *json5.Node) {
	if n.Kind != json5.Object {
		c.add(diag.Diagnostic{
			File: c.file(n), Offset: n.Start, End: n.End, Severity: diag.Error, Code: diag.CodeRootType,
			Message: "the config must be an object, got " + describe(n),
			Fix:     "wrap the settings in { ... }, e.g. { channels: { imessage: { enabled: true } } }",
		})
		return
	}
	if c.keyed() {
		c.prepareRoster(n) // 2026.9.6 has no legacy-key stage
	} else {
		c.legacyNested(n)
	}
	c.object(n, c.t.Root)
	if c.keyed() {
		c.bindingAgents(n)
	}
	c.agentRefs(n)
}

// value checks n against s at the current path.
func (c *checker) value(n *json5.Node, s *spec.Node) {
	if s.IsAny() {
		c.coreSchemaCheck(n)
		return
	}
	if !c.typeOK(n, s) {
		return
	}
	switch n.Kind {
	case json5.Number:
		c.number(n, s)
	case json5.String:
		if s.Enum != nil && !contains(s.Enum, n.Str) {
			c.enumError(n, s)
			return
		}
	case json5.Object:
		c.object(n, s)
	case json5.Array:
		if s.Elem != nil {
			for i, e := range n.Elems {
				c.push(strconv.Itoa(i))
				if s.ElemCheck == "" || c.namedCheck(s.ElemCheck, e, s.Elem) {
					c.value(e, s.Elem)
				}
				c.pop()
			}
		}
	}
	if s.Check != "" {
		c.namedCheck(s.Check, n, s)
	}
}

func (c *checker) typeOK(n *json5.Node, s *spec.Node) bool {
	var t spec.Type
	switch n.Kind {
	case json5.Null:
		t = spec.TNull
	case json5.Bool:
		t = spec.TBool
	case json5.Number:
		t = spec.TNumber
	case json5.String:
		t = spec.TString
	case json5.Object:
		t = spec.TObject
	case json5.Array:
		t = spec.TArray
	}
	if s.Types&t != 0 {
		return true
	}
	d := c.errorAt(n, diag.CodeType, "must be "+s.Expected()+", got "+describe(n))
	if s.Enum != nil {
		d.Allowed = s.Enum
		if s.Types&spec.TBool != 0 {
			d.Allowed = append([]string{"true", "false"}, s.Enum...)
		}
	} else if s.Types == spec.TBool {
		d.Allowed = []string{"true", "false"}
		if n.Kind == json5.String && (n.Str == "true" || n.Str == "false") {
			d.Fix = "write " + n.Str + " without quotes"
		}
	}
	if s.Types&spec.TNumber != 0 && n.Kind == json5.String {
		if _, err := strconv.ParseFloat(strings.TrimSpace(n.Str), 64); err == nil {
			d.Fix = "write the number without quotes"
		}
	}
	if s.Types == spec.TArray && (n.Kind == json5.String || n.Kind == json5.Number) && (s.Elem == nil || typeFits(n, s.Elem)) {
		// allowFrom: "+15551234567" is one value where a list is expected.
		d.Fix = "wrap it in [ ] to make a list of one"
		if d.Edit = c.wrapInList(n); d.Edit != nil {
			d.Fix = "wrap it in [ ]: " + d.Edit.Text
		}
	}
	return false
}

func (c *checker) number(n *json5.Node, s *spec.Node) {
	v := n.Num
	if math.IsInf(v, 0) || math.IsNaN(v) {
		c.errorAt(n, diag.CodeType, "must be "+s.Expected()+", got "+describe(n))
		return
	}
	if s.Int {
		if v != math.Trunc(v) {
			c.errorAt(n, diag.CodeInteger, "must be "+s.Expected()+", got "+describe(n))
			return
		}
		if math.Abs(v) > maxSafeInteger {
			c.errorAt(n, diag.CodeInteger, "must be a safe integer (at most 9007199254740991 in magnitude), got "+describe(n))
			return
		}
	}
	if (s.Min != nil && (v < s.Min.Value || s.Min.Exclusive && v == s.Min.Value)) ||
		(s.Max != nil && (v > s.Max.Value || s.Max.Exclusive && v == s.Max.Value)) {
		c.errorAt(n, diag.CodeRange, "must be "+s.Expected()+", got "+describe(n))
	}
}

const maxSafeInteger = 1<<53 - 1

func (c *checker) enumError(n *json5.Node, s *spec.Node) {
	allowed := s.Enum
	d := c.errorAt(n, diag.CodeEnum, "must be "+s.Expected()+", got "+describe(n))
	d.Allowed = allowed
	if s.Types&spec.TBool != 0 {
		// bool | "auto": the booleans are allowed values too.
		d.Allowed = append([]string{"true", "false"}, allowed...)
	}
	if m := closest(n.Str, allowed); m != "" {
		d.DidYouMean = m
		d.Message += fmt.Sprintf("; did you mean %q?", m)
		d.Fix = fmt.Sprintf("write %q", m)
		d.Edit = c.replaceString(n, m)
	}
}

// object checks the members of n. Like JavaScript, the last of several
// members with one key wins; earlier ones are reported as warnings.
func (c *checker) object(n *json5.Node, s *spec.Node) {
	last := lastIndex(n)
	for i := range n.Members {
		m := &n.Members[i]
		if m.Key == "__proto__" {
			c.protoKey(m)
			continue
		}
		if last[m.Key] != i {
			c.duplicate(n, m, s, last[m.Key])
			continue
		}
		c.member(n, m, s)
	}
	for _, f := range s.Fields {
		if f.Required && n.Lookup(f.Name) == nil {
			c.push(f.Name)
			d := c.errorAt(n, diag.CodeRequired, fmt.Sprintf("missing required key %q", f.Name))
			d.End = n.Start + 1
			d.Fix = fmt.Sprintf("add %s: ...", f.Name)
			if doc := firstLine(f.Node.Doc); doc != "" {
				d.Fix += " (" + doc + ")"
			}
			c.pop()
		}
	}
	c.after(n, s)
}

// member checks one member of object n described by s.
func (c *checker) member(obj *json5.Node, m *json5.Member, s *spec.Node) {
	c.push(m.Key)
	defer c.pop()
	if s == c.t.Root && !c.keyed() {
		if c.legacyRoot(m) || m.Key == "routing" && c.legacyCovered["routing"] {
			return
		}
	}
	if s == c.chans {
		c.channelID(obj, m)
		if c.keyed() {
			c.channelSchemaCheck(m)
		}
	}
	c.curMember, c.curDeclared = m, false
	if f := s.Field(m.Key); f != nil {
		c.curDeclared = true
		c.value(m.Value, f.Node)
		return
	}
	if s.Values != nil {
		if s.ValueCheck == "" || c.namedCheck(s.ValueCheck, m.Value, s.Values) {
			c.value(m.Value, s.Values)
		}
		return
	}
	c.unknownKey(m, s)
}

// after runs the rules that need a whole object.
func (c *checker) after(n *json5.Node, s *spec.Node) {
	if s == c.im {
		c.imessageRules(n)
	}
}

func (c *checker) protoKey(m *json5.Member) {
	c.push(m.Key)
	defer c.pop()
	c.add(diag.Diagnostic{
		File: c.file(m.Value), Offset: m.KeyStart, End: m.KeyEnd, Path: c.pathString(), Severity: diag.Warning, Code: diag.CodeProtoKey,
		Message: `OpenClaw's JSON5 parser drops "__proto__" keys, so this value is ignored without a word`,
		Fix:     "remove the key",
	})
}

func (c *checker) duplicate(obj *json5.Node, m *json5.Member, s *spec.Node, winner int) {
	c.push(m.Key)
	full := c.saturated(diag.Diagnostic{File: c.file(m.Value), Offset: m.KeyStart, End: m.KeyEnd, Path: c.pathString(), Severity: diag.Warning, Code: diag.CodeDuplicateKey})
	c.pop()
	if full {
		return // counted; no probe, no message
	}
	// Probe the ignored value: a duplicate hiding an invalid block is the
	// dangerous case, because the user may be reading the wrong one.
	saved, savedFound := c.quiet, c.found
	c.quiet, c.found = true, nil
	c.member(obj, m, s)
	hidden := c.found
	c.quiet, c.found = saved, savedFound

	c.push(m.Key)
	defer c.pop()
	w := obj.Members[winner]
	msg := fmt.Sprintf("duplicate key %q: OpenClaw keeps only the last value (%s), so this one is ignored", m.Key, c.where(w.Value, w.KeyStart))
	if len(hidden) > 0 {
		msg += "; it would also be invalid: " + hidden[0].Message
	}
	c.add(diag.Diagnostic{
		File: c.file(m.Value), Offset: m.KeyStart, End: m.KeyEnd, Path: c.pathString(), Severity: diag.Warning, Code: diag.CodeDuplicateKey,
		Message: msg, Fix: "delete one of the two " + strconv.Quote(m.Key) + " keys",
		Related: []diag.Related{diag.RelatedAt(w.KeySpan(), "the "+strconv.Quote(m.Key)+" OpenClaw keeps")},
	})
}

func lastIndex(n *json5.Node) map[string]int {
	last := make(map[string]int, len(n.Members))
	for i, m := range n.Members {
		last[m.Key] = i
	}
	return last
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// describe renders a value for "got ..." in messages.
func describe(n *json5.Node) string {
	switch n.Kind {
	case json5.Null:
		return "null"
	case json5.Bool:
		return strconv.FormatBool(n.Bool)
	case json5.Number:
		switch {
		case math.IsNaN(n.Num):
			return "NaN"
		case math.IsInf(n.Num, 1):
			return "Infinity"
		case math.IsInf(n.Num, -1):
			return "-Infinity"
		}
		if n.Num == 0 && math.Signbit(n.Num) {
			return "-0" // as written; JavaScript would print 0
		}
		return openclaw.FormatJSNumber(n.Num)
	case json5.String:
		s := n.Str
		if len(s) > 60 {
			cut := 57
			for cut > 0 && !utf8.RuneStart(s[cut]) {
				cut--
			}
			s = s[:cut] + "..."
		}
		return strconv.Quote(s)
	case json5.Object:
		return "an object"
	default:
		return "a list"
	}
}
