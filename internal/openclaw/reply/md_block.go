package reply

// A port of the parts of markdown-it 14.3.3 (the parser OpenClaw 2026.3.24's
// src/markdown/ir.ts builds with html:false, linkify:false, typographer:false,
// autolink disabled, tables and strikethrough enabled) that decide what
// convertMarkdownTables prints. Rule order, terminator chains, the nesting
// limit and every quirk follow markdown-it's lib/rules_block/*.mjs; html_block
// is left out because it never matches with html:false.
//
// Positions are byte offsets into a Go string. markdown-it indexes UTF-16
// code units, but every character it branches on is ASCII, so byte and unit
// offsets select the same text; the few places that count characters
// (reference label limits, table column widths) count UTF-16 units
// explicitly.

import (
	"strings"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
)

type tokKind uint8

const (
	tInline tokKind = iota
	tText
	tParagraphOpen
	tParagraphClose
	tHeadingOpen
	tHeadingClose
	tBlockquoteOpen
	tBlockquoteClose
	tBulletListOpen
	tBulletListClose
	tOrderedListOpen
	tOrderedListClose
	tListItemOpen
	tListItemClose
	tCodeBlock
	tFence
	tHr
	tTableOpen
	tTableClose
	tTheadOpen
	tTheadClose
	tTbodyOpen
	tTbodyClose
	tTrOpen
	tTrClose
	tThOpen
	tThClose
	tTdOpen
	tTdClose
	tEmOpen
	tEmClose
	tStrongOpen
	tStrongClose
	tSOpen
	tSClose
	tCodeInline
	tLinkOpen
	tLinkClose
	tImage
	tSoftbreak
	tHardbreak
)

type mdToken struct {
	kind     tokKind
	nesting  int8
	level    int
	content  string
	href     string // link_open's href attribute
	start    int    // ordered_list_open's start (1 when absent)
	hidden   bool
	children []*mdToken
}

// maxNesting is markdown-it's default options.maxNesting.
const maxNesting = 100

type mdEnv struct {
	references map[string]string // normalized label -> href
}

type blockState struct {
	src        string
	tokens     []*mdToken
	bMarks     []int
	eMarks     []int
	tShift     []int
	sCount     []int
	bsCount    []int
	blkIndent  int
	line       int
	lineMax    int
	tight      bool
	listIndent int
	parentType string
	level      int
	env        *mdEnv
}

func isMdSpace(c byte) bool { return c == '\t' || c == ' ' }

func newBlockState(src string, env *mdEnv) *blockState {
	s := &blockState{src: src, env: env, listIndent: -1, parentType: "root"}
	n := strings.Count(src, "\n") + 2
	s.bMarks = make([]int, 0, n)
	s.eMarks = make([]int, 0, n)
	s.tShift = make([]int, 0, n)
	s.sCount = make([]int, 0, n)
	s.bsCount = make([]int, 0, n)
	start, indent, offset, found := 0, 0, 0, false
	for pos := 0; pos < len(src); pos++ {
		ch := src[pos]
		if !found {
			if isMdSpace(ch) {
				indent++
				if ch == '\t' {
					offset += 4 - offset%4
				} else {
					offset++
				}
				continue
			}
			found = true
		}
		if ch == '\n' || pos == len(src)-1 {
			if ch != '\n' {
				pos++
			}
			s.bMarks = append(s.bMarks, start)
			s.eMarks = append(s.eMarks, pos)
			s.tShift = append(s.tShift, indent)
			s.sCount = append(s.sCount, offset)
			s.bsCount = append(s.bsCount, 0)
			found, indent, offset = false, 0, 0
			start = pos + 1
		}
	}
	s.bMarks = append(s.bMarks, len(src))
	s.eMarks = append(s.eMarks, len(src))
	s.tShift = append(s.tShift, 0)
	s.sCount = append(s.sCount, 0)
	s.bsCount = append(s.bsCount, 0)
	s.lineMax = len(s.bMarks) - 1
	return s
}

func (s *blockState) push(kind tokKind, nesting int8) *mdToken {
	t := &mdToken{kind: kind, nesting: nesting, start: 1}
	if nesting < 0 {
		s.level--
	}
	t.level = s.level
	if nesting > 0 {
		s.level++
	}
	s.tokens = append(s.tokens, t)
	return t
}

func (s *blockState) isEmpty(line int) bool { return s.bMarks[line]+s.tShift[line] >= s.eMarks[line] }

func (s *blockState) skipEmptyLines(from int) int {
	for ; from < s.lineMax; from++ {
		if s.bMarks[from]+s.tShift[from] < s.eMarks[from] {
			break
		}
	}
	return from
}

func (s *blockState) skipSpaces(pos int) int {
	for pos < len(s.src) && isMdSpace(s.src[pos]) {
		pos++
	}
	return pos
}

func (s *blockState) skipSpacesBack(pos, min int) int {
	if pos <= min {
		return pos
	}
	for pos > min {
		pos--
		if !isMdSpace(s.src[pos]) {
			return pos + 1
		}
	}
	return pos
}

func (s *blockState) skipChars(pos int, c byte) int {
	for pos < len(s.src) && s.src[pos] == c {
		pos++
	}
	return pos
}

func (s *blockState) skipCharsBack(pos int, c byte, min int) int {
	if pos <= min {
		return pos
	}
	for pos > min {
		pos--
		if s.src[pos] != c {
			return pos + 1
		}
	}
	return pos
}

// at is charCodeAt with NaN (past the end) as 0, which never equals a
// character the rules look for.
func (s *blockState) at(pos int) byte {
	if pos < 0 || pos >= len(s.src) {
		return 0
	}
	return s.src[pos]
}

func (s *blockState) getLines(begin, end, indent int, keepLastLF bool) string {
	if begin >= end {
		return ""
	}
	var b strings.Builder
	for line := begin; line < end; line++ {
		lineIndent := 0
		lineStart := s.bMarks[line]
		first := lineStart
		var last int
		if line+1 < end || keepLastLF {
			last = s.eMarks[line] + 1
		} else {
			last = s.eMarks[line]
		}
		if last > len(s.src) {
			last = len(s.src)
		}
		for first < last && lineIndent < indent {
			ch := s.src[first]
			if isMdSpace(ch) {
				if ch == '\t' {
					lineIndent += 4 - (lineIndent+s.bsCount[line])%4
				} else {
					lineIndent++
				}
			} else if first-lineStart < s.tShift[line] {
				lineIndent++
			} else {
				break
			}
			first++
		}
		if lineIndent > indent {
			b.WriteString(strings.Repeat(" ", lineIndent-indent))
		}
		b.WriteString(s.src[first:last])
	}
	return b.String()
}

type blockRule uint8

const (
	brTable blockRule = iota
	brCode
	brFence
	brBlockquote
	brHr
	brList
	brReference
	brHeading
	brLheading
	brParagraph
)

// The rule chains of ParserBlock (html_block omitted: it never matches).
var (
	blockRulesAll        = []blockRule{brTable, brCode, brFence, brBlockquote, brHr, brList, brReference, brHeading, brLheading, brParagraph}
	blockTermsParagraph  = []blockRule{brTable, brFence, brBlockquote, brHr, brList, brHeading}
	blockTermsReference  = blockTermsParagraph
	blockTermsBlockquote = []blockRule{brFence, brBlockquote, brHr, brList, brHeading}
	blockTermsList       = []blockRule{brFence, brBlockquote, brHr}
)

func (s *blockState) run(r blockRule, startLine, endLine int, silent bool) bool {
	switch r {
	case brTable:
		return s.ruleTable(startLine, endLine, silent)
	case brCode:
		return s.ruleCode(startLine, endLine)
	case brFence:
		return s.ruleFence(startLine, endLine, silent)
	case brBlockquote:
		return s.ruleBlockquote(startLine, endLine, silent)
	case brHr:
		return s.ruleHr(startLine, silent)
	case brList:
		return s.ruleList(startLine, endLine, silent)
	case brReference:
		return s.ruleReference(startLine, silent)
	case brHeading:
		return s.ruleHeading(startLine, silent)
	case brLheading:
		return s.ruleLheading(startLine, endLine)
	case brParagraph:
		return s.ruleParagraph(startLine, endLine)
	}
	return false
}

func (s *blockState) terminates(rules []blockRule, line, endLine int) bool {
	for _, r := range rules {
		if s.run(r, line, endLine, true) {
			return true
		}
	}
	return false
}

func (s *blockState) tokenize(startLine, endLine int) {
	line := startLine
	hasEmptyLines := false
	for line < endLine {
		line = s.skipEmptyLines(line)
		s.line = line
		if line >= endLine {
			break
		}
		if s.sCount[line] < s.blkIndent {
			break
		}
		if s.level >= maxNesting {
			s.line = endLine
			break
		}
		prevLine := s.line
		ok := false
		for _, r := range blockRulesAll {
			if s.run(r, line, endLine, false) {
				ok = true
				break
			}
		}
		if !ok || s.line <= prevLine {
			// Cannot happen (paragraph always matches and advances); guard
			// against an endless loop all the same.
			s.line = prevLine + 1
		}
		s.tight = !hasEmptyLines
		if s.isEmpty(s.line - 1) {
			hasEmptyLines = true
		}
		line = s.line
		if line < endLine && s.isEmpty(line) {
			hasEmptyLines = true
			line++
			s.line = line
		}
	}
}

func (s *blockState) getLine(line int) string {
	return s.src[s.bMarks[line]+s.tShift[line] : s.eMarks[line]]
}

// escapedSplit splits a table row at unescaped '|', dropping the backslash
// of an escaped one.
func escapedSplit(str string) []string {
	var result []string
	var current strings.Builder
	isEscaped := false
	lastPos := 0
	for pos := 0; pos < len(str); pos++ {
		ch := str[pos]
		if ch == '|' {
			if !isEscaped {
				current.WriteString(str[lastPos:pos])
				result = append(result, current.String())
				current.Reset()
				lastPos = pos + 1
			} else {
				current.WriteString(str[lastPos : pos-1])
				lastPos = pos
			}
		}
		isEscaped = ch == '\\'
	}
	current.WriteString(str[lastPos:])
	return append(result, current.String())
}

const maxAutocompletedCells = 0x10000

func isAlignCell(t string) bool { // /^:?-+:?$/
	t = strings.TrimPrefix(t, ":")
	t = strings.TrimSuffix(t, ":")
	if t == "" {
		return false
	}
	for i := 0; i < len(t); i++ {
		if t[i] != '-' {
			return false
		}
	}
	return true
}

func (s *blockState) ruleTable(startLine, endLine int, silent bool) bool {
	if startLine+2 > endLine {
		return false
	}
	nextLine := startLine + 1
	if s.sCount[nextLine] < s.blkIndent {
		return false
	}
	if s.sCount[nextLine]-s.blkIndent >= 4 {
		return false
	}
	pos := s.bMarks[nextLine] + s.tShift[nextLine]
	if pos >= s.eMarks[nextLine] {
		return false
	}
	firstCh := s.src[pos]
	pos++
	if firstCh != '|' && firstCh != '-' && firstCh != ':' {
		return false
	}
	if pos >= s.eMarks[nextLine] {
		return false
	}
	secondCh := s.src[pos]
	pos++
	if secondCh != '|' && secondCh != '-' && secondCh != ':' && !isMdSpace(secondCh) {
		return false
	}
	if firstCh == '-' && isMdSpace(secondCh) {
		return false
	}
	for ; pos < s.eMarks[nextLine]; pos++ {
		ch := s.src[pos]
		if ch != '|' && ch != '-' && ch != ':' && !isMdSpace(ch) {
			return false
		}
	}
	columns := strings.Split(s.getLine(startLine+1), "|")
	aligns := 0
	for i, c := range columns {
		t := trimJS(c)
		if t == "" {
			if i == 0 || i == len(columns)-1 {
				continue
			}
			return false
		}
		if !isAlignCell(t) {
			return false
		}
		aligns++
	}
	lineText := trimJS(s.getLine(startLine))
	if !strings.Contains(lineText, "|") {
		return false
	}
	if s.sCount[startLine]-s.blkIndent >= 4 {
		return false
	}
	columns = trimEmptyEdges(escapedSplit(lineText))
	columnCount := len(columns)
	if columnCount == 0 || columnCount != aligns {
		return false
	}
	if silent {
		return true
	}
	oldParentType := s.parentType
	s.parentType = "table"
	s.push(tTableOpen, 1)
	s.push(tTheadOpen, 1)
	s.push(tTrOpen, 1)
	for _, c := range columns {
		s.push(tThOpen, 1)
		t := s.push(tInline, 0)
		t.content = trimJS(c)
		s.push(tThClose, -1)
	}
	s.push(tTrClose, -1)
	s.push(tTheadClose, -1)
	tbody := false
	autocompleted := 0
	for nextLine = startLine + 2; nextLine < endLine; nextLine++ {
		if s.sCount[nextLine] < s.blkIndent {
			break
		}
		if s.terminates(blockTermsBlockquote, nextLine, endLine) {
			break
		}
		lineText = trimJS(s.getLine(nextLine))
		if lineText == "" {
			break
		}
		if s.sCount[nextLine]-s.blkIndent >= 4 {
			break
		}
		columns = trimEmptyEdges(escapedSplit(lineText))
		autocompleted += columnCount - len(columns)
		if autocompleted > maxAutocompletedCells {
			break
		}
		if nextLine == startLine+2 {
			s.push(tTbodyOpen, 1)
			tbody = true
		}
		s.push(tTrOpen, 1)
		for i := 0; i < columnCount; i++ {
			s.push(tTdOpen, 1)
			t := s.push(tInline, 0)
			if i < len(columns) {
				t.content = trimJS(columns[i])
			}
			s.push(tTdClose, -1)
		}
		s.push(tTrClose, -1)
	}
	if tbody {
		s.push(tTbodyClose, -1)
	}
	s.push(tTableClose, -1)
	s.parentType = oldParentType
	s.line = nextLine
	return true
}

func trimEmptyEdges(columns []string) []string {
	if len(columns) > 0 && columns[0] == "" {
		columns = columns[1:]
	}
	if len(columns) > 0 && columns[len(columns)-1] == "" {
		columns = columns[:len(columns)-1]
	}
	return columns
}

func (s *blockState) ruleCode(startLine, endLine int) bool {
	if s.sCount[startLine]-s.blkIndent < 4 {
		return false
	}
	nextLine := startLine + 1
	last := nextLine
	for nextLine < endLine {
		if s.isEmpty(nextLine) {
			nextLine++
			continue
		}
		if s.sCount[nextLine]-s.blkIndent >= 4 {
			nextLine++
			last = nextLine
			continue
		}
		break
	}
	s.line = last
	t := s.push(tCodeBlock, 0)
	t.content = s.getLines(startLine, last, 4+s.blkIndent, false) + "\n"
	return true
}

func (s *blockState) ruleFence(startLine, endLine int, silent bool) bool {
	pos := s.bMarks[startLine] + s.tShift[startLine]
	max := s.eMarks[startLine]
	if s.sCount[startLine]-s.blkIndent >= 4 {
		return false
	}
	if pos+3 > max {
		return false
	}
	marker := s.src[pos]
	if marker != '~' && marker != '`' {
		return false
	}
	mem := pos
	pos = s.skipChars(pos, marker)
	n := pos - mem
	if n < 3 {
		return false
	}
	params := s.src[pos:max]
	if marker == '`' && strings.IndexByte(params, '`') >= 0 {
		return false
	}
	if silent {
		return true
	}
	nextLine := startLine
	haveEndMarker := false
	for {
		nextLine++
		if nextLine >= endLine {
			break
		}
		pos = s.bMarks[nextLine] + s.tShift[nextLine]
		mem = pos
		max = s.eMarks[nextLine]
		if pos < max && s.sCount[nextLine] < s.blkIndent {
			break
		}
		if s.at(pos) != marker {
			continue
		}
		if s.sCount[nextLine]-s.blkIndent >= 4 {
			continue
		}
		pos = s.skipChars(pos, marker)
		if pos-mem < n {
			continue
		}
		pos = s.skipSpaces(pos)
		if pos < max {
			continue
		}
		haveEndMarker = true
		break
	}
	n = s.sCount[startLine]
	s.line = nextLine
	if haveEndMarker {
		s.line++
	}
	t := s.push(tFence, 0)
	t.content = s.getLines(startLine+1, nextLine, n, true)
	return true
}

func (s *blockState) ruleBlockquote(startLine, endLine int, silent bool) bool {
	pos := s.bMarks[startLine] + s.tShift[startLine]
	oldLineMax := s.lineMax
	if s.sCount[startLine]-s.blkIndent >= 4 {
		return false
	}
	if s.at(pos) != '>' {
		return false
	}
	if silent {
		return true
	}
	var oldBMarks, oldBSCount, oldSCount, oldTShift []int
	oldParentType := s.parentType
	s.parentType = "blockquote"
	lastLineEmpty := false
	nextLine := startLine
	for ; nextLine < endLine; nextLine++ {
		isOutdented := s.sCount[nextLine] < s.blkIndent
		pos = s.bMarks[nextLine] + s.tShift[nextLine]
		max := s.eMarks[nextLine]
		if pos >= max {
			break
		}
		if s.src[pos] == '>' && !isOutdented {
			pos++
			initial := s.sCount[nextLine] + 1
			var spaceAfterMarker, adjustTab bool
			switch s.at(pos) {
			case ' ':
				pos++
				initial++
				spaceAfterMarker = true
			case '\t':
				spaceAfterMarker = true
				if (s.bsCount[nextLine]+initial)%4 == 3 {
					pos++
					initial++
				} else {
					adjustTab = true
				}
			}
			offset := initial
			oldBMarks = append(oldBMarks, s.bMarks[nextLine])
			s.bMarks[nextLine] = pos
			for pos < max {
				ch := s.src[pos]
				if !isMdSpace(ch) {
					break
				}
				if ch == '\t' {
					adj := 0
					if adjustTab {
						adj = 1
					}
					offset += 4 - (offset+s.bsCount[nextLine]+adj)%4
				} else {
					offset++
				}
				pos++
			}
			lastLineEmpty = pos >= max
			oldBSCount = append(oldBSCount, s.bsCount[nextLine])
			s.bsCount[nextLine] = s.sCount[nextLine] + 1
			if spaceAfterMarker {
				s.bsCount[nextLine]++
			}
			oldSCount = append(oldSCount, s.sCount[nextLine])
			s.sCount[nextLine] = offset - initial
			oldTShift = append(oldTShift, s.tShift[nextLine])
			s.tShift[nextLine] = pos - s.bMarks[nextLine]
			continue
		}
		if lastLineEmpty {
			break
		}
		if s.terminates(blockTermsBlockquote, nextLine, endLine) {
			s.lineMax = nextLine
			if s.blkIndent != 0 {
				oldBMarks = append(oldBMarks, s.bMarks[nextLine])
				oldBSCount = append(oldBSCount, s.bsCount[nextLine])
				oldTShift = append(oldTShift, s.tShift[nextLine])
				oldSCount = append(oldSCount, s.sCount[nextLine])
				s.sCount[nextLine] -= s.blkIndent
			}
			break
		}
		oldBMarks = append(oldBMarks, s.bMarks[nextLine])
		oldBSCount = append(oldBSCount, s.bsCount[nextLine])
		oldTShift = append(oldTShift, s.tShift[nextLine])
		oldSCount = append(oldSCount, s.sCount[nextLine])
		s.sCount[nextLine] = -1
	}
	oldIndent := s.blkIndent
	s.blkIndent = 0
	s.push(tBlockquoteOpen, 1)
	s.tokenize(startLine, nextLine)
	s.push(tBlockquoteClose, -1)
	s.lineMax = oldLineMax
	s.parentType = oldParentType
	for i := range oldTShift {
		s.bMarks[i+startLine] = oldBMarks[i]
		s.tShift[i+startLine] = oldTShift[i]
		s.sCount[i+startLine] = oldSCount[i]
		s.bsCount[i+startLine] = oldBSCount[i]
	}
	s.blkIndent = oldIndent
	return true
}

func (s *blockState) ruleHr(startLine int, silent bool) bool {
	max := s.eMarks[startLine]
	if s.sCount[startLine]-s.blkIndent >= 4 {
		return false
	}
	pos := s.bMarks[startLine] + s.tShift[startLine]
	marker := s.at(pos)
	pos++
	if marker != '*' && marker != '-' && marker != '_' {
		return false
	}
	cnt := 1
	for pos < max {
		ch := s.src[pos]
		pos++
		if ch != marker && !isMdSpace(ch) {
			return false
		}
		if ch == marker {
			cnt++
		}
	}
	if cnt < 3 {
		return false
	}
	if silent {
		return true
	}
	s.line = startLine + 1
	s.push(tHr, 0)
	return true
}

func (s *blockState) skipBulletListMarker(startLine int) int {
	max := s.eMarks[startLine]
	pos := s.bMarks[startLine] + s.tShift[startLine]
	marker := s.at(pos)
	pos++
	if marker != '*' && marker != '-' && marker != '+' {
		return -1
	}
	if pos < max && !isMdSpace(s.src[pos]) {
		return -1
	}
	return pos
}

func (s *blockState) skipOrderedListMarker(startLine int) int {
	start := s.bMarks[startLine] + s.tShift[startLine]
	max := s.eMarks[startLine]
	pos := start
	if pos+1 >= max {
		return -1
	}
	ch := s.src[pos]
	pos++
	if ch < '0' || ch > '9' {
		return -1
	}
	for {
		if pos >= max {
			return -1
		}
		ch = s.src[pos]
		pos++
		if ch >= '0' && ch <= '9' {
			if pos-start >= 10 {
				return -1
			}
			continue
		}
		if ch == ')' || ch == '.' {
			break
		}
		return -1
	}
	if pos < max && !isMdSpace(s.src[pos]) {
		return -1
	}
	return pos
}

func (s *blockState) markTightParagraphs(idx int) {
	level := s.level + 2
	for i, l := idx+2, len(s.tokens)-2; i < l; i++ {
		if s.tokens[i].level == level && s.tokens[i].kind == tParagraphOpen {
			s.tokens[i+2].hidden = true
			s.tokens[i].hidden = true
			i += 2
		}
	}
}

func atoiDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func (s *blockState) ruleList(startLine, endLine int, silent bool) bool {
	nextLine := startLine
	tight := true
	if s.sCount[nextLine]-s.blkIndent >= 4 {
		return false
	}
	if s.listIndent >= 0 && s.sCount[nextLine]-s.listIndent >= 4 && s.sCount[nextLine] < s.blkIndent {
		return false
	}
	isTerminatingParagraph := silent && s.parentType == "paragraph" && s.sCount[nextLine] >= s.blkIndent
	var isOrdered bool
	var markerValue, start int
	posAfterMarker := s.skipOrderedListMarker(nextLine)
	if posAfterMarker >= 0 {
		isOrdered = true
		start = s.bMarks[nextLine] + s.tShift[nextLine]
		markerValue = atoiDigits(s.src[start : posAfterMarker-1])
		if isTerminatingParagraph && markerValue != 1 {
			return false
		}
	} else if posAfterMarker = s.skipBulletListMarker(nextLine); posAfterMarker < 0 {
		return false
	}
	if isTerminatingParagraph && s.skipSpaces(posAfterMarker) >= s.eMarks[nextLine] {
		return false
	}
	if silent {
		return true
	}
	markerCharCode := s.src[posAfterMarker-1]
	listTokIdx := len(s.tokens)
	if isOrdered {
		t := s.push(tOrderedListOpen, 1)
		t.start = markerValue
	} else {
		s.push(tBulletListOpen, 1)
	}
	prevEmptyEnd := false
	oldParentType := s.parentType
	s.parentType = "list"
	for nextLine < endLine {
		pos := posAfterMarker
		max := s.eMarks[nextLine]
		initial := s.sCount[nextLine] + posAfterMarker - (s.bMarks[nextLine] + s.tShift[nextLine])
		offset := initial
		for pos < max {
			ch := s.src[pos]
			if ch == '\t' {
				offset += 4 - (offset+s.bsCount[nextLine])%4
			} else if ch == ' ' {
				offset++
			} else {
				break
			}
			pos++
		}
		contentStart := pos
		var indentAfterMarker int
		if contentStart >= max {
			indentAfterMarker = 1
		} else {
			indentAfterMarker = offset - initial
		}
		if indentAfterMarker > 4 {
			indentAfterMarker = 1
		}
		indent := initial + indentAfterMarker
		s.push(tListItemOpen, 1)
		oldTight := s.tight
		oldTShift := s.tShift[nextLine]
		oldSCount := s.sCount[nextLine]
		oldListIndent := s.listIndent
		s.listIndent = s.blkIndent
		s.blkIndent = indent
		s.tight = true
		s.tShift[nextLine] = contentStart - s.bMarks[nextLine]
		s.sCount[nextLine] = offset
		if contentStart >= max && s.isEmpty(nextLine+1) {
			s.line = min(s.line+2, endLine)
		} else {
			s.tokenize(nextLine, endLine)
		}
		if !s.tight || prevEmptyEnd {
			tight = false
		}
		prevEmptyEnd = s.line-nextLine > 1 && s.isEmpty(s.line-1)
		s.blkIndent = s.listIndent
		s.listIndent = oldListIndent
		s.tShift[nextLine] = oldTShift
		s.sCount[nextLine] = oldSCount
		s.tight = oldTight
		s.push(tListItemClose, -1)
		nextLine = s.line
		if nextLine >= endLine {
			break
		}
		if s.sCount[nextLine] < s.blkIndent {
			break
		}
		if s.sCount[nextLine]-s.blkIndent >= 4 {
			break
		}
		if s.terminates(blockTermsList, nextLine, endLine) {
			break
		}
		if isOrdered {
			posAfterMarker = s.skipOrderedListMarker(nextLine)
			// markdown-it sets start again here but never reads it.
			if posAfterMarker < 0 {
				break
			}
		} else {
			posAfterMarker = s.skipBulletListMarker(nextLine)
			if posAfterMarker < 0 {
				break
			}
		}
		if markerCharCode != s.src[posAfterMarker-1] {
			break
		}
	}
	if isOrdered {
		s.push(tOrderedListClose, -1)
	} else {
		s.push(tBulletListClose, -1)
	}
	s.line = nextLine
	s.parentType = oldParentType
	if tight {
		s.markTightParagraphs(listTokIdx)
	}
	return true
}

// maxLabelLength is CommonMark's limit on reference labels (code points).
const maxLabelLength = 999

func (s *blockState) lineEnd(line int) int { return min(s.eMarks[line]+1, len(s.src)) }

func (s *blockState) getNextLinePos(nextLine int) int {
	if nextLine >= s.lineMax || s.isEmpty(nextLine) {
		return -1
	}
	isContinuation := s.sCount[nextLine]-s.blkIndent > 3 || s.sCount[nextLine] < 0
	if !isContinuation {
		oldParentType := s.parentType
		s.parentType = "reference"
		terminate := s.terminates(blockTermsReference, nextLine, s.lineMax)
		s.parentType = oldParentType
		if terminate {
			return -1
		}
	}
	return s.bMarks[nextLine] + s.tShift[nextLine]
}

// utf16Units is how many UTF-16 code units the byte b adds when it starts
// (or continues) a UTF-8 sequence.
func utf16Units(b byte) int {
	switch {
	case b < 0x80:
		return 1
	case b < 0xC0:
		return 0
	case b < 0xF0:
		return 1
	}
	return 2
}

func (s *blockState) ruleReference(startLine int, silent bool) bool {
	src := s.src
	pos := s.bMarks[startLine] + s.tShift[startLine]
	nextLine := startLine + 1
	if s.sCount[startLine]-s.blkIndent >= 4 {
		return false
	}
	if s.at(pos) != '[' {
		return false
	}
	max := s.lineEnd(startLine)
	var rawLabel strings.Builder
	rawLabelUnits := 0
	labelEnd := -1
	pos++
	segmentStart := pos
	segUnits := 0 // UTF-16 units of src[segmentStart:pos]
	for pos < max {
		if rawLabelUnits+segUnits > maxLabelLength*2 {
			return false
		}
		ch := src[pos]
		if ch == '[' {
			return false
		}
		if ch == ']' {
			labelEnd = pos
			break
		}
		if ch == '\\' {
			segUnits++
			pos++
			ch = s.at(pos)
		}
		if ch == '\n' && pos < max {
			nextPos := s.getNextLinePos(nextLine)
			if nextPos < 0 {
				return false
			}
			seg := src[segmentStart:max]
			rawLabel.WriteString(seg)
			rawLabelUnits += openclaw.LenJS(seg)
			pos, segmentStart, segUnits = nextPos, nextPos, 0
			max = s.lineEnd(nextLine)
			nextLine++
			continue
		}
		if pos < len(src) {
			segUnits += utf16Units(src[pos])
		}
		pos++
	}
	if labelEnd < 0 || s.at(labelEnd+1) != ':' {
		return false
	}
	rawLabel.WriteString(src[segmentStart:labelEnd])
	label := rawLabel.String()
	if openclaw.LenJS(label) > maxLabelLength && countRunes(label) > maxLabelLength {
		return false
	}
	pos = labelEnd + 2
	skipWS := func() {
		for pos < max {
			ch := src[pos]
			if ch == '\n' {
				nextPos := s.getNextLinePos(nextLine)
				if nextPos < 0 {
					break
				}
				pos = nextPos
				max = s.lineEnd(nextLine)
				nextLine++
			} else if isMdSpace(ch) {
				pos++
			} else {
				break
			}
		}
	}
	skipWS()
	dest, destPos, ok := parseLinkDestination(src, pos, max)
	if !ok {
		return false
	}
	href := normalizeLink(dest)
	if !validateLink(href) {
		return false
	}
	pos = destPos
	destEndPos, destEndMax, destEndLineNo := pos, max, nextLine
	skipWS()
	titleStart := pos
	title := parseLinkTitle(src, pos, max, nil)
	for title.canContinue {
		nextPos := s.getNextLinePos(nextLine)
		if nextPos < 0 {
			break
		}
		pos = nextPos
		max = s.lineEnd(nextLine)
		nextLine++
		title = parseLinkTitle(src, pos, max, &title)
	}
	hasTitle := false
	if titleStart != destEndPos && title.ok {
		hasTitle = title.str != ""
		pos = title.pos
	} else {
		pos, max, nextLine = destEndPos, destEndMax, destEndLineNo
	}
	for pos < max && isMdSpace(src[pos]) {
		pos++
	}
	if pos < max && src[pos] != '\n' && hasTitle {
		hasTitle = false
		pos, max, nextLine = destEndPos, destEndMax, destEndLineNo
		for pos < max && isMdSpace(src[pos]) {
			pos++
		}
	}
	if pos < max && src[pos] != '\n' {
		return false
	}
	key := normalizeReference(label)
	if key == "" {
		return false
	}
	if silent {
		return true
	}
	if s.env.references == nil {
		s.env.references = map[string]string{}
	}
	if _, dup := s.env.references[key]; !dup {
		s.env.references[key] = href
	}
	s.line = nextLine
	return true
}

func countRunes(s string) int {
	n := 0
	for range s {
		n++
	}
	return n
}

// asciiTrim trims only space, tab, CR and LF (markdown-it's asciiTrim).
func asciiTrim(str string) string {
	return strings.Trim(str, " \t\r\n")
}

func (s *blockState) ruleHeading(startLine int, silent bool) bool {
	pos := s.bMarks[startLine] + s.tShift[startLine]
	max := s.eMarks[startLine]
	if s.sCount[startLine]-s.blkIndent >= 4 {
		return false
	}
	if s.at(pos) != '#' || pos >= max {
		return false
	}
	level := 1
	pos++
	ch := s.at(pos)
	for ch == '#' && pos < max && level <= 6 {
		level++
		pos++
		ch = s.at(pos)
	}
	if level > 6 || (pos < max && !isMdSpace(ch)) {
		return false
	}
	if silent {
		return true
	}
	max = s.skipSpacesBack(max, pos)
	tmp := s.skipCharsBack(max, '#', pos)
	if tmp > pos && isMdSpace(s.src[tmp-1]) {
		max = tmp
	}
	s.line = startLine + 1
	s.push(tHeadingOpen, 1)
	t := s.push(tInline, 0)
	if max > pos {
		t.content = asciiTrim(s.src[pos:max])
	}
	s.push(tHeadingClose, -1)
	return true
}

func (s *blockState) ruleLheading(startLine, endLine int) bool {
	if s.sCount[startLine]-s.blkIndent >= 4 {
		return false
	}
	oldParentType := s.parentType
	s.parentType = "paragraph"
	level := 0
	nextLine := startLine + 1
	for ; nextLine < endLine && !s.isEmpty(nextLine); nextLine++ {
		if s.sCount[nextLine]-s.blkIndent > 3 {
			continue
		}
		if s.sCount[nextLine] >= s.blkIndent {
			pos := s.bMarks[nextLine] + s.tShift[nextLine]
			max := s.eMarks[nextLine]
			if pos < max {
				marker := s.src[pos]
				if marker == '-' || marker == '=' {
					pos = s.skipChars(pos, marker)
					pos = s.skipSpaces(pos)
					if pos >= max {
						level = 2
						if marker == '=' {
							level = 1
						}
						break
					}
				}
			}
		}
		if s.sCount[nextLine] < 0 {
			continue
		}
		if s.terminates(blockTermsParagraph, nextLine, endLine) {
			break
		}
	}
	if level == 0 {
		s.parentType = oldParentType
		return false
	}
	content := asciiTrim(s.getLines(startLine, nextLine, s.blkIndent, false))
	s.line = nextLine + 1
	s.push(tHeadingOpen, 1)
	t := s.push(tInline, 0)
	t.content = content
	s.push(tHeadingClose, -1)
	s.parentType = oldParentType
	return true
}

func (s *blockState) ruleParagraph(startLine, endLine int) bool {
	oldParentType := s.parentType
	nextLine := startLine + 1
	s.parentType = "paragraph"
	for ; nextLine < endLine && !s.isEmpty(nextLine); nextLine++ {
		if s.sCount[nextLine]-s.blkIndent > 3 {
			continue
		}
		if s.sCount[nextLine] < 0 {
			continue
		}
		if s.terminates(blockTermsParagraph, nextLine, endLine) {
			break
		}
	}
	content := asciiTrim(s.getLines(startLine, nextLine, s.blkIndent, false))
	s.line = nextLine
	s.push(tParagraphOpen, 1)
	t := s.push(tInline, 0)
	t.content = content
	s.push(tParagraphClose, -1)
	s.parentType = oldParentType
	return true
}
