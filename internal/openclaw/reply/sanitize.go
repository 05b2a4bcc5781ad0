package reply

// sanitizeOutboundText of the iMessage monitor (imessage-VIY7pCuj.js,
// extensions/imessage/src/monitor/sanitize-outbound.ts) and what it calls
// (text-runtime-B-kOpuLv.js: stripAssistantInternalScaffolding,
// stripReasoningTagsFromText, stripRelevantMemoriesTags, findCodeRegions).

import (
	"sort"
	"strings"
	"unicode/utf8"
)

type region struct{ start, end int }

// findCodeRegions ports findCodeRegions: fenced blocks matched by
// /(^|\n)(```|~~~)[^\n]*\n[\s\S]*?(?:\n\2(?:\n|$)|$)/g, then inline code
// /`+[^`]+`+/g that is not inside one of them.
func findCodeRegions(text string) []region {
	var regions []region
	for p := 0; p < len(text); {
		lead := -1 // length of the (^|\n) group at p
		if p == 0 && (strings.HasPrefix(text, "```") || strings.HasPrefix(text, "~~~")) {
			lead = 0
		} else if text[p] == '\n' && (strings.HasPrefix(text[p+1:], "```") || strings.HasPrefix(text[p+1:], "~~~")) {
			lead = 1
		}
		if lead < 0 {
			p++
			continue
		}
		markerAt := p + lead
		marker := text[markerAt : markerAt+3]
		nl := strings.IndexByte(text[markerAt+3:], '\n')
		if nl < 0 {
			p++
			continue
		}
		bodyStart := markerAt + 3 + nl + 1
		// Lazy body: the first "\n" + marker followed by "\n" or the end,
		// else the rest of the text.
		end := len(text)
		for q := bodyStart; q < len(text); {
			i := strings.Index(text[q:], "\n"+marker)
			if i < 0 {
				break
			}
			q += i
			after := q + 1 + len(marker)
			if after == len(text) {
				end = after
				break
			}
			if text[after] == '\n' {
				end = after + 1
				break
			}
			q++
		}
		regions = append(regions, region{markerAt, end})
		p = end // > p: a match spans at least the marker and a newline
	}
	fences := len(regions)
	for p := 0; p < len(text); {
		i := strings.IndexByte(text[p:], '`')
		if i < 0 {
			break
		}
		start := p + i
		j := start
		for j < len(text) && text[j] == '`' {
			j++
		}
		k := j
		for k < len(text) && text[k] != '`' {
			k++
		}
		if k == j || k == len(text) {
			// No closing run after some text: no match starting in this run.
			p = j
			continue
		}
		e := k
		for e < len(text) && text[e] == '`' {
			e++
		}
		inside := false
		for _, r := range regions[:fences] {
			if start >= r.start && e <= r.end {
				inside = true
				break
			}
		}
		if !inside {
			regions = append(regions, region{start, e})
		}
		p = e
	}
	sort.SliceStable(regions, func(i, j int) bool { return regions[i].start < regions[j].start })
	return regions
}

func isInsideCode(pos int, regions []region) bool {
	for _, r := range regions {
		if pos >= r.start && pos < r.end {
			return true
		}
	}
	return false
}

// matchTag matches /<\s*(\/?)\s*(?:NAMES)\b[^<>]*>/i at i, where names
// are tried in order (each a fixed ASCII word); it returns the end and
// whether the tag closes.
func matchTag(s string, i int, names []string) (end int, isClose bool) {
	if s[i] != '<' {
		return -1, false
	}
	j := skipJSSpace(s, i+1)
	if j < len(s) && s[j] == '/' {
		isClose = true
		j = skipJSSpace(s, j+1)
	}
	for _, name := range names {
		if !hasPrefixFold(s[j:], name) {
			continue
		}
		k := j + len(name)
		if k < len(s) && isJSWordByte(s[k]) { // \b
			continue
		}
		for k < len(s) && s[k] != '<' && s[k] != '>' {
			k++
		}
		if k < len(s) && s[k] == '>' {
			return k + 1, isClose
		}
		return -1, false // [^<>]* stopped at '<' or the end
	}
	return -1, false
}

var (
	thinkingNames = []string{"thinking", "think", "thought", "antthinking"}
	finalNames    = []string{"final"}
	memoryNames   = []string{"relevant-memories", "relevant_memories"}
)

// hasQuickTag is /<\s*\/?\s*(?:NAMES)\b/i.test(s).
func hasQuickTag(s string, names []string) bool {
	for i := strings.IndexByte(s, '<'); i >= 0; {
		j := skipJSSpace(s, i+1)
		if j < len(s) && s[j] == '/' {
			j = skipJSSpace(s, j+1)
		}
		for _, name := range names {
			if hasPrefixFold(s[j:], name) && (j+len(name) == len(s) || !isJSWordByte(s[j+len(name)])) {
				return true
			}
		}
		n := strings.IndexByte(s[i+1:], '<')
		if n < 0 {
			break
		}
		i += 1 + n
	}
	return false
}

type tagMatch struct {
	start, end int
	isClose    bool
}

func findTags(s string, names []string) []tagMatch {
	var out []tagMatch
	for i := 0; i < len(s); {
		n := strings.IndexByte(s[i:], '<')
		if n < 0 {
			break
		}
		i += n
		if end, cl := matchTag(s, i, names); end >= 0 {
			out = append(out, tagMatch{i, end, cl})
			i = end
			continue
		}
		i++
	}
	return out
}

// stripReasoningTags ports stripReasoningTagsFromText with mode "preserve"
// and trim "start": <final> tags outside code are removed, thinking blocks
// outside code are cut out (an unclosed one keeps its text), the result is
// trimmed at the start.
func stripReasoningTags(text string) string {
	if text == "" || !hasQuickTag(text, []string{"thinking", "think", "thought", "antthinking", "final"}) {
		return text
	}
	cleaned := text
	if finals := findTags(cleaned, finalNames); len(finals) > 0 {
		pre := findCodeRegions(cleaned)
		for i := len(finals) - 1; i >= 0; i-- {
			m := finals[i]
			if !isInsideCode(m.start, pre) {
				cleaned = cleaned[:m.start] + cleaned[m.end:]
			}
		}
	}
	codeRegions := findCodeRegions(cleaned)
	var b strings.Builder
	last := 0
	inThinking := false
	for _, m := range findTags(cleaned, thinkingNames) {
		if isInsideCode(m.start, codeRegions) {
			continue
		}
		if !inThinking {
			b.WriteString(cleaned[last:m.start])
			if !m.isClose {
				inThinking = true
			}
		} else if m.isClose {
			inThinking = false
		}
		last = m.end
	}
	b.WriteString(cleaned[last:]) // mode "preserve"
	return trimStartJS(b.String())
}

// stripRelevantMemories ports stripRelevantMemoriesTags: <relevant-memories>
// blocks outside code are removed; an unclosed one drops the rest.
func stripRelevantMemories(text string) string {
	if text == "" || !hasQuickTag(text, memoryNames) {
		return text
	}
	codeRegions := findCodeRegions(text)
	var b strings.Builder
	last := 0
	inBlock := false
	for _, m := range findTags(text, memoryNames) {
		if isInsideCode(m.start, codeRegions) {
			continue
		}
		if !inBlock {
			b.WriteString(text[last:m.start])
			if !m.isClose {
				inBlock = true
			}
		} else if m.isClose {
			inBlock = false
		}
		last = m.end
	}
	if !inBlock {
		b.WriteString(text[last:])
	}
	return b.String()
}

func stripAssistantInternalScaffolding(text string) string {
	return trimStartJS(stripRelevantMemories(stripReasoningTags(text)))
}

// stripInternalSeparators removes /(?:#\+){2,}#?/g.
func stripInternalSeparators(s string) string {
	if !strings.Contains(s, "#+#+") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		j := i
		for j+1 < len(s) && s[j] == '#' && s[j+1] == '+' {
			j += 2
		}
		if j-i >= 4 {
			if j < len(s) && s[j] == '#' {
				j++
			}
			i = j
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

func isWordBoundaryBefore(s string, i int) bool { return i == 0 || !isJSWordByte(s[i-1]) }

// stripAssistantRoleMarkers removes /\bassistant\s+to\s*=\s*\w+/gi.
func stripAssistantRoleMarkers(s string) string {
	if !containsFoldASCII(s, "assistant") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if hasPrefixFold(s[i:], "assistant") && isWordBoundaryBefore(s, i) {
			j := i + len("assistant")
			k := skipJSSpace(s, j)
			if k > j && hasPrefixFold(s[k:], "to") {
				k = skipJSSpace(s, k+2)
				if k < len(s) && s[k] == '=' {
					k = skipJSSpace(s, k+1)
					e := k
					for e < len(s) && isJSWordByte(s[e]) {
						e++
					}
					if e > k {
						i = e
						continue
					}
				}
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// isLineTerminatorAt reports JS's multiline $ at i: the end or before
// \n, \r, U+2028, U+2029.
func isLineTerminatorAt(s string, i int) bool {
	if i >= len(s) {
		return true
	}
	switch s[i] {
	case '\n', '\r':
		return true
	}
	return strings.HasPrefix(s[i:], "\u2028") || strings.HasPrefix(s[i:], "\u2029")
}

// stripRoleTurnMarkers removes /\b(?:user|system|assistant)\s*:\s*$/gm:
// the greedy \s* after the colon may run over newlines and gives back until
// a line ends.
func stripRoleTurnMarkers(s string) string {
	if !strings.Contains(s, ":") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if c := s[i] | 0x20; (c == 'u' || c == 's' || c == 'a') && s[i] < 0x80 {
			if end := roleTurnMarkerAt(s, i); end >= 0 {
				i = end
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

func roleTurnMarkerAt(s string, i int) int {
	if !isWordBoundaryBefore(s, i) {
		return -1
	}
	for _, name := range []string{"user", "system", "assistant"} {
		if !hasPrefixFold(s[i:], name) {
			continue
		}
		j := skipJSSpace(s, i+len(name))
		if j >= len(s) || s[j] != ':' {
			return -1
		}
		start := j + 1
		k := skipJSSpace(s, start)
		for k > start && !isLineTerminatorAt(s, k) {
			_, n := utf8.DecodeLastRuneInString(s[start:k])
			k -= n
		}
		if isLineTerminatorAt(s, k) {
			return k
		}
		return -1
	}
	return -1
}

// collapseBlankLines is .replace(/\n{3,}/g, "\n\n").
func collapseBlankLines(s string) string {
	if !strings.Contains(s, "\n\n\n") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] == '\n' {
			j := i
			for j < len(s) && s[j] == '\n' {
				j++
			}
			if j-i >= 3 {
				b.WriteString("\n\n")
			} else {
				b.WriteString(s[i:j])
			}
			i = j
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// sanitizeOutboundText ports the iMessage monitor's sanitizeOutboundText.
func sanitizeOutboundText(text string) string {
	if text == "" {
		return text
	}
	cleaned := stripAssistantInternalScaffolding(text)
	cleaned = stripInternalSeparators(cleaned)
	cleaned = stripAssistantRoleMarkers(cleaned)
	cleaned = stripRoleTurnMarkers(cleaned)
	return trimJS(collapseBlankLines(cleaned))
}
