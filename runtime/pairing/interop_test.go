package pairing

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Live interop with the real OpenClaw 2026.3.24 (opt-in: PAIRING_INTEROP=1;
// needs the oracle install of /work/shared/oracle/setup.sh). The golden test
// already shows our files are byte-identical to OpenClaw's; this runs
// OpenClaw's own store functions on files we wrote and the reverse, and the
// two implementations at once on one state dir, to exercise the lock
// protocol between processes.

const interopScript = `
import module from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
const [dist, stateDir, opsJSON] = process.argv.slice(2);
const url = pathToFileURL(path.join(dist, "pairing-store-Ci8ZfuL6.js")).href;
module.registerHooks({ load(u, c, next) { const r = next(u, c); return u === url ? { ...r, format: "module", source: String(r.source) +
  "\nexport { upsertChannelPairingRequest as __u, approveChannelPairingCode as __a, listChannelPairingRequests as __l, readChannelAllowFromStore as __r };\n" } : r; } });
const m = await import(url);
const env = { OPENCLAW_STATE_DIR: stateDir };
const out = [];
for (const op of JSON.parse(opsJSON)) {
  if (op.op === "upsert") out.push(await m.__u({ channel: "imessage", id: op.id, accountId: op.account, meta: { sender: op.id }, env }));
  else if (op.op === "approve") { const r = await m.__a({ channel: "imessage", code: op.code, accountId: op.account, env }); out.push(r ? r.id : null); }
  else if (op.op === "list") out.push((await m.__l("imessage", env, op.account)).map((r) => JSON.stringify(r)));
  else if (op.op === "read") out.push(await m.__r("imessage", env, op.account));
  else if (op.op === "worker") {
    for (let i = 0; i < op.n; i++) {
      const id = op.prefix + "-" + i;
      for (;;) {
        const { code } = await m.__u({ channel: "imessage", id, meta: { sender: id }, env });
        if (code) { const r = await m.__a({ channel: "imessage", code: code.toLowerCase(), env }); if (!r || r.id !== id) throw new Error("approve " + id); break; }
        await new Promise((res) => setTimeout(res, 2));
      }
    }
    out.push("done");
  }
}
process.stdout.write(JSON.stringify(out));
`

type openclawRunner struct {
	node, dist, script string
}

func newOpenclawRunner(t *testing.T) *openclawRunner {
	if os.Getenv("PAIRING_INTEROP") != "1" {
		t.Skip("set PAIRING_INTEROP=1 to run against the real OpenClaw (needs the oracle install)")
	}
	home, _ := os.UserHomeDir()
	root := os.Getenv("ORACLE_ROOT")
	if root == "" {
		root = filepath.Join(home, ".cache", "openclaw-oracle")
	}
	nodes, _ := filepath.Glob(filepath.Join(root, "node24", "node_modules", "node-linux-*", "bin", "node"))
	dist := filepath.Join(root, "npm-2026.3.24", "node_modules", "openclaw", "dist")
	if len(nodes) == 0 {
		t.Fatal("Node 24 not found under", root)
	}
	if _, err := os.Stat(filepath.Join(dist, "pairing-store-Ci8ZfuL6.js")); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(t.TempDir(), "interop.mjs")
	if err := os.WriteFile(script, []byte(interopScript), 0o600); err != nil {
		t.Fatal(err)
	}
	return &openclawRunner{node: nodes[0], dist: dist, script: script}
}

func (r *openclawRunner) cmd(stateDir string, ops ...map[string]any) *exec.Cmd {
	b, _ := json.Marshal(ops)
	return exec.Command(r.node, r.script, r.dist, stateDir, string(b))
}

func (r *openclawRunner) run(t *testing.T, stateDir string, ops ...map[string]any) []json.RawMessage {
	t.Helper()
	var stderr bytes.Buffer
	c := r.cmd(stateDir, ops...)
	c.Stderr = &stderr
	out, err := c.Output()
	if err != nil {
		t.Fatalf("openclaw: %v\n%s", err, stderr.String())
	}
	var res []json.RawMessage
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("openclaw output %q: %v", out, err)
	}
	return res
}

func TestInteropWithOpenClaw(t *testing.T) {
	oc := newOpenclawRunner(t)
	s, dir := testStore(t)

	// Go writes, OpenClaw reads and approves.
	code1, _, err := s.Upsert("", "+15550001111", []MetaField{{"sender", "+15550001111"}})
	if err != nil {
		t.Fatal(err)
	}
	code2, _, err := s.Upsert("Work", "+15550002222", []MetaField{{"sender", "+15550002222"}})
	if err != nil {
		t.Fatal(err)
	}
	ours, err := s.List("")
	if err != nil {
		t.Fatal(err)
	}
	var mine []string
	for _, r := range ours {
		b, _ := r.MarshalJSON()
		mine = append(mine, string(b))
	}
	res := oc.run(t, dir,
		map[string]any{"op": "list"},
		map[string]any{"op": "approve", "code": strings.ToLower(code1)},
		map[string]any{"op": "upsert", "id": "+15550003333", "account": "work"},
	)
	var theirs []string
	mustUnmarshal(t, res[0], &theirs)
	if !slices.Equal(theirs, mine) {
		t.Fatalf("OpenClaw lists %q\nGo lists %q", theirs, mine)
	}
	var approved string
	mustUnmarshal(t, res[1], &approved)
	var up struct{ Code string }
	mustUnmarshal(t, res[2], &up)
	if approved != "+15550001111" || up.Code == "" {
		t.Fatalf("OpenClaw approve %q upsert %+v", approved, up)
	}

	// OpenClaw wrote; Go reads, approves, and re-serialises its files byte for byte.
	if got, err := s.ReadAllowFrom(""); err != nil || !slices.Equal(got, []string{"+15550001111"}) {
		t.Fatalf("Go reads %q, %v", got, err)
	}
	for _, name := range []string{"imessage-pairing.json", "imessage-default-allowFrom.json"} {
		data := readFile(t, filepath.Join(dir, "credentials", name))
		v, err := parseJSON([]byte(data))
		if err != nil || string(stringify(v))+"\n" != data {
			t.Fatalf("OpenClaw's %s is not what Go would write:\n%s", name, data)
		}
	}
	if id, err := s.Approve(up.Code, "work"); err != nil || id != "+15550003333" {
		t.Fatalf("Go approve: %q %v", id, err)
	}
	res = oc.run(t, dir, map[string]any{"op": "read", "account": "work"}, map[string]any{"op": "list"})
	var work []string
	mustUnmarshal(t, res[0], &work)
	var left []string
	mustUnmarshal(t, res[1], &left)
	if !slices.Equal(work, []string{"+15550003333"}) || len(left) != 1 || !strings.Contains(left[0], code2) {
		t.Fatalf("OpenClaw then reads %q and lists %q", work, left)
	}
}

func TestInteropConcurrentWithOpenClaw(t *testing.T) {
	oc := newOpenclawRunner(t)
	s, dir := testStore(t)
	const n = 20
	var wg sync.WaitGroup
	var ocErr error
	var ocOut, ocStderr bytes.Buffer
	wg.Add(1)
	go func() {
		defer wg.Done()
		c := oc.cmd(dir, map[string]any{"op": "worker", "prefix": "oc", "n": n})
		c.Stdout, c.Stderr = &ocOut, &ocStderr
		ocErr = c.Run()
	}()
	// Two Go workers while OpenClaw runs. A write refused because OpenClaw
	// broke our lock (its vanished-lock race) is retried, and counted.
	broken := 0
	var mu sync.Mutex
	for g := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				err := worker(s, fmt.Sprintf("go%d", g), n)
				if err == nil || !strings.Contains(err.Error(), "broken by another process") {
					if err != nil {
						t.Error(err)
					}
					return
				}
				mu.Lock()
				broken++
				mu.Unlock()
				time.Sleep(time.Millisecond)
			}
		}()
	}
	wg.Wait()
	if ocErr != nil {
		t.Fatalf("openclaw worker: %v\n%s", ocErr, ocStderr.String())
	}
	checkAllApproved(t, s, []string{"oc", "go0", "go1"}, n)
	res := oc.run(t, dir, map[string]any{"op": "read"})
	var theirs []string
	mustUnmarshal(t, res[0], &theirs)
	if len(theirs) != 3*n {
		t.Fatalf("OpenClaw reads %d approved ids", len(theirs))
	}
	t.Logf("%d ids approved by 1 OpenClaw + 2 Go workers at once, none lost; %d Go writes refused after OpenClaw broke our lock", 3*n, broken)
}
