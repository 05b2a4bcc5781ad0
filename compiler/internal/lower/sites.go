package lower

import (
	"strconv"
	"strings"

	"github.com/openclawcfg/openclawcfg/compiler/source"
)

// Sites are where the config paths that the plan's origins and the lints
// name are written. Lowering records each one as it reads the value, so a
// finding about an effective value is placed on the text that causes it
// without looking the path up in the tree again (an account key may hold
// dots; a path cannot say where).
type Sites struct {
	root source.Span
	at   map[string]source.Span
}

// add records where v, the value at path, is written; values OpenClaw
// supplies itself are written nowhere.
func (s *Sites) add(path string, v *value) {
	if v != nil && v.File != nil {
		s.at[path] = v.Span()
	}
}

// At is where path is written: its value, or, for a key that is not
// written (a default, or one OpenClaw's schema fills in), the nearest
// object that holds it, up to the whole document.
func (s *Sites) At(path string) source.Span {
	for p := path; ; {
		if sp, ok := s.at[p]; ok {
			return sp
		}
		i := strings.LastIndexByte(p, '.')
		if i < 0 {
			return s.root
		}
		p = p[:i]
	}
}

// Root is where the whole document is.
func (s *Sites) Root() source.Span { return s.root }

// newSites records the places the lints name besides the origins: the
// channel, its accounts and groups, and each agent and binding.
func newSites(root *value) *Sites {
	s := &Sites{root: root.Span(), at: map[string]source.Span{}}
	cfg := root.props
	s.add("channels", cfg["channels"])
	ch := cfg.obj("channels")
	s.add("channels.imessage", ch["imessage"])
	s.add("channels.defaults.groupPolicy", ch.obj("defaults")["groupPolicy"])
	im := ch.obj("imessage")
	s.add(channelPath+".groups", im["groups"])
	s.add(channelPath+".accounts", im["accounts"])
	for k, v := range im.obj("accounts") {
		s.add(channelPath+".accounts."+k, v)
	}
	s.add("agents", cfg["agents"])
	s.add("agents.list", cfg.obj("agents")["list"])
	s.add("agents.ownership", cfg.obj("agents")["ownership"])
	list, _ := cfg.obj("agents").list("list")
	for i, v := range list {
		s.add("agents.list."+strconv.Itoa(i), v)
	}
	s.add("bindings", cfg["bindings"])
	bl, _ := cfg.list("bindings")
	for i, v := range bl {
		s.add("bindings."+strconv.Itoa(i), v)
	}
	return s
}
