package openclaw

import (
	"path"
	"strings"
)

// DefaultAttachmentRoots is always part of the effective root lists.
var DefaultAttachmentRoots = []string{"/Users/*/Library/Messages/Attachments"}

// isWindowsDriveAbs is /^[A-Za-z]:\//; isWindowsDriveRoot is /^[A-Za-z]:$/.
func isWindowsDriveAbs(v string) bool {
	return len(v) >= 3 && isLetter(v[0]) && v[1] == ':' && v[2] == '/'
}
func isWindowsDriveRoot(v string) bool { return len(v) == 2 && isLetter(v[0]) && v[1] == ':' }

// NormalizeAbsolutePath is normalizePosixAbsolutePath: trim, backslashes to
// slashes, lexical clean, absolute (or X:/), not "/", no trailing slash.
func NormalizeAbsolutePath(value string) (string, bool) {
	trimmed := TrimJS(value)
	if trimmed == "" || strings.Contains(trimmed, "\x00") {
		return "", false
	}
	normalized := path.Clean(strings.ReplaceAll(trimmed, `\`, "/"))
	if !(strings.HasPrefix(normalized, "/") || isWindowsDriveAbs(normalized+"/")) || normalized == "/" {
		return "", false
	}
	normalized = strings.TrimSuffix(normalized, "/")
	if isWindowsDriveRoot(normalized) {
		return "", false
	}
	return normalized, true
}

// RootPatternProblem explains why isValidInboundPathRootPattern rejects
// value, or returns "" when it is a valid root.
func RootPatternProblem(value string) string {
	trimmed := TrimJS(value)
	switch {
	case trimmed == "":
		return "is empty or blank"
	case strings.Contains(trimmed, "\x00"):
		return "contains a NUL byte"
	}
	normalized, ok := NormalizeAbsolutePath(value)
	if !ok {
		clean := path.Clean(strings.ReplaceAll(trimmed, `\`, "/"))
		if clean == "/" {
			return "is the filesystem root, which would allow every file"
		}
		if isWindowsDriveRoot(strings.TrimSuffix(clean, "/")) {
			return "is a bare drive root, which would allow every file on it"
		}
		return "is not an absolute path"
	}
	for _, seg := range strings.Split(normalized, "/") {
		if seg != "*" && strings.Contains(seg, "*") {
			return "has " + quote(seg) + ": '*' must be a whole path segment (it matches exactly one segment; there is no '**')"
		}
	}
	return ""
}

// NormalizeRoots keeps the valid roots of roots, normalised and
// de-duplicated in order (normalizeInboundPathRoots).
func NormalizeRoots(roots []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range roots {
		if RootPatternProblem(r) != "" {
			continue
		}
		n, _ := NormalizeAbsolutePath(r)
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// PathAllowed reports whether filePath lies inside one of roots
// (isInboundPathAllowed): lexical, case-sensitive, '*' matches one segment,
// a root matches itself and everything below it.
func PathAllowed(filePath string, roots []string) bool {
	candidate, ok := NormalizeAbsolutePath(filePath)
	if !ok {
		return false
	}
	for _, root := range roots {
		if matchesRoot(candidate, root) {
			return true
		}
	}
	return false
}

func matchesRoot(candidate, root string) bool {
	cs, rs := splitSegments(candidate), splitSegments(root)
	if len(cs) < len(rs) {
		return false
	}
	for i, r := range rs {
		if r != "*" && r != cs[i] {
			return false
		}
	}
	return true
}

func splitSegments(p string) []string {
	var out []string
	for _, s := range strings.Split(p, "/") {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// MergeRoots ports mergeInboundPathRoots: each list through NormalizeRoots,
// concatenated in order, first occurrence kept. OpenClaw builds the local
// roots as MergeRoots(account attachmentRoots, channel attachmentRoots,
// DefaultAttachmentRoots), so configuring roots can only widen the set.
func MergeRoots(lists ...[]string) []string {
	var merged []string
	seen := map[string]bool{}
	for _, list := range lists {
		for _, r := range NormalizeRoots(list) {
			if !seen[r] {
				seen[r] = true
				merged = append(merged, r)
			}
		}
	}
	return merged
}

// InboundPathAllowed ports isInboundPathAllowed: roots and fallbackRoots are
// raw configured lists. The valid entries of roots are used, or those of
// fallbackRoots when roots has none; an empty effective list denies
// everything. filePath is matched as PathAllowed does.
func InboundPathAllowed(filePath string, roots, fallbackRoots []string) bool {
	if _, ok := NormalizeAbsolutePath(filePath); !ok {
		return false
	}
	effective := NormalizeRoots(roots)
	if len(effective) == 0 {
		effective = NormalizeRoots(fallbackRoots)
	}
	return PathAllowed(filePath, effective)
}

// MergeRoots96 is MergeRoots as OpenClaw 2026.9.6 has it
// (packages/media-core inbound-path-policy): a Windows drive path is
// lower-cased whole (toLowerCase) when normalised, so "C:/Users/me" and
// "c:/users/me" are one root, and both read as "c:/users/me".
func MergeRoots96(lists ...[]string) []string {
	var merged []string
	seen := map[string]bool{}
	for _, list := range lists {
		for _, r := range NormalizeRoots(list) {
			if isWindowsDriveAbs(r) {
				r = ToLowerJS(r)
			}
			if !seen[r] {
				seen[r] = true
				merged = append(merged, r)
			}
		}
	}
	return merged
}
