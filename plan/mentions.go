package plan

import (
	"regexp"
	"strings"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
)

// NewMentions compiles patterns as OpenClaw's buildMentionRegexes does and
// records which it rejects, so the plan, the lints and the runtime share
// one verdict on whether mentions can be detected.
func NewMentions(patterns Value[[]string]) Mentions {
	m := Mentions{Patterns: patterns}
	for _, p := range patterns.Value {
		t := openclaw.TrimJS(strings.ReplaceAll(p, "\b", `\b`))
		if t == "" {
			continue
		}
		if _, err := regexp.Compile("(?i)" + t); err != nil { // interim: replaced by the JS engine
			m.Rejected = append(m.Rejected, RejectedPattern{Pattern: p, Reason: "invalid"})
			continue
		}
		m.CanDetect = true
	}
	return m
}
