package openclaw

import (
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// JavaScript string semantics that the ports below depend on. OpenClaw runs on
// Node 24 (V8 + ICU 78, Unicode 17); Go's unicode tables are Unicode 15, so the
// few code points whose case mapping or case properties changed since then are
// patched in from tables generated against that Node (see jsLowerDelta).

// FormatJSNumber formats f like JavaScript's String(f) (Number::toString):
// shortest round-trip digits, plain notation for 1e-7 < |f| < 1e21,
// otherwise "1e+21"-style exponents; -0 gives "0". Callers use it to turn
// numeric allowFrom entries into the strings OpenClaw compares.
func FormatJSNumber(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		return "0"
	case f < 0:
		return "-" + FormatJSNumber(-f)
	}
	// "d.ddddde±XX": the shortest digits that round-trip, as in ECMA-262 Number::toString.
	e := strconv.FormatFloat(f, 'e', -1, 64)
	mant, expStr, _ := strings.Cut(e, "e")
	digits := strings.Replace(mant, ".", "", 1)
	exp, _ := strconv.Atoi(expStr)
	k, n := len(digits), exp+1
	switch {
	case k <= n && n <= 21:
		return digits + strings.Repeat("0", n-k)
	case 0 < n && n <= 21:
		return digits[:n] + "." + digits[n:]
	case -6 < n && n <= 0:
		return "0." + strings.Repeat("0", -n) + digits
	}
	sign := "+"
	if n-1 < 0 {
		sign = "-"
	}
	abs := n - 1
	if abs < 0 {
		abs = -abs
	}
	if k == 1 {
		return digits + "e" + sign + strconv.Itoa(abs)
	}
	return digits[:1] + "." + digits[1:] + "e" + sign + strconv.Itoa(abs)
}

// parseIntJS is Number.parseInt(s, 10): skip leading JS whitespace, take an
// optional sign and the longest run of ASCII digits. ok is false where JS
// gets NaN (no digits) or ±Infinity (too large), i.e. !Number.isFinite.
func parseIntJS(s string) (v float64, ok bool) {
	s = TrimJS(s) // only the leading side matters; trailing text is ignored anyway
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	end := 0
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	if end == 0 {
		return 0, false
	}
	v, err := strconv.ParseFloat(s[:end], 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}

// hasPrefixFoldASCII is value.toLowerCase().startsWith(prefix) for an ASCII,
// lower-case prefix. Only U+0130 and U+212A lower-case to ASCII letters in
// JS, and neither can complete one of OpenClaw's prefixes (none contains
// 'k', and U+0130 becomes "i\u0307"), so comparing ASCII case-insensitively
// on the original is exact; the prefix length is then also the length to
// slice off the original, as OpenClaw does.
func hasPrefixFoldASCII(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}

// ToLowerJS is String.prototype.toLowerCase as V8/ICU does it (root locale,
// full case mapping): U+0130 becomes "i\u0307" and a capital sigma becomes
// final 'ς' when it ends a word (Unicode's Final_Sigma context). Go's
// strings.ToLower does neither.
func ToLowerJS(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s) + 2)
	for i, r := range rs {
		switch {
		case r == 0x130:
			b.WriteString("i\u0307")
		case r == 0x3A3:
			if finalSigma(rs, i) {
				b.WriteRune(0x3C2)
			} else {
				b.WriteRune(0x3C3)
			}
		default:
			b.WriteRune(lowerJS(r))
		}
	}
	return b.String()
}

// finalSigma reports the Final_Sigma condition as ICU tests it: a cased
// letter before rs[i] and none after it, skipping case-ignorable characters
// on both sides (a character that is both counts as ignorable).
func finalSigma(rs []rune, i int) bool {
	casedAt := func(step int) bool {
		for j := i + step; j >= 0 && j < len(rs); j += step {
			if isCaseIgnorableJS(rs[j]) {
				continue
			}
			return isCasedJS(rs[j])
		}
		return false
	}
	return casedAt(-1) && !casedAt(1)
}

func lowerJS(r rune) rune {
	switch {
	case r < 0x1C89:
	case r == 0x1C89, r == 0xA7CC, r == 0xA7CE, r == 0xA7D2, r == 0xA7D4, r == 0xA7DA:
		return r + 1
	case r == 0xA7CB:
		return 0x264
	case r == 0xA7DC:
		return 0x19B
	case r >= 0x10D50 && r <= 0x10D65:
		return r + 0x20
	case r >= 0x16EA0 && r <= 0x16EB8:
		return r + 0x1B
	}
	return unicode.ToLower(r)
}

// jsPropDelta overrides a Go (Unicode 15) derived property for [lo, hi] with
// the value Node 24's ICU (Unicode 17) has.
type jsPropDelta struct {
	lo, hi rune
	v      bool
}

func lookupDelta(tab []jsPropDelta, r rune) (bool, bool) {
	for _, d := range tab {
		if r < d.lo {
			break
		}
		if r <= d.hi {
			return d.v, true
		}
	}
	return false, false
}

// isCasedJS is \p{Cased}: Lu, Ll, Lt, Other_Lowercase, Other_Uppercase.
func isCasedJS(r rune) bool {
	if v, ok := lookupDelta(jsCasedDelta, r); ok {
		return v
	}
	return unicode.In(r, unicode.Lu, unicode.Ll, unicode.Lt, unicode.Other_Lowercase, unicode.Other_Uppercase)
}

// isCaseIgnorableJS is \p{Case_Ignorable}: Mn, Me, Cf, Lm, Sk and the
// Word_Break classes MidLetter, MidNumLet and Single_Quote.
func isCaseIgnorableJS(r rune) bool {
	switch r {
	case 0x27, 0x2E, 0x3A, 0xB7, 0x387, 0x55F, 0x5F4, 0x2018, 0x2019, 0x2024, 0x2027, 0xFE13, 0xFE52, 0xFE55, 0xFF07, 0xFF0E, 0xFF1A:
		return true
	}
	if v, ok := lookupDelta(jsCaseIgnorableDelta, r); ok {
		return v
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk)
}

// Generated by comparing every code point's /\p{Cased}/u and
// /\p{Case_Ignorable}/u in Node 24.21 (ICU 78) with the Go formulas above.
var jsCasedDelta = []jsPropDelta{
	{0x0295, 0x0295, false},
	{0x1C89, 0x1C8A, true},
	{0xA7CB, 0xA7CF, true},
	{0xA7D2, 0xA7D2, true},
	{0xA7D4, 0xA7D4, true},
	{0xA7DA, 0xA7DC, true},
	{0xA7F1, 0xA7F1, true},
	{0x10D50, 0x10D65, true},
	{0x10D70, 0x10D85, true},
	{0x16EA0, 0x16EB8, true},
	{0x16EBB, 0x16ED3, true},
}

var jsCaseIgnorableDelta = []jsPropDelta{
	{0x0897, 0x0897, true},
	{0x1ACF, 0x1ADD, true},
	{0x1AE0, 0x1AEB, true},
	{0xA7F1, 0xA7F1, true},
	{0x10D4E, 0x10D4E, true},
	{0x10D69, 0x10D6D, true},
	{0x10D6F, 0x10D6F, true},
	{0x10EC5, 0x10EC5, true},
	{0x10EFA, 0x10EFC, true},
	{0x113BB, 0x113C0, true},
	{0x113CE, 0x113CE, true},
	{0x113D0, 0x113D0, true},
	{0x113D2, 0x113D2, true},
	{0x113E1, 0x113E2, true},
	{0x1171E, 0x1171E, false},
	{0x11B60, 0x11B60, true},
	{0x11B62, 0x11B64, true},
	{0x11B66, 0x11B66, true},
	{0x11DD9, 0x11DD9, true},
	{0x11F5A, 0x11F5A, true},
	{0x1611E, 0x16129, true},
	{0x1612D, 0x1612F, true},
	{0x16D40, 0x16D42, true},
	{0x16D6B, 0x16D6C, true},
	{0x16FF2, 0x16FF3, true},
	{0x1E5EE, 0x1E5EF, true},
	{0x1E6E3, 0x1E6E3, true},
	{0x1E6E6, 0x1E6E6, true},
	{0x1E6EE, 0x1E6EF, true},
	{0x1E6F5, 0x1E6F5, true},
	{0x1E6FF, 0x1E6FF, true},
}

// UTF-16 helpers: JS strings are sequences of UTF-16 code units, and
// OpenClaw's lengths, limits and slices count those units.

func toUTF16(s string) []uint16 {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	u := make([]uint16, 0, n)
	for _, r := range s {
		if r < 0x10000 {
			u = append(u, uint16(r))
		} else {
			u = utf16.AppendRune(u, r)
		}
	}
	return u
}

// fromUTF16 converts back; a surrogate left alone by a JS slice becomes
// U+FFFD, which is also what Node writes when it encodes such a string as
// UTF-8 for the imsg RPC.
func fromUTF16(u []uint16) string {
	b := make([]byte, 0, len(u)+len(u)/2)
	for i := 0; i < len(u); i++ {
		c := u[i]
		switch {
		case c < utf8.RuneSelf:
			b = append(b, byte(c))
		case utf16.IsSurrogate(rune(c)):
			r := utf8.RuneError
			if i+1 < len(u) {
				if d := utf16.DecodeRune(rune(c), rune(u[i+1])); d != utf8.RuneError {
					r = d
					i++
				}
			}
			b = utf8.AppendRune(b, r)
		default:
			b = utf8.AppendRune(b, rune(c))
		}
	}
	return string(b)
}

func isJSSpace16(c uint16) bool {
	if c < utf8.RuneSelf {
		return c == ' ' || c >= '\t' && c <= '\r'
	}
	return IsJSSpace(rune(c))
}

func trimStart16(u []uint16) []uint16 {
	for len(u) > 0 && isJSSpace16(u[0]) {
		u = u[1:]
	}
	return u
}

func trimEnd16(u []uint16) []uint16 {
	for len(u) > 0 && isJSSpace16(u[len(u)-1]) {
		u = u[:len(u)-1]
	}
	return u
}

// LenJS is JavaScript's s.length: UTF-16 code units, so a character
// outside the Basic Multilingual Plane (an emoji) counts two.
func LenJS(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r > 0xFFFF {
			n++
		}
	}
	return n
}
