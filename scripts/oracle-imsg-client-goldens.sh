#!/usr/bin/env bash
# Regenerate runtime/imsg/testdata/oracle-client-2026.3.24.jsonl: what OpenClaw 2026.3.24's own
# imsg RPC client (IMessageRpcClient), rpc --help check (probeRpcSupport) and probe (probeIMessage)
# answer for each case of runtime/imsg/testdata/client-cases.jsonl, each run against a real child
# process. runtime/imsg/oracle_test.go replays the golden through the Go client without Node.
#
# Maintainer tool only: the Go tests read the committed golden and never run this (no Node needed there).
#
# Usage: scripts/oracle-imsg-client-goldens.sh [--check]
#   --check   do not write; exit 1 if the regenerated golden differs from the committed one
# Env:
#   ORACLE_ROOT       the oracle's install root (default ~/.cache/openclaw-oracle; Node 24 and openclaw come from there)
#   OPENCLAW_VERSION  forced to 2026.3.24 (the release the golden describes)
#
# Golden format: one line per case, in case order: the case's own fields plus "result":
#   stream  {"calls":[{"ok":true,"result":V[,"undefined":true]} | {"ok":false,"error":"<message>"}],
#            "notifications":[{"method":M,"params":P} | {"method":M,"paramsUndefined":true}],
#            "logs":["<runtime.error line>"...][,"throws":["TypeError: ..."]]}
#   help    {"supported":bool,"fatal":bool,"error":string|null}
#   probe   {"ok":bool,"fatal":bool,"error":string|null}   (the case's temp dir written as <DIR>)
# See runtime/imsg/testdata/README.md. Takes about a minute (each case spawns processes).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/lib/golden.sh"
CASES="$ROOT/runtime/imsg/testdata/client-cases.jsonl"
GOLDEN="$ROOT/runtime/imsg/testdata/oracle-client-2026.3.24.jsonl"
golden_setup 2026.3.24 "${1:-}"

env -u VITEST -u NODE_ENV "$NODE_BIN" "$ROOT/scripts/oracle-imsg-client-goldens.mjs" "$CASES" > "$tmp/golden.jsonl" 2> "$tmp/stderr" || {
  cat "$tmp/stderr" >&2; echo "oracle run failed" >&2; exit 1; }

if (( check )); then
  if cmp -s "$tmp/golden.jsonl" "$GOLDEN"; then
    echo "golden up to date: $GOLDEN ($(wc -l < "$GOLDEN") lines)"
  else
    diff -u "$GOLDEN" "$tmp/golden.jsonl" | head -60 >&2 || true
    echo "golden is stale: run scripts/oracle-imsg-client-goldens.sh" >&2
    exit 1
  fi
else
  cp "$tmp/golden.jsonl" "$GOLDEN"
  echo "wrote $GOLDEN ($(wc -l < "$GOLDEN") lines)"
fi
