#!/usr/bin/env bash
# Times openclawcfg against OpenClaw's own validator in one run and prints
# ratios. Needs Go; the OpenClaw side needs ../shared/oracle set up
# (OPENCLAW_VERSIONS=2026.3.24 ../shared/oracle/setup.sh) and is skipped
# when it is not.
#   bench/bench.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-30}
oracle=${ORACLE:-../shared/oracle/oracle.sh}
export OPENCLAW_VERSION=2026.3.24
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -o "$work/openclawcfg" ./cmd/openclawcfg
bin="$work/openclawcfg"
example=${EXAMPLE:-compiler/testdata/conformance/cases/seed-02-multi-account.json5}

now() { date +%s%N; }
# mean_ms CMD...: mean wall time of RUNS cold runs, in milliseconds.
mean_ms() {
  local n=$1; shift
  local t0 t1 total=0
  for _ in $(seq "$n"); do
    t0=$(now); "$@" >/dev/null 2>&1 || true; t1=$(now)
    total=$((total + t1 - t0))
  done
  awk -v t="$total" -v n="$n" 'BEGIN { printf "%.2f", t / n / 1e6 }'
}

# 1,000 configs: the conformance corpus, cycled.
mkdir -p "$work/k"
mapfile -t cases < <(ls compiler/testdata/conformance/cases/*.json5)
for i in $(seq 0 999); do cp "${cases[$((i % ${#cases[@]}))]}" "$work/k/$(printf %04d "$i").json5"; done

echo "machine: $(nproc) cores, $(go version | cut -d' ' -f3)"
vet_one=$(mean_ms "$runs" "$bin" vet "$example")
echo "openclawcfg vet, one file, cold:        ${vet_one} ms (mean of $runs)"
vet_dir=$(mean_ms 5 "$bin" vet "$work/k")
rate=$(awk -v d="$vet_dir" 'BEGIN { printf "%.0f", 1000 * 1000 / d }')
echo "openclawcfg vet, 1,000 configs:         ${vet_dir} ms => ${rate} configs/s"

if [ -x "$oracle" ] && "$oracle" "$example" >/dev/null 2>&1; then
  oc_one=$(mean_ms 5 "$oracle" "$example")
  echo "openclaw config validate (oracle), one: ${oc_one} ms (mean of 5)"
  echo "ratio, one file cold:                   $(awk -v a="$oc_one" -v b="$vet_one" 'BEGIN { printf "%.1f", a / b }')x faster"
  t0=$(now); ls "$work"/k/*.json5 | "$oracle" --stdin >/dev/null 2>&1 || true; t1=$(now)
  oc_dir=$(awk -v d="$((t1 - t0))" 'BEGIN { printf "%.2f", d / 1e6 }')
  echo "oracle --stdin, 1,000 configs:          ${oc_dir} ms (one warm process)"
  echo "ratio, 1,000 configs:                   $(awk -v a="$oc_dir" -v b="$vet_dir" 'BEGIN { printf "%.1f", a / b }')x faster"
else
  echo "OpenClaw oracle not installed ($oracle): ratios skipped"
fi
