package openclaw

import (
	"slices"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// Account ids (src/routing/account-id.ts and
// src/channels/plugins/account-helpers.ts in OpenClaw 2026.3.24). They decide
// which accounts.<id> block, and so which allowFrom/dmPolicy, a message is
// judged by, and which account runs when none is named.

// DefaultAccountIDValue is OpenClaw's DEFAULT_ACCOUNT_ID.
const DefaultAccountIDValue = "default"

// NormalizeAccountID ports normalizeAccountId: trim; "" becomes "default";
// an id matching /^[a-z0-9][a-z0-9_-]{0,63}$/i is lower-cased; anything else
// is lower-cased (JS toLowerCase), every run of characters outside
// [a-z0-9_-] becomes '-', leading and trailing '-' are dropped and the result
// is cut to 64 characters (which can leave a trailing '-'). An empty result
// or a prototype key (__proto__, prototype, constructor) becomes "default".
//
// Consequence: an accounts key like "my bot" is addressed as "my-bot", which
// the exact-then-case-insensitive key lookup then does not find.
func NormalizeAccountID(value string) string {
	if v, ok := normalizeOptionalAccountID(value); ok {
		return v
	}
	return DefaultAccountIDValue
}

// normalizeOptionalAccountID is normalizeOptionalAccountId: like
// NormalizeAccountID but reports "no id" (ok=false) instead of "default".
func normalizeOptionalAccountID(value string) (string, bool) {
	trimmed := TrimJS(value)
	if trimmed == "" {
		return "", false
	}
	canonical := canonicalizeAccountID(trimmed)
	switch canonical {
	case "", "__proto__", "prototype", "constructor":
		return "", false
	}
	return canonical, true
}

// NormalizeAgentID is normalizeAgentId: the account-id canonical form, with
// "main" for an empty result.
func NormalizeAgentID(value string) string {
	t := TrimJS(value)
	if t == "" {
		return "main"
	}
	if out := canonicalizeAccountID(t); out != "" {
		return out
	}
	return "main"
}

func canonicalizeAccountID(value string) string {
	if isValidAccountID(value) {
		return strings.ToLower(value) // ASCII only
	}
	lower := ToLowerJS(value)
	var b strings.Builder
	b.Grow(len(lower))
	dash := false
	for i := 0; i < len(lower); i++ {
		c := lower[i]
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' {
			b.WriteByte(c)
			dash = false
		} else if !dash { // one '-' per run; a multi-byte character is one run
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.TrimRight(strings.TrimLeft(b.String(), "-"), "-")
	if len(out) > 64 { // ASCII now, so bytes are UTF-16 units
		out = out[:64]
	}
	return out
}

// isValidAccountID is /^[a-z0-9][a-z0-9_-]{0,63}$/i. Without the u flag, the
// i flag does not let non-ASCII characters such as U+212A or U+017F match
// ASCII letters.
func isValidAccountID(v string) bool {
	if len(v) == 0 || len(v) > 64 {
		return false
	}
	c := v[0]
	if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
		return false
	}
	return allBytes(v, "_-")
}

// ListAccountIDs ports listIMessageAccountIds for the keys of
// channels.imessage.accounts, given in JavaScript Object.keys order (array
// index keys such as "0" or "10" first in numeric order, then the others in
// config order; that order only breaks ties of the sort). Empty keys are
// dropped and the rest are sorted with String.prototype.localeCompare
// (ICU root collation: "a" < "A" < "b", "_" < "-" < "." < digits <
// letters); no keys gives ["default"]. Keys are not normalised. The
// collation comes from golang.org/x/text/collate (CLDR 23), which agrees with
// Node 24's ICU for ASCII, Latin, Greek and Cyrillic; scripts and symbols
// whose order CLDR changed since (emoji, Han, characters added after Unicode
// 6.2) can sort differently.
func ListAccountIDs(keys []string) []string {
	var ids []string
	seen := map[string]bool{}
	for _, k := range keys {
		if k != "" && !seen[k] {
			seen[k] = true
			ids = append(ids, k)
		}
	}
	if len(ids) == 0 {
		return []string{DefaultAccountIDValue}
	}
	c := collate.New(language.Und)
	slices.SortStableFunc(ids, c.CompareString)
	return ids
}

// DefaultAccountID ports resolveDefaultIMessageAccountId for the accounts
// keys (as for ListAccountIDs) and channels.imessage.defaultAccount (nil when
// unset or not a string). It returns, in order: defaultAccount normalised, if
// some listed key normalises to the same id (so a defaultAccount "Work" with
// the key "Work" yields "work"); "default" if that exact key is listed; the
// first listed id; "default".
func DefaultAccountID(keys []string, defaultAccount *string) string {
	ids := ListAccountIDs(keys)
	if defaultAccount != nil {
		if preferred, ok := normalizeOptionalAccountID(*defaultAccount); ok {
			for _, id := range ids {
				if NormalizeAccountID(id) == preferred {
					return preferred
				}
			}
		}
	}
	if slices.Contains(ids, DefaultAccountIDValue) {
		return DefaultAccountIDValue
	}
	return ids[0]
}
