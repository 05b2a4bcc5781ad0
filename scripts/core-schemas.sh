#!/usr/bin/env bash
# Regenerate compiler/internal/spec/core-<release>.json for each supported release: the JSON Schema of
# OpenClaw's core config schema (zod's toJSONSchema of OpenClawSchema, by scripts/core-schemas.mjs), which vet
# applies where schema/*.cue leaves a section open.
#
# Maintainer tool only: the Go code embeds the committed files and never runs this (no Node needed there).
#
# Usage: scripts/core-schemas.sh [--openclaw=RELEASE] [--check]
#   --check   do not write; exit 1 if a regenerated file differs from the committed one
# Env:
#   ORACLE_ROOT   the oracle's install root (default ~/.cache/openclaw-oracle; Node 24 and OpenClaw come from there)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/lib/golden.sh"

releases="2026.3.24 2026.9.6"
checkflag=""
for a in "$@"; do
  case "$a" in
    --check) checkflag=--check ;;
    --openclaw=*) releases="${a#--openclaw=}" ;;
    *) echo "usage: $0 [--openclaw=RELEASE] [--check]" >&2; exit 2 ;;
  esac
done

for rel in $releases; do
  # A subshell per release: golden_setup's temporary directory and trap.
  (
    golden_setup "$rel" $checkflag
    HOME="$tmp" "$NODE_BIN" "$ROOT/scripts/core-schemas.mjs" "$DIST" "$tmp/core-$rel.json"
    golden_finish "$tmp/core-$rel.json" "$ROOT/compiler/internal/spec/core-$rel.json" "$check"
  )
done
