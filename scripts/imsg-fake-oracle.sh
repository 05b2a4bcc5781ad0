#!/usr/bin/env bash
# Regenerate internal/fakeimsg/testdata/openclaw-client-2026.3.24.jsonl: a session in which
# OpenClaw 2026.3.24's own iMessage client code (probeIMessage, IMessageRpcClient,
# parseIMessageNotification, sendMessageIMessage) talks to imsg-fake, with every line both
# ways and OpenClaw's verdict on each (see scripts/imsg-fake-oracle.mjs).
#
# Maintainer tool only: the Go test (TestOpenClawClientGolden) replays the recorded requests
# against the fake in-process, without Node, checks that the fake still writes exactly the
# recorded lines, and that OpenClaw accepted every watch message and probe.
#
# Usage: scripts/imsg-fake-oracle.sh [--check]
#   --check   do not write; exit 1 if the regenerated golden differs from the committed one
# Env:
#   ORACLE_ROOT   where setup.sh installed Node 24 and OpenClaw (default ~/.cache/openclaw-oracle)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GOLDEN="$ROOT/internal/fakeimsg/testdata/openclaw-client-2026.3.24.jsonl"
ORACLE_ROOT="${ORACLE_ROOT:-$HOME/.cache/openclaw-oracle}"
OPENCLAW_DIR="$ORACLE_ROOT/npm-2026.3.24/node_modules/openclaw"
NODE_BIN="$(ls "$ORACLE_ROOT"/node24/node_modules/node-linux-*/bin/node 2>/dev/null | head -1)"

check=0
[[ "${1:-}" == "--check" ]] && check=1

[[ -x "$NODE_BIN" ]] || { echo "Node 24 not found under $ORACLE_ROOT/node24 (run /work/shared/oracle/setup.sh)" >&2; exit 3; }
[[ -f "$OPENCLAW_DIR/package.json" ]] || { echo "openclaw 2026.3.24 not found at $OPENCLAW_DIR" >&2; exit 3; }
command -v go >/dev/null || { echo "go is required" >&2; exit 3; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/run"

(cd "$ROOT" && go build -o "$tmp/imsg-fake" ./cmd/imsg-fake)
NODE_COMPILE_CACHE="${NODE_COMPILE_CACHE:-$ORACLE_ROOT/compile-cache}" \
  "$NODE_BIN" "$ROOT/scripts/imsg-fake-oracle.mjs" --fake "$tmp/imsg-fake" --dir "$tmp/run" --openclaw "$OPENCLAW_DIR" \
  > "$tmp/golden.jsonl" 2> "$tmp/stderr" || { cat "$tmp/stderr" >&2; echo "oracle run failed" >&2; exit 1; }

if (( check )); then
  if cmp -s "$tmp/golden.jsonl" "$GOLDEN"; then
    echo "golden up to date: $GOLDEN ($(wc -l < "$GOLDEN") lines)"
  else
    diff -u "$GOLDEN" "$tmp/golden.jsonl" | head -60 >&2 || true
    echo "golden is stale: run scripts/imsg-fake-oracle.sh" >&2
    exit 1
  fi
else
  mkdir -p "$(dirname "$GOLDEN")"
  cp "$tmp/golden.jsonl" "$GOLDEN"
  echo "wrote $GOLDEN ($(wc -l < "$GOLDEN") lines)"
fi
