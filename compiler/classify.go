package compiler

import (
	"fmt"
	"strings"

	"github.com/openclawcfg/openclawcfg/compiler/internal/check"
	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
)

// Classify tells whether a *.json5 or *.json file found in a directory is
// an OpenClaw config to vet. It is not when it parses and is a compiled
// plan (recognised by its fields) or has no config's shape: a root that is
// not an object, or top-level keys that are mostly not OpenClaw's
// (package.json, tsconfig.json, .eslintrc.json, a JSON Schema). why says what it is then. A file that does not
// parse is a config: vet reports the syntax error rather than skip a
// broken openclaw.json.
func Classify(src []byte) (config bool, why string) {
	root, err := json5.Parse(src, json5.Options{})
	if err != nil {
		return true, ""
	}
	if root.Kind != json5.Object {
		return false, "not an OpenClaw config: its root is " + kindName(root.Kind) + ", not an object"
	}
	if root.Lookup("planVersion") != nil && (root.Lookup("targetOpenClaw") != nil || root.Lookup("digest") != nil) {
		return false, "a compiled plan (openclawcfg compile output), not a config"
	}
	// Any JSON file may name its schema, and some of OpenClaw's top-level
	// names are common words (env, plugins, tools): a config is a file
	// whose top-level keys are mostly OpenClaw's.
	var known, counted int
	var unknown []string
	for _, m := range root.Members {
		if m.Key == "$schema" {
			continue
		}
		counted++
		if check.RootKeyKnown(m.Key) {
			known++
		} else if len(unknown) < 4 {
			unknown = append(unknown, fmt.Sprintf("%q", m.Key))
		}
	}
	if counted == 0 || known > 0 && 2*known >= counted {
		return true, ""
	}
	list := strings.Join(unknown, ", ")
	if counted-known > len(unknown) {
		list += ", ..."
	}
	if known == 0 {
		return false, "not an OpenClaw config: none of its top-level keys (" + list + ") is one OpenClaw knows"
	}
	return false, fmt.Sprintf("not an OpenClaw config: only %d of its %d top-level keys are OpenClaw's (not: %s)", known, counted, list)
}

func kindName(k json5.Kind) string {
	switch k {
	case json5.Array:
		return "a list"
	case json5.String:
		return "a string"
	case json5.Number:
		return "a number"
	case json5.Bool:
		return "a boolean"
	}
	return "null"
}
