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
# profile REL FILE: cold vet of FILE (judged as REL) and of the 1,000
# configs as REL, against OpenClaw REL through the oracle when installed.
profile() {
  local rel=$1 file=$2 one one_min dir oc oc_min oc_dir
  read -r one one_min < <("$work/cold" -n "$runs" -- "$bin" vet "$file")
  echo "openclawcfg vet as $rel, one file, cold:      mean ${one} ms, fastest ${one_min} ms ($runs runs)"
  read -r dir _ < <("$work/cold" -n 5 -- "$bin" vet --openclaw "$rel" "$work/k")
  echo "openclawcfg vet as $rel, 1,000 configs, cold: ${dir} ms => $(awk -v d="$dir" 'BEGIN { printf "%.0f", 1e6 / d }') configs/s"
  if [ -x "$oracle" ] && "$oracle" --openclaw="$rel" "$file" >/dev/null 2>&1; then
    read -r oc oc_min < <("$work/cold" -n 5 -- "$oracle" --openclaw="$rel" "$file")
    echo "OpenClaw $rel (oracle), one file:            mean ${oc} ms, fastest ${oc_min} ms (5 runs)"
    echo "ratio, one file cold, $rel:                  $(ratio "$oc" "$one")x (mean), $(ratio "$oc_min" "$one_min")x (fastest)"
    read -r oc_dir _ < <("$work/cold" -n 1 -- sh -c "\"$oracle\" --openclaw=$rel --stdin < \"$work/list\"")
    echo "OpenClaw $rel (oracle --stdin), 1,000 configs: ${oc_dir} ms (one process)"
    echo "ratio, 1,000 configs, $rel:                  $(ratio "$oc_dir" "$dir")x"
  else
    echo "OpenClaw $rel oracle not installed ($oracle): its ratios skipped"
  fi
}

ls "$work"/k/*.json5 > "$work/list"
profile 2026.3.24 "$example"
# The same example stamped for 2026.9.6 (needs
# OPENCLAW_VERSIONS=2026.9.6 ../shared/oracle/setup.sh for the ratios).
sed '0,/{/s//{ meta: { lastTouchedVersion: "2026.9.6" },/' "$example" > "$work/stamped.json5"
profile 2026.9.6 "$work/stamped.json5"
