package check

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/dlclark/regexp2/v2"

	"github.com/openclawcfg/openclawcfg/compiler/diag"
	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
	"github.com/openclawcfg/openclawcfg/compiler/internal/spec"
	"github.com/openclawcfg/openclawcfg/internal/openclaw"
)

// OpenClaw 2026.9.6 validates each channels.<id> it knows, after the core
// schema passed, against the JSON Schema of that channel's bundled plugin
// (io.snapshot-preparation: validatePreparedPluginSchemaValue with
// applyDefaults, TypeBox underneath) and refuses the file on any error,
// reported as "invalid config: <message>" at channels.<id>.<instance path>.
// vet does the same with the schemas scripts/channel-schemas.sh extracted
// (spec.ChannelSchema), decoded on first use: a config pays only for the
// channels it has, and the seed profile never touches them.
//
// The validator is a small one of the draft-07 keywords those schemas use
// (TestChannelSchemaKeywords keeps it honest), written here rather than
// with a general JSON Schema library: it reports as TypeBox does, and a
// library's package init (its meta-schemas) would cost every cold vet.

// channelSchema is one decoded JSON Schema (a channel's, or a core
// section's), decoded once per process (rawNode.compiled).
type channelSchema struct {
	doc any
	err error
}

// compiledChannel returns rel's schema of channel id, or nil when rel
// validates no such section by JSON Schema.
func compiledChannel(rel, id string) *channelSchema {
	raw := spec.ChannelSchema(rel, id)
	if raw == nil {
		return nil
	}
	return nodeOf(raw).compiled()
}

// Patterns compile on first use (a regexp2 compile costs about 100 µs, and
// a config meets few of the schemas' patterns); every pattern of the
// embedded schemas compiles (TestSchemaPatternsCompile).
var (
	patternsMu sync.Mutex
	patterns   = map[string]*regexp2.Regexp{}
)

func compiledPattern(p string) (*regexp2.Regexp, error) {
	patternsMu.Lock()
	defer patternsMu.Unlock()
	if re := patterns[p]; re != nil {
		return re, nil
	}
	re, err := regexp2.Compile(asciiDigits(p), regexp2.None)
	if err != nil {
		return nil, err
	}
	re.MatchTimeout = time.Second
	patterns[p] = re
	return re, nil
}

// asciiDigits rewrites \d (any Unicode digit in .NET) to [0-9], inside a
// class to 0-9: TypeBox's patterns are JavaScript RegExps (u flag), whose
// lookaheads and \p classes regexp2 has and RE2 lacks.
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
// JSON Schema of that channel, after filling in its defaults.
func (c *checker) channelSchemaCheck(m *json5.Member) {
	cs := compiledChannel(c.rel, m.Key)
	if cs == nil {
		return
	}
	if cs.err != nil {
		// The embedded schemas decode (TestChannelSchemasCompile).
		panic(fmt.Sprintf("check: channel schema %s: %v", m.Key, cs.err))
	}
	value, _ := applySchemaDefaults(cs.doc, toJSON(m.Value), true)
	var issues []schemaIssue
	cs.validate(cs.doc, value, nil, &issues)
	for _, is := range issues {
		c.channelIssue(m, is)
	}
}

// schemaIssue is one error as OpenClaw reports it: an instance location
// under the channel and a message; for an additional property or a
// property name, the key (and the keys the object takes).
type schemaIssue struct {
	at    []string
	msg   string
	key   string
	props []string
	// allowed are the values of a failed enum or const, wantType the
	// type keyword of a failed type.
	allowed  []any
	wantType any
}

func at(loc []string, seg string) []string { return append(slices.Clip(loc), seg) }

// validate checks v against schema s at loc, appending TypeBox's errors:
// every failing keyword at its instance location; a failed anyOf or
// oneOf at its location, with its alternatives' errors that lie deeper (at
// the same place the anyOf issue stands for them).
func (cs *channelSchema) validate(s, v any, loc []string, out *[]schemaIssue) bool {
	sm, ok := s.(map[string]any)
	if !ok {
		if b, ok := s.(bool); ok && !b {
			*out = append(*out, schemaIssue{at: loc, msg: "schema is false"})
			return false
		}
		return true
	}
	n := len(*out)
	add := func(msg string) { *out = append(*out, schemaIssue{at: loc, msg: msg}) }
	if t, ok := sm["type"]; ok && !typeMatches(t, v) {
		*out = append(*out, schemaIssue{at: loc, msg: "must be " + typeWords(t) + ", got " + jsonKind(v), wantType: t})
	}
	switch x := v.(type) {
	case map[string]any:
		cs.object(sm, x, loc, out)
	case []any:
		if items, ok := sm["items"]; ok {
			for i, e := range x {
				cs.validate(items, e, at(loc, strconv.Itoa(i)), out)
			}
		}
		if lim, ok := sm["minItems"].(float64); ok && float64(len(x)) < lim {
			add(fmt.Sprintf("must not have fewer than %v items", lim))
		}
		if lim, ok := sm["maxItems"].(float64); ok && float64(len(x)) > lim {
			add(fmt.Sprintf("must not have more than %v items", lim))
		}
	case string:
		// TypeBox counts graphemes; code points differ only for combining
		// sequences.
		if lim, ok := sm["maxLength"].(float64); ok && float64(utf8.RuneCountInString(x)) > lim {
			add(fmt.Sprintf("must not have more than %v characters", lim))
		}
		if lim, ok := sm["minLength"].(float64); ok && float64(utf8.RuneCountInString(x)) < lim {
			add(fmt.Sprintf("must not have fewer than %v characters", lim))
		}
		// schema-validator.ts: "uri" must parse as a URL; every other
		// format is an annotation.
		if f, _ := sm["format"].(string); f == "uri" && !canParseURL(x) {
			add(`must match format "uri"`)
		}
		if p, ok := sm["pattern"].(string); ok {
			re, err := compiledPattern(p)
			if err != nil {
				// Cannot happen for the embedded schemas (TestSchemaPatternsCompile).
				panic(fmt.Sprintf("check: schema pattern %q: %v", p, err))
			}
			if m, err := re.MatchString(x); err != nil || !m {
				add(fmt.Sprintf("must match pattern %q", p))
			}
		}
	case float64:
		for _, b := range []struct {
			key, op string
			fails   func(v, lim float64) bool
		}{
			{"exclusiveMaximum", "<", func(v, l float64) bool { return v >= l }},
			{"exclusiveMinimum", ">", func(v, l float64) bool { return v <= l }},
			{"maximum", "<=", func(v, l float64) bool { return v > l }},
			{"minimum", ">=", func(v, l float64) bool { return v < l }},
		} {
			if lim, ok := sm[b.key].(float64); ok && b.fails(x, lim) {
				add("must be " + b.op + " " + openclaw.FormatJSNumber(lim))
			}
		}
	}
	if want, ok := sm["const"]; ok && !jsonEqual(want, v) {
		*out = append(*out, schemaIssue{at: loc, msg: "must be equal to constant (allowed: " + allowed([]any{want}) + ")", allowed: []any{want}})
	}
	if list, ok := sm["enum"].([]any); ok && !slices.ContainsFunc(list, func(e any) bool { return jsonEqual(e, v) }) {
		*out = append(*out, schemaIssue{at: loc, msg: "must be equal to one of the allowed values (allowed: " + allowed(list) + ")", allowed: list})
	}
	if all, ok := sm["allOf"].([]any); ok {
		for _, b := range all {
			cs.validate(b, v, loc, out)
		}
	}
	for _, word := range []string{"anyOf", "oneOf"} {
		list, ok := sm[word].([]any)
		if !ok {
			continue
		}
		var here []string
		var deeper []schemaIssue
		// types: when every alternative failed on its type here, the
		// types they take (for "must be a string or an object").
		var types []any
		onlyTypes := true
		passed := 0
		for _, b := range list {
			var sub []schemaIssue
			if cs.validate(b, v, loc, &sub) {
				passed++
			}
			for _, is := range sub {
				if len(is.at) > len(loc) {
					deeper = append(deeper, is)
					onlyTypes = false
					continue
				}
				if !slices.Contains(here, is.msg) {
					here = append(here, is.msg)
				}
				ts, ok := is.wantType.([]any)
				if !ok && is.wantType != nil {
					ts = []any{is.wantType}
				}
				if ts == nil {
					onlyTypes = false
				}
				for _, t := range ts {
					if !slices.Contains(types, t) {
						types = append(types, t)
					}
				}
			}
		}
		switch {
		case word == "anyOf" && passed > 0, word == "oneOf" && passed == 1:
		case passed > 1:
			add("must match exactly one schema in oneOf")
		default:
			msg := "must match a schema in " + word
			if word == "oneOf" {
				msg = "must match exactly one schema in oneOf"
			}
			if len(here) > 0 {
				msg += " (" + strings.Join(here, "; or ") + ")"
			}
			is := schemaIssue{at: loc, msg: msg}
			if onlyTypes && len(types) > 0 {
				is.wantType = types
			}
			*out = append(*out, is)
			*out = append(*out, deeper...)
		}
	}
	return len(*out) == n
}

// object checks the object keywords of sm on x.
func (cs *channelSchema) object(sm map[string]any, x map[string]any, loc []string, out *[]schemaIssue) {
	props, _ := sm["properties"].(map[string]any)
	if req, ok := sm["required"].([]any); ok {
		for _, r := range req {
			if k, _ := r.(string); k != "" {
				if _, has := x[k]; !has {
					*out = append(*out, schemaIssue{at: at(loc, k), msg: fmt.Sprintf("must have required property '%s'", k)})
				}
			}
		}
	}
	keys := sortedKeys(x)
	if addl, ok := sm["additionalProperties"]; ok {
		for _, k := range keys {
			if _, declared := props[k]; declared {
				continue
			}
			if b, ok := addl.(bool); ok && !b {
				*out = append(*out, schemaIssue{at: loc, key: k, props: sortedKeys(props), msg: fmt.Sprintf("must not have additional properties: %q", k)})
				continue
			}
			cs.validate(addl, x[k], at(loc, k), out)
		}
	}
	for _, k := range sortedKeys(props) {
		if e, has := x[k]; has {
			cs.validate(props[k], e, at(loc, k), out)
		}
	}
	if pn, ok := sm["propertyNames"]; ok {
		for _, k := range keys {
			var sub []schemaIssue
			if !cs.validate(pn, k, nil, &sub) {
				// TypeBox reports it at the key and, once more, at the object.
				*out = append(*out, schemaIssue{at: at(loc, k), key: k, msg: fmt.Sprintf("property name %q is invalid: %s", k, sub[0].msg)})
			}
		}
	}
	if lim, ok := sm["maxProperties"].(float64); ok && float64(len(x)) > lim {
		*out = append(*out, schemaIssue{at: loc, msg: fmt.Sprintf("must not have more than %v properties", lim)})
	}
	if lim, ok := sm["minProperties"].(float64); ok && float64(len(x)) < lim {
		*out = append(*out, schemaIssue{at: loc, msg: fmt.Sprintf("must not have fewer than %v properties", lim)})
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// typeMatches is TypeBox's type keyword: numbers are finite, integers
// also whole.
func typeMatches(t, v any) bool {
	if list, ok := t.([]any); ok {
		return slices.ContainsFunc(list, func(e any) bool { return typeMatches(e, v) })
	}
	switch t {
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "null":
		return v == nil
	case "number":
		_, ok := v.(float64)
		return ok
	case "integer":
		f, ok := v.(float64)
		return ok && f == math.Trunc(f)
	}
	return false
}

func typeWords(t any) string {
	if list, ok := t.([]any); ok {
		var w []string
		for _, e := range list {
			w = append(w, fmt.Sprint(e))
		}
		return "either " + strings.Join(w, " or ")
	}
	return fmt.Sprint(t)
}

func jsonKind(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		if x == math.Trunc(x) {
			return "integer"
		}
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "NaN or Infinity"
}

// jsonEqual is deep equality of decoded JSON values.
func jsonEqual(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, e := range x {
			f, has := y[k]
			if !has || !jsonEqual(e, f) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		return ok && slices.EqualFunc(x, y, jsonEqual)
	}
	return a == b
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
		} else if f, ok := v.(float64); ok {
			parts = append(parts, openclaw.FormatJSNumber(f))
		} else {
			b, _ := json.Marshal(v)
			parts = append(parts, string(b))
		}
	}
	return strings.Join(parts, ", ")
}

// channelIssue reports one issue at the json5 node its location names
// (the nearest written ancestor when a default filled the place in).
func (c *checker) channelIssue(m *json5.Member, is schemaIssue) {
	n, parent, path, written := locateIssue(m.Value, "channels."+m.Key, is.at)
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
		if len(is.props) > 0 {
			if keys := is.props; len(keys) > 0 {
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

// locateIssue follows an issue's instance location from base (at path) to
// the json5 node it names, stopping at the nearest written ancestor when a
// default filled the place in (written false); parent is that node's.
func locateIssue(base *json5.Node, path string, loc []string) (n, parent *json5.Node, full string, written bool) {
	n, full, written = base, path, true
	for _, seg := range loc {
		full += "." + seg
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
	return n, parent, full, written
}

// notFinite stands for NaN and ±Infinity (JSON5 has them, JSON does not):
// TypeBox takes them for no number.
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
