package jsonscan

import (
	"strings"
	"testing"
)

// TestMembers: keys decoded (escapes too), values as slices of the input,
// in order; malformed or truncated objects report false.
func TestMembers(t *testing.T) {
	var got []string
	ok := Members([]byte(`{ "a" : 1, "b\u0063":{"x":[1,2]} ,"d":"s\"t"}`), func(k string, v []byte) bool {
		got = append(got, k+"="+string(v))
		return true
	})
	if want := `a=1|bc={"x":[1,2]}|d="s\"t"`; !ok || strings.Join(got, "|") != want {
		t.Errorf("got %v %q, want %q", ok, strings.Join(got, "|"), want)
	}
	n := 0
	if !Members([]byte(`{"a":1,"b":2}`), func(string, []byte) bool { n++; return false }) || n != 1 {
		t.Errorf("stopping early: ok false or %d calls", n)
	}
	for _, bad := range []string{``, `[]`, `{"a":1`, `{"a" 1}`, `{"a":1,}`, `{a:1}`} {
		if Members([]byte(bad), func(string, []byte) bool { return true }) {
			t.Errorf("Members(%q) = true", bad)
		}
	}
	if !Members([]byte(`{}`), func(string, []byte) bool { t.Error("a member of {}"); return true }) {
		t.Error("Members({}) = false")
	}
}

// TestElements: each element as a slice of the input, in order.
func TestElements(t *testing.T) {
	var got []string
	ok := Elements([]byte(`[ 1, {"a":[2]} ,"x,y", [] ]`), func(v []byte) bool {
		got = append(got, string(v))
		return true
	})
	if want := `1|{"a":[2]}|"x,y"|[]`; !ok || strings.Join(got, "|") != want {
		t.Errorf("got %v %q, want %q", ok, strings.Join(got, "|"), want)
	}
	for _, bad := range []string{``, `{}`, `[1,`, `[1 2]`, `[1,]`} {
		if Elements([]byte(bad), func([]byte) bool { return true }) {
			t.Errorf("Elements(%q) = true", bad)
		}
	}
	if !Elements([]byte(`[]`), func([]byte) bool { t.Error("an element of []"); return true }) {
		t.Error("Elements([]) = false")
	}
}
