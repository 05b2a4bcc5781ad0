package spec

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"slices"
	"sync"

	"github.com/openclawcfg/openclawcfg/internal/release"
)

// channels96 holds the JSON Schema OpenClaw 2026.9.6 validates each
// bundled channel's section with (all but imessage, which the CUE schema
// models), one channel per line. scripts/channel-schemas.sh writes it.
//
//go:embed channels-2026.9.6.json
var channels96 []byte

// ChannelSchema returns the JSON Schema release rel validates channels.id
// with, as JSON, or nil when rel validates no such section by JSON Schema.
// It decodes nothing: finding one channel's line is all it costs, so a
// config pays only for the channels it configures.
func ChannelSchema(rel, id string) []byte {
	if rel != release.Current {
		return nil
	}
	return channelIndex96.lookup(id)
}

// core holds, per release, the JSON Schema of OpenClaw's core config
// schema (zod's own export of OpenClawSchema), one line per top-level key
// and per "channels.<id>". scripts/core-schemas.sh writes them.
var (
	//go:embed core-2026.3.24.json
	core324 []byte
	//go:embed core-2026.9.6.json
	core96 []byte
)

var (
	channelIndex96 = &lineIndex{data: channels96}
	coreIndex      = map[string]*lineIndex{release.Seed: {data: core324}, release.Current: {data: core96}}
)

// CoreSchema returns the JSON Schema of release rel's core config schema
// for the top-level key (or "channels.<id>"), or nil when it has none. Like
// ChannelSchema it decodes nothing.
func CoreSchema(rel, key string) []byte {
	if x := coreIndex[rel]; x != nil {
		return x.lookup(key)
	}
	return nil
}

// CoreKeys lists the sections of rel's core schema export, in file order.
func CoreKeys(rel string) []string {
	if x := coreIndex[rel]; x != nil {
		x.build()
		return slices.Clone(x.keys)
	}
	return nil
}

// lineIndex maps each key of a one-line-per-key file (`"key":<json>,`) to
// its line, built on the first lookup: one pass, where a search per lookup
// would scan the file again for every open place of a config.
type lineIndex struct {
	data  []byte
	once  sync.Once
	lines map[string][]byte
	keys  []string // in file order
}

func (x *lineIndex) lookup(key string) []byte {
	x.build()
	return x.lines[key]
}

func (x *lineIndex) build() {
	x.once.Do(func() {
		x.lines = map[string][]byte{}
		for l := range bytes.SplitSeq(x.data, []byte("\n")) {
			if len(l) == 0 || l[0] != '"' {
				continue
			}
			end := bytes.Index(l, []byte(`":`))
			var k string
			if end < 0 || json.Unmarshal(l[:end+1], &k) != nil {
				continue
			}
			x.lines[k] = bytes.TrimSuffix(l[end+2:], []byte(","))
			x.keys = append(x.keys, k)
		}
	})
}
