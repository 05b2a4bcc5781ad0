package lower_test

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/openclawcfg/openclawcfg/compiler"
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
	OK    bool `json:"ok"`
	Route struct {
		AgentID         string `json:"agentId"`
		SessionKey      string `json:"sessionKey"`
		MainSessionKey  string `json:"mainSessionKey"`
		MatchedBy       string `json:"matchedBy"`
		LastRoutePolicy string `json:"lastRoutePolicy"`
	} `json:"route"`
	Error struct {
		Name    string `json:"name"`
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
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
