#!/usr/bin/env bash
# Regenerate internal/openclaw/reply/testdata/reply-turns-2026.3.24.jsonl: what OpenClaw 2026.3.24's
# iMessage gateway sends for an agent reply when the turn runs as in production: the embedded agent
# streams the reply (from an in-process scripted model), its block replies go through the block reply
# handler with block streaming off, buildReplyPayloads drops the final payloads a block already sent, and
# the dispatcher and deliverReplies send over a fake imsg client (see the .mjs header). Unlike
# scripts/oracle-reply-goldens.sh, which calls the reply chain's functions, this runs the whole turn:
# about two seconds a case. internal/openclaw/reply/turns_golden_test.go replays every case through
# reply.Plan.
#
# Maintainer tool only: the Go tests read the committed golden and never run this (no Node needed there).
#
# Usage: scripts/oracle-reply-turn-goldens.sh [--check]
#   --check   do not write; exit 1 if the regenerated golden differs from the committed one
# Env:
#   ORACLE_ROOT       the oracle's install root (default ~/.cache/openclaw-oracle; Node 24 and openclaw from there)
#   OPENCLAW_VERSION  forced to 2026.3.24 (the release the golden describes)
#
# Golden format, one line per case: {"id", "in": {"text", "opts"?}, "out": {"messageId" (the inbound
# MessageSid), "sends": [params of each imsg "send", "file" mapped back to the fixture it was copied
# from], "remember": [echo-cache texts, null for none], "error"? (what the dispatcher reported)}}. The
# sandbox is the fixed directory /tmp/openclawcfg-reply-golden (removed afterwards), so paths are stable.
# Offline on purpose: the model listens on 127.0.0.1, and inside a network namespace with only lo (when
# unshare is allowed) the one http(s) media case fails to fetch as it does without network.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/lib/golden.sh"
GOLDEN="$ROOT/internal/openclaw/reply/testdata/reply-turns-2026.3.24.jsonl"
golden_setup 2026.3.24 "${1:-}"
command -v python3 >/dev/null || { echo "python3 is required" >&2; exit 3; }

run=("$NODE_BIN" "$ROOT/scripts/oracle-reply-turn-goldens.mjs" "$OPENCLAW_DIR" "$tmp/raw.jsonl")
if command -v ip >/dev/null && unshare -rn true 2>/dev/null; then
  unshare -rn sh -c 'ip link set lo up && exec "$@"' sh "${run[@]}" 2> "$tmp/stderr" || { cat "$tmp/stderr" >&2; echo "recording failed" >&2; exit 1; }
else
  "${run[@]}" 2> "$tmp/stderr" || { cat "$tmp/stderr" >&2; echo "recording failed" >&2; exit 1; }
fi

python3 - "$ROOT/scripts/lib" "$tmp/raw.jsonl" > "$tmp/golden.jsonl" <<'PY'
import sys
sys.path.insert(0, sys.argv.pop(1))
from goldenjson import write_recorded

write_recorded(sys.argv[1], 60)
PY

golden_finish "$tmp/golden.jsonl" "$GOLDEN" "$check"
