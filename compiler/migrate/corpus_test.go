package migrate_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openclawcfg/openclawcfg/compiler"
	"github.com/openclawcfg/openclawcfg/compiler/migrate"
	"github.com/openclawcfg/openclawcfg/internal/oraclegolden"
	"github.com/openclawcfg/openclawcfg/plan/report"
)

var update = flag.Bool("update", false, "rewrite testdata/migrate/out from migrate's current output")

type verdict struct {
	Case   string `json:"case"`
	OK     bool   `json:"ok"`
	SHA256 string `json:"sha256"`
	Errors []struct {
		Path    string `json:"path"`
		Message string `json:"message"`
	} `json:"errors"`
}

// unavoidable lists the migrated cases whose effective policies differ
// between 2026.3.24 and 2026.9.6 because 2026.9.6 itself reads the same
// value differently; migrate must report exactly that difference.
var unavoidable = map[string]string{
	"293-attroot-valid-windows-drive.json5":     "2026.9.6 lower-cases a Windows drive root (C:/Users -> c:/users) before matching",
	"294-attroot-valid-windows-backslash.json5": "2026.9.6 lower-cases a Windows drive root (C:\\Users -> c:/users) before matching",
	"362-json5-trailing-commas.json5":           `2026.9.6 keeps a handle that is no phone number or email as written; 2026.3.24 read "a" as "+"`,
	"426-dup-dmpolicy-refinement.json5":         `2026.9.6 keeps a handle that is no phone number or email as written; 2026.3.24 read "x" as "+"`,
	"547-env-in-array.json5":                    `2026.9.6 keeps an unset "${VAR}" entry as written; 2026.3.24 read it as "+"`,
}

const (
	casesDir = "../testdata/conformance/cases"
	outDir   = "../testdata/migrate/out"
)

func noEnv(string) (string, bool) { return "", false }

// TestCorpus migrates every conformance case 2026.3.24 accepts: each is
// either refused with reasons, or migrated to exactly the committed
// output, which 2026.9.6 accepts (the golden of
// scripts/oracle-migrate.sh, recorded for these very bytes) and whose
// effective policies equal the input's.
func TestCorpus(t *testing.T) {
	seed := oraclegolden.Read[verdict](t, "../testdata/conformance/oracle-2026.3.24.jsonl")
	nine := map[string]verdict{}
	if !*update {
		for _, v := range oraclegolden.Read[verdict](t, "../testdata/migrate/oracle-2026.9.6.jsonl") {
			nine[v.Case] = v
		}
	}
	var migrated, accepted, samePolicy, reported, refused int
	written := map[string]bool{}
	for _, c := range seed {
		if !c.OK {
			continue
		}
		name := filepath.Join(casesDir, c.Case)
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		opt := compiler.Options{Env: noEnv}
		res, err := migrate.To(name, src, "2026.9.6", opt)
		if err != nil {
			t.Errorf("%s: %v", c.Case, err)
			continue
		}
		if res.Invalid() {
			t.Errorf("%s: 2026.3.24 accepts it but migrate finds it invalid: %v", c.Case, res.Vet.Diagnostics)
			continue
		}
		if len(res.Refusals) > 0 {
			refused++
			for _, r := range res.Refusals {
				if r.Message == "" || r.Path == "" || r.Line == 0 {
					t.Errorf("%s: a refusal without path, place or reason: %+v", c.Case, r)
				}
			}
			continue
		}
		migrated++
		out := filepath.Join(outDir, c.Case)
		written[c.Case] = true
		if *update {
			if err := os.WriteFile(out, res.Output, 0o644); err != nil {
				t.Fatal(err)
			}
		} else if want, err := os.ReadFile(out); err != nil || !bytes.Equal(want, res.Output) {
			t.Errorf("%s: the output differs from %s (go test ./compiler/migrate -update, then scripts/oracle-migrate.sh)", c.Case, out)
		}
		sum := sha256.Sum256(res.Output)
		switch v, ok := nine[c.Case]; {
		case !ok:
			t.Errorf("%s: no 2026.9.6 verdict recorded (scripts/oracle-migrate.sh)", c.Case)
		case v.SHA256 != hex.EncodeToString(sum[:]):
			t.Errorf("%s: the 2026.9.6 verdict is for other bytes than migrate writes now (scripts/oracle-migrate.sh)", c.Case)
		case !v.OK:
			t.Errorf("%s: 2026.9.6 rejects the migrated config: %+v", c.Case, v.Errors)
		default:
			accepted++
		}
		// The effective policies: the input as 2026.3.24 reads it, the
		// output as 2026.9.6 does.
		before, err1 := compiler.Compile(name, src, compiler.Options{Env: noEnv, OpenClaw: "2026.3.24"})
		after, err2 := compiler.Compile(name, res.Output, compiler.Options{Env: noEnv, OpenClaw: "2026.9.6"})
		switch {
		case err1 != nil || err2 != nil:
			t.Errorf("%s: compile: %v %v", c.Case, err1, err2)
		case before.Plan == nil:
			t.Errorf("%s: the input does not compile: %v", c.Case, before.Diagnostics)
		case after.Plan == nil:
			t.Errorf("%s: openclawcfg rejects the migrated config as 2026.9.6: %v", c.Case, after.Diagnostics)
		default:
			d := append(report.PolicyDiff(before.Plan, after.Plan), report.BehaviourDiff(before.Plan, after.Plan)...)
			why, known := unavoidable[c.Case]
			switch {
			case len(d) == 0 && !known:
				samePolicy++
			case len(d) == 0:
				t.Errorf("%s: listed in unavoidable (%s) but the policies are the same now", c.Case, why)
			case !known:
				t.Errorf("%s: the effective policies changed: %+v", c.Case, d)
			case !cmp.Equal(d, res.Differences):
				t.Errorf("%s: migrate reports %+v, the policies differ by %+v", c.Case, res.Differences, d)
			default:
				reported++
			}
		}
	}
	if !*update {
		ents, _ := os.ReadDir(outDir)
		for _, e := range ents {
			if !written[e.Name()] && strings.HasSuffix(e.Name(), ".json5") {
				t.Errorf("%s: a committed output migrate no longer writes", e.Name())
			}
		}
	}
	t.Logf("2026.3.24-valid cases: migrated %d (accepted by the 2026.9.6 oracle %d, same policies %d, a difference no config can avoid, reported %d), refused with reasons %d",
		migrated, accepted, samePolicy, reported, refused)
}
