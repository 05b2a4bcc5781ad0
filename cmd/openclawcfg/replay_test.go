package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestReplayOpenClaw drives the built openclawcfg through the recordings of
// OpenClaw 2026.3.24's real gateway (the oracle's runtime-e2e replay.sh):
// the public scenario set next to replay.sh and this repository's
// testdata/e2e, and fails on every scenario whose sends differ. It needs the
// oracle install (Node 24 under ~/.cache/openclaw-oracle, replay.sh under
// $OPENCLAW_E2E_DIR or /work/shared/oracle/runtime-e2e, python3) and is
// skipped without it and under -short. It takes one to two minutes.
func TestReplayOpenClaw(t *testing.T) {
	if testing.Short() {
		t.Skip("replaying the OpenClaw gateway recordings takes minutes; skipped with -short")
	}
	if runtime.GOOS == "windows" {
		t.Skip("replay.sh needs bash and a Unix fake imsg")
	}
	e2eDir := os.Getenv("OPENCLAW_E2E_DIR")
	if e2eDir == "" {
		e2eDir = "/work/shared/oracle/runtime-e2e"
	}
	replay := filepath.Join(e2eDir, "replay.sh")
	if _, err := os.Stat(replay); err != nil {
		t.Skipf("no OpenClaw e2e replay driver (%v); set OPENCLAW_E2E_DIR to the oracle's runtime-e2e folder", err)
	}
	if oracleNode() == "" {
		t.Skip("no Node 24 of the OpenClaw oracle under $ORACLE_ROOT/node24 (~/.cache/openclaw-oracle by default); run the oracle's setup.sh")
	}
	for _, tool := range []string{"bash", "python3"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("replay.sh needs %s: %v", tool, err)
		}
	}
	set, err := filepath.Abs(filepath.Join("..", "..", "testdata", "e2e"))
	if err != nil {
		t.Fatal(err)
	}
	bin := buildOpenclawcfg(t)
	mediaErr := setupReplayMedia()

	var commands, others []string
	for _, name := range replayScenarios(t, filepath.Join(set, "scenarios")) {
		switch {
		case name == mediaScenario:
		case strings.HasPrefix(name, "commands-"):
			commands = append(commands, name)
		default:
			others = append(others, name)
		}
	}
	ignore := make([]string, 0, 2*len(replayIgnoreCommandReplies))
	for _, re := range replayIgnoreCommandReplies {
		ignore = append(ignore, "--ignore-text", re)
	}

	t.Run("public", func(t *testing.T) {
		t.Parallel()
		out, err := runReplay(t, replay, bin)
		checkReplay(t, out, err)
	})
	t.Run("testdata", func(t *testing.T) {
		t.Parallel()
		out, err := runReplay(t, replay, bin, append([]string{"--scenarios", set}, others...)...)
		checkReplay(t, out, err)
	})
	t.Run("testdata-commands", func(t *testing.T) {
		t.Parallel()
		args := append(append([]string{"--scenarios", set}, ignore...), commands...)
		out, err := runReplay(t, replay, bin, args...)
		checkReplay(t, out, err)
	})
	t.Run("testdata-"+mediaScenario, func(t *testing.T) {
		if mediaErr != nil {
			t.Skipf("cannot create the scenario's media files: %v", mediaErr)
		}
		t.Parallel()
		out, _ := runReplay(t, replay, bin, "--keep", "--scenarios", set, mediaScenario)
		checkMediaReplay(t, out, filepath.Join(set, "expected", mediaScenario+".jsonl"))
	})
}

// replayIgnoreCommandReplies are replay.sh --ignore-text expressions (JS, u
// flag) for the commands-* scenarios. The first three leave out the replies
// OpenClaw makes itself, without its agent, and which describe that agent
// and its model: the /status card, the /help text, and the notice after
// /new and /reset (sent by a separate imsg process). openclawcfg hands
// /status and /help to the handler like any message, so the last two leave
// out the reference handler's echo of them: a bare /status (the body is
// empty once the inline /status is cut) and /help. /whoami and /id are
// compared: openclawcfg answers them itself with OpenClaw's identity card.
var replayIgnoreCommandReplies = []string{
	`^🦞 OpenClaw \d+\.\d+\.\d+ \(`,
	`^ℹ️ Help\n`,
	`^✅ New session started · model: `,
	"^ECHO:Conversation info \\(untrusted metadata\\):\\n[\\s\\S]*\\n```$",
	`^ECHO:[\s\S]*\n\n/help$`,
}

// mediaScenario sends a MEDIA: file; OpenClaw and openclawcfg each send a
// copy under a random name in their state dir, which replay.sh cannot
// compare, so this test compares that scenario's sends itself.
const mediaScenario = "media-outbound"

// replayMediaContent is what setup-media.sh (and setupReplayMedia) write.
const replayMediaContent = "openclawcfg e2e media file\n"

func oracleNode() string {
	dir := os.Getenv("ORACLE_NODE_DIR")
	if dir == "" {
		root := os.Getenv("ORACLE_ROOT")
		if root == "" {
			home, err := os.UserHomeDir()
			if err != nil {
				return ""
			}
			root = filepath.Join(home, ".cache", "openclaw-oracle")
		}
		dir = filepath.Join(root, "node24")
	}
	m, _ := filepath.Glob(filepath.Join(dir, "node_modules", "node-linux-*", "bin", "node"))
	if len(m) == 0 {
		return ""
	}
	return m[0]
}

// buildOpenclawcfg builds this command as a real binary: replay.sh runs it
// as a separate process (compile, run, pairing approve).
func buildOpenclawcfg(t *testing.T) string {
	t.Helper()
	// go test puts its own GOROOT/bin first in PATH: this is the go
	// that runs the test.
	gotool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go tool to build openclawcfg: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "openclawcfg")
	cmd := exec.Command(gotool, "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// setupReplayMedia creates the files the media-outbound scenario names, as
// testdata/e2e/setup-media.sh does.
func setupReplayMedia() error {
	if err := os.MkdirAll("/tmp/openclaw", 0o700); err != nil {
		return err
	}
	// OpenClaw only uses /tmp/openclaw when no group/other write bit is set.
	if fi, err := os.Stat("/tmp/openclaw"); err == nil && fi.Mode().Perm()&0o022 != 0 {
		_ = os.Chmod("/tmp/openclaw", fi.Mode().Perm()&^0o022)
	}
	for _, d := range []string{"/tmp/openclaw/oc-e2e-media", "/tmp/oc-e2e-media-outside"} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(d, "reply.txt"), []byte(replayMediaContent), 0o644); err != nil {
			return err
		}
	}
	if err := os.Remove("/tmp/openclaw/oc-e2e-media/missing.txt"); err != nil && !os.IsNotExist(err) {
		return err
	}
	return nil
}

func replayScenarios(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		if n, ok := strings.CutSuffix(e.Name(), ".jsonl"); ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		t.Fatalf("no scenarios in %s", dir)
	}
	return names
}

func runReplay(t *testing.T, replay, bin string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	// The recordings are OpenClaw's: the runtime replays them in its
	// OpenClaw mode (the oracle's fake numbers its echo rows above the
	// scripted ones, which a cursor would rightly treat as handled). The
	// driver clears OPENCLAWCFG_* from the runtime's environment, so a
	// wrapper sets the mode.
	wrapper := filepath.Join(t.TempDir(), "openclawcfg-compat")
	script := "#!/bin/sh\nOPENCLAWCFG_COMPAT=openclaw exec '" + strings.ReplaceAll(bin, "'", `'\''`) + "' \"$@\"\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, "bash", append([]string{replay, "--runtime", wrapper}, args...)...)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	return buf.String(), err
}

// checkReplay fails the test once per FAIL block of replay.sh's output (the
// FAIL line and its indented differences).
func checkReplay(t *testing.T, out string, runErr error) {
	t.Helper()
	var fails []string
	inFail := false
	summary := ""
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(line, "FAIL "):
			fails = append(fails, line)
			inFail = true
		case strings.HasPrefix(line, "  ") && inFail:
			fails[len(fails)-1] += "\n" + line
		case strings.HasPrefix(line, "PASS "):
			t.Log(line)
			inFail = false
		case strings.HasPrefix(line, "scenarios "):
			summary = line
			inFail = false
		}
	}
	for _, f := range fails {
		t.Error(f)
	}
	if summary == "" {
		t.Fatalf("replay.sh did not finish (%v):\n%s", runErr, out)
	}
	t.Log(summary)
	if runErr != nil && len(fails) == 0 {
		t.Errorf("replay.sh: %v\n%s", runErr, out)
	}
}

type replaySend struct {
	Step    int            `json:"step"`
	Account string         `json:"account"`
	Params  map[string]any `json:"params"`
}

// checkMediaReplay compares the media scenario's sends itself: the file
// param matches when both are a copy of the source under the state dir's
// media/outbound, whatever the random name.
func checkMediaReplay(t *testing.T, out, expectedFile string) {
	t.Helper()
	sandbox := ""
	for _, line := range strings.Split(out, "\n") {
		if _, p, ok := strings.Cut(line, "note: sandbox kept: "); ok {
			sandbox = strings.TrimSpace(p)
		}
	}
	if sandbox == "" || !strings.HasPrefix(filepath.Base(sandbox), "oc-replay-"+mediaScenario+"-") {
		t.Fatalf("replay.sh kept no sandbox:\n%s", out)
	}
	t.Cleanup(func() { os.RemoveAll(sandbox) })
	want := readReplaySends(t, expectedFile)
	got := readReplaySends(t, filepath.Join(sandbox, "sends.jsonl"))
	outbound := filepath.Join(sandbox, "state", "media", "outbound")
	for _, s := range got {
		f, ok := s.Params["file"].(string)
		if !ok {
			continue
		}
		rel, err := filepath.Rel(outbound, f)
		if err != nil || strings.Contains(rel, string(filepath.Separator)) || strings.HasPrefix(rel, "..") {
			continue
		}
		if b, err := os.ReadFile(f); err == nil && string(b) == replayMediaContent {
			s.Params["file"] = "<STATE_DIR>/media/outbound/<UUID>" + filepath.Ext(f)
		}
	}
	same := len(want) == len(got)
	for i := 0; same && i < len(want); i++ {
		same = want[i].Step == got[i].Step && want[i].Account == got[i].Account && reflect.DeepEqual(want[i].Params, got[i].Params)
	}
	if !same {
		t.Errorf("%s: sends differ from OpenClaw's\nOpenClaw:\n%s\nopenclawcfg:\n%s\nreplay.sh:\n%s",
			mediaScenario, describeSends(want), describeSends(got), out)
	}
}

func readReplaySends(t *testing.T, file string) []*replaySend {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var sends []*replaySend
	for _, line := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var s replaySend
		if err := json.Unmarshal([]byte(line), &s); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		sends = append(sends, &s)
	}
	return sends
}

func describeSends(sends []*replaySend) string {
	var b strings.Builder
	for _, s := range sends {
		text, _ := s.Params["text"].(string)
		if r := []rune(text); len(r) > 60 {
			text = string(r[:30]) + "…" + string(r[len(r)-30:])
		}
		fmt.Fprintf(&b, "  step %d [%s] file=%v text=%q\n", s.Step, s.Account, s.Params["file"], text)
	}
	if len(sends) == 0 {
		b.WriteString("  (none)\n")
	}
	return b.String()
}
