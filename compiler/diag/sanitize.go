package diag

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Sanitize makes text from a config (keys, values, file and include names,
// source lines) safe to print on a terminal or in a CI log. It is the one
// sanitizer every human-readable output of openclawcfg goes through:
//
//   - C0 controls, DEL and C1 controls are escaped (\n, \t, \r, \x1b,
//     \u009b), so no ANSI or OSC sequence reaches a terminal and no newline
//     starts a line of its own;
//   - U+2028 and U+2029 (line separators) and the bidirectional controls
//     (U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069) are
//     escaped as \uXXXX, so text cannot be reordered on screen;
//   - invalid UTF-8 bytes are escaped as \xNN;
//   - a leading "::" or "##[" (after spaces or tabs) is neutralised by
//     escaping its first character, so that the text cannot start a GitHub
//     Actions or Azure Pipelines workflow command.
//
// Backslashes are left alone: Windows paths and regular expressions read as
// written.
func Sanitize(s string) string { return sanitize(s, commandStart(s)) }

// sanitizeInline is Sanitize for text that never starts a line (a
// property inside a workflow command): controls are escaped, a leading
// "::" is left alone.
func sanitizeInline(s string) string { return sanitize(s, -1) }

func sanitize(s string, neut int) string {
	if neut < 0 && isPrintable(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		out, size := safeAt(s, i, false, neut)
		if out == "" {
			b.WriteString(s[i : i+size])
		} else {
			b.WriteString(out)
		}
		i += size
	}
	return b.String()
}

func isPrintable(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// commandStart returns the offset of a "::" or "##[" that begins s after
// spaces and tabs, or -1.
func commandStart(s string) int {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	if strings.HasPrefix(s[i:], "::") || strings.HasPrefix(s[i:], "##[") {
		return i
	}
	return -1
}

// safeAt returns the escaped form of the character at s[i] and its length
// in s; out is "" when the character prints as it is. keepTab leaves tabs
// (source excerpts keep them so that carets line up); neut is the offset
// of a workflow-command start to neutralise, or -1.
func safeAt(s string, i int, keepTab bool, neut int) (out string, size int) {
	c := s[i]
	if i == neut {
		return fmt.Sprintf(`\x%02x`, c), 1
	}
	if c < utf8.RuneSelf {
		switch {
		case c == '\t' && keepTab:
			return "", 1
		case c == '\t':
			return `\t`, 1
		case c == '\n':
			return `\n`, 1
		case c == '\r':
			return `\r`, 1
		case c < 0x20 || c == 0x7f:
			return fmt.Sprintf(`\x%02x`, c), 1
		}
		return "", 1
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	if r == utf8.RuneError && size == 1 {
		return fmt.Sprintf(`\x%02x`, c), 1
	}
	if unsafeRune(r) {
		return fmt.Sprintf(`\u%04x`, r), size
	}
	return "", size
}

// unsafeRune reports the non-ASCII characters Sanitize escapes.
func unsafeRune(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f: // C1 controls (CSI, OSC, NEL, ...)
		return true
	case r == 0x2028 || r == 0x2029: // line and paragraph separators
		return true
	case r == 0x061c || r == 0x200e || r == 0x200f: // ALM, LRM, RLM
		return true
	case r >= 0x202a && r <= 0x202e: // LRE, RLE, PDF, LRO, RLO
		return true
	case r >= 0x2066 && r <= 0x2069: // LRI, RLI, FSI, PDI
		return true
	}
	return false
}
