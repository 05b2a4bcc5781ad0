package imsg

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/openclawcfg/openclawcfg/internal/openclaw"
)

// resolveUserPath ports OpenClaw's resolveUserPath (src/infra/home-dir.ts,
// dist/paths-*.js resolveHomeRelativePath): trim; a leading "~" followed by
// the end, "/" or "\" becomes the home directory; the result is made
// absolute against the working directory (path.resolve). The client applies
// it to dbPath and detectBinary to a cliPath starting with "~".
func resolveUserPath(input string, getenv func(string) string) string {
	t := openclaw.TrimJS(input)
	if t == "" {
		return ""
	}
	if strings.HasPrefix(t, "~") {
		if t == "~" || strings.HasPrefix(t, "~/") || strings.HasPrefix(t, `~\`) {
			t = homeDir(getenv) + t[1:]
		}
	}
	if abs, err := filepath.Abs(t); err == nil {
		return abs
	}
	return filepath.Clean(t)
}

// homeDir is resolveRequiredHomeDir: OPENCLAW_HOME (itself "~"-expanded),
// then HOME, USERPROFILE, the OS's idea, then the working directory. Values
// that trim to "", "undefined" or "null" do not count.
func homeDir(getenv func(string) string) string {
	norm := func(v string) string {
		v = openclaw.TrimJS(v)
		if v == "undefined" || v == "null" {
			return ""
		}
		return v
	}
	osHome := func() string {
		if h := norm(getenv("HOME")); h != "" {
			return h
		}
		if h := norm(getenv("USERPROFILE")); h != "" {
			return h
		}
		h, _ := os.UserHomeDir()
		return norm(h)
	}
	h := norm(getenv("OPENCLAW_HOME"))
	if h != "" && (h == "~" || strings.HasPrefix(h, "~/") || strings.HasPrefix(h, `~\`)) {
		if oh := osHome(); oh != "" {
			h = oh + h[1:]
		} else {
			h = ""
		}
	} else if h == "" {
		h = osHome()
	}
	if h == "" {
		h, _ = os.Getwd()
	}
	if abs, err := filepath.Abs(h); err == nil {
		return abs
	}
	return h
}
