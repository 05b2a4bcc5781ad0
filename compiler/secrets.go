package compiler

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/openclawcfg/openclawcfg/compiler/diag"
	"github.com/openclawcfg/openclawcfg/compiler/internal/check"
	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
	"github.com/openclawcfg/openclawcfg/compiler/internal/resolve"
	"github.com/openclawcfg/openclawcfg/internal/openclaw"
	"github.com/openclawcfg/openclawcfg/plan"
)

// EnvRef is a variable whose value went into a config value, and the
// length of that value in characters (JavaScript's length).
type EnvRef struct {
	Name string
	Len  int
}

// secrets are the values a config took from the environment: they are
// kept out of every message (the plan keeps them: the runtime needs them).
type secrets struct {
	uses     []resolve.EnvUse
	replacer *strings.Replacer
	// at holds, by position (file name, offset), each string that
	// received environment values: a finding about that string names its
	// own variables even when another string holds the same value, and
	// the pieces of the values it may quote (the host of "host:22", a
	// path segment) are redacted too.
	at map[secretPos]*secretAt
}

type secretAt struct {
	quoted, redacted string
	refs             []resolve.EnvRef
	words            *strings.Replacer // built on first use
}

type secretPos struct {
	file   string
	offset int
}

// newSecrets builds the redaction of res: each string that received an
// environment value, as messages quote it ("got ..."), becomes the string
// as written with its references and their lengths; a value quoted on its
// own becomes "${NAME}"; any other occurrence of a value of at least
// minRedactLen bytes becomes ${NAME}.
func newSecrets(res *resolve.Result) *secrets {
	if len(res.Env) == 0 {
		return nil
	}
	at := map[secretPos]*secretAt{}
	var pairs []string
	seen := map[string]bool{}
	nodes := make([]*json5.Node, 0, len(res.Subst))
	for n := range res.Subst {
		nodes = append(nodes, n)
	}
	// Longest first: a replacer tries patterns in argument order.
	slices.SortFunc(nodes, func(a, b *json5.Node) int { return cmp.Compare(len(b.Str), len(a.Str)) })
	for _, n := range nodes {
		q, red := check.Describe(n), redactedValue(res.Subst[n])
		file := ""
		if n.File != nil {
			file = n.File.Name
		}
		at[secretPos{file, n.Start}] = &secretAt{quoted: q, redacted: red, refs: res.Subst[n].Env}
		if !seen[q] {
			seen[q] = true
			pairs = append(pairs, q, red)
		}
	}
	uses := slices.Clone(res.Env)
	slices.SortStableFunc(uses, func(a, b resolve.EnvUse) int { return cmp.Compare(len(b.Value), len(a.Value)) })
	for _, u := range uses {
		// Quoted, as %q and strconv.Quote show it: safe to match at any
		// length.
		if q := strconv.Quote(u.Value); !seen[q] {
			seen[q] = true
			pairs = append(pairs, q, strconv.Quote("${"+u.Name+"}"))
		}
	}
	for _, u := range uses {
		if len(u.Value) >= minRedactLen && !seen[u.Value] {
			seen[u.Value] = true
			pairs = append(pairs, u.Value, "${"+u.Name+"}")
		}
	}
	return &secrets{uses: res.Env, replacer: strings.NewReplacer(pairs...), at: at}
}

// redactedValue renders a string that holds environment values the way
// check.Describe would, from the text as written: `"${HOST}" (${HOST}
// from the environment, 34 characters)`.
func redactedValue(s *resolve.Subst) string {
	raw := s.Raw
	if len(raw) > 60 {
		cut := 57
		for cut > 0 && !utf8.RuneStart(raw[cut]) {
			cut--
		}
		raw = raw[:cut] + "..."
	}
	parts := make([]string, len(s.Env))
	for i, e := range s.Env {
		parts[i] = fmt.Sprintf("${%s} from the environment, %d characters", e.Name, e.Len)
	}
	return strconv.Quote(raw) + " (" + strings.Join(parts, "; ") + ")"
}

// maxRedactWords bounds the words of environment values redacted one by
// one (a 4 MiB value could hold a million).
const maxRedactWords = 10_000

// wordReplacer redacts the words of the string's environment values (and
// the values whole), for findings about the string itself: its checks may
// quote a piece of it.
func (p *secretAt) wordReplacer() *strings.Replacer {
	if p.words != nil {
		return p.words
	}
	type word struct{ w, name string }
	var words []word
	seen := map[string]bool{}
	for _, e := range p.refs {
		for _, w := range append([]string{e.Value}, strings.FieldsFunc(e.Value, wordBreak)...) {
			if len(w) >= minRedactLen && !seen[w] && len(words) < maxRedactWords {
				seen[w] = true
				words = append(words, word{w, e.Name})
			}
		}
	}
	// Longest first: a replacer tries patterns in argument order.
	slices.SortStableFunc(words, func(a, b word) int { return cmp.Compare(len(b.w), len(a.w)) })
	pairs := make([]string, 0, 2*len(words))
	for _, w := range words {
		pairs = append(pairs, w.w, "${"+w.name+"}")
	}
	p.words = strings.NewReplacer(pairs...)
	return p.words
}

// wordBreak splits a value into the words a message may quote alone:
// host names, user names, path segments and tokens stay whole.
func wordBreak(r rune) bool {
	return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '-' || r == '_')
}

func (s *secrets) redact(text string) string {
	if s == nil || text == "" {
		return text
	}
	return s.replacer.Replace(text)
}

// redactAll keeps environment values out of every text of ds.
func (s *secrets) redactAll(ds []diag.Diagnostic) {
	if s == nil {
		return
	}
	for i := range ds {
		d := &ds[i]
		if p := s.at[secretPos{d.File, d.Offset}]; p != nil {
			w := p.wordReplacer()
			d.Message = w.Replace(strings.ReplaceAll(d.Message, p.quoted, p.redacted))
			d.Fix = w.Replace(strings.ReplaceAll(d.Fix, p.quoted, p.redacted))
		}
		d.Message, d.Fix, d.DidYouMean = s.redact(d.Message), s.redact(d.Fix), s.redact(d.DidYouMean)
		for j, a := range d.Allowed {
			if r := s.redact(a); r != a {
				d.Allowed = slices.Clone(d.Allowed)
				d.Allowed[j] = r
			}
		}
		if d.Edit != nil {
			if t := s.redact(d.Edit.Text); t != d.Edit.Text {
				e := *d.Edit
				e.Text = t
				d.Edit = &e
			}
		}
	}
}

// Redact replaces the environment values the config read with ${NAME}
// in text, for outputs built from the plan (explain's effective values):
// messages are redacted already.
func (r *Result) Redact(text string) string { return r.secrets.redact(text) }

// EnvAt lists the variables whose values went into the config value at
// path (dotted, as plan origins give it) or below it.
func (r *Result) EnvAt(path string) []EnvRef {
	if r.secrets == nil || path == "" {
		return nil
	}
	var out []EnvRef
	for _, u := range r.secrets.uses {
		if u.Path == path || strings.HasPrefix(u.Path, path+".") {
			if !slices.ContainsFunc(out, func(e EnvRef) bool { return e.Name == u.Name }) {
				out = append(out, EnvRef{Name: u.Name, Len: openclaw.LenJS(u.Value)})
			}
		}
	}
	return out
}

// markEnvOrigins notes, on every origin of the plan whose path received
// an environment value, where the value came from: the plan keeps the
// value (the runtime needs it), and whoever reads the plan learns that it
// is not in the config.
func (r *Result) markEnvOrigins(p *plan.Plan) {
	if r.secrets == nil {
		return
	}
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer, reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Struct:
			if o, ok := v.Addr().Interface().(*plan.Origin); ok {
				if refs := r.EnvAt(o.Path); len(refs) > 0 && !strings.Contains(o.Note, "from the environment: ") {
					names := make([]string, len(refs))
					for i, e := range refs {
						names[i] = "${" + e.Name + "}"
					}
					note := "from the environment: " + strings.Join(names, ", ")
					if o.Note != "" {
						note = o.Note + "; " + note
					}
					o.Note = note
				}
				return
			}
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		case reflect.Slice, reflect.Array:
			for i := range v.Len() {
				walk(v.Index(i))
			}
		case reflect.Map:
			// Map values are not addressable; plans keep origins in
			// structs and slices.
		}
	}
	walk(reflect.ValueOf(p).Elem())
}
