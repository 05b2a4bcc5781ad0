package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/openclawcfg/openclawcfg/compiler"
	"github.com/openclawcfg/openclawcfg/compiler/diag"
	"github.com/openclawcfg/openclawcfg/plan"
)

type compileCmd struct {
	Config  string   `arg:"" name:"config" help:"Config file to compile, or - for standard input."`
	Output  string   `short:"o" placeholder:"FILE" help:"Write the plan here (atomically) instead of standard output."`
	Home    string   `placeholder:"DIR" help:"HOME of the gateway machine, for ~ in cliPath/dbPath (default: this machine's)."`
	Disable []string `placeholder:"CODE,..." help:"Silence these warning codes (see README)."`
}

func (c *compileCmd) Help() string {
	return `Validates the config (everything vet checks) and lowers it into a frozen,
versioned runtime plan: accounts, effective DM and group policies, attachment
roots, remoteHost, chunking and media limits, each value with its origin.
Fails closed: on any error no plan is written, not even a partial file.`
}

func (c *compileCmd) Run(e *env) error {
	if err := checkCodes(c.Disable); err != nil {
		return err
	}
	name, src, err := readInput(c.Config, e.stdin)
	if err != nil {
		return errors.New(readError(err))
	}
	r, _, sealed, err := compiler.Compile(name, src, "openclawcfg "+version(), compiler.Options{Home: c.Home, Disable: c.Disable})
	if err != nil {
		return err
	}
	diag.WriteText(e.stderr, r.Diagnostics, sourcesOf(r))
	if sealed == nil {
		errs, warns := diag.Count(r.Diagnostics)
		fmt.Fprintf(e.stderr, "%s: no plan written\n", summary(errs, warns))
		return exitCode(exitInvalid)
	}
	if c.Output == "" || c.Output == "-" {
		_, err := e.stdout.Write(sealed)
		return err
	}
	if err := writeAtomic(c.Output, sealed); err != nil {
		return fmt.Errorf("cannot write the plan to %s: %s", c.Output, readError(err))
	}
	return nil
}

// writeAtomic writes to a temporary file beside path and renames it into
// place, so readers see the old plan or the new one, never a partial one.
func writeAtomic(path string, data []byte) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return errors.New("it is a directory")
	}
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil {
		return fmt.Errorf("directory %s does not exist", dir)
	} else if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after a successful rename
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func readInput(arg string, stdin io.Reader) (string, []byte, error) {
	if arg == "-" {
		src, err := readLimited(stdin)
		if err == nil && len(src) > compiler.MaxFileBytes {
			err = fmt.Errorf("<stdin>: larger than %d MiB; OpenClaw configs are a few KiB, is this the right file?", compiler.MaxFileBytes>>20)
		}
		return "<stdin>", src, err
	}
	src, err := readFile(arg)
	return arg, src, err
}

// compileFile compiles a config for explain and the policy tools,
// printing its findings; it returns nil and the exit code on failure.
func compileFile(e *env, name string) (*plan.Plan, int) {
	src, err := readFile(name)
	if err != nil {
		fmt.Fprintf(e.stderr, "openclawcfg: %s\n", readError(err))
		return nil, exitUsage
	}
	r, p, _, err := compiler.Compile(name, src, "openclawcfg "+version(), compiler.Options{})
	if err != nil {
		fmt.Fprintf(e.stderr, "openclawcfg: %v\n", err)
		return nil, exitUsage
	}
	if p == nil {
		diag.WriteText(e.stderr, r.Diagnostics, sourcesOf(r))
		errs, warns := diag.Count(r.Diagnostics)
		fmt.Fprintf(e.stderr, "%s in %s\n", summary(errs, warns), name)
		return nil, exitInvalid
	}
	return p, exitOK
}

// sourcesOf maps every file a result read (includes too) for excerpts.
func sourcesOf(r *compiler.Result) map[string]*diag.Source {
	m := make(map[string]*diag.Source, len(r.Sources))
	for _, s := range r.Sources {
		m[s.Name] = s
	}
	return m
}
