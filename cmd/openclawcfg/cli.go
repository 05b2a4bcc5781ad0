package main

import (
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/openclawcfg/openclawcfg/internal/release"

	"github.com/alecthomas/kong"
)

const helpText = `Check and compile the iMessage channel configuration of OpenClaw
(releases ` + releasesText + `; a config is judged as the release its
meta.lastTouchedVersion names, or --openclaw).

Exit codes: 0 no errors (warnings allowed unless --strict); 1 errors in some
input (syntax or validation), warnings with --strict, an unknown explain path,
access widened (diff), or a migrate refused (nothing written); 2 usage error, an input that could not be read
(missing, unreadable, larger than 8 MiB), or a plan that does not load; 3 run
stopped because every account gave up restarting, or an internal error (a bug
in openclawcfg; the message asks you to report it).

Deprecated aliases, kept for one release: vet --policy-diff OLD NEW is
diff OLD NEW; explain --config FILE --access is access --config FILE.`

type cli struct {
	Version kong.VersionFlag `help:"Print the version and exit."`
	Vet     vetCmd           `cmd:"" help:"Check configs exactly as OpenClaw reads them; silent when they pass."`
	Diff    diffCmd          `cmd:"" help:"Compare who can reach the agent under two configs; exit 1 when access widened."`
	Explain explainCmd       `cmd:"" help:"Explain a config path, and its effective value in a config."`
	Access  accessCmd        `cmd:"" help:"Print who can reach the agent under a config, per account, and the rule that decides."`
	Compile compileCmd       `cmd:"" help:"Validate a config and write its frozen runtime plan."`
	Keygen  keygenCmd        `cmd:"" help:"Generate an ed25519 key pair for compile --sign-key and run --verify-key."`
	Migrate migrateCmd       `cmd:"" help:"Rewrite a config for a newer OpenClaw release with the same behaviour (a diff, or -w)."`
	Schema  schemaCmd        `cmd:"" help:"Print the config schema as JSON Schema, for editors."`
	Decide  decideCmd        `cmd:"" help:"Decide imsg messages (JSON lines on stdin) as OpenClaw would: drop and why, pairing, or dispatch."`
	Run     runCmd           `cmd:"" help:"Run the plan's iMessage accounts against imsg rpc, with your program answering."`
	Pairing pairingCmd       `cmd:"" help:"List and approve pairing requests (OpenClaw's store format)."`
	Send    sendCmd          `cmd:"" help:"Send one message through an account's imsg with the plan's target, chunking and media rules."`
	Status  statusCmd        `cmd:"" help:"Probe each account's imsg as OpenClaw does (binary, rpc support, chats.list)."`
	Pause   pauseCmd         `cmd:"" help:"Stop an account of a running instance from sending; replies wait in the outbox."`
	Resume  resumeCmd        `cmd:"" help:"Let a paused account send again."`

	VersionCmd versionCmd    `cmd:"" name:"version" help:"Print the version (as --version does)."`
	Help       helpCmd       `cmd:"" name:"help" help:"Show the help of a command: openclawcfg help vet."`
	Completion completionCmd `cmd:"" help:"Print shell completion code for bash, zsh or fish."`
}

// env is what commands need from the outside world.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// kongExit is how kong's exit hook (after --help, or a completion) leaves
// the parse: Main recovers it as the exit code.
type kongExit int

// Main runs the CLI and returns the process exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runCLI(&cli{}, args, stdin, stdout, stderr)
}

// runCLI parses args into root's commands and runs the one chosen. A
// command's error carries its exit code (exitError); anything else that
// ends a command, an unclassified error or a panic, is a bug and exits 3.
// The tests give it roots of their own.
func runCLI(root any, args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(kongExit); ok {
				code = int(e)
				return
			}
			code = internalPanic(r, stderr)
		}
	}()
	parser, err := kong.New(root,
		kong.Name("openclawcfg"),
		kong.Description(helpText),
		kong.Writers(stdout, stderr),
		kong.Exit(func(c int) { panic(kongExit(c)) }),
		kong.UsageOnError(),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
		kong.Vars{"version": "openclawcfg " + version(), "releases": strings.Join(release.Supported, ", "), "seed": release.Seed},
	)
	if err != nil {
		panic(err)
	}
	completeIfAsked(parser)
	commands := commandNames(parser)
	if len(args) == 0 {
		fmt.Fprintf(stderr, "openclawcfg: no command; commands: %s\n", strings.Join(commands, ", "))
		fmt.Fprintln(stderr, "run 'openclawcfg --help' for usage")
		return exitUsage
	}
	ctx, err := parser.Parse(args)
	if err != nil {
		code := exitCodeOf(err, stderr)
		var pe *kong.ParseError
		if errors.As(err, &pe) {
			fmt.Fprintf(stderr, "run '%s' for usage\n", strings.Join(append(append([]string{"openclawcfg"}, commandOf(args, commands)...), "--help"), " "))
		}
		return code
	}
	return exitCodeOf(ctx.Run(&env{stdin: stdin, stdout: stdout, stderr: stderr}), stderr)
}

// commandNames lists the commands --help shows, in its order.
func commandNames(parser *kong.Kong) []string {
	var names []string
	for _, n := range parser.Model.Children {
		if n.Type == kong.CommandNode && !n.Hidden {
			names = append(names, n.Name)
		}
	}
	return names
}

// commandOf finds the subcommand among args, for the usage hint; help
// points at the top-level usage.
func commandOf(args, commands []string) []string {
	for _, a := range args {
		if a != "help" && slices.Contains(commands, a) {
			return []string{a}
		}
	}
	return nil
}

// buildVersion overrides the version for release builds:
// go build -ldflags "-X main.buildVersion=v1.2.3".
var buildVersion string

// version is the module version: a tag (go install ...@v1.2.3), or the
// pseudo-version Go stamps from the checkout's commit
// (v0.0.0-20260806120000-90cc845abcde, +dirty with local changes), or
// else devel, with the VCS revision when Go recorded one.
func version() string {
	v := buildVersion
	if bi, ok := debug.ReadBuildInfo(); ok && v == "" {
		v = bi.Main.Version
		if v == "" || v == "(devel)" {
			v = "devel"
			var rev, dirty string
			for _, s := range bi.Settings {
				switch s.Key {
				case "vcs.revision":
					rev = s.Value[:min(12, len(s.Value))]
				case "vcs.modified":
					if s.Value == "true" {
						dirty = "+dirty"
					}
				}
			}
			if rev != "" {
				v += "-" + rev + dirty
			}
		}
	}
	if v == "" {
		v = "devel"
	}
	return v + " (OpenClaw " + releasesText + ")"
}

// releasesText lists the supported OpenClaw releases for help and
// --version.
const releasesText = release.Seed + ", " + release.Current
