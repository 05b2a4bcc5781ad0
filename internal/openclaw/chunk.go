package openclaw

// Outbound text chunking (src/auto-reply/chunk.ts, src/shared/text-chunking.ts
// and src/markdown/fences.ts in OpenClaw 2026.3.24). Every chunk becomes one
// iMessage, so the split points decide what recipients see and how many
// sends a reply costs.
//
// Lengths, limits and split positions are UTF-16 code units, as in
// JavaScript: an emoji outside the BMP counts 2, and a hard cut can fall
// between its two surrogates. Such a lone surrogate comes back as U+FFFD,
// which is what Node also sends when it encodes the chunk as UTF-8.

// Chunk modes (channels.imessage.chunkMode).
const (
	ChunkModeLength  = "length"
	ChunkModeNewline = "newline"
)

// ChunkText ports chunkText ("length" mode). "" gives no chunks; limit <= 0
// or a text within the limit gives the text unchanged. Otherwise it cuts
// windows of limit units, breaking at the last '\n' outside parentheses
// (if not at index 0), else the last JS whitespace outside parentheses,
// else hard at the limit; chunks are trimmed at the end, the separator and
// the next chunk's leading whitespace are dropped, and empty chunks are
// skipped. It is not aware of code fences.
func ChunkText(text string, limit int) []string {
	return utf16Chunks(chunkText16(toUTF16(text), limit))
}

// ChunkByParagraph ports chunkByParagraph (the "newline" mode):
// CRLF/CR become LF, the text is split at blank lines (/\n[\t ]*\n+/) that
// are outside fenced code blocks, each paragraph is trimmed at the end and
// sent as its own chunk (paragraphs are not packed together), blank ones are
// dropped, and a paragraph over the limit goes through ChunkText. Without a
// blank line the whole (LF-normalised) text is one chunk or goes through
// ChunkText; limit <= 0 returns the original text unchanged.
func ChunkByParagraph(text string, limit int) []string {
	return utf16Chunks(chunkByParagraph16(toUTF16(text), limit))
}

// ChunkTextWithMode ports chunkTextWithMode: ChunkByParagraph for mode
// "newline" (exactly), ChunkText for anything else.
func ChunkTextWithMode(text string, limit int, mode string) []string {
	if mode == ChunkModeNewline {
		return ChunkByParagraph(text, limit)
	}
	return ChunkText(text, limit)
}

func utf16Chunks(chunks [][]uint16) []string {
	if chunks == nil {
		return nil
	}
	out := make([]string, len(chunks))
	for i, c := range chunks {
		out[i] = fromUTF16(c)
	}
	return out
}

func chunkText16(text []uint16, limit int) [][]uint16 {
	if len(text) == 0 {
		return nil
	}
	if limit <= 0 || len(text) <= limit {
		return [][]uint16{text}
	}
	var chunks [][]uint16
	remaining := text
	for len(remaining) > limit {
		window := remaining[:limit]
		lastNewline, lastWhitespace := scanParenAwareBreakpoints(window)
		breakIdx := lastWhitespace
		if lastNewline > 0 {
			breakIdx = lastNewline
		}
		if !(breakIdx > 0 && breakIdx <= limit) {
			breakIdx = limit
		}
		if chunk := trimEnd16(remaining[:breakIdx]); len(chunk) > 0 {
			chunks = append(chunks, chunk)
		}
		next := breakIdx
		if breakIdx < len(remaining) && isJSSpace16(remaining[breakIdx]) {
			next++
		}
		remaining = trimStart16(remaining[min(len(remaining), next):])
	}
	if len(remaining) > 0 {
		chunks = append(chunks, remaining)
	}
	return chunks
}

// scanParenAwareBreakpoints finds the last '\n' and the last other JS
// whitespace at parenthesis depth 0 ('(' opens, ')' closes only when open).
func scanParenAwareBreakpoints(window []uint16) (lastNewline, lastWhitespace int) {
	lastNewline, lastWhitespace = -1, -1
	depth := 0
	for i, c := range window {
		switch {
		case c == '(':
			depth++
		case c == ')' && depth > 0:
			depth--
		case depth != 0:
		case c == '\n':
			lastNewline = i
		case isJSSpace16(c):
			lastWhitespace = i
		}
	}
	return lastNewline, lastWhitespace
}

func chunkByParagraph16(text []uint16, limit int) [][]uint16 {
	if len(text) == 0 {
		return nil
	}
	if limit <= 0 {
		return [][]uint16{text}
	}
	normalized := normalizeNewlines16(text)
	seps := paragraphSeparators(normalized)
	if len(seps) == 0 {
		if len(normalized) <= limit {
			return [][]uint16{normalized}
		}
		return chunkText16(normalized, limit)
	}
	spans := parseFenceSpans(normalized)
	var parts [][]uint16
	last := 0
	for _, s := range seps {
		if findFenceSpanAt(spans, s[0]) {
			continue
		}
		parts = append(parts, normalized[last:s[0]])
		last = s[1]
	}
	parts = append(parts, normalized[last:])
	var chunks [][]uint16
	for _, part := range parts {
		paragraph := trimEnd16(part)
		if len(trimStart16(paragraph)) == 0 {
			continue
		}
		if len(paragraph) <= limit {
			chunks = append(chunks, paragraph)
		} else {
			chunks = append(chunks, chunkText16(paragraph, limit)...)
		}
	}
	return chunks
}

// normalizeNewlines16 is text.replace(/\r\n?/g, "\n").
func normalizeNewlines16(text []uint16) []uint16 {
	out := make([]uint16, 0, len(text))
	for i := 0; i < len(text); i++ {
		if text[i] == '\r' {
			out = append(out, '\n')
			if i+1 < len(text) && text[i+1] == '\n' {
				i++
			}
			continue
		}
		out = append(out, text[i])
	}
	return out
}

// paragraphSeparators returns the [start, end) of every match of the global
// regex /\n[\t ]*\n+/, scanning left to right without overlaps.
func paragraphSeparators(s []uint16) [][2]int {
	var out [][2]int
	for i := 0; i < len(s); i++ {
		if s[i] != '\n' {
			continue
		}
		j := i + 1
		for j < len(s) && (s[j] == '\t' || s[j] == ' ') {
			j++
		}
		if j >= len(s) || s[j] != '\n' {
			continue
		}
		for j < len(s) && s[j] == '\n' {
			j++
		}
		out = append(out, [2]int{i, j})
		i = j - 1
	}
	return out
}

// fenceSpan is a fenced code block [start, end): start is the opening
// line's first unit, end the closing line's end (or the text's end).
type fenceSpan struct{ start, end int }

// parseFenceSpans ports parseFenceSpans: a line matching
// /^( {0,3})(`{3,}|~{3,})(.*)$/ opens a fence, and a later such line with
// the same character and at least as long a marker closes it (whatever
// follows the marker); an unclosed fence runs to the end.
func parseFenceSpans(buf []uint16) []fenceSpan {
	var spans []fenceSpan
	open := false
	var openStart, openLen int
	var openChar uint16
	offset := 0
	for offset <= len(buf) {
		lineEnd := offset
		for lineEnd < len(buf) && buf[lineEnd] != '\n' {
			lineEnd++
		}
		if char, n, ok := fenceMarker(buf[offset:lineEnd]); ok {
			if !open {
				open, openStart, openLen, openChar = true, offset, n, char
			} else if char == openChar && n >= openLen {
				spans = append(spans, fenceSpan{openStart, lineEnd})
				open = false
			}
		}
		if lineEnd == len(buf) {
			break
		}
		offset = lineEnd + 1
	}
	if open {
		spans = append(spans, fenceSpan{openStart, len(buf)})
	}
	return spans
}

// fenceMarker matches /^( {0,3})(`{3,}|~{3,})(.*)$/ against one line (no
// '\n'): '.' excludes the other JS line terminators \r, U+2028 and U+2029.
func fenceMarker(line []uint16) (char uint16, n int, ok bool) {
	i := 0
	for i < len(line) && i < 4 && line[i] == ' ' {
		i++
	}
	if i > 3 || i >= len(line) || (line[i] != '`' && line[i] != '~') {
		return 0, 0, false
	}
	char = line[i]
	j := i
	for j < len(line) && line[j] == char {
		j++
	}
	if j-i < 3 {
		return 0, 0, false
	}
	for _, c := range line[j:] {
		if c == '\r' || c == 0x2028 || c == 0x2029 {
			return 0, 0, false
		}
	}
	return char, j - i, true
}

// findFenceSpanAt reports whether index lies strictly inside a span
// (start < index < end), the binary search of findFenceSpanAt.
func findFenceSpanAt(spans []fenceSpan, index int) bool {
	lo, hi := 0, len(spans)-1
	for lo <= hi {
		mid := (lo + hi) / 2
		s := spans[mid]
		switch {
		case index <= s.start:
			hi = mid - 1
		case index >= s.end:
			lo = mid + 1
		default:
			return true
		}
	}
	return false
}
