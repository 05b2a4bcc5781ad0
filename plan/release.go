package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/openclawcfg/openclawcfg/internal/release"
)

// Implemented lists the OpenClaw releases whose plans this runtime
// executes (run, decide, send, pairing). compile writes plans for every
// release.Supported; the reports read any of them.
var Implemented = []string{release.Seed}

// notImplemented says, per supported release the runtime does not run,
// what it lacks, so the refusal tells the operator why and not only no.
var notImplemented = map[string]string{
	release.Current: "its inbound path is not built here yet: 2026.9.6 admits senders through the " +
		"channel ingress resolver (chat targets in allowFrom also admit group chats), answers " +
		"reactions (reactionNotifications), coalesces same-sender DMs, replays missed rows " +
		"(catchup) and detects remoteHost only from a one-line ssh wrapper",
}

// Runnable reports whether this runtime implements p's targetOpenClaw,
// and if not, names the release, why, and what it runs.
func (p *Plan) Runnable() error {
	if slices.Contains(Implemented, p.TargetOpenClaw) {
		return nil
	}
	supported := strings.Join(Implemented, ", ")
	if p.TargetOpenClaw == "" {
		return fmt.Errorf("plan: it names no targetOpenClaw; this runtime runs plans for OpenClaw %s; recompile it", supported)
	}
	why, known := notImplemented[p.TargetOpenClaw]
	if !known {
		why = "openclawcfg does not know that release"
	}
	return fmt.Errorf("plan: it targets OpenClaw %s, which this runtime does not implement (%s); it runs plans for OpenClaw %s: compile the config with --openclaw %s for a gateway of that release",
		p.TargetOpenClaw, why, supported, Implemented[len(Implemented)-1])
}
