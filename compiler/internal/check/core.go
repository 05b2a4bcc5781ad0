package check

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/openclawcfg/openclawcfg/compiler/diag"
	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
	"github.com/openclawcfg/openclawcfg/compiler/internal/spec"
	"github.com/openclawcfg/openclawcfg/internal/jsonscan"
)

// Where the CUE schema leaves a value open (the sections openclawcfg does
// not model key by key: gateway, tools, models, 2026.3.24's other
// channels, the contents of memorySearch, sandbox, ...), OpenClaw's core
// zod schema still refuses what it refuses. vet checks those values with
// zod's own JSON Schema export of that schema (scripts/core-schemas.sh,
// spec.CoreSchema), through the validator of the channel schemas. The
// export drops zod's refinements and transforms, so this can only miss
// an error OpenClaw reports, never add one; each section is decoded on
// first use.

// walkedElsewhere are open places of the root table that check walks
// against a table of their own.
var walkedElsewhere = map[string]bool{"agents.defaults": true}

// coreSection splits a config path into the export's section (a top-level
// key, or "channels.<id>") and the path inside it.
func coreSection(path []string) (key string, rest []string, ok bool) {
	switch {
	case len(path) == 0, path[0] == "channels" && len(path) < 2:
		return "", nil, false
	case path[0] == "channels":
		return "channels." + path[1], path[2:], true
	}
	return path[0], path[1:], true
}

// coreSchemaCheck validates n, a value the table leaves open, at c.path.
func (c *checker) coreSchemaCheck(n *json5.Node) {
	if walkedElsewhere[c.pathString()] {
		return
	}
	key, rest, ok := coreSection(c.path)
	if !ok {
		return
	}
	raw := spec.CoreSchema(c.rel, key)
	if raw == nil {
		return
	}
	// Find the place in the raw JSON and decode only its schema: a cold
	// vet of a whole config then decodes a few small subtrees, not the
	// sections around them.
	for i, seg := range rest {
		next, closed := rawChild(raw, seg)
		if closed != nil && i == len(rest)-1 {
			// A key of a map the table keeps open that the core schema
			// closes. (A key the table declares is known even where the
			// export has no such property: OpenClaw moves some before
			// validation.)
			if m := c.curMember; m != nil && m.Value == n && !c.curDeclared && !c.legacyKeys[m] && !c.legacyAt(c.pathString()) {
				c.add(c.coreUnknown(m, c.pathString(), seg, closed))
			}
			return
		}
		if next == nil {
			return // not a place the export can name (a union of objects, ...)
		}
		raw = next
	}
	c.coreValue(raw, n)
}

// coreValue validates n (at c.path) against the schema raw. An object
// schema of plain properties is walked member by member on the raw JSON,
// so a cold vet decodes only the subtrees a config uses; other schemas are
// decoded (once per process) and validated whole. Defaults are not filled
// in: zod returns a default without validating it.
func (c *checker) coreValue(raw []byte, n *json5.Node) {
	nd := nodeOf(raw)
	if n.Kind == json5.Object && nd.plain {
		for _, r := range nd.required {
			if n.Lookup(r) == nil {
				c.coreIssue(n, schemaIssue{at: []string{r}, msg: fmt.Sprintf("must have required property '%s'", r)})
			}
		}
		last := lastIndex(n)
		for i := range n.Members {
			m := &n.Members[i]
			if m.Key == "__proto__" || last[m.Key] != i {
				continue
			}
			if p := nd.props[m.Key]; p != nil {
				c.push(m.Key)
				c.coreValue(p, m.Value)
				c.pop()
				continue
			}
			switch {
			case string(nd.addl) == "false":
				c.coreIssue(n, schemaIssue{key: m.Key, props: nd.propKeys, msg: fmt.Sprintf("must not have additional properties: %q", m.Key)})
			case len(nd.addl) > 0 && nd.addl[0] == '{':
				c.push(m.Key)
				c.coreValue(nd.addl, m.Value)
				c.pop()
			}
		}
		return
	}
	cs := nd.compiled()
	if cs.err != nil {
		// The embedded schemas decode (TestSchemaPatternsCompile).
		panic(fmt.Sprintf("check: core schema %s: %v", c.pathString(), cs.err))
	}
	var issues []schemaIssue
	cs.validate(cs.doc, toJSON(n), nil, &issues)
	for _, is := range issues {
		if is.wantType != nil && slices.ContainsFunc(issues, func(o schemaIssue) bool { return o.allowed != nil && slices.Equal(o.at, is.at) }) {
			continue // the enum's message names the values, and the type
		}
		c.coreIssue(n, is)
	}
}

// rawNode is one schema object of the embedded exports, read once: the
// keywords navigation and the member walk use, as slices of the export.
type rawNode struct {
	raw []byte
	// plain: an object schema of properties, required and
	// additionalProperties only (besides type and annotations), which
	// coreValue walks member by member.
	plain       bool
	items, addl []byte
	props       map[string][]byte // nil without a properties keyword
	propKeys    []string          // sorted
	pats        map[string][]byte
	required    []string
	alts        [][][]byte // the anyOf and oneOf alternatives

	once sync.Once
	cs   *channelSchema // the decoded schema, for a whole-value check
}

// rawKey names a schema object by where it starts in the embedded export
// (the data never moves) and its length.
type rawKey struct {
	p *byte
	n int
}

var rawNodes sync.Map // rawKey -> *rawNode

// nodeOf returns raw's parsed node; a config's places share them, so a
// section is scanned once per process, not once per value.
func nodeOf(raw []byte) *rawNode {
	if len(raw) == 0 {
		return &rawNode{}
	}
	k := rawKey{&raw[0], len(raw)}
	if nd, ok := rawNodes.Load(k); ok {
		return nd.(*rawNode)
	}
	nd := parseNode(raw)
	actual, _ := rawNodes.LoadOrStore(k, nd)
	return actual.(*rawNode)
}

func parseNode(raw []byte) *rawNode {
	nd := &rawNode{raw: raw, plain: true}
	var props, pats []byte
	jsonscan.Members(raw, func(key string, v []byte) bool {
		switch key {
		case "properties":
			props = v
		case "type":
			nd.plain = nd.plain && string(v) == `"object"`
		case "items":
			nd.items = v
			nd.plain = false
		case "additionalProperties":
			nd.addl = v
		case "required":
			_ = json.Unmarshal(v, &nd.required)
		case "patternProperties":
			pats = v
			nd.plain = false
		case "anyOf", "oneOf":
			var alts [][]byte
			jsonscan.Elements(v, func(e []byte) bool { alts = append(alts, e); return true })
			nd.alts = append(nd.alts, alts)
			nd.plain = false
		case "allOf", "not", "propertyNames", "minProperties", "maxProperties", "const", "enum", "if", "$ref":
			nd.plain = false
		}
		return true
	})
	if props != nil && props[0] == '{' {
		nd.props = map[string][]byte{}
		jsonscan.Members(props, func(key string, v []byte) bool {
			nd.props[key] = v
			nd.propKeys = append(nd.propKeys, key)
			return true
		})
		slices.Sort(nd.propKeys)
	} else {
		nd.plain = false
	}
	if pats != nil {
		nd.pats = map[string][]byte{}
		jsonscan.Members(pats, func(key string, v []byte) bool { nd.pats[key] = v; return true })
	}
	return nd
}

// compiled is the node's schema decoded, once.
func (nd *rawNode) compiled() *channelSchema {
	nd.once.Do(func() {
		nd.cs = &channelSchema{}
		nd.cs.err = json.Unmarshal(nd.raw, &nd.cs.doc)
	})
	return nd.cs
}

// rawChild is the schema (raw JSON) of member or element seg of a value
// the schema raw describes; nil when raw does not single one out. closed
// lists the keys of an object raw closes (additionalProperties false) that
// has no seg.
func rawChild(raw []byte, seg string) (next []byte, closed []string) {
	nd := nodeOf(raw)
	if next, closed = nd.member(seg); next != nil || closed != nil {
		return next, closed
	}
	for _, alts := range nd.alts {
		var found []byte
		n := 0
		for _, a := range alts {
			if m, _ := nodeOf(a).member(seg); m != nil {
				found, n = m, n+1
			}
		}
		if n == 1 {
			return found, nil
		}
	}
	return nil, nil
}

func (nd *rawNode) member(seg string) ([]byte, []string) {
	if nd.items != nil {
		if _, err := strconv.Atoi(seg); err == nil {
			return nd.items, nil
		}
		return nil, nil
	}
	if p := nd.props[seg]; p != nil {
		return p, nil
	}
	for p, ps := range nd.pats {
		re, err := compiledPattern(p)
		if err != nil {
			continue
		}
		if ok, _ := re.MatchString(seg); ok {
			return ps, nil
		}
	}
	switch {
	case len(nd.addl) > 0 && nd.addl[0] == '{':
		return nd.addl, nil
	case string(nd.addl) == "false" && nd.props != nil:
		return nil, nd.propKeys
	}
	return nil, nil
}

// coreIssue reports one issue of n's validation, under the code a user of
// vet knows for its kind.
func (c *checker) coreIssue(base *json5.Node, is schemaIssue) {
	n, parent, path, written := locateIssue(base, c.pathString(), is.at)
	if is.key != "" && strings.HasPrefix(is.msg, "must not have additional properties") {
		var m *json5.Member
		if i := lastMember(n, is.key); i >= 0 {
			m = &n.Members[i]
		}
		if m != nil && c.legacyKeys[m] || c.legacyAt(path+"."+is.key) {
			return // reported as a legacy key, with where it moved
		}
		c.add(c.coreUnknown(m, path+"."+is.key, is.key, is.props))
		return
	}
	if c.legacyAt(path) {
		return
	}
	code := diag.CodeCoreSchema
	switch msg := is.msg; {
	case strings.HasPrefix(msg, "must have required property"):
		code = diag.CodeRequired
	case strings.HasPrefix(msg, "must be equal to"):
		code = diag.CodeEnum
	case strings.HasPrefix(msg, "must be <"), strings.HasPrefix(msg, "must be >"):
		code = diag.CodeRange
	case strings.HasPrefix(msg, "must be ") && strings.Contains(msg, ", got "):
		code = diag.CodeType
	}
	d := diag.Diagnostic{
		File: c.file(n), Offset: n.Start, End: n.End, Path: path, Severity: diag.Error, Code: code,
		Message: is.msg,
		Fix:     fmt.Sprintf("OpenClaw %s refuses the file: its config schema does not allow this value here", c.rel),
	}
	if code == diag.CodeRequired {
		d.End = n.Start + 1 // the object's opening brace
	}
	if is.allowed != nil && written {
		c.coreEnum(&d, n, is.allowed)
	}
	if is.wantType != nil && written {
		d.Message = "must be " + typeNames(is.wantType) + ", got " + describe(n)
		want := typeNames(is.wantType)
		if _, err := strconv.ParseFloat(strings.TrimSpace(n.Str), 64); err == nil && n.Kind == json5.String &&
			(strings.Contains(want, "number") || strings.Contains(want, "integer")) {
			d.Fix = "write the number without quotes"
		}
	}
	if code == diag.CodeRange && written {
		d.Message += ", got " + describe(n)
	}
	if code == diag.CodeRequired {
		d.Message = fmt.Sprintf("missing required key %q", is.at[len(is.at)-1])
		d.Fix = fmt.Sprintf("add %s: OpenClaw %s's config schema requires it", is.at[len(is.at)-1], c.rel)
	}
	if is.key != "" && written && parent != nil && len(is.at) > 0 && is.at[len(is.at)-1] == is.key {
		// A property name: the caret goes on the key.
		if i := lastMember(parent, is.key); i >= 0 {
			km := &parent.Members[i]
			d.File, d.Offset, d.End = c.file(km.Value), km.KeyStart, km.KeyEnd
		}
	}
	c.add(d)
}

// legacyAt reports whether a legacy key was reported at path: OpenClaw
// reports the legacy key and its move instead of what its schema says of
// the old value.
func (c *checker) legacyAt(path string) bool {
	for i := range c.diags {
		if c.diags[i].Code == diag.CodeLegacyKey && c.diags[i].Path == path {
			return true
		}
	}
	return false
}

// coreUnknown is the unknown-key diagnostic of a key (member m, when
// written) that a closed object of the core schema does not declare.
func (c *checker) coreUnknown(m *json5.Member, path, key string, keys []string) diag.Diagnostic {
	parent := path[:max(0, len(path)-len(key)-1)]
	d := diag.Diagnostic{
		Path: path, Severity: diag.Error, Code: diag.CodeUnknownKey,
		Message: fmt.Sprintf("unknown key %q in %s", key, parent),
	}
	if m != nil {
		d.File, d.Offset, d.End = c.file(m.Value), m.KeyStart, m.KeyEnd
	}
	list := keys
	if len(list) > 12 {
		list = append(list[:12:12], fmt.Sprintf("... (+%d more)", len(keys)-12))
	}
	d.Fix = fmt.Sprintf("remove it: OpenClaw %s's config schema takes no such key in %s (it takes %s)", c.rel, parent, strings.Join(list, ", "))
	if s := closest(key, keys); s != "" {
		d.DidYouMean = s
		d.Message += fmt.Sprintf("; did you mean %q?", s)
		d.Fix = fmt.Sprintf("rename it to %q", s)
	}
	return d
}

// coreEnum words a failed enum as vet words its own: the allowed values,
// what was written, and the closest value with its edit.
func (c *checker) coreEnum(d *diag.Diagnostic, n *json5.Node, values []any) {
	var strs []string
	for _, v := range values {
		if s, ok := v.(string); ok {
			strs = append(strs, s)
		}
	}
	if len(strs) != len(values) {
		return // a mix of types: the validator's words say it best
	}
	d.Message = "must be one of " + strings.Join(spec.QuoteAll(strs), ", ") + ", got " + describe(n)
	d.Allowed = strs
	d.Fix = fmt.Sprintf("OpenClaw %s refuses the file: its config schema allows only these values here", c.rel)
	if n.Kind != json5.String {
		return
	}
	if m := closest(n.Str, strs); m != "" {
		d.DidYouMean = m
		d.Message += fmt.Sprintf("; did you mean %q?", m)
		d.Fix = fmt.Sprintf("write %q", m)
		d.Edit = c.replaceString(n, m)
	}
}

// typeNames words a JSON Schema type keyword as vet's messages do.
func typeNames(t any) string {
	name := func(t any) string {
		switch t {
		case "string":
			return "a string"
		case "integer":
			return "an integer"
		case "number":
			return "a number"
		case "boolean":
			return "true or false"
		case "object":
			return "an object"
		case "array":
			return "a list"
		}
		return fmt.Sprint(t)
	}
	if list, ok := t.([]any); ok {
		var w []string
		for _, e := range list {
			w = append(w, name(e))
		}
		return strings.Join(w, " or ")
	}
	return name(t)
}

// CoreInfo is what release rel's core schema says of one place, for
// explain: where openclawcfg's own schema is open, vet checks that.
type CoreInfo struct {
	Type     string
	Allowed  []string
	Default  json.RawMessage
	Doc      string
	Children []CoreChild
}

// CoreChild is one declared key of an object place.
type CoreChild struct{ Name, Type string }

// CoreAt returns the core schema's description of path (segments as
// written; "[]" and "<id>" stand for any item and any key), or false when
// the export names no schema there.
func CoreAt(rel string, path []string) (*CoreInfo, bool) {
	key, rest, ok := coreSection(path)
	if !ok {
		return nil, false
	}
	raw := spec.CoreSchema(rel, key)
	if id, ok := strings.CutPrefix(key, "channels."); ok && raw == nil {
		raw = spec.ChannelSchema(rel, id) // 2026.9.6: the plugin's own
	}
	for _, seg := range rest {
		if raw == nil {
			break
		}
		switch seg {
		case "[]":
			seg = "0"
		case "<id>":
			seg = "\x00any key"
		}
		raw, _ = rawChild(raw, seg)
	}
	var s map[string]any
	if raw == nil || json.Unmarshal(raw, &s) != nil || len(s) == 0 {
		return nil, false
	}
	info := &CoreInfo{Type: schemaWords(s)}
	info.Doc, _ = s["description"].(string)
	if list, ok := s["enum"].([]any); ok {
		for _, v := range list {
			if str, ok := v.(string); ok {
				info.Allowed = append(info.Allowed, str)
			}
		}
	}
	if d, ok := s["default"]; ok {
		info.Default, _ = json.Marshal(d)
	}
	if props, ok := s["properties"].(map[string]any); ok {
		for _, k := range sortedKeys(props) {
			ps, _ := props[k].(map[string]any)
			info.Children = append(info.Children, CoreChild{Name: k, Type: schemaWords(ps)})
		}
	}
	return info, true
}

// schemaWords describes what a JSON Schema accepts, in explain's words.
func schemaWords(s map[string]any) string {
	if s == nil {
		return "any value"
	}
	if list, ok := s["enum"].([]any); ok {
		var parts []string
		for _, v := range list {
			b, _ := json.Marshal(v)
			parts = append(parts, string(b))
		}
		return "one of " + strings.Join(parts, ", ")
	}
	if c, ok := s["const"]; ok {
		b, _ := json.Marshal(c)
		return string(b)
	}
	for _, word := range []string{"anyOf", "oneOf"} {
		if alts, ok := s[word].([]any); ok {
			var parts []string
			for _, a := range alts {
				am, _ := a.(map[string]any)
				if w := schemaWords(am); !slices.Contains(parts, w) {
					parts = append(parts, w)
				}
			}
			return strings.Join(parts, " or ")
		}
	}
	t, ok := s["type"]
	if !ok {
		return "any value"
	}
	w := typeNames(t)
	switch t {
	case "array":
		if items, ok := s["items"].(map[string]any); ok {
			if iw := schemaWords(items); iw != "any value" {
				w = "a list of " + strings.NewReplacer("a string", "strings", "an integer", "integers", "a number", "numbers", "an object", "objects", "a list", "lists").Replace(iw)
			}
		}
	case "integer", "number":
		var b []string
		for _, k := range []struct{ key, op string }{{"minimum", ">="}, {"exclusiveMinimum", ">"}, {"maximum", "<="}, {"exclusiveMaximum", "<"}} {
			if v, ok := s[k.key].(float64); ok && v < 9007199254740991 && v > -9007199254740991 {
				b = append(b, k.op+" "+strconv.FormatFloat(v, 'f', -1, 64))
			}
		}
		if len(b) > 0 {
			w += " " + strings.Join(b, ", ")
		}
	case "string":
		if p, ok := s["pattern"].(string); ok {
			w += " matching /" + p + "/"
		}
	}
	return w
}
