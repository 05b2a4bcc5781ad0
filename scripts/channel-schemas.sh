#!/usr/bin/env bash
# Regenerate compiler/internal/spec/channels-2026.9.6.json: the JSON Schema OpenClaw 2026.9.6 validates
# each bundled channel's section (channels.<id>) with, taken from its dist by scripts/channel-schemas.mjs.
# imessage is left out: openclawcfg models it in schema/openclaw-2026.9.6.cue.
#
# Maintainer tool only: the Go code embeds the committed file and never runs this (no Node needed there).
#
# Usage: scripts/channel-schemas.sh [--check]
#   --check   do not write; exit 1 if the regenerated file differs from the committed one
# Env:
#   ORACLE_ROOT   the oracle's install root (default ~/.cache/openclaw-oracle; Node 24 and OpenClaw come from there)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RELEASE=2026.9.6
GOLDEN="$ROOT/compiler/internal/spec/channels-$RELEASE.json"
export ORACLE_ROOT="${ORACLE_ROOT:-$HOME/.cache/openclaw-oracle}"
source "$ROOT/scripts/lib/golden.sh"

check=0
[[ "${1:-}" == "--check" ]] && check=1

NODE_BIN="$(ls "$ORACLE_ROOT"/node24/node_modules/node-linux-*/bin/node 2>/dev/null | head -1)"
[[ -x "$NODE_BIN" ]] || { echo "Node 24 not found under $ORACLE_ROOT/node24; run /work/shared/oracle/setup.sh" >&2; exit 3; }
# 2026.9.6 is the oracle's default install (npm/); a dedicated npm-2026.9.6/ wins when present.
DIST=""
for d in "$ORACLE_ROOT/npm-$RELEASE/node_modules/openclaw" "$ORACLE_ROOT/npm/node_modules/openclaw"; do
  if [[ -f "$d/package.json" ]] && [[ "$("$NODE_BIN" -p "require('$d/package.json').version")" == "$RELEASE" ]]; then
    DIST="$d/dist"
    break
  fi
done
[[ -n "$DIST" ]] || { echo "openclaw@$RELEASE not found under $ORACLE_ROOT" >&2; exit 3; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$NODE_BIN" "$ROOT/scripts/channel-schemas.mjs" "$DIST" "$tmp/channels.json"
golden_finish "$tmp/channels.json" "$GOLDEN" "$check"
