package fakeimsg

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/alecthomas/kong"
)

// rpcHelp is `imsg rpc --help` as imsg 0.9.0 prints it (imsg-rpc.md §7.2,
// rebuilt from HelpPrinter.swift and RpcCommand.spec).
const rpcHelp = "imsg rpc\n" +
	"Run JSON-RPC over stdin/stdout\n" +
	"\n" +
	"Usage:\n" +
	"  imsg rpc [options]\n" +
	"\n" +
	"Options:\n" +
	"  --db <value>\tPath to chat.db (defaults to ~/Library/Messages/chat.db)\n" +
	"  --log-level, --logLevel <value>\tSet log level (trace|verbose|debug|info|warning|error|critical)\n" +
	"  -v, --verbose\tEnable verbose logging\n" +
	"  --json, -j, --json-output, --jsonOutput\tEmit machine-readable JSON output\n" +
	"\n" +
	"Examples:\n" +
	"  imsg rpc\n" +
	"  imsg rpc --db ~/Library/Messages/chat.db\n"

// unknownRPC is what an imsg without the rpc subcommand says; OpenClaw's
// probe treats "unknown command" plus "rpc" as fatal (openclaw-imessage.md §8.1).
const unknownRPC = "Error: unknown command \"rpc\" for \"imsg\"\nRun 'imsg --help' for usage.\n"

type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	ctx            context.Context
}

func (e *env) home() string {
	if h := e.getenv("HOME"); h != "" {
		return h
	}
	h, _ := os.UserHomeDir()
	return h
}

// defaultDB is $IMSG_FAKE_DB, else ~/.imsg-fake/chat.jsonl.
func (e *env) defaultDB() string {
	if p := e.getenv("IMSG_FAKE_DB"); p != "" {
		return e.expand(p)
	}
	return filepath.Join(e.home(), ".imsg-fake", "chat.jsonl")
}

func (e *env) expand(p string) string { return expandHome(p, e.home()) }

func (e *env) dbPath(flag string) string {
	if flag != "" {
		return e.expand(flag)
	}
	return e.defaultDB()
}

// sendsPath is $IMSG_FAKE_SENDS, else DB.sends.jsonl.
func (e *env) sendsPath(db string) string {
	if p := e.getenv("IMSG_FAKE_SENDS"); p != "" {
		return e.expand(p)
	}
	return db + ".sends.jsonl"
}

func (e *env) pollInterval() time.Duration {
	if ms, err := strconv.Atoi(e.getenv("IMSG_FAKE_POLL_MS")); err == nil && ms > 0 {
		return time.Duration(ms) * time.Millisecond
	}
	return 250 * time.Millisecond
}

func (e *env) version() string {
	if v := strings.TrimSpace(e.getenv("IMSG_FAKE_VERSION")); v != "" {
		return v
	}
	return DefaultVersion
}

func (e *env) guids() string { return e.getenv("IMSG_FAKE_GUIDS") }

// now is the clock for rows this process writes: $IMSG_FAKE_NOW when set,
// for reproducible runs.
func (e *env) now() time.Time {
	if t, ok := parseISO(e.getenv("IMSG_FAKE_NOW")); ok {
		return t
	}
	return time.Now()
}

// Main runs imsg-fake with args (without the program name) and returns the
// exit status; ExitCrash asks the caller to die at once (see Exit).
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return mainEnv(&env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv, ctx: context.Background()}, args)
}

func mainEnv(e *env, args []string) int {
	faults, ferr := ParseFaults(e.getenv("IMSG_FAKE_FAULTS"))
	if ferr != nil {
		fmt.Fprintf(e.stderr, "imsg-fake: IMSG_FAKE_FAULTS: %v\n", ferr)
		return 2
	}
	has := func(name string) bool {
		for _, f := range faults {
			if f.Name == name {
				return true
			}
		}
		return false
	}
	if len(args) > 0 && (args[0] == "--version" || args[0] == "-V") {
		fmt.Fprintln(e.stdout, e.version())
		return 0
	}
	if len(args) > 0 && args[0] == "rpc" {
		// Hand-parsed: imsg's own flag spellings are accepted and ignored,
		// and --help must be imsg's text, not this tool's.
		if has("rpc-unsupported") {
			fmt.Fprint(e.stdout, unknownRPC)
			return 1
		}
		db := ""
		for i := 1; i < len(args); i++ {
			a := args[i]
			switch {
			case a == "-h" || a == "--help":
				fmt.Fprint(e.stdout, rpcHelp)
				return 0
			case a == "--db" && i+1 < len(args):
				db = args[i+1]
				i++
			case strings.HasPrefix(a, "--db="):
				db = strings.TrimPrefix(a, "--db=")
			}
		}
		return runRPC(e, e.dbPath(db), faults)
	}
	return kongMain(e, args)
}

func runRPC(e *env, dbPath string, faults []Fault) int {
	cfg := Config{
		DBPath:    dbPath,
		SendsPath: e.sendsPath(dbPath),
		Version:   e.version(),
		Faults:    faults,
		Poll:      e.pollInterval(),
		Home:      e.home(),
		Self:      e.getenv("IMSG_FAKE_SELF"),
		Bridge:    e.getenv("IMSG_FAKE_BRIDGE"),
		GUIDs:     e.guids(),
		PID:       os.Getpid(),
		Now:       e.now,
	}
	if d := e.getenv("IMSG_FAKE_DEBUG"); d != "" {
		if d == "1" || d == "stderr" {
			cfg.Debug = e.stderr
		} else if f, err := os.OpenFile(d, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644); err == nil {
			defer f.Close()
			cfg.Debug = f
		}
	}
	return NewServer(cfg, e.stdout).Run(e.ctx, e.stdin)
}

// ---- the helper commands (kong) ----

type cli struct {
	Version kong.VersionFlag `short:"V" help:"Print the emulated imsg version and exit."`

	RPC     rpcCmd     `cmd:"" name:"rpc" help:"Serve imsg's JSON-RPC over stdin/stdout: imsg-fake rpc [--db FILE] [--json] [-v] [--log-level X] (other flags are accepted and ignored, like imsg)."`
	Say     sayCmd     `cmd:"" help:"Append one message row (inbound by default) and print its rowid."`
	Chat    chatCmd    `cmd:"" help:"Talk to the bot: each line you type is a message from --as; the bot's replies are printed as they appear."`
	Script  scriptCmd  `cmd:"" help:"Append the rows of a scenario file, with sleeps, faults and waits for sends."`
	Sends   sendsCmd   `cmd:"" help:"Print the sends the rpc server recorded (FILE.sends.jsonl or $IMSG_FAKE_SENDS)."`
	Init    initCmd    `cmd:"" help:"Create a database with two sample chats."`
	Replace replaceCmd `cmd:"" help:"Replace the database file under the same path (a new inode), as a restore or re-sync does."`
	Status  statusCmd  `cmd:"" help:"Print imsg's status line (imsg status --json)."`
	Faults  faultsCmd  `cmd:"" help:"List the failure switches (IMSG_FAKE_FAULTS and {\"fault\":...} records)."`
}

type rpcCmd struct {
	Args []string `arg:"" optional:"" passthrough:""`
}

func (rpcCmd) Run(*env) error { return nil } // handled before kong parses

const cliHelp = `A faithful fake of imsg rpc (the iMessage CLI that OpenClaw talks to), for
trying the runtime on Linux and for end-to-end tests. Its "chat.db" is a JSONL
file (--db, $IMSG_FAKE_DB, default ~/.imsg-fake/chat.jsonl) that the rpc server
polls; say, chat and script append to it.

Environment: IMSG_FAKE_DB, IMSG_FAKE_SENDS, IMSG_FAKE_VERSION (0.9.0; 0.14.2 for
the later surface), IMSG_FAKE_FAULTS (see 'imsg-fake faults'), IMSG_FAKE_POLL_MS
(250), IMSG_FAKE_BRIDGE (ready|no-reservation, 0.14+), IMSG_FAKE_GUIDS (rowid),
IMSG_FAKE_SELF (me@icloud.example), IMSG_FAKE_NOW (RFC 3339), IMSG_FAKE_DEBUG
(1 or a file).`

type exitCode int

func kongMain(e *env, args []string) (code int) {
	var c cli
	defer func() {
		if r := recover(); r != nil {
			if x, ok := r.(exitCode); ok {
				code = int(x)
				return
			}
			panic(r)
		}
	}()
	parser, err := kong.New(&c,
		kong.Name("imsg-fake"),
		kong.Description(cliHelp),
		kong.Writers(e.stdout, e.stderr),
		kong.Exit(func(c int) { panic(exitCode(c)) }),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
		kong.Vars{"version": e.version()},
	)
	if err != nil {
		panic(err)
	}
	if len(args) == 0 {
		args = []string{"--help"}
	}
	ctx, err := parser.Parse(args)
	if err != nil {
		fmt.Fprintf(e.stderr, "imsg-fake: %v\n", err)
		return 2
	}
	if err := ctx.Run(e); err != nil {
		var x exitCode
		if errors.As(err, &x) {
			return int(x)
		}
		fmt.Fprintf(e.stderr, "imsg-fake: %v\n", err)
		return 1
	}
	return 0
}

func (x exitCode) Error() string { return fmt.Sprintf("exit %d", int(x)) }

type statusCmd struct {
	JSON bool `name:"json" short:"j" help:"One JSON line (the default; kept for imsg's spelling)."`
}

// Run prints imsg status --json's line (imsg-rpc.md §7.2 lists its keys).
func (statusCmd) Run(e *env) error {
	v := e.version()
	later := !parseVersion(v).less(version{0, 14, 0})
	methods := methods0_9
	if later {
		methods = (&Server{tracked: !parseVersion(v).less(version{0, 14, 2})}).supportedMethods()
	}
	o := obj{
		{"version", v},
		{"basic_features", true},
		{"advanced_features", false},
		{"typing_indicators", false},
		{"read_receipts", false},
		{"sip", "enabled"},
		{"message", "imsg-fake: basic features only (no IMCore bridge)"},
		{"bridge_version", nil},
		{"v2_ready", false},
		{"selectors", obj{}},
		{"rpc_methods", methods},
	}
	fmt.Fprintln(e.stdout, string(encodeLine(o)))
	return nil
}

type faultsCmd struct{}

func (faultsCmd) Run(e *env) error {
	fmt.Fprintln(e.stdout, "IMSG_FAKE_FAULTS=name[=arg],...   or a record {\"fault\":\"name[=arg]\"} / {\"fault\":{\"name\",\"arg\",\"message\",\"pid\",\"persist\"}}")
	for _, f := range faultTable {
		name := f.name
		if f.arg != "" {
			name += "=" + f.arg
		}
		fmt.Fprintf(e.stdout, "  %-24s %s\n", name, f.doc)
	}
	return nil
}
