package spec

import (
	"bytes"
	_ "embed"
	"strconv"

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
	key := []byte("\n" + strconv.Quote(id) + ":")
	i := bytes.Index(channels96, key)
	if i < 0 {
		return nil
	}
	line := channels96[i+len(key):]
	if j := bytes.IndexByte(line, '\n'); j >= 0 {
		line = line[:j]
	}
	return bytes.TrimSuffix(line, []byte(","))
}
