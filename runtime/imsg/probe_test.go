//go:build unix

package imsg

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func probeEnv(extra ...string) []string {
	return append(append(os.Environ(), "IMSG_FAKE=serve"), extra...)
}

func TestProbeOK(t *testing.T) {
	resetProbeCache()
	check := leakCheck(t)
	// FAKE_HELP_MARK: the --help run fails unless OPENCLAW_CLI=1 is set, as
	// runCommandWithTimeout sets it.
	res := Probe(context.Background(), Config{CLIPath: fakeCLI(t), Env: probeEnv("FAKE_HELP_MARK=1"), Logger: discardLogger()}, 10*time.Second)
	if !res.OK || res.Fatal || res.Error != "" || res.Err != nil {
		t.Fatalf("%+v", res)
	}
	check()
}

func TestProbeNotFound(t *testing.T) {
	resetProbeCache()
	dir := t.TempDir()
	for _, tc := range []struct{ cli, want string }{
		{filepath.Join(dir, "missing"), "imsg not found (" + filepath.Join(dir, "missing") + ")"},
		{"imsg;rm -rf", "imsg not found (imsg;rm -rf)"},
		{"-imsg", "imsg not found (-imsg)"},
		{"  ", "imsg not found (imsg)"}, // blank means the default "imsg"
		{"imsg", "imsg not found (imsg)"},
		{"./no/such", "imsg not found (./no/such)"},
	} {
		res := Probe(context.Background(), Config{CLIPath: tc.cli, Env: []string{"PATH=" + dir}}, time.Second)
		if res.OK || res.Fatal || res.Error != tc.want {
			t.Errorf("%q: %+v, want %q", tc.cli, res, tc.want)
		}
	}
}

// A bare name is looked up in PATH (OpenClaw runs `which`): a match that is
// not executable does not count.
func TestDetectBinary(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "plain"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(dir, "runme"), []byte("x"), 0o755)
	os.Mkdir(filepath.Join(dir, "adir"), 0o755)
	home := t.TempDir()
	os.WriteFile(filepath.Join(home, "imsg"), []byte("x"), 0o644)
	env := []string{"PATH=/nonexistent:" + dir, "HOME=" + home}
	for name, want := range map[string]bool{
		"runme": true, "plain": false, "adir": false, "missing": false,
		filepath.Join(dir, "plain"): true, // a path only has to exist (fs.access F_OK)
		dir:                         true,
		"~/imsg":                    true,
		"~":                         true,
		"~/nope":                    false,
		"run me":                    false, // not a safe bare name
		"":                          false,
	} {
		if got := detectBinary(name, env, ""); got != want {
			t.Errorf("detectBinary(%q) = %v, want %v", name, got, want)
		}
	}
}

// A "~" cliPath passes detectBinary (which expands it) but is spawned as
// written, as in OpenClaw, so the --help run fails to spawn.
func TestProbeTildeCLIPath(t *testing.T) {
	resetProbeCache()
	home := t.TempDir()
	os.Symlink(fakeCLI(t), filepath.Join(home, "imsg"))
	res := Probe(context.Background(), Config{CLIPath: "~/imsg", Env: probeEnv("HOME=" + home)}, time.Second)
	var se *SpawnError
	if res.OK || res.Error != "Error: spawn ~/imsg ENOENT" || !errors.As(res.Err, &se) {
		t.Errorf("%+v", res)
	}
}

func helpCount(t *testing.T, file string) int {
	b, _ := os.ReadFile(file)
	return len(b)
}

// Support and fatal non-support are cached per cliPath; other failures are
// not.
func TestProbeSupportCache(t *testing.T) {
	resetProbeCache()
	for _, tc := range []struct {
		name    string
		env     []string
		want    ProbeResult
		cached  bool
		helpRun int
	}{
		{
			"unknown-command",
			[]string{"FAKE_HELP_STDOUT=", "FAKE_HELP_STDERR=Error: Unknown command 'rpc'\n", "FAKE_HELP_EXIT=64"},
			ProbeResult{Fatal: true, Error: `imsg CLI does not support the "rpc" subcommand (update imsg)`},
			true, 1,
		},
		{
			"fails",
			[]string{"FAKE_HELP_STDOUT=", "FAKE_HELP_EXIT=3"},
			ProbeResult{Error: "imsg rpc --help failed (code 3)"},
			false, 2,
		},
		{
			"fails-with-output",
			[]string{"FAKE_HELP_STDOUT=oops", "FAKE_HELP_EXIT=1"},
			ProbeResult{Error: "oops"},
			false, 2,
		},
		{"supported", nil, ProbeResult{OK: true}, true, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			count := filepath.Join(t.TempDir(), "count")
			cfg := Config{CLIPath: fakeCLI(t), Env: probeEnv(append(tc.env, "FAKE_HELP_COUNT="+count)...), Logger: discardLogger()}
			for i := 0; i < 2; i++ {
				res := Probe(context.Background(), cfg, 10*time.Second)
				if res.OK != tc.want.OK || res.Fatal != tc.want.Fatal || res.Error != tc.want.Error {
					t.Fatalf("probe %d: %+v, want %+v", i, res, tc.want)
				}
			}
			if n := helpCount(t, count); n != tc.helpRun {
				t.Errorf("rpc --help ran %d times, want %d", n, tc.helpRun)
			}
		})
	}
}

func TestProbeHelpTimeout(t *testing.T) {
	resetProbeCache()
	check := leakCheck(t)
	start := time.Now()
	res := Probe(context.Background(), Config{CLIPath: fakeCLI(t), Env: probeEnv("FAKE_HELP_HANG=1", "FAKE_HELP_STDOUT=")}, 200*time.Millisecond)
	if res.OK || res.Fatal || res.Error != "imsg rpc --help failed (code unknown)" {
		t.Errorf("%+v", res)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	check()
}

func TestProbeRPCFailures(t *testing.T) {
	for _, tc := range []struct {
		name, mode string
		env        []string
		want       string
		check      func(error) bool
	}{
		{
			"rpc-error", "reply",
			[]string{`FAKE_RPC_REPLY={"jsonrpc":"2.0","id":1,"error":{"code":-32603,"message":"Internal error","data":"unable to open database file"}}`},
			"Error: Internal error: code=-32603 unable to open database file", func(err error) bool { var e *RPCError; return errors.As(err, &e) && e.Code == -32603 },
		},
		{
			"timeout", "reply",
			[]string{"FAKE_RPC_HANG=1"},
			"Error: imsg rpc timeout (chats.list)", func(err error) bool { return errors.Is(err, ErrTimeout) },
		},
		{
			"exit", "reply",
			[]string{"FAKE_RPC_EXIT=1"},
			"Error: imsg rpc exited (code 1)", func(err error) bool { return errors.Is(err, ErrClosed) },
		},
		{
			"legacy-banner", "banner", nil,
			"Error: imsg rpc exited (code 1)", func(err error) bool { var e *ExitError; return errors.As(err, &e) && e.Code == 1 },
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			logs := &logCapture{}
			cfg := Config{CLIPath: fakeCLI(t), Env: append(append(os.Environ(), "IMSG_FAKE="+tc.mode), tc.env...), Logger: slogNew(logs)}
			timeout := 10 * time.Second
			if tc.name == "timeout" {
				probeRPCSupport(context.Background(), cfg.CLIPath, timeout, cfg.Env, "") // cached: not under test
				timeout = 300 * time.Millisecond
			}
			res := Probe(context.Background(), cfg, timeout)
			if res.OK || res.Fatal || res.Error != tc.want || !tc.check(res.Err) {
				t.Errorf("%+v, want %q", res, tc.want)
			}
			if tc.mode == "banner" && len(logs.find("imsg rpc: failed to parse")) == 0 {
				t.Errorf("banner lines not logged: %s", logs)
			}
		})
	}
}
