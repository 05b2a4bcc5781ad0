package check

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

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

// coreSchemaCheck validates n, a value the table leaves open, at c.path.
func (c *checker) coreSchemaCheck(n *json5.Node) {
	if len(c.path) == 0 || walkedElsewhere[c.pathString()] {
		return
	}
	key, rest := c.path[0], c.path[1:]
	if key == "channels" {
		if len(rest) == 0 {
			return
		}
		key, rest = "channels."+rest[0], rest[1:]
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
	if n.Kind == json5.Object && plainObject(raw) {
		var kw [3][]byte
		jsonscan.ScanObject(raw, []string{"properties", "required", "additionalProperties"}, kw[:])
		props, req, addl := kw[0], kw[1], kw[2]
		var required []string
		if req != nil {
			_ = json.Unmarshal(req, &required)
		}
		for _, r := range required {
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
			var p [1][]byte
			if jsonscan.ScanObject(props, []string{m.Key}, p[:]); p[0] != nil {
				c.push(m.Key)
				c.coreValue(p[0], m.Value)
				c.pop()
				continue
			}
			switch {
			case string(addl) == "false":
				var all map[string]json.RawMessage
				_ = json.Unmarshal(props, &all)
				c.coreIssue(n, schemaIssue{key: m.Key, props: sortedKeys(all), msg: fmt.Sprintf("must not have additional properties: %q", m.Key)})
			case len(addl) > 0 && addl[0] == '{':
				c.push(m.Key)
				c.coreValue(addl, m.Value)
				c.pop()
			}
		}
		return
	}
	// raw is a slice of the embedded export: its capacity and length name
	// the place.
	cs := compiledSchema("core/"+c.rel+"/"+strconv.Itoa(cap(raw))+"/"+strconv.Itoa(len(raw)), raw)
	if cs.err != nil {
		// The embedded schemas decode (TestCoreSchemasCompile).
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

// plainObject reports whether raw is an object schema that coreValue can
// walk member by member: properties, required and additionalProperties
// only (besides type and annotations).
func plainObject(raw []byte) bool {
	kws := []string{"properties", "type", "anyOf", "oneOf", "allOf", "not", "patternProperties", "propertyNames",
		"minProperties", "maxProperties", "const", "enum", "if", "$ref"}
	kw := make([][]byte, len(kws))
	if !jsonscan.ScanObject(raw, kws, kw) || kw[0] == nil || kw[0][0] != '{' {
		return false
	}
	if t := kw[1]; t != nil && string(t) != `"object"` {
		return false
	}
	for _, v := range kw[2:] {
		if v != nil {
			return false
		}
	}
	return true
}

// rawChild is the schema (raw JSON) of member or element seg of a value
// the schema raw describes; nil when raw does not single one out. closed
// lists the keys of an object raw closes (additionalProperties false) that
// has no seg.
func rawChild(raw []byte, seg string) (next []byte, closed []string) {
	if next, closed = rawMember(raw, seg); next != nil || closed != nil {
		return next, closed
	}
	var kw [2][]byte
	jsonscan.ScanObject(raw, []string{"anyOf", "oneOf"}, kw[:])
	for _, list := range kw {
		var alts []json.RawMessage
		if list == nil || json.Unmarshal(list, &alts) != nil {
			continue
		}
		var found []byte
		n := 0
		for _, a := range alts {
			if m, _ := rawMember(a, seg); m != nil {
				found, n = m, n+1
			}
		}
		if n == 1 {
			return found, nil
		}
	}
	return nil, nil
}

func rawMember(raw []byte, seg string) ([]byte, []string) {
	var kw [4][]byte
	jsonscan.ScanObject(raw, []string{"items", "properties", "patternProperties", "additionalProperties"}, kw[:])
	items, props, pats, addl := kw[0], kw[1], kw[2], kw[3]
	if items != nil {
		if _, err := strconv.Atoi(seg); err == nil {
			return items, nil
		}
		return nil, nil
	}
	if props != nil {
		var p [1][]byte
		if jsonscan.ScanObject(props, []string{seg}, p[:]) && p[0] != nil {
			return p[0], nil
		}
	}
	if pats != nil {
		var m map[string]json.RawMessage
		_ = json.Unmarshal(pats, &m)
		for p, ps := range m {
			re, err := compiledPattern(p)
			if err != nil {
				continue
			}
			if ok, _ := re.MatchString(seg); ok {
				return ps, nil
			}
		}
	}
	switch {
	case len(addl) > 0 && addl[0] == '{':
		return addl, nil
	case string(addl) == "false" && props != nil:
		var m map[string]json.RawMessage
		_ = json.Unmarshal(props, &m)
		return nil, sortedKeys(m)
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
	if len(path) == 0 {
		return nil, false
	}
	key, rest := path[0], path[1:]
	if key == "channels" {
		if len(rest) == 0 {
			return nil, false
		}
		key, rest = "channels."+rest[0], rest[1:]
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
