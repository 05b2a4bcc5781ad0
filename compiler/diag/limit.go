package diag

import (
	"fmt"
	"slices"
)

// Bounds on the findings one run lists, so that a hostile config (700,000
// unknown keys) costs a page of output, not gigabytes. The counts stay
// exact: the entry that stands for the rest says how many it stands for
// (Diagnostic.More), and Count counts them.
const (
	MaxPerKind = 100    // findings of one code in one file
	MaxPerRun  = 10_000 // findings of one run, all files together
)

// CodeLimit is the code of resource-limit errors and of the entry that
// stands for the findings a run leaves out.
const CodeLimit = "limit"

type kindKey struct{ file, code string }

// Cap keeps the first perKind findings of each code in each file and
// replaces the others by one entry per file and code, placed at the first
// one left out, that says how many more there are. Entries that already
// stand for others (More > 0) are folded into it. ds must be sorted (see
// Sort); so is the result.
func Cap(ds []Diagnostic, perKind int) []Diagnostic {
	if len(ds) <= perKind && !slices.ContainsFunc(ds, func(d Diagnostic) bool { return d.More > 0 }) {
		return ds // the common case: nothing to leave out
	}
	kept := map[kindKey]int{}
	rest := map[kindKey]*Diagnostic{}
	var order []kindKey
	out := ds[:0:0]
	for _, d := range ds {
		k := kindKey{d.File, d.Code}
		if d.More == 0 && kept[k] < perKind {
			kept[k]++
			out = append(out, d)
			continue
		}
		n := max(d.More, 1)
		if s := rest[k]; s != nil {
			s.More += n
			if before(d, *s) {
				s.Offset, s.End, s.Line, s.Column, s.EndLine, s.EndColumn = d.Offset, d.End, d.Line, d.Column, d.EndLine, d.EndColumn
			}
			continue
		}
		s := Diagnostic{
			File: d.File, Offset: d.Offset, End: d.End, Line: d.Line, Column: d.Column,
			EndLine: d.EndLine, EndColumn: d.EndColumn, Severity: d.Severity, Code: d.Code, More: n,
		}
		rest[k] = &s
		order = append(order, k)
	}
	if len(order) == 0 {
		return ds
	}
	for _, k := range order {
		s := rest[k]
		s.Message = fmt.Sprintf("and %d more %s of this kind (%s) in this file, not listed: openclawcfg lists the first %d of each kind",
			s.More, plural(s.More, s.Severity), s.Code, perKind)
		out = append(out, *s)
	}
	return Sort(out)
}

// CapRun keeps the first limit entries of a run's findings (in the order
// given: file by file) and replaces the rest by at most two entries, one
// for errors and one for warnings, at the first one left out of each.
func CapRun(ds []Diagnostic, limit int) []Diagnostic {
	if len(ds) <= limit {
		return ds
	}
	out := slices.Clone(ds[:limit])
	var rest [2]*Diagnostic
	for _, d := range ds[limit:] {
		n := max(d.More, 1)
		if s := rest[d.Severity]; s != nil {
			s.More += n
			continue
		}
		rest[d.Severity] = &Diagnostic{
			File: d.File, Offset: d.Offset, End: d.End, Line: d.Line, Column: d.Column,
			EndLine: d.EndLine, EndColumn: d.EndColumn, Severity: d.Severity, Code: CodeLimit, More: n,
		}
	}
	for _, s := range rest {
		if s != nil {
			s.Message = fmt.Sprintf("and %d more %s in this and later files, not listed: openclawcfg lists the first %d findings of a run",
				s.More, plural(s.More, s.Severity), limit)
			out = append(out, *s)
		}
	}
	return out
}

func before(a, b Diagnostic) bool { return a.Offset < b.Offset }

func plural(n int, s Severity) string {
	if n == 1 {
		return s.String()
	}
	return s.String() + "s"
}

func init() {
	ruleDocs[CodeLimit] = RuleDoc{
		Full:   "openclawcfg bounds the work one config may cause: at most 500,000 values after $include merging (each inclusion counts), 10,000 entries in one list or object, 4 MiB produced by ${VAR} substitution, and a plan of bounded size. A config past a limit is refused with the limit named; OpenClaw configs stay far below them. An entry with this code may also stand for findings left out of a long list.",
		Fix:    "Remove the repeated `$include`s, the oversized lists or the long variable values; no real iMessage config comes near these limits.",
		Anchor: "what-is-checked",
	}
}
