package check

import "github.com/openclawcfg/openclawcfg/compiler/internal/json5"

// Describe renders a value as messages quote it ("got ..."): the caller
// finds it there to replace a value that must not be shown.
func Describe(n *json5.Node) string { return describe(n) }
