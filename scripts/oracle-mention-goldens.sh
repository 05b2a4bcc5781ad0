#!/usr/bin/env bash
# Regenerate internal/openclaw/testdata/mentions-2026.3.24.jsonl: what OpenClaw 2026.3.24 and its
# Node 24 (V8) answer about group-chat mention patterns, recorded by scripts/oracle-mention-goldens.mjs
# (its header lists every record kind). Two Go tests replay it without Node:
#   internal/jsregex/v8_golden_test.go        new RegExp(p, flags) accept/reject, error message, String(),
#                                             .test(text); V8's /i canonicalisation and class sets
#   internal/openclaw/mentions_golden_test.go  compileSafeRegexDetailed, deriveMentionPatterns,
#                                             normalizeMentionText, buildMentionRegexes (compiled, rejected,
#                                             warnings) and matchesMentionPatterns
#
# Maintainer tool only: the Go tests read the committed golden and never run this (no Node needed there).
#
# Usage: scripts/oracle-mention-goldens.sh [--check]
#   --check   do not write; exit 1 if the regenerated golden differs from the committed one
# Env:
#   ORACLE_ROOT       the oracle's install root (default ~/.cache/openclaw-oracle; Node 24 and OpenClaw come from there)
#   OPENCLAW_VERSION  forced to 2026.3.24 (the release the golden describes)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/lib/golden.sh"
GOLDEN="$ROOT/internal/openclaw/testdata/mentions-2026.3.24.jsonl"
golden_setup 2026.3.24 "${1:-}"
version="$("$NODE_BIN" -p "require('$DIST/../package.json').version")"
[[ "$version" == "$OPENCLAW_VERSION" ]] || { echo "expected openclaw@$OPENCLAW_VERSION, found $version" >&2; exit 3; }

# HOME is a sandbox so that nothing of a real ~/.openclaw is read.
HOME="$tmp" OPENCLAW_STATE_DIR="$tmp/state" OPENCLAW_CONFIG_PATH="$tmp/unused.json5" \
  "$NODE_BIN" "$ROOT/scripts/oracle-mention-goldens.mjs" "$DIST" "$tmp/golden.jsonl"

if (( check )); then
  if cmp -s "$tmp/golden.jsonl" "$GOLDEN"; then
    echo "golden up to date: $GOLDEN ($(wc -l < "$GOLDEN") lines)"
  else
    diff -u "$GOLDEN" "$tmp/golden.jsonl" | head -60 >&2 || true
    echo "golden is stale: run scripts/oracle-mention-goldens.sh" >&2
    exit 1
  fi
else
  mkdir -p "$(dirname "$GOLDEN")"
  cp "$tmp/golden.jsonl" "$GOLDEN"
  echo "wrote $GOLDEN ($(wc -l < "$GOLDEN") lines)"
fi
