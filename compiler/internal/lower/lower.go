// Package lower turns a vetted config into a plan.Plan: the effective
// per-account behaviour of OpenClaw's iMessage channel (2026.3.24, or
// 2026.9.6 where its rules differ: Options.Release), each value with its
// origin. It runs only on configs without errors.
package lower

import (
	"cmp"
	"os"
	"slices"

	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
	"github.com/openclawcfg/openclawcfg/compiler/internal/safefile"
	"github.com/openclawcfg/openclawcfg/internal/openclaw"
	"github.com/openclawcfg/openclawcfg/internal/release"
	"github.com/openclawcfg/openclawcfg/plan"
)

// Options are the facts of the machine the plan is compiled for.
type Options struct {
	// Home expands a leading ~ in cliPath and dbPath (OpenClaw does this at
	// config load with the gateway's HOME). Empty means $HOME.
	Home string
	// ReadFile reads the cliPath wrapper for remoteHost detection; nil
	// reads at most 64 KiB of a regular file (never blocking on a FIFO).
	ReadFile func(string) ([]byte, error)
	// Release is the OpenClaw release whose runtime rules the plan
	// encodes (a release.Supported value); "" is release.Seed.
	Release string
}

const (
	channelPath = "channels.imessage"
	mib         = 1 << 20
)

// Result is a lowered config: the plan, and the facts about the config
// that the lints need and the runtime does not.
type Result struct {
	Plan *plan.Plan
	// Release is the OpenClaw release lowered for (Options.Release).
	Release string
	// Sites are where the paths the plan's origins name are written.
	Sites *Sites
	// wrapper is, per listed account key, what remote-host detection saw
	// in the cliPath wrapper script (the plan keeps the notes' text only).
	wrapper map[string][]WrapperNote
}

// WrapperNotes are the notes of account a's cliPath wrapper, with codes.
func (r *Result) WrapperNotes(a *plan.Account) []WrapperNote {
	if a.Key != "" {
		return r.wrapper[a.Key]
	}
	return r.wrapper[a.ID]
}

// Lower builds the plan of root. The header fields (generator, source,
// digests) are the caller's.
func Lower(root *json5.Node, opt Options) *Result {
	l := newLowering(root, opt, true)
	p := &plan.Plan{ChannelConfigured: l.ch != nil}
	p.Global = lowerGlobal(l.cfg, l.v96)
	p.Global.IdentityLinks = identityLinks(l.cfg.obj("session").obj("identityLinks"), objectKeys(root.Lookup("session").Lookup("identityLinks")))
	p.Enabled = boolValue(l.ch, "enabled", channelPath+".enabled", true)

	listed := l.keys
	if l.v96 && l.implicitDefault() {
		listed = append(slices.Clone(listed), openclaw.DefaultAccountIDValue)
	}
	ids := openclaw.ListAccountIDs(listed)
	var defAcct *string
	if s, ok := l.ch.str("defaultAccount"); ok {
		defAcct = &s
	}
	def := openclaw.DefaultAccountID(listed, defAcct)
	p.DefaultAccount = plan.Value[string]{Value: def, Origin: defaultAccountOrigin(l.ch, def, defAcct)}

	for _, id := range ids {
		p.Accounts = append(p.Accounts, l.account(id))
	}
	slices.SortFunc(p.Accounts, func(a, b plan.Account) int { return cmp.Compare(a.ID, b.ID) })
	return &Result{Plan: p, Release: l.opt.Release, Sites: l.sites, wrapper: l.wrapper}
}

// lowering holds one config as the iMessage code reads it.
type lowering struct {
	cfg, ch  obj
	accounts obj
	// keys are the accounts keys in JavaScript Object.keys order, which
	// decides the case-insensitive account lookup and breaks sort ties.
	keys []string
	// legacy is the top-level cfg.imessage section and its accounts keys;
	// the chunk resolvers fall back to it when channels.imessage is absent.
	legacy     obj
	legacyKeys []string
	opt        Options
	sites      *Sites
	// wrapper is, per account id, what remote-host detection saw in the
	// cliPath wrapper script.
	wrapper map[string][]WrapperNote
	// schemaDefaults: the config went through OpenClaw's schema, which
	// writes dmPolicy/groupPolicy into the channel and every account. Off
	// only to replay runtime goldens whose cfg never saw the schema.
	schemaDefaults bool
	// v96: lower with OpenClaw 2026.9.6's rules where they differ.
	v96 bool
}

// implicitDefault is 2026.9.6's hasImplicitDefaultAccount for iMessage: a
// cliPath or dbPath at the channel level starts the account "default" too,
// next to any listed accounts.
func (l *lowering) implicitDefault() bool {
	for _, k := range []string{"cliPath", "dbPath"} {
		v := l.ch[k]
		if nullish(v) {
			continue
		}
		if v.Kind != json5.String || openclaw.TrimJS(v.Str) != "" {
			return true
		}
	}
	return false
}

func newLowering(root *json5.Node, opt Options, schemaDefaults bool) *lowering {
	if opt.Home == "" {
		opt.Home, _ = os.UserHomeDir()
	}
	if opt.ReadFile == nil {
		opt.ReadFile = func(name string) ([]byte, error) { return safefile.Read(name, 64<<10) }
	}
	l := &lowering{opt: opt, schemaDefaults: schemaDefaults, v96: opt.Release == release.Current}
	rv := newValue(root)
	l.cfg = rv.props
	l.sites = newSites(rv)
	chNode := root.Lookup("channels").Lookup("imessage")
	l.ch = l.cfg.obj("channels").obj("imessage")
	l.accounts = l.ch.obj("accounts")
	l.keys = objectKeys(chNode.Lookup("accounts"))
	if nullish(l.cfg.obj("channels")["imessage"]) {
		l.legacy = l.cfg.obj("imessage")
		l.legacyKeys = objectKeys(root.Lookup("imessage").Lookup("accounts"))
	}
	return l
}
