package jsregex

import (
	"strconv"
	"strings"
)

// The emitter writes the AST as a regexp2 ECMAScript pattern that spells
// every semantic choice out instead of trusting regexp2's reading of it:
// characters are \uXXXX code units (surrogates remapped, see unit), the i
// flag is applied here as case closure (regexp2 folds only ASCII letters,
// written (?i:...), where its folding is V8's, and backreferences), '.',
// \s, \w and \d are explicit classes, ^ and $ under the m flag are
// lookarounds over JavaScript's four line terminators, and a capture is a
// plain numbered group unless a backreference needs regexp2's
// duplicate-name semantics.
type emitter struct {
	b strings.Builder
	// shared maps a group name that several captures carry, and that a
	// backreference uses, to its first capture number; those captures are
	// emitted named so that regexp2 resolves the reference to whichever
	// participated. Every other capture is a plain numbered group.
	shared map[string]int
}

func emitPattern(root *node, sticky bool, p *parser) string {
	e := &emitter{shared: map[string]int{}}
	for _, ref := range p.namedRefs {
		if len(ref.refs) > 1 {
			e.shared[ref.refName] = ref.refs[0]
		}
	}
	if sticky {
		e.b.WriteString("^(?:")
	}
	e.emit(root)
	if sticky {
		e.b.WriteString(")")
	}
	return e.b.String()
}

func isASCIILetter(c uint16) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func groupName(first int) string { return "g" + strconv.Itoa(first) }

func (e *emitter) emit(n *node) {
	switch n.kind {
	case nEmpty:
	case nChar:
		if n.ic && isASCIILetter(n.c) {
			e.b.WriteString("(?i:")
			e.b.WriteByte(byte(n.c))
			e.b.WriteByte(')')
			return
		}
		if n.ic {
			if cl := caseClass(n.c); len(cl) > 1 {
				e.b.WriteByte('[')
				for _, c := range cl {
					e.unit(c)
				}
				e.b.WriteByte(']')
				return
			}
		}
		e.unit(n.c)
	case nClass:
		set := n.set
		if n.ic {
			set = caseClose(set)
		}
		if n.neg {
			set = set.complement()
		}
		e.class(set)
	case nSeq:
		for i := 0; i < len(n.subs); i++ {
			// A run of case-insensitive ASCII letters goes to regexp2 as
			// (?i:run), which lets it search for the run; its ASCII folding
			// is V8's for letters (each matches its other case only: not
			// the Kelvin sign, long s or dotted I).
			j := i
			for j < len(n.subs) && n.subs[j].kind == nChar && n.subs[j].ic && isASCIILetter(n.subs[j].c) {
				j++
			}
			if j-i > 1 {
				e.b.WriteString("(?i:")
				for _, c := range n.subs[i:j] {
					e.b.WriteByte(byte(c.c))
				}
				e.b.WriteByte(')')
				i = j - 1
				continue
			}
			e.emit(n.subs[i])
		}
	case nAlt:
		e.b.WriteString("(?:")
		for i, s := range n.subs {
			if i > 0 {
				e.b.WriteByte('|')
			}
			e.emit(s)
		}
		e.b.WriteByte(')')
	case nGroup:
		e.b.WriteString("(?:")
		e.emit(n.subs[0])
		e.b.WriteByte(')')
	case nCapture:
		if first, ok := e.shared[n.refName]; ok && n.refName != "" {
			e.b.WriteString("(?<" + groupName(first) + ">")
		} else {
			e.b.WriteByte('(')
		}
		e.emit(n.subs[0])
		e.b.WriteByte(')')
	case nLook:
		e.b.WriteString("(?")
		if n.behind {
			e.b.WriteByte('<')
		}
		if n.neg {
			e.b.WriteByte('!')
		} else {
			e.b.WriteByte('=')
		}
		e.emit(n.subs[0])
		e.b.WriteByte(')')
	case nBackref:
		// regexp2 folds a backreference with its legacy ECMAScript
		// canonicalisation, which is V8's except for the few case pairs
		// Unicode 16/17 added (see canonOverride).
		if n.ic {
			e.b.WriteString("(?i:")
		} else {
			e.b.WriteString("(?-i:")
		}
		if len(n.refs) == 1 {
			e.b.WriteString(`\` + strconv.Itoa(n.refs[0]))
		} else {
			// A duplicated name refers to whichever of its groups
			// participated: regexp2's ECMAScript duplicate-name semantics.
			e.b.WriteString(`\k<` + groupName(n.refs[0]) + `>`)
		}
		e.b.WriteByte(')')
	case nQuant:
		if a := n.subs[0]; a.kind == nClass || a.kind == nChar && !(a.ic && isASCIILetter(a.c)) {
			e.emit(a) // one unit or one class: quantifiable as written
		} else {
			e.b.WriteString("(?:")
			e.emit(a)
			e.b.WriteByte(')')
		}
		switch {
		case n.max == kInfinity && n.min == 0:
			e.b.WriteByte('*')
		case n.max == kInfinity && n.min == 1:
			e.b.WriteByte('+')
		case n.max == kInfinity:
			e.b.WriteString("{" + strconv.Itoa(n.min) + ",}")
		case n.min == 0 && n.max == 1:
			e.b.WriteByte('?')
		case n.min == n.max:
			e.b.WriteString("{" + strconv.Itoa(n.min) + "}")
		default:
			e.b.WriteString("{" + strconv.Itoa(n.min) + "," + strconv.Itoa(n.max) + "}")
		}
		if n.lazy {
			e.b.WriteByte('?')
		}
	case nDead:
		e.b.WriteString("(?:(?!)")
		e.emit(n.subs[0])
		e.b.WriteString(")?")
	case nAssert:
		switch n.at {
		case aStartInput:
			e.b.WriteByte('^')
		case aEndInput:
			e.b.WriteByte('$')
		case aStartLine:
			e.b.WriteString("(?<!")
			e.class(lineTerminators.complement())
			e.b.WriteByte(')')
		case aEndLine:
			e.b.WriteString("(?!")
			e.class(lineTerminators.complement())
			e.b.WriteByte(')')
		case aBoundary:
			e.b.WriteString(`\b`)
		case aNonBoundary:
			e.b.WriteString(`\B`)
		}
	}
}

// Surrogate code units are written as the runes U+100000-U+1007FF (and
// MatchString feeds them so): regexp2 keeps literal prefixes as Go strings,
// which cannot hold a surrogate, and mis-searches sets of them. Astral
// runes never occur in the converted input, so the plane-16 stand-ins
// cannot collide.
const surrogateBase = 0x100000

func remapUnit(c uint16) rune {
	if c >= 0xD800 && c <= 0xDFFF {
		return surrogateBase + rune(c-0xD800)
	}
	return rune(c)
}

func (e *emitter) unit(c uint16) {
	switch {
	case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
		e.b.WriteByte(byte(c))
	case c >= 0xD800 && c <= 0xDFFF:
		e.b.WriteRune(remapUnit(c))
	default:
		const hex = "0123456789ABCDEF"
		e.b.WriteString(`\u`)
		e.b.WriteByte(hex[c>>12])
		e.b.WriteByte(hex[c>>8&0xF])
		e.b.WriteByte(hex[c>>4&0xF])
		e.b.WriteByte(hex[c&0xF])
	}
}

// never is a class no converted input unit is in.
var never = "[^\\u0000-\\uFFFF" + string(rune(surrogateBase)) + "-" + string(rune(surrogateBase+0x7FF)) + "]"

func (e *emitter) class(s charSet) {
	if len(s) == 0 {
		e.b.WriteString(never)
		return
	}
	// A negated complement is the same set (over code units) and usually
	// shorter.
	neg := false
	if c := s.complement(); len(c) > 0 && len(c) < len(s) {
		s, neg = c, true
	}
	e.b.WriteByte('[')
	if neg {
		e.b.WriteByte('^')
	}
	for _, r := range s {
		// Split at the surrogate block, which is remapped as a whole.
		for _, part := range [3]rng{{r.lo, min(r.hi, 0xD7FF)}, {max(r.lo, 0xD800), min(r.hi, 0xDFFF)}, {max(r.lo, 0xE000), r.hi}} {
			if part.lo > part.hi {
				continue
			}
			e.unit(part.lo)
			if part.hi != part.lo {
				if part.hi > part.lo+1 {
					e.b.WriteByte('-')
				}
				e.unit(part.hi)
			}
		}
	}
	e.b.WriteByte(']')
}
