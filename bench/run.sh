#!/usr/bin/env bash
# Runs the end-to-end runtime benchmark (bench/runbench) against a release
# build of openclawcfg (static, with symbols so -perf can name functions).
#   bench/run.sh -short                          # 20,000 messages at 1,000/s, about 25 s
#   bench/run.sh -compat -rate 1000 -n 1000000   # the issue's target run, about 17 min
#   bench/run.sh -find-max -rate 50              # highest rate served without a backlog
# Every argument goes to runbench; see bench/runbench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
CGO_ENABLED=0 go build -trimpath -o "$bin/openclawcfg" ./cmd/openclawcfg
go build -o "$bin/runbench" ./bench/runbench
"$bin/runbench" -openclawcfg "$bin/openclawcfg" "$@"
