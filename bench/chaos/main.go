// Command chaos is the chaos test of `openclawcfg run` (issue 10): it
// streams numbered messages from many senders (DMs and groups) into
// imsg-fake's database while, once per cycle, it kill -9s or SIGTERMs
// openclawcfg run and restarts it on the same state dir, kills its imsg,
// injects the fake's faults (a silent or dead watch, sends that never
// answer, answer without an id, ghost rows, slow sends, a hang), appends
// late-synced old rows and replaces chat.db under its path. Then it lets
// the runtime drain and measures, from the handler's log and the rows
// that reached the chats: messages lost, dispatched twice (beyond the
// redelivery marked Redelivered), replies lost, sent twice or to the
// wrong chat, and late rows answered. Each must be 0; it exits 1 when one
// is not (with -compat only under -strict).
//
//	go run ./bench/chaos -cycles 1000
//	go run ./bench/chaos -cycles 200 -compat      # OpenClaw's losses
//	go run ./bench/chaos -imsg-version 0.14.2     # the later imsg surface
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, " ") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

func main() {
	os.Exit(mainArgs(os.Args[1:]))
}

func mainArgs(args []string) int {
	fs := flag.NewFlagSet("chaos", flag.ContinueOnError)
	var o options
	var kindList string
	var runArgs listFlag
	var asJSON bool
	fs.IntVar(&o.Cycles, "cycles", 1000, "failure cycles (one injected failure and a few messages each)")
	fs.Uint64Var(&o.Seed, "seed", uint64(time.Now().UnixNano()), "random seed (the run prints it)")
	fs.BoolVar(&o.Compat, "compat", false, "pass --compat openclaw to run: OpenClaw's behaviour, losses expected (reported, not failed)")
	fs.BoolVar(&o.Strict, "strict", false, "with -compat: exit 1 on losses all the same")
	fs.StringVar(&o.ImsgVersion, "imsg-version", "0.9.0", "the imsg release imsg-fake emulates (0.14.2: the later surface)")
	fs.StringVar(&kindList, "kinds", "", "comma-separated cycle kinds to draw from (default all: "+strings.Join(kindNames(), ",")+")")
	fs.StringVar(&o.Dir, "dir", "", "work dir, kept (default: a temp dir, kept only when the run fails)")
	fs.BoolVar(&o.Keep, "keep", false, "keep the temp work dir")
	fs.StringVar(&o.Bins.Openclawcfg, "openclawcfg", "", "a built openclawcfg (default: go build ./cmd/openclawcfg)")
	fs.StringVar(&o.Bins.ImsgFake, "imsg-fake", "", "a built imsg-fake (default: go build ./cmd/imsg-fake)")
	fs.StringVar(&o.Bins.Handler, "handler", "", "a built bench/chaos/handler (default: go build)")
	fs.IntVar(&o.DMs, "dms", 240, "direct-message senders")
	fs.IntVar(&o.Groups, "groups", 4, "group chats (three members each)")
	fs.IntVar(&o.PollMs, "poll-ms", 50, "imsg-fake's database poll interval")
	fs.DurationVar(&o.Quiet, "quiet", 20*time.Second, "drain: stop once nothing moved for this long")
	fs.DurationVar(&o.MaxDrain, "max-drain", 2*time.Minute, "drain: stop after this long in any case")
	fs.Var(&runArgs, "run-arg", "one more argument for openclawcfg run, before the plan (repeatable)")
	fs.BoolVar(&asJSON, "json", false, "print the figures as JSON on stdout (the table goes to stderr)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "chaos: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if kindList != "" {
		for _, k := range strings.Split(kindList, ",") {
			if k = strings.TrimSpace(k); k != "" {
				if !contains(kindNames(), k) {
					fmt.Fprintf(os.Stderr, "chaos: unknown kind %q (known: %s)\n", k, strings.Join(kindNames(), ", "))
					return 2
				}
				o.Kinds = append(o.Kinds, k)
			}
		}
	}
	o.RunArgs = runArgs
	o.Progress = os.Stderr
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := chaos(ctx, o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "chaos:", err)
		return 2
	}
	if asJSON {
		writeTable(os.Stderr, rep)
		b, _ := json.MarshalIndent(rep, "", "  ")
		fmt.Println(string(b))
	} else {
		writeTable(os.Stdout, rep)
	}
	if rep.failed() {
		return 1
	}
	return 0
}
