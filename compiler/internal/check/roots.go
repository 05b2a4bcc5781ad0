package check

import (
	"strings"

	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
	"github.com/openclawcfg/openclawcfg/internal/release"
)

// RootKeyKnown reports whether key is a top-level key a supported
// OpenClaw release knows (a field of its root schema, $include, or a key
// it rejects as moved), or one slip away from one.
func RootKeyKnown(key string) bool {
	for _, rel := range release.Supported {
		if rootKeyKnown(rel, key) {
			return true
		}
	}
	return false
}

func rootKeyKnown(rel, key string) bool {
	c := newChecker(rel)
	if key == "$include" || c.t.Root.Field(key) != nil {
		return true
	}
	c.quiet = true
	if c.legacyRoot(&json5.Member{Key: key, Value: &json5.Node{}}) {
		return true
	}
	// One slip (a letter wrong, missing, extra or swapped) still reads as
	// a config key; "version" is no typo of "session".
	for _, f := range c.t.Root.Fields {
		if distance(strings.ToLower(key), strings.ToLower(f.Name)) <= 1 {
			return true
		}
	}
	return false
}
