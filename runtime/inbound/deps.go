package inbound

// Adapters from the plan to the OpenClaw ports in internal/openclaw.

import (
	"strings"
	"time"

	"github.com/openclawcfg/openclawcfg/internal/jsregex"
	"github.com/openclawcfg/openclawcfg/internal/openclaw"
	"github.com/openclawcfg/openclawcfg/plan"
)

type commandDetector = openclaw.CommandConfig

func commandsOf(p *plan.Plan) commandDetector {
	g := p.Global
	return openclaw.CommandConfig{
		Config: g.CommandsConfig.Value, MCP: g.Commands.MCP, Plugins: g.Commands.Plugins,
		Debug: g.Commands.Debug, Bash: g.Commands.Bash, DockChannels: g.Commands.DockChannels,
	}
}

type envelopeOptions = openclaw.EnvelopeOptions

func envelopeOf(p *plan.Plan) envelopeOptions {
	e := p.Global.Envelope
	return openclaw.EnvelopeOptions{
		EnvelopeTimezone: e.Timezone, EnvelopeTimestamp: e.Timestamp,
		EnvelopeElapsed: e.Elapsed, UserTimezone: e.UserTimezone,
	}
}

// WithHostTZ makes the decider format envelope times as on a host whose TZ
// variable is tz (by default, this process's zone).
func (d *Decider) WithHostTZ(tz string) *Decider {
	d.envelope.HostTZ = &tz
	d.hostLoc = time.Local
	if l, err := time.LoadLocation(strings.TrimPrefix(tz, ":")); err == nil {
		d.hostLoc = l
	}
	return d
}

// loc is the zone a created_at without an offset is read in.
func (d *Decider) loc() *time.Location {
	if d.hostLoc != nil {
		return d.hostLoc
	}
	return time.Local
}

type envelopeParams struct {
	Channel, From                string
	Timestamp, PreviousTimestamp *int64
	Body, ChatType               string
	SenderName, SenderID         string
	SenderLabel                  string
	Options                      envelopeOptions
}

func ms(p *int64) float64 {
	if p == nil {
		return 0
	}
	return float64(*p)
}

func formatEnvelope(p envelopeParams) string {
	return p.Options.FormatInboundEnvelope(openclaw.InboundEnvelope{
		Channel: p.Channel, From: p.From,
		Timestamp: ms(p.Timestamp), PreviousTimestamp: ms(p.PreviousTimestamp), Body: p.Body, ChatType: p.ChatType,
		SenderLabel: p.SenderLabel, SenderName: p.SenderName, SenderID: p.SenderID,
	})
}

func formatFromLabel(isGroup bool, groupLabel, groupID, fallback, directLabel, directID string) string {
	return openclaw.FormatFromLabel(openclaw.FromLabel{
		IsGroup: isGroup, GroupLabel: groupLabel, GroupID: groupID,
		GroupFallback: fallback, DirectLabel: directLabel, DirectID: directID,
	})
}

func mediaKind(mime string) string { return openclaw.MediaKindFromMime(mime) }

type jsRegexp = jsregex.Regexp

// compileMentions is buildMentionRegexes for a routed agent's patterns.
func compileMentions(patterns []string) []*jsRegexp {
	res, _ := openclaw.CompileMentionPatterns(patterns)
	return res
}

// matchMentions is matchesMentionPatterns.
func matchMentions(text string, res []*jsRegexp) bool { return openclaw.MatchesMention(text, res) }
