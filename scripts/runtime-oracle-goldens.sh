#!/usr/bin/env bash
# Regenerate internal/openclaw/testdata/runtime-oracle-2026.3.24.jsonl from
# internal/openclaw/testdata/requests.jsonl by asking OpenClaw 2026.3.24's own runtime functions
# through the shared runtime oracle (/work/shared/oracle/runtime-oracle.sh).
#
# Maintainer tool only: the Go tests read the committed golden and never run this (no Node needed there).
#
# Usage: scripts/runtime-oracle-goldens.sh [--check]
#   --check   do not write; exit 1 if the regenerated golden differs from the committed one
# Env:
#   RUNTIME_ORACLE_SH  path to runtime-oracle.sh (default /work/shared/oracle/runtime-oracle.sh; see its README)
#   OPENCLAW_VERSION   forced to 2026.3.24 (the release the golden describes)
#
# Request format (one per line; blank lines and lines starting with "//" are ignored):
#   {"id":"<unique>","fn":"<oracle function>","args":[...]}
# Golden format: one line per request, in request order, request and response together:
#   {"id","fn","args","ok","result"[,"undefined":true]}      when the function returned
#   {"id","fn","args","ok":false,"result":null,"error":"<message>"}  when it threw
# "undefined":true marks a JS undefined result (written as null). Strings keep non-ASCII text raw and
# escape invisible characters (controls, non-ASCII whitespace, format characters, combining marks,
# lone surrogates) as \uXXXX, so the file stays readable and byte-stable.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/lib/golden.sh"
TD="$ROOT/internal/openclaw/testdata"
REQUESTS="$TD/requests.jsonl"
GOLDEN="$TD/runtime-oracle-2026.3.24.jsonl"
RUNTIME_ORACLE_SH="${RUNTIME_ORACLE_SH:-/work/shared/oracle/runtime-oracle.sh}"
export OPENCLAW_VERSION=2026.3.24

check=0
[[ "${1:-}" == "--check" ]] && check=1

[[ -x "$RUNTIME_ORACLE_SH" ]] || { echo "runtime oracle not found: $RUNTIME_ORACLE_SH (set RUNTIME_ORACLE_SH)" >&2; exit 3; }
command -v python3 >/dev/null || { echo "python3 is required" >&2; exit 3; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# Strip comments/blank lines and check the ids are unique before spending the oracle start-up.
python3 - "$REQUESTS" > "$tmp/req.jsonl" <<'PY'
import json, sys
seen = set()
for n, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    s = line.strip()
    if not s or s.startswith("//"):
        continue
    r = json.loads(s)
    if not isinstance(r, dict) or "id" not in r or "fn" not in r:
        sys.exit(f"requests.jsonl:{n}: need an object with id and fn")
    if r["id"] in seen:
        sys.exit(f"requests.jsonl:{n}: duplicate id {r['id']!r}")
    seen.add(r["id"])
    sys.stdout.write(s + "\n")
PY

# One oracle process for every request (start-up is ~5 s).
"$RUNTIME_ORACLE_SH" < "$tmp/req.jsonl" > "$tmp/raw.jsonl" 2> "$tmp/stderr" || {
  cat "$tmp/stderr" >&2; echo "runtime oracle failed" >&2; exit 1; }

python3 - "$ROOT/scripts/lib" "$tmp/req.jsonl" "$tmp/raw.jsonl" > "$tmp/golden.jsonl" <<'PY'
import json, sys
sys.path.insert(0, sys.argv.pop(1))
from goldenjson import dumps

reqs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
resps = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8") if l.strip()]
if len(reqs) != len(resps):
    sys.exit(f"oracle answered {len(resps)} lines for {len(reqs)} requests")
for q, a in zip(reqs, resps):
    if a.get("id") != q["id"]:
        sys.exit(f"oracle answer out of order: {a.get('id')!r} for {q['id']!r}")
    if a.get("errorName") == "OracleError":
        sys.exit(f"{q['id']}: oracle error: {a.get('error')}")
    g = {"id": q["id"], "fn": q["fn"], "args": q.get("args", []), "ok": a["ok"], "result": a.get("result")}
    if a.get("undefined"):
        g["undefined"] = True
    if not a["ok"]:
        g["error"] = a.get("error")
    sys.stdout.write(dumps(g) + "\n")
PY

golden_finish "$tmp/golden.jsonl" "$GOLDEN" "$check"
