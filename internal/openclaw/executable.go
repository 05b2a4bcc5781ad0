package openclaw

import "strings"

// isDriveAbs is /^[A-Za-z]:[\\/]/.
func isDriveAbs(v string) bool {
	return len(v) >= 3 && isLetter(v[0]) && v[1] == ':' && (v[2] == '\\' || v[2] == '/')
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// ExecutableProblem explains why OpenClaw's isSafeExecutableValue rejects
// value (a cliPath), or returns "" when it is accepted.
func ExecutableProblem(value string) string {
	if value == "" {
		return "is empty or blank"
	}
	trimmed := TrimJS(value)
	if trimmed == "" {
		return "is empty or blank"
	}
	if strings.Contains(trimmed, "\x00") {
		return "contains a NUL byte"
	}
	if strings.ContainsAny(trimmed, "\r\n") {
		return "contains a line break"
	}
	if i := strings.IndexAny(trimmed, ";&|`$<>"); i >= 0 {
		return "contains the shell metacharacter " + quote(trimmed[i:i+1])
	}
	if strings.ContainsAny(trimmed, `"'`) {
		return "contains a quote"
	}
	if looksLikePath(trimmed) {
		return ""
	}
	if strings.HasPrefix(trimmed, "-") {
		return "starts with '-', which would be read as an option"
	}
	if !(trimmed != "" && allBytes(trimmed, "._+-")) {
		return "is neither a path nor a bare command name (letters, digits, '.', '_', '+', '-')"
	}
	return ""
}

func looksLikePath(v string) bool {
	return strings.HasPrefix(v, ".") || strings.HasPrefix(v, "~") ||
		strings.ContainsAny(v, `/\`) || isDriveAbs(v)
}
