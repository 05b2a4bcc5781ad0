package check

import (
	"sort"
	"strings"
	"sync"

	"github.com/openclawcfg/openclawcfg/internal/release"

	"github.com/openclawcfg/openclawcfg/compiler/internal/spec"
)

// closest returns the candidate nearest to s when it is close enough to be
// a plausible typo (case differences count as nearly nothing), or "". A
// swap of two neighbouring characters is one edit ("opne" is "open"), and
// s may be the start of exactly one longer candidate ("groupAllow" is
// "groupAllowFrom").
func closest(s string, candidates []string) string {
	best, bestD := "", 1<<30
	ls := strings.ToLower(s)
	for _, c := range candidates {
		d := distance(ls, strings.ToLower(c))
		if d == 0 && s != c {
			return c
		}
		if d < bestD {
			best, bestD = c, d
		}
	}
	limit := max(1, min(len(s), len(best))/3)
	if bestD <= limit && bestD > 0 {
		return best
	}
	if len(s) < 4 {
		return ""
	}
	found := ""
	for _, c := range candidates {
		if len(c) > len(s) && strings.HasPrefix(strings.ToLower(c), ls) {
			if found != "" {
				return "" // the start of several keys: no single guess
			}
			found = c
		}
	}
	return found
}

// distance is the optimal string alignment distance over bytes:
// Levenshtein's insertions, deletions and substitutions, plus the
// transposition of two adjacent bytes, each costing one.
func distance(a, b string) int {
	// Three rows: the one before the previous is needed for swaps.
	pp := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], pp[j-2]+1)
			}
		}
		pp, prev, cur = prev, cur, pp
	}
	return prev[len(b)]
}

// keyIndexes map every declared key name to the schema paths that
// declare it in each release, for "valid under X, not here" hints. Each
// is built once, on the first unknown key judged by its release.
var keyIndexes = map[string]func() map[string][]string{}

func init() {
	for _, rel := range release.Supported {
		t := spec.For(rel)
		keyIndexes[rel] = sync.OnceValue(func() map[string][]string { return buildKeyIndex(t.Root) })
	}
}

func keyIndex(rel string) map[string][]string {
	f, ok := keyIndexes[rel]
	if !ok {
		f = keyIndexes[release.Seed]
	}
	return f()
}

func buildKeyIndex(root *spec.Node) map[string][]string {
	idx := map[string][]string{}
	var walk func(n *spec.Node, path string, depth int)
	walk = func(n *spec.Node, path string, depth int) {
		if n == nil || depth > 12 {
			return
		}
		for _, f := range n.Fields {
			if path != "" && !contains(idx[f.Name], path) {
				idx[f.Name] = append(idx[f.Name], path)
			}
			walk(f.Node, join(path, f.Name), depth+1)
		}
		if n.Values != nil && n.Values != spec.Any {
			walk(n.Values, join(path, "<id>"), depth+1)
		}
		if n.Elem != nil {
			walk(n.Elem, path+"[]", depth+1)
		}
	}
	walk(root, "", 0)
	// The channel's own places first (a misplaced allowFrom belongs in
	// channels.imessage, not commands), then the shortest.
	im := func(p string) bool { return strings.HasPrefix(p, "channels.imessage") }
	for _, v := range idx {
		sort.SliceStable(v, func(i, j int) bool {
			if im(v[i]) != im(v[j]) {
				return im(v[i])
			}
			return len(v[i]) < len(v[j])
		})
	}
	return idx
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// validUnder lists up to three places where key is a declared field in
// release rel.
func validUnder(rel, key string) []string {
	v := keyIndex(rel)[key]
	if len(v) > 3 {
		v = v[:3]
	}
	return v
}

// Closest is closest for other packages (explain's did-you-mean).
func Closest(s string, candidates []string) string { return closest(s, candidates) }

// ValidUnder is validUnder for other packages (explain's hints).
func ValidUnder(rel, key string) []string { return validUnder(rel, key) }
