package jsregex

// The parser ports V8's regexp parser (src/regexp/regexp-parser.cc, the
// version in Node 24: ECMAScript 2025 with Annex B, regexp modifiers and
// duplicate named groups) for non-Unicode patterns. It keeps V8's cursor
// model (current code unit, next position, Reset/Advance), its lazy
// capture pre-scan and the order in which it checks things, because which
// error a pattern gets, and whether \1 or \k is a reference or a literal,
// depends on exactly that order. It produces a small AST that emit.go
// turns into a regexp2 pattern.

const (
	kEndMarker   = 1 << 21
	kInfinity    = 1<<31 - 1 // RegExpTree::kInfinity: a bound this large means "unbounded"
	kMaxCaptures = 1 << 16   // RegExpMacroAssembler::kMaxCaptures

	// maxNesting bounds group nesting so that the recursive passes here
	// and in regexp2 stay far from Go's stack limit. V8 accepts deeper
	// patterns (test() throws "Stack overflow" from about 12,000 nested
	// capturing groups); deeper ones get ErrUnsupported.
	maxNesting = 50_000
)

// V8's RegExpError messages (src/regexp/regexp-error.h) for the errors a
// non-Unicode pattern can raise.
const (
	errUnterminatedGroup    = "Unterminated group"
	errUnmatchedParen       = "Unmatched ')'"
	errEscapeAtEnd          = "\\ at end of pattern"
	errInvalidUnicodeEscape = "Invalid Unicode escape"
	errNothingToRepeat      = "Nothing to repeat"
	errRangeOutOfOrder      = "numbers out of order in {} quantifier"
	errInvalidQuantifier    = "Invalid quantifier"
	errInvalidGroup         = "Invalid group"
	errMultipleFlagDashes   = "Multiple dashes in flag group"
	errRepeatedFlag         = "Repeated flag in flag group"
	errInvalidFlagGroup     = "Invalid flag group"
	errTooManyCaptures      = "Too many captures"
	errInvalidCaptureName   = "Invalid capture group name"
	errDuplicateCaptureName = "Duplicate capture group name"
	errInvalidNamedRef      = "Invalid named reference"
	errInvalidNamedCapRef   = "Invalid named capture referenced"
	errInvalidEscape        = "Invalid escape"
	errUnterminatedClass    = "Unterminated character class"
	errClassOutOfOrder      = "Range out of order in character class"
)

type flagSet uint8

const (
	flagIgnoreCase flagSet = 1 << iota
	flagMultiline
	flagDotAll
)

type nodeKind uint8

const (
	nEmpty   nodeKind = iota
	nChar             // one UTF-16 code unit c
	nClass            // set (negated by neg)
	nSeq              // subs in order
	nAlt              // subs as alternatives
	nGroup            // (?:subs[0]) or a modifier group
	nCapture          // capture number index, subs[0]
	nLook             // lookaround: behind, neg, subs[0]
	nBackref          // refs: capture numbers (several for a duplicated name)
	nQuant            // subs[0]{min,max}, lazy
	nAssert           // at
	nDead             // subs[0] never matches; it is kept only for its capture numbers
)

type assertKind uint8

const (
	aStartInput assertKind = iota
	aEndInput
	aStartLine
	aEndLine
	aBoundary
	aNonBoundary
)

type node struct {
	kind     nodeKind
	ic       bool // case-insensitive (char, class, backref): the i flag in force where it was written
	neg      bool
	behind   bool
	c        uint16
	set      charSet
	subs     []*node
	min, max int
	lazy     bool
	index    int
	refs     []int
	refName  string // group name of a named capture or backreference (UTF-16 units, see unitsKey)
	at       assertKind
	memo     uint8
}

// zeroWidth is V8's max_match() == 0: the node can only match the empty
// string. V8 drops such an atom under a quantifier with min 0 and keeps it
// unquantified otherwise (Builder::AddQuantifierToAtom). Memoized: it is
// asked at every quantifier, and groups nest.
func (n *node) zeroWidth() bool {
	if n.memo&memoZero == 0 {
		zw := true
		switch n.kind {
		case nEmpty, nLook, nAssert, nDead:
		case nChar, nClass, nBackref:
			zw = false
		case nQuant:
			zw = n.max == 0 || n.subs[0].zeroWidth()
		default:
			for _, s := range n.subs {
				if !s.zeroWidth() {
					zw = false
					break
				}
			}
		}
		n.memo |= memoZero
		if zw {
			n.memo |= memoZeroTrue
		}
	}
	return n.memo&memoZeroTrue != 0
}

func (n *node) hasCapture() bool {
	if n.memo&memoCap == 0 {
		has := n.kind == nCapture
		for _, s := range n.subs {
			if has {
				break
			}
			has = s.hasCapture()
		}
		n.memo |= memoCap
		if has {
			n.memo |= memoCapTrue
		}
	}
	return n.memo&memoCapTrue != 0
}

const (
	memoZero uint8 = 1 << iota
	memoZeroTrue
	memoCap
	memoCapTrue
)

type groupType uint8

const (
	gInitial groupType = iota
	gCapture
	gPosLook
	gNegLook
	gGrouping
)

type interval struct{ from, to int }

// builder is V8's RegExpBuilder: terms of the current alternative, the
// finished alternatives, and pendingEmpty (a following quantifier is
// swallowed).
type builder struct {
	flags        flagSet
	terms        []*node
	alts         []*node
	pendingEmpty bool
}

func (b *builder) addAtom(n *node) {
	if n.kind == nEmpty {
		b.pendingEmpty = true
		return
	}
	b.pendingEmpty = false
	b.terms = append(b.terms, n)
}

func (b *builder) addAssertion(n *node) {
	b.pendingEmpty = false
	b.terms = append(b.terms, n)
}

func (b *builder) newAlternative() {
	b.alts = append(b.alts, seqOf(b.terms))
	b.terms = nil
}

func seqOf(terms []*node) *node {
	switch len(terms) {
	case 0:
		return &node{kind: nEmpty}
	case 1:
		return terms[0]
	}
	return &node{kind: nSeq, subs: terms}
}

func (b *builder) toRegExp() *node {
	b.newAlternative()
	if len(b.alts) == 1 {
		return b.alts[0]
	}
	return &node{kind: nAlt, subs: b.alts}
}

// addQuantifier is AddQuantifierToAtom; false means "Invalid quantifier".
func (b *builder) addQuantifier(min, max int, lazy bool) bool {
	if b.pendingEmpty {
		b.pendingEmpty = false
		return true
	}
	if len(b.terms) == 0 {
		return true // unreachable: V8 only quantifies right after an atom
	}
	atom := b.terms[len(b.terms)-1]
	b.terms = b.terms[:len(b.terms)-1]
	switch atom.kind {
	case nChar, nClass:
	default:
		if atom.kind == nLook && atom.behind {
			return false
		}
		if atom.zeroWidth() {
			switch {
			case min != 0:
				b.terms = append(b.terms, atom)
			case atom.hasCapture():
				// Dropped, but its groups keep their numbers (and never
				// participate).
				b.terms = append(b.terms, &node{kind: nDead, subs: []*node{atom}})
			}
			return true
		}
	}
	b.terms = append(b.terms, &node{kind: nQuant, min: min, max: max, lazy: lazy, subs: []*node{atom}})
	return true
}

type pstate struct {
	prev         *pstate
	typ          groupType
	behind       bool
	captureIndex int
	name         *string
	b            builder
	nonPart      interval // captures in earlier alternatives: they cannot participate here
}

func (s *pstate) isSubexpression() bool { return s.prev != nil }

func (s *pstate) insideCapture(index int) bool {
	for st := s; st != nil; st = st.prev {
		if st.typ != gCapture {
			continue
		}
		if index == st.captureIndex {
			return true
		}
		if index > st.captureIndex {
			return false
		}
	}
	return false
}

func (s *pstate) insideNamedCapture(name string) bool {
	for st := s; st != nil; st = st.prev {
		if st.name != nil && *st.name == name {
			return true
		}
	}
	return false
}

// newAlternative records, at '|', which captures cannot participate
// together with the ones that follow. Node 24's V8 (13.6) keeps a single
// interval per group state: set to [its capture index, captures started]
// at the first '|' and extended at later ones. Its lower end includes the
// last capture opened before the group, so /(?<m>a)(?:x|(?<m>b))/ is
// accepted although both groups can participate (newer V8 keeps a list of
// intervals and rejects it); jsregex follows Node 24.
func (s *pstate) newAlternative(capturesStarted int) {
	if s.nonPart.to != 0 {
		s.nonPart.to = capturesStarted
		return
	}
	s.nonPart = interval{s.captureIndex, capturesStarted}
}

type parser struct {
	src          []uint16
	cur          int // current(): a code unit, a code point while forceUnicode, or kEndMarker
	next         int // next_pos_
	hasMore      bool
	forceUnicode bool
	flags        flagSet // flags_ of the innermost group being parsed

	capturesStarted int
	captureCount    int // valid once scanned
	scanned         bool
	hasNamed        bool

	named     map[string][]int
	namedRefs []*node

	err     string
	tooDeep bool // err is jsregex's nesting limit, not a V8 error
}

func parse(src []uint16, flags flagSet) (*node, *parser, string) {
	p := &parser{src: src, hasMore: true, cur: kEndMarker, flags: flags}
	p.advance()
	tree := p.parseDisjunction()
	if p.err == "" {
		p.patchNamedBackReferences()
	}
	if p.err != "" {
		return nil, p, p.err
	}
	return tree, p, ""
}

func (p *parser) fail(msg string) {
	if p.err != "" {
		return
	}
	p.err = msg
	p.cur = kEndMarker
	p.next = len(p.src)
	p.hasMore = false
}

func (p *parser) hasNext() bool { return p.next < len(p.src) }

func (p *parser) readNext(update bool) int {
	pos := p.next
	c0 := p.src[pos]
	res := int(c0)
	pos++
	if p.forceUnicode && pos < len(p.src) && isLead(c0) && isTrail(p.src[pos]) {
		res = 0x10000 + (int(c0)-0xD800)<<10 + int(p.src[pos]) - 0xDC00
		pos++
	}
	if update {
		p.next = pos
	}
	return res
}

func (p *parser) peek() int {
	if p.hasNext() {
		return p.readNext(false)
	}
	return kEndMarker
}

func (p *parser) advance() {
	if p.hasNext() {
		p.cur = p.readNext(true)
		return
	}
	p.cur = kEndMarker
	p.next = len(p.src) + 1
	p.hasMore = false
}

func (p *parser) advanceBy(dist int) {
	p.next += dist - 1
	p.advance()
}

func (p *parser) reset(pos int) {
	p.next = pos
	p.hasMore = pos < len(p.src)
	p.advance()
}

func (p *parser) position() int {
	if p.cur != kEndMarker && p.cur > 0xFFFF {
		return p.next - 2
	}
	return p.next - 1
}

func (p *parser) rewindByOneCodepoint() {
	if !p.hasMore {
		return
	}
	if p.cur > 0xFFFF {
		p.advanceBy(-2)
	} else {
		p.advanceBy(-1)
	}
}

func isLead(c uint16) bool  { return c >= 0xD800 && c <= 0xDBFF }
func isTrail(c uint16) bool { return c >= 0xDC00 && c <= 0xDFFF }
func isDigit(c int) bool    { return c >= '0' && c <= '9' }

func hexValue(c int) int {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10
	}
	return -1
}

// parseDisjunction is ParseDisjunction: one loop over the whole pattern
// with an explicit stack of open groups (so nesting depth costs no Go
// stack).
func (p *parser) parseDisjunction() *node {
	state := &pstate{typ: gInitial, b: builder{flags: p.flags}}
	depth := 0
	for {
		b := &state.b
		switch p.cur {
		case kEndMarker:
			if p.err != "" {
				return nil
			}
			if state.isSubexpression() {
				p.fail(errUnterminatedGroup)
				return nil
			}
			return b.toRegExp()
		case ')':
			if !state.isSubexpression() {
				p.fail(errUnmatchedParen)
				return nil
			}
			p.advance()
			body := b.toRegExp()
			var n *node
			switch state.typ {
			case gCapture:
				if state.name != nil && !p.createNamedCapture(state) {
					return nil
				}
				n = &node{kind: nCapture, index: state.captureIndex, subs: []*node{body}}
				if state.name != nil {
					n.refName = *state.name
				}
			case gGrouping:
				n = &node{kind: nGroup, subs: []*node{body}}
			default:
				n = &node{kind: nLook, behind: state.behind, neg: state.typ == gNegLook, subs: []*node{body}}
			}
			state = state.prev
			depth--
			p.flags = state.b.flags
			state.b.addAtom(n)
		case '|':
			p.advance()
			state.newAlternative(p.capturesStarted)
			b.newAlternative()
			continue
		case '*', '+', '?':
			p.fail(errNothingToRepeat)
			return nil
		case '^':
			p.advance()
			k := aStartInput
			if b.flags&flagMultiline != 0 {
				k = aStartLine
			}
			b.addAssertion(&node{kind: nAssert, at: k})
			continue
		case '$':
			p.advance()
			k := aEndInput
			if b.flags&flagMultiline != 0 {
				k = aEndLine
			}
			b.addAssertion(&node{kind: nAssert, at: k})
			continue
		case '.':
			p.advance()
			set := allChars
			if b.flags&flagDotAll == 0 {
				set = notLineTerminator
			}
			b.addAtom(&node{kind: nClass, set: set, ic: b.flags&flagIgnoreCase != 0})
		case '(':
			st := p.parseOpenParenthesis(state)
			if st == nil {
				return nil
			}
			if depth++; depth > maxNesting {
				p.tooDeep = true
				p.fail("nesting deeper than 50000 groups")
				return nil
			}
			state = st
			p.flags = state.b.flags
			continue
		case '[':
			n := p.parseCharacterClass(b.flags)
			if n == nil {
				return nil
			}
			b.addAtom(n)
		case '\\':
			assertion, ok := p.parseAtomEscape(state)
			if !ok {
				return nil
			}
			if assertion {
				continue // \b and \B take no quantifier
			}
		case '{':
			if _, _, ok := p.parseIntervalQuantifier(); ok {
				p.fail(errNothingToRepeat)
				return nil
			}
			fallthrough
		default:
			b.addAtom(&node{kind: nChar, c: uint16(p.cur), ic: b.flags&flagIgnoreCase != 0})
			p.advance()
		}
		if p.err != "" {
			return nil
		}

		b = &state.b
		var min, max int
		switch p.cur {
		case '*':
			min, max = 0, kInfinity
			p.advance()
		case '+':
			min, max = 1, kInfinity
			p.advance()
		case '?':
			min, max = 0, 1
			p.advance()
		case '{':
			lo, hi, ok := p.parseIntervalQuantifier()
			if !ok {
				continue
			}
			if hi < lo {
				p.fail(errRangeOutOfOrder)
				return nil
			}
			min, max = lo, hi
		default:
			continue
		}
		lazy := false
		if p.cur == '?' {
			lazy = true
			p.advance()
		}
		if !b.addQuantifier(min, max, lazy) {
			p.fail(errInvalidQuantifier)
			return nil
		}
	}
}

// parseOpenParenthesis is ParseOpenParenthesis: (, (?:, (?=, (?!, (?<=,
// (?<!, (?<name> and modifier groups (?ims-ims:.
func (p *parser) parseOpenParenthesis(state *pstate) *pstate {
	behind := state.behind
	var name *string
	typ := gCapture
	flags := state.b.flags
	isNamed, parsingModifiers, polarity := false, false, true
	var modifiers flagSet
	p.advance()
	if p.cur == '?' {
		for {
			next := p.peek()
			switch next {
			case '-':
				p.advance()
				parsingModifiers = true
				if !polarity {
					p.fail(errMultipleFlagDashes)
					return nil
				}
				polarity = false
			case 'i', 'm', 's':
				p.advance()
				parsingModifiers = true
				f := flagIgnoreCase
				if next == 'm' {
					f = flagMultiline
				} else if next == 's' {
					f = flagDotAll
				}
				if modifiers&f != 0 {
					p.fail(errRepeatedFlag)
					return nil
				}
				modifiers |= f
				if polarity {
					flags |= f
				} else {
					flags &^= f
				}
			case ':':
				p.advanceBy(2)
				parsingModifiers = false
				typ = gGrouping
			case '=', '!':
				p.advanceBy(2)
				if parsingModifiers {
					p.fail(errInvalidGroup)
					return nil
				}
				behind = false
				typ = gPosLook
				if next == '!' {
					typ = gNegLook
				}
			case '<':
				p.advance()
				if parsingModifiers {
					p.fail(errInvalidGroup)
					return nil
				}
				switch p.peek() {
				case '=':
					p.advanceBy(2)
					behind, typ = true, gPosLook
				case '!':
					p.advanceBy(2)
					behind, typ = true, gNegLook
				default:
					isNamed = true
					p.hasNamed = true
					p.advance()
				}
			default:
				p.fail(errInvalidGroup)
				return nil
			}
			if !parsingModifiers {
				break
			}
		}
	}
	if !polarity && modifiers == 0 {
		p.fail(errInvalidFlagGroup)
		return nil
	}
	if typ == gCapture {
		if p.capturesStarted >= kMaxCaptures {
			p.fail(errTooManyCaptures)
			return nil
		}
		p.capturesStarted++
		if isNamed {
			n, ok := p.parseCaptureGroupName()
			if !ok {
				return nil
			}
			name = &n
		}
	}
	return &pstate{
		prev: state, typ: typ, behind: behind, captureIndex: p.capturesStarted, name: name,
		b: builder{flags: flags}, nonPart: state.nonPart,
	}
}

// scanForCaptures is ScanForCaptures: V8 counts the capturing groups of the
// rest of the pattern (lexically, skipping escapes and classes) the first
// time it needs the total, to tell a backreference from an octal escape
// and \k<name> from a literal k.
func (p *parser) scanForCaptures(inClass bool) {
	saved := p.position()
	count := p.capturesStarted
	if inClass {
		for c := p.cur; c != kEndMarker; c = p.cur {
			p.advance()
			if c == '\\' {
				p.advance()
			} else if c == ']' {
				break
			}
		}
	}
	for n := p.cur; n != kEndMarker; n = p.cur {
		p.advance()
		switch n {
		case '\\':
			p.advance()
		case '[':
			for c := p.cur; c != kEndMarker; c = p.cur {
				p.advance()
				if c == '\\' {
					p.advance()
				} else if c == ']' {
					break
				}
			}
		case '(':
			if p.cur == '?' {
				p.advance()
				if p.cur != '<' {
					continue
				}
				p.advance()
				if p.cur == '=' || p.cur == '!' {
					continue
				}
				p.hasNamed = true
			}
			count++
		}
	}
	p.captureCount = count
	p.scanned = true
	p.reset(saved)
}

func (p *parser) hasNamedCaptures(inClass bool) bool {
	if p.hasNamed || p.scanned {
		return p.hasNamed
	}
	p.scanForCaptures(inClass)
	return p.hasNamed
}

// parseBackReferenceIndex reads \N; it is a backreference only when N is at
// most the number of capturing groups in the whole pattern.
func (p *parser) parseBackReferenceIndex() (int, bool) {
	start := p.position()
	value := p.peek() - '0'
	p.advanceBy(2)
	for isDigit(p.cur) {
		value = 10*value + p.cur - '0'
		if value > kMaxCaptures {
			p.reset(start)
			return 0, false
		}
		p.advance()
	}
	if value > p.capturesStarted {
		if !p.scanned {
			p.scanForCaptures(false)
		}
		if value > p.captureCount {
			p.reset(start)
			return 0, false
		}
	}
	return value, true
}

// parseCaptureGroupName reads a RegExpIdentifierName up to '>'. V8 reads
// it in Unicode mode even in a non-Unicode pattern: surrogate pairs and
// \u{...} escapes form one code point.
func (p *parser) parseCaptureGroupName() (string, bool) {
	p.rewindByOneCodepoint()
	var name []uint16
	p.forceUnicode = true
	defer func() { p.forceUnicode = false }()
	for atStart := true; ; {
		p.advance()
		c := p.cur
		if c == '\\' && p.peek() == 'u' {
			p.advanceBy(2)
			v, ok := p.parseUnicodeEscape()
			if !ok {
				p.fail(errInvalidUnicodeEscape)
				return "", false
			}
			c = v
			p.rewindByOneCodepoint()
		}
		if c == '\\' {
			p.fail(errInvalidCaptureName)
			return "", false
		}
		if atStart {
			if !isIDStart(c) {
				p.fail(errInvalidCaptureName)
				return "", false
			}
			name = appendCodePoint(name, c)
			atStart = false
			continue
		}
		if c == '>' {
			break
		}
		if !isIDPart(c) {
			p.fail(errInvalidCaptureName)
			return "", false
		}
		name = appendCodePoint(name, c)
	}
	p.forceUnicode = false
	p.advance()
	return unitsKey(name), true
}

func appendCodePoint(u []uint16, c int) []uint16 {
	if c <= 0xFFFF {
		return append(u, uint16(c))
	}
	c -= 0x10000
	return append(u, uint16(0xD800+c>>10), uint16(0xDC00+c&0x3FF))
}

// unitsKey keeps a UTF-16 name exact (a Go string conversion would merge
// unpaired surrogates into U+FFFD).
func unitsKey(u []uint16) string {
	b := make([]byte, 0, 2*len(u))
	for _, c := range u {
		b = append(b, byte(c>>8), byte(c))
	}
	return string(b)
}

// createNamedCapture is CreateNamedCaptureAtIndex, run when the group
// closes: a name may repeat only for captures in the group state's
// non-participating interval (ES2025 duplicate named groups, as Node 24's
// V8 approximates them; see newAlternative).
func (p *parser) createNamedCapture(state *pstate) bool {
	name, index := *state.name, state.captureIndex
	if p.named == nil {
		p.named = map[string][]int{}
	}
	for _, j := range p.named[name] {
		if j < state.nonPart.from || j > state.nonPart.to {
			p.fail(errDuplicateCaptureName)
			return false
		}
	}
	p.named[name] = append(p.named[name], index)
	return true
}

func (p *parser) parseNamedBackReference(b *builder, state *pstate) bool {
	if p.cur != '<' {
		p.fail(errInvalidNamedRef)
		return false
	}
	p.advance()
	name, ok := p.parseCaptureGroupName()
	if !ok {
		return false
	}
	if state.insideNamedCapture(name) {
		b.addAtom(&node{kind: nEmpty})
		return true
	}
	n := &node{kind: nBackref, refName: name, ic: b.flags&flagIgnoreCase != 0}
	b.addAtom(n)
	p.namedRefs = append(p.namedRefs, n)
	return true
}

func (p *parser) patchNamedBackReferences() {
	if len(p.namedRefs) == 0 {
		return
	}
	for _, ref := range p.namedRefs {
		list, ok := p.named[ref.refName]
		if !ok {
			p.fail(errInvalidNamedCapRef)
			return
		}
		ref.refs = list
	}
}

// parseIntervalQuantifier reads {n}, {n,} or {n,m}; ok is false (and the
// cursor unmoved) when '{' does not start one. Bounds saturate at
// kInfinity as in V8.
func (p *parser) parseIntervalQuantifier() (min, max int, ok bool) {
	start := p.position()
	p.advance()
	if !isDigit(p.cur) {
		p.reset(start)
		return 0, 0, false
	}
	digits := func() int {
		v := 0
		for isDigit(p.cur) {
			d := p.cur - '0'
			if v > (kInfinity-d)/10 {
				for isDigit(p.cur) {
					p.advance()
				}
				return kInfinity
			}
			v = 10*v + d
			p.advance()
		}
		return v
	}
	min = digits()
	switch p.cur {
	case '}':
		max = min
		p.advance()
	case ',':
		p.advance()
		if p.cur == '}' {
			max = kInfinity
			p.advance()
			break
		}
		max = digits()
		if p.cur != '}' {
			p.reset(start)
			return 0, 0, false
		}
		p.advance()
	default:
		p.reset(start)
		return 0, 0, false
	}
	return min, max, true
}

// parseOctalLiteral reads up to three octal digits with a value below 256
// (Annex B LegacyOctalEscapeSequence).
func (p *parser) parseOctalLiteral() int {
	isOctal := func(c int) bool { return c >= '0' && c <= '7' }
	v := p.cur - '0'
	p.advance()
	if isOctal(p.cur) {
		v = v*8 + p.cur - '0'
		p.advance()
		if v < 32 && isOctal(p.cur) {
			v = v*8 + p.cur - '0'
			p.advance()
		}
	}
	return v
}

func (p *parser) parseHexEscape(length int) (int, bool) {
	start := p.position()
	v := 0
	for i := 0; i < length; i++ {
		d := hexValue(p.cur)
		if d < 0 {
			p.reset(start)
			return 0, false
		}
		v = v*16 + d
		p.advance()
	}
	return v, true
}

// parseUnicodeEscape reads the XXXX of \uXXXX; only inside a group name
// (Unicode mode) also \u{...} and an escaped surrogate pair.
func (p *parser) parseUnicodeEscape() (int, bool) {
	if p.cur == '{' && p.forceUnicode {
		start := p.position()
		p.advance()
		if v, ok := p.parseUnlimitedLengthHexNumber(0x10FFFF); ok && p.cur == '}' {
			p.advance()
			return v, true
		}
		p.reset(start)
		return 0, false
	}
	v, ok := p.parseHexEscape(4)
	if ok && p.forceUnicode && v >= 0xD800 && v <= 0xDBFF && p.cur == '\\' {
		start := p.position()
		if p.peek() == 'u' {
			p.advanceBy(2)
			if t, ok := p.parseHexEscape(4); ok && t >= 0xDC00 && t <= 0xDFFF {
				return 0x10000 + (v-0xD800)<<10 + t - 0xDC00, true
			}
		}
		p.reset(start)
	}
	return v, ok
}

func (p *parser) parseUnlimitedLengthHexNumber(max int) (int, bool) {
	d := hexValue(p.cur)
	if d < 0 {
		return 0, false
	}
	x := 0
	for d >= 0 {
		x = x*16 + d
		if x > max {
			return 0, false
		}
		p.advance()
		d = hexValue(p.cur)
	}
	return x, true
}

// parseAtomEscape handles '\' outside a class. assertion reports \b or \B.
func (p *parser) parseAtomEscape(state *pstate) (assertion, ok bool) {
	b := &state.b
	ic := b.flags&flagIgnoreCase != 0
	next := p.peek()
	switch {
	case next == kEndMarker:
		p.fail(errEscapeAtEnd)
		return false, false
	case next >= '1' && next <= '9':
		index, isRef := p.parseBackReferenceIndex()
		if p.err != "" {
			return false, false
		}
		if isRef {
			if state.insideCapture(index) {
				// Nothing can have been captured yet: V8 uses empty.
				b.addAtom(&node{kind: nEmpty})
			} else {
				b.addAtom(&node{kind: nBackref, refs: []int{index}, ic: ic})
			}
			return false, true
		}
		if first := p.peek(); first == '8' || first == '9' {
			b.addAtom(&node{kind: nChar, c: uint16(first), ic: ic})
			p.advanceBy(2)
			return false, true
		}
		fallthrough
	case next == '0':
		p.advance()
		b.addAtom(&node{kind: nChar, c: uint16(p.parseOctalLiteral()), ic: ic})
	case next == 'b' || next == 'B':
		p.advanceBy(2)
		k := aBoundary
		if next == 'B' {
			k = aNonBoundary
		}
		b.addAssertion(&node{kind: nAssert, at: k})
		return true, true
	case isClassEscape(next):
		p.advanceBy(2)
		b.addAtom(&node{kind: nClass, set: classEscape(next), ic: ic})
	case next == 'p' || next == 'P':
		// \p{...} is a property escape only with /u; here it is "p".
		p.advanceBy(2)
		b.addAtom(&node{kind: nChar, c: uint16(next), ic: ic})
	case next == 'k' && p.hasNamedCaptures(false):
		p.advanceBy(2)
		if !p.parseNamedBackReference(b, state) {
			return false, false
		}
	default:
		c := p.parseCharacterEscape(false)
		if p.err != "" {
			return false, false
		}
		b.addAtom(&node{kind: nChar, c: uint16(c), ic: ic})
	}
	return false, p.err == ""
}

func isClassEscape(c int) bool {
	switch c {
	case 'd', 'D', 's', 'S', 'w', 'W':
		return true
	}
	return false
}

// parseCharacterEscape is ParseCharacterEscape in non-Unicode mode (Annex
// B): control escapes, \cX, legacy octal, \xHH, \uHHHH and identity
// escapes of anything else, all falling back to the literal character
// when malformed. A \c not followed by a control letter is a literal
// backslash, and the c is read again as the next atom.
func (p *parser) parseCharacterEscape(inClass bool) int {
	p.advance()
	c := p.cur
	switch c {
	case 'f':
		p.advance()
		return '\f'
	case 'n':
		p.advance()
		return '\n'
	case 'r':
		p.advance()
		return '\r'
	case 't':
		p.advance()
		return '\t'
	case 'v':
		p.advance()
		return '\v'
	case 'c':
		ctl := p.peek()
		if l := ctl &^ ('A' ^ 'a'); l >= 'A' && l <= 'Z' {
			p.advanceBy(2)
			return ctl & 0x1F
		}
		if inClass && (isDigit(ctl) || ctl == '_') {
			p.advanceBy(2)
			return ctl & 0x1F
		}
		return '\\'
	case '0':
		if !isDigit(p.peek()) {
			p.advance()
			return 0
		}
		return p.parseOctalLiteral()
	case '1', '2', '3', '4', '5', '6', '7':
		return p.parseOctalLiteral()
	case 'x':
		p.advance()
		if v, ok := p.parseHexEscape(2); ok {
			return v
		}
		return 'x'
	case 'u':
		p.advance()
		if v, ok := p.parseUnicodeEscape(); ok {
			return v
		}
		return 'u'
	}
	p.advance()
	if c == 'k' && p.hasNamedCaptures(inClass) {
		p.fail(errInvalidEscape)
		return 0
	}
	return c
}

// parseCharacterClass is ParseCharacterClass + ParseClassRanges for
// non-Unicode patterns: [] matches nothing, [^] anything, a class escape
// at either end of a range makes the '-' literal (Annex B).
func (p *parser) parseCharacterClass(flags flagSet) *node {
	p.advance()
	n := &node{kind: nClass, ic: flags&flagIgnoreCase != 0}
	if p.cur == '^' {
		n.neg = true
		p.advance()
	}
	if p.cur == ']' {
		p.advance()
		return n
	}
	var set charSet
	for p.hasMore && p.cur != ']' {
		c1, class1 := p.parseClassEscape(&set)
		if p.err != "" {
			return nil
		}
		if p.cur != '-' {
			if !class1 {
				set = append(set, rng{uint16(c1), uint16(c1)})
			}
			continue
		}
		p.advance()
		if !p.hasMore {
			break
		}
		if p.cur == ']' {
			if !class1 {
				set = append(set, rng{uint16(c1), uint16(c1)})
			}
			set = append(set, rng{'-', '-'})
			break
		}
		c2, class2 := p.parseClassEscape(&set)
		if p.err != "" {
			return nil
		}
		if class1 || class2 {
			if !class1 {
				set = append(set, rng{uint16(c1), uint16(c1)})
			}
			set = append(set, rng{'-', '-'})
			if !class2 {
				set = append(set, rng{uint16(c2), uint16(c2)})
			}
			continue
		}
		if c1 > c2 {
			p.fail(errClassOutOfOrder)
			return nil
		}
		set = append(set, rng{uint16(c1), uint16(c2)})
	}
	if !p.hasMore {
		p.fail(errUnterminatedClass)
		return nil
	}
	p.advance()
	n.set = set.normalize()
	return n
}

// parseClassEscape reads one class atom: a character (returned) or a class
// escape \d\D\s\S\w\W (added to set, class true).
func (p *parser) parseClassEscape(set *charSet) (c int, class bool) {
	if p.cur != '\\' {
		c = p.cur
		p.advance()
		return c, false
	}
	next := p.peek()
	switch {
	case next == 'b':
		p.advanceBy(2)
		return '\b', false
	case next == kEndMarker:
		p.fail(errEscapeAtEnd)
		return 0, false
	case isClassEscape(next):
		p.advanceBy(2)
		*set = append(*set, classEscape(next)...)
		return 0, true
	}
	return p.parseCharacterEscape(true), false
}
