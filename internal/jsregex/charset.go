package jsregex

import "slices"

// A charSet is a set of UTF-16 code units as sorted, disjoint, non-adjacent
// ranges (after normalize). In non-Unicode mode every class, escape and
// '.' matches exactly one code unit.
type charSet []rng

type rng struct{ lo, hi uint16 }

func (s charSet) normalize() charSet {
	if len(s) < 2 {
		return s
	}
	s = slices.Clone(s)
	slices.SortFunc(s, func(a, b rng) int { return int(a.lo) - int(b.lo) })
	out := s[:1]
	for _, r := range s[1:] {
		last := &out[len(out)-1]
		if int(r.lo) <= int(last.hi)+1 {
			if r.hi > last.hi {
				last.hi = r.hi
			}
			continue
		}
		out = append(out, r)
	}
	return out
}

func (s charSet) complement() charSet {
	var out charSet
	next := 0
	for _, r := range s {
		if int(r.lo) > next {
			out = append(out, rng{uint16(next), r.lo - 1})
		}
		next = int(r.hi) + 1
	}
	if next <= 0xFFFF {
		out = append(out, rng{uint16(next), 0xFFFF})
	}
	return out
}

var (
	allChars = charSet{{0, 0xFFFF}}
	// '.' without the s flag: everything but LineTerminator.
	notLineTerminator = charSet{{0, '\n' - 1}, {'\n' + 1, '\r' - 1}, {'\r' + 1, 0x2027}, {0x202A, 0xFFFF}}
	lineTerminators   = notLineTerminator.complement()
	digitSet          = charSet{{'0', '9'}}
	wordSet           = charSet{{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}}
	// \s: WhiteSpace (TAB, VT, FF, SP, NBSP, ZWNBSP, Zs) and LineTerminator,
	// the same set as String.prototype.trim (internal/openclaw IsJSSpace).
	spaceSet = charSet{
		{'\t', '\r'},
		{' ', ' '},
		{0xA0, 0xA0},
		{0x1680, 0x1680},
		{0x2000, 0x200A},
		{0x2028, 0x2029},
		{0x202F, 0x202F},
		{0x205F, 0x205F},
		{0x3000, 0x3000},
		{0xFEFF, 0xFEFF},
	}
)

func classEscape(c int) charSet {
	switch c {
	case 'd':
		return digitSet
	case 'D':
		return digitSet.complement()
	case 's':
		return spaceSet
	case 'S':
		return spaceSet.complement()
	case 'w':
		return wordSet
	}
	return wordSet.complement()
}
