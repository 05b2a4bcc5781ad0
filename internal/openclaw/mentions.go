package openclaw

import (
	"errors"
	"strings"

	"github.com/openclawcfg/openclawcfg/internal/jsregex"
)

// Group-chat mention detection as OpenClaw 2026.3.24 does it
// (dist/reply-history-*.js, src/auto-reply/reply/mentions.ts:
// deriveMentionPatterns, normalizeMentionPattern, buildMentionRegexes,
// normalizeMentionText, matchesMentionPatterns; dist/config-regex-*.js
// compileConfigRegexes; dist/safe-regex-*.js compileSafeRegexDetailed).
// Patterns are V8 regular expressions, run by internal/jsregex.

// RejectedPattern is a mention pattern OpenClaw skips, logging
// "Ignoring unsupported group mention pattern" with pattern, flags and
// reason.
type RejectedPattern struct {
	Index   int    // position in the list given to CompileMentionPatterns
	Pattern string // as OpenClaw logs it: trimmed, a backspace written as \b
	Flags   string // "i"
	Reason  string // SafeRegexUnsafeNestedRepetition or SafeRegexInvalid (SafeRegexUnsupported: jsregex only)
}

// CompileMentionPatterns is buildMentionRegexes for an already resolved
// pattern list: each literal backspace character becomes \b
// (normalizeMentionPattern; a JSON "\b" escape is a backspace, not a word
// boundary), then compileConfigRegexes(patterns, "i"): blank patterns are
// skipped silently, the rest go through the safe-regex gate, and the
// refused ones are reported. res keeps the patterns' order.
func CompileMentionPatterns(patterns []string) (res []*jsregex.Regexp, rejected []RejectedPattern) {
	for i, p := range patterns {
		re, trimmed, reason := CompileSafeRegex(strings.ReplaceAll(p, "\b", `\b`), "i")
		switch {
		case re != nil:
			res = append(res, re)
		case reason != SafeRegexEmpty:
			rejected = append(rejected, RejectedPattern{Index: i, Pattern: trimmed, Flags: "i", Reason: reason})
		}
	}
	return res, rejected
}

// MatchesMention is matchesMentionPatterns(text, res): false without
// patterns or when the cleaned text is empty; otherwise whether any
// pattern matches the text with zero-width and bidi format characters
// (U+200B–U+200F, U+202A–U+202E, U+2060–U+206F) removed and lower-cased
// as JavaScript does. A match abandoned by jsregex's timeout counts as no
// match; MatchesMentionDetailed reports it.
func MatchesMention(text string, res []*jsregex.Regexp) bool {
	ok, _ := MatchesMentionDetailed(text, res)
	return ok
}

// MatchesMentionDetailed is MatchesMention plus the errors of the matches
// jsregex abandoned (jsregex.ErrTimeout, jsregex.ErrBacktrackLimit), which
// the runtime logs; V8 would have kept running them.
func MatchesMentionDetailed(text string, res []*jsregex.Regexp) (bool, error) {
	if len(res) == 0 {
		return false, nil
	}
	cleaned := normalizeMentionText(text)
	if cleaned == "" {
		return false, nil
	}
	var errs []error
	for _, re := range res {
		ok, err := re.MatchString(cleaned)
		if err != nil {
			errs = append(errs, err)
		}
		if ok {
			return true, errors.Join(errs...)
		}
	}
	return false, errors.Join(errs...)
}

// normalizeMentionText removes the zero-width and bidi format characters
// and lower-cases like String.prototype.toLowerCase.
func normalizeMentionText(text string) string {
	return ToLowerJS(strings.Map(func(r rune) rune {
		if r >= 0x200B && r <= 0x200F || r >= 0x202A && r <= 0x202E || r >= 0x2060 && r <= 0x206F {
			return -1
		}
		return r
	}, text))
}

// DeriveMentionPatterns is deriveMentionPatterns(identity), the patterns
// an agent gets from its identity when no mentionPatterns are configured:
// for a name (trimmed) \b@?<words>\b, its words split on JavaScript
// whitespace, regex-escaped and joined by \s+; for an emoji (trimmed) the
// escaped emoji. An empty string stands for an absent field.
//
// The word boundaries are ASCII (V8's \b): a name that begins or ends
// with a non-word character ("Ünicode", "$bot", "C.L.A.W. (bot)") only
// matches where a word character sits on the other side, so such names
// are in effect never mentioned.
func DeriveMentionPatterns(name, emoji string) []string {
	var out []string
	if name = TrimJS(name); name != "" {
		var words []string
		for _, w := range strings.FieldsFunc(name, IsJSSpace) {
			words = append(words, escapeRegExp(w))
		}
		re := strings.Join(words, `\s+`)
		if len(words) == 0 {
			re = escapeRegExp(name)
		}
		out = append(out, `\b@?`+re+`\b`)
	}
	if emoji = TrimJS(emoji); emoji != "" {
		out = append(out, escapeRegExp(emoji))
	}
	return out
}

// escapeRegExp is OpenClaw's escapeRegExp: a backslash before each of
// . * + ? ^ $ { } ( ) | [ ] \.
func escapeRegExp(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(`.*+?^${}()|[]\`, s[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
