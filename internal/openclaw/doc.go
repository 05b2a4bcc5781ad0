// Package openclaw holds Go ports of the small OpenClaw 2026.3.24 functions
// whose exact behaviour decides security-relevant verdicts: remoteHost and
// SCP remote-path normalisation (src/infra/scp-host.ts), executable safety
// (src/infra/exec-safety.ts), inbound attachment roots
// (src/media/inbound-path-policy.ts), iMessage handles and allow lists
// (extensions/imessage/src/targets.ts, src/plugin-sdk/allow-from.ts),
// account ids (src/routing/account-id.ts,
// src/channels/plugins/account-helpers.ts) and outbound chunking
// (src/auto-reply/chunk.ts). The compiler and the runtime share them.
//
// They follow JavaScript string semantics where OpenClaw's results depend on
// them (trim and \s whitespace, toLowerCase, UTF-16 lengths, parseInt,
// String(number), localeCompare); see jsstring.go. oracle_golden_test.go
// replays testdata/runtime-oracle-2026.3.24.jsonl, answers recorded from
// OpenClaw itself by scripts/runtime-oracle-goldens.sh.
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
