package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/openclawcfg/openclawcfg/compiler"
	"github.com/openclawcfg/openclawcfg/compiler/diag"
	"github.com/openclawcfg/openclawcfg/internal/release"
)

// releaseFlag checks --openclaw: empty (the file's stamp decides) or a
// supported release.
func releaseFlag(v string) (string, error) {
	if v == "" || release.Known(v) {
		return v, nil
	}
	msg := fmt.Sprintf("--openclaw: openclawcfg has no profile for OpenClaw %q; supported releases: %s", v, release.List())
	if best := closestRelease(v); best != "" {
		msg += fmt.Sprintf("; did you mean %s?", best)
	}
	return "", usageErrorf("%s", msg)
}

// closestRelease is the supported release v most likely means: the
// newest not newer than v when v is a version.
func closestRelease(v string) string {
	want, ok := release.Parse(v)
	if !ok {
		return ""
	}
	best := ""
	for _, r := range release.Supported {
		rv, _ := release.Parse(r)
		if release.Compare(rv, want) <= 0 {
			best = r
		}
	}
	return best
}

// vetReleases is vet --openclaw all: every input is vetted as each
// supported release. The result of a file keeps only the findings the
// releases disagree on (same path, code and severity counts as the same
// finding, whatever the wording), each marked with the release that
// reports it; verdicts holds each release's counts.
func vetReleases(inputs []input, opt compiler.Options) ([]*compiler.Result, [][]diag.ReleaseVerdict) {
	per := make([][]*compiler.Result, len(release.Supported))
	for i, rel := range release.Supported {
		o := opt
		o.OpenClaw = rel
		per[i] = vetAll(inputs, o)
	}
	out := make([]*compiler.Result, len(inputs))
	verdicts := make([][]diag.ReleaseVerdict, len(inputs))
	for f := range inputs {
		first := per[0][f]
		if first == nil {
			continue
		}
		counts := make([]map[string]int, len(release.Supported))
		for i := range release.Supported {
			counts[i] = map[string]int{}
			for _, d := range per[i][f].Diagnostics {
				counts[i][sameFinding(d)]++
			}
		}
		merged := *first
		merged.Diagnostics = nil
		merged.Note = ""
		for i, rel := range release.Supported {
			r := per[i][f]
			errs, warns := diag.Count(r.Diagnostics)
			verdicts[f] = append(verdicts[f], diag.ReleaseVerdict{OpenClaw: rel, OK: errs == 0, Errors: errs, Warnings: warns})
			for _, d := range r.Diagnostics {
				k := sameFinding(d)
				everywhere := true
				for j := range release.Supported {
					if counts[j][k] == 0 {
						everywhere = false
					}
				}
				if everywhere {
					continue
				}
				d.OpenClaw = rel
				d.Message = "only OpenClaw " + rel + ": " + d.Message
				merged.Diagnostics = append(merged.Diagnostics, d)
			}
		}
		merged.Diagnostics = diag.Sort(merged.Diagnostics)
		out[f] = &merged
	}
	return out, verdicts
}

func sameFinding(d diag.Diagnostic) string {
	return fmt.Sprintf("%s\x00%d\x00%d\x00%s\x00%s", d.File, d.Line, d.Severity, d.Path, d.Code)
}

// writeVerdicts is the head of vet --openclaw all's text report: per file,
// each release's verdict, or that they agree.
func writeVerdicts(w io.Writer, states []fileState) {
	for _, st := range states {
		if st.verdicts == nil {
			continue
		}
		var parts []string
		agree := true
		for _, v := range st.verdicts {
			parts = append(parts, "OpenClaw "+v.OpenClaw+" "+verdictText(v))
			if v.OK != st.verdicts[0].OK {
				agree = false
			}
		}
		line := diag.Sanitize(st.in.name) + ": " + strings.Join(parts, ", ")
		if agree && len(st.res.Diagnostics) == 0 {
			line += "; the releases agree"
		} else if !agree {
			line += "; the releases disagree"
		}
		fmt.Fprintln(w, line)
	}
}

func verdictText(v diag.ReleaseVerdict) string {
	if v.OK {
		if v.Warnings > 0 {
			return "accepts it (" + summary(0, v.Warnings) + ")"
		}
		return "accepts it"
	}
	return "rejects it (" + summary(v.Errors, v.Warnings) + ")"
}
