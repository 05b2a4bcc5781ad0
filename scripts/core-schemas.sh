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
export ORACLE_ROOT="${ORACLE_ROOT:-$HOME/.cache/openclaw-oracle}"
source "$ROOT/scripts/lib/golden.sh"

releases="2026.3.24 2026.9.6"
check=0
for a in "$@"; do
  case "$a" in
    --check) check=1 ;;
    --openclaw=*) releases="${a#--openclaw=}" ;;
    *) echo "usage: $0 [--openclaw=RELEASE] [--check]" >&2; exit 2 ;;
  esac
done

NODE_BIN="$(ls "$ORACLE_ROOT"/node24/node_modules/node-linux-*/bin/node 2>/dev/null | head -1 || true)"
[[ -x "$NODE_BIN" ]] || { echo "Node 24 not found under $ORACLE_ROOT/node24; run /work/shared/oracle/setup.sh" >&2; exit 3; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for rel in $releases; do
  # A dedicated npm-RELEASE/ wins; the oracle's default install (npm/) is 2026.9.6.
  dist=""
  for d in "$ORACLE_ROOT/npm-$rel/node_modules/openclaw" "$ORACLE_ROOT/npm/node_modules/openclaw"; do
    if [[ -f "$d/package.json" ]] && [[ "$("$NODE_BIN" -p "require('$d/package.json').version")" == "$rel" ]]; then
      dist="$d/dist"
      break
    fi
  done
  [[ -n "$dist" ]] || { echo "openclaw@$rel not found under $ORACLE_ROOT; run OPENCLAW_VERSIONS=$rel /work/shared/oracle/setup.sh" >&2; exit 3; }
  HOME="$tmp" "$NODE_BIN" "$ROOT/scripts/core-schemas.mjs" "$dist" "$tmp/core-$rel.json"
  golden_finish "$tmp/core-$rel.json" "$ROOT/compiler/internal/spec/core-$rel.json" "$check"
done
