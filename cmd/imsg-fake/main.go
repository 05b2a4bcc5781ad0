// Command imsg-fake is a faithful fake of `imsg rpc`, the iMessage CLI that
// OpenClaw's iMessage channel (and openclawcfg run) spawns and talks JSON-RPC
// to. It lets people try the runtime on Linux and drives every end-to-end
// test: its "chat.db" is a JSONL file that `imsg-fake rpc --db FILE` polls
// while `imsg-fake say|chat|script` append messages to it.
//
//	imsg-fake init --db /tmp/chat.jsonl
//	imsg-fake rpc --db /tmp/chat.jsonl              # what the runtime spawns (cliPath)
//	imsg-fake chat --db /tmp/chat.jsonl --as +15551234567
//
// It emulates imsg 0.9.0 by default and the 0.14.x surface with
// IMSG_FAKE_VERSION=0.14.2; IMSG_FAKE_FAULTS and {"fault":...} records inject
// failures. See internal/fakeimsg/README.md and `imsg-fake --help`.
package main

import (
	"os"

	"github.com/openclawcfg/openclawcfg/internal/fakeimsg"
)

func main() {
	fakeimsg.Exit(fakeimsg.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
