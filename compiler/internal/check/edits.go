package check

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/openclawcfg/openclawcfg/compiler/diag"
	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
	"github.com/openclawcfg/openclawcfg/compiler/internal/spec"
)

// text returns the source bytes [start, end) of the file node n came
// from, or "" when they are not at hand.
func (c *checker) text(n *json5.Node, start, end int) string {
	if n.File == nil {
		return ""
	}
	src := n.File.Text
	if start < 0 || end > len(src) || start > end {
		return ""
	}
	return string(src[start:end])
}

// renameKey is the edit that renames member m to name, keeping the quotes
// the key was written with (and adding them when name is not a JSON5
// identifier).
func (c *checker) renameKey(m *json5.Member, name string) *diag.Edit {
	raw := c.text(m.Value, m.KeyStart, m.KeyEnd)
	if raw == "" {
		return nil
	}
	var text string
	switch q := raw[0]; {
	case q == '"' || q == '\'':
		text = string(q) + name + string(q)
	case json5.PlainKey(name):
		text = name
	default:
		text = strconv.Quote(name)
	}
	return &diag.Edit{Offset: m.KeyStart, End: m.KeyEnd, Text: text}
}

// replaceString is the edit that replaces string node n by value, in the
// quotes n was written with.
func (c *checker) replaceString(n *json5.Node, value string) *diag.Edit {
	raw := c.text(n, n.Start, n.End)
	if raw == "" || (raw[0] != '"' && raw[0] != '\'') {
		return nil
	}
	return &diag.Edit{Offset: n.Start, End: n.End, Text: string(raw[0]) + value + string(raw[0])}
}

// wrapInList is the edit that puts the value n in a one-element list.
func (c *checker) wrapInList(n *json5.Node) *diag.Edit {
	raw := c.text(n, n.Start, n.End)
	if raw == "" {
		return nil
	}
	return &diag.Edit{Offset: n.Start, End: n.End, Text: "[" + raw + "]"}
}

// typeFits reports whether a list element described by s may be n.
func typeFits(n *json5.Node, s *spec.Node) bool {
	switch n.Kind {
	case json5.String:
		return s.Types&spec.TString != 0
	case json5.Number:
		return s.Types&spec.TNumber != 0
	}
	return false
}

// unsetRefs lists the ${NAME} references that survive in string n after
// substitution although the file wrote them as references (not as the
// $${NAME} escape): their variables were unset, so OpenClaw kept the text.
func (c *checker) unsetRefs(n *json5.Node) []string {
	if n.Kind != json5.String || !strings.Contains(n.Str, "${") {
		return nil
	}
	raw := c.text(n, n.Start, n.End)
	var out []string
	for _, m := range envRefRE.FindAllStringSubmatch(n.Str, -1) {
		ref := m[0]
		for i := strings.Index(raw, ref); i >= 0; {
			if i == 0 || raw[i-1] != '$' {
				if !slices.Contains(out, m[1]) {
					out = append(out, m[1])
				}
				break
			}
			j := strings.Index(raw[i+1:], ref)
			if j < 0 {
				break
			}
			i += 1 + j
		}
	}
	return out
}

var envRefRE = regexp.MustCompile(`\$\{([A-Z_][A-Z0-9_]*)\}`)

// unsetMessage explains a value that failed a check only because it still
// holds unset ${VAR} references.
func unsetMessage(names []string) (msg, fix string) {
	refs := make([]string, len(names))
	for i, n := range names {
		refs[i] = "${" + n + "}"
	}
	verb := "is"
	if len(names) > 1 {
		verb = "are"
	}
	msg = fmt.Sprintf("%s %s not set, so OpenClaw keeps the text %s as written and rejects it", strings.Join(names, ", "), verb, strings.Join(refs, ", "))
	fix = fmt.Sprintf("set %s where OpenClaw runs; to vet against the gateway's environment, pass it with --env %s=VALUE or --env-file FILE", strings.Join(names, ", "), names[0])
	return msg, fix
}
