package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/alecthomas/kong"
	"github.com/posener/complete"
	"github.com/willabides/kongplete"
)

// versionCmd is `openclawcfg version`, the same line as --version.
type versionCmd struct{}

func (c *versionCmd) Run(e *env) error {
	fmt.Fprintln(e.stdout, "openclawcfg "+version())
	return nil
}

// helpCmd is `openclawcfg help [COMMAND...]`: the --help of a command.
type helpCmd struct {
	Command []string `arg:"" optional:"" help:"The command (and subcommand) to describe."`
}

func (c *helpCmd) Run(ctx *kong.Context) error {
	// Parsing COMMAND --help prints that command's help and exits through
	// the parser's exit hook; an unknown command is a usage error.
	_, err := ctx.Kong.Parse(append(append([]string(nil), c.Command...), "--help"))
	return err // a *kong.ParseError: exit 2
}

// completionCmd prints the shell code that hooks openclawcfg's completion
// (kongplete, from the kong model: commands, flags, enum values, files)
// into bash, zsh or fish.
type completionCmd struct {
	Shell string `arg:"" enum:"bash,zsh,fish" help:"The shell: bash, zsh or fish."`
}

func (c *completionCmd) Help() string {
	return `Prints the code that makes the shell complete openclawcfg's commands, flags,
enum values and file names. Load it in the current shell, or put the line in
your shell's start-up file:

  bash:  source <(openclawcfg completion bash)         (~/.bashrc)
  zsh:   source <(openclawcfg completion zsh)          (~/.zshrc)
  fish:  openclawcfg completion fish | source          (~/.config/fish/config.fish)

The shell then runs this binary (by its absolute path) to compute each
completion.`
}

func (c *completionCmd) Run(e *env) error {
	bin, err := os.Executable()
	if err != nil {
		return failf("completion: cannot find this binary's path: %w", err)
	}
	if abs, err := filepath.Abs(bin); err == nil {
		bin = abs
	}
	q := shellQuote(bin)
	var script string
	switch c.Shell {
	case "bash":
		script = "complete -o default -C " + q + " openclawcfg\n"
	case "zsh":
		script = "autoload -U +X bashcompinit && bashcompinit\ncomplete -o default -C " + q + " openclawcfg\n"
	case "fish":
		script = `function __complete_openclawcfg
    set -lx COMP_LINE (commandline -cp)
    test -z (commandline -ct)
    and set COMP_LINE "$COMP_LINE "
    ` + q + `
end
complete -f -c openclawcfg -a "(__complete_openclawcfg)"
`
	}
	_, err = fmt.Fprint(e.stdout, script)
	return fail(err)
}

// shellQuote quotes a path for sh, zsh and fish alike.
func shellQuote(s string) string {
	if regexp.MustCompile(`^[A-Za-z0-9_./+-]+$`).MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// completeIfAsked answers a shell's completion request (COMP_LINE set by
// the hook `completion` prints) and exits through the parser's exit hook;
// otherwise it returns at once.
func completeIfAsked(parser *kong.Kong) {
	if os.Getenv("COMP_LINE") == "" {
		return
	}
	configs := complete.PredictOr(complete.PredictFiles("*.json5"), complete.PredictFiles("*.json"), complete.PredictDirs("*"))
	kongplete.Complete(parser,
		kongplete.WithPredictor("config", configs),
		kongplete.WithPredictor("file", complete.PredictFiles("*")),
		kongplete.WithPredictor("plan", complete.PredictOr(complete.PredictFiles("*.json"), complete.PredictDirs("*"))),
	)
}

// semverCore is the numeric major.minor.patch of a tagged version
// ("v1.2.3", "v1.2.3-rc.1"); untagged builds (pseudo-versions, devel)
// have none.
var semverCore = regexp.MustCompile(`^v?(\d+)\.(\d+)\.(\d+)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$`)

// semanticVersion is SARIF's semanticVersion for this build: the tag's
// numbers, or "0.0.0" when the build is not a tagged release.
func semanticVersion() string {
	v, _, _ := strings.Cut(version(), " ")
	m := semverCore.FindStringSubmatch(v)
	if m == nil || regexp.MustCompile(`^v?0\.0\.0-\d{14}-`).MatchString(v) {
		return "0.0.0"
	}
	return m[1] + "." + m[2] + "." + m[3]
}
