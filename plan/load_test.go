package plan_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/openclawcfg/openclawcfg/plan"
)

func examplePlan(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("../examples/testdata/multi-account.plan.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestLoadRefusesEdits pins each refusal of a plan whose digest was
// recomputed after the edit, so only the loader's own checks stand in the
// way. Each error names what is wrong.
func TestLoadRefusesEdits(t *testing.T) {
	good := examplePlan(t)
	if _, err := plan.Load(good); err != nil {
		t.Fatalf("the example plan does not load: %v", err)
	}
	for _, tc := range []struct {
		name string
		edit func([]byte) []byte
		want string
	}{
		// The list.
		{
			"duplicate top-level key", replace(`"channelConfigured": true,`, `"channelConfigured": false, "channelConfigured": true,`),
			`plan: key "channelConfigured" appears twice in the top-level object`,
		},
		{
			"duplicate nested key", replace(`"allowAll": false,`, `"allowAll": true, "allowAll": false,`),
			`plan: key "allowAll" appears twice in accounts[0].dm`,
		},
		{
			"case-variant key", replace(`"planVersion": 2`, `"PlanVersion": 2`),
			`plan: key "PlanVersion" in the top-level object is not spelled as the plan spells it: "planVersion" (keys are case-sensitive)`,
		},
		{
			"case-variant nested key", replace(`"textChunkLimit": {`, `"textchunklimit": {`),
			`plan: key "textchunklimit" in accounts[0].outbound is not spelled as the plan spells it: "textChunkLimit" (keys are case-sensitive)`,
		},
		{"trailing }", appendBytes("}\n"), `plan: trailing data after the plan at byte 19138: "}\n"`},
		{"trailing ]", appendBytes("]"), `plan: trailing data after the plan at byte 19138: "]"`},
		{"trailing value", appendBytes(`{"planVersion": 2}`), `plan: trailing data after the plan at byte 19138: "{\"planVersion\": 2}"`},
		{
			"unknown DM policy", replace(`"value": "allowlist"`, `"value": "everyone"`),
			`plan: invalid value: accounts[0].dm.policy.value is "everyone", not a DM policy (pairing, allowlist, open, disabled)`,
		},
		{
			"negative chunk limit", replace(`"value": 3000`, `"value": -5`),
			`plan: invalid value: accounts[0].outbound.textChunkLimit.value is -5: a chunk limit must be > 0`,
		},
		// Enums and ranges beyond the examples.
		{"unknown group policy", replace(`"value": "disabled"`, `"value": "public"`), `accounts[1].groups.policy.value is "public", not a group policy (open, allowlist, disabled)`},
		{"unknown chunk mode", replace(`"value": "newline"`, `"value": "words"`), `.outbound.chunkMode.value is "words", not a chunk mode (length, newline)`},
		{"unknown table mode", replace(`"value": "bullets"`, `"value": "html"`), `.outbound.markdownTables.value is "html", not a markdown table mode (off, bullets, code)`},
		{"unknown service", replace(`"value": "auto"`, `"value": "rcs"`), `accounts[0].service.value is "rcs", not a service (auto, imessage, sms)`},
		{"unknown DM scope", replace(`"value": "per-account-channel-peer"`, `"value": "global"`), `global.dmScope.value is "global", not a DM scope`},
		{"unknown origin", replace(`"kind": "inherited"`, `"kind": "guessed"`), `accounts[0].enabled.origin.kind is "guessed", not one of set, inherited`},
		{"unknown allow entry kind", replace(`"kind": "handle"`, `"kind": "email"`), `.kind is "email", not a allow-list entry kind`},
		{"zero media limit", replace(`"value": 8388608`, `"value": 0`), `.outbound.mediaMaxBytes.value is 0: a media limit must be > 0`},
		{"negative history", replace(`"value": 40`, `"value": -1`), `.history.groupLimit.value is -1: a history limit must be >= 0`},
		{"account id not normalised", replace(`"id": "personal"`, `"id": "Personal"`), `accounts[0].id is "Personal", not a normalised account id (OpenClaw would run it as "personal")`},
		{"default account unknown", replace(`"value": "personal"`, `"value": "nobody"`), `defaultAccount.value is "nobody", which names none of the plan's accounts`},
		{"allowAll without *", replace(`"allowAll": false`, `"allowAll": true`), `accounts[0].dm.allowAll is true, but allowFrom does not contain "*"`},
		{"pairing flag", replace(`"pairingStoreCounts": false`, `"pairingStoreCounts": true`), `dm.pairingStoreCounts is true, but pairing approvals count under every DM policy except "allowlist"`},
		{"root that allows every file", replace(`"/Users/*/Library/Messages/Attachments"`, `"/"`), `.attachments.localRoots[0] is "/", which is the filesystem root, which would allow every file`},
		{
			"remote host that is an ssh option", replace(`"source": "none"`, `"host": "-oProxyCommand=touch /tmp/x", "source": "config"`),
			`.remoteHost.host is "-oProxyCommand=touch /tmp/x", which contains whitespace`,
		},
		// Shape.
		{"unknown key", replace(`"configured": true`, `"configured": true, "shell": "rm -rf /"`), `plan: unknown field "shell" in accounts[0]`},
		{"missing key", replace("\"configured\": true,\n", ""), `plan: key "configured" is missing in accounts[0]`},
		{"wrong kind", replace(`"value": 3000`, `"value": "3000"`), `plan: accounts[0].outbound.textChunkLimit.value is a string, where an integer belongs`},
		{"null for a bool", replace(`"configured": true`, `"configured": null`), `plan: accounts[0].configured is null, where true or false belongs`},
		{"fractional chunk limit", replace(`"value": 3000`, `"value": 3000.5`), `cannot unmarshal number 3000.5`},
		{"number form", replace(`"value": 3000`, `"value": 3e3`), `cannot unmarshal number 3e3`},
		{"negative zero", replace(`"value": 1500`, `"value": -0`), `plan: not the bytes compile writes (first difference on line 668`},
		{
			"key order", replace("\"planVersion\": 2,\n  \"generator\": \"openclawcfg test\",", "\"generator\": \"openclawcfg test\",\n  \"planVersion\": 2,"),
			`plan: not the bytes compile writes (first difference on line 2`,
		},
		{"escaped character", replace(`"source": "multi-account.json5"`, `"source": "multi-account.json\u0035"`), `not the bytes compile writes (first difference on line 5`},
		{"truncated", func(b []byte) []byte { return b[:len(b)/2] }, `plan: not valid JSON: it ends too early (truncated?)`},
		{"syntax", replace(`"configured": true,`, `"configured": true,,`), `plan: not valid JSON at byte `},
		{
			"bad signature field", replace(`"channelConfigured": true,`, `"signature": {"keyId": "x", "ed25519": "AA=="}, "channelConfigured": true,`),
			`signature.keyId is "x", not ed25519: and 16 hex digits; signature.ed25519 is not a base64 ed25519 signature (64 bytes)`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := forge(tc.edit(bytes.Clone(good)))
			if bytes.Equal(b, good) {
				t.Fatal("the edit changed nothing")
			}
			_, err := plan.Load(b)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Load = %v\nwant an error containing %s", err, tc.want)
			}
			if errors.Is(err, plan.ErrTampered) {
				t.Fatal("refused for the digest, not for the edit")
			}
		})
	}
}

// forge recomputes the digest of an edited plan as anyone can: the sha256
// of the bytes with the digest value empty and the signature member, which
// follows the digest, left out.
func forge(b []byte) []byte {
	const key = `"digest": "`
	i := bytes.Index(b, []byte(key)) + len(key)
	j := i + bytes.IndexByte(b[i:], '"')
	if i < len(key) || j < i {
		return b
	}
	rest := b[j:]
	if bytes.HasPrefix(rest, []byte("\",\n  \"signature\": {")) {
		rest = rest[bytes.IndexByte(rest, '}')+1:]
		rest = append([]byte{'"'}, rest...)
	}
	sum := sha256.Sum256(append(append(bytes.Clone(b[:i]), rest...), nil...))
	return append(append(append(bytes.Clone(b[:i]), "sha256:"+hex.EncodeToString(sum[:])...), b[j:]...), nil...)
}

func appendBytes(s string) func([]byte) []byte {
	return func(b []byte) []byte { return append(b, s...) }
}

// TestLoadEditWithRecomputedDigest is the limit of the digest: a
// deliberate edit whose digest was recomputed, to another valid value,
// loads; only a signature catches it.
func TestLoadEditWithRecomputedDigest(t *testing.T) {
	pub, priv := testKey(t)
	signed, err := plan.Sign(examplePlan(t), priv)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plan.LoadSigned(signed, pub); err != nil {
		t.Fatalf("the signed plan does not verify: %v", err)
	}
	// The program the runtime starts for the account.
	edited := forge(bytes.ReplaceAll(signed, []byte(`"/opt/homebrew/bin/imsg"`), []byte(`"/tmp/not-imsg"`)))
	p, err := plan.Load(edited)
	if err != nil {
		t.Fatalf("an edit with a recomputed digest should load without a key (that is the digest's limit): %v", err)
	}
	if p.Accounts[0].CLIPathExpanded != "/tmp/not-imsg" {
		t.Fatal("the edit did not take")
	}
	_, err = plan.LoadSigned(edited, pub)
	if !errors.Is(err, plan.ErrBadSignature) || !strings.Contains(err.Error(), "changed after it was signed") {
		t.Fatalf("LoadSigned of an edited plan = %v, want ErrBadSignature (changed after it was signed)", err)
	}
}

// FuzzLoad: no input panics Load or LoadSigned, and whatever Load accepts
// is canonical: an unsigned plan seals back to the same bytes. Each input
// is also tried with its digest recomputed (forge), else almost no
// mutation would get past the digest to the shape and value checks.
func FuzzLoad(f *testing.F) {
	// Small seeds only: the fuzzer minimises each new input, and a 19 KB
	// plan takes it minutes.
	small, _ := plan.Seal(sample())
	f.Add(small)
	pub, priv := testKey(f)
	signed, err := plan.Sign(small, priv)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(signed)
	f.Add(append(bytes.Clone(small), '}'))
	f.Add([]byte(`{"planVersion": 2, "digest": ""}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		loadCanonical(t, b, pub)
		if bytes.Contains(b, []byte(`"digest": "`)) {
			loadCanonical(t, forge(bytes.Clone(b)), pub)
		}
	})
}

func loadCanonical(t *testing.T, b []byte, pub ed25519.PublicKey) {
	p, err := plan.Load(b)
	if _, serr := plan.LoadSigned(b, pub); serr == nil && err != nil {
		t.Fatalf("LoadSigned accepted what Load refused: %v", err)
	}
	if err != nil || p.Signature != nil {
		return
	}
	again, err := plan.Seal(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, b) {
		t.Fatalf("Load accepted bytes that are not canonical:\n%s", b)
	}
}

func testKey(t testing.TB) (ed25519.PublicKey, ed25519.PrivateKey) {
	t.Helper()
	seed := bytes.Repeat([]byte{7}, ed25519.SeedSize)
	priv := ed25519.NewKeyFromSeed(seed)
	return priv.Public().(ed25519.PublicKey), priv
}
