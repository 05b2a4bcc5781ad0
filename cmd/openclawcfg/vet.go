package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/openclawcfg/openclawcfg/compiler"
	"github.com/openclawcfg/openclawcfg/compiler/diag"
)

type vetCmd struct {
	Paths         []string `arg:"" name:"path" help:"Config files, directories (their *.json5 and *.json files), or - for standard input."`
	Format        string   `short:"f" enum:"text,json,sarif,github" default:"text" help:"Output format: text (compiler style, on stderr), json, sarif (SARIF 2.1.0 for code scanning) or github (workflow annotations); ${enum}."`
	StdinFilename string   `name:"stdin-filename" placeholder:"NAME" help:"File name to use in messages for standard input."`
	Strict        bool     `help:"Fail (exit 1) on warnings too."`
	Verbose       bool     `short:"v" help:"List each file checked."`
	Disable       []string `placeholder:"CODE,..." help:"Silence these warning codes (see README); errors cannot be silenced."`
	PolicyDiff    bool     `name:"policy-diff" help:"Compare the effective policies of two configs (OLD NEW); exit 1 when access widened."`
}

func (c *vetCmd) Help() string {
	return `Reads each config as OpenClaw ` + compiler.TargetOpenClaw + ` does (full JSON5) and checks
channels.imessage and the keys around it. All findings are reported, sorted
by position. Silent when every file passes.`
}

// input is one file to vet; err is set when it could not be read.
type input struct {
	name string
	src  []byte
	err  error
}

func (c *vetCmd) Run(e *env) error {
	if err := checkCodes(c.Disable); err != nil {
		return err
	}
	if c.PolicyDiff {
		return c.runPolicyDiff(e)
	}
	inputs, err := c.collect(e.stdin)
	if err != nil {
		return err
	}
	results := vetAll(inputs, compiler.Options{Disable: c.Disable})

	var all []diag.Diagnostic
	sources := map[string]*diag.Source{}
	report := diag.Report{}
	unreadable := false
	failed := 0
	for i, in := range inputs {
		if in.err != nil {
			fmt.Fprintf(e.stderr, "openclawcfg: %s\n", readError(in.err))
			report.Files = append(report.Files, diag.FileResult{File: in.name, Error: readError(in.err)})
			unreadable = true
			continue
		}
		r := results[i]
		for _, s := range r.Sources {
			sources[s.Name] = s
		}
		all = append(all, r.Diagnostics...)
		errs, warns := diag.Count(r.Diagnostics)
		if errs > 0 || (c.Strict && warns > 0) {
			failed++
		}
		report.Files = append(report.Files, diag.FileResult{File: in.name, OK: r.OK()})
		if c.Verbose {
			errs, warns := diag.Count(r.Diagnostics)
			fmt.Fprintf(e.stderr, "%s: %s\n", in.name, summary(errs, warns))
		}
	}
	report.Errors, report.Warnings = diag.Count(all)
	report.Diagnostics = all

	switch c.Format {
	case "json":
		if err := diag.WriteJSON(e.stdout, report); err != nil {
			return err
		}
	case "sarif":
		tool := diag.Tool{Name: "openclawcfg", Version: version(), InformationURI: "https://github.com/openclawcfg/openclawcfg"}
		if err := diag.WriteSARIF(e.stdout, tool, all, sources); err != nil {
			return err
		}
	case "github":
		diag.WriteGitHub(e.stdout, all)
	default:
		diag.WriteText(e.stderr, all, sources)
		if failed > 0 {
			fmt.Fprintf(e.stderr, "%s; %d of %d files failed\n", summary(report.Errors, report.Warnings), failed, len(report.Files))
		}
	}
	switch {
	case unreadable:
		return exitCode(exitUsage)
	case report.Errors > 0, c.Strict && report.Warnings > 0:
		return exitCode(exitInvalid)
	}
	return nil
}

func summary(errs, warns int) string {
	if errs == 0 && warns == 0 {
		return "ok"
	}
	var parts []string
	if errs > 0 {
		parts = append(parts, plural(errs, "error"))
	}
	if warns > 0 {
		parts = append(parts, plural(warns, "warning"))
	}
	return strings.Join(parts, ", ")
}

func plural(n int, s string) string {
	if n == 1 {
		return "1 " + s
	}
	return fmt.Sprintf("%d %ss", n, s)
}

// collect expands the arguments into inputs, in argument order; files of a
// directory are sorted by name.
func (c *vetCmd) collect(stdin io.Reader) ([]input, error) {
	var inputs []input
	stdinUsed := false
	for _, p := range c.Paths {
		if p == "-" {
			if stdinUsed {
				return nil, fmt.Errorf("standard input (-) given twice")
			}
			stdinUsed = true
			name := c.StdinFilename
			if name == "" {
				name = "<stdin>"
			}
			src, err := readLimited(stdin)
			if err == nil && len(src) > compiler.MaxFileBytes {
				err = fmt.Errorf("larger than %d MiB; OpenClaw configs are a few KiB, is this the right file?", compiler.MaxFileBytes>>20)
			}
			inputs = append(inputs, input{name: name, src: src, err: wrap(name, err)})
			continue
		}
		fi, err := os.Stat(p)
		if err != nil {
			inputs = append(inputs, input{name: p, err: err})
			continue
		}
		if !fi.IsDir() {
			inputs = append(inputs, input{name: p})
			continue
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			inputs = append(inputs, input{name: p, err: err})
			continue
		}
		n := len(inputs)
		for _, de := range entries {
			if ext := filepath.Ext(de.Name()); !de.IsDir() && (ext == ".json5" || ext == ".json") {
				inputs = append(inputs, input{name: filepath.Join(p, de.Name())})
			}
		}
		if len(inputs) == n {
			inputs = append(inputs, input{name: p, err: fmt.Errorf("%s: no *.json5 or *.json files in directory", p)})
		}
	}
	if c.StdinFilename != "" && !stdinUsed {
		return nil, fmt.Errorf("--stdin-filename needs - among the paths")
	}
	return inputs, nil
}

// checkCodes refuses --disable values that name no warning, so a typo
// does not silently keep a warning on.
func checkCodes(codes []string) error {
	for _, code := range codes {
		r := diag.Describe(code)
		if r.Summary == "" || !r.Warning {
			var known []string
			for _, r := range diag.Rules() {
				if r.Warning {
					known = append(known, r.Code)
				}
			}
			what := "names no warning"
			if r.Summary != "" {
				what = "is an error, and errors cannot be silenced"
			}
			return fmt.Errorf("--disable %s: %s; warning codes: %s", code, what, strings.Join(known, ", "))
		}
	}
	return nil
}

// readError renders an input error without Go's syscall names
// ("stat x: no such file" becomes "x: no such file or directory").
func readError(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Path + ": " + pe.Err.Error()
	}
	return err.Error()
}

func wrap(name string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", name, err)
}

// readLimited reads at most MaxFileBytes+1 bytes, so the parser reports an
// oversized input instead of this process buffering all of it.
func readLimited(r io.Reader) ([]byte, error) {
	return io.ReadAll(io.LimitReader(r, compiler.MaxFileBytes+1))
}

// vetAll reads and vets the inputs on every CPU; results keep input order.
func vetAll(inputs []input, opt compiler.Options) []*compiler.Result {
	results := make([]*compiler.Result, len(inputs))
	if len(inputs) == 1 {
		// The common CI call: no worker pool to start.
		vetOne(&inputs[0], &results[0], opt)
		return results
	}
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(len(inputs), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				vetOne(&inputs[i], &results[i], opt)
			}
		}()
	}
	for i := range inputs {
		work <- i
	}
	close(work)
	wg.Wait()
	return results
}

func vetOne(in *input, res **compiler.Result, opt compiler.Options) {
	if in.err == nil && in.src == nil {
		in.src, in.err = readFile(in.name)
	}
	if in.err == nil {
		*res = compiler.Vet(in.name, in.src, opt)
	}
}

func readFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("%s: is a directory", name)
	}
	src, err := readLimited(f)
	if err != nil {
		return nil, wrap(name, err)
	}
	if len(src) > compiler.MaxFileBytes {
		return nil, fmt.Errorf("%s: larger than %d MiB; OpenClaw configs are a few KiB, is this the right file?", name, compiler.MaxFileBytes>>20)
	}
	if src == nil {
		src = []byte{}
	}
	return src, nil
}
