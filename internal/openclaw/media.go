package openclaw

import "strings"

// MediaKindFromMime is kindFromMime (src/media/mime.ts, dist/mime-*.js):
// the MIME type before any ";", trimmed and lower-cased, classified by
// mediaKindFromMime (src/media/constants.ts) as "image", "audio", "video" or
// "document" (application/* and text/*); "" for anything else or no type.
// The iMessage monitor writes the first attachment's kind as the
// "<media:image>" placeholder of a message without text.
func MediaKindFromMime(mime string) string {
	if i := strings.IndexByte(mime, ';'); i >= 0 {
		mime = mime[:i]
	}
	mime = TrimJS(mime)
	// Lower-casing can only turn U+0130 and U+212A (Kelvin) into ASCII
	// letters; U+0130 becomes "i\u0307" and no prefix holds a 'k', so an ASCII
	// case-insensitive prefix test is exact.
	switch {
	case hasPrefixFoldASCII(mime, "image/"):
		return "image"
	case hasPrefixFoldASCII(mime, "audio/"):
		return "audio"
	case hasPrefixFoldASCII(mime, "video/"):
		return "video"
	case hasPrefixFoldASCII(mime, "text/"), hasPrefixFoldASCII(mime, "application/"):
		return "document"
	}
	return ""
}
