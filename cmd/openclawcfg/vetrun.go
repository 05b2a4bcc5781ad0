package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/openclawcfg/openclawcfg/compiler"
	"github.com/openclawcfg/openclawcfg/compiler/diag"
)

// fileState is what became of one input.
type fileState struct {
	in         *input
	res        *compiler.Result
	includedBy string // checked as part of this file, not on its own
	failed     bool
	// verdicts is vet --openclaw all: each release's verdict.
	verdicts []diag.ReleaseVerdict
}

// vetFiles is vet on files: read and check every input, check a file that
// another one includes only through that file, skip what is not a config,
// and report in the chosen format.
func (c *vetCmd) vetFiles(e *env) error {
	lookup, err := c.environment()
	if err != nil {
		return err
	}
	inputs, err := c.collectInputs(e.stdin)
	if err != nil {
		return err
	}
	if len(inputs) == 0 {
		return usageErrorf("nothing to vet: --exclude left out every path given")
	}
	opt, err := c.envOptions(compiler.Options{Disable: c.Disable, Env: lookup})
	if err != nil {
		return err
	}
	all := c.OpenClaw == "all"
	if !all {
		if opt.OpenClaw, err = releaseFlag(c.OpenClaw); err != nil {
			return err
		}
	}
	var results []*compiler.Result
	var verdicts [][]diag.ReleaseVerdict
	if all {
		results, verdicts = vetReleases(inputs, opt)
	} else {
		results = vetAll(inputs, opt)
	}

	states := make([]fileState, len(inputs))
	includer := map[string]string{} // absolute path of an included file -> the file including it
	for i := range inputs {
		states[i] = fileState{in: &inputs[i], res: results[i]}
		r := results[i]
		if r == nil || inputs[i].err != nil || inputs[i].skipped != "" {
			continue
		}
		self := absPath(inputs[i].name)
		for _, s := range r.Sources[1:] {
			if a := absPath(s.Name); a != self {
				if _, ok := includer[a]; !ok {
					includer[a] = inputs[i].name
				}
			}
		}
	}

	var (
		found      []diag.Diagnostic
		suppressed []diag.Suppressed
		unreadable []diag.FileError
		report     diag.Report
		sources    = map[string]*diag.Source{}
		seen       = map[string]bool{}
		seenSup    = map[string]bool{}
		checked    int
		failed     int
		skipped    int
	)
	for i := range states {
		st := &states[i]
		in := st.in
		if in.err != nil {
			msg := readError(in.err)
			unreadable = append(unreadable, diag.FileError{File: in.name, Message: msg})
			report.Files = append(report.Files, diag.FileResult{File: in.name, Error: msg})
			continue
		}
		if by, ok := includer[absPath(in.name)]; ok && in.name != "<stdin>" {
			// An $include fragment: its findings, at its own lines, are
			// those of the file that includes it.
			st.includedBy = by
			report.Files = append(report.Files, diag.FileResult{File: in.name, OK: true, IncludedBy: by})
			continue
		}
		if in.skipped != "" {
			skipped++
			report.Files = append(report.Files, diag.FileResult{File: in.name, OK: true, Skipped: in.skipped})
			continue
		}
		r := st.res
		checked++
		for _, s := range r.Sources {
			sources[s.Name] = s
		}
		for _, d := range r.Diagnostics {
			if k := diagKey(d); !seen[k] {
				seen[k] = true
				found = append(found, d)
			}
		}
		for _, s := range r.Suppressed {
			if k := diagKey(s.Diagnostic); !seenSup[k] {
				seenSup[k] = true
				suppressed = append(suppressed, s)
			}
		}
		errs, warns := diag.Count(r.Diagnostics)
		fr := diag.FileResult{File: in.name, OK: r.OK(), Note: r.Note, OpenClaw: r.Release.Release, OpenClawReason: r.Release.Reason}
		if all {
			fr.OpenClaw, fr.OpenClawReason, fr.Releases = "", "", verdicts[i]
			st.verdicts = verdicts[i]
			errs, warns = 0, 0
			for _, v := range verdicts[i] {
				errs += v.Errors
				warns += v.Warnings
			}
			fr.OK = errs == 0
		}
		if errs > 0 || (c.Strict && warns > 0) {
			st.failed = true
			failed++
		}
		report.Files = append(report.Files, fr)
	}
	for _, s := range sources {
		diag.LocateEnds(s, found)
	}
	report.Errors, report.Warnings = diag.Count(found)
	report.Diagnostics = found
	report.Suppressed = suppressed

	code := exitOK
	switch {
	case len(unreadable) > 0:
		code = exitUsage
	case report.Errors > 0, c.Strict && report.Warnings > 0, failed > 0:
		code = exitInvalid
	}

	out, closeOut, err := c.output(e)
	if err != nil {
		return err
	}
	for _, u := range unreadable {
		// Whatever the format, a path that could not be read is a
		// process error too.
		fmt.Fprintf(e.stderr, "openclawcfg: %s\n", diag.Sanitize(u.Message))
	}
	if c.Verbose {
		c.listFiles(e.stderr, states, suppressed)
	}
	switch c.Format {
	case "json":
		err = diag.WriteJSON(out, report)
	case "sarif":
		root, _ := os.Getwd()
		err = diag.WriteSARIFLog(out, diag.SARIFRun{
			Tool: diag.Tool{
				Name: "openclawcfg", Version: sarifVersion(), SemanticVersion: semanticVersion(),
				InformationURI: "https://github.com/openclawcfg/openclawcfg",
			},
			Diagnostics: found, Sources: sources, Root: root, Unreadable: unreadable, ExitCode: code,
		})
	case "github":
		for _, u := range unreadable {
			diag.WriteGitHubError(out, u.File, u.Message)
		}
		diag.WriteGitHub(out, found)
		for _, f := range report.Files {
			if f.Note != "" {
				fmt.Fprintf(out, "::notice file=%s,title=openclawcfg::%s\n", strings.ReplaceAll(diag.Sanitize(filepath.ToSlash(f.File)), ",", "%2C"), diag.Sanitize(f.Note))
			}
		}
	default:
		if all {
			writeVerdicts(out, states)
		}
		diag.WriteText(out, found, sources)
		for _, f := range report.Files {
			if f.Note != "" {
				fmt.Fprintf(out, "%s: note: %s\n", diag.Sanitize(f.File), diag.Sanitize(f.Note))
			}
		}
		if report.Errors+report.Warnings > 0 || failed > 0 || c.Verbose {
			fmt.Fprintln(out, runSummary(report.Errors, report.Warnings, failed, checked, len(suppressed), skipped))
		}
	}
	if cerr := closeOut(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if code != exitOK {
		return exitStatus(code)
	}
	return nil
}

// listFiles is -v: one line per input with what became of it, and the
// findings its openclawcfg:ignore comments suppressed.
func (c *vetCmd) listFiles(w io.Writer, states []fileState, suppressed []diag.Suppressed) {
	for _, st := range states {
		in := st.in
		switch {
		case in.err != nil:
			fmt.Fprintf(w, "%s: not read\n", diag.Sanitize(in.name))
		case st.includedBy != "":
			fmt.Fprintf(w, "%s: checked through %s, which includes it\n", diag.Sanitize(in.name), diag.Sanitize(st.includedBy))
		case in.skipped != "":
			fmt.Fprintf(w, "%s: skipped: %s\n", diag.Sanitize(in.name), diag.Sanitize(in.skipped))
		default:
			errs, warns := diag.Count(st.res.Diagnostics)
			line := diag.Sanitize(in.name) + ": " + summary(errs, warns)
			if n := len(st.res.Suppressed); n > 0 {
				line += fmt.Sprintf(" (%d suppressed)", n)
			}
			if st.verdicts == nil {
				line += "; OpenClaw " + st.res.Release.Release + " (" + diag.Sanitize(st.res.Release.Reason) + ")"
			}
			fmt.Fprintln(w, line)
		}
	}
	for _, s := range suppressed {
		d := s.Diagnostic
		path := ""
		if d.Path != "" {
			path = d.Path + ": "
		}
		fmt.Fprintf(w, "%s:%d:%d: suppressed: %s%s [%s] (line %d: %s)\n", diag.Sanitize(d.File), d.Line, d.Column, diag.Sanitize(path), diag.Sanitize(d.Message), d.Code, s.CommentLine, diag.Sanitize(s.Reason))
	}
}

// runSummary is the last line of a text report.
func runSummary(errs, warns, failed, checked, suppressed, skipped int) string {
	s := summary(errs, warns)
	if errs == 0 && warns == 0 {
		s = "no errors or warnings"
	}
	s += fmt.Sprintf("; %d of %d files failed", failed, checked)
	if suppressed > 0 {
		s += fmt.Sprintf("; %d suppressed", suppressed)
	}
	if skipped > 0 {
		s += fmt.Sprintf("; %d skipped (not configs)", skipped)
	}
	return s
}

// output opens where the report goes: -o FILE, stdout for -o -, else
// stderr for text (as go vet and cue vet do) and stdout for the machine
// formats.
func (c *vetCmd) output(e *env) (io.Writer, func() error, error) {
	none := func() error { return nil }
	switch c.Output {
	case "":
		if c.Format == "text" || c.Format == "" {
			return e.stderr, none, nil
		}
		return e.stdout, none, nil
	case "-":
		return e.stdout, none, nil
	}
	f, err := os.Create(c.Output)
	if err != nil {
		return nil, nil, failf("-o: %s", readError(err))
	}
	return f, f.Close, nil
}

func diagKey(d diag.Diagnostic) string {
	return fmt.Sprintf("%s\x00%d\x00%d\x00%d\x00%s\x00%s\x00%s", d.File, d.Offset, d.End, d.Severity, d.Code, d.Path, d.Message)
}

func absPath(name string) string {
	if a, err := filepath.Abs(name); err == nil {
		return a
	}
	return name
}

// sarifVersion is version() starting with a number, as SARIF consumers
// compare versions: "v1.2.3 (...)" is "1.2.3 (...)", "devel (...)" is
// "0.0.0-devel (...)".
func sarifVersion() string {
	v := version()
	switch {
	case len(v) > 1 && v[0] == 'v' && v[1] >= '0' && v[1] <= '9':
		return v[1:]
	case v != "" && v[0] >= '0' && v[0] <= '9':
		return v
	}
	return "0.0.0-" + v
}
