package diag

import (
	"bufio"
	"encoding"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
)

// Field is one member of an Object.
type Field struct {
	Key   string
	Value any
}

// Object is a JSON object whose members are written in the order given
// (a struct's field order), for values that StreamJSON should stream
// member by member.
type Object []Field

// StreamJSON writes v as json.Encoder does with SetIndent("", "  ") and
// HTML escaping on (<, > and & as \u003c, \u003e, \u0026, so that output
// pasted into a web page or a PR comment cannot open a tag), followed by
// a newline. Unlike json.Encoder it never holds the whole document: maps,
// slices and Objects are written member by member, and only each leaf
// (a struct, a string, a number) is encoded in memory.
func StreamJSON(w io.Writer, v any) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	s := &streamer{w: bw}
	s.value(reflect.ValueOf(v), 0)
	if s.err == nil {
		_, s.err = bw.WriteString("\n")
	}
	if s.err == nil {
		s.err = bw.Flush()
	}
	return s.err
}

type streamer struct {
	w   *bufio.Writer
	err error
}

var (
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	objectType        = reflect.TypeFor[Object]()
)

func (s *streamer) write(str string) {
	if s.err == nil {
		_, s.err = s.w.WriteString(str)
	}
}

func indent(depth int) string { return strings.Repeat("  ", depth) }

func (s *streamer) value(v reflect.Value, depth int) {
	if s.err != nil {
		return
	}
	for v.IsValid() && v.Kind() == reflect.Interface {
		if v.IsNil() {
			s.write("null")
			return
		}
		v = v.Elem()
	}
	switch {
	case !v.IsValid():
		s.write("null")
		return
	case v.Type() == objectType:
		s.object(v.Interface().(Object), depth)
		return
	case v.Type().Implements(marshalerType) || v.Type().Implements(textMarshalerType):
		s.leaf(v, depth)
		return
	}
	switch v.Kind() {
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			s.leaf(v, depth)
			return
		}
		if v.IsNil() {
			s.write("null")
			return
		}
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
		o := make(Object, len(keys))
		for i, k := range keys {
			o[i] = Field{k.String(), v.MapIndex(k).Interface()}
		}
		s.object(o, depth)
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			s.leaf(v, depth) // []byte is base64, as encoding/json writes it
			return
		}
		if v.IsNil() {
			s.write("null")
			return
		}
		s.array(v, depth)
	case reflect.Array:
		s.array(v, depth)
	case reflect.Struct:
		if o, ok := structObject(v); ok {
			s.object(o, depth)
		} else {
			s.leaf(v, depth)
		}
	default:
		s.leaf(v, depth)
	}
}

func (s *streamer) object(o Object, depth int) {
	if len(o) == 0 {
		s.write("{}")
		return
	}
	s.write("{\n")
	for i, f := range o {
		key, err := json.Marshal(f.Key)
		if err != nil {
			s.err = err
			return
		}
		s.write(indent(depth+1) + jsonSafe(key) + ": ")
		s.value(reflect.ValueOf(f.Value), depth+1)
		if i < len(o)-1 {
			s.write(",")
		}
		s.write("\n")
	}
	s.write(indent(depth) + "}")
}

func (s *streamer) array(v reflect.Value, depth int) {
	if v.Len() == 0 {
		s.write("[]")
		return
	}
	s.write("[\n")
	for i := range v.Len() {
		s.write(indent(depth + 1))
		s.value(v.Index(i), depth+1)
		if i < v.Len()-1 {
			s.write(",")
		}
		s.write("\n")
	}
	s.write(indent(depth) + "]")
}

func (s *streamer) leaf(v reflect.Value, depth int) {
	b, err := json.MarshalIndent(v.Interface(), indent(depth), "  ")
	if err != nil {
		s.err = err
		return
	}
	s.write(jsonSafe(b))
}

// jsonSafe escapes, inside the encoded JSON, what encoding/json leaves raw
// but a terminal acts on when the output is read with cat or jq: DEL, the
// C1 controls and the bidirectional controls. They can only occur inside
// strings, so \uXXXX keeps the document valid and its values the same.
func jsonSafe(b []byte) string {
	if isPrintable(string(b)) {
		return string(b)
	}
	var out strings.Builder
	out.Grow(len(b) + 8)
	for _, r := range string(b) {
		if r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == 0x061c || r == 0x200e || r == 0x200f ||
			(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			fmt.Fprintf(&out, `\u%04x`, r)
			continue
		}
		out.WriteRune(r)
	}
	return out.String()
}

// structObject lists a struct's members as encoding/json writes them, for
// structs of plain exported fields (json tags with names, omitempty and
// "-"); ok is false for anything else, which is then encoded whole.
func structObject(v reflect.Value) (Object, bool) {
	t := v.Type()
	var o Object
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			return nil, false
		}
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		if strings.Contains(opts, "string") {
			return nil, false
		}
		fv := v.Field(i)
		if strings.Contains(opts, "omitempty") && isEmpty(fv) {
			continue
		}
		o = append(o, Field{name, fv.Interface()})
	}
	return o, true
}

// isEmpty is encoding/json's omitempty test.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	case reflect.Interface, reflect.Pointer:
		return v.IsNil()
	}
	return false
}
