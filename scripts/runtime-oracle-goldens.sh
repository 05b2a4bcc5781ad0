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

python3 - "$tmp/req.jsonl" "$tmp/raw.jsonl" > "$tmp/golden.jsonl" <<'PY'
import json, math, sys, unicodedata

def esc(c):
    o = ord(c)
    if c == '"': return '\\"'
    if c == "\\": return "\\\\"
    if c == "\n": return "\\n"
    if c == "\t": return "\\t"
    if c == "\r": return "\\r"
    if o < 0x20 or o == 0x7F or 0x80 <= o < 0xA0 or 0xD800 <= o <= 0xDFFF:
        return "\\u%04x" % o
    if o < 0x80:
        return c
    if unicodedata.category(c) in ("Zs", "Zl", "Zp", "Cf", "Cc", "Co", "Cn", "Mn", "Me"):
        if o > 0xFFFF:
            o -= 0x10000
            return "\\u%04x\\u%04x" % (0xD800 + (o >> 10), 0xDC00 + (o & 0x3FF))
        return "\\u%04x" % o
    return c

def dumps(v):
    if v is None: return "null"
    if v is True: return "true"
    if v is False: return "false"
    if isinstance(v, int): return str(v)
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v): raise ValueError("non-finite number")
        return json.dumps(v)
    if isinstance(v, str): return '"' + "".join(esc(c) for c in v) + '"'
    if isinstance(v, list): return "[" + ",".join(dumps(x) for x in v) + "]"
    if isinstance(v, dict): return "{" + ",".join(dumps(k) + ":" + dumps(x) for k, x in v.items()) + "}"
    raise TypeError(type(v))

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

if (( check )); then
  if cmp -s "$tmp/golden.jsonl" "$GOLDEN"; then
    echo "golden up to date: $GOLDEN ($(wc -l < "$GOLDEN") lines)"
  else
    diff -u "$GOLDEN" "$tmp/golden.jsonl" | head -60 >&2 || true
    echo "golden is stale: run scripts/runtime-oracle-goldens.sh" >&2
    exit 1
  fi
else
  cp "$tmp/golden.jsonl" "$GOLDEN"
  echo "wrote $GOLDEN ($(wc -l < "$GOLDEN") lines)"
fi
