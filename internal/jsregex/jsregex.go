// Package jsregex runs JavaScript regular expressions as V8 (Node 24)
// does, for the patterns OpenClaw compiles with new RegExp(p, flags):
// non-Unicode mode with the Annex B web-compatibility grammar.
//
// Compile validates a pattern with a port of V8's own parser and rejects
// exactly what new RegExp throws on, with V8's message; the accepted
// pattern is translated into an explicit regexp2 (github.com/dlclark/regexp2)
// program that matches on UTF-16 code units, as JavaScript does: '.'
// matches half of an astral character and ^.$ does not match "😀". The i
// flag uses ECMAScript's non-Unicode canonicalisation (toUpperCase of one
// code unit, never folding non-ASCII into ASCII); \s, \b, \w, '.' and the
// m, s and i modifiers (?ims-ims:...) follow V8.
//
// V8 has no match time limit; a regexp2 match here is bounded by
// DefaultTimeout and reports ErrTimeout (or ErrBacktrackLimit), which the
// caller treats as "no match" and can log.
package jsregex

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/dlclark/regexp2/v2"
)

// DefaultTimeout bounds one match. A mention pattern tests a chat message
// (at most a few thousand characters) in microseconds, so 50 ms is four
// orders of magnitude of headroom for legitimate patterns while a
// catastrophic one (exponential backtracking, which V8 would let block
// the event loop indefinitely) is abandoned. regexp2 checks deadlines
// against a clock that ticks every 100 ms, so an abandoned match returns
// 150-250 ms after it started.
const DefaultTimeout = 50 * time.Millisecond

var (
	// ErrTimeout: the match ran past DefaultTimeout and was abandoned.
	ErrTimeout = errors.New("jsregex: match timed out")
	// ErrBacktrackLimit: the match needed more backtracking state than
	// regexp2 allows (it would exhaust V8's backtrack stack too).
	ErrBacktrackLimit = errors.New("jsregex: backtracking limit exceeded")
	// ErrUnsupported: V8 accepts the pattern but jsregex cannot run it
	// (the u and v flags).
	ErrUnsupported = errors.New("jsregex: unsupported")
)

// SyntaxError is what new RegExp(source, flags) throws; Error() is V8's
// message.
type SyntaxError struct {
	Source string // the pattern as given
	Flags  string // as given
	Reason string // V8's reason, e.g. "Unterminated group"; empty for invalid flags
	norm   string // flags in V8's canonical order, as the message shows them
}

func (e *SyntaxError) Error() string {
	if e.Reason == "" {
		return "Invalid flags supplied to RegExp constructor '" + e.Flags + "'"
	}
	return "Invalid regular expression: /" + e.Source + "/" + e.norm + ": " + e.Reason
}

// Regexp is a compiled pattern. It is safe for concurrent use; unlike a
// JavaScript RegExp it has no lastIndex, so every match starts at 0 (as
// test() does on a fresh RegExp, also with the g flag).
type Regexp struct {
	source, flags string
	re            *regexp2.Regexp
}

// Compile is new RegExp(source, flags). Flags are V8's "dgimsuvy"; each at
// most once, u and v not together. The u and v flags (Unicode mode) give
// ErrUnsupported. A Regexp is immutable, so the result is shared: vetting
// many configs (or reloading a plan) compiles each pattern once per
// process, for up to compileCacheMax distinct patterns.
func Compile(source, flags string) (*Regexp, error) {
	k := cacheKey{source, flags}
	compileCache.Lock()
	e, ok := compileCache.m[k]
	compileCache.Unlock()
	if ok {
		return e.re, e.err
	}
	re, err := compile(source, flags)
	compileCache.Lock()
	if len(compileCache.m) < compileCacheMax {
		compileCache.m[k] = cacheEntry{re, err}
	}
	compileCache.Unlock()
	return re, err
}

const compileCacheMax = 4096

type (
	cacheKey   struct{ source, flags string }
	cacheEntry struct {
		re  *Regexp
		err error
	}
)

var compileCache = struct {
	sync.Mutex
	m map[cacheKey]cacheEntry
}{m: map[cacheKey]cacheEntry{}}

func compile(source, flags string) (*Regexp, error) {
	var fs flagSet
	sticky := false
	seen := 0
	for i := 0; i < len(flags); i++ {
		bit := strings.IndexByte("dgimsuvy", flags[i])
		if bit < 0 || seen&(1<<bit) != 0 {
			return nil, &SyntaxError{Source: source, Flags: flags}
		}
		seen |= 1 << bit
		switch flags[i] {
		case 'i':
			fs |= flagIgnoreCase
		case 'm':
			fs |= flagMultiline
		case 's':
			fs |= flagDotAll
		case 'y':
			sticky = true
		}
	}
	const u, v = 1 << 5, 1 << 6
	if seen&(u|v) == u|v {
		return nil, &SyntaxError{Source: source, Flags: flags}
	}
	var norm strings.Builder
	for bit := 0; bit < 8; bit++ {
		if seen&(1<<bit) != 0 {
			norm.WriteByte("dgimsuvy"[bit])
		}
	}
	if seen&(u|v) != 0 {
		return nil, errors.Join(ErrUnsupported, errors.New("jsregex: Unicode mode (the u and v flags) is not implemented"))
	}
	tree, p, msg := parse(toUnits(source), fs)
	if p.tooDeep {
		return nil, errors.Join(ErrUnsupported, errors.New("jsregex: "+msg))
	}
	if msg != "" {
		return nil, &SyntaxError{Source: source, Flags: flags, Reason: msg, norm: norm.String()}
	}
	re, err := compileEmitted(emitPattern(tree, sticky, p))
	if err != nil {
		// A translation the engine cannot take: a bug here, reported
		// so that the caller skips the pattern.
		return nil, errors.Join(ErrUnsupported, err)
	}
	re.MatchTimeout = DefaultTimeout
	return &Regexp{source: source, flags: norm.String(), re: re}, nil
}

func compileEmitted(pattern string) (re *regexp2.Regexp, err error) {
	defer func() {
		if r := recover(); r != nil {
			re, err = nil, fmt.Errorf("regexp2 panicked on %q: %v", pattern, r)
		}
	}()
	return regexp2.Compile(pattern, regexp2.ECMAScript)
}

// MatchString is re.test(s) from lastIndex 0. A match abandoned for time
// or backtracking state returns false with ErrTimeout or
// ErrBacktrackLimit.
func (re *Regexp) MatchString(s string) (bool, error) {
	var ok bool
	var err error
	if hasAstral(s) {
		// regexp2 matches runes; JavaScript matches UTF-16 code units.
		ok, err = re.re.MatchRunes(unitRunes(s))
	} else {
		ok, err = re.re.MatchString(s)
	}
	switch {
	case err == nil:
		return ok, nil
	case errors.Is(err, regexp2.ErrBacktrackingStackLimit):
		return false, ErrBacktrackLimit
	}
	// regexp2's timeout error quotes the whole input; drop it.
	return false, ErrTimeout
}

// String is RegExp.prototype.toString: "/" + source + "/" + flags, with
// the source escaped as V8's EscapeRegExpSource does (an unescaped '/'
// outside a class and line terminators; an empty source is "(?:)").
func (re *Regexp) String() string {
	return "/" + escapeSource(re.source) + "/" + re.flags
}

func escapeSource(src string) string {
	if src == "" {
		return "(?:)"
	}
	var b strings.Builder
	inClass, escaped := false, false
	for _, r := range src {
		switch {
		case r == '/' && !escaped && !inClass:
			b.WriteString(`\/`)
		case r == '\n' || r == '\r' || r == 0x2028 || r == 0x2029:
			if !escaped {
				b.WriteByte('\\')
			}
			switch r {
			case '\n':
				b.WriteByte('n')
			case '\r':
				b.WriteByte('r')
			default:
				b.WriteString("u" + strconv.FormatInt(int64(r), 16))
			}
		default:
			b.WriteRune(r)
			if !escaped {
				if r == '[' {
					inClass = true
				} else if r == ']' {
					inClass = false
				}
			}
		}
		escaped = !escaped && r == '\\'
	}
	return b.String()
}

func hasAstral(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0xF0 {
			return true
		}
	}
	return false
}

// toUnits is the UTF-16 form of s (invalid UTF-8 becomes U+FFFD, as when
// Node decodes it).
func toUnits(s string) []uint16 {
	u := make([]uint16, 0, len(s))
	for _, r := range s {
		u = appendCodePoint(u, int(r))
	}
	return u
}

func unitRunes(s string) []rune {
	out := make([]rune, 0, utf8.RuneCountInString(s)+4)
	for _, r := range s {
		if r > 0xFFFF {
			r -= 0x10000
			out = append(out, remapUnit(uint16(0xD800+r>>10)), remapUnit(uint16(0xDC00+r&0x3FF)))
			continue
		}
		out = append(out, r)
	}
	return out
}
