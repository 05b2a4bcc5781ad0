package plan

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"sync"
)

// ErrTampered means the plan's bytes do not match its digest.
var ErrTampered = errors.New("plan digest does not match its content (edited or corrupted); recompile it")

// Load verifies and decodes a sealed plan. It accepts exactly the bytes
// Seal (or Sign) writes for a valid plan: the digest must match, the JSON
// must have no repeated key, no key spelled in another case, no unknown
// key and nothing after the plan, every enum and range must be valid, and
// sealing the decoded plan again must give the same bytes. Each refusal
// says what is wrong. A signature, if any, is not checked: LoadSigned does.
func Load(b []byte) (*Plan, error) {
	p, _, err := load(b)
	return p, err
}

// load is Load that also returns the plan's bytes without its signature
// member: what Sign signs.
func load(b []byte) (*Plan, []byte, error) {
	if err := checkDigest(b); err != nil {
		return nil, nil, err
	}
	// The shape check (repeated keys, keys in another case, trailing data)
	// is slow next to decoding, and canonical bytes cannot fail it: it runs
	// only to name the problem once something else failed.
	var p Plan
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		// A plan of another version fails only because its fields differ,
		// and "recompile it" is the answer.
		var head struct {
			PlanVersion int `json:"planVersion"`
		}
		if json.Unmarshal(b, &head) == nil && head.PlanVersion != Version {
			return nil, nil, versionError(head.PlanVersion)
		}
		if serr := checkShape(b); serr != nil {
			return nil, nil, serr
		}
		return nil, nil, fmt.Errorf("plan: %w", err)
	}
	if p.PlanVersion != Version {
		return nil, nil, versionError(p.PlanVersion)
	}
	if err := p.validate(); err != nil {
		if serr := checkShape(b); serr != nil {
			return nil, nil, serr
		}
		return nil, nil, err
	}
	// Seal writes only header fields, so a shallow copy keeps p intact.
	q := p
	unsigned, err := Seal(&q)
	if err != nil {
		return nil, nil, err
	}
	want := unsigned
	if p.Signature != nil {
		q.Signature = p.Signature
		if want, err = encode(&q); err != nil {
			return nil, nil, err
		}
	}
	if !bytes.Equal(want, b) {
		if serr := checkShape(b); serr != nil {
			return nil, nil, serr
		}
		return nil, nil, notCanonical(b, want)
	}
	return &p, unsigned, nil
}

func versionError(v int) error {
	return fmt.Errorf("plan: version %d, this build reads version %d; recompile it", v, Version)
}

// checkDigest hashes the bytes as read, with the digest value emptied and
// the signature member (which follows the digest) left out, and compares.
func checkDigest(b []byte) error {
	// The first `"digest": "` outside a string is the header field: any
	// earlier string value would have its quotes escaped.
	const key = `"digest": "`
	i := bytes.Index(b, []byte(key))
	if i < 0 {
		return errors.New("plan: no digest; not a sealed plan")
	}
	start := i + len(key)
	j := bytes.IndexByte(b[start:], '"')
	if j < 0 {
		return errors.New("plan: malformed digest")
	}
	digest := string(b[start : start+j])
	rest := b[start+j+1:]
	if bytes.HasPrefix(rest, signatureMember) {
		if k := bytes.IndexByte(rest, '}'); k >= 0 {
			rest = rest[k+1:]
		}
	}
	h := sha256.New()
	h.Write(b[:i])
	h.Write(emptyDigest)
	h.Write(rest)
	if "sha256:"+hex.EncodeToString(h.Sum(nil)) != digest {
		return ErrTampered
	}
	return nil
}

func blankDigest(b []byte) []byte {
	const key = `"digest": "`
	i := bytes.Index(b, []byte(key))
	if i < 0 {
		return b
	}
	j := bytes.IndexByte(b[i+len(key):], '"')
	if j < 0 {
		return b
	}
	return append(append(bytes.Clone(b[:i+len(key)]), '"'), b[i+len(key)+j+1:]...)
}

// signatureMember is how the signature starts in the canonical form.
var signatureMember = []byte(",\n  \"signature\": {")

// notCanonical names the first line where b departs from the canonical
// bytes: reached only when someone rewrote a plan and its digest.
func notCanonical(b, want []byte) error {
	// The digests differ too (want's is of the canonical bytes): compare
	// without them to find the edit.
	b, want = blankDigest(b), blankDigest(want)
	n := 0
	for n < len(b) && n < len(want) && b[n] == want[n] {
		n++
	}
	line := 1 + bytes.Count(b[:n], []byte("\n"))
	return fmt.Errorf("plan: not the bytes compile writes (first difference on line %d: spacing, key order or number form was changed and the digest recomputed); recompile it instead of editing it", line)
}

// checkShape reads b as JSON against the Plan type and names what
// encoding/json would silently accept: a repeated key (the last would
// win), a key spelled in another case (it would match the field), an
// unknown or missing key, a value of the wrong kind, anything after the
// plan.
func checkShape(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	s := shape{dec: dec}
	if err := s.value(planType, ""); err != nil {
		return err
	}
	off := dec.InputOffset()
	rest := b[off:]
	if i := bytes.IndexFunc(rest, func(r rune) bool { return !strings.ContainsRune(" \t\r\n", r) }); i >= 0 {
		return fmt.Errorf("plan: trailing data after the plan at byte %d: %s", off+int64(i), excerpt(rest[i:]))
	}
	return nil
}

var planType = reflect.TypeFor[Plan]()

type shape struct{ dec *json.Decoder }

func (s *shape) token() (json.Token, error) {
	tok, err := s.dec.Token()
	if err == nil {
		return tok, nil
	}
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, errors.New("plan: not valid JSON: it ends too early (truncated?)")
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return nil, fmt.Errorf("plan: not valid JSON at byte %d: %v", se.Offset, se)
	}
	return nil, fmt.Errorf("plan: not valid JSON: %v", err)
}

func (s *shape) value(t reflect.Type, path string) error {
	tok, err := s.token()
	if err != nil {
		return err
	}
	nullable := false
	for t.Kind() == reflect.Pointer {
		t, nullable = t.Elem(), true
	}
	var got string
	switch tok := tok.(type) {
	case json.Delim:
		switch {
		case tok == '{' && t.Kind() == reflect.Struct:
			return s.object(t, path)
		case tok == '{' && t.Kind() == reflect.Map:
			return s.mapObject(t, path)
		case tok == '[' && t.Kind() == reflect.Slice:
			for i := 0; s.dec.More(); i++ {
				if err := s.value(t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
					return err
				}
			}
			_, err := s.token()
			return err
		}
		got = map[json.Delim]string{'{': "an object", '[': "an array"}[tok]
	case nil:
		if nullable || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			return nil
		}
		got = "null"
	case string:
		if t.Kind() == reflect.String {
			return nil
		}
		got = "a string"
	case json.Number:
		switch t.Kind() {
		case reflect.Int, reflect.Int64, reflect.Float64:
			return nil
		}
		got = "a number"
	case bool:
		if t.Kind() == reflect.Bool {
			return nil
		}
		got = "true or false"
	}
	return fmt.Errorf("plan: %s is %s, where %s belongs", where(path), got, kindName(t))
}

func (s *shape) object(t reflect.Type, path string) error {
	fields := fieldsOf(t)
	seen := make(map[string]bool, len(fields.byName))
	for s.dec.More() {
		tok, err := s.token()
		if err != nil {
			return err
		}
		key := tok.(string) // the decoder allows nothing else here
		if seen[key] {
			return fmt.Errorf("plan: key %q appears twice in %s", key, where(path))
		}
		f, ok := fields.byName[key]
		if !ok {
			for name := range fields.byName {
				if strings.EqualFold(name, key) {
					return fmt.Errorf("plan: key %q in %s is not spelled as the plan spells it: %q (keys are case-sensitive)", key, where(path), name)
				}
			}
			return fmt.Errorf("plan: unknown field %q in %s", key, where(path))
		}
		seen[key] = true
		if err := s.value(f, join(path, key)); err != nil {
			return err
		}
	}
	if _, err := s.token(); err != nil {
		return err
	}
	for _, name := range fields.required {
		if !seen[name] {
			return fmt.Errorf("plan: key %q is missing in %s", name, where(path))
		}
	}
	return nil
}

func (s *shape) mapObject(t reflect.Type, path string) error {
	seen := map[string]bool{}
	for s.dec.More() {
		tok, err := s.token()
		if err != nil {
			return err
		}
		key := tok.(string)
		if seen[key] {
			return fmt.Errorf("plan: key %q appears twice in %s", key, where(path))
		}
		seen[key] = true
		if err := s.value(t.Elem(), join(path, key)); err != nil {
			return err
		}
	}
	_, err := s.token()
	return err
}

type structFields struct {
	byName   map[string]reflect.Type
	required []string // written whatever their value (no omitempty)
}

var fieldCache sync.Map // reflect.Type -> *structFields

func fieldsOf(t reflect.Type) *structFields {
	if f, ok := fieldCache.Load(t); ok {
		return f.(*structFields)
	}
	f := &structFields{byName: map[string]reflect.Type{}}
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if !sf.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		f.byName[name] = sf.Type
		if !strings.Contains(opts, "omitempty") {
			f.required = append(f.required, name)
		}
	}
	fieldCache.Store(t, f)
	return f
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	if isIdent(key) {
		return path + "." + key
	}
	return path + "[" + fmt.Sprintf("%q", key) + "]"
}

func isIdent(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return s != ""
}

func where(path string) string {
	if path == "" {
		return "the top-level object"
	}
	return path
}

func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64:
		return "an integer"
	}
	return "a number"
}

// excerpt quotes the start of b for an error message.
func excerpt(b []byte) string {
	if len(b) > 20 {
		return fmt.Sprintf("%q...", b[:20])
	}
	return fmt.Sprintf("%q", b)
}
