package openclaw

import (
	"strings"
	"time"
)

// MaxTimeMs is ECMAScript's time value range (±8.64e15 ms around the epoch).
const MaxTimeMs = 8_640_000_000_000_000

// ParseJSDate is the part of V8's Date.parse (Node 24) that OpenClaw's
// pairing store can meet: what Date#toISOString writes and the ISO-like
// variants a person editing the file would type. It returns ok=false where
// V8 answers NaN, and also for the legacy formats it does not port ("May 16
// 2026", "2026/05/16", a bare "123"), which V8 may parse: OpenClaw then keeps
// such a request and we treat it as expired, the safe direction.
//
// Accepted (exactly as V8 answers them; see testdata golden "dates"):
//
//	date = (YYYY | ±YYYYYY) [-MM [-DD]]          alone: UTC midnight
//	date ("T"|"t"|" ") HH:mm[:ss[.fraction]] [zone]   no zone: local time in loc
//	zone = "Z" | "z" | ±HH:mm | ±HHmm
//
// A day up to 31 is accepted in any month and rolls over (2026-02-30 is
// March 2), hour 24 only as 24:00[:00[.000]], extra fraction digits are
// truncated to milliseconds, "-000000" is invalid.
func ParseJSDate(s string, loc *time.Location) (int64, bool) {
	p := dateScanner{s: s}
	year, ok := p.year()
	if !ok {
		return 0, false
	}
	month, day := 1, 1
	if p.eat('-') {
		if month, ok = p.digits(2); !ok || month < 1 || month > 12 {
			return 0, false
		}
		if p.eat('-') {
			if day, ok = p.digits(2); !ok || day < 1 || day > 31 {
				return 0, false
			}
		}
	}
	if p.done() {
		return clipTime(civilMs(year, month, day, 0, 0, 0, 0))
	}
	if !p.eat('T') && !p.eat('t') && !p.eat(' ') {
		return 0, false
	}
	hour, ok := p.digits(2)
	if !ok || !p.eat(':') {
		return 0, false
	}
	minute, ok := p.digits(2)
	if !ok {
		return 0, false
	}
	sec, ms := 0, 0
	if p.eat(':') {
		if sec, ok = p.digits(2); !ok {
			return 0, false
		}
		if p.eat('.') {
			n := 0
			for !p.done() && isDigit(p.s[p.pos]) {
				if n < 3 {
					ms = ms*10 + int(p.s[p.pos]-'0')
				}
				n++
				p.pos++
			}
			if n == 0 {
				return 0, false
			}
			for ; n < 3; n++ {
				ms *= 10
			}
		}
	}
	if minute > 59 || sec > 59 || hour > 24 || hour == 24 && (minute != 0 || sec != 0 || ms != 0) {
		return 0, false
	}
	if p.done() {
		// No zone: local time, as V8 reads "2026-05-16T15:24:00".
		return clipTime(localToUTC(civilMs(year, month, day, hour, minute, sec, ms), loc))
	}
	offsetMin := 0
	switch {
	case p.eat('Z') || p.eat('z'):
	case p.peek('+') || p.peek('-'):
		sign := 1
		if p.s[p.pos] == '-' {
			sign = -1
		}
		p.pos++
		oh, ok := p.digits(2)
		if !ok {
			return 0, false
		}
		p.eat(':')
		om, ok := p.digits(2)
		if !ok || oh > 23 || om > 59 {
			return 0, false
		}
		offsetMin = sign * (oh*60 + om)
	default:
		return 0, false
	}
	if !p.done() {
		return 0, false
	}
	return clipTime(civilMs(year, month, day, hour, minute, sec, ms) - int64(offsetMin)*60_000)
}

type dateScanner struct {
	s   string
	pos int
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func (p *dateScanner) done() bool { return p.pos >= len(p.s) }

func (p *dateScanner) peek(c byte) bool { return p.pos < len(p.s) && p.s[p.pos] == c }

func (p *dateScanner) eat(c byte) bool {
	if p.peek(c) {
		p.pos++
		return true
	}
	return false
}

func (p *dateScanner) digits(n int) (int, bool) {
	if p.pos+n > len(p.s) {
		return 0, false
	}
	v := 0
	for i := 0; i < n; i++ {
		c := p.s[p.pos+i]
		if !isDigit(c) {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	p.pos += n
	return v, true
}

func (p *dateScanner) year() (int, bool) {
	if p.peek('+') || p.peek('-') {
		neg := p.s[0] == '-'
		p.pos++
		y, ok := p.digits(6)
		if !ok || neg && y == 0 {
			return 0, false
		}
		if neg {
			y = -y
		}
		return y, true
	}
	return p.digits(4)
}

// localToUTC converts a local wall-clock time value to UTC the way V8 does
// around offset changes: a wall time that occurs twice (clocks going back)
// or never (clocks going forward) takes the offset in force before the
// change. (time.Date leaves that choice unspecified.)
func localToUTC(wall int64, loc *time.Location) int64 {
	offsetAt := func(ms int64) int64 {
		_, off := time.UnixMilli(ms).In(loc).Zone()
		return int64(off) * 1000
	}
	const day = 86_400_000
	before, after := offsetAt(wall-day), offsetAt(wall+day)
	if u := wall - before; offsetAt(u) == before {
		return u
	}
	if u := wall - after; offsetAt(u) == after {
		return u
	}
	return wall - before
}

func civilMs(y, m, d, hh, mm, ss, ms int) int64 {
	days := daysFromCivil(y, m, 1) + int64(d-1)
	return days*86_400_000 + int64(hh)*3_600_000 + int64(mm)*60_000 + int64(ss)*1000 + int64(ms)
}

func clipTime(ms int64) (int64, bool) {
	if ms < -MaxTimeMs || ms > MaxTimeMs {
		return 0, false
	}
	return ms, true
}

// daysFromCivil counts days since 1970-01-01 in the proleptic Gregorian
// calendar (Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y
	if era < 0 {
		era -= 399
	}
	era /= 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

// ISOString is Date#toISOString for a time value in range.
func ISOString(ms int64) string {
	t := time.UnixMilli(ms).UTC()
	y := t.Year()
	if y >= 0 && y <= 9999 {
		return t.Format("2006-01-02T15:04:05.000Z")
	}
	sign := "+"
	if y < 0 {
		sign = "-"
		y = -y
	}
	return sign + pad(y, 6) + t.Format("-01-02T15:04:05.000Z")
}

func pad(n, width int) string {
	b := make([]byte, width)
	for i := width - 1; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b)
}

// legacyDateLayouts are the non-ISO forms of V8's fallback parser that
// message timestamps meet in practice: Date#toUTCString (RFC 1123),
// RFC 2822 with a numeric zone, and Date#toString.
var legacyDateLayouts = []string{
	"Mon, 02 Jan 2006 15:04:05 GMT",
	"Mon, 2 Jan 2006 15:04:05 GMT",
	"Mon, 02 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon Jan 02 2006 15:04:05 GMT-0700",
}

// DateParse is Date.parse: the ISO forms exactly as ParseJSDate reads
// them, then the common legacy forms (RFC 1123 as toUTCString writes it,
// RFC 2822, Date#toString with or without its "(zone name)"). Other legacy
// forms V8 also accepts ("May 16 2026", "2026/05/16") give ok=false.
func DateParse(s string, loc *time.Location) (int64, bool) {
	if ms, ok := ParseJSDate(s, loc); ok {
		return ms, true
	}
	t := TrimJS(s)
	if i := strings.LastIndex(t, " ("); i > 0 && strings.HasSuffix(t, ")") {
		t = t[:i]
	}
	for _, layout := range legacyDateLayouts {
		if tm, err := time.Parse(layout, t); err == nil {
			return clipTime(tm.UnixMilli())
		}
	}
	return 0, false
}
