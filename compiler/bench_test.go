package compiler_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/openclawcfg/openclawcfg/compiler"
	"github.com/openclawcfg/openclawcfg/internal/release"
)

func benchFiles(b *testing.B, glob string) [][]byte {
	files, err := filepath.Glob(glob)
	if err != nil || len(files) == 0 {
		b.Fatalf("no files for %s", glob)
	}
	var out [][]byte
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, src)
	}
	return out
}

// BenchmarkVetExample vets one realistic multi-account config as each
// supported release.
func BenchmarkVetExample(b *testing.B) {
	src := benchFiles(b, "../examples/multi-account.json5")[0]
	for _, rel := range release.Supported {
		b.Run(rel, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				compiler.Vet("x.json5", src, compiler.Options{OpenClaw: rel})
			}
		})
	}
}

// BenchmarkVetWholeConfig vets a whole openclaw.json (gateway, models,
// tools, logging, agent defaults and the channel) as each supported
// release: the core-schema check of the sections openclawcfg does not
// model key by key is on this path.
func BenchmarkVetWholeConfig(b *testing.B) {
	src := benchFiles(b, "../bench/testdata/whole-config.json5")[0]
	env := func(k string) (string, bool) { return "t", k == "OPENCLAW_GATEWAY_TOKEN" }
	for _, rel := range release.Supported {
		b.Run(rel, func(b *testing.B) {
			if r := compiler.Vet("x.json5", src, compiler.Options{OpenClaw: rel, Env: env}); !r.OK() {
				b.Fatalf("the whole config fails as %s: %v", rel, r.Diagnostics)
			}
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				compiler.Vet("x.json5", src, compiler.Options{OpenClaw: rel, Env: env})
			}
		})
	}
}

// BenchmarkVetCorpus vets the whole conformance corpus (valid and invalid
// configs) per iteration, as each supported release; configs/s is the
// figure to compare with the 5,000/s target.
func BenchmarkVetCorpus(b *testing.B) {
	srcs := benchFiles(b, "testdata/conformance/cases/*.json5")
	for _, rel := range release.Supported {
		b.Run(rel, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, src := range srcs {
					compiler.Vet("x.json5", src, compiler.Options{OpenClaw: rel})
				}
			}
			b.ReportMetric(float64(len(srcs))*float64(b.N)/b.Elapsed().Seconds(), "configs/s")
		})
	}
}

// BenchmarkCompileExample vets, lowers and seals the multi-account example:
// compile throughput.
func BenchmarkCompileExample(b *testing.B) {
	src := benchFiles(b, "../examples/multi-account.json5")[0]
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if r, err := compiler.Compile("x.json5", src, compiler.Options{Generator: "bench"}); err != nil || r.Sealed == nil {
			b.Fatal("no plan", err)
		}
	}
}
