#!/usr/bin/env bash
# What a change costs a cold `vet` (issue 14's budget: at most +10 % for
# the release profiles): builds openclawcfg at BASE (default bcdb35d, the
# last commit before the profiles) and at the working tree, then times cold
# `vet` of one example (EXAMPLE=FILE; bench/testdata/whole-config.json5 is
# a whole openclaw.json, with the sections the core-schema check reads),
# interleaving the two binaries round by round so machine noise hits both
# alike. Prints each side's median of the per-round means and the ratio.
#   bench/release-cost.sh [BASE] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:-bcdb35d}
rounds=${2:-15}
example=${EXAMPLE:-examples/multi-account.json5}
work=$(mktemp -d)
trap 'git worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

git worktree add -q --detach "$work/base" "$base"
(cd "$work/base" && CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o "$work/openclawcfg-base" ./cmd/openclawcfg)
CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o "$work/openclawcfg-new" ./cmd/openclawcfg
go build -o "$work/cold" ./bench/cold

cp "$example" "$work/seed.json5"
# The same config stamped for 2026.9.6 (its own profile's table).
sed '0,/{/s//{ meta: { lastTouchedVersion: "2026.9.6" },/' "$example" > "$work/stamped.json5"
"$work/openclawcfg-new" vet "$work/stamped.json5" 2>/dev/null || true

for f in seed stamped; do
  : > "$work/$f.base"; : > "$work/$f.new"
done
for r in $(seq "$rounds"); do
  for side in base new; do
    read -r m _ < <("$work/cold" -n 10 -- "$work/openclawcfg-$side" vet "$work/seed.json5")
    echo "$m" >> "$work/seed.$side"
  done
  read -r m _ < <("$work/cold" -n 10 -- "$work/openclawcfg-new" vet "$work/stamped.json5")
  echo "$m" >> "$work/stamped.new"
done
median() { sort -n "$1" | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
b=$(median "$work/seed.base"); n=$(median "$work/seed.new"); s=$(median "$work/stamped.new")
echo "machine: $(nproc) cores, $(go version | cut -d' ' -f3), example: $example, $rounds rounds of 10 cold runs each"
echo "vet at $base:                          ${b} ms"
echo "vet now, judged as 2026.3.24:         ${n} ms  ($(awk -v a="$n" -v b="$b" 'BEGIN { printf "%+.1f %%", (a / b - 1) * 100 }'))"
echo "vet now, stamped, judged as 2026.9.6: ${s} ms  ($(awk -v a="$s" -v b="$b" 'BEGIN { printf "%+.1f %%", (a / b - 1) * 100 }'))"
