package reply

// markdown-it 14.3.3's inline parser (lib/parser_inline.mjs and
// lib/rules_inline/*.mjs) with the rules OpenClaw's table converter leaves
// active: text, newline, escape, backticks, strikethrough, emphasis, link,
// image and entity (linkify, autolink and html_inline never match with its
// options). Post-processing runs balance_pairs, strikethrough, emphasis and
// fragments_join; the core text_join step is applied in parseMarkdown.

import (
	"strings"
	"unicode/utf8"
)

const tTextSpecial tokKind = 200 // escapes and entities until text_join

type delim struct {
	marker      byte
	length      int
	token       int
	end         int
	open, close bool
}

type delimList struct{ d []delim }

type inlineState struct {
	src        string
	env        *mdEnv
	tokens     []*mdToken
	tokensMeta []*delimList
	pos        int
	posMax     int
	level      int
	pending    []byte
	pendLevel  int
	cache      map[int]int
	delims     *delimList
	prevDelims []*delimList
	backticks  map[int]int
	btScanned  bool
}

func parseInline(src string, env *mdEnv) []*mdToken {
	s := &inlineState{src: src, env: env, posMax: len(src), cache: map[int]int{}, delims: &delimList{}, backticks: map[int]int{}}
	s.tokenize()
	s.balancePairs()
	s.strikethroughPost()
	s.emphasisPost()
	s.fragmentsJoin()
	return s.tokens
}

func (s *inlineState) at(pos int) byte {
	if pos < 0 || pos >= len(s.src) {
		return 0
	}
	return s.src[pos]
}

func (s *inlineState) pushPending() *mdToken {
	t := &mdToken{kind: tText, content: string(s.pending), level: s.pendLevel, start: 1}
	s.tokens = append(s.tokens, t)
	s.tokensMeta = append(s.tokensMeta, nil)
	s.pending = s.pending[:0]
	return t
}

func (s *inlineState) push(kind tokKind, nesting int8) *mdToken {
	if len(s.pending) > 0 {
		s.pushPending()
	}
	t := &mdToken{kind: kind, nesting: nesting, start: 1}
	var meta *delimList
	if nesting < 0 {
		s.level--
		if n := len(s.prevDelims); n > 0 {
			s.delims = s.prevDelims[n-1]
			s.prevDelims = s.prevDelims[:n-1]
		}
	}
	t.level = s.level
	if nesting > 0 {
		s.level++
		s.prevDelims = append(s.prevDelims, s.delims)
		s.delims = &delimList{}
		meta = s.delims
	}
	s.pendLevel = s.level
	s.tokens = append(s.tokens, t)
	s.tokensMeta = append(s.tokensMeta, meta)
	return t
}

type inlineRule uint8

const (
	irText inlineRule = iota
	irNewline
	irEscape
	irBackticks
	irStrikethrough
	irEmphasis
	irLink
	irImage
	irEntity
)

var inlineRules = []inlineRule{irText, irNewline, irEscape, irBackticks, irStrikethrough, irEmphasis, irLink, irImage, irEntity}

func (s *inlineState) run(r inlineRule, silent bool) bool {
	switch r {
	case irText:
		return s.ruleText(silent)
	case irNewline:
		return s.ruleNewline(silent)
	case irEscape:
		return s.ruleEscape(silent)
	case irBackticks:
		return s.ruleBackticks(silent)
	case irStrikethrough:
		return s.ruleStrikethrough(silent)
	case irEmphasis:
		return s.ruleEmphasis(silent)
	case irLink:
		return s.ruleLink(silent)
	case irImage:
		return s.ruleImage(silent)
	case irEntity:
		return s.ruleEntity(silent)
	}
	return false
}

func (s *inlineState) skipToken() {
	pos := s.pos
	if v, ok := s.cache[pos]; ok {
		s.pos = v
		return
	}
	ok := false
	if s.level < maxNesting {
		for _, r := range inlineRules {
			s.level++
			ok = s.run(r, true)
			s.level--
			if ok {
				if pos >= s.pos { // a rule must advance; never loop
					s.pos = pos + 1
				}
				break
			}
		}
	} else {
		s.pos = s.posMax
	}
	if !ok {
		s.pos++
	}
	s.cache[pos] = s.pos
}

func (s *inlineState) tokenize() {
	end := s.posMax
	for s.pos < end {
		prevPos := s.pos
		ok := false
		if s.level < maxNesting {
			for _, r := range inlineRules {
				if s.run(r, false) {
					ok = true
					break
				}
			}
		}
		if ok {
			if s.pos <= prevPos { // a rule must advance; never loop
				s.pos = prevPos + 1
			}
			if s.pos >= end {
				break
			}
			continue
		}
		s.pending = append(s.pending, s.src[s.pos])
		s.pos++
	}
	if len(s.pending) > 0 {
		s.pushPending()
	}
}

func isTerminatorChar(c byte) bool {
	switch c {
	case '\n', '!', '#', '$', '%', '&', '*', '+', '-', ':', '<', '=', '>', '@', '[', '\\', ']', '^', '_', '`', '{', '}', '~':
		return true
	}
	return false
}

func (s *inlineState) ruleText(silent bool) bool {
	pos := s.pos
	for pos < s.posMax && !isTerminatorChar(s.src[pos]) {
		pos++
	}
	if pos == s.pos {
		return false
	}
	if !silent {
		s.pending = append(s.pending, s.src[s.pos:pos]...)
	}
	s.pos = pos
	return true
}

func (s *inlineState) ruleNewline(silent bool) bool {
	pos := s.pos
	if s.at(pos) != '\n' {
		return false
	}
	pmax := len(s.pending) - 1
	max := s.posMax
	if !silent {
		if pmax >= 0 && s.pending[pmax] == ' ' {
			if pmax >= 1 && s.pending[pmax-1] == ' ' {
				ws := pmax - 1
				for ws >= 1 && s.pending[ws-1] == ' ' {
					ws--
				}
				s.pending = s.pending[:ws]
				s.push(tHardbreak, 0)
			} else {
				s.pending = s.pending[:pmax]
				s.push(tSoftbreak, 0)
			}
		} else {
			s.push(tSoftbreak, 0)
		}
	}
	pos++
	for pos < max && isMdSpace(s.src[pos]) {
		pos++
	}
	s.pos = pos
	return true
}

func isEscapable(c byte) bool {
	return c < utf8.RuneSelf && strings.IndexByte("\\!\"#$%&'()*+,./:;<=>?@[]^_`{|}~-", c) >= 0
}

func (s *inlineState) ruleEscape(silent bool) bool {
	pos := s.pos
	max := s.posMax
	if s.at(pos) != '\\' {
		return false
	}
	pos++
	if pos >= max {
		return false
	}
	ch1 := s.src[pos]
	if ch1 == '\n' {
		if !silent {
			s.push(tHardbreak, 0)
		}
		pos++
		for pos < max && isMdSpace(s.src[pos]) {
			pos++
		}
		s.pos = pos
		return true
	}
	if ch1 == ' ' {
		if !silent {
			s.push(tTextSpecial, 0).content = "\\"
		}
		s.pos = pos
		return true
	}
	_, size := utf8.DecodeRuneInString(s.src[pos:])
	if size > max-pos {
		size = max - pos
	}
	escaped := s.src[pos : pos+size]
	if !silent {
		t := s.push(tTextSpecial, 0)
		if isEscapable(ch1) {
			t.content = escaped
		} else {
			t.content = "\\" + escaped
		}
	}
	s.pos = pos + size
	return true
}

func (s *inlineState) ruleBackticks(silent bool) bool {
	pos := s.pos
	if s.at(pos) != '`' {
		return false
	}
	start := pos
	pos++
	max := s.posMax
	for pos < max && s.src[pos] == '`' {
		pos++
	}
	marker := s.src[start:pos]
	openerLength := len(marker)
	if s.btScanned && s.backticks[openerLength] <= start {
		if !silent {
			s.pending = append(s.pending, marker...)
		}
		s.pos += openerLength
		return true
	}
	matchEnd := pos
	for {
		i := strings.IndexByte(s.src[matchEnd:], '`')
		if i < 0 {
			break
		}
		matchStart := matchEnd + i
		matchEnd = matchStart + 1
		for matchEnd < max && s.src[matchEnd] == '`' {
			matchEnd++
		}
		closerLength := matchEnd - matchStart
		if closerLength == openerLength {
			if !silent {
				t := s.push(tCodeInline, 0)
				t.content = stripOneSpacePair(strings.ReplaceAll(s.src[pos:matchStart], "\n", " "))
			}
			s.pos = matchEnd
			return true
		}
		s.backticks[closerLength] = matchStart
	}
	s.btScanned = true
	if !silent {
		s.pending = append(s.pending, marker...)
	}
	s.pos += openerLength
	return true
}

// stripOneSpacePair is .replace(/^ (.+) $/, '$1'): '.' rejects the JS line
// terminators, of which only \r, U+2028 and U+2029 can remain here.
func stripOneSpacePair(s string) string {
	if len(s) < 3 || s[0] != ' ' || s[len(s)-1] != ' ' {
		return s
	}
	inner := s[1 : len(s)-1]
	if strings.ContainsAny(inner, "\r\n\u2028\u2029") {
		return s
	}
	return inner
}

// scanDelims decides whether a run of emphasis-like markers can open or
// close, from the characters around it (code points, as markdown-it
// reassembles surrogate pairs).
func (s *inlineState) scanDelims(start int, canSplitWord bool) (canOpen, canClose bool, length int) {
	max := s.posMax
	marker := s.src[start]
	lastChar := rune(0x20)
	if start > 0 {
		lastChar, _ = utf8.DecodeLastRuneInString(s.src[:start])
	}
	pos := start
	for pos < max && s.src[pos] == marker {
		pos++
	}
	length = pos - start
	nextChar := rune(0x20)
	if pos < max {
		nextChar, _ = utf8.DecodeRuneInString(s.src[pos:])
	}
	isLastPunct := isMdAsciiPunct(lastChar) || isPunctOrSymbol(lastChar)
	isNextPunct := isMdAsciiPunct(nextChar) || isPunctOrSymbol(nextChar)
	isLastWS := isMdWhiteSpace(lastChar)
	isNextWS := isMdWhiteSpace(nextChar)
	leftFlanking := !isNextWS && (!isNextPunct || isLastWS || isLastPunct)
	rightFlanking := !isLastWS && (!isLastPunct || isNextWS || isNextPunct)
	canOpen = leftFlanking && (canSplitWord || !rightFlanking || isLastPunct)
	canClose = rightFlanking && (canSplitWord || !leftFlanking || isNextPunct)
	return canOpen, canClose, length
}

func isMdWhiteSpace(c rune) bool {
	if c >= 0x2000 && c <= 0x200A {
		return true
	}
	switch c {
	case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, 0x1680, 0x202F, 0x205F, 0x3000:
		return true
	}
	return false
}

func isMdAsciiPunct(c rune) bool {
	return c < 0x80 && c > 0x20 && c != 0x7F && !(c >= '0' && c <= '9') && !(c >= 'A' && c <= 'Z') && !(c >= 'a' && c <= 'z')
}

func (s *inlineState) ruleStrikethrough(silent bool) bool {
	start := s.pos
	if silent || s.at(start) != '~' {
		return false
	}
	canOpen, canClose, n := s.scanDelims(s.pos, true)
	if n < 2 {
		return false
	}
	l := n
	if l%2 == 1 {
		s.push(tText, 0).content = "~"
		l--
	}
	for i := 0; i < l; i += 2 {
		s.push(tText, 0).content = "~~"
		s.delims.d = append(s.delims.d, delim{marker: '~', token: len(s.tokens) - 1, end: -1, open: canOpen, close: canClose})
	}
	s.pos += n
	return true
}

func (s *inlineState) ruleEmphasis(silent bool) bool {
	start := s.pos
	marker := s.at(start)
	if silent || (marker != '_' && marker != '*') {
		return false
	}
	canOpen, canClose, n := s.scanDelims(s.pos, marker == '*')
	for i := 0; i < n; i++ {
		s.push(tText, 0).content = string(marker)
		s.delims.d = append(s.delims.d, delim{marker: marker, length: n, token: len(s.tokens) - 1, end: -1, open: canOpen, close: canClose})
	}
	s.pos += n
	return true
}

// parseLinkLabel returns the end of the label that starts with '[' at
// start, or -1.
func (s *inlineState) parseLinkLabel(start int, disableNested bool) int {
	max := s.posMax
	oldPos := s.pos
	s.pos = start + 1
	level := 1
	found := false
	for s.pos < max {
		marker := s.src[s.pos]
		if marker == ']' {
			level--
			if level == 0 {
				found = true
				break
			}
		}
		prevPos := s.pos
		s.skipToken()
		if marker == '[' {
			if prevPos == s.pos-1 {
				level++
			} else if disableNested {
				s.pos = oldPos
				return -1
			}
		}
	}
	labelEnd := -1
	if found {
		labelEnd = s.pos
	}
	s.pos = oldPos
	return labelEnd
}

func isSpaceOrLF(c byte) bool { return isMdSpace(c) || c == '\n' }

func (s *inlineState) ruleLink(silent bool) bool {
	href := ""
	parseReference := true
	if s.at(s.pos) != '[' {
		return false
	}
	oldPos := s.pos
	max := s.posMax
	labelStart := s.pos + 1
	labelEnd := s.parseLinkLabel(s.pos, true)
	if labelEnd < 0 {
		return false
	}
	pos := labelEnd + 1
	if pos < max && s.src[pos] == '(' {
		parseReference = false
		pos++
		for pos < max && isSpaceOrLF(s.src[pos]) {
			pos++
		}
		if pos >= max {
			return false
		}
		if dest, dpos, ok := parseLinkDestination(s.src, pos, s.posMax); ok {
			href = normalizeLink(dest)
			if validateLink(href) {
				pos = dpos
			} else {
				href = ""
			}
			start := pos
			for pos < max && isSpaceOrLF(s.src[pos]) {
				pos++
			}
			title := parseLinkTitle(s.src, pos, s.posMax, nil)
			if pos < max && start != pos && title.ok {
				pos = title.pos
				for pos < max && isSpaceOrLF(s.src[pos]) {
					pos++
				}
			}
		}
		if pos >= max || s.src[pos] != ')' {
			parseReference = true
		}
		pos++
	}
	if parseReference {
		if s.env.references == nil {
			return false
		}
		var label string
		label, pos = s.refLabel(pos, max, labelStart, labelEnd)
		ref, ok := s.env.references[normalizeReference(label)]
		if !ok {
			s.pos = oldPos
			return false
		}
		href = ref
	}
	if !silent {
		s.pos = labelStart
		s.posMax = labelEnd
		s.push(tLinkOpen, 1).href = href
		s.tokenize()
		s.push(tLinkClose, -1)
	}
	s.pos = pos
	s.posMax = max
	return true
}

func (s *inlineState) ruleImage(silent bool) bool {
	oldPos := s.pos
	max := s.posMax
	if s.at(s.pos) != '!' || s.at(s.pos+1) != '[' {
		return false
	}
	labelStart := s.pos + 2
	labelEnd := s.parseLinkLabel(s.pos+1, false)
	if labelEnd < 0 {
		return false
	}
	pos := labelEnd + 1
	if pos < max && s.src[pos] == '(' {
		pos++
		for pos < max && isSpaceOrLF(s.src[pos]) {
			pos++
		}
		if pos >= max {
			return false
		}
		if dest, dpos, ok := parseLinkDestination(s.src, pos, s.posMax); ok {
			if validateLink(normalizeLink(dest)) {
				pos = dpos
			}
		}
		start := pos
		for pos < max && isSpaceOrLF(s.src[pos]) {
			pos++
		}
		title := parseLinkTitle(s.src, pos, s.posMax, nil)
		if pos < max && start != pos && title.ok {
			pos = title.pos
			for pos < max && isSpaceOrLF(s.src[pos]) {
				pos++
			}
		}
		if pos >= max || s.src[pos] != ')' {
			s.pos = oldPos
			return false
		}
		pos++
	} else {
		if s.env.references == nil {
			return false
		}
		var label string
		label, pos = s.refLabel(pos, max, labelStart, labelEnd)
		if _, ok := s.env.references[normalizeReference(label)]; !ok {
			s.pos = oldPos
			return false
		}
	}
	if !silent {
		// OpenClaw prints an image as its raw label source; the parsed alt
		// children are never read, so they are not built.
		s.push(tImage, 0).content = s.src[labelStart:labelEnd]
	}
	s.pos = pos
	s.posMax = max
	return true
}

func isHexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func (s *inlineState) ruleEntity(silent bool) bool {
	pos := s.pos
	max := s.posMax
	if s.at(pos) != '&' || pos+1 >= max {
		return false
	}
	rest := s.src[pos:] // the regexes run on src.slice(pos), not limited by posMax
	if s.src[pos+1] == '#' {
		// /^&#((?:x[a-f0-9]{1,6}|[0-9]{1,7}));/i
		i := 2
		hex := i < len(rest) && (rest[i] == 'x' || rest[i] == 'X')
		if hex {
			i++
		}
		j := i
		for j < len(rest) && j-i < 8 && (hex && isHexDigit(rest[j]) || !hex && rest[j] >= '0' && rest[j] <= '9') {
			j++
		}
		n := j - i
		if n >= 1 && (hex && n <= 6 || !hex && n <= 7) && j < len(rest) && rest[j] == ';' {
			if !silent {
				code := parseDigits(rest[i:j], hex)
				if !isValidEntityCode(code) {
					code = 0xFFFD
				}
				s.push(tTextSpecial, 0).content = string(rune(code))
			}
			s.pos += j + 1
			return true
		}
		return false
	}
	// /^&([a-z][a-z0-9]{1,31});/i
	if len(rest) < 2 || !isAlnum(rest[1]) || rest[1] <= '9' {
		return false
	}
	j := 2
	for j < len(rest) && j-1 < 32 && isAlnum(rest[j]) {
		j++
	}
	if j-1 < 2 || j >= len(rest) || rest[j] != ';' {
		return false
	}
	decoded, ok := decodeNamedEntityStrict(rest[1:j])
	if !ok {
		return false
	}
	if !silent {
		s.push(tTextSpecial, 0).content = decoded
	}
	s.pos += j + 1
	return true
}

func parseDigits(s string, hex bool) int {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		var d int
		switch {
		case c >= '0' && c <= '9':
			d = int(c - '0')
		case c >= 'a' && c <= 'f':
			d = int(c-'a') + 10
		default:
			d = int(c-'A') + 10
		}
		if hex {
			n = n*16 + d
		} else {
			n = n*10 + d
		}
	}
	return n
}

func isValidEntityCode(c int) bool {
	switch {
	case c >= 0xD800 && c <= 0xDFFF,
		c >= 0xFDD0 && c <= 0xFDEF,
		c&0xFFFF == 0xFFFF || c&0xFFFF == 0xFFFE,
		c >= 0x00 && c <= 0x08,
		c == 0x0B,
		c >= 0x0E && c <= 0x1F,
		c >= 0x7F && c <= 0x9F,
		c > 0x10FFFF:
		return false
	}
	return true
}

// processDelimiters is balance_pairs: match each closer with an opener.
func processDelimiters(delimiters []delim) {
	max := len(delimiters)
	if max == 0 {
		return
	}
	openersBottom := map[byte]*[6]int{}
	headerIdx := 0
	lastTokenIdx := -2
	jumps := make([]int, 0, max)
	for closerIdx := 0; closerIdx < max; closerIdx++ {
		closer := &delimiters[closerIdx]
		jumps = append(jumps, 0)
		if delimiters[headerIdx].marker != closer.marker || lastTokenIdx != closer.token-1 {
			headerIdx = closerIdx
		}
		lastTokenIdx = closer.token
		if !closer.close {
			continue
		}
		ob := openersBottom[closer.marker]
		if ob == nil {
			ob = &[6]int{-1, -1, -1, -1, -1, -1}
			openersBottom[closer.marker] = ob
		}
		slot := closer.length % 3
		if closer.open {
			slot += 3
		}
		minOpenerIdx := ob[slot]
		openerIdx := headerIdx - jumps[headerIdx] - 1
		newMinOpenerIdx := openerIdx
		for ; openerIdx > minOpenerIdx; openerIdx -= jumps[openerIdx] + 1 {
			opener := &delimiters[openerIdx]
			if opener.marker != closer.marker {
				continue
			}
			if opener.open && opener.end < 0 {
				isOddMatch := false
				if opener.close || closer.open {
					if (opener.length+closer.length)%3 == 0 {
						if opener.length%3 != 0 || closer.length%3 != 0 {
							isOddMatch = true
						}
					}
				}
				if !isOddMatch {
					lastJump := 0
					if openerIdx > 0 && !delimiters[openerIdx-1].open {
						lastJump = jumps[openerIdx-1] + 1
					}
					jumps[closerIdx] = closerIdx - openerIdx + lastJump
					jumps[openerIdx] = lastJump
					closer.open = false
					opener.end = closerIdx
					opener.close = false
					newMinOpenerIdx = -1
					lastTokenIdx = -2
					break
				}
			}
		}
		if newMinOpenerIdx != -1 {
			slot := closer.length % 3
			if closer.open {
				slot += 3
			}
			ob[slot] = newMinOpenerIdx
		}
	}
}

func (s *inlineState) allDelimLists(f func([]delim)) {
	f(s.delims.d)
	for _, m := range s.tokensMeta {
		if m != nil {
			f(m.d)
		}
	}
}

func (s *inlineState) balancePairs() { s.allDelimLists(processDelimiters) }

func (s *inlineState) strikethroughPost() {
	s.allDelimLists(func(delimiters []delim) {
		var loneMarkers []int
		for i := range delimiters {
			startDelim := delimiters[i]
			if startDelim.marker != '~' || startDelim.end == -1 {
				continue
			}
			endDelim := delimiters[startDelim.end]
			t := s.tokens[startDelim.token]
			t.kind, t.nesting, t.content = tSOpen, 1, ""
			t = s.tokens[endDelim.token]
			t.kind, t.nesting, t.content = tSClose, -1, ""
			if p := s.tokens[endDelim.token-1]; p.kind == tText && p.content == "~" {
				loneMarkers = append(loneMarkers, endDelim.token-1)
			}
		}
		for len(loneMarkers) > 0 {
			i := loneMarkers[len(loneMarkers)-1]
			loneMarkers = loneMarkers[:len(loneMarkers)-1]
			j := i + 1
			for j < len(s.tokens) && s.tokens[j].kind == tSClose {
				j++
			}
			j--
			if i != j {
				s.tokens[i], s.tokens[j] = s.tokens[j], s.tokens[i]
			}
		}
	})
}

func (s *inlineState) emphasisPost() {
	s.allDelimLists(func(delimiters []delim) {
		for i := len(delimiters) - 1; i >= 0; i-- {
			startDelim := delimiters[i]
			if startDelim.marker != '_' && startDelim.marker != '*' {
				continue
			}
			if startDelim.end == -1 {
				continue
			}
			endDelim := delimiters[startDelim.end]
			isStrong := i > 0 &&
				delimiters[i-1].end == startDelim.end+1 &&
				delimiters[i-1].marker == startDelim.marker &&
				delimiters[i-1].token == startDelim.token-1 &&
				delimiters[startDelim.end+1].token == endDelim.token+1
			to := s.tokens[startDelim.token]
			tc := s.tokens[endDelim.token]
			if isStrong {
				to.kind, tc.kind = tStrongOpen, tStrongClose
			} else {
				to.kind, tc.kind = tEmOpen, tEmClose
			}
			to.nesting, to.content = 1, ""
			tc.nesting, tc.content = -1, ""
			if isStrong {
				s.tokens[delimiters[i-1].token].content = ""
				s.tokens[delimiters[startDelim.end+1].token].content = ""
				i--
			}
		}
	})
}

func (s *inlineState) fragmentsJoin() {
	s.tokens = joinText(s.tokens, tText)
}

// joinText merges each run of adjacent tokens of kind into its last token,
// as fragments_join and text_join do (levels, which they also recompute, are
// not read by the renderer). A run is joined in one pass: markdown-it's
// pairwise concatenation is linear only thanks to V8's string ropes.
func joinText(tokens []*mdToken, kind tokKind) []*mdToken {
	last := 0
	for curr := 0; curr < len(tokens); curr++ {
		if tokens[curr].kind == kind {
			end := curr + 1
			for end < len(tokens) && tokens[end].kind == kind {
				end++
			}
			if end-curr > 1 {
				var b strings.Builder
				for _, t := range tokens[curr:end] {
					b.WriteString(t.content)
				}
				tokens[end-1].content = b.String()
				curr = end - 1
			}
		}
		tokens[last] = tokens[curr]
		last++
	}
	return tokens[:last]
}

// refLabel reads a reference link's label after "]": "[label]", "[]" or
// nothing (the link text is the label, as markdown-it's link and image
// rules both do). It returns the label and the position after it.
func (s *inlineState) refLabel(pos, max, labelStart, labelEnd int) (string, int) {
	label := ""
	if pos < max && s.src[pos] == '[' {
		start := pos + 1
		pos = s.parseLinkLabel(pos, false)
		if pos >= 0 {
			label = s.src[start:pos]
			pos++
		} else {
			pos = labelEnd + 1
		}
	} else {
		pos = labelEnd + 1
	}
	if label == "" {
		label = s.src[labelStart:labelEnd]
	}
	return label, pos
}
