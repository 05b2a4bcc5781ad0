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
source "$ROOT/scripts/lib/golden.sh"

golden_setup "$RELEASE" "${1:-}"
"$NODE_BIN" "$ROOT/scripts/channel-schemas.mjs" "$DIST" "$tmp/channels.json"
golden_finish "$tmp/channels.json" "$GOLDEN" "$check"
