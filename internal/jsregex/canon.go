package jsregex

import (
	"slices"
	"sync"
	"unicode"
)

// canonicalize is the ECMAScript Canonicalize(ch) of non-Unicode
// case-insensitive matching (ECMA-262 §22.2.2.7.3), as V8 in Node 24
// computes it with ICU: ch.toUpperCase() when that is a single code unit,
// except that a non-ASCII unit never maps into ASCII. Two units match
// under the i flag exactly when their canonical values are equal; so 'ſ'
// matches neither 's' nor 'S', the Kelvin sign does not match 'k', and
// 'ß' (whose upper case "SS" has two units) matches only itself.
//
// Go's unicode.ToUpper is the simple mapping of Unicode 15; canonOverride
// lists every unit where that differs from Node 24 (full mapping, ICU 78 /
// Unicode 17), found by comparing all 65,536 units; the golden replays
// V8's whole table (v8_golden_test.go).
func canonicalize(c uint16) uint16 {
	if v, ok := canonOverride[c]; ok {
		return v
	}
	u := unicode.ToUpper(rune(c))
	if u > 0xFFFF || c >= 0x80 && u < 0x80 {
		return c
	}
	return uint16(u)
}

var canonOverride = func() map[uint16]uint16 {
	m := map[uint16]uint16{
		// Unicode 16 and 17 case pairs Go 1.26's tables lack.
		0x019B: 0xA7DC, 0x0264: 0xA7CB, 0x1C8A: 0x1C89, 0xA7CD: 0xA7CC,
		0xA7CF: 0xA7CE, 0xA7D3: 0xA7D2, 0xA7D5: 0xA7D4, 0xA7DB: 0xA7DA,
		// Greek with ypogegrammeni: toUpperCase gives two units (e.g.
		// "ᾳ" → "ΑΙ"), so they canonicalize to themselves.
		0x1FB3: 0x1FB3, 0x1FC3: 0x1FC3, 0x1FF3: 0x1FF3,
	}
	for c := uint16(0x1F80); c <= 0x1FAF; c++ {
		m[c] = c
	}
	return m
}()

// caseClasses maps each unit whose canonical class has more than one
// member to that class (all units with the same canonical value, sorted);
// cased lists those units in order.
var caseClasses = sync.OnceValue(func() (r struct {
	of    map[uint16][]uint16
	cased []uint16
},
) {
	byCanon := map[uint16][]uint16{}
	for c := 0; c <= 0xFFFF; c++ {
		if k := canonicalize(uint16(c)); k != uint16(c) {
			byCanon[k] = append(byCanon[k], uint16(c))
		}
	}
	r.of = map[uint16][]uint16{}
	for k, cl := range byCanon {
		if canonicalize(k) == k {
			cl = append(cl, k)
		}
		if len(cl) < 2 {
			continue
		}
		slices.Sort(cl)
		for _, c := range cl {
			r.of[c] = cl
			r.cased = append(r.cased, c)
		}
	}
	slices.Sort(r.cased)
	return r
})

// caseClass is every unit that matches c under the i flag (c included).
func caseClass(c uint16) []uint16 {
	if cl, ok := caseClasses().of[c]; ok {
		return cl
	}
	return []uint16{c}
}

// caseClose adds to s every unit that canonicalizes like a member of s:
// the set a class matches under the i flag (CharacterSetMatcher compares
// canonical values).
func caseClose(s charSet) charSet {
	cc := caseClasses()
	var extra charSet
	for _, r := range s {
		i, _ := slices.BinarySearch(cc.cased, r.lo)
		for ; i < len(cc.cased) && cc.cased[i] <= r.hi; i++ {
			for _, m := range cc.of[cc.cased[i]] {
				if m < r.lo || m > r.hi {
					extra = append(extra, rng{m, m})
				}
			}
		}
	}
	if len(extra) == 0 {
		return s
	}
	return append(append(charSet(nil), s...), extra...).normalize()
}
