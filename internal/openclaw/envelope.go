package openclaw

import (
	"math"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	// Zone data for hosts without a zoneinfo directory (scratch containers,
	// Windows): envelope times must not silently fall back to UTC there.
	_ "time/tzdata"
)

// The inbound envelope OpenClaw 2026.3.24 wraps every message in before the
// agent sees it ("[iMessage Family id:42 +2m Sat 2026-05-16 15:24 UTC] ..."):
// formatInboundEnvelope, formatAgentEnvelope, formatEnvelopeTimestamp,
// formatInboundFromLabel and resolveEnvelopeFormatOptions
// (src/auto-reply/envelope.ts in dist/pi-embedded-*.js), resolveSenderLabel
// (src/channels/sender-label.ts), formatTimeAgo (dist/format-relative-*.js),
// formatUtcTimestamp/formatZonedTimestamp/resolveTimezone
// (dist/format-datetime-*.js) and resolveUserTimezone (dist/date-time-*.js).
// Zoned times follow Intl.DateTimeFormat("en-US") on Node 24 (ICU 78); the
// short zone names come from envelope_zones.go.

// EnvelopeOptions are the config keys resolveEnvelopeFormatOptions reads,
// all under agents.defaults ("" when unset).
type EnvelopeOptions struct {
	// EnvelopeTimezone: "" / "local" / "host" (the gateway host's zone),
	// "utc" / "gmt" (ISO-like UTC time), "user" (UserTimezone, else the host
	// zone), or a time zone name or offset Intl accepts; anything else is UTC.
	EnvelopeTimezone string
	// EnvelopeTimestamp: "off" drops the time; any other value keeps it.
	EnvelopeTimestamp string
	// EnvelopeElapsed: "off" drops the "+2m" since the previous message.
	EnvelopeElapsed string
	// UserTimezone is used by EnvelopeTimezone "user" when Intl accepts it.
	UserTimezone string
	// HostTZ, when set, stands for the gateway host's TZ variable instead
	// of this process's zone (a test, or a plan decided for another host).
	HostTZ *string
}

// InboundEnvelope is what the iMessage monitor passes to
// formatInboundEnvelope (buildIMessageInboundContext).
type InboundEnvelope struct {
	Channel string // "iMessage"; "" gives "Channel"
	From    string // FormatFromLabel's answer
	// Timestamp and PreviousTimestamp are JS millisecond numbers: the
	// message's Date.parse(created_at) and the session's previous updatedAt.
	// 0 and NaN mean none (JS falsy).
	Timestamp         float64
	PreviousTimestamp float64
	Body              string
	ChatType          string // "direct", "dm", "group", "channel" (any case, padded); other values count as direct
	// SenderLabel, when non-blank, names the sender of a group message;
	// otherwise SenderName and SenderID do (resolveSenderLabel).
	SenderLabel string
	SenderName  string
	SenderID    string
	FromMe      bool // a direct message's body gets "(self): "
}

// FormatInboundEnvelope is formatInboundEnvelope({..., envelope:
// resolveEnvelopeFormatOptions(cfg)}). Local times use the host zone as Node
// finds it: the TZ environment variable, else the /etc/localtime link.
func (o EnvelopeOptions) FormatInboundEnvelope(e InboundEnvelope) string {
	if o.HostTZ != nil {
		return o.formatInboundEnvelope(e, hostZoneFor(*o.HostTZ))
	}
	return o.formatInboundEnvelope(e, processHostZone())
}

var hostZones sync.Map // TZ value -> *hostZone

func hostZoneFor(tz string) *hostZone {
	if z, ok := hostZones.Load(tz); ok {
		return z.(*hostZone)
	}
	z, _ := hostZones.LoadOrStore(tz, hostZoneFrom(tz, true, ""))
	return z.(*hostZone)
}

func (o EnvelopeOptions) formatInboundEnvelope(e InboundEnvelope, host *hostZone) string {
	// normalizeChatType: "direct"/"dm", "group", "channel"; anything else is no type, i.e. direct.
	chatType := ToLowerJS(TrimJS(e.ChatType))
	isDirect := chatType != "group" && chatType != "channel"
	sender := TrimJS(e.SenderLabel)
	if sender == "" {
		sender = senderLabel(e.SenderName, e.SenderID)
	}
	if sender != "" {
		sender = sanitizeEnvelopeHeaderPart(sender)
	}
	body := e.Body
	switch {
	case isDirect && e.FromMe:
		body = "(self): " + body
	case !isDirect && sender != "":
		body = sender + ": " + body
	}

	var b strings.Builder
	b.Grow(len(body) + len(e.From) + 48)
	b.WriteByte('[')
	channel := TrimJS(e.Channel)
	if channel == "" {
		channel = "Channel"
	}
	b.WriteString(sanitizeEnvelopeHeaderPart(channel))
	elapsed := ""
	if o.EnvelopeElapsed != "off" && jsTruthy(e.Timestamp) && jsTruthy(e.PreviousTimestamp) {
		if d := e.Timestamp - e.PreviousTimestamp; !math.IsInf(d, 0) && !math.IsNaN(d) && d >= 0 {
			elapsed = formatElapsed(d)
		}
	}
	if from := TrimJS(e.From); from != "" {
		b.WriteByte(' ')
		b.WriteString(sanitizeEnvelopeHeaderPart(from))
		if elapsed != "" {
			b.WriteString(" +")
			b.WriteString(elapsed)
		}
	} else if elapsed != "" {
		b.WriteString(" +")
		b.WriteString(elapsed)
	}
	if ts, ok := o.formatTimestamp(e.Timestamp, host); ok {
		b.WriteByte(' ')
		b.WriteString(ts)
	}
	b.WriteString("] ")
	b.WriteString(body)
	return b.String()
}

func jsTruthy(f float64) bool { return f != 0 && !math.IsNaN(f) }

// senderLabel is resolveSenderLabel({name, id}): "name (id)" when both are
// set and differ, else whichever is set.
func senderLabel(name, id string) string {
	name, id = TrimJS(name), TrimJS(id)
	if name != "" && id != "" && name != id {
		return name + " (" + id + ")"
	}
	if name != "" {
		return name
	}
	return id
}

// sanitizeEnvelopeHeaderPart: line breaks and every \s run become one space,
// square brackets become parentheses, then trim.
func sanitizeEnvelopeHeaderPart(s string) string {
	clean := true
	prevSpace := false
	for _, r := range s {
		sp := IsJSSpace(r)
		if r == '[' || r == ']' || (sp && (r != ' ' || prevSpace)) {
			clean = false
			break
		}
		prevSpace = sp
	}
	if clean {
		return TrimJS(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	inSpace := false
	for _, r := range s {
		switch {
		case IsJSSpace(r):
			if !inSpace {
				b.WriteByte(' ')
			}
			inSpace = true
			continue
		case r == '[':
			r = '('
		case r == ']':
			r = ')'
		}
		inSpace = false
		b.WriteRune(r)
	}
	return TrimJS(b.String())
}

// formatElapsed is formatTimeAgo(ms, {suffix: false}) for a finite ms >= 0.
func formatElapsed(ms float64) string {
	totalSeconds := roundJS(ms / 1e3)
	minutes := roundJS(totalSeconds / 60)
	if minutes < 1 {
		return FormatJSNumber(totalSeconds) + "s"
	}
	if minutes < 60 {
		return FormatJSNumber(minutes) + "m"
	}
	hours := roundJS(minutes / 60)
	if hours < 48 {
		return FormatJSNumber(hours) + "h"
	}
	return FormatJSNumber(roundJS(hours/24)) + "d"
}

// roundJS is Math.round: halves round up (toward +Infinity).
func roundJS(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	r := math.Floor(x)
	if x-r >= 0.5 {
		r++
	}
	return r
}

// FromLabel is formatInboundFromLabel's parameters.
type FromLabel struct {
	IsGroup       bool
	GroupLabel    string // the chat name; blank gives GroupFallback, then "Group"
	GroupID       string
	GroupFallback string
	DirectLabel   string // the normalised handle
	DirectID      string // the raw sender
}

// FormatFromLabel is formatInboundFromLabel: "<label> id:<id>" for a group
// ("Group id:42" without a chat name), and for a direct message the label,
// plus " id:<raw>" when the raw sender differs from it.
func FormatFromLabel(l FromLabel) string {
	if l.IsGroup {
		label := TrimJS(l.GroupLabel)
		if label == "" {
			label = l.GroupFallback
		}
		if label == "" {
			label = "Group"
		}
		if id := TrimJS(l.GroupID); id != "" {
			return label + " id:" + id
		}
		return label
	}
	label := TrimJS(l.DirectLabel)
	id := TrimJS(l.DirectID)
	if id == "" || id == label {
		return label
	}
	return label + " id:" + id
}

// ---------------------------------------------------------------------------
// Timestamps.

// maxJSDate is the largest |time value| a JS Date holds (TimeClip).
const maxJSDate = 8.64e15

// formatTimestamp is formatEnvelopeTimestamp(ts, options): "Sat 2026-05-16
// 15:24 UTC" in the host or a named zone, "Sat 2026-05-16T15:24Z" in utc mode;
// false when there is no timestamp, it is disabled, the date is invalid, or
// the zone cannot be formatted.
func (o EnvelopeOptions) formatTimestamp(ts float64, host *hostZone) (string, bool) {
	if !jsTruthy(ts) || o.EnvelopeTimestamp == "off" || math.IsInf(ts, 0) || math.Abs(ts) > maxJSDate {
		return "", false
	}
	ms := int64(ts) // TimeClip truncates toward zero
	t := time.UnixMilli(ms)

	tz := TrimJS(o.EnvelopeTimezone)
	var zone *icuZone
	switch lower := ToLowerJS(tz); {
	case lower == "utc" || lower == "gmt":
		return utcTimestamp(t), true
	case tz == "" || lower == "local" || lower == "host":
		zone = host.zone
		if zone == nil {
			zone = unknownZone
		}
	case lower == "user":
		z, ok := resolveZone(TrimJS(o.UserTimezone))
		if !ok {
			name := TrimJS(host.canonical)
			if name == "" {
				name = "UTC"
			}
			if z, ok = resolveZone(name); !ok {
				return "", false // Intl rejects it (Etc/Unknown): no weekday, no time
			}
		}
		zone = z
	default:
		z, ok := resolveZone(tz)
		if !ok {
			return utcTimestamp(t), true // a zone Intl rejects means UTC
		}
		zone = z
	}
	loc := zone.location()
	zt := t.In(loc)
	_, off := zt.Zone()
	y := zt.Year()
	if y <= 0 {
		y = 1 - y // Intl's "numeric" year is the year of the era (BC here)
	}
	return weekdays[zt.Weekday()] + " " + strconv.Itoa(y) + "-" + pad2(int(zt.Month())) + "-" + pad2(zt.Day()) + " " + pad2(zt.Hour()) + ":" + pad2(zt.Minute()) + " " + zone.shortName(ms, off), true
}

// utcTimestamp is the weekday plus formatUtcTimestamp: "Sat 2026-05-16T15:24Z".
func utcTimestamp(t time.Time) string {
	u := t.UTC()
	year := strconv.Itoa(u.Year())
	for len(year) < 4 { // String(year).padStart(4, "0"): "-5" becomes "00-5"
		year = "0" + year
	}
	return weekdays[u.Weekday()] + " " + year + "-" + pad2(int(u.Month())) + "-" + pad2(u.Day()) + "T" + pad2(u.Hour()) + ":" + pad2(u.Minute()) + "Z"
}

var weekdays = [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// gmtName is ICU's localized GMT format in English: "GMT+0", "GMT+1",
// "GMT-3:30", "GMT-4:56:02". (A bare "GMT" is the GMT metazone's name.)
func gmtName(offset int) string {
	sign := "+"
	if offset < 0 {
		sign, offset = "-", -offset
	}
	h, m, s := offset/3600, offset/60%60, offset%60
	out := "GMT" + sign + strconv.Itoa(h)
	if m != 0 || s != 0 {
		out += ":" + pad2(m)
	}
	if s != 0 {
		out += ":" + pad2(s)
	}
	return out
}

// ---------------------------------------------------------------------------
// Zones.

// icuZone is a zone Intl accepts (from icuZoneData, a UTC offset, or the
// host's) and the en-US short names ICU gives it over time.
type icuZone struct {
	name      string // as ICU spells it
	load      string // the name time.LoadLocation takes
	canonical string // resolvedOptions().timeZone
	segs      []zoneSegment

	once sync.Once
	loc  *time.Location // preset for offset, file and local zones
}

type zoneSegment struct {
	from  int64 // Unix ms; math.MinInt64 for the first segment
	names []zoneShortName
}

type zoneShortName struct {
	offset int
	name   string
}

// icuMetazoneEnd is where ICU's metazone mappings stop (9999-12-31 23:59
// UTC): later times get GMT-offset names except in the UTC family.
var icuMetazoneEnd = time.Date(9999, 12, 31, 23, 59, 0, 0, time.UTC).UnixMilli()

// unknownZone is ICU's Etc/Unknown, the host zone when TZ names no zone ICU
// knows: UTC offsets, written "GMT+0".
var unknownZone = &icuZone{name: "Etc/Unknown", loc: time.UTC}

func (z *icuZone) location() *time.Location {
	z.once.Do(func() {
		if z.loc != nil {
			return
		}
		loc, err := time.LoadLocation(z.load)
		if err != nil {
			loc = time.UTC // cannot happen with the embedded tzdata
		}
		z.loc = loc
	})
	return z.loc
}

// shortName is the timeZoneName "short" part Intl gives at ms, where the
// zone's UTC offset is offset seconds.
func (z *icuZone) shortName(ms int64, offset int) string {
	for i := len(z.segs) - 1; i >= 0; i-- {
		if z.segs[i].from <= ms {
			for _, n := range z.segs[i].names {
				if n.offset == offset {
					return n.name
				}
			}
			break
		}
	}
	return gmtName(offset)
}

var (
	zonesOnce sync.Once
	zonesByID map[string]*icuZone // lower-cased name -> zone
)

func icuZones() map[string]*icuZone {
	zonesOnce.Do(func() {
		zonesByID = make(map[string]*icuZone, 640)
		for line := range strings.SplitSeq(icuZoneData, "\n") {
			if line == "" {
				continue
			}
			parts := strings.Split(line, "|")
			head := parts[0]
			z := &icuZone{}
			if i := strings.IndexByte(head, '>'); i >= 0 {
				head, z.canonical = head[:i], head[i+1:]
			}
			if i := strings.IndexByte(head, '='); i >= 0 {
				head, z.load = head[:i], head[i+1:]
			}
			z.name = head
			if z.load == "" {
				z.load = z.name
			}
			if z.canonical == "" {
				z.canonical = z.name
			}
			for _, seg := range parts[1:] {
				from, names, _ := strings.Cut(seg, ":")
				s := zoneSegment{from: math.MinInt64}
				if from != "" {
					s.from, _ = strconv.ParseInt(from, 10, 64)
				}
				for nm := range strings.SplitSeq(names, ",") {
					if off, name, ok := strings.Cut(nm, "="); ok {
						o, _ := strconv.Atoi(off)
						s.names = append(s.names, zoneShortName{o, name})
					}
				}
				z.segs = append(z.segs, s)
			}
			zonesByID[strings.ToLower(z.name)] = z
		}
	})
	return zonesByID
}

// resolveZone is resolveTimezone(name) (whether Intl.DateTimeFormat accepts
// the time zone) plus the zone to format with. Intl matches names without
// regard to case and accepts UTC offsets ±HH, ±HHMM and ±HH:MM.
func resolveZone(name string) (*icuZone, bool) {
	if name == "" {
		return nil, false
	}
	if name[0] == '+' || name[0] == '-' {
		return offsetZone(name)
	}
	if !isASCII(name) {
		return nil, false
	}
	z, ok := icuZones()[strings.ToLower(name)]
	return z, ok
}

var (
	offsetZonesMu sync.Mutex
	offsetZones   = map[int]*icuZone{}
)

// offsetZone parses a UTC offset zone. ICU names it like the GMT zone: "GMT"
// for +00:00 within the metazone years, else the GMT offset.
func offsetZone(s string) (*icuZone, bool) {
	digits := func(a string) (int, bool) {
		if len(a) != 2 || a[0] < '0' || a[0] > '9' || a[1] < '0' || a[1] > '9' {
			return 0, false
		}
		return int(a[0]-'0')*10 + int(a[1]-'0'), true
	}
	body := s[1:]
	var hh, mm string
	switch {
	case len(body) == 2:
		hh = body
	case len(body) == 4:
		hh, mm = body[:2], body[2:]
	case len(body) == 5 && body[2] == ':':
		hh, mm = body[:2], body[3:]
	default:
		return nil, false
	}
	h, ok := digits(hh)
	if !ok || h > 23 {
		return nil, false
	}
	m := 0
	if mm != "" {
		if m, ok = digits(mm); !ok || m > 59 {
			return nil, false
		}
	}
	off := (h*60 + m) * 60
	if s[0] == '-' {
		off = -off
	}
	offsetZonesMu.Lock()
	defer offsetZonesMu.Unlock()
	if z, ok := offsetZones[off]; ok {
		return z, true
	}
	z := &icuZone{name: s, loc: time.FixedZone(s, off)}
	if off == 0 {
		z.segs = []zoneSegment{{from: 0, names: []zoneShortName{{0, "GMT"}}}, {from: icuMetazoneEnd}}
	}
	if len(offsetZones) < 3000 { // room for every offset Intl accepts (±23:59)
		offsetZones[off] = z
	}
	return z, true
}

// hostZone is the zone Node's Intl uses by default and what
// Intl.DateTimeFormat().resolvedOptions().timeZone answers for it.
type hostZone struct {
	zone      *icuZone // nil: ICU's Etc/Unknown
	canonical string   // "" when resolvedOptions().timeZone is undefined
}

var (
	hostOnce sync.Once
	host     *hostZone
)

// processHostZone reads the host zone once, as Node does at start-up.
func processHostZone() *hostZone {
	hostOnce.Do(func() {
		tz, set := os.LookupEnv("TZ")
		link, _ := os.Readlink("/etc/localtime")
		host = hostZoneFrom(tz, set, link)
	})
	return host
}

// hostZoneFrom mirrors how Node (ICU) picks its default zone: TZ when set
// (a leading ':' dropped; empty means Etc/Unknown), else the zone name in the
// /etc/localtime link (".../zoneinfo/Europe/Berlin"). An unknown TZ value
// gives Etc/Unknown (UTC, "GMT+0", no resolved name); a path in TZ gives that
// file's offsets with GMT-offset names. Without a usable link Go's own
// local zone is used with GMT-offset names (ICU would search the zoneinfo
// directory for a file equal to /etc/localtime).
func hostZoneFrom(tz string, set bool, link string) *hostZone {
	if set {
		tz = strings.TrimPrefix(tz, ":")
		if tz == "" {
			return &hostZone{canonical: "Etc/Unknown"}
		}
		if tz[0] == '/' {
			if data, err := os.ReadFile(tz); err == nil {
				if loc, err := time.LoadLocationFromTZData(tz, data); err == nil {
					return &hostZone{zone: &icuZone{name: tz, loc: loc}}
				}
			}
			return &hostZone{}
		}
		switch tz {
		case "GMT", "Etc/GMT", "GMT+0", "GMT-0", "GMT0":
			// ICU's own GMT zone, named like Greenwich; Node turns these
			// names into UTC only when a caller passes them explicitly.
			canonical := "UTC"
			if tz == "GMT" {
				canonical = "+00:00"
			}
			return &hostZone{zone: icuZones()["greenwich"], canonical: canonical}
		}
		if z, ok := icuZones()[strings.ToLower(tz)]; ok && z.name == tz {
			return &hostZone{zone: z, canonical: z.canonical}
		}
		return &hostZone{}
	}
	if i := strings.LastIndex(link, "zoneinfo/"); i >= 0 {
		if z, ok := icuZones()[strings.ToLower(link[i+len("zoneinfo/"):])]; ok {
			return &hostZone{zone: z, canonical: z.canonical}
		}
	}
	return &hostZone{zone: &icuZone{name: "Local", loc: time.Local}}
}
