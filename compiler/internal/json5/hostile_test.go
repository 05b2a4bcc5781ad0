package json5

import (
	"strings"
	"testing"
)

// MaxNodes and MaxEntries stop the parser at the first value past them,
// with a limit error there; at the bound the document parses.
func TestParseLimits(t *testing.T) {
	for _, c := range []struct {
		src        string
		nodes, ent int
		offset     int // of the error; -1 when it parses
		msg        string
	}{
		{"[1,2,3]", 4, 0, -1, ""},
		{"[1,2,3]", 3, 0, 5, "more than 3 values"},
		{"[1,2,3]", 0, 3, -1, ""},
		{"[1,2,3]", 0, 2, 5, "more than 2 items in one list"},
		{"{a:1,a:2,b:3}", 0, 2, 9, "more than 2 keys in one object"}, // duplicates count; at the key
		{"{a:[1,[2,3]],b:{}}", 0, 2, -1, ""},
		{"{a:[1,[2,3]],b:{}}", 5, 0, 9, "more than 5 values"},
		{"{a:1,b:2}", 2, 0, 5, "more than 2 values"}, // at the member's key
		{"[[],[],[]]", 0, 0, -1, ""},
	} {
		n, err := Parse([]byte(c.src), Options{MaxNodes: c.nodes, MaxEntries: c.ent})
		if c.offset < 0 {
			if err != nil || n == nil {
				t.Errorf("%s (%d, %d): %v", c.src, c.nodes, c.ent, err)
			}
			continue
		}
		e, ok := err.(*Error)
		if !ok || !e.Limit || e.Offset != c.offset || e.Msg != c.msg {
			t.Errorf("%s (%d, %d): %#v, want %q at %d", c.src, c.nodes, c.ent, err, c.msg, c.offset)
		}
	}
	// Memory stays bounded: a document of 4 million values stops early.
	big := []byte("[" + strings.Repeat("1,", 4_000_000) + "]")
	if _, err := Parse(big, Options{MaxNodes: 1000}); err == nil || err.(*Error).Offset != 2*1000-1 {
		t.Errorf("big: %v", err)
	}
}
