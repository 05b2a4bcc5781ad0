package inbound

// Interim adapters for the OpenClaw ports that land in internal/openclaw
// and internal/jsregex (mention patterns, control commands, the envelope).

import (
	"regexp"
	"strings"
	"time"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
	"github.com/openclawcfg/openclawcfg/plan"
)

type jsRegexp = regexp.Regexp

func compileMentions(patterns []string) []*jsRegexp {
	var out []*jsRegexp
	for _, p := range patterns {
		t := openclaw.TrimJS(strings.ReplaceAll(p, "\b", `\b`))
		if t == "" {
			continue
		}
		if re, err := regexp.Compile("(?i)" + t); err == nil {
			out = append(out, re)
		}
	}
	return out
}

func matchMentions(text string, res []*jsRegexp) bool {
	cleaned := openclaw.ToLowerJS(strings.Map(func(r rune) rune {
		if r >= 0x200b && r <= 0x200f || r >= 0x202a && r <= 0x202e || r >= 0x2060 && r <= 0x206f {
			return -1
		}
		return r
	}, text))
	if cleaned == "" {
		return false
	}
	for _, re := range res {
		if re.MatchString(cleaned) {
			return true
		}
	}
	return false
}

type commandDetector struct{}

func commandsOf(*plan.Plan) commandDetector { return commandDetector{} }

func (commandDetector) HasControlCommand(text string) bool {
	t := strings.ToLower(openclaw.TrimJS(text))
	for _, c := range []string{"/status", "/new", "/reset", "/help", "/whoami"} {
		if t == c || strings.HasPrefix(t, c+" ") {
			return true
		}
	}
	return false
}

type envelopeOptions struct{}

func envelopeOf(*plan.Plan) envelopeOptions { return envelopeOptions{} }

type envelopeParams struct {
	Channel, From                string
	Timestamp, PreviousTimestamp *int64
	Body, ChatType               string
	SenderName, SenderID         string
	SenderLabel                  string
	Options                      envelopeOptions
}

func formatEnvelope(p envelopeParams) string {
	parts := []string{p.Channel}
	if f := openclaw.TrimJS(p.From); f != "" {
		parts = append(parts, f)
	}
	if p.Timestamp != nil && *p.Timestamp != 0 {
		t := time.UnixMilli(*p.Timestamp).In(time.Local)
		parts = append(parts, t.Format("Mon 2006-01-02 15:04 MST"))
	}
	body := p.Body
	if p.ChatType == "group" {
		sender := openclaw.TrimJS(p.SenderLabel)
		if sender == "" {
			sender = p.SenderName
			if p.SenderID != "" && p.SenderID != p.SenderName {
				sender += " (" + p.SenderID + ")"
			}
		}
		if sender != "" {
			body = sender + ": " + body
		}
	}
	return "[" + strings.Join(parts, " ") + "] " + body
}

func formatFromLabel(isGroup bool, groupLabel, groupID, fallback, directLabel, directID string) string {
	if isGroup {
		label := openclaw.TrimJS(groupLabel)
		if label == "" {
			label = fallback
		}
		if id := openclaw.TrimJS(groupID); id != "" {
			return label + " id:" + id
		}
		return label
	}
	dl := openclaw.TrimJS(directLabel)
	di := openclaw.TrimJS(directID)
	if di == "" || di == dl {
		return dl
	}
	return dl + " id:" + di
}

func mediaKind(mime string) string {
	m := strings.ToLower(openclaw.TrimJS(mime))
	switch {
	case strings.HasPrefix(m, "image/"):
		return "image"
	case strings.HasPrefix(m, "audio/"):
		return "audio"
	case strings.HasPrefix(m, "video/"):
		return "video"
	case m == "":
		return ""
	}
	return "document"
}
