package inbound

import (
	"strconv"
	"time"
)

// parseJSDate is Date.parse for the forms imsg writes and the ECMAScript
// date-time string format V8 parses: YYYY[-MM[-DD]] (UTC), with
// THH:mm[:ss[.fff…]] and Z or ±HH:mm (local time without an offset); a
// space instead of T is read as V8's fallback parser reads it (local time
// unless an offset is given). ok is false where Date.parse gives NaN.
func parseJSDate(s string) (ms int64, ok bool) {
	p := dateParser{s: s}
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
			if day, ok = p.digits(2); !ok || day < 1 || day > daysIn(year, month) {
				return 0, false
			}
		}
	}
	loc := time.UTC
	hour, min, sec, nsec := 0, 0, 0, 0
	if p.i < len(p.s) && (p.s[p.i] == 'T' || p.s[p.i] == ' ') {
		p.i++
		loc = time.Local
		if hour, ok = p.digits(2); !ok || !p.eat(':') {
			return 0, false
		}
		if min, ok = p.digits(2); !ok {
			return 0, false
		}
		if p.eat(':') {
			if sec, ok = p.digits(2); !ok {
				return 0, false
			}
			if p.eat('.') {
				start := p.i
				for p.i < len(p.s) && isDigit(p.s[p.i]) {
					p.i++
				}
				frac := p.s[start:p.i]
				if frac == "" {
					return 0, false
				}
				// Only milliseconds count; further digits are truncated.
				for len(frac) < 3 {
					frac += "0"
				}
				msPart, _ := strconv.Atoi(frac[:3])
				nsec = msPart * int(time.Millisecond)
			}
		}
		if hour > 24 || min > 59 || sec > 59 || (hour == 24 && (min != 0 || sec != 0 || nsec != 0)) {
			return 0, false
		}
		switch {
		case p.eat('Z'):
			loc = time.UTC
		case p.i < len(p.s) && (p.s[p.i] == '+' || p.s[p.i] == '-'):
			sign := 1
			if p.s[p.i] == '-' {
				sign = -1
			}
			p.i++
			oh, ok1 := p.digits(2)
			if !ok1 || !p.eat(':') {
				return 0, false
			}
			om, ok2 := p.digits(2)
			if !ok2 || oh > 23 || om > 59 {
				return 0, false
			}
			loc = time.FixedZone("", sign*(oh*3600+om*60))
		}
	}
	if p.i != len(p.s) {
		return 0, false
	}
	t := time.Date(year, time.Month(month), day, hour, min, sec, nsec, loc)
	ms = t.UnixMilli()
	// The ECMAScript time range: ±8.64e15 ms.
	if ms > 8.64e15 || ms < -8.64e15 {
		return 0, false
	}
	return ms, true
}

type dateParser struct {
	s string
	i int
}

func (p *dateParser) eat(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *dateParser) digits(n int) (int, bool) {
	if p.i+n > len(p.s) {
		return 0, false
	}
	v := 0
	for _, c := range []byte(p.s[p.i : p.i+n]) {
		if !isDigit(c) {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	p.i += n
	return v, true
}

// year reads YYYY or an expanded ±YYYYYY (-000000 is invalid).
func (p *dateParser) year() (int, bool) {
	if p.i < len(p.s) && (p.s[p.i] == '+' || p.s[p.i] == '-') {
		neg := p.s[p.i] == '-'
		p.i++
		y, ok := p.digits(6)
		if !ok || (neg && y == 0) {
			return 0, false
		}
		if neg {
			y = -y
		}
		return y, true
	}
	return p.digits(4)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func formatMs(ms int64) string { return strconv.FormatInt(ms, 10) }
