package release

import (
	"cmp"
	"testing"
)

func TestChoose(t *testing.T) {
	for _, c := range []struct {
		flag, stamp string
		want        string
		src         Source
	}{
		{"", "", Seed, FromDefault},
		{"", "2026.3.24", Seed, FromStamp},
		{"", "2026.3.23", Seed, FromStamp}, // older than all: the oldest
		{"", "2026.5.2", Seed, FromStamp},
		{"", "2026.9.6", Current, FromStamp},
		{"", "2026.9.6-beta.3", Seed, FromStamp}, // a prerelease comes before its release
		{"", "2026.9.6.beta.3", Seed, FromStamp}, // legacy spelling
		{"", "2026.9.6-1", Current, FromStamp},   // a correction comes after it
		{"", "v2026.11.2", Current, FromStamp},
		{"", "  2026.9.7 ", Current, FromStamp},
		{"", "latest", Seed, FromDefault},
		{"", "2026.09.6", Seed, FromDefault}, // leading zero: not semver
		{Current, "2026.3.24", Current, FromFlag},
	} {
		got, err := Choose(c.flag, c.stamp)
		if err != nil || got.Release != c.want || got.Source != c.src || got.Reason == "" {
			t.Errorf("Choose(%q, %q) = %+v, %v; want %s from %s", c.flag, c.stamp, got, err, c.want, c.src)
		}
	}
	if _, err := Choose("2026.5.2", ""); err == nil {
		t.Error("an unsupported --openclaw must be refused")
	}
}

func TestCompare(t *testing.T) {
	order := []string{"2026.3.2", "2026.3.24-alpha", "2026.3.24-beta.2", "2026.3.24-beta.10", "2026.3.24", "2026.3.24-1", "2026.3.24-2", "2026.9.6"}
	for i := range order {
		for j := range order {
			a, _ := Parse(order[i])
			b, _ := Parse(order[j])
			want := cmp.Compare(i, j)
			if got := Compare(a, b); got != want {
				t.Errorf("Compare(%s, %s) = %d, want %d", order[i], order[j], got, want)
			}
		}
	}
}
