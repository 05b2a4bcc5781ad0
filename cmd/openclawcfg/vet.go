package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"

	"github.com/openclawcfg/openclawcfg/compiler"
	"github.com/openclawcfg/openclawcfg/compiler/diag"
)

type vetCmd struct {
	Paths         []string `arg:"" name:"path" predictor:"config" help:"Config files; directories (their *.json5 and *.json configs); DIR/... (./... for here) for every directory below too; - for standard input."`
	Format        string   `short:"f" enum:"text,json,sarif,github" default:"text" help:"Output format: text (compiler style), json, sarif (SARIF 2.1.0 for code scanning) or github (workflow annotations)."`
	Output        string   `short:"o" name:"output" placeholder:"FILE" predictor:"file" help:"Write the report to FILE (- for standard output) instead of standard error (text) or standard output (the other formats)."`
	Exclude       []string `sep:"none" placeholder:"GLOB" predictor:"file" help:"Leave out matching files and directories (repeatable): a name at any depth (package.json, *.plan.json, testdata) or a path with / (config/old/*, **/fixtures)."`
	EnvFile       string   `name:"env-file" placeholder:"FILE" predictor:"file" help:"Substitute $${VAR} from this dotenv file (NAME=VALUE lines), the gateway's environment, instead of this machine's."`
	EnvVars       []string `sep:"none" name:"env" placeholder:"NAME=VALUE" help:"Set one variable of the gateway's environment (repeatable; NAME alone passes this machine's value); with --env-file, overrides it."`
	StdinFilename string   `name:"stdin-filename" placeholder:"NAME" help:"File name to use in messages for standard input."`
	Strict        bool     `help:"Fail (exit 1) on warnings too."`
	Verbose       bool     `short:"v" help:"List each file with what became of it (checked, checked through the file that includes it, skipped), and the suppressed findings."`
	Disable       []string `placeholder:"CODE" help:"Silence these warning codes everywhere (see README); errors cannot be silenced."`
	PolicyDiff    bool     `name:"policy-diff" help:"Deprecated alias of 'openclawcfg diff OLD NEW' (kept for one release)."`
	NoEnv         bool     `name:"no-env" help:"Read no environment variable: every $${VAR} that env.vars does not define stays unset (for configs from pull requests)."`
	AllowEnv      []string `name:"allow-env" placeholder:"NAME" help:"Read only these environment variables; the others stay unset."`
	OpenClaw      string   `name:"openclaw" placeholder:"RELEASE" help:"Judge as this OpenClaw release (${releases}), or all: report where the releases disagree. Default: each file's meta.lastTouchedVersion, else ${seed}."`
}

// envOptions applies --no-env and --allow-env to opt: a config from a pull
// request must not choose which of the CI runner's variables it reads.
func (c *vetCmd) envOptions(opt compiler.Options) (compiler.Options, error) {
	return envRestrict(opt, c.NoEnv, c.AllowEnv)
}

func envRestrict(opt compiler.Options, noEnv bool, allow []string) (compiler.Options, error) {
	if noEnv && allow != nil {
		return opt, usageErrorf("--no-env and --allow-env exclude each other")
	}
	opt.NoEnv = noEnv
	if allow != nil {
		opt.AllowEnv = append([]string{}, allow...)
	}
	return opt, nil
}

func (c *vetCmd) Help() string {
	return `Reads each config as OpenClaw does (full JSON5, $include, ${VAR}) and
checks channels.imessage and the keys around it, as the OpenClaw release
the file's meta.lastTouchedVersion names (` + compiler.TargetOpenClaw + ` without one) or
--openclaw sets; --openclaw all reports where the releases disagree. All
findings are reported, sorted by position. Silent when every file passes.

In a directory, files that are not OpenClaw configs (a compiled plan,
package.json) are skipped, and a file another one $includes is checked only
through the file that includes it.

Where output goes: the text report (findings and the summary line) goes to
standard error, as go vet and cue vet do; json, sarif and github reports go
to standard output. -o FILE writes any report to FILE, and -o - to standard
output (vet -o - ./... | less). -v lines and errors reading an input always
go to standard error.

Suppress one finding with a comment on its line or the line above it:
// openclawcfg:ignore CODE why it is acceptable

--policy-diff OLD NEW is a deprecated alias of 'openclawcfg diff OLD NEW',
kept for one release.`
}

// input is one file to vet; err is set when it could not be read.
type input struct {
	name string
	src  []byte
	err  error
	// walked marks a file found in a directory; skipped then says why it
	// is not an OpenClaw config, when it is not.
	walked  bool
	skipped string
}

func (c *vetCmd) Run(e *env) error {
	if err := checkCodes(c.Disable); err != nil {
		return err
	}
	if c.PolicyDiff {
		return c.runPolicyDiff(e)
	}
	return c.vetFiles(e)
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
			return usageErrorf("--disable %s: %s; warning codes: %s", code, what, strings.Join(known, ", "))
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
	if in.err == nil && in.walked {
		if ok, why := compiler.Classify(in.src); !ok {
			in.skipped = why
			return
		}
	}
	if in.err == nil {
		*res = compiler.Vet(in.name, in.src, opt)
	}
}

func readFile(name string) ([]byte, error) {
	// Regular files only, checked before the open and opened
	// non-blocking: a FIFO or a device named here never hangs vet.
	src, err := compiler.ReadConfigFile(name)
	if err != nil {
		return nil, err
	}
	if len(src) > compiler.MaxFileBytes {
		return nil, fmt.Errorf("%s: larger than %d MiB; OpenClaw configs are a few KiB, is this the right file?", name, compiler.MaxFileBytes>>20)
	}
	if src == nil {
		src = []byte{}
	}
	return src, nil
}
