#!/usr/bin/env bash
# The chaos test of openclawcfg run (issue 10): 1,000 failure cycles of
# kill -9 / SIGTERM / imsg crashes / imsg-fake faults / late rows / a
# replaced chat.db while numbered messages stream in, then the figures
# (messages lost, dispatched twice, replies lost or sent twice, late rows
# answered: each must be 0; exit 1 otherwise). 7 to 12 minutes, with the drain.
#   bench/chaos.sh                            # run as it is
#   bench/chaos.sh -compat                    # --compat openclaw: OpenClaw's losses, reported
#   bench/chaos.sh -imsg-version 0.14.2       # the later imsg surface
#   bench/chaos.sh -cycles 200 -seed 42 -json # any flag of bench/chaos (go run ./bench/chaos -h)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/openclawcfg" ./cmd/openclawcfg
go build -o "$bin/imsg-fake" ./cmd/imsg-fake
go build -o "$bin/handler" ./bench/chaos/handler
go build -o "$bin/chaos" ./bench/chaos
echo "machine: $(nproc) cores, $(go version | cut -d' ' -f3)" >&2
"$bin/chaos" -cycles 1000 -openclawcfg "$bin/openclawcfg" -imsg-fake "$bin/imsg-fake" -handler "$bin/handler" "$@"
