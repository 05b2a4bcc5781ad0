package reply

// OpenClaw 2026.3.24's markdown IR and table conversion
// (text-runtime-B-kOpuLv.js: markdownToIRWithMeta and renderTokens of
// src/markdown/ir.ts, renderMarkdownWithMarkers of src/markdown/render.ts,
// convertMarkdownTables of src/markdown/tables.ts). When a reply contains a
// table, the WHOLE reply is rebuilt from the parse: paragraphs are separated
// by one blank line, list items become "• " / "N. ", code blocks lose their
// info string and indentation, escapes and entities are decoded, headings
// and block quotes lose their markers, links become [label](normalized
// href), and only bold, italic, strikethrough and code get markers back.

import (
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
)

// Table modes (channels.imessage.markdown.tables).
const (
	TableModeOff     = "off"
	TableModeBullets = "bullets"
	TableModeCode    = "code"
)

type mdStyle uint8

// Values follow render.ts's STYLE_RANK (blockquote, code_block, code, bold,
// italic, strikethrough; spoilers are off); the IR's span merge orders by
// name instead (styleNames).
const (
	stBlockquote mdStyle = iota
	stCodeBlock
	stCode
	stBold
	stItalic
	stStrikethrough
)

var styleNames = [...]string{"blockquote", "code_block", "code", "bold", "italic", "strikethrough"}

type styleSpan struct {
	start, end int
	style      mdStyle
}

type linkSpan struct {
	start, end int
	href       string
}

type openStyle struct {
	style mdStyle
	start int
}

type linkOpen struct {
	href       string
	labelStart int
}

type renderTarget struct {
	text       []byte
	styles     []styleSpan
	openStyles []openStyle
	links      []linkSpan
	linkStack  []linkOpen
}

type tableCell struct {
	text   string
	styles []styleSpan
	links  []linkSpan
}

type tableState struct {
	headers     []tableCell
	rows        [][]tableCell
	currentRow  []tableCell
	currentCell *renderTarget
	inHeader    bool
}

type listEntry struct {
	ordered bool
	index   int
}

type irState struct {
	renderTarget
	listStack []listEntry
	tableMode string
	table     *tableState
	hasTables bool
}

func (s *irState) target() *renderTarget {
	if s.table != nil && s.table.currentCell != nil {
		return s.table.currentCell
	}
	return &s.renderTarget
}

func (s *irState) appendText(v string) {
	if v == "" {
		return
	}
	t := s.target()
	t.text = append(t.text, v...)
}

func (s *irState) openStyle(st mdStyle) {
	t := s.target()
	t.openStyles = append(t.openStyles, openStyle{st, len(t.text)})
}

func (s *irState) closeStyle(st mdStyle) {
	t := s.target()
	for i := len(t.openStyles) - 1; i >= 0; i-- {
		if t.openStyles[i].style == st {
			start := t.openStyles[i].start
			t.openStyles = append(t.openStyles[:i], t.openStyles[i+1:]...)
			if end := len(t.text); end > start {
				t.styles = append(t.styles, styleSpan{start, end, st})
			}
			return
		}
	}
}

func (s *irState) appendParagraphSeparator() {
	if len(s.listStack) > 0 || s.table != nil {
		return
	}
	s.text = append(s.text, "\n\n"...)
}

func (s *irState) appendListPrefix() {
	if len(s.listStack) == 0 {
		return
	}
	top := &s.listStack[len(s.listStack)-1]
	top.index++
	s.text = append(s.text, strings.Repeat("  ", len(s.listStack)-1)...)
	if top.ordered {
		s.text = append(s.text, formatInt(top.index)+". "...)
	} else {
		s.text = append(s.text, "• "...)
	}
}

func formatInt(n int) string {
	if n < 0 {
		return "-" + formatInt(-n)
	}
	var buf [20]byte
	i := len(buf)
	for {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return string(buf[i:])
}

func (s *irState) renderInlineCode(content string) {
	if content == "" {
		return
	}
	t := s.target()
	start := len(t.text)
	t.text = append(t.text, content...)
	t.styles = append(t.styles, styleSpan{start, start + len(content), stCode})
}

func (s *irState) renderCodeBlock(content string) {
	code := content
	if !strings.HasSuffix(code, "\n") {
		code += "\n"
	}
	t := s.target()
	start := len(t.text)
	t.text = append(t.text, code...)
	t.styles = append(t.styles, styleSpan{start, start + len(code), stCodeBlock})
	if len(s.listStack) == 0 {
		t.text = append(t.text, '\n')
	}
}

func (s *irState) handleLinkClose() {
	t := s.target()
	n := len(t.linkStack)
	if n == 0 {
		return
	}
	link := t.linkStack[n-1]
	t.linkStack = t.linkStack[:n-1]
	href := trimJS(link.href)
	if href == "" {
		return
	}
	t.links = append(t.links, linkSpan{link.labelStart, len(t.text), href})
}

func closeRemainingStyles(t *renderTarget) {
	for i := len(t.openStyles) - 1; i >= 0; i-- {
		o := t.openStyles[i]
		if end := len(t.text); end > o.start {
			t.styles = append(t.styles, styleSpan{o.start, end, o.style})
		}
	}
	t.openStyles = nil
}

func finishTableCell(c *renderTarget) tableCell {
	closeRemainingStyles(c)
	return tableCell{string(c.text), c.styles, c.links}
}

// trimCell trims /\s/ from both ends of a cell and shifts its spans.
func trimCell(c tableCell) tableCell {
	start, end := 0, len(c.text)
	for start < end {
		r, n := utf8.DecodeRuneInString(c.text[start:])
		if !isJSSpace(r) {
			break
		}
		start += n
	}
	for end > start {
		r, n := utf8.DecodeLastRuneInString(c.text[start:end])
		if !isJSSpace(r) {
			break
		}
		end -= n
	}
	if start == 0 && end == len(c.text) {
		return c
	}
	text := c.text[start:end]
	out := tableCell{text: text}
	for _, sp := range c.styles {
		a, b := max(0, sp.start-start), min(len(text), sp.end-start)
		if b > a {
			out.styles = append(out.styles, styleSpan{a, b, sp.style})
		}
	}
	for _, l := range c.links {
		a, b := max(0, l.start-start), min(len(text), l.end-start)
		if b > a {
			out.links = append(out.links, linkSpan{a, b, l.href})
		}
	}
	return out
}

func (s *irState) appendCell(c tableCell) {
	if c.text == "" {
		return
	}
	start := len(s.text)
	s.text = append(s.text, c.text...)
	for _, sp := range c.styles {
		s.styles = append(s.styles, styleSpan{start + sp.start, start + sp.end, sp.style})
	}
	for _, l := range c.links {
		s.links = append(s.links, linkSpan{start + l.start, start + l.end, l.href})
	}
}

func (s *irState) appendTableBulletValue(header *tableCell, value tableCell, columnIndex int, includeColumnFallback bool) {
	if value.text == "" {
		return
	}
	s.text = append(s.text, "• "...)
	if header != nil && header.text != "" {
		s.appendCell(*header)
		s.text = append(s.text, ": "...)
	} else if includeColumnFallback {
		s.text = append(s.text, "Column "+formatInt(columnIndex)+": "...)
	}
	s.appendCell(value)
	s.text = append(s.text, '\n')
}

func trimCells(cells []tableCell) []tableCell {
	out := make([]tableCell, len(cells))
	for i, c := range cells {
		out[i] = trimCell(c)
	}
	return out
}

func cellAt(cells []tableCell, i int) *tableCell {
	if i < len(cells) {
		return &cells[i]
	}
	return nil
}

func (s *irState) renderTableAsBullets() {
	headers := trimCells(s.table.headers)
	rows := make([][]tableCell, len(s.table.rows))
	for i, r := range s.table.rows {
		rows[i] = trimCells(r)
	}
	if len(headers) == 0 && len(rows) == 0 {
		return
	}
	if len(headers) > 1 && len(rows) > 0 {
		for _, row := range rows {
			if len(row) == 0 {
				continue
			}
			if label := row[0]; label.text != "" {
				labelStart := len(s.text)
				s.appendCell(label)
				if labelEnd := len(s.text); labelEnd > labelStart {
					s.styles = append(s.styles, styleSpan{labelStart, labelEnd, stBold})
				}
				s.text = append(s.text, '\n')
			}
			for i := 1; i < len(row); i++ {
				s.appendTableBulletValue(cellAt(headers, i), row[i], i, true)
			}
			s.text = append(s.text, '\n')
		}
		return
	}
	for _, row := range rows {
		for i := range row {
			s.appendTableBulletValue(cellAt(headers, i), row[i], i, false)
		}
		s.text = append(s.text, '\n')
	}
}

func (s *irState) renderTableAsCode() {
	headers := trimCells(s.table.headers)
	rows := make([][]tableCell, len(s.table.rows))
	columnCount := len(headers)
	for i, r := range s.table.rows {
		rows[i] = trimCells(r)
		columnCount = max(columnCount, len(r))
	}
	if columnCount == 0 {
		return
	}
	// Widths are JS string lengths (UTF-16 units).
	widths := make([]int, columnCount)
	update := func(cells []tableCell) {
		for i := 0; i < columnCount; i++ {
			if i < len(cells) {
				widths[i] = max(widths[i], openclaw.LenJS(cells[i].text))
			}
		}
	}
	update(headers)
	for _, r := range rows {
		update(r)
	}
	codeStart := len(s.text)
	appendRow := func(cells []tableCell) {
		s.text = append(s.text, '|')
		for i := 0; i < columnCount; i++ {
			s.text = append(s.text, ' ')
			w := 0
			if i < len(cells) {
				s.text = append(s.text, cells[i].text...)
				w = openclaw.LenJS(cells[i].text)
			}
			if pad := widths[i] - w; pad > 0 {
				s.text = append(s.text, strings.Repeat(" ", pad)...)
			}
			s.text = append(s.text, " |"...)
		}
		s.text = append(s.text, '\n')
	}
	appendRow(headers)
	s.text = append(s.text, '|')
	for i := 0; i < columnCount; i++ {
		s.text = append(s.text, ' ')
		s.text = append(s.text, strings.Repeat("-", max(3, widths[i]))...)
		s.text = append(s.text, " |"...)
	}
	s.text = append(s.text, '\n')
	for _, r := range rows {
		appendRow(r)
	}
	if codeEnd := len(s.text); codeEnd > codeStart {
		s.styles = append(s.styles, styleSpan{codeStart, codeEnd, stCodeBlock})
	}
	if len(s.listStack) == 0 {
		s.text = append(s.text, '\n')
	}
}

func (s *irState) render(tokens []*mdToken) {
	for _, tok := range tokens {
		switch tok.kind {
		case tInline:
			s.render(tok.children)
		case tText:
			s.appendText(tok.content)
		case tEmOpen:
			s.openStyle(stItalic)
		case tEmClose:
			s.closeStyle(stItalic)
		case tStrongOpen:
			s.openStyle(stBold)
		case tStrongClose:
			s.closeStyle(stBold)
		case tSOpen:
			s.openStyle(stStrikethrough)
		case tSClose:
			s.closeStyle(stStrikethrough)
		case tCodeInline:
			s.renderInlineCode(tok.content)
		case tLinkOpen:
			t := s.target()
			t.linkStack = append(t.linkStack, linkOpen{tok.href, len(t.text)})
		case tLinkClose:
			s.handleLinkClose()
		case tImage:
			s.appendText(tok.content)
		case tSoftbreak, tHardbreak:
			s.appendText("\n")
		case tParagraphClose, tHeadingClose:
			// headingStyle "none": no bold around headings.
			s.appendParagraphSeparator()
		case tBlockquoteOpen:
			// blockquotePrefix "": nothing printed; the style has no marker.
			s.openStyle(stBlockquote)
		case tBlockquoteClose:
			s.closeStyle(stBlockquote)
		case tBulletListOpen, tOrderedListOpen:
			if len(s.listStack) > 0 {
				s.text = append(s.text, '\n')
			}
			e := listEntry{}
			if tok.kind == tOrderedListOpen {
				e = listEntry{ordered: true, index: tok.start - 1}
			}
			s.listStack = append(s.listStack, e)
		case tBulletListClose, tOrderedListClose:
			if len(s.listStack) > 0 {
				s.listStack = s.listStack[:len(s.listStack)-1]
			}
			if len(s.listStack) == 0 {
				s.text = append(s.text, '\n')
			}
		case tListItemOpen:
			s.appendListPrefix()
		case tListItemClose:
			if len(s.text) == 0 || s.text[len(s.text)-1] != '\n' {
				s.text = append(s.text, '\n')
			}
		case tCodeBlock, tFence:
			s.renderCodeBlock(tok.content)
		case tTableOpen:
			if s.tableMode != TableModeOff {
				s.table = &tableState{}
				s.hasTables = true
			}
		case tTableClose:
			if s.table != nil {
				switch s.tableMode {
				case TableModeBullets:
					s.renderTableAsBullets()
				case TableModeCode:
					s.renderTableAsCode()
				}
			}
			s.table = nil
		case tTheadOpen:
			if s.table != nil {
				s.table.inHeader = true
			}
		case tTheadClose:
			if s.table != nil {
				s.table.inHeader = false
			}
		case tTrOpen:
			if s.table != nil {
				s.table.currentRow = nil
			}
		case tTrClose:
			if s.table != nil {
				if s.table.inHeader {
					s.table.headers = s.table.currentRow
				} else {
					s.table.rows = append(s.table.rows, s.table.currentRow)
				}
				s.table.currentRow = nil
			}
		case tThOpen, tTdOpen:
			if s.table != nil {
				s.table.currentCell = &renderTarget{}
			}
		case tThClose, tTdClose:
			if s.table != nil && s.table.currentCell != nil {
				s.table.currentRow = append(s.table.currentRow, finishTableCell(s.table.currentCell))
				s.table.currentCell = nil
			}
		case tHr:
			s.text = append(s.text, "───\n\n"...)
		}
	}
}

// parseMarkdown runs markdown-it's core chain (normalize, block, inline,
// text_join) on src.
func parseMarkdown(src string) []*mdToken {
	src = strings.ReplaceAll(src, "\r\n", "\n")
	src = strings.ReplaceAll(src, "\r", "\n")
	src = strings.ReplaceAll(src, "\x00", "\uFFFD")
	env := &mdEnv{}
	if src == "" {
		return nil
	}
	bs := newBlockState(src, env)
	bs.tokenize(bs.line, bs.lineMax)
	for _, t := range bs.tokens {
		if t.kind == tInline {
			kids := parseInline(t.content, env)
			for _, k := range kids {
				if k.kind == tTextSpecial {
					k.kind = tText
				}
			}
			t.children = joinText(kids, tText)
		}
	}
	return bs.tokens
}

type markdownIR struct {
	text   string
	styles []styleSpan
	links  []linkSpan
}

func markdownToIR(markdown, tableMode string) (markdownIR, bool) {
	s := &irState{tableMode: tableMode}
	s.render(parseMarkdown(markdown))
	closeRemainingStyles(&s.renderTarget)
	text := string(s.text)
	finalLength := len(trimEndJS(text))
	for _, sp := range s.styles {
		if sp.style == stCodeBlock && sp.end > finalLength {
			finalLength = sp.end
		}
	}
	text = text[:finalLength]
	var styles []styleSpan
	for _, sp := range s.styles {
		a := max(0, min(sp.start, finalLength))
		b := max(a, min(sp.end, finalLength))
		if b > a {
			styles = append(styles, styleSpan{a, b, sp.style})
		}
	}
	var links []linkSpan
	for _, l := range s.links {
		a := max(0, min(l.start, finalLength))
		b := max(a, min(l.end, finalLength))
		if b > a {
			links = append(links, linkSpan{a, b, l.href})
		}
	}
	return markdownIR{text, mergeStyleSpans(styles), links}, s.hasTables
}

// mergeStyleSpans sorts by start, end and style name (localeCompare, which
// for these names is byte order) and merges a span into the previous one
// when it has the same style and overlaps or touches it (touching block
// quotes stay apart).
func mergeStyleSpans(spans []styleSpan) []styleSpan {
	sorted := append([]styleSpan(nil), spans...)
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := sorted[i], sorted[j]
		if a.start != b.start {
			return a.start < b.start
		}
		if a.end != b.end {
			return a.end < b.end
		}
		return styleNames[a.style] < styleNames[b.style]
	})
	var merged []styleSpan
	for _, sp := range sorted {
		if n := len(merged); n > 0 {
			prev := &merged[n-1]
			if prev.style == sp.style && (sp.start < prev.end || sp.start == prev.end && sp.style != stBlockquote) {
				prev.end = max(prev.end, sp.end)
				continue
			}
		}
		merged = append(merged, sp)
	}
	return merged
}

type marker struct{ open, close string }

// The markers convertMarkdownTables renders (blockquote has none).
var styleMarkers = map[mdStyle]marker{
	stBold:          {"**", "**"},
	stItalic:        {"_", "_"},
	stStrikethrough: {"~~", "~~"},
	stCode:          {"`", "`"},
	stCodeBlock:     {"```\n", "```"},
}

type openingItem struct {
	end         int
	open, close string
	isLink      bool
	style       mdStyle
	index       int
}

func renderWithMarkers(ir markdownIR) string {
	text := ir.text
	if text == "" {
		return ""
	}
	boundaries := map[int]bool{0: true, len(text): true}
	startsAt := map[int][]styleSpan{}
	for _, sp := range ir.styles {
		if _, ok := styleMarkers[sp.style]; !ok || sp.start == sp.end {
			continue
		}
		boundaries[sp.start] = true
		boundaries[sp.end] = true
		startsAt[sp.start] = append(startsAt[sp.start], sp)
	}
	for _, spans := range startsAt {
		sort.SliceStable(spans, func(i, j int) bool {
			if spans[i].end != spans[j].end {
				return spans[i].end > spans[j].end
			}
			return spans[i].style < spans[j].style
		})
	}
	type renderedLink struct {
		start, end  int
		open, close string
	}
	linkStarts := map[int][]renderedLink{}
	for _, l := range ir.links {
		if l.start == l.end {
			continue
		}
		href := trimJS(l.href)
		if href == "" || text[l.start:l.end] == "" {
			continue
		}
		boundaries[l.start] = true
		boundaries[l.end] = true
		linkStarts[l.start] = append(linkStarts[l.start], renderedLink{l.start, l.end, "[", "](" + href + ")"})
	}
	points := make([]int, 0, len(boundaries))
	for p := range boundaries {
		points = append(points, p)
	}
	sort.Ints(points)
	type stackItem struct {
		close string
		end   int
	}
	var stack []stackItem
	var out strings.Builder
	out.Grow(len(text) + len(text)/8)
	for i, pos := range points {
		for len(stack) > 0 && stack[len(stack)-1].end == pos {
			out.WriteString(stack[len(stack)-1].close)
			stack = stack[:len(stack)-1]
		}
		var opening []openingItem
		for idx, l := range linkStarts[pos] {
			opening = append(opening, openingItem{end: l.end, open: l.open, close: l.close, isLink: true, index: idx})
		}
		for idx, sp := range startsAt[pos] {
			m := styleMarkers[sp.style]
			opening = append(opening, openingItem{end: sp.end, open: m.open, close: m.close, style: sp.style, index: idx})
		}
		if len(opening) > 0 {
			sort.SliceStable(opening, func(i, j int) bool {
				a, b := opening[i], opening[j]
				if a.end != b.end {
					return a.end > b.end
				}
				if a.isLink != b.isLink {
					return a.isLink
				}
				if !a.isLink {
					return a.style < b.style
				}
				return a.index < b.index
			})
			for _, it := range opening {
				out.WriteString(it.open)
				stack = append(stack, stackItem{it.close, it.end})
			}
		}
		if i+1 >= len(points) {
			break
		}
		if next := points[i+1]; next > pos {
			out.WriteString(text[pos:next])
		}
	}
	return out.String()
}

// ConvertMarkdownTables ports convertMarkdownTables: for mode "off", empty
// text or text without a table (as markdown-it parses it) the input comes
// back unchanged; otherwise the whole text is re-rendered, tables as an
// aligned code block ("code") or as bullet lists ("bullets").
func ConvertMarkdownTables(markdown, mode string) string {
	if markdown == "" || mode == TableModeOff {
		return markdown
	}
	// A table needs a '|' in its header row and a delimiter row of '|', '-'
	// and ':'; without a '|' there is no table and nothing to do.
	if strings.IndexByte(markdown, '|') < 0 {
		return markdown
	}
	ir, hasTables := markdownToIR(markdown, mode)
	if !hasTables {
		return markdown
	}
	return renderWithMarkers(ir)
}
