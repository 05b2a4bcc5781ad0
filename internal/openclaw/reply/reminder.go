package reply

// The agent runner's reminder guard (agent-runner.runtime-i_gf132J.js,
// src/auto-reply/reply/agent-runner-reminder-guard.ts): a reply promising a
// reminder when no cron job was created in the turn (and none exists for
// the session; the runtime has no cron store) gets a note appended.

import "strings"

const unscheduledReminderNote = "Note: I did not schedule a reminder in this turn, so this will not trigger automatically."

// hasUnbackedReminderCommitment tests the two commitment patterns
//
//	/\b(?:i\s*['’]?ll|i will)\s+(?:make sure to\s+)?(?:remember|remind|ping|follow up|follow-up|check back|circle back)\b/i
//	/\b(?:i\s*['’]?ll|i will)\s+(?:set|create|schedule)\s+(?:a\s+)?reminder\b/i
//
// unless the text already carries the note.
func hasUnbackedReminderCommitment(text string) bool {
	// text.toLowerCase().includes(note.toLowerCase()): no non-ASCII
	// character lower-cases into this ASCII note, so an ASCII fold suffices.
	if trimJS(text) == "" || containsFoldASCII(text, strings.ToLower(unscheduledReminderNote)) {
		return false
	}
	for i := 0; i < len(text); i++ {
		if (text[i] != 'i' && text[i] != 'I') || !isWordBoundaryBefore(text, i) {
			continue
		}
		j := matchIll(text, i)
		if j < 0 {
			continue
		}
		k := skipJSSpace(text, j)
		if k == j {
			continue
		}
		if commitmentVerb(text, k) {
			return true
		}
	}
	return false
}

// matchIll matches i\s*['’]?ll or "i will" at i and returns the end.
func matchIll(s string, i int) int {
	j := skipJSSpace(s, i+1)
	if strings.HasPrefix(s[j:], "'") {
		j++
	} else if strings.HasPrefix(s[j:], "’") {
		j += len("’")
	}
	if hasPrefixFold(s[j:], "ll") {
		return j + 2
	}
	if hasPrefixFold(s[i:], "i will") {
		return i + len("i will")
	}
	return -1
}

func wordEndsAt(s string, i int) bool { return i >= len(s) || !isJSWordByte(s[i]) }

// commitmentVerb matches either pattern's tail at k (after the blanks that
// follow "I'll").
func commitmentVerb(s string, k int) bool {
	for _, start := range []int{k, afterMakeSureTo(s, k)} {
		if start < 0 {
			continue
		}
		for _, v := range []string{"remember", "remind", "ping", "follow up", "follow-up", "check back", "circle back"} {
			if hasPrefixFold(s[start:], v) && wordEndsAt(s, start+len(v)) {
				return true
			}
		}
	}
	for _, v := range []string{"set", "create", "schedule"} {
		if !hasPrefixFold(s[k:], v) {
			continue
		}
		m := k + len(v)
		n := skipJSSpace(s, m)
		if n == m {
			continue
		}
		if hasPrefixFold(s[n:], "reminder") && wordEndsAt(s, n+len("reminder")) {
			return true
		}
		if hasPrefixFold(s[n:], "a") {
			a := skipJSSpace(s, n+1)
			if a > n+1 && hasPrefixFold(s[a:], "reminder") && wordEndsAt(s, a+len("reminder")) {
				return true
			}
		}
	}
	return false
}

// afterMakeSureTo matches "make sure to\s+" at k; -1 if absent.
func afterMakeSureTo(s string, k int) int {
	if !hasPrefixFold(s[k:], "make sure to") {
		return -1
	}
	m := k + len("make sure to")
	n := skipJSSpace(s, m)
	if n == m {
		return -1
	}
	return n
}
