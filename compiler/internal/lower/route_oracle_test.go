package lower_test

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/openclawcfg/openclawcfg/compiler"
	"github.com/openclawcfg/openclawcfg/compiler/internal/json5"
	"github.com/openclawcfg/openclawcfg/internal/release"
	"github.com/openclawcfg/openclawcfg/plan"
)

// routeLine is one line of plan/testdata/oracle-route-<release>.jsonl,
// recorded by scripts/oracle-route-goldens.sh: OpenClaw's own
// resolveAgentRoute for one iMessage conversation of a config loaded as the
// gateway loads it, or the error it threw.
type routeLine struct {
	ID      string `json:"id"`
	Config  string `json:"config"`
	Account string `json:"account"`
	Peer    struct {
		Kind plan.PeerKind `json:"kind"`
		ID   string        `json:"id"`
	} `json:"peer"`
	OK    bool          `json:"ok"`
	Route recordedRoute `json:"route"`
	Error struct {
		Name    string `json:"name"`
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// recordedRoute is what OpenClaw's resolveAgentRoute returned.
type recordedRoute struct {
	AgentID         string `json:"agentId"`
	SessionKey      string `json:"sessionKey"`
	MainSessionKey  string `json:"mainSessionKey"`
	MatchedBy       string `json:"matchedBy"`
	LastRoutePolicy string `json:"lastRoutePolicy"`
}

// TestRouteMatchesOpenClaw compiles every config of the route golden for
// its release and asks plan.Global.Route the golden's question: the agent,
// session keys and tier must be OpenClaw's, and where OpenClaw throws
// (2026.9.6: no agent owns the conversation) the route must carry
// OpenClaw's own message and no agent.
func TestRouteMatchesOpenClaw(t *testing.T) {
	for _, rel := range release.Supported {
		t.Run(rel, func(t *testing.T) { testRoutes(t, rel) })
	}
}

func testRoutes(t *testing.T, rel string) {
	name := filepath.Join(repoRoot, "plan", "testdata", "oracle-route-"+rel+".jsonl")
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	plans := map[string]*plan.Plan{}
	agree, total, unroutable := 0, 0, 0
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var g routeLine
		if err := json.Unmarshal(sc.Bytes(), &g); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		total++
		if g.Peer.Kind == "" {
			t.Errorf("%s: OpenClaw %s could not load it or list its accounts: %s", g.ID, rel, g.Error.Message)
			continue
		}
		p, seen := plans[g.Config]
		if !seen {
			file := filepath.Join(repoRoot, filepath.FromSlash(g.Config))
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			r, err := compiler.Compile(file, src, compileOptsFor(rel))
			if err != nil {
				t.Fatal(err)
			}
			p = r.Plan
			if p == nil {
				t.Errorf("%s: OpenClaw %s accepts it, Compile made no plan:\n%v", g.Config, rel, r.Diagnostics)
			}
			plans[g.Config] = p
		}
		if p == nil {
			continue
		}
		got := p.Global.Route(g.Account, g.Peer.Kind, g.Peer.ID)
		var bad bool
		if !g.OK {
			unroutable++
			bad = got.AgentID != "" || got.Error != g.Error.Message
		} else {
			w := g.Route
			bad = got.Error != "" || got.AgentID != w.AgentID || got.SessionKey != w.SessionKey ||
				got.MainSessionKey != w.MainSessionKey || got.MatchedBy != w.MatchedBy || got.LastRoutePolicy != w.LastRoutePolicy
		}
		if bad {
			want, _ := json.Marshal(g.Route)
			if !g.OK {
				want, _ = json.Marshal(g.Error)
			}
			have, _ := json.Marshal(got)
			t.Errorf("%s:\n\tplan     %s error %q\n\tOpenClaw %s", g.ID, have, got.Error, want)
			continue
		}
		agree++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("routes vs OpenClaw %s: %d/%d agree (%d configs; %d conversations no agent owns)", rel, agree, total, len(plans), unroutable)
	if total == 0 {
		t.Fatalf("%s is empty", name)
	}
}

// TestRouteMatchesGateway96 replays the routes OpenClaw 2026.9.6's real
// gateway chose in the e2e recordings (testdata/e2e-2026.9.6: every
// dispatched message, tapped after the decision) through plan.Global.Route
// of the scenario's config compiled as 2026.9.6: the harness config with
// the scenario's merged over it, as the recorder merges them.
func TestRouteMatchesGateway96(t *testing.T) {
	dir := filepath.Join(repoRoot, "testdata", "e2e-2026.9.6")
	harness := readJSON5Value(t, filepath.Join(dir, "harness", "harness.json5"))
	scenarios, _ := filepath.Glob(filepath.Join(dir, "scenarios", "*.json5"))
	if len(scenarios) < 14 {
		t.Fatalf("only %d scenarios", len(scenarios))
	}
	env := func(k string) (string, bool) {
		switch k {
		case "FAKE_IMSG_BIN":
			return "/opt/e2e/fake-imsg", true
		case "ECHO_MODEL_BASE_URL":
			return "http://127.0.0.1:9/v1", true
		case "OC_E2E_SANDBOX":
			return "/tmp/e2e-sandbox", true
		}
		return "", false
	}
	total := 0
	for _, sc := range scenarios {
		name := strings.TrimSuffix(filepath.Base(sc), ".json5")
		merged, err := json.Marshal(deepMerge(harness, readJSON5Value(t, sc)))
		if err != nil {
			t.Fatal(err)
		}
		res, err := compiler.Compile(name+".json5", merged, compiler.Options{OpenClaw: release.Current, Env: env, Home: "/home/test"})
		if err != nil || res.Plan == nil {
			t.Fatalf("%s: does not compile as 2026.9.6: %v %v", name, err, res.Diagnostics)
		}
		f, err := os.Open(filepath.Join(dir, "expected", name+".decisions.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 8<<20)
		for sc.Scan() {
			var line struct {
				Account  string `json:"account"`
				ID       int64  `json:"message_id"`
				Decision struct {
					Kind             string         `json:"kind"`
					IsGroup          bool           `json:"isGroup"`
					ChatID           int64          `json:"chatId"`
					SenderNormalized string         `json:"senderNormalized"`
					Route            *recordedRoute `json:"route"`
				} `json:"decision"`
			}
			if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			d := line.Decision
			if d.Kind != "dispatch" || d.Route == nil {
				continue
			}
			kind, peer := plan.PeerDirect, d.SenderNormalized
			if d.IsGroup {
				kind, peer = plan.PeerGroup, strconv.FormatInt(d.ChatID, 10)
			}
			r := res.Plan.Global.Route(line.Account, kind, peer)
			got := [5]string{r.AgentID, r.SessionKey, r.MainSessionKey, r.MatchedBy, r.LastRoutePolicy}
			want := [5]string{d.Route.AgentID, d.Route.SessionKey, d.Route.MainSessionKey, d.Route.MatchedBy, d.Route.LastRoutePolicy}
			if got != want {
				t.Errorf("%s: message %d on %s (%s %s): route %v, the gateway chose %v", name, line.ID, line.Account, kind, peer, got, want)
			}
			total++
		}
		f.Close()
	}
	if total < 40 {
		t.Errorf("only %d dispatched messages in the recordings", total)
	}
	t.Logf("routes vs OpenClaw 2026.9.6's gateway recordings: %d dispatched messages over %d scenarios", total, len(scenarios))
}

// readJSON5Value parses a JSON5 file into plain values.
func readJSON5Value(t *testing.T, name string) any {
	t.Helper()
	src, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	n, err := json5.Parse(src, json5.Options{})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return n.Value()
}

// deepMerge is the recorder's deepMerge (e2e-common.mjs): objects merged key
// by key, anything else replaced.
func deepMerge(a, b any) any {
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if !aok || !bok {
		if b == nil {
			return a
		}
		return b
	}
	out := map[string]any{}
	for k, v := range am {
		out[k] = v
	}
	for k, v := range bm {
		if av, ok := am[k]; ok {
			out[k] = deepMerge(av, v)
		} else {
			out[k] = v
		}
	}
	return out
}
