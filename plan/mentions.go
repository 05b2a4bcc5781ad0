package plan

import "github.com/openclawcfg/openclawcfg/internal/openclaw"

// NewMentions compiles patterns as OpenClaw's buildMentionRegexes does
// (V8 regular expressions behind its safe-regex check) and records which it
// rejects, so the plan, the lints and the runtime share one verdict on
// whether mentions can be detected.
func NewMentions(patterns Value[[]string]) Mentions {
	m := Mentions{Patterns: patterns}
	res, rejected := openclaw.CompileMentionPatterns(patterns.Value)
	for _, r := range rejected {
		m.Rejected = append(m.Rejected, RejectedPattern{Pattern: patterns.Value[r.Index], Reason: r.Reason})
	}
	m.CanDetect = len(res) > 0
	return m
}
