package openclaw

import (
	"regexp"
	"strings"
)

var (
	sshToken      = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)
	bracketedIPv6 = regexp.MustCompile(`^\[[0-9A-Fa-f:.%]+\]$`)
)

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
		return "", "is empty"
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
		if !sshToken.MatchString(user) {
			return "", "user " + quote(user) + " may only contain letters, digits, '.', '_' and '-'"
		}
	}
	if host == "" || strings.HasPrefix(host, "-") {
		return "", "host starts with '-', which ssh and scp read as an option"
	}
	if strings.Contains(host, ":") && !bracketedIPv6.MatchString(host) {
		return "", "host contains ':' (a port is not allowed; scp would read it as a path separator)"
	}
	if !sshToken.MatchString(host) && !bracketedIPv6.MatchString(host) {
		return "", "host " + quote(host) + " may only contain letters, digits, '.', '_' and '-' (or be a bracketed IPv6 address)"
	}
	if user != "" {
		return user + "@" + host, ""
	}
	return host, ""
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }
