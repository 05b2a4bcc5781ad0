package lower

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
	"github.com/openclawcfg/openclawcfg/internal/openclaw"
	"github.com/openclawcfg/openclawcfg/internal/oraclegolden"
	"github.com/openclawcfg/openclawcfg/plan"
)

// The runtime golden of internal/openclaw records OpenClaw 2026.3.24's
// answers for functions that take a whole config: its own test skips them
// (internal/openclaw has no config resolution), so they are replayed here
// through the lowering. Their cfg objects are written directly, without
// OpenClaw's schema, so the lowering runs without the schema defaults
// (dmPolicy/groupPolicy), as OpenClaw's functions saw them.
const runtimeGolden = "../../../internal/openclaw/testdata/runtime-oracle-2026.3.24.jsonl"

// replayed are the golden's cfg-taking functions; parseIMessageTarget, the
// one other function that test skips, is outbound target parsing, which
// the plan does not hold.
var replayed = map[string]bool{
	"resolveIMessageAccount":               true,
	"resolveIMessageAttachmentRoots":       true,
	"resolveIMessageRemoteAttachmentRoots": true,
	"resolveTextChunkLimit":                true,
	"resolveChunkMode":                     true,
}

// knownReplay lists golden ids where the plan knowingly differs, and why.
var knownReplay = map[string]string{
	"resolveTextChunkLimit/011": "plan.Outbound.TextChunkLimit is an int: 100.5 is held as 100. " +
		"Chunking behaves the same (JavaScript slices at 100 UTF-16 units and a text of 100.5 units cannot exist), " +
		"and OpenClaw's schema only admits integers anyway",
}

type replayLine struct {
	ID     string            `json:"id"`
	Fn     string            `json:"fn"`
	Args   []json.RawMessage `json:"args"`
	OK     bool              `json:"ok"`
	Result json.RawMessage   `json:"result"`
}

// notAsked explains why a golden line is a call the iMessage monitor never
// makes (so the plan, which states what the monitor does, has no answer
// for it), or returns "".
func notAsked(g replayLine) string {
	switch g.Fn {
	case "resolveIMessageAttachmentRoots", "resolveIMessageRemoteAttachmentRoots":
		var p struct {
			AccountID *string `json:"accountId"`
		}
		_ = json.Unmarshal(g.Args[0], &p)
		if p.AccountID == nil || openclaw.TrimJS(*p.AccountID) == "" {
			return "no account id: the monitor always passes the normalised account id, which is never blank"
		}
	case "resolveTextChunkLimit", "resolveChunkMode":
		var provider string
		if len(g.Args) > 1 {
			_ = json.Unmarshal(g.Args[1], &provider)
		}
		if provider != "imessage" {
			return `provider is not "imessage"`
		}
		if g.Fn == "resolveTextChunkLimit" && len(g.Args) > 3 {
			var opts struct {
				FallbackLimit any `json:"fallbackLimit"`
			}
			_ = json.Unmarshal(g.Args[3], &opts)
			if f, ok := opts.FallbackLimit.(float64); ok && f > 0 && f != 4000 {
				return "fallbackLimit other than the monitor's 4000 default"
			}
		}
	}
	return ""
}

// replayAccount lowers the account the call names: args are ({cfg,
// accountId}) or (cfg, provider, accountId, ...).
func replayAccount(t *testing.T, g replayLine) plan.Account {
	var cfg json.RawMessage
	var accountID *string
	if g.Fn == "resolveTextChunkLimit" || g.Fn == "resolveChunkMode" {
		cfg = g.Args[0]
		if len(g.Args) > 2 {
			_ = json.Unmarshal(g.Args[2], &accountID)
		}
	} else {
		var p struct {
			Cfg       json.RawMessage `json:"cfg"`
			AccountID *string         `json:"accountId"`
		}
		if err := json.Unmarshal(g.Args[0], &p); err != nil {
			t.Fatalf("%s: %v", g.ID, err)
		}
		cfg, accountID = p.Cfg, p.AccountID
	}
	root, err := json5.Parse(cfg, json5.Options{})
	if err != nil {
		t.Fatalf("%s: cfg: %v", g.ID, err)
	}
	id := "" // undefined: normalizeAccountId makes it "default"
	if accountID != nil {
		id = *accountID
	}
	l := newLowering(root, Options{Home: "/home/replay", ReadFile: func(string) ([]byte, error) { return nil, fs.ErrNotExist }}, false)
	return l.account(id)
}

func TestRuntimeGoldenThroughLowering(t *testing.T) {
	type tally struct{ agree, known, notAsked, total int }
	counts := map[string]*tally{}
	var all tally
	known := oraclegolden.NewKnown(knownReplay)
	for _, g := range oraclegolden.Read[replayLine](t, runtimeGolden) {
		if !replayed[g.Fn] {
			continue
		}
		c := counts[g.Fn]
		if c == nil {
			c = &tally{}
			counts[g.Fn] = c
		}
		c.total++
		all.total++
		if why := notAsked(g); why != "" {
			c.notAsked++
			all.notAsked++
			continue
		}
		a := replayAccount(t, g)
		problems := replayCheck(t, g, a)
		reason, isKnown := "", false
		if len(problems) > 0 {
			reason, isKnown = known.Reason(g.ID)
		}
		switch {
		case len(problems) == 0:
			c.agree++
			all.agree++
		case isKnown:
			c.known++
			all.known++
			t.Logf("%s: known disagreement: %s (%s)", g.ID, strings.Join(problems, "; "), reason)
		default:
			t.Errorf("%s %s:\n\t%s", g.ID, argsText(g), strings.Join(problems, "\n\t"))
		}
	}
	known.Stale(t, "knownReplay")
	fns := make([]string, 0, len(counts))
	for fn := range counts {
		fns = append(fns, fn)
	}
	sort.Strings(fns)
	for _, fn := range fns {
		c := counts[fn]
		t.Logf("%-40s %3d/%3d agree, %d known, %d not asked by the monitor", fn, c.agree, c.total-c.notAsked, c.known, c.notAsked)
	}
	if len(fns) != len(replayed) {
		t.Errorf("golden has lines for %d of the %d replayed functions", len(fns), len(replayed))
	}
	t.Logf("lowering vs OpenClaw 2026.3.24 (runtime golden replay): %d/%d agree (%d known disagreements; %d of %d lines are calls the monitor never makes)",
		all.agree, all.total-all.notAsked, all.known, all.notAsked, all.total)
}

func replayCheck(t *testing.T, g replayLine, a plan.Account) []string {
	var problems []string
	eq := func(field string, got, want any) {
		if !reflect.DeepEqual(got, want) {
			problems = append(problems, fmt.Sprintf("%s: plan %#v, OpenClaw %#v", field, got, want))
		}
	}
	switch g.Fn {
	case "resolveIMessageAccount":
		var want struct {
			AccountID  string         `json:"accountId"`
			Enabled    bool           `json:"enabled"`
			Name       string         `json:"name"`
			Configured bool           `json:"configured"`
			Config     map[string]any `json:"config"`
		}
		if err := json.Unmarshal(g.Result, &want); err != nil {
			t.Fatalf("%s: %v", g.ID, err)
		}
		eq("accountId", a.ID, want.AccountID)
		eq("enabled", a.Enabled.Value, want.Enabled)
		eq("name", a.Name.Value, want.Name)
		eq("configured", a.Configured, want.Configured)
		// The merged settings the plan holds (as written: this cfg never
		// went through config load, so nothing was ~-expanded).
		str := func(k, def string) string {
			if s, ok := want.Config[k].(string); ok {
				return s
			}
			return def
		}
		eq("cliPath", a.CLIPath.Value, str("cliPath", "imsg"))
		eq("dbPath", a.DBPath.Value, str("dbPath", ""))
		eq("service", a.Service.Value, str("service", "auto"))
		eq("region", a.Region.Value, str("region", "US"))
		eq("dmPolicy", string(a.DM.Policy.Value), str("dmPolicy", "pairing"))
		if gp, ok := want.Config["groupPolicy"].(string); ok {
			eq("groupPolicy", string(a.Groups.Policy.Value), gp)
		}
		var allow []string
		if l, ok := want.Config["allowFrom"].([]any); ok {
			for _, v := range l {
				if s := openclaw.TrimJS(stringJS(v)); s != "" {
					allow = append(allow, s)
				}
			}
		}
		var got []string
		for _, e := range a.DM.AllowFrom.Value {
			got = append(got, e.Raw)
		}
		eq("allowFrom", got, allow)
		groups, _ := want.Config["groups"].(map[string]any)
		var wantChats, gotChats []string
		for k := range groups {
			wantChats = append(wantChats, k)
		}
		for _, c := range a.Groups.Chats {
			gotChats = append(gotChats, c.ChatID)
		}
		if a.Groups.Wildcard != nil {
			gotChats = append(gotChats, "*")
		}
		sort.Strings(wantChats)
		sort.Strings(gotChats)
		eq("groups", gotChats, wantChats)
	case "resolveIMessageAttachmentRoots", "resolveIMessageRemoteAttachmentRoots":
		var want []string
		if err := json.Unmarshal(g.Result, &want); err != nil {
			t.Fatalf("%s: %v", g.ID, err)
		}
		if g.Fn == "resolveIMessageAttachmentRoots" {
			eq("localRoots", a.Attachments.LocalRoots, want)
		} else {
			eq("remoteRoots", a.Attachments.RemoteRoots, want)
		}
	case "resolveTextChunkLimit":
		var want float64
		if err := json.Unmarshal(g.Result, &want); err != nil {
			t.Fatalf("%s: %v", g.ID, err)
		}
		eq("textChunkLimit", float64(a.Outbound.TextChunkLimit.Value), want)
	case "resolveChunkMode":
		var want string
		if err := json.Unmarshal(g.Result, &want); err != nil {
			t.Fatalf("%s: %v", g.ID, err)
		}
		eq("chunkMode", a.Outbound.ChunkMode.Value, want)
	}
	return problems
}

func argsText(g replayLine) string {
	b, _ := json.Marshal(g.Args)
	return string(b)
}

// stringJS is JavaScript's String(v) for a value decoded from the golden.
func stringJS(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	n, err := json5.Parse(b, json5.Options{})
	if err != nil {
		panic(err)
	}
	return n.JSString()
}
