package reply

// Link helpers of markdown-it 14.3.3 (lib/helpers/*, lib/common/utils.mjs,
// normalizeLink/validateLink in lib/index.mjs) and the two libraries they
// call: mdurl 2.1.0 (parse, format, encode) and punycode.js 2.3.1 (toASCII).
// The href OpenClaw prints after a link label is normalizeLink's output.

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
)

// parseLinkDestination ports helpers/parse_link_destination.mjs.
func parseLinkDestination(str string, start, max int) (string, int, bool) {
	pos := start
	at := func(i int) byte {
		if i < len(str) {
			return str[i]
		}
		return 0
	}
	if at(pos) == '<' {
		pos++
		for pos < max {
			switch str[pos] {
			case '\n', '<':
				return "", 0, false
			case '>':
				return unescapeAll(str[start+1 : pos]), pos + 1, true
			case '\\':
				if pos+1 < max {
					pos += 2
					continue
				}
			}
			pos++
		}
		return "", 0, false
	}
	level := 0
	for pos < max {
		code := str[pos]
		if code == ' ' || code < 0x20 || code == 0x7F {
			break
		}
		if code == '\\' && pos+1 < max {
			if str[pos+1] == ' ' {
				pos++
				continue
			}
			pos += 2
			continue
		}
		if code == '(' {
			level++
			if level > 32 {
				return "", 0, false
			}
		}
		if code == ')' {
			if level == 0 {
				break
			}
			level--
		}
		pos++
	}
	if start == pos || level != 0 {
		return "", 0, false
	}
	end := min(pos, len(str))
	return unescapeAll(str[start:end]), pos, true
}

type linkTitle struct {
	ok, canContinue bool
	pos             int
	str             string
	marker          byte
}

// parseLinkTitle ports helpers/parse_link_title.mjs (prev continues a
// reference title on the next line).
func parseLinkTitle(str string, start, max int, prev *linkTitle) linkTitle {
	pos := start
	var st linkTitle
	if prev != nil {
		st.str, st.marker = prev.str, prev.marker
	} else {
		if pos >= max {
			return st
		}
		marker := str[pos]
		if marker != '"' && marker != '\'' && marker != '(' {
			return st
		}
		start++
		pos++
		if marker == '(' {
			marker = ')'
		}
		st.marker = marker
	}
	for pos < max {
		code := str[pos]
		if code == st.marker {
			st.pos = pos + 1
			st.str += unescapeAll(str[start:pos])
			st.ok = true
			return st
		} else if code == '(' && st.marker == ')' {
			return st
		} else if code == '\\' && pos+1 < max {
			pos++
		}
		pos++
	}
	st.canContinue = true
	st.str += unescapeAll(str[start:min(pos, len(str))])
	return st
}

func isUnescapable(c byte) bool {
	return c < utf8.RuneSelf && strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", c) >= 0
}

// unescapeAll removes backslash escapes and decodes entities (utils.mjs
// unescapeAll: /\\([punct])|&([a-z#][a-z0-9]{1,31});/gi).
func unescapeAll(str string) string {
	if strings.IndexByte(str, '\\') < 0 && strings.IndexByte(str, '&') < 0 {
		return str
	}
	var b strings.Builder
	for i := 0; i < len(str); {
		c := str[i]
		if c == '\\' && i+1 < len(str) && isUnescapable(str[i+1]) {
			b.WriteByte(str[i+1])
			i += 2
			continue
		}
		if c == '&' && i+1 < len(str) && (isAlnum(str[i+1]) && str[i+1] > '9' || str[i+1] == '#') {
			j := i + 2
			for j < len(str) && j-i-1 < 32 && isAlnum(str[j]) {
				j++
			}
			if j-i-1 >= 2 && j < len(str) && str[j] == ';' {
				match := str[i : j+1]
				b.WriteString(replaceEntityPattern(match, str[i+1:j]))
				i = j + 1
				continue
			}
		}
		b.WriteByte(c)
		i++
	}
	return b.String()
}

func replaceEntityPattern(match, name string) string {
	if name[0] == '#' { // /^#((?:x[a-f0-9]{1,8}|[0-9]{1,8}))$/i
		digits := name[1:]
		hex := len(digits) > 0 && (digits[0] == 'x' || digits[0] == 'X')
		if hex {
			digits = digits[1:]
		}
		valid := len(digits) >= 1 && len(digits) <= 8
		for i := 0; valid && i < len(digits); i++ {
			valid = hex && isHexDigit(digits[i]) || !hex && digits[i] >= '0' && digits[i] <= '9'
		}
		if valid {
			code := parseDigits(digits, hex)
			if isValidEntityCode(code) {
				return string(rune(code))
			}
			return match
		}
	}
	// entities' decodeHTML (legacy mode: a legacy name may end early, as in
	// "&ampx;" -> "&x;"), which html.UnescapeString also implements.
	return html.UnescapeString(match)
}

// decodeNamedEntityStrict is entities' decodeHTMLStrict on "&name;": only
// a complete named reference counts.
func decodeNamedEntityStrict(name string) (string, bool) {
	match := "&" + name + ";"
	u := html.UnescapeString(match)
	if u == match {
		return "", false
	}
	// A legacy prefix match ("&notit;" -> "¬it;") leaves the ';' behind;
	// only &semi; itself decodes to a ';'.
	if strings.HasSuffix(u, ";") && name != "semi" {
		return "", false
	}
	return u, true
}

// validateLink rejects javascript:, vbscript:, file: and non-image data:
// URLs.
func validateLink(url string) bool {
	str := toLowerJS(trimJS(url))
	for _, p := range []string{"vbscript:", "javascript:", "file:", "data:"} {
		if strings.HasPrefix(str, p) {
			for _, g := range []string{"data:image/gif;", "data:image/png;", "data:image/jpeg;", "data:image/webp;"} {
				if strings.HasPrefix(str, g) {
					return true
				}
			}
			return false
		}
	}
	return true
}

// normalizeLink punycodes the host of http(s)/mailto and scheme-less URLs
// and percent-encodes what is not URL-safe (keeping valid %XX escapes).
func normalizeLink(url string) string {
	u := mdurlParse(url)
	if u.hostname != "" && (u.protocol == "" || u.protocol == "http:" || u.protocol == "https:" || u.protocol == "mailto:") {
		if h, ok := punycodeToASCII(u.hostname); ok {
			u.hostname = h
		}
	}
	return mdurlEncode(u.format())
}

type mdURL struct {
	protocol, auth, port, hostname, hash, search, pathname string
	slashes                                                bool
}

func (u *mdURL) format() string {
	var b strings.Builder
	b.WriteString(u.protocol)
	if u.slashes {
		b.WriteString("//")
	}
	if u.auth != "" {
		b.WriteString(u.auth + "@")
	}
	if strings.IndexByte(u.hostname, ':') >= 0 {
		b.WriteString("[" + u.hostname + "]")
	} else {
		b.WriteString(u.hostname)
	}
	if u.port != "" {
		b.WriteString(":" + u.port)
	}
	b.WriteString(u.pathname)
	b.WriteString(u.search)
	b.WriteString(u.hash)
	return b.String()
}

func isProtoChar(c byte) bool {
	return isAlnum(c) || c == '.' || c == '+' || c == '-'
}

func isHostPartChar(c byte) bool { return isAlnum(c) || c == '+' || c == '_' || c == '-' }

// hostPartOK is /^[+a-z0-9A-Z_-]{0,63}$/ after non-ASCII code units were
// replaced by 'x' (one per UTF-16 unit).
func hostPartOK(part string) bool {
	n := 0
	for i := 0; i < len(part); {
		c := part[i]
		if c < utf8.RuneSelf {
			if !isHostPartChar(c) {
				return false
			}
			n++
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(part[i:])
		n++
		if r >= 0x10000 {
			n++
		}
		i += size
	}
	return n <= 63
}

func isASCIIHostPart(part string) bool {
	if len(part) > 63 {
		return false
	}
	for i := 0; i < len(part); i++ {
		if !isHostPartChar(part[i]) {
			return false
		}
	}
	return true
}

// mdurlParse is mdurl's parse(url, true).
func mdurlParse(url string) mdURL {
	var u mdURL
	rest := trimJS(url)
	proto := "" // /^([a-z0-9.+-]+:)/i
	i := 0
	for i < len(rest) && isProtoChar(rest[i]) {
		i++
	}
	if i > 0 && i < len(rest) && rest[i] == ':' {
		proto = rest[:i+1]
		u.protocol = proto
		rest = rest[i+1:]
	}
	hostless := proto == "javascript" || proto == "javascript:"
	slashes := strings.HasPrefix(rest, "//")
	if slashes && !(proto != "" && hostless) {
		rest = rest[2:]
		u.slashes = true
	}
	slashed := false
	switch proto {
	case "http", "https", "ftp", "gopher", "file", "http:", "https:", "ftp:", "gopher:", "file:":
		slashed = true
	}
	if !hostless && (slashes || (proto != "" && !slashed)) {
		hostEnd := -1
		for _, c := range "/?#" {
			if i := strings.IndexRune(rest, c); i != -1 && (hostEnd == -1 || i < hostEnd) {
				hostEnd = i
			}
		}
		var atSign int
		if hostEnd == -1 {
			atSign = strings.LastIndexByte(rest, '@')
		} else {
			atSign = strings.LastIndexByte(rest[:min(hostEnd+1, len(rest))], '@')
		}
		if atSign != -1 {
			u.auth = rest[:atSign]
			rest = rest[atSign+1:]
		}
		hostEnd = -1
		for _, c := range "%/?;#'{}|\\^`<>\" \r\n\t" {
			if i := strings.IndexRune(rest, c); i != -1 && (hostEnd == -1 || i < hostEnd) {
				hostEnd = i
			}
		}
		if hostEnd == -1 {
			hostEnd = len(rest)
		}
		if hostEnd > 0 && rest[hostEnd-1] == ':' {
			hostEnd--
		}
		host := rest[:hostEnd]
		rest = rest[hostEnd:]
		// parseHost: a trailing /:[0-9]*$/ is the port.
		j := len(host)
		for j > 0 && host[j-1] >= '0' && host[j-1] <= '9' {
			j--
		}
		if j > 0 && host[j-1] == ':' {
			if j < len(host) {
				u.port = host[j:]
			}
			host = host[:j-1]
		}
		u.hostname = host
		ipv6 := len(u.hostname) >= 1 && u.hostname[0] == '[' && u.hostname[len(u.hostname)-1] == ']'
		if !ipv6 {
			parts := strings.Split(u.hostname, ".")
			for i, part := range parts {
				if part == "" || isASCIIHostPart(part) || hostPartOK(part) {
					continue
				}
				valid := append([]string{}, parts[:i]...)
				notHost := append([]string{}, parts[i+1:]...)
				// /^([+a-z0-9A-Z_-]{0,63})(.*)$/: '.' stops at JS line
				// terminators, which make the whole match fail.
				k := 0
				for k < len(part) && k < 63 && isHostPartChar(part[k]) {
					k++
				}
				if !strings.ContainsAny(part[k:], "\n\r\u2028\u2029") {
					valid = append(valid, part[:k])
					notHost = append([]string{part[k:]}, notHost...)
				}
				if len(notHost) > 0 {
					rest = strings.Join(notHost, ".") + rest
				}
				u.hostname = strings.Join(valid, ".")
				break
			}
		}
		if openclaw.LenJS(u.hostname) > 255 {
			u.hostname = ""
		}
		if ipv6 {
			u.hostname = u.hostname[1 : len(u.hostname)-1]
		}
	}
	if i := strings.IndexByte(rest, '#'); i != -1 {
		u.hash = rest[i:]
		rest = rest[:i]
	}
	if i := strings.IndexByte(rest, '?'); i != -1 {
		u.search = rest[i:]
		rest = rest[:i]
	}
	u.pathname = rest
	return u
}

// mdurlEncode is mdurl's encode(str) with its default exclusions.
func mdurlEncode(s string) string {
	const keep = ";/?:@&=+$,-_.!~*'()#"
	const hexd = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' && i+2 < len(s) && isHexDigit(s[i+1]) && isHexDigit(s[i+2]) {
			b.WriteString(s[i : i+3])
			i += 2
			continue
		}
		if c < utf8.RuneSelf && (isAlnum(c) || strings.IndexByte(keep, c) >= 0) {
			b.WriteByte(c)
			continue
		}
		// ASCII specials and every UTF-8 byte (encodeURIComponent).
		b.WriteByte('%')
		b.WriteByte(hexd[c>>4])
		b.WriteByte(hexd[c&15])
	}
	return b.String()
}

// punycodeToASCII is punycode.js toASCII; ok is false where it throws.
func punycodeToASCII(domain string) (string, bool) {
	prefix := ""
	if parts := strings.Split(domain, "@"); len(parts) > 1 {
		prefix = parts[0] + "@"
		domain = parts[1]
	}
	domain = strings.NewReplacer("\u3002", ".", "\uFF0E", ".", "\uFF61", ".").Replace(domain)
	labels := strings.Split(domain, ".")
	for i, l := range labels {
		ascii := true
		for j := 0; j < len(l); j++ {
			if l[j] >= utf8.RuneSelf {
				ascii = false
				break
			}
		}
		if ascii {
			continue
		}
		enc, ok := punycodeEncode(l)
		if !ok {
			return "", false
		}
		labels[i] = "xn--" + enc
	}
	return prefix + strings.Join(labels, "."), true
}

func punycodeEncode(input string) (string, bool) {
	const (
		base, tMin, tMax, skew, damp = 36, 1, 26, 38, 700
		initialBias, initialN        = 72, 128
		maxInt                       = 2147483647
	)
	cps := []rune(input)
	var out []byte
	for _, c := range cps {
		if c < 0x80 {
			out = append(out, byte(c))
		}
	}
	basicLength := len(out)
	handled := basicLength
	if basicLength > 0 {
		out = append(out, '-')
	}
	digit := func(d int) byte {
		if d < 26 {
			return byte('a' + d)
		}
		return byte('0' + d - 26)
	}
	adapt := func(delta, numPoints int, first bool) int {
		k := 0
		if first {
			delta /= damp
		} else {
			delta >>= 1
		}
		delta += delta / numPoints
		for delta > (base-tMin)*tMax>>1 {
			delta /= base - tMin
			k += base
		}
		return k + (base-tMin+1)*delta/(delta+skew)
	}
	n, delta, bias := initialN, 0, initialBias
	for handled < len(cps) {
		m := maxInt
		for _, c := range cps {
			if int(c) >= n && int(c) < m {
				m = int(c)
			}
		}
		if m-n > (maxInt-delta)/(handled+1) {
			return "", false
		}
		delta += (m - n) * (handled + 1)
		n = m
		for _, c := range cps {
			if int(c) < n {
				delta++
				if delta > maxInt {
					return "", false
				}
			}
			if int(c) == n {
				q := delta
				for k := base; ; k += base {
					t := k - bias
					if k <= bias {
						t = tMin
					} else if k >= bias+tMax {
						t = tMax
					}
					if q < t {
						break
					}
					out = append(out, digit(t+(q-t)%(base-t)))
					q = (q - t) / (base - t)
				}
				out = append(out, digit(q))
				bias = adapt(delta, handled+1, handled == basicLength)
				delta = 0
				handled++
			}
		}
		delta++
		n++
	}
	return string(out), true
}

// normalizeReference folds a reference label: JS trim, \s+ to one space,
// then toLowerCase().toUpperCase() (case folding; only equality matters).
func normalizeReference(str string) string {
	str = trimJS(str)
	var b strings.Builder
	space := false
	for _, r := range str {
		if isJSSpace(r) {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return toUpperJS(toLowerJS(b.String()))
}

// toUpperJS approximates String.prototype.toUpperCase: simple upper-case
// mappings plus the unconditional expansions of SpecialCasing that a
// lower-cased label can contain most plausibly (ß and the Latin ligatures).
func toUpperJS(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case 'ß':
			b.WriteString("SS")
		case 'ﬀ':
			b.WriteString("FF")
		case 'ﬁ':
			b.WriteString("FI")
		case 'ﬂ':
			b.WriteString("FL")
		case 'ﬃ':
			b.WriteString("FFI")
		case 'ﬄ':
			b.WriteString("FFL")
		case 'ﬅ', 'ﬆ':
			b.WriteString("ST")
		default:
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	return b.String()
}
