package plan_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/openclawcfg/openclawcfg/plan"
)

// sample is a small valid plan: every origin set, every enum and range
// as compile writes them.
func sample() *plan.Plan {
	def := plan.Origin{Kind: "default"}
	return &plan.Plan{
		Generator: "test", TargetOpenClaw: "2026.3.24", Source: "x.json5", SourceSHA256: "00",
		ChannelConfigured: true,
		Enabled:           plan.Value[bool]{Value: true, Origin: def},
		DefaultAccount:    plan.Value[string]{Value: "default", Origin: def},
		Accounts: []plan.Account{{
			ID: "default", Name: plan.Value[string]{Origin: def}, Enabled: plan.Value[bool]{Value: true, Origin: def},
			Configured: true, CLIPath: plan.Value[string]{Value: "imsg", Origin: def}, CLIPathExpanded: "imsg",
			DBPath: plan.Value[string]{Origin: def}, Service: plan.Value[string]{Value: "auto", Origin: def},
			Region: plan.Value[string]{Value: "US", Origin: def},
			DM: plan.DMPolicy{
				Policy:    plan.Value[plan.DMMode]{Value: plan.DMPairing, Origin: def},
				AllowFrom: plan.Value[[]plan.AllowEntry]{Value: []plan.AllowEntry{}, Origin: def}, PairingStoreCounts: true,
			},
			Groups: plan.GroupPolicy{
				Policy:  plan.Value[plan.GroupMode]{Value: plan.GroupAllowlist, Origin: def},
				Senders: plan.Value[[]plan.AllowEntry]{Value: []plan.AllowEntry{}, Origin: def}, AllowlistEnabled: true,
				GroupsOrigin: def, Chats: []plan.GroupChat{},
			},
			RemoteHost:  plan.RemoteHost{Source: "none", Origin: def},
			Attachments: plan.Attachments{Include: plan.Value[bool]{Origin: def}, LocalRoots: []string{"/Users/*/Library/Messages/Attachments"}},
			Outbound: plan.Outbound{
				TextChunkLimit: plan.Value[int]{Value: 4000, Origin: def}, ChunkMode: plan.Value[string]{Value: "length", Origin: def},
				MediaMaxBytes: plan.Value[int64]{Value: 16 << 20, Origin: def}, MarkdownTables: plan.Value[string]{Value: "code", Origin: def},
			},
			History:      plan.History{GroupLimit: plan.Value[int]{Value: 50, Origin: def}},
			ConfigWrites: plan.Value[bool]{Value: true, Origin: def}, ResponsePrefix: plan.Value[string]{Origin: def},
		}},
		Global: plan.Global{
			DMScope:         plan.Value[plan.DMScope]{Value: plan.ScopeMain, Origin: def},
			UseAccessGroups: plan.Value[bool]{Value: true, Origin: def}, CommandsConfig: plan.Value[bool]{Origin: def},
			InboundDebounceMs: plan.Value[int]{Origin: def},
			Agents:            []plan.Agent{{ID: "main", Default: true, Implicit: true, Mentions: plan.Mentions{Patterns: plan.Value[[]string]{Value: []string{}, Origin: def}}}},
		},
	}
}

func TestSealLoadRoundTrip(t *testing.T) {
	b, err := plan.Seal(sample())
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := plan.Seal(sample())
	if !bytes.Equal(b, b2) {
		t.Fatal("sealing equal plans gave different bytes")
	}
	p, err := plan.Load(b)
	if err != nil {
		t.Fatal(err)
	}
	if p.PlanVersion != plan.Version || p.Accounts[0].DM.Policy.Value != "pairing" || !strings.HasPrefix(p.Digest, "sha256:") {
		t.Fatalf("loaded plan lost data: %+v", p)
	}
	// A loaded plan seals back to the same bytes.
	again, _ := plan.Seal(p)
	if !bytes.Equal(b, again) {
		t.Fatal("load+seal is not the identity")
	}
}

func TestLoadRefuses(t *testing.T) {
	good, _ := plan.Seal(sample())
	for name, tc := range map[string]struct {
		b    []byte
		want string
	}{
		"tampered value":  {bytes.Replace(good, []byte(`"pairing"`), []byte(`"open"`), 1), "digest does not match"},
		"tampered digest": {bytes.Replace(good, []byte(`"sha256:`), []byte(`"sha256:0`), 1), "digest does not match"},
		"other version":   {reseal(t, good, replace(`"planVersion": 2`, `"planVersion": 1`)), "version 1"},
		"unknown field":   {reseal(t, good, replace(`"planVersion"`, `"extra": 1, "planVersion"`)), "unknown field"},
		"trailing data":   {reseal(t, good, func(b []byte) []byte { return append(b, "{}"...) }), "trailing data"},
		"whitespace edit": {bytes.Replace(good, []byte("  "), []byte("   "), 1), "digest does not match"},
		"not json":        {[]byte("plan"), "no digest"},
		"empty":           {nil, "no digest"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := plan.Load(tc.b)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Load = %v, want an error containing %q", err, tc.want)
			}
		})
	}
	if _, err := plan.Load(bytes.Replace(good, []byte(`"pairing"`), []byte(`"open"`), 1)); !errors.Is(err, plan.ErrTampered) {
		t.Fatalf("tampered plan: %v, want ErrTampered", err)
	}
}

// BenchmarkLoad loads and verifies the multi-account example's plan: the
// runtime's start-up cost for trusting a plan.
func BenchmarkLoad(b *testing.B) {
	data, err := os.ReadFile("../examples/testdata/multi-account.plan.json")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := plan.Load(data); err != nil {
			b.Fatal(err)
		}
	}
}

// reseal edits a sealed plan and recomputes its digest the way Seal does,
// to reach the checks behind the digest.
func reseal(t *testing.T, sealed []byte, edit func([]byte) []byte) []byte {
	t.Helper()
	i := bytes.Index(sealed, []byte(`"digest": "`))
	j := bytes.IndexByte(sealed[i+11:], '"')
	blank := append(append(append([]byte{}, sealed[:i]...), `"digest": ""`...), sealed[i+11+j+1:]...)
	blank = edit(blank)
	sum := sha256.Sum256(blank)
	return bytes.Replace(blank, []byte(`"digest": ""`), []byte(`"digest": "sha256:`+hex.EncodeToString(sum[:])+`"`), 1)
}

func replace(old, new string) func([]byte) []byte {
	return func(b []byte) []byte { return bytes.Replace(b, []byte(old), []byte(new), 1) }
}
