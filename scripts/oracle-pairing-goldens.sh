#!/usr/bin/env bash
# Regenerate runtime/pairing/testdata/oracle-pairing-2026.3.24.jsonl: what OpenClaw 2026.3.24's own
# pairing store (dist/pairing-store-Ci8ZfuL6.js: upsertChannelPairingRequest,
# approveChannelPairingCode, listChannelPairingRequests, readChannelAllowFromStore) does over the
# sequences in scripts/oracle-pairing-goldens.mjs, with every file it leaves in the state dir (exact
# bytes and modes) after each step, plus Date.parse / toUpperCase / file-name / reply-text tables.
# runtime/pairing/golden_test.go replays each sequence with the Go store and compares results and
# files byte for byte.
#
# Maintainer tool only: the Go tests read the committed golden and never run this (no Node needed there).
#
# Usage: scripts/oracle-pairing-goldens.sh [--check | --demo-lost-update]
#   --check             do not write; exit 1 if the regenerated golden differs from the committed one
#   --demo-lost-update  show OpenClaw losing pairing requests to its own re-entrant file lock (no golden)
# Env:
#   ORACLE_ROOT       the oracle's install root (default ~/.cache/openclaw-oracle; Node 24 and
#                     openclaw 2026.3.24 come from there, see /work/shared/oracle/setup.sh)
#
# Determinism: the clock and crypto.randomInt are replaced inside the recorder (each step says its
# time and the code characters it may draw), each case runs in a fresh temp state dir with umask 022,
# TZ is set per case (UTC unless the case says otherwise).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GOLDEN="$ROOT/runtime/pairing/testdata/oracle-pairing-2026.3.24.jsonl"
ORACLE_ROOT="${ORACLE_ROOT:-$HOME/.cache/openclaw-oracle}"
export ORACLE_ROOT

mode=write
case "${1:-}" in
  --check) mode=check ;;
  --demo-lost-update) mode=demo ;;
  "") ;;
  *) echo "usage: $0 [--check | --demo-lost-update]" >&2; exit 2 ;;
esac

NODE_BIN="$(ls "$ORACLE_ROOT"/node24/node_modules/node-linux-*/bin/node 2>/dev/null | head -1)"
[[ -x "$NODE_BIN" ]] || { echo "Node 24 not found under $ORACLE_ROOT/node24; run /work/shared/oracle/setup.sh" >&2; exit 3; }
OC_DIR="$ORACLE_ROOT/npm-2026.3.24/node_modules/openclaw"
[[ -f "$OC_DIR/package.json" ]] || { echo "openclaw 2026.3.24 not found at $OC_DIR" >&2; exit 3; }

umask 022
if [[ $mode == demo ]]; then
  exec "$NODE_BIN" "$ROOT/scripts/oracle-pairing-goldens.mjs" --openclaw "$OC_DIR" --demo-lost-update
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# A sandbox HOME so nothing reads or writes the real ~/.openclaw.
mkdir -p "$tmp/home"
HOME="$tmp/home" OPENCLAW_STATE_DIR="$tmp/unused-state" TZ=UTC \
  "$NODE_BIN" "$ROOT/scripts/oracle-pairing-goldens.mjs" --openclaw "$OC_DIR" > "$tmp/golden.jsonl" 2> "$tmp/stderr" || {
  cat "$tmp/stderr" >&2; echo "recorder failed" >&2; exit 1; }

if [[ $mode == check ]]; then
  if cmp -s "$tmp/golden.jsonl" "$GOLDEN"; then
    echo "golden up to date: $GOLDEN ($(wc -l < "$GOLDEN") lines)"
  else
    diff -u "$GOLDEN" "$tmp/golden.jsonl" | head -60 >&2 || true
    echo "golden is stale: run scripts/oracle-pairing-goldens.sh" >&2
    exit 1
  fi
else
  mkdir -p "$(dirname "$GOLDEN")"
  cp "$tmp/golden.jsonl" "$GOLDEN"
  echo "wrote $GOLDEN ($(wc -l < "$GOLDEN") lines)"
fi
