// Package openclaw holds Go ports of the small OpenClaw 2026.3.24 functions
// whose exact behaviour decides security-relevant verdicts: remoteHost
// normalisation (src/infra/scp-host.ts), executable safety
// (src/infra/exec-safety.ts) and inbound attachment roots
// (src/media/inbound-path-policy.ts). The compiler and the runtime share
// them, and their tests replay goldens recorded from OpenClaw itself.
package openclaw

import "unicode"

// IsJSSpace reports whether r is whitespace to JavaScript's trim() and \s:
// WhiteSpace plus LineTerminator (which, unlike Go, excludes U+0085 and
// includes U+FEFF).
func IsJSSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0xA0, 0xFEFF, 0x2028, 0x2029:
		return true
	}
	return r > 0xFF && unicode.Is(unicode.Zs, r)
}

// TrimJS trims like String.prototype.trim.
func TrimJS(s string) string {
	start, end := 0, len(s)
	for start < end {
		r, n := decodeRune(s[start:])
		if !IsJSSpace(r) {
			break
		}
		start += n
	}
	for end > start {
		r, n := decodeLastRune(s[start:end])
		if !IsJSSpace(r) {
			break
		}
		end -= n
	}
	return s[start:end]
}
