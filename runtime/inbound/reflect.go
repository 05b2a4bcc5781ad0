package inbound

import (
	"regexp"
	"strings"
	"sync"
)

// The reflection guard (extensions/imessage/src/monitor/reflection-guard.ts)
// drops inbound text that carries the assistant's internal markers outside
// code: such text is the bot's own output bounced back into the chat.
//
// OpenClaw's patterns are JavaScript regexes with the "i" flag. They are
// written here for Go's RE2 with the differences spelled out, since they
// have no lookaround or backreferences and RE2's leftmost-first matching
// then finds the same matches: \s is JavaScript's whitespace class, and the
// "i" flag folds ASCII letters only (non-Unicode JavaScript never folds a
// non-ASCII character to an ASCII one, so "ſ" is not "s" and the Kelvin
// sign is not "k"), hence explicit [aA] classes instead of (?i).

const jsSpace = `\t\n\x0B\f\r \x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}`

// ci spells an ASCII word case-insensitively: "ab" -> "[aA][bB]".
func ci(word string) string {
	var b strings.Builder
	for _, r := range word {
		if r >= 'a' && r <= 'z' {
			b.WriteString("[" + string(r) + string(r-32) + "]")
		} else {
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	return b.String()
}

var reflection = sync.OnceValue(func() []struct {
	re    *regexp.Regexp
	label string
} {
	s := "[" + jsSpace + "]"
	w := `[A-Za-z0-9_]`
	return []struct {
		re    *regexp.Regexp
		label string
	}{
		{regexp.MustCompile(`(?:#\+){2,}#?`), "internal-separator"},
		{regexp.MustCompile(`\b` + ci("assistant") + s + `+` + ci("to") + s + `*=` + s + `*` + w + `+`), "assistant-role-marker"},
		{regexp.MustCompile(`<` + s + `*/?` + s + `*(?:` + ci("think") + `(?:` + ci("ing") + `)?|` + ci("thought") + `|` + ci("antthinking") + `)\b[^<>]*>`), "thinking-tag"},
		{regexp.MustCompile(`<` + s + `*/?` + s + `*` + ci("relevant") + `[-_]` + ci("memories") + `\b[^<>]*>`), "relevant-memories-tag"},
		{regexp.MustCompile(`<` + s + `*/?` + s + `*` + ci("final") + `\b[^<>]*>`), "final-tag"},
	}
})

// reflectedLabels is detectReflectedContent: the labels of the markers found
// outside code regions (nil when none).
func reflectedLabels(text string) []string {
	// Each pattern needs a literal the text must contain; most messages
	// have none, and the regexps never run.
	sep, role, tag := strings.Contains(text, "#+#+"), containsFoldASCII(text, "assistant"), strings.IndexByte(text, '<') >= 0
	if !sep && !role && !tag {
		return nil
	}
	var regions [][2]int
	var out []string
	computed := false
	for i, p := range reflection() {
		if (i == 0 && !sep) || (i == 1 && !role) || (i >= 2 && !tag) {
			continue
		}
		for _, m := range p.re.FindAllStringIndex(text, -1) {
			if !computed {
				regions, computed = codeRegions(text), true
			}
			if !insideCode(m[0], regions) {
				out = append(out, p.label)
				break
			}
		}
	}
	return out
}

// codeRegions is findCodeRegions (src/shared/text/code-regions.ts): fenced
// blocks (``` or ~~~ at the start of the text or after a newline, up to the
// same fence on its own line or the end of the text), then inline code
// spans not inside a fence, sorted by start. Offsets are bytes; OpenClaw's
// are UTF-16 units, and containment is the same in either.
func codeRegions(text string) [][2]int {
	var regions [][2]int
	// /(^|\n)(```|~~~)[^\n]*\n[\s\S]*?(?:\n\2(?:\n|$)|$)/g
	for p := 0; p < len(text); {
		start := -1
		switch {
		case p == 0 && fenceAt(text, 0) != "":
			start = 0
		case text[p] == '\n' && fenceAt(text, p+1) != "":
			start = p + 1
		}
		if start < 0 {
			p++
			continue
		}
		fence := fenceAt(text, start)
		nl := strings.IndexByte(text[start+3:], '\n')
		if nl < 0 {
			p++ // the opening line has no newline: no match here
			continue
		}
		body := start + 3 + nl + 1
		end := len(text)
		for k := body; k < len(text); k++ {
			if text[k] == '\n' && strings.HasPrefix(text[k+1:], fence) {
				after := k + 1 + len(fence)
				if after == len(text) {
					end = after
					break
				}
				if text[after] == '\n' {
					end = after + 1
					break
				}
			}
		}
		regions = append(regions, [2]int{start, end})
		p = end
		if p == start { // cannot happen (a match is never empty); guard anyway
			p++
		}
	}
	fenced := len(regions)
	// /`+[^`]+`+/g
	for p := 0; p < len(text); {
		if text[p] != '`' {
			p++
			continue
		}
		i := p
		for i < len(text) && text[i] == '`' {
			i++
		}
		j := i
		for j < len(text) && text[j] != '`' {
			j++
		}
		k := j
		for k < len(text) && text[k] == '`' {
			k++
		}
		if j == i || k == j {
			p++
			continue
		}
		inside := false
		for _, r := range regions[:fenced] {
			if p >= r[0] && k <= r[1] {
				inside = true
				break
			}
		}
		if !inside {
			regions = append(regions, [2]int{p, k})
		}
		p = k
	}
	// regions.sort((a, b) => a.start - b.start) is stable.
	sortRegions(regions)
	return regions
}

func fenceAt(text string, i int) string {
	for _, f := range []string{"```", "~~~"} {
		if strings.HasPrefix(text[min(i, len(text)):], f) {
			return f
		}
	}
	return ""
}

func sortRegions(r [][2]int) {
	for i := 1; i < len(r); i++ {
		for j := i; j > 0 && r[j][0] < r[j-1][0]; j-- {
			r[j], r[j-1] = r[j-1], r[j]
		}
	}
}

func insideCode(pos int, regions [][2]int) bool {
	for _, r := range regions {
		if pos >= r[0] && pos < r[1] {
			return true
		}
	}
	return false
}

// containsFoldASCII reports whether s contains word (lower-case ASCII) in
// any ASCII letter case.
func containsFoldASCII(s, word string) bool {
	n := len(word)
	lo, up := word[0], word[0]-('a'-'A')
	for i := 0; i+n <= len(s); i++ {
		// Skip to the next possible first letter.
		j := strings.IndexByte(s[i:len(s)-n+1], lo)
		if k := strings.IndexByte(s[i:len(s)-n+1], up); k >= 0 && (j < 0 || k < j) {
			j = k
		}
		if j < 0 {
			return false
		}
		i += j
		if asciiFoldEqual(s[i+1:i+n], word[1:]) {
			return true
		}
	}
	return false
}

func asciiFoldEqual(s, lower string) bool {
	for k := 0; k < len(lower); k++ {
		c := s[k]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[k] {
			return false
		}
	}
	return true
}
