package openclaw

import "strings"

// isSSHToken is /^[A-Za-z0-9._-]+$/.
func isSSHToken(s string) bool { return s != "" && allBytes(s, "._-") }

// isBracketedIPv6 is /^\[[0-9A-Fa-f:.%]+\]$/.
func isBracketedIPv6(s string) bool {
	if len(s) < 3 || s[0] != '[' || s[len(s)-1] != ']' {
		return false
	}
	for i := 1; i < len(s)-1; i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.' || c == '%') {
			return false
		}
	}
	return true
}

// allBytes reports whether every byte of s is an ASCII letter, a digit or
// one of extra. Hand-written instead of regexp to keep CLI start-up free
// of regexp compilation.
func allBytes(s, extra string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(extra, c) >= 0) {
			return false
		}
	}
	return true
}

// NormalizeScpRemoteHost returns the trimmed `host` or `user@host` OpenClaw
// would pass to scp, or ok=false when OpenClaw rejects the value.
func NormalizeScpRemoteHost(value string) (string, bool) {
	v, problem := checkRemoteHost(value)
	return v, problem == ""
}

// RemoteHostProblem explains why OpenClaw rejects value as a remoteHost,
// or returns "" when it is accepted.
func RemoteHostProblem(value string) string {
	_, problem := checkRemoteHost(value)
	return problem
}

func checkRemoteHost(value string) (string, string) {
	trimmed := TrimJS(value)
	if trimmed == "" {
		return "", "is empty or blank"
	}
	for _, r := range trimmed {
		if r <= 31 || r == 127 {
			return "", "contains a control character"
		}
		if IsJSSpace(r) {
			return "", "contains whitespace (an SSH option or a second argument could follow)"
		}
	}
	if strings.HasPrefix(trimmed, "-") {
		return "", "starts with '-', which ssh and scp read as an option"
	}
	if strings.ContainsAny(trimmed, `/\`) {
		return "", "contains a path separator"
	}
	user, host := "", trimmed
	if first := strings.IndexByte(trimmed, '@'); first >= 0 {
		last := strings.LastIndexByte(trimmed, '@')
		switch {
		case first != last:
			return "", "contains more than one '@'"
		case first == 0:
			return "", "has an empty user before '@'"
		case first == len(trimmed)-1:
			return "", "has an empty host after '@'"
		}
		user, host = trimmed[:first], trimmed[first+1:]
		if !isSSHToken(user) {
			return "", "user " + quote(user) + " may only contain letters, digits, '.', '_' and '-'"
		}
	}
	if host == "" || strings.HasPrefix(host, "-") {
		return "", "host starts with '-', which ssh and scp read as an option"
	}
	if strings.HasPrefix(host, "[") && !isBracketedIPv6(host) {
		return "", "host " + quote(host) + " is not a valid bracketed IPv6 address: only hex digits, ':', '.' and '%' may appear inside [ ] (interface zone names such as %en0 are rejected)"
	}
	if strings.Contains(host, ":") && !isBracketedIPv6(host) {
		return "", "host contains ':' (a port is not allowed; scp would read it as a path separator)"
	}
	if !isSSHToken(host) && !isBracketedIPv6(host) {
		return "", "host " + quote(host) + " may only contain letters, digits, '.', '_' and '-' (or be a bracketed IPv6 address)"
	}
	if user != "" {
		return user + "@" + host, ""
	}
	return host, ""
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

// NormalizeScpRemotePath ports normalizeScpRemotePath (OpenClaw 2026.3.13+):
// the trimmed remote attachment path OpenClaw appends after "host:" for scp,
// or ok=false when it is not absolute or contains a control character
// (U+0000–U+001F, U+007F) or one of \ ' " ` $ ; | & < >, which the remote
// shell of legacy scp would interpret. Spaces and other characters pass.
func NormalizeScpRemotePath(value string) (string, bool) {
	trimmed := TrimJS(value)
	if trimmed == "" || trimmed[0] != '/' {
		return "", false
	}
	for _, r := range trimmed {
		if r <= 31 || r == 127 || strings.ContainsRune("\\'\"`$;|&<>", r) {
			return "", false
		}
	}
	return trimmed, true
}
