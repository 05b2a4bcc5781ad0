package spec

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"strconv"
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
	if rel != release.Current || id == "" {
		return nil
	}
	return line(channels96, id)
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

// CoreSchema returns the JSON Schema of release rel's core config schema
// for the top-level key (or "channels.<id>"), or nil when it has none. Like
// ChannelSchema it decodes nothing.
func CoreSchema(rel, key string) []byte {
	switch {
	case key == "":
		return nil
	case rel == release.Seed:
		return coreIndex324.lookup(core324, key)
	case rel == release.Current:
		return coreIndex96.lookup(core96, key)
	}
	return nil
}

// lineIndex maps each key of a one-line-per-key file to its line, built on
// the first lookup: one pass, where a search per lookup would scan the
// file again for every open place of a config.
type lineIndex struct {
	once  sync.Once
	lines map[string][]byte
}

var coreIndex324, coreIndex96 lineIndex

func (x *lineIndex) lookup(data []byte, key string) []byte {
	x.once.Do(func() {
		x.lines = map[string][]byte{}
		for len(data) > 0 {
			l := data
			if j := bytes.IndexByte(data, '\n'); j >= 0 {
				l, data = data[:j], data[j+1:]
			} else {
				data = nil
			}
			if len(l) == 0 || l[0] != '"' {
				continue
			}
			end := bytes.Index(l, []byte(`":`))
			var k string
			if end < 0 || json.Unmarshal(l[:end+1], &k) != nil {
				continue
			}
			x.lines[k] = bytes.TrimSuffix(l[end+2:], []byte(","))
		}
	})
	return x.lines[key]
}

// CoreKeys lists the sections of rel's core schema export, in file order.
func CoreKeys(rel string) []string {
	data := map[string][]byte{release.Seed: core324, release.Current: core96}[rel]
	var keys []string
	for _, l := range bytes.Split(data, []byte("\n")) {
		if len(l) > 0 && l[0] == '"' {
			var k string
			if end := bytes.Index(l, []byte(`":`)); end > 0 && json.Unmarshal(l[:end+1], &k) == nil {
				keys = append(keys, k)
			}
		}
	}
	return keys
}

// line finds `"key":<json>` on a line of its own in data.
func line(data []byte, key string) []byte {
	k := []byte("\n" + strconv.Quote(key) + ":")
	i := bytes.Index(data, k)
	if i < 0 {
		return nil
	}
	l := data[i+len(k):]
	if j := bytes.IndexByte(l, '\n'); j >= 0 {
		l = l[:j]
	}
	return bytes.TrimSuffix(l, []byte(","))
}
