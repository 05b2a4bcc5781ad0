package spec

import "github.com/openclawcfg/openclawcfg/internal/release"

// Tables are one release's generated tables.
type Tables struct {
	Release       string
	Root          *Node
	AgentDefaults *Node
}

var tables = map[string]*Tables{
	release.Seed:    {release.Seed, Root, AgentDefaults},
	release.Current: {release.Current, root_2026_9_6, agentDefaults_2026_9_6},
}

// For returns rel's tables; an unknown release gets the seed release's
// (callers validate releases with release.Known first).
func For(rel string) *Tables {
	if t, ok := tables[rel]; ok {
		return t
	}
	return tables[release.Seed]
}
