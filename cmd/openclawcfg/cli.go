package main

import (
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/alecthomas/kong"

	"github.com/openclawcfg/openclawcfg/compiler"
)

// Exit codes; documented in --help and README.md, never renumbered.
const (
	exitOK      = 0 // every input passed (warnings allowed unless --strict)
	exitInvalid = 1 // some input has errors (syntax or validation)
	exitUsage   = 2 // bad flags or arguments, or an input could not be read
	exitGaveUp  = 3 // run: every account stopped for good (gave up restarting)
)

const helpText = `Check and compile the iMessage channel configuration of OpenClaw ` + compiler.TargetOpenClaw + `.

Exit codes: 0 no errors (warnings allowed unless --strict); 1 errors in some
input (syntax or validation), warnings with --strict, an unknown explain path,
or access widened under vet --policy-diff; 2 usage error, an input that could
not be read (missing, unreadable, larger than 8 MiB), or a plan that does not
load; 3 run stopped because every account gave up restarting.`

type cli struct {
	Version kong.VersionFlag `help:"Print the version and exit."`
	Vet     vetCmd           `cmd:"" help:"Check configs exactly as OpenClaw reads them; silent when they pass."`
	Explain explainCmd       `cmd:"" help:"Explain a config path, its effective value in a config, or who a config admits."`
	Compile compileCmd       `cmd:"" help:"Validate a config and write its frozen runtime plan."`
	Keygen  keygenCmd        `cmd:"" help:"Generate an ed25519 key pair for compile --sign-key and run --verify-key."`
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

type exitCode int

// Main runs the CLI and returns the process exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	var c cli
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(exitCode); ok {
				code = int(e)
				return
			}
			panic(r)
		}
	}()
	parser, err := kong.New(&c,
		kong.Name("openclawcfg"),
		kong.Description(helpText),
		kong.Writers(stdout, stderr),
		kong.Exit(func(c int) { panic(exitCode(c)) }),
		kong.UsageOnError(),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
		kong.Vars{"version": "openclawcfg " + version()},
	)
	if err != nil {
		panic(err)
	}
	completeIfAsked(parser)
	if len(args) == 0 {
		fmt.Fprintf(stderr, "openclawcfg: no command; commands: %s\n", strings.Join(commandNames, ", "))
		fmt.Fprintln(stderr, "run 'openclawcfg --help' for usage")
		return exitUsage
	}
	ctx, err := parser.Parse(args)
	if err != nil {
		var pe *kong.ParseError
		if errors.As(err, &pe) {
			fmt.Fprintf(stderr, "openclawcfg: %v\n", err)
			fmt.Fprintf(stderr, "run '%s' for usage\n", strings.Join(append(append([]string{"openclawcfg"}, commandOf(args)...), "--help"), " "))
			return exitUsage
		}
		fmt.Fprintf(stderr, "openclawcfg: %v\n", err)
		return exitUsage
	}
	err = ctx.Run(&env{stdin: stdin, stdout: stdout, stderr: stderr})
	var ec exitCode
	if errors.As(err, &ec) {
		return int(ec)
	}
	if err != nil {
		fmt.Fprintf(stderr, "openclawcfg: %v\n", err)
		return exitUsage
	}
	return exitOK
}

func (e exitCode) Error() string { return fmt.Sprintf("exit %d", int(e)) }

var commandNames = []string{"vet", "explain", "compile", "keygen", "schema", "decide", "run", "pairing", "send", "status", "version", "help", "completion"}

// commandOf finds the subcommand among args, for the usage hint.
func commandOf(args []string) []string {
	for _, a := range args {
		switch a {
		case "vet", "explain", "compile", "keygen", "schema", "decide", "run", "pairing", "send", "status", "completion":
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
	return v + " (OpenClaw " + compiler.TargetOpenClaw + ")"
}
