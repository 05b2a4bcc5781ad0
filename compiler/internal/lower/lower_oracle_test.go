package lower_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/openclawcfg/openclawcfg/compiler"
	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
	"github.com/openclawcfg/openclawcfg/compiler/internal/lower"
	"github.com/openclawcfg/openclawcfg/internal/openclaw"
	"github.com/openclawcfg/openclawcfg/internal/oraclegolden"
	"github.com/openclawcfg/openclawcfg/internal/release"
	"github.com/openclawcfg/openclawcfg/plan"
	"github.com/openclawcfg/openclawcfg/runtime/inbound"
)

// Each golden holds one release's own answers about every example and
// every valid conformance case, recorded by scripts/lower-oracle-goldens.sh
// --openclaw=RELEASE (read its header for how each request was built). This
// test compiles each config for that release and checks that the plan says
// what OpenClaw would do. It needs neither Node nor the oracle.
func lowerGolden(rel string) string { return "testdata/oracle-lower-" + rel + ".jsonl" }

// repoRoot is where the golden's config paths start.
const repoRoot = "../../.."

// oracleHome stands for the oracle's sandbox HOME, which oracle.sh prints as
// <HOME> in the paths OpenClaw expanded (cliPath, dbPath).
const oracleHome = "/oracle-home"

// knownLowering lists the checks (golden id + " " + field) where the plan
// knowingly says something else than OpenClaw, and why. Anything else that
// disagrees fails the test, and so does an entry that no longer disagrees.
var knownLowering = map[string]*oraclegolden.Known{
	release.Seed:    oraclegolden.NewKnown(map[string]string{}),
	release.Current: oraclegolden.NewKnown(knownLowering96),
}

// knownLowering96 are the 2026.9.6 disagreements left.
var knownLowering96 = map[string]string{}

// requirePlans96: every config 2026.9.6 accepts must compile for it (the
// checker judges 2026.9.6 configs as 2026.9.6 does).
const requirePlans96 = true

type lowerLine struct {
	ID      string            `json:"id"`
	Config  string            `json:"config"`
	Account string            `json:"account"`
	Probe   string            `json:"probe"`
	Fn      string            `json:"fn"`
	Args    []json.RawMessage `json:"args"`
	OK      bool              `json:"ok"`
	Result  json.RawMessage   `json:"result"`
	Error   string            `json:"error"`
}

func loadLowerGolden(t testing.TB, rel string) []lowerLine {
	t.Helper()
	lines := oraclegolden.Read[lowerLine](t, lowerGolden(rel))
	for _, g := range lines {
		if !g.OK {
			t.Fatalf("%s: %s threw in OpenClaw (%s); the generator only asks calls that return", lowerGolden(rel), g.ID, g.Error)
		}
	}
	return lines
}

var compileOpts = compiler.Options{
	Home:     oracleHome,
	Env:      func(string) (string, bool) { return "", false }, // the oracle ran with no OPENCLAWCFG_* set
	ReadFile: func(string) ([]byte, error) { return nil, fs.ErrNotExist },
}

func compileOptsFor(rel string) compiler.Options {
	o := compileOpts
	o.OpenClaw = rel
	return o
}

// checker collects the field checks of one golden line.
type checker struct {
	id        string
	knownList *oraclegolden.Known
	problems  []string
	known     []string
}

func (c *checker) eq(field string, got, want any) {
	if jsonEqual(got, want) {
		return
	}
	msg := fmt.Sprintf("%s: plan %s, OpenClaw %s", field, show(got), show(want))
	if reason, ok := c.knownList.Reason(c.id + " " + field); ok {
		c.known = append(c.known, msg+" (known: "+reason+")")
		return
	}
	c.problems = append(c.problems, msg)
}

func jsonEqual(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	var va, vb any
	_ = json.Unmarshal(ja, &va)
	_ = json.Unmarshal(jb, &vb)
	ca, _ := json.Marshal(va)
	cb, _ := json.Marshal(vb)
	return bytes.Equal(ca, cb)
}

func show(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// listedID is the accounts key the plan account was lowered for.
func listedID(a plan.Account) string {
	if a.Key != "" {
		return a.Key
	}
	return a.ID
}

func raws(es []plan.AllowEntry) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, e.Raw)
	}
	return out
}

func unHome(v any) any {
	switch v := v.(type) {
	case string:
		return strings.ReplaceAll(v, "<HOME>", oracleHome)
	case []any:
		for i := range v {
			v[i] = unHome(v[i])
		}
	case map[string]any:
		for k := range v {
			v[k] = unHome(v[k])
		}
	}
	return v
}

func TestLoweringMatchesOpenClaw(t *testing.T) {
	for _, rel := range release.Supported {
		t.Run(rel, func(t *testing.T) { testLowering(t, rel) })
	}
}

func testLowering(t *testing.T, rel string) {
	lines := loadLowerGolden(t, rel)
	known := knownLowering[rel]
	plans := map[string]*plan.Plan{}
	var noPlan []string
	planFor := func(g lowerLine) *plan.Plan {
		if p, ok := plans[g.Config]; ok {
			return p
		}
		name := filepath.Join(repoRoot, filepath.FromSlash(g.Config))
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		r, err := compiler.Compile(name, src, compileOptsFor(rel))
		p := r.Plan
		if err != nil {
			t.Fatal(err)
		}
		if p != nil && p.TargetOpenClaw != rel {
			t.Errorf("%s: compiled for %s, plan targets %q", g.Config, rel, p.TargetOpenClaw)
		}
		switch {
		case p == nil && rel != release.Seed && !requirePlans96:
			// Lower it directly, past the checker, so the 2026.9.6 rules
			// are tested on the configs only 2026.9.6 accepts.
			noPlan = append(noPlan, g.Config)
			root, err := json5.Parse(src, json5.Options{})
			if err != nil {
				t.Fatalf("%s: %v", g.Config, err)
			}
			p = lower.Lower(root, lower.Options{Home: oracleHome, ReadFile: compileOpts.ReadFile, Release: rel}).Plan
		case p == nil:
			t.Errorf("%s: OpenClaw %s accepts it, Compile made no plan:\n%v", g.Config, rel, r.Diagnostics)
		}
		plans[g.Config] = p
		return p
	}

	var knownN int
	var tally oraclegolden.Tally
	for _, g := range lines {
		if g.Fn == "$validate" {
			planFor(g)
			continue
		}
		p := planFor(g)
		if p == nil {
			continue
		}
		c := &checker{id: g.ID, knownList: known}
		checkLine(t, c, p, g)
		switch {
		case len(c.problems) > 0:
			tally.Differ(g.Fn)
			t.Errorf("%s:\n\t%s", g.ID, strings.Join(append(c.problems, c.known...), "\n\t"))
		case len(c.known) > 0:
			tally.Differ(g.Fn)
			knownN++
			t.Logf("%s: known disagreement:\n\t%s", g.ID, strings.Join(c.known, "\n\t"))
		default:
			tally.Agree(g.Fn)
		}
	}
	known.Stale(t, "knownLowering["+rel+"]")
	tally.Log(t)
	total, agree := tally.Total()
	t.Logf("lowering vs OpenClaw %s: %d/%d agree (%d known disagreements, %d configs, %d of them lowered past the checker)", rel, agree, total, knownN, len(plans), len(noPlan))
	if len(noPlan) > 0 {
		t.Logf("OpenClaw %s accepts these, Compile made no plan for them (the checker does not judge as %s yet), so they were lowered directly: %s", rel, rel, strings.Join(noPlan, " "))
	}
}

func checkLine(t *testing.T, c *checker, p *plan.Plan, g lowerLine) {
	switch g.Fn {
	case "listIMessageAccountIds":
		var want []string
		mustJSON(t, g.Result, &want)
		var got []string
		for _, a := range p.Accounts {
			got = append(got, listedID(a))
		}
		// The plan sorts accounts by normalised id; OpenClaw's order
		// (localeCompare of the keys) is not part of what it does.
		slices.Sort(got)
		slices.Sort(want)
		c.eq("account ids", got, want)
		return
	case "resolveDefaultIMessageAccountId":
		var want string
		mustJSON(t, g.Result, &want)
		c.eq("default account", p.DefaultAccount.Value, want)
		return
	}

	i := slices.IndexFunc(p.Accounts, func(a plan.Account) bool { return listedID(a) == g.Account })
	if i < 0 {
		c.eq("account", nil, g.Account)
		return
	}
	a := p.Accounts[i]
	switch g.Fn {
	case "resolveIMessageAccount":
		var want struct {
			AccountID  string         `json:"accountId"`
			Enabled    bool           `json:"enabled"`
			Name       string         `json:"name"`
			Configured bool           `json:"configured"`
			Config     map[string]any `json:"config"`
		}
		mustJSON(t, g.Result, &want)
		cfg := unHome(want.Config).(map[string]any)
		c.eq("accountId", a.ID, want.AccountID)
		c.eq("enabled", a.Enabled.Value, want.Enabled)
		c.eq("name", a.Name.Value, want.Name)
		c.eq("configured", a.Configured, want.Configured)
		c.eq("cliPath", a.CLIPathExpanded, orDefault(cfg["cliPath"], "imsg"))
		gotDB := a.DBPathExpanded
		if gotDB == "" {
			gotDB = a.DBPath.Value
		}
		c.eq("dbPath", gotDB, orDefault(cfg["dbPath"], ""))
		c.eq("service", a.Service.Value, orDefault(cfg["service"], "auto"))
		c.eq("region", a.Region.Value, orDefault(cfg["region"], "US"))
		c.eq("dmPolicy", string(a.DM.Policy.Value), orDefault(cfg["dmPolicy"], "pairing"))
		c.eq("allowFrom", raws(a.DM.AllowFrom.Value), normalizeAllowList(cfg["allowFrom"]))
		c.eq("includeAttachments", a.Attachments.Include.Value, orDefault(cfg["includeAttachments"], false))
		mb, _ := orDefault(cfg["mediaMaxMb"], 16.0).(float64)
		c.eq("mediaMaxBytes", a.Outbound.MediaMaxBytes.Value, int64(mb*1024*1024))
		wantHost := ""
		if s, ok := cfg["remoteHost"].(string); ok {
			wantHost, _ = openclaw.NormalizeScpRemoteHost(s)
		}
		c.eq("remoteHost", a.RemoteHost.Host, wantHost)
		var wantBlock *bool
		if b, ok := cfg["blockStreaming"].(bool); ok {
			wantBlock = &b
		}
		// 2026.9.6: resolveChannelStreamingBlockEnabled reads the merged
		// account's streaming.block.enabled.
		if st, ok := cfg["streaming"].(map[string]any); ok {
			if blk, ok := st["block"].(map[string]any); ok {
				if b, ok := blk["enabled"].(bool); ok {
					wantBlock = &b
				}
			}
		}
		c.eq("blockStreaming", a.Outbound.BlockStreaming, wantBlock)
		if h, ok := cfg["historyLimit"].(float64); ok {
			c.eq("historyLimit", a.History.GroupLimit.Value, max(0, int(h)))
		}
		groups, _ := cfg["groups"].(map[string]any)
		wantChats := map[string]bool{}
		star, _ := groups["*"].(map[string]any)
		for k, v := range groups {
			// resolveChannelGroupRequireMention: the chat's boolean, else
			// the "*" entry's, else true.
			e, _ := v.(map[string]any)
			rm, ok := e["requireMention"].(bool)
			if !ok {
				if rm, ok = star["requireMention"].(bool); !ok {
					rm = true
				}
			}
			wantChats[k] = rm
		}
		gotChats := map[string]bool{}
		for _, gc := range a.Groups.Chats {
			gotChats[gc.ChatID] = gc.RequireMention.Value
		}
		if a.Groups.Wildcard != nil {
			gotChats["*"] = a.Groups.Wildcard.RequireMention.Value
		}
		c.eq("groups (chat → requireMention)", gotChats, wantChats)
	case "resolveIMessageAttachmentRoots":
		var want []string
		mustJSON(t, g.Result, &want)
		c.eq("localRoots", a.Attachments.LocalRoots, want)
	case "resolveIMessageRemoteAttachmentRoots":
		var want []string
		mustJSON(t, g.Result, &want)
		c.eq("remoteRoots", a.Attachments.RemoteRoots, want)
	case "resolveTextChunkLimit":
		var want float64
		mustJSON(t, g.Result, &want)
		c.eq("textChunkLimit", float64(a.Outbound.TextChunkLimit.Value), want)
	case "resolveChunkMode":
		var want string
		mustJSON(t, g.Result, &want)
		c.eq("chunkMode", a.Outbound.ChunkMode.Value, want)
	case "parseIMessageAllowTarget":
		checkParsedEntry(t, c, a, g)
	case "resolveIMessageInboundDecision":
		checkDecision(t, c, p, a, g)
	default:
		t.Fatalf("%s: no check for fn %q", g.ID, g.Fn)
	}
}

// checkParsedEntry compares one plan allow entry with
// parseIMessageAllowTarget of the same string. "*" is the plan's "any":
// OpenClaw tests for it before parsing, so its parse (the handle "+") never
// matters.
func checkParsedEntry(t *testing.T, c *checker, a plan.Account, g lowerLine) {
	list, idx, _ := strings.Cut(g.ID[strings.LastIndex(g.ID, "#parse/")+len("#parse/"):], "/")
	i, err := strconv.Atoi(idx)
	if err != nil {
		t.Fatalf("%s: %v", g.ID, err)
	}
	entries := a.DM.AllowFrom.Value
	if list == "groupAllowFrom" {
		entries = a.Groups.Senders.Value
	}
	var raw string
	mustJSON(t, g.Args[0], &raw)
	if i >= len(entries) {
		c.eq(list+" entry", nil, raw)
		return
	}
	e := entries[i]
	c.eq(list+" entry", e.Raw, raw)
	if e.Kind == "any" {
		c.eq(list+" entry", e.Raw, "*")
		return
	}
	var want struct {
		Kind           string   `json:"kind"`
		Handle         string   `json:"handle"`
		ChatID         *float64 `json:"chatId"`
		ChatGUID       string   `json:"chatGuid"`
		ChatIdentifier string   `json:"chatIdentifier"`
	}
	mustJSON(t, g.Result, &want)
	value := map[string]string{"handle": want.Handle, "chat_guid": want.ChatGUID, "chat_identifier": want.ChatIdentifier}[want.Kind]
	if want.ChatID != nil {
		value = openclaw.FormatJSNumber(*want.ChatID)
	}
	c.eq(list+" entry parsed", string(e.Kind)+" "+e.Value, want.Kind+" "+value)
}

// probeArgs is what the monitor passed to the decision.
type probeArgs struct {
	AccountID string `json:"accountId"`
	Message   struct {
		Sender         string `json:"sender"`
		ChatID         *int64 `json:"chat_id"`
		ChatGUID       string `json:"chat_guid"`
		ChatIdentifier string `json:"chat_identifier"`
		IsGroup        bool   `json:"is_group"`
		IsFromMe       bool   `json:"is_from_me"`
		Text           string `json:"text"`
	} `json:"message"`
	DMPolicy       string   `json:"dmPolicy"`
	GroupPolicy    string   `json:"groupPolicy"`
	AllowFrom      []string `json:"allowFrom"`
	GroupAllowFrom []string `json:"groupAllowFrom"`
	StoreAllowFrom []string `json:"storeAllowFrom"`
}

func checkDecision(t *testing.T, c *checker, p *plan.Plan, a plan.Account, g lowerLine) {
	var in probeArgs
	mustJSON(t, g.Args[0], &in)
	var want struct {
		Kind     string `json:"kind"`
		Reason   string `json:"reason"`
		SenderID string `json:"senderId"`
		IsGroup  bool   `json:"isGroup"`
		Route    struct {
			AgentID string `json:"agentId"`
		} `json:"route"`
	}
	mustJSON(t, g.Result, &want)

	// The monitor's inputs, as the plan states them.
	c.eq("dmPolicy (monitor)", string(a.DM.Policy.Value), in.DMPolicy)
	c.eq("allowFrom (monitor)", raws(a.DM.AllowFrom.Value), nonNil(in.AllowFrom))
	c.eq("groupPolicy (monitor)", string(a.Groups.Policy.Value), in.GroupPolicy)
	c.eq("groupAllowFrom (monitor)", raws(a.Groups.Senders.Value), nonNil(in.GroupAllowFrom))
	c.eq("account id (monitor)", a.ID, in.AccountID)

	m := in.Message
	raw, _ := json.Marshal(map[string]any{
		"sender": m.Sender, "chat_id": m.ChatID, "chat_guid": m.ChatGUID,
		"chat_identifier": m.ChatIdentifier, "is_group": m.IsGroup, "is_from_me": m.IsFromMe, "text": m.Text,
	})
	msg, err := inbound.ParseMessage(raw)
	if err != nil {
		t.Fatal(err)
	}
	dc, err := inbound.New(p, in.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	d := dc.Decide(msg, inbound.Input{Store: in.StoreAllowFrom, Now: time.UnixMilli(1_800_000_000_000)}, inbound.NewState())
	c.eq("decision", strings.TrimSpace(string(d.Kind)+" "+d.Reason), strings.TrimSpace(want.Kind+" "+want.Reason))
	switch inbound.Kind(want.Kind) {
	case inbound.Pairing:
		c.eq("pairing sender id", d.SenderID, want.SenderID)
	case inbound.Dispatch:
		c.eq("isGroup", d.IsGroup, want.IsGroup)
		c.eq("routed agent", d.Route.AgentID, want.Route.AgentID)
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// normalizeAllowList is the monitor's String(entry).trim(), empties dropped.
func normalizeAllowList(v any) []string {
	out := []string{}
	l, _ := v.([]any)
	for _, e := range l {
		var s string
		switch e := e.(type) {
		case string:
			s = e
		case float64:
			s = openclaw.FormatJSNumber(e)
		default:
			b, _ := json.Marshal(e)
			s = string(b)
		}
		if s = openclaw.TrimJS(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func orDefault(v, def any) any {
	if v == nil {
		return def
	}
	return v
}

func mustJSON(t *testing.T, raw json.RawMessage, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("golden: %v in %s", err, raw)
	}
}
