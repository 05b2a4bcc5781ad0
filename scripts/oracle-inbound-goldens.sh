#!/usr/bin/env bash
# Regenerate runtime/inbound/testdata/oracle-inbound-2026.3.24.jsonl: what OpenClaw 2026.3.24's own
# iMessage inbound functions decide, and which context they build, for the scripted message
# sequences in scripts/inbound-corpus/*.json5 (format: scripts/inbound-corpus/README.md; golden
# format: runtime/inbound/testdata/README.md). The Go tests of runtime/inbound replay the golden.
#
# Maintainer tool only: the Go tests read the committed golden and never run this (no Node needed there).
#
# Usage: scripts/oracle-inbound-goldens.sh [--check]
#   --check   do not write; exit 1 if the regenerated golden differs from the committed one
# Env:
#   ORACLE_DIR        directory of oracle.sh (default /work/shared/oracle)
#   ORACLE_ROOT       the oracle's install root (default ~/.cache/openclaw-oracle; Node 24 and openclaw 2026.3.24 come from there)
#   OPENCLAWCFG       an openclawcfg binary to vet every case config with (default: go build ./cmd/openclawcfg)
#   SKIP_VET=1        do not vet the configs with openclawcfg (e.g. while the tree does not build)
#
# How (one Node process, about 10 s):
#   1. Every distinct case config is written to a .json5 file. oracle.sh (OpenClaw's own
#      `openclaw config validate`) must accept it, and so must `openclawcfg vet` (a case may carry
#      "vetRejects": "<why>" for a known vet bug; the run fails when such a mark goes stale).
#   2. cfg = OpenClaw's createConfigIO({configPath}).loadConfig(): the object the gateway hands the
#      monitor (schema defaults applied; its channels.imessage is checked equal to oracle.sh's).
#   3. scripts/oracle-inbound-goldens.mjs replays the steps through the monitor's own functions
#      (resolveIMessageInboundDecision, buildIMessageInboundContext, the sent-message and self-chat
#      caches, the loop rate limiter, parseIMessageNotification, ...) reached in the hashed dist chunk,
#      with a deterministic clock (Date.now() = the step's atMs) and TZ per case. The monitor glue
#      it mirrors is one commented function there (handleMessageNow).
#   4. Self-check of that glue: when $ORACLE_DIR/runtime-e2e/expected exists (recordings of the real
#      gateway), its imsg wire is replayed through the same glue, which must reproduce the gateway's
#      decisions and contexts exactly; any difference fails the run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/lib/golden.sh"
GOLDEN="$ROOT/runtime/inbound/testdata/oracle-inbound-2026.3.24.jsonl"
CORPUS="$ROOT/scripts/inbound-corpus"
ORACLE_DIR="${ORACLE_DIR:-/work/shared/oracle}"
[[ -x "$ORACLE_DIR/oracle.sh" ]] || { echo "oracle not found in $ORACLE_DIR (set ORACLE_DIR)" >&2; exit 3; }
golden_setup 2026.3.24 "${1:-}"

vet=()
if [[ "${SKIP_VET:-}" != "1" ]]; then
  bin="${OPENCLAWCFG:-}"
  if [[ -z "$bin" ]]; then
    bin="$tmp/openclawcfg"
    (cd "$ROOT" && go build -o "$bin" ./cmd/openclawcfg) || {
      echo "cannot build openclawcfg to vet the case configs (set OPENCLAWCFG=BIN or SKIP_VET=1)" >&2; exit 3; }
  fi
  vet=(--vet "$bin")
fi

export NODE_COMPILE_CACHE="${NODE_COMPILE_CACHE:-$ORACLE_ROOT/compile-cache}"
e2e=()
[[ -d "$ORACLE_DIR/runtime-e2e/expected" ]] && e2e=(--e2e "$ORACLE_DIR/runtime-e2e")
"$NODE_BIN" "$ROOT/scripts/oracle-inbound-goldens.mjs" --root "$ROOT" --corpus "$CORPUS" --out "$tmp/golden.jsonl" \
  --work "$tmp" --oracle-dir "$ORACLE_DIR" --openclaw-dir "$OPENCLAW_DIR" ${vet[@]+"${vet[@]}"} ${e2e[@]+"${e2e[@]}"}

if (( check )); then
  if cmp -s "$tmp/golden.jsonl" "$GOLDEN"; then
    echo "golden up to date: $GOLDEN ($(wc -l < "$GOLDEN") lines)"
  else
    diff -u "$GOLDEN" "$tmp/golden.jsonl" | head -60 >&2 || true
    echo "golden is stale: run scripts/oracle-inbound-goldens.sh" >&2
    exit 1
  fi
else
  mkdir -p "$(dirname "$GOLDEN")"
  cp "$tmp/golden.jsonl" "$GOLDEN"
  echo "wrote $GOLDEN ($(wc -l < "$GOLDEN") lines)"
fi
