#!/usr/bin/env bash
# Regenerate internal/openclaw/testdata/inbound-fns-2026.3.24.jsonl and internal/openclaw/envelope_zones.go
# by asking OpenClaw 2026.3.24's own functions (and the ICU of the Node 24 it runs on):
#   control commands   hasControlCommand, isControlCommandMessage, isAbortTrigger, isAbortRequestText,
#                      normalizeCommandBody, listChatCommandsForConfig   (pi-embedded-*.js, commands-registry-*.js)
#   command gate       resolveDualTextControlCommandGate                 (dm-policy-shared-*.js)
#   envelope           resolveEnvelopeFormatOptions, formatInboundEnvelope, formatInboundFromLabel
#                      (pi-embedded-*.js), every envelope case under several TZ values
#   media              kindFromMime                                       (mime-*.js)
# internal/openclaw/inbound_fns_golden_test.go replays the golden; envelope_zones.go is the table of
# ICU's en-US short zone names (EST, AKDT, UTC, ...) and accepted zone ids that envelope.go reads.
#
# Maintainer tool only: the Go tests read the committed files and never run this (no Node needed there).
#
# Usage: scripts/oracle-inbound-fns-goldens.sh [--check]
#   --check   do not write; exit 1 if either regenerated file differs from the committed one
# Env:
#   ORACLE_ROOT       the oracle's install root (default ~/.cache/openclaw-oracle; Node 24 and openclaw come from there)
#   OPENCLAW_VERSION  forced to 2026.3.24 (the release the golden describes)
#   GO                the go command (default: go on PATH, else /usr/local/go/bin/go); only its zoneinfo.zip is read
#
# Needs python3 (to list Go's zoneinfo.zip). Takes about a minute (one Node process per TZ value, run in
# parallel, plus the zone-name bisection).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/lib/golden.sh"
TD="$ROOT/internal/openclaw/testdata"
GOLDEN="$TD/inbound-fns-2026.3.24.jsonl"
ZONES="$ROOT/internal/openclaw/envelope_zones.go"
golden_setup 2026.3.24 "${1:-}"
GO="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"
ZIP="$("$GO" env GOROOT)/lib/time/zoneinfo.zip"
[[ -f "$ZIP" ]] || { echo "Go's zoneinfo.zip not found at $ZIP" >&2; exit 3; }
command -v python3 >/dev/null || { echo "python3 is required" >&2; exit 3; }

python3 - "$ZIP" > "$tmp/go-zones.txt" <<'PY'
import sys, zipfile
for i in zipfile.ZipFile(sys.argv[1]).infolist():
    if not i.filename.endswith("/"):
        print(i.filename)
PY

export NODE_COMPILE_CACHE="${NODE_COMPILE_CACHE:-$ORACLE_ROOT/compile-cache}"
"$NODE_BIN" "$ROOT/scripts/oracle-inbound-fns-goldens.mjs" "$DIST" "$tmp/golden.jsonl" "$tmp/zones.go" "$tmp/go-zones.txt"
"$("$GO" env GOROOT)/bin/gofmt" -w "$tmp/zones.go"

if (( check )); then
  stale=0
  for pair in "$tmp/golden.jsonl:$GOLDEN" "$tmp/zones.go:$ZONES"; do
    new="${pair%%:*}" old="${pair#*:}"
    if cmp -s "$new" "$old"; then
      echo "up to date: $old ($(wc -l < "$old") lines)"
    else
      diff -u "$old" "$new" | head -60 >&2 || true
      echo "stale: $old (run scripts/oracle-inbound-fns-goldens.sh)" >&2
      stale=1
    fi
  done
  exit "$stale"
fi
mkdir -p "$TD"
cp "$tmp/golden.jsonl" "$GOLDEN"
cp "$tmp/zones.go" "$ZONES"
echo "wrote $GOLDEN ($(wc -l < "$GOLDEN") lines) and $ZONES"
