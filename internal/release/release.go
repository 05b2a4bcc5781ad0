// Package release names the OpenClaw releases openclawcfg reproduces and
// picks the one that judges a config: the --openclaw flag, else the
// meta.lastTouchedVersion stamp OpenClaw writes into openclaw.json, else
// the seed release. It compares versions as OpenClaw does (semver, with
// "-N" corrections after their release and "X.beta" read as "X-beta").
package release

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
)

const (
	// Seed is the release whose documentation openclawcfg was built from,
	// and the one a config without a stamp is judged by.
	Seed = "2026.3.24"
	// Current is the newest release openclawcfg reproduces.
	Current = "2026.9.6"
)

// Supported lists the releases with a profile, oldest first.
var Supported = []string{Seed, Current}

// Known reports whether r is a supported release, spelled exactly.
func Known(r string) bool {
	for _, s := range Supported {
		if s == r {
			return true
		}
	}
	return false
}

// List is Supported for messages: "2026.3.24, 2026.9.6".
func List() string { return strings.Join(Supported, ", ") }

// Source says where a Choice came from.
type Source string

const (
	FromFlag    Source = "flag"    // --openclaw
	FromStamp   Source = "stamp"   // meta.lastTouchedVersion
	FromDefault Source = "default" // no stamp: the seed release
)

// Choice is the release that judges a file and why.
type Choice struct {
	Release string `json:"release"`
	Source  Source `json:"source"`
	// Stamp is meta.lastTouchedVersion as written, when there is one.
	Stamp string `json:"stamp,omitempty"`
	// Reason says why, without repeating Release: "--openclaw",
	// "no meta.lastTouchedVersion", "meta.lastTouchedVersion 2026.9.6".
	Reason string `json:"reason"`
}

// Choose picks the release: flag when set (it must be Known), else the
// newest supported release not newer than stamp, else Seed. An
// unparseable stamp, or one older than every supported release, falls
// back to Seed and says so.
func Choose(flag, stamp string) (Choice, error) {
	if flag != "" {
		if !Known(flag) {
			return Choice{}, fmt.Errorf("unknown OpenClaw release %q: supported are %s", flag, List())
		}
		return Choice{Release: flag, Source: FromFlag, Stamp: stamp, Reason: "--openclaw"}, nil
	}
	stamp = strings.TrimSpace(stamp)
	if stamp == "" {
		return Choice{Release: Seed, Source: FromDefault, Reason: "no meta.lastTouchedVersion"}, nil
	}
	v, ok := Parse(stamp)
	if !ok {
		return Choice{
			Release: Seed, Source: FromDefault, Stamp: stamp,
			Reason: fmt.Sprintf("meta.lastTouchedVersion %q is not a version", stamp),
		}, nil
	}
	pick := ""
	for _, s := range Supported {
		sv, _ := Parse(s)
		if Compare(sv, v) <= 0 {
			pick = s
		}
	}
	switch {
	case pick == "":
		return Choice{
			Release: Seed, Source: FromStamp, Stamp: stamp,
			Reason: fmt.Sprintf("meta.lastTouchedVersion %s is older than every supported release", stamp),
		}, nil
	case pick == stamp:
		return Choice{Release: pick, Source: FromStamp, Stamp: stamp, Reason: "meta.lastTouchedVersion " + stamp}, nil
	default:
		return Choice{
			Release: pick, Source: FromStamp, Stamp: stamp,
			Reason: fmt.Sprintf("meta.lastTouchedVersion %s; the newest supported release not newer", stamp),
		}, nil
	}
}

// Version is a parsed OpenClaw version.
type Version struct {
	Main [3]int
	// Pre holds prerelease identifiers; a single numeric one is a
	// correction (2026.3.24-1), which OpenClaw orders after 2026.3.24.
	Pre []string
}

func (v Version) correction() bool {
	return len(v.Pre) == 1 && isNum(v.Pre[0])
}

// Parse reads "2026.3.24", "v2026.3.24", "2026.3.24-beta.1",
// "2026.3.24.beta.1" (OpenClaw's legacy spelling) and "2026.3.24-1".
// Build metadata (+...) is ignored.
func Parse(s string) (Version, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "v"), "V")
	if i := strings.IndexByte(s, '+'); i >= 0 {
		s = s[:i]
	}
	var pre string
	if i := strings.IndexByte(s, '-'); i >= 0 {
		s, pre = s[:i], s[i+1:]
		if pre == "" {
			return Version{}, false
		}
	}
	parts := strings.Split(s, ".")
	if len(parts) > 3 && pre == "" && parts[3] == "beta" {
		pre = strings.Join(parts[3:], ".")
		parts = parts[:3]
	}
	if len(parts) != 3 {
		return Version{}, false
	}
	var v Version
	for i, p := range parts {
		if !isNum(p) || (len(p) > 1 && p[0] == '0') {
			return Version{}, false
		}
		n, err := strconv.Atoi(p)
		if err != nil {
			return Version{}, false
		}
		v.Main[i] = n
	}
	if pre != "" {
		for _, id := range strings.Split(pre, ".") {
			if id == "" {
				return Version{}, false
			}
			v.Pre = append(v.Pre, id)
		}
	}
	return v, true
}

// Compare orders versions as OpenClaw's compareOpenClawSemver: main
// numbers, then a prerelease before its release, a correction after it.
func Compare(a, b Version) int {
	for i := range a.Main {
		if c := cmp.Compare(a.Main[i], b.Main[i]); c != 0 {
			return c
		}
	}
	rank := func(v Version) int {
		switch {
		case v.correction():
			return 2
		case len(v.Pre) == 0:
			return 1
		}
		return 0
	}
	if c := cmp.Compare(rank(a), rank(b)); c != 0 {
		return c
	}
	if a.correction() {
		x, _ := strconv.Atoi(a.Pre[0])
		y, _ := strconv.Atoi(b.Pre[0])
		return cmp.Compare(x, y)
	}
	for i := 0; i < len(a.Pre) && i < len(b.Pre); i++ {
		x, y := a.Pre[i], b.Pre[i]
		xn, yn := isNum(x), isNum(y)
		switch {
		case xn && yn:
			p, _ := strconv.Atoi(x)
			q, _ := strconv.Atoi(y)
			if c := cmp.Compare(p, q); c != 0 {
				return c
			}
		case xn != yn:
			if xn {
				return -1
			}
			return 1
		default:
			if c := strings.Compare(x, y); c != 0 {
				return c
			}
		}
	}
	return cmp.Compare(len(a.Pre), len(b.Pre))
}

func isNum(s string) bool {
	if s == "" || len(s) > 9 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
