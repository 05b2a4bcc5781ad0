package reply

import (
	"strings"
	"unicode/utf8"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
)

// JavaScript string semantics used throughout (see internal/openclaw).

func isJSSpace(r rune) bool       { return openclaw.IsJSSpace(r) }
func trimJS(s string) string      { return openclaw.TrimJS(s) }
func toLowerJS(s string) string   { return openclaw.ToLowerJS(s) }
func trimStartJS(s string) string { return strings.TrimLeftFunc(s, isJSSpace) }
func trimEndJS(s string) string   { return strings.TrimRightFunc(s, isJSSpace) }

// hasJSSpace is /\s/.test(s).
func hasJSSpace(s string) bool { return strings.IndexFunc(s, isJSSpace) >= 0 }

// collapseJSSpace is s.replace(/\s+/g, " ").
func collapseJSSpace(s string) string {
	if !needsCollapse(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	in := false
	for _, r := range s {
		if isJSSpace(r) {
			if !in {
				b.WriteByte(' ')
			}
			in = true
			continue
		}
		in = false
		b.WriteRune(r)
	}
	return b.String()
}

// isJSWordByte is \w.
func isJSWordByte(c byte) bool { return isAlnum(c) || c == '_' }

// validUTF8 replaces invalid bytes the way Node decodes a Buffer as UTF-8
// (one U+FFFD per maximal invalid subsequence), so a handler's raw bytes
// become the string OpenClaw would have seen.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r != utf8.RuneError || n > 1 {
			b.WriteString(s[i : i+n])
			i += n
			continue
		}
		b.WriteRune(utf8.RuneError)
		i += invalidRun(s[i:])
	}
	return b.String()
}

// invalidRun is the length of the maximal subpart of an ill-formed UTF-8
// sequence at the start of s (WHATWG decoder): a lead byte plus the
// continuation bytes that were still acceptable.
func invalidRun(s string) int {
	c := s[0]
	need, lo, hi := 0, byte(0x80), byte(0xBF)
	switch {
	case c >= 0xC2 && c <= 0xDF:
		need = 1
	case c >= 0xE0 && c <= 0xEF:
		need = 2
		if c == 0xE0 {
			lo = 0xA0
		} else if c == 0xED {
			hi = 0x9F
		}
	case c >= 0xF0 && c <= 0xF4:
		need = 3
		if c == 0xF0 {
			lo = 0x90
		} else if c == 0xF4 {
			hi = 0x8F
		}
	default:
		return 1
	}
	n := 1
	for n <= need && n < len(s) && s[n] >= lo && s[n] <= hi {
		lo, hi = 0x80, 0xBF
		n++
	}
	return n
}

// needsCollapse reports whether s has whitespace other than lone ' '.
func needsCollapse(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ':
			if i+1 < len(s) && (s[i+1] == ' ' || s[i+1] >= '\t' && s[i+1] <= '\r' || s[i+1] >= utf8.RuneSelf) {
				return true
			}
		case c >= '\t' && c <= '\r':
			return true
		case c >= utf8.RuneSelf:
			r, _ := utf8.DecodeRuneInString(s[i:])
			if isJSSpace(r) {
				return true
			}
		}
	}
	return false
}
