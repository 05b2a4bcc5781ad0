package openclaw

import (
	"errors"
	"math"
	"unicode/utf16"

	"github.com/openclawcfg/openclawcfg/internal/jsregex"
)

// The reasons compileSafeRegexDetailed (dist/safe-regex-*.js,
// src/security/safe-regex.ts in OpenClaw 2026.3.24) gives for a config
// regex it does not compile, in the words OpenClaw logs.
const (
	SafeRegexEmpty                  = "empty"                    // blank after trim: skipped without a warning
	SafeRegexUnsafeNestedRepetition = "unsafe-nested-repetition" // refused by HasNestedRepetition
	SafeRegexInvalid                = "invalid-regex"            // new RegExp(source, flags) throws
	// SafeRegexUnsupported is not OpenClaw's: V8 compiles the pattern but
	// jsregex cannot run it (only the u and v flags).
	SafeRegexUnsupported = "jsregex-unsupported"
)

// CompileSafeRegex is compileSafeRegexDetailed(source, flags): the source
// is trimmed (JavaScript trim); a blank one is SafeRegexEmpty; one with
// nested repetition is refused before it is compiled; otherwise it is
// new RegExp(trimmed, flags). It returns the trimmed source, which is what
// OpenClaw reports, and on failure a nil Regexp and the reason.
// (OpenClaw also caches results; that changes no answer.)
func CompileSafeRegex(source, flags string) (re *jsregex.Regexp, trimmed, reason string) {
	trimmed = TrimJS(source)
	switch {
	case trimmed == "":
		return nil, trimmed, SafeRegexEmpty
	case HasNestedRepetition(trimmed):
		return nil, trimmed, SafeRegexUnsafeNestedRepetition
	}
	re, err := jsregex.Compile(trimmed, flags)
	switch {
	case err == nil:
		return re, trimmed, ""
	case errors.Is(err, jsregex.ErrUnsupported):
		return nil, trimmed, SafeRegexUnsupported
	}
	return nil, trimmed, SafeRegexInvalid
}

// HasNestedRepetition ports hasNestedRepetition: OpenClaw refuses a config
// regex (a mention pattern, for one) in which a quantifier applies to
// something that already repeats, such as (a+)+ or (a|ab)*. The scan is
// lexical, on UTF-16 code units, exactly as OpenClaw's: escapes and
// character classes are single tokens, groups nest, and alternations of
// unequal lengths count as ambiguous under an unbounded quantifier. Being
// lexical it reads the "?" of "(?:" as a quantifier and the ":" as a
// character, so "(?:a|b)+" (branches of length 2 and 1) is refused too,
// while catastrophic patterns with equal-length branches such as
// "(\w\d|\d\w)*$" pass.
func HasNestedRepetition(source string) bool {
	return nestedRepetition(tokenizePattern(utf16.Encode([]rune(source))))
}

type reToken struct {
	kind     byte // 's' simple, '(' group open, ')' group close, '|' alternation, 'q' quantifier
	min, max int  // quantifier repeats; max < 0 means unbounded
}

// readQuantifier reads *, +, ?, {n}, {n,} or {n,m} (each optionally lazy)
// at i; ok is false when there is none.
func readQuantifier(src []uint16, i int) (q reToken, consumed int, ok bool) {
	at := func(j int) uint16 {
		if j < len(src) {
			return src[j]
		}
		return 0
	}
	lazy := 1
	if at(i+1) == '?' {
		lazy = 2
	}
	switch at(i) {
	case '*':
		return reToken{kind: 'q', min: 0, max: -1}, lazy, true
	case '+':
		return reToken{kind: 'q', min: 1, max: -1}, lazy, true
	case '?':
		return reToken{kind: 'q', min: 0, max: 1}, lazy, true
	case '{':
	default:
		return reToken{}, 0, false
	}
	digits := func(j int) (int, int) {
		start := j
		for j < len(src) && src[j] >= '0' && src[j] <= '9' {
			j++
		}
		n := 0
		for _, c := range src[start:j] {
			if n < math.MaxInt32 {
				n = n*10 + int(c-'0')
			}
		}
		return n, j
	}
	lo, j := digits(i + 1)
	if j == i+1 {
		return reToken{}, 0, false
	}
	hi := lo
	if at(j) == ',' {
		start := j + 1
		hi, j = digits(start)
		if j == start {
			hi = -1
		}
	}
	if at(j) != '}' {
		return reToken{}, 0, false
	}
	j++
	if at(j) == '?' {
		j++
	}
	if hi >= 0 && hi < lo {
		return reToken{}, 0, false
	}
	return reToken{kind: 'q', min: lo, max: hi}, j - i, true
}

func tokenizePattern(src []uint16) []reToken {
	var out []reToken
	inClass := false
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '\\':
			i++
			out = append(out, reToken{kind: 's'})
			continue
		case inClass:
			if c == ']' {
				inClass = false
			}
			continue
		case c == '[':
			inClass = true
			out = append(out, reToken{kind: 's'})
			continue
		case c == '(' || c == ')' || c == '|':
			out = append(out, reToken{kind: byte(c)})
			continue
		}
		if q, n, ok := readQuantifier(src, i); ok {
			out = append(out, q)
			i += n - 1
			continue
		}
		out = append(out, reToken{kind: 's'})
	}
	return out
}

// Lengths are float64 so that +Inf stands for "unbounded", as in OpenClaw.
type reEmitted struct {
	repeats, ambiguous bool
	min, max           float64
}

type reFrame struct {
	last                 *reEmitted
	repeats, alternation bool
	branchMin, branchMax float64
	altSet               bool
	altMin, altMax       float64
}

func (f *reFrame) recordAlternative() {
	if !f.altSet {
		f.altSet, f.altMin, f.altMax = true, f.branchMin, f.branchMax
		return
	}
	f.altMin = math.Min(f.altMin, f.branchMin)
	f.altMax = math.Max(f.altMax, f.branchMax)
}

func addLen(a, b float64) float64 {
	if math.IsInf(a, 0) || math.IsInf(b, 0) {
		return math.Inf(1)
	}
	return a + b
}

func mulLen(l float64, factor int) float64 {
	if math.IsInf(l, 0) {
		if factor == 0 {
			return 0
		}
		return math.Inf(1)
	}
	return l * float64(factor)
}

func nestedRepetition(tokens []reToken) bool {
	frames := []*reFrame{{}}
	emit := func(t *reEmitted) {
		f := frames[len(frames)-1]
		f.last = t
		if t.repeats {
			f.repeats = true
		}
		f.branchMin = addLen(f.branchMin, t.min)
		f.branchMax = addLen(f.branchMax, t.max)
	}
	for _, t := range tokens {
		switch t.kind {
		case 's':
			emit(&reEmitted{min: 1, max: 1})
			continue
		case '(':
			frames = append(frames, &reFrame{})
			continue
		case ')':
			if len(frames) > 1 {
				f := frames[len(frames)-1]
				frames = frames[:len(frames)-1]
				if f.alternation {
					f.recordAlternative()
				}
				lo, hi := f.branchMin, f.branchMax
				if f.alternation {
					lo, hi = 0, 0
					if f.altSet {
						lo, hi = f.altMin, f.altMax
					}
				}
				emit(&reEmitted{repeats: f.repeats, ambiguous: f.alternation && f.altSet && f.altMin != f.altMax, min: lo, max: hi})
			}
			continue
		case '|':
			f := frames[len(frames)-1]
			f.alternation = true
			f.recordAlternative()
			f.branchMin, f.branchMax, f.last = 0, 0, nil
			continue
		}
		f := frames[len(frames)-1]
		prev := f.last
		if prev == nil {
			continue
		}
		if prev.repeats || prev.ambiguous && t.max < 0 {
			return true
		}
		prevMin, prevMax := prev.min, prev.max
		prev.min = mulLen(prev.min, t.min)
		if t.max < 0 {
			prev.max = math.Inf(1)
		} else {
			prev.max = mulLen(prev.max, t.max)
		}
		prev.repeats = true
		f.repeats = true
		f.branchMin = f.branchMin - prevMin + prev.min
		if math.IsInf(f.branchMax, 0) || math.IsInf(prevMax, 0) {
			f.branchMax = addLen(math.Inf(1), prev.max)
		} else {
			f.branchMax = addLen(f.branchMax-prevMax, prev.max)
		}
	}
	return false
}
