// Package oraclegolden is the one harness of the tests that replay what
// OpenClaw 2026.3.24 answered, recorded by the scripts in scripts/ as JSON
// lines (one request and its answer per line), without Node: reading a
// golden, counting agreement per function, and the list of known
// disagreements that must shrink, never go stale.
package oraclegolden

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// maxLine bounds one line of a golden (a config with its answer).
const maxLine = 16 << 20

// Read decodes the golden at path, one T per line. It fails the
// test when the file cannot be read, a line does not decode (naming it as
// path:line), or the golden is empty: a golden that silently checks
// nothing proves nothing.
func Read[T any](t testing.TB, path string) []T {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), maxLine)
	for n := 1; sc.Scan(); n++ {
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("%s:%d: %v", path, n, err)
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(out) == 0 {
		t.Fatalf("%s: empty golden", path)
	}
	return out
}

// Tally counts, per OpenClaw function, the golden lines that agree, differ
// and are skipped.
type Tally struct {
	counts map[string]*[3]int
}

const (
	agree = iota
	differ
	skip
)

func (t *Tally) add(fn string, k int) int {
	if t.counts == nil {
		t.counts = map[string]*[3]int{}
	}
	c := t.counts[fn]
	if c == nil {
		c = &[3]int{}
		t.counts[fn] = c
	}
	c[k]++
	return c[k]
}

// Agree counts a line of fn that agrees.
func (t *Tally) Agree(fn string) { t.add(fn, agree) }

// Differ counts a line of fn that differs and returns how many of fn's
// lines differ so far, so that a caller can stop reporting after a few.
func (t *Tally) Differ(fn string) int { return t.add(fn, differ) }

// Skip counts a line of fn that has no Go check.
func (t *Tally) Skip(fn string) { t.add(fn, skip) }

// Seen reports whether any line of fn was counted.
func (t *Tally) Seen(fn string) bool { return t.counts[fn] != nil }

// Total is the number of lines counted, and how many of them agree.
func (t *Tally) Total() (lines, agreeing int) {
	for _, c := range t.counts {
		lines += c[agree] + c[differ] + c[skip]
		agreeing += c[agree]
	}
	return lines, agreeing
}

// Log writes one line per function, sorted, to the test log.
func (t *Tally) Log(tb testing.TB) {
	tb.Helper()
	fns := make([]string, 0, len(t.counts))
	for fn := range t.counts {
		fns = append(fns, fn)
	}
	slices.Sort(fns)
	var b strings.Builder
	for _, fn := range fns {
		c := t.counts[fn]
		fmt.Fprintf(&b, "\n%-40s agree %5d  differ %4d", fn, c[agree], c[differ])
		if c[skip] > 0 {
			fmt.Fprintf(&b, "  skip %4d", c[skip])
		}
	}
	tb.Log(b.String())
}

// Known lists the checks where the Go code knowingly says something else
// than OpenClaw, each with its reason. An entry that no longer disagrees
// must be removed: Stale reports it.
type Known struct {
	reasons map[string]string
	seen    map[string]bool
}

// NewKnown returns the known disagreements by check id.
func NewKnown(reasons map[string]string) *Known {
	return &Known{reasons: reasons, seen: map[string]bool{}}
}

// Reason returns why check id knowingly disagrees, and records that it
// still does.
func (k *Known) Reason(id string) (string, bool) {
	why, ok := k.reasons[id]
	if ok {
		k.seen[id] = true
	}
	return why, ok
}

// Stale fails the test for every entry that no check asked about.
func (k *Known) Stale(tb testing.TB, what string) {
	tb.Helper()
	for id := range k.reasons {
		if !k.seen[id] {
			tb.Errorf("%s lists %q, which now agrees (or is gone): remove it", what, id)
		}
	}
}
