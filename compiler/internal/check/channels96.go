package check

import (
	"bytes"
	"fmt"
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dlclark/regexp2/v2"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"

	"github.com/openclawcfg/openclawcfg/compiler/diag"
	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
	"github.com/openclawcfg/openclawcfg/compiler/internal/spec"
)

// OpenClaw 2026.9.6 validates each channels.<id> it knows, after the core
// schema passed, against the JSON Schema of that channel's bundled plugin
// (io.snapshot-preparation: validatePreparedPluginSchemaValue with
// applyDefaults, TypeBox underneath) and refuses the file on any error,
// reported as "invalid config: <message>" at channels.<id>.<instance path>.
// vet does the same with the schemas scripts/channel-schemas.sh extracted
// (spec.ChannelSchema), compiled on first use: a config pays only for the
// channels it has, and the seed profile never touches them.

// channelSchema is one channel's compiled schema.
type channelSchema struct {
	once sync.Once
	doc  any // the decoded schema: defaults and did-you-mean read it
	sch  *jsonschema.Schema
	err  error
}

var (
	channelSchemasMu sync.Mutex
	channelSchemas   = map[string]*channelSchema{}
)

// compiledChannel returns rel's compiled schema of channel id, or nil when
// rel validates no such section by JSON Schema.
func compiledChannel(rel, id string) *channelSchema {
	raw := spec.ChannelSchema(rel, id)
	if raw == nil {
		return nil
	}
	channelSchemasMu.Lock()
	cs := channelSchemas[rel+"/"+id]
	if cs == nil {
		cs = &channelSchema{}
		channelSchemas[rel+"/"+id] = cs
	}
	channelSchemasMu.Unlock()
	cs.once.Do(func() { cs.doc, cs.sch, cs.err = compileChannel(id, raw) })
	return cs
}

func compileChannel(id string, raw []byte) (any, *jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	c.UseRegexpEngine(jsPattern)
	// schema-validator.ts: "uri" must parse as a URL, every other format
	// is an annotation.
	c.AssertFormat()
	for _, f := range []string{"date-time", "date", "duration", "email", "hostname", "idn-email", "idn-hostname", "ipv4", "ipv6", "iri-reference", "iri", "json-pointer-uri-fragment", "json-pointer", "regex", "relative-json-pointer", "time", "uri-reference", "uri-template", "url", "uuid"} {
		c.RegisterFormat(&jsonschema.Format{Name: f, Validate: func(any) error { return nil }})
	}
	c.RegisterFormat(&jsonschema.Format{Name: "uri", Validate: func(v any) error {
		if s, ok := v.(string); ok && !canParseURL(s) {
			return fmt.Errorf("not a URL")
		}
		return nil
	}})
	loc := "channel:" + id
	if err := c.AddResource(loc, doc); err != nil {
		return nil, nil, err
	}
	sch, err := c.Compile(loc)
	return doc, sch, err
}

// jsPattern compiles a schema pattern as TypeBox does (a JavaScript RegExp
// with the u flag): regexp2 has the lookaheads and \p classes RE2 lacks;
// \d is made ASCII as in JavaScript.
func jsPattern(p string) (jsonschema.Regexp, error) {
	re, err := regexp2.Compile(asciiDigits(p), regexp2.None)
	if err != nil {
		return nil, err
	}
	re.MatchTimeout = time.Second
	return jsRegexp{re}, nil
}

type jsRegexp struct{ re *regexp2.Regexp }

func (r jsRegexp) MatchString(s string) bool {
	ok, err := r.re.MatchString(s)
	return ok && err == nil
}

func (r jsRegexp) String() string { return r.re.String() }

// asciiDigits rewrites \d (any Unicode digit in .NET) to [0-9], inside a
// class to 0-9.
func asciiDigits(p string) string {
	var b strings.Builder
	class := false
	for i := 0; i < len(p); i++ {
		switch {
		case p[i] == '\\' && i+1 < len(p):
			if p[i+1] == 'd' {
				if class {
					b.WriteString("0-9")
				} else {
					b.WriteString("[0-9]")
				}
			} else {
				b.WriteString(p[i : i+2])
			}
			i++
			continue
		case p[i] == '[':
			class = true
		case p[i] == ']':
			class = false
		}
		b.WriteByte(p[i])
	}
	return b.String()
}

// canParseURL approximates WHATWG URL.canParse without a base: a scheme,
// and for the special schemes a host that parses.
func canParseURL(s string) bool {
	s = strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
	s = strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(s)
	colon := strings.IndexByte(s, ':')
	if colon <= 0 {
		return false
	}
	scheme := strings.ToLower(s[:colon])
	for i, r := range scheme {
		if !(r >= 'a' && r <= 'z' || i > 0 && (r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.')) {
			return false
		}
	}
	rest := s[colon+1:]
	switch scheme {
	case "http", "https", "ws", "wss", "ftp":
	default:
		return true // file: and non-special schemes take almost anything
	}
	rest = strings.TrimLeft(rest, `/\`)
	if i := strings.IndexAny(rest, `/\?#`); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		rest = rest[i+1:]
	}
	host, port := rest, ""
	if strings.HasPrefix(host, "[") {
		end := strings.IndexByte(host, ']')
		if end < 0 {
			return false
		}
		host, port = host[:end+1], strings.TrimPrefix(host[end+1:], ":")
	} else if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host, port = host[:i], host[i+1:]
	}
	if host == "" {
		return false
	}
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n > 65535 || strings.TrimLeft(port, "0123456789") != "" {
			return false
		}
	}
	if strings.HasPrefix(host, "[") {
		_, err := url.Parse("http://" + host)
		return err == nil
	}
	h, err := url.PathUnescape(host)
	if err != nil {
		return false
	}
	return !strings.ContainsAny(h, " #%/:<>?@[\\]^|\x00\x7f")
}

// channelSchemaCheck validates m, the member of channels whose key is the
// channel id as written (a padded key is channelID's), with the release's
// JSON Schema of that channel.
func (c *checker) channelSchemaCheck(m *json5.Member) {
	cs := compiledChannel(c.rel, m.Key)
	if cs == nil {
		return
	}
	if cs.err != nil {
		// The embedded schemas compile (TestChannelSchemasCompile).
		panic(fmt.Sprintf("check: channel schema %s: %v", m.Key, cs.err))
	}
	value, _ := applySchemaDefaults(cs.doc, toJSON(m.Value), true)
	err := cs.sch.Validate(value)
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return
	}
	issues := flattenSchemaError(ve, nil)
	for _, is := range issues {
		c.channelIssue(m, cs, is)
	}
}

// schemaIssue is one error as OpenClaw reports it: an instance location
// under the channel, a message, and for additional properties and
// property names the key at fault.
type schemaIssue struct {
	at     []string
	msg    string
	key    string // the key the issue is about (additional property, property name)
	schema string // the schema location (for did-you-mean)
}

// flattenSchemaError turns jsonschema's error tree into the issues TypeBox
// reports: every failing keyword at its instance location; a failed anyOf
// or oneOf at its location, with its alternatives' errors that lie deeper
// (at the same place, the anyOf issue stands for them).
func flattenSchemaError(e *jsonschema.ValidationError, out []schemaIssue) []schemaIssue {
	switch k := e.ErrorKind.(type) {
	case *kind.Schema, *kind.Group, *kind.AllOf, *kind.Reference:
		for _, cause := range e.Causes {
			out = flattenSchemaError(cause, out)
		}
	case *kind.AnyOf:
		out = alternatives(e, "anyOf", out)
	case *kind.OneOf:
		if len(k.Subschemas) > 1 {
			out = append(out, schemaIssue{at: e.InstanceLocation, msg: "must match exactly one schema in oneOf"})
			break
		}
		out = alternatives(e, "oneOf", out)
	case *kind.Required:
		for _, p := range k.Missing {
			out = append(out, schemaIssue{at: append(append([]string(nil), e.InstanceLocation...), p), msg: fmt.Sprintf("must have required property '%s'", p)})
		}
	case *kind.AdditionalProperties:
		for _, p := range k.Properties {
			out = append(out, schemaIssue{at: e.InstanceLocation, key: p, schema: e.SchemaURL, msg: fmt.Sprintf("must not have additional properties: %q", p)})
		}
	case *kind.PropertyNames:
		msg := fmt.Sprintf("property name %q is invalid", k.Property)
		if len(e.Causes) > 0 {
			var sub []schemaIssue
			for _, cause := range e.Causes {
				sub = flattenSchemaError(cause, sub)
			}
			if len(sub) > 0 {
				msg += ": " + sub[0].msg
			}
		}
		// TypeBox reports it at the key and, once more, at the object.
		out = append(out, schemaIssue{at: append(append([]string(nil), e.InstanceLocation...), k.Property), key: k.Property, msg: msg})
	default:
		out = append(out, schemaIssue{at: e.InstanceLocation, msg: leafMessage(e)})
	}
	return out
}

func alternatives(e *jsonschema.ValidationError, word string, out []schemaIssue) []schemaIssue {
	var here []string
	var deeper []schemaIssue
	for _, cause := range e.Causes {
		for _, is := range flattenSchemaError(cause, nil) {
			if len(is.at) > len(e.InstanceLocation) {
				deeper = append(deeper, is)
			} else if !contains(here, is.msg) {
				here = append(here, is.msg)
			}
		}
	}
	msg := "must match a schema in " + word
	if len(here) > 0 {
		msg += " (" + strings.Join(here, "; or ") + ")"
	}
	out = append(out, schemaIssue{at: e.InstanceLocation, msg: msg})
	return append(out, deeper...)
}

// leafMessage words one failed keyword as TypeBox's en_US locale does,
// with OpenClaw's allowed-values hint.
func leafMessage(e *jsonschema.ValidationError) string {
	switch k := e.ErrorKind.(type) {
	case *kind.Type:
		return "must be " + strings.Join(k.Want, " or ") + ", got " + k.Got
	case *kind.Enum:
		return "must be equal to one of the allowed values (allowed: " + allowed(k.Want) + ")"
	case *kind.Const:
		return "must be equal to constant (allowed: " + allowed([]any{k.Want}) + ")"
	case *kind.Minimum:
		return "must be >= " + rat(k.Want.FloatString(20))
	case *kind.Maximum:
		return "must be <= " + rat(k.Want.FloatString(20))
	case *kind.ExclusiveMinimum:
		return "must be > " + rat(k.Want.FloatString(20))
	case *kind.ExclusiveMaximum:
		return "must be < " + rat(k.Want.FloatString(20))
	case *kind.MinLength:
		return fmt.Sprintf("must not have fewer than %d characters", k.Want)
	case *kind.MaxLength:
		return fmt.Sprintf("must not have more than %d characters", k.Want)
	case *kind.MinItems:
		return fmt.Sprintf("must not have fewer than %d items", k.Want)
	case *kind.MaxItems:
		return fmt.Sprintf("must not have more than %d items", k.Want)
	case *kind.MinProperties:
		return fmt.Sprintf("must not have fewer than %d properties", k.Want)
	case *kind.MaxProperties:
		return fmt.Sprintf("must not have more than %d properties", k.Want)
	case *kind.Pattern:
		return fmt.Sprintf("must match pattern %q", k.Want)
	case *kind.Format:
		return fmt.Sprintf("must match format %q", k.Want)
	case *kind.InvalidJsonValue:
		return "must be a finite number" // NaN and Infinity are no JSON numbers
	case *kind.FalseSchema:
		return "schema is false"
	}
	return fmt.Sprint(e.ErrorKind.LocalizedString(nil))
}

// rat trims a decimal's trailing zeros ("5000.000" is "5000").
func rat(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// allowed is summarizeAllowedValues: strings quoted, at most 12 shown.
func allowed(values []any) string {
	var parts []string
	for i, v := range values {
		if i == 12 {
			parts = append(parts, fmt.Sprintf("... (+%d more)", len(values)-12))
			break
		}
		if s, ok := v.(string); ok {
			parts = append(parts, strconv.Quote(s))
		} else {
			parts = append(parts, fmt.Sprint(v))
		}
	}
	return strings.Join(parts, ", ")
}

// channelIssue reports one issue at the json5 node its location names
// (the nearest written ancestor when a default filled the place in).
func (c *checker) channelIssue(m *json5.Member, cs *channelSchema, is schemaIssue) {
	n, parent := m.Value, (*json5.Node)(nil)
	path := "channels." + m.Key
	written := true
	for _, seg := range is.at {
		path += "." + seg
		if !written {
			continue
		}
		var next *json5.Node
		switch n.Kind {
		case json5.Object:
			next = n.Lookup(seg)
		case json5.Array:
			if i, err := strconv.Atoi(seg); err == nil && i >= 0 && i < len(n.Elems) {
				next = n.Elems[i]
			}
		}
		if next == nil {
			written = false
			continue
		}
		n, parent = next, n
	}
	d := diag.Diagnostic{
		File: c.file(n), Offset: n.Start, End: n.End, Path: path, Severity: diag.Error, Code: diag.CodeChannelSchema,
		Message: is.msg,
		Fix:     fmt.Sprintf("OpenClaw %s refuses the file: it validates channels.%s with the JSON Schema of its bundled %s plugin", c.rel, m.Key, m.Key),
	}
	if strings.HasPrefix(is.msg, "must have required property") {
		d.End = n.Start + 1 // the object's opening brace
	}
	if is.key != "" && written && parent != nil && len(is.at) > 0 && is.at[len(is.at)-1] == is.key {
		// A property name: the caret goes on the key.
		if i := lastMember(parent, is.key); i >= 0 {
			km := &parent.Members[i]
			d.File, d.Offset, d.End = c.file(km.Value), km.KeyStart, km.KeyEnd
		}
	} else if is.key != "" && n.Kind == json5.Object {
		if i := lastMember(n, is.key); i >= 0 {
			km := &n.Members[i]
			d.File, d.Offset, d.End = c.file(km.Value), km.KeyStart, km.KeyEnd
		}
		if is.schema != "" {
			if keys := schemaProperties(cs.doc, is.schema); len(keys) > 0 {
				d.DidYouMean = closest(is.key, keys)
				list := keys
				if len(list) > 12 {
					list = append(list[:12:12], fmt.Sprintf("... (+%d more)", len(keys)-12))
				}
				d.Fix = fmt.Sprintf("remove %q: the %s plugin of OpenClaw %s takes no such key here (it takes %s)", is.key, m.Key, c.rel, strings.Join(list, ", "))
			}
		}
	}
	c.add(d)
}

// schemaProperties lists the properties of the schema at loc (a schema
// URL whose fragment is a JSON pointer into doc), sorted.
func schemaProperties(doc any, loc string) []string {
	_, frag, _ := strings.Cut(loc, "#")
	cur := doc
	for _, seg := range strings.Split(strings.TrimPrefix(frag, "/"), "/") {
		if seg == "" {
			continue
		}
		seg = strings.ReplaceAll(strings.ReplaceAll(seg, "~1", "/"), "~0", "~")
		switch v := cur.(type) {
		case map[string]any:
			cur = v[seg]
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(v) {
				return nil
			}
			cur = v[i]
		default:
			return nil
		}
	}
	obj, _ := cur.(map[string]any)
	props, _ := obj["properties"].(map[string]any)
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// notFinite stands for NaN and ±Infinity (JSON5 has them, JSON does not):
// jsonschema rejects it as no JSON value, TypeBox as no number.
type notFinite struct{}

// toJSON is the value OpenClaw validates: objects keep the last of
// duplicate keys and lose __proto__ (its JSON5 parser drops them).
func toJSON(n *json5.Node) any {
	switch n.Kind {
	case json5.Null:
		return nil
	case json5.Bool:
		return n.Bool
	case json5.Number:
		if math.IsNaN(n.Num) || math.IsInf(n.Num, 0) {
			return notFinite{}
		}
		return n.Num
	case json5.String:
		return n.Str
	case json5.Array:
		out := make([]any, len(n.Elems))
		for i, e := range n.Elems {
			out[i] = toJSON(e)
		}
		return out
	default:
		out := make(map[string]any, len(n.Members))
		for _, m := range n.Members {
			if m.Key != "__proto__" {
				out[m.Key] = toJSON(m.Value)
			}
		}
		return out
	}
}

// blockedKey is isBlockedObjectKey: keys applyJsonSchemaDefaults skips.
func blockedKey(k string) bool { return k == "__proto__" || k == "prototype" || k == "constructor" }

// applySchemaDefaults is OpenClaw's applyJsonSchemaDefaults for the
// keywords the bundled channel schemas use (no $ref, no if/then): a
// missing value (present false) takes the schema's default; allOf
// branches, properties, patternProperties, additionalProperties and items
// are descended; anyOf and oneOf are not. Objects and lists are filled in
// place.
func applySchemaDefaults(s any, v any, present bool) (any, bool) {
	sm, ok := s.(map[string]any)
	if !ok {
		return v, present
	}
	if d, ok := sm["default"]; ok && !present {
		v, present = cloneJSON(d), true
	}
	if all, ok := sm["allOf"].([]any); ok {
		for _, b := range all {
			v, present = applySchemaDefaults(b, v, present)
		}
	}
	if !present {
		return v, false
	}
	props, _ := sm["properties"].(map[string]any)
	pats, _ := sm["patternProperties"].(map[string]any)
	addl, addlSchema := sm["additionalProperties"].(map[string]any)
	if obj, ok := v.(map[string]any); ok && (typeIncludes(sm, "object") || props != nil || pats != nil || addlSchema) {
		for k, ps := range props {
			if blockedKey(k) {
				continue
			}
			cur, had := obj[k]
			if nv, ok := applySchemaDefaults(ps, cur, had); ok {
				obj[k] = nv
			}
		}
		matched := map[string]bool{}
		for p, ps := range pats {
			re, err := regexp2.Compile(p, regexp2.None)
			if err != nil {
				continue
			}
			for k, cur := range obj {
				if blockedKey(k) {
					continue
				}
				if ok, _ := re.MatchString(k); ok {
					matched[k] = true
					obj[k], _ = applySchemaDefaults(ps, cur, true)
				}
			}
		}
		if addlSchema {
			for k, cur := range obj {
				if _, isProp := props[k]; isProp || blockedKey(k) || matched[k] {
					continue
				}
				obj[k], _ = applySchemaDefaults(addl, cur, true)
			}
		}
		return obj, true
	}
	if arr, ok := v.([]any); ok {
		if items, ok := sm["items"].(map[string]any); ok {
			for i := range arr {
				arr[i], _ = applySchemaDefaults(items, arr[i], true)
			}
		}
	}
	return v, true
}

func typeIncludes(sm map[string]any, t string) bool {
	switch v := sm["type"].(type) {
	case string:
		return v == t
	case []any:
		for _, x := range v {
			if x == t {
				return true
			}
		}
	}
	return false
}

func cloneJSON(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = cloneJSON(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = cloneJSON(e)
		}
		return out
	}
	return v
}
