#!/usr/bin/env bash
# Regenerate plan/testdata/oracle-route-<release>.jsonl: which agent and session key OpenClaw's own
# resolveAgentRoute gives an iMessage conversation, for every config of a corpus (see the .mjs header):
# examples/*.json5 and plan/testdata/route-cases/*.json5 that the release accepts, and every conformance
# case it accepts that configures agents, bindings, session.dmScope or session.identityLinks. Each config
# is loaded as the gateway loads it (createConfigIO().loadConfig()), then routed for every iMessage account
# listIMessageAccountIds lists and every peer a binding names plus a stranger, as a DM and as a group.
# compiler/internal/lower/route_oracle_test.go compiles each config for the release and checks that
# plan.Global.Route says the same.
#
# Maintainer tool only: the Go tests read the committed golden and never run this (no Node needed there).
#
# Usage: scripts/oracle-route-goldens.sh [--openclaw=2026.3.24|2026.9.6] [--check]
#   --openclaw  the release to ask (default 2026.3.24)
#   --check     do not write; exit 1 if the regenerated golden differs from the committed one
# Env:
#   ORACLE_DIR   directory of oracle.sh (default /work/shared/oracle): the verdicts on examples and route cases
#   ORACLE_ROOT  the oracle's install root (default ~/.cache/openclaw-oracle; Node 24 and openclaw from there)
#
# Golden format, one line per request: {"id", "config" (repo-relative), "account" (as listed), "peer":
# {"kind": direct|group, "id"}, "ok", "route": {"agentId", "sessionKey", "mainSessionKey", "matchedBy",
# "lastRoutePolicy"}} or, when routing threw, "ok": false and "error": {"name", "code"?, "message"}.
# A config whose load or account listing threw has one line "<config>#load" / "#accounts" with the error.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/lib/golden.sh"
ORACLE_DIR="${ORACLE_DIR:-/work/shared/oracle}"

checkflag=""
release=2026.3.24
for a in "$@"; do
  case "$a" in
    --check) checkflag=--check ;;
    --openclaw=*) release="${a#--openclaw=}" ;;
    *) echo "usage: $0 [--openclaw=2026.3.24|2026.9.6] [--check]" >&2; exit 2 ;;
  esac
done
case "$release" in 2026.3.24|2026.9.6) ;; *) echo "unsupported release $release" >&2; exit 2 ;; esac
GOLDEN="$ROOT/plan/testdata/oracle-route-$release.jsonl"
golden_setup "$release" "$checkflag"
[[ -x "$ORACLE_DIR/oracle.sh" ]] || { echo "oracle not found in $ORACLE_DIR (set ORACLE_DIR)" >&2; exit 3; }
# 2026.3.24 bundles the iMessage channel; 2026.9.6 ships it as @openclaw/imessage beside openclaw.
API="$OPENCLAW_DIR/dist/extensions/imessage/api.js"
[[ -f "$API" ]] || API="$(dirname "$OPENCLAW_DIR")/@openclaw/imessage/dist/api.js"
[[ -f "$API" ]] || { echo "the iMessage channel of openclaw@$release not found" >&2; exit 3; }

cd "$ROOT"
ls examples/*.json5 plan/testdata/route-cases/*.json5 > "$tmp/files"
"$ORACLE_DIR/oracle.sh" --openclaw="$release" --stdin < "$tmp/files" > "$tmp/verdicts.jsonl"
"$NODE_BIN" "$ROOT/scripts/oracle-route-goldens.mjs" "$ROOT" "$OPENCLAW_DIR" "$API" "$release" "$tmp/verdicts.jsonl" "$tmp/golden.jsonl" 2> "$tmp/stderr" \
  || { cat "$tmp/stderr" >&2; echo "recording failed" >&2; exit 1; }
cat "$tmp/stderr" >&2
golden_finish "$tmp/golden.jsonl" "$GOLDEN" "$check"
