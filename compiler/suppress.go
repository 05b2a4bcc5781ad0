package compiler

import (
	"fmt"
	"slices"
	"strings"

	"github.com/openclawcfg/openclawcfg/compiler/diag"
)

// ignoreDirective starts a suppression comment:
//
//	// openclawcfg:ignore CODE[,CODE...] REASON
//
// on the line of a finding, or alone on the line above it.
const ignoreDirective = "openclawcfg:ignore"

// suppression is one parsed openclawcfg:ignore comment.
type suppression struct {
	file        string
	line        int // the comment's (first) line
	target      int // the line whose findings it silences
	offset, end int // the comment's bytes
	codes       []string
	reason      string
	used        map[string]bool
}

// comment is a JSON5 comment: its bytes, first and last line, and whether
// only whitespace precedes it on its first line.
type comment struct {
	text        string // without the // or /* */ markers
	offset, end int
	line, last  int
	alone       bool
}

// scanComments finds the comments of a JSON5 text, skipping strings, and
// the lines that hold something other than whitespace and comments (the
// lines a comment above can target). It never fails: an unterminated
// string or comment ends the scan.
func scanComments(src []byte) (comments []comment, code map[int]bool) {
	code = map[int]bool{}
	line := 1
	newline := func(int) { line++ }
	for i := 0; i < len(src); i++ {
		switch c := src[i]; c {
		case '\n':
			newline(i)
		case '\r':
			if i+1 < len(src) && src[i+1] == '\n' {
				i++
			}
			newline(i)
		case ' ', '\t', '\f', '\v':
		case '"', '\'':
			code[line] = true
			for i++; i < len(src) && src[i] != c; i++ {
				switch src[i] {
				case '\\':
					if i+1 < len(src) && src[i+1] == '\r' && i+2 < len(src) && src[i+2] == '\n' {
						i += 2
						newline(i)
					} else if i+1 < len(src) && (src[i+1] == '\n' || src[i+1] == '\r') {
						i++
						newline(i)
					} else {
						i++
					}
				case '\n', '\r':
					newline(i) // invalid JSON5; the parser reports it
				}
			}
		case '/':
			if i+1 >= len(src) || (src[i+1] != '/' && src[i+1] != '*') {
				code[line] = true
				continue
			}
			alone := !code[line] // only whitespace (or comments) before it on its line
			if src[i+1] == '/' {
				j := i + 2
				for j < len(src) && src[j] != '\n' && src[j] != '\r' {
					j++
				}
				comments = append(comments, comment{text: string(src[i+2 : j]), offset: i, end: j, line: line, last: line, alone: alone})
				i = j - 1
				continue
			}
			first := line
			j := i + 2
			for ; j < len(src) && !(src[j] == '*' && j+1 < len(src) && src[j+1] == '/'); j++ {
				if src[j] == '\n' || (src[j] == '\r' && (j+1 >= len(src) || src[j+1] != '\n')) {
					newline(j)
				}
			}
			end := min(j+2, len(src))
			comments = append(comments, comment{text: string(src[i+2 : min(j, len(src))]), offset: i, end: end, line: first, last: line, alone: alone})
			i = end - 1
		default:
			code[line] = true
		}
	}
	return comments, code
}

// parseSuppressions finds the openclawcfg:ignore comments of one file.
// Malformed ones are returned as errors.
func parseSuppressions(src *diag.Source) ([]*suppression, []diag.Diagnostic) {
	if !strings.Contains(string(src.Text), ignoreDirective) {
		return nil, nil
	}
	comments, code := scanComments(src.Text)
	maxLine, _ := src.Position(len(src.Text))
	var out []*suppression
	var bad []diag.Diagnostic
	for _, c := range comments {
		t := strings.TrimSpace(c.text)
		if !strings.HasPrefix(t, ignoreDirective) {
			continue
		}
		rest := t[len(ignoreDirective):]
		if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
			continue // openclawcfg:ignored, ...: not the directive
		}
		fail := func(msg string) {
			bad = append(bad, diag.Diagnostic{
				File: src.Name, Offset: c.offset, End: c.end, Severity: diag.Error, Code: diag.CodeIgnore, Message: msg,
				Fix: "write // " + ignoreDirective + " CODE REASON, with a warning code and why the finding is acceptable",
			})
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			fail(ignoreDirective + " names no warning code")
			continue
		}
		s := &suppression{file: src.Name, line: c.line, offset: c.offset, end: c.end, used: map[string]bool{}}
		s.reason = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rest), fields[0]))
		s.reason = strings.TrimSpace(strings.TrimSuffix(s.reason, "*/"))
		ok := true
		for _, cd := range strings.Split(fields[0], ",") {
			r := diag.Describe(cd)
			switch {
			case cd == "":
				continue
			case r.Summary == "":
				msg := fmt.Sprintf("%s %s: %q is no finding code", ignoreDirective, fields[0], cd)
				if m := closestCode(cd); m != "" {
					msg += fmt.Sprintf("; did you mean %q?", m)
				}
				fail(msg)
				ok = false
			case !r.Warning:
				fail(fmt.Sprintf("%s %s: %q is an error, and errors cannot be suppressed: OpenClaw rejects the file whatever this comment says", ignoreDirective, fields[0], cd))
				ok = false
			default:
				s.codes = append(s.codes, cd)
			}
		}
		if !ok {
			continue
		}
		if len(s.codes) == 0 {
			fail(ignoreDirective + " names no warning code")
			continue
		}
		if s.reason == "" {
			fail(fmt.Sprintf("%s %s gives no reason: say after the code why the finding is acceptable", ignoreDirective, fields[0]))
			continue
		}
		s.target = c.last
		if c.alone {
			// Above the line: the next line with code on it.
			s.target = 0
			for l := c.last + 1; l <= maxLine; l++ {
				if code[l] {
					s.target = l
					break
				}
			}
		}
		out = append(out, s)
	}
	return out, bad
}

func closestCode(code string) string {
	best, bestD := "", 3
	for _, r := range diag.Rules() {
		if d := editDistance(code, r.Code); d < bestD {
			best, bestD = r.Code, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance, for code suggestions.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// suppress applies the openclawcfg:ignore comments of every file read to
// the findings: a warning on a comment's target line with one of its
// codes moves to Suppressed. A comment that suppresses nothing is an
// error, except for lint codes when the lints did not run.
func (r *Result) suppress(lintsRan bool) {
	var all []*suppression
	var bad []diag.Diagnostic
	for _, src := range r.Sources {
		s, b := parseSuppressions(src)
		all = append(all, s...)
		bad = append(bad, b...)
	}
	if len(all) == 0 && len(bad) == 0 {
		return
	}
	kept := r.Diagnostics[:0]
	for _, d := range r.Diagnostics {
		if d.Severity == diag.Warning {
			if s := matchSuppression(all, d); s != nil {
				s.used[d.Code] = true
				r.Suppressed = append(r.Suppressed, diag.Suppressed{Diagnostic: d, Reason: s.reason, CommentLine: s.line})
				continue
			}
		}
		kept = append(kept, d)
	}
	r.Diagnostics = kept
	for _, s := range all {
		for _, code := range s.codes {
			if s.used[code] || (!lintsRan && slices.Contains(lintCodes, code)) {
				continue
			}
			where := fmt.Sprintf("line %d", s.target)
			if s.target == 0 {
				where = "the lines after it"
			}
			bad = append(bad, diag.Diagnostic{
				File: s.file, Offset: s.offset, End: s.end, Severity: diag.Error, Code: diag.CodeIgnore,
				Message: fmt.Sprintf("%s %s suppresses nothing: there is no %s finding on %s", ignoreDirective, code, code, where),
				Fix:     "delete the comment (the finding it was for is gone), or move it onto the finding's line or the line above it",
			})
		}
	}
	r.add(bad)
}

func matchSuppression(all []*suppression, d diag.Diagnostic) *suppression {
	for _, s := range all {
		if s.file == d.File && s.target == d.Line && slices.Contains(s.codes, d.Code) {
			return s
		}
	}
	return nil
}

// lintCodes are the findings of the policy lints, which run only on files
// whose errors leave the effective policy known.
var lintCodes = []string{
	diag.CodeOpenDM, diag.CodeWildcardAllow, diag.CodeOpenGroups, diag.CodeEmptyGroupAllow, diag.CodeAllowlistNoGroups,
	diag.CodeMentionUndetectable, diag.CodeRemoteNoRoots, diag.CodeWrapperShape, diag.CodeAccountKey, diag.CodeDeadBinding,
}
