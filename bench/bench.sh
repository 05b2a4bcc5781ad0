#!/usr/bin/env bash
# Times openclawcfg against OpenClaw's own validator in one run and prints
# ratios. Needs Go; the OpenClaw side needs ../shared/oracle set up
# (OPENCLAW_VERSIONS=2026.3.24 ../shared/oracle/setup.sh) and is skipped
# when it is not. Both sides are timed by bench/cold (mean of N cold runs).
#   bench/bench.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-30}
oracle=${ORACLE:-../shared/oracle/oracle.sh}
export OPENCLAW_VERSION=2026.3.24
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The release build: static (kong's os/user would otherwise pull in cgo and
# the dynamic loader) and stripped.
CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o "$work/openclawcfg" ./cmd/openclawcfg
go build -o "$work/cold" ./bench/cold
bin="$work/openclawcfg"
example=${EXAMPLE:-examples/multi-account.json5}

# 1,000 configs: the conformance corpus, cycled.
mkdir -p "$work/k"
mapfile -t cases < <(ls compiler/testdata/conformance/cases/*.json5)
for i in $(seq 0 999); do cp "${cases[$((i % ${#cases[@]}))]}" "$work/k/$(printf %04d "$i").json5"; done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
echo "machine: $(nproc) cores, $(go version | cut -d' ' -f3), example: $example"
# The floor: a Go binary that exits at once (bench/cold with no arguments).
read -r floor floor_min < <("$work/cold" -n "$runs" -- "$work/cold")
echo "process floor (Go binary exiting at once): mean ${floor} ms, fastest ${floor_min} ms"
read -r vet_one vet_one_min < <("$work/cold" -n "$runs" -- "$bin" vet "$example")
echo "openclawcfg vet, one file, cold:         mean ${vet_one} ms, fastest ${vet_one_min} ms ($runs runs)"
read -r vet_dir _ < <("$work/cold" -n 5 -- "$bin" vet "$work/k")
echo "openclawcfg vet, 1,000 configs, cold:    ${vet_dir} ms => $(awk -v d="$vet_dir" 'BEGIN { printf "%.0f", 1e6 / d }') configs/s"

if [ -x "$oracle" ] && "$oracle" "$example" >/dev/null 2>&1; then
  read -r oc_one oc_one_min < <("$work/cold" -n 5 -- "$oracle" "$example")
  echo "openclaw config validate (oracle), one:  mean ${oc_one} ms, fastest ${oc_one_min} ms (5 runs)"
  echo "ratio, one file cold:                    $(ratio "$oc_one" "$vet_one")x (mean), $(ratio "$oc_one_min" "$vet_one_min")x (fastest)"
  ls "$work"/k/*.json5 > "$work/list"
  read -r oc_dir _ < <("$work/cold" -n 1 -- sh -c "\"$oracle\" --stdin < \"$work/list\"")
  echo "oracle --stdin, 1,000 configs:           ${oc_dir} ms (one process)"
  echo "ratio, 1,000 configs:                    $(ratio "$oc_dir" "$vet_dir")x"
else
  echo "OpenClaw oracle not installed ($oracle): ratios skipped"
fi

# The 2026.9.6 profile against OpenClaw 2026.9.6 itself (needs
# OPENCLAW_VERSIONS=2026.9.6 ../shared/oracle/setup.sh): the example stamped
# for 2026.9.6, and the corpus with --openclaw 2026.9.6.
sed '0,/{/s//{ meta: { lastTouchedVersion: "2026.9.6" },/' "$example" > "$work/stamped.json5"
read -r v96 v96_min < <("$work/cold" -n "$runs" -- "$bin" vet "$work/stamped.json5")
echo "openclawcfg vet as 2026.9.6, one, cold:  mean ${v96} ms, fastest ${v96_min} ms ($runs runs)"
read -r v96_dir _ < <("$work/cold" -n 5 -- "$bin" vet --openclaw 2026.9.6 "$work/k")
echo "vet --openclaw 2026.9.6, 1,000 configs:  ${v96_dir} ms"
if [ -x "$oracle" ] && "$oracle" --openclaw=2026.9.6 "$example" >/dev/null 2>&1; then
  read -r oc96 oc96_min < <("$work/cold" -n 5 -- "$oracle" --openclaw=2026.9.6 "$work/stamped.json5")
  echo "openclaw 2026.9.6 (oracle), one:         mean ${oc96} ms, fastest ${oc96_min} ms (5 runs)"
  echo "ratio, one file cold, 2026.9.6:          $(ratio "$oc96" "$v96")x (mean), $(ratio "$oc96_min" "$v96_min")x (fastest)"
  ls "$work"/k/*.json5 > "$work/list"
  read -r oc96_dir _ < <("$work/cold" -n 1 -- sh -c "\"$oracle\" --openclaw=2026.9.6 --stdin < \"$work/list\"")
  echo "oracle 2026.9.6 --stdin, 1,000 configs:  ${oc96_dir} ms (one process)"
  echo "ratio, 1,000 configs, 2026.9.6:          $(ratio "$oc96_dir" "$v96_dir")x"
else
  echo "OpenClaw 2026.9.6 oracle not installed: 2026.9.6 ratios skipped"
fi
