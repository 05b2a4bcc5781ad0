#!/usr/bin/env bash
# Regenerate internal/openclaw/reply/testdata/reply-2026.3.24.jsonl: what OpenClaw 2026.3.24's own
# reply pipeline sends over imsg for each case of scripts/oracle-reply-goldens.mjs (agent payload
# building, reply builder, dispatcher normalisation with responsePrefix, the iMessage monitor's
# deliverReplies and sendMessageIMessage with a fake imsg client). See the .mjs header for the chain.
# internal/openclaw/reply/golden_test.go replays every case through reply.Plan.
#
# Maintainer tool only: the Go tests read the committed golden and never run this (no Node needed there).
#
# Usage: scripts/oracle-reply-goldens.sh [--check]
#   --check   do not write; exit 1 if the regenerated golden differs from the committed one
# Env:
#   ORACLE_ROOT       the oracle's install root (default ~/.cache/openclaw-oracle; Node 24 and openclaw from there)
#   OPENCLAW_VERSION  forced to 2026.3.24 (the release the golden describes)
#
# Golden format, one line per case: {"id", "in": {"text", "media"?, "opts"?}, "out": {"sends": [params
# of each imsg "send", "file" mapped back to the fixture it was copied from], "remember": [echo-cache
# texts, null for none], "dropped"?: {"stage": agent|build|dispatch|deliver, ...}, "error"?}}.
# The case sandbox is the fixed directory /tmp/openclawcfg-reply-golden (removed afterwards), so paths in
# the golden are stable. Strings keep non-ASCII text raw and escape invisible characters as \uXXXX.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/lib/golden.sh"
GOLDEN="$ROOT/internal/openclaw/reply/testdata/reply-2026.3.24.jsonl"
golden_setup 2026.3.24 "${1:-}"
command -v python3 >/dev/null || { echo "python3 is required" >&2; exit 3; }

# Offline on purpose: the one http(s) media case must fail to fetch (inside a network namespace with
# only lo when unshare is allowed; the fetch fails without network either way).
run=("$NODE_BIN" "$ROOT/scripts/oracle-reply-goldens.mjs" "$OPENCLAW_DIR" "$tmp/raw.jsonl")
if unshare -rn true 2>/dev/null; then
  unshare -rn "${run[@]}" 2> "$tmp/stderr" || { cat "$tmp/stderr" >&2; echo "recording failed" >&2; exit 1; }
else
  "${run[@]}" 2> "$tmp/stderr" || { cat "$tmp/stderr" >&2; echo "recording failed" >&2; exit 1; }
fi

python3 - "$ROOT/scripts/lib" "$tmp/raw.jsonl" > "$tmp/golden.jsonl" <<'PY'
import sys
sys.path.insert(0, sys.argv.pop(1))
from goldenjson import write_recorded

write_recorded(sys.argv[1], 250)
PY

golden_finish "$tmp/golden.jsonl" "$GOLDEN" "$check"
