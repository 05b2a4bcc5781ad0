package jsregex

import "unicode"

// isIDStart and isIDPart classify the code points of a group name as V8
// does (IsIdentifierStart/IsIdentifierPart: ICU ID_Start and ID_Continue,
// plus '$' and '_', plus ZWNJ and ZWJ as parts). ID_Start is L, Nl and
// Other_ID_Start without Pattern_Syntax and Pattern_White_Space;
// ID_Continue adds Mn, Mc, Nd, Pc and Other_ID_Continue. Go's tables are
// Unicode 15 and Node's 17, so a name built from the newest letters can
// differ; no realistic mention pattern names a group that way.
func isIDStart(c int) bool {
	if c < 0x80 {
		return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '$' || c == '_'
	}
	if c > unicode.MaxRune {
		return false
	}
	r := rune(c)
	if unicode.In(r, unicode.Pattern_Syntax, unicode.Pattern_White_Space) {
		return false
	}
	return unicode.In(r, unicode.L, unicode.Nl, unicode.Other_ID_Start)
}

func isIDPart(c int) bool {
	if c < 0x80 {
		return isIDStart(c) || c >= '0' && c <= '9'
	}
	if c == 0x200C || c == 0x200D {
		return true
	}
	if isIDStart(c) {
		return true
	}
	if c > unicode.MaxRune {
		return false
	}
	r := rune(c)
	if unicode.In(r, unicode.Pattern_Syntax, unicode.Pattern_White_Space) {
		return false
	}
	return unicode.In(r, unicode.Mn, unicode.Mc, unicode.Nd, unicode.Pc, unicode.Other_ID_Continue)
}
