#!/usr/bin/env bash
# Regenerate internal/openclaw/testdata/command-gate-2026.3.24.jsonl: which messages OpenClaw 2026.3.24's
# command handlers swallow for a sender not authorised for commands, and the command body they see
# (stripStructuralPrefixes, stripMentions in groups, normalizeCommandBody), asked of OpenClaw's own
# buildCommandContext and handleCommands (see the .mjs header). internal/openclaw/command_gate_golden_test.go
# replays every case through HandlerCommandBody and IgnoredForUnauthorized.
#
# Maintainer tool only: the Go tests read the committed golden and never run this (no Node needed there).
#
# Usage: scripts/oracle-command-gate-goldens.sh [--check]
#   --check   do not write; exit 1 if the regenerated golden differs from the committed one
# Env:
#   ORACLE_ROOT       the oracle's install root (default ~/.cache/openclaw-oracle; Node 24 and openclaw from there)
#   OPENCLAW_VERSION  forced to 2026.3.24 (the release the golden describes)
#
# Golden format, one line per case: {"id", "in": {"text", "group"?, "patterns"? (mention patterns),
# "sender"?, "commands"? (config flags)}, "out": {"trigger" (triggerBodyNormalized), "body"
# (commandBodyNormalized), "outcome": swallow|reply|continue, "reply"?, "log"? (verbose lines)}}.
# Strings keep non-ASCII text raw and escape invisible characters as \uXXXX.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/lib/golden.sh"
GOLDEN="$ROOT/internal/openclaw/testdata/command-gate-2026.3.24.jsonl"
golden_setup 2026.3.24 "${1:-}"
command -v python3 >/dev/null || { echo "python3 is required" >&2; exit 3; }

"$NODE_BIN" "$ROOT/scripts/oracle-command-gate-goldens.mjs" "$OPENCLAW_DIR" "$tmp/raw.jsonl" 2> "$tmp/stderr" \
  || { cat "$tmp/stderr" >&2; echo "recording failed" >&2; exit 1; }

python3 - "$ROOT/scripts/lib" "$tmp/raw.jsonl" > "$tmp/golden.jsonl" <<'PY'
import sys
sys.path.insert(0, sys.argv.pop(1))
from goldenjson import write_recorded

# A lone surrogate (a mention pattern that cuts an emoji in half) is written as its \u escape.
write_recorded(sys.argv[1], 500)
PY

golden_finish "$tmp/golden.jsonl" "$GOLDEN" "$check"
