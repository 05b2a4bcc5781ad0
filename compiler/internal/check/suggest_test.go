package check

import "testing"

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"open", "open", 0},
		{"opne", "open", 1},
		{"oepn", "open", 1},
		{"pairnig", "pairing", 1},
		{"open", "opens", 1},
		{"cliPth", "cliPath", 1},
		{"abc", "cab", 2},
		{"ca", "abc", 3},
		{"kitten", "sitting", 3},
	} {
		if got := distance(c.a, c.b); got != c.want {
			t.Errorf("distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := distance(c.b, c.a); got != c.want {
			t.Errorf("distance(%q, %q) = %d, want %d (not symmetric)", c.b, c.a, got, c.want)
		}
	}
}

func TestClosest(t *testing.T) {
	policies := []string{"pairing", "allowlist", "open", "disabled"}
	keys := []string{"allowFrom", "groupAllowFrom", "groupPolicy", "groups", "dmPolicy", "textChunkLimit"}
	for _, c := range []struct {
		s    string
		list []string
		want string
	}{
		{"opne", policies, "open"},                  // a swap is one edit
		{"Open", policies, "open"},                  // case is nearly nothing
		{"disabeld", policies, "disabled"},          // a swap in a long word
		{"groupAllow", keys, "groupAllowFrom"},      // the start of one key
		{"textChunk", keys, "textChunkLimit"},       // the start of one key
		{"group", keys, "groups"},                   // one letter short of "groups"
		{"grou", keys, ""},                          // the start of several keys
		{"allo", keys, "allowFrom"},                 // 4 letters are enough
		{"all", keys, ""},                           // 3 are not
		{"wat", keys, ""},                           // nothing close
		{"dmPolicies", keys, ""},                    // longer, not a prefix, too far
		{"allowfrom", keys, "allowFrom"},            // case only
		{"groupAllowFromm", keys, "groupAllowFrom"}, // one extra letter
	} {
		if got := closest(c.s, c.list); got != c.want {
			t.Errorf("closest(%q) = %q, want %q", c.s, got, c.want)
		}
	}
}

func TestRootKeyKnown(t *testing.T) {
	for key, want := range map[string]bool{
		"channels": true, "chanels": true, "$include": true, "imessage": true, "agent": true, "agents": true,
		"name": false, "version": false, "scripts": false, "compilerOptions": false, "dependencies": false,
	} {
		if got := RootKeyKnown(key); got != want {
			t.Errorf("RootKeyKnown(%q) = %v, want %v", key, got, want)
		}
	}
}
