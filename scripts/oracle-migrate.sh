#!/usr/bin/env bash
# Record the OpenClaw 2026.9.6 verdict of every migrated conformance case
# (compiler/testdata/migrate/out/*.json5, written by
# `go test ./compiler/migrate -run TestCorpus -update`) into
# compiler/testdata/migrate/oracle-2026.9.6.jsonl, with the sha256 of the bytes judged, so that
# TestCorpus can prove (without Node) that 2026.9.6 accepts exactly what migrate writes now.
#
# Maintainer tool only. Usage: scripts/oracle-migrate.sh [--check]
#   --check   do not write; exit 1 if the recorded golden differs
# Env: ORACLE_SH (default /work/shared/oracle/oracle.sh)
#
# The outputs are judged from a scratch directory holding them and a copy of the conformance
# cases' includes/ (the $include targets), as the originals sit beside it.
# Golden format, sorted by case: {"case","sha256","ok","errors":[{path,message}],"warnings":[...]}
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/compiler/testdata/migrate/out"
GOLDEN="$ROOT/compiler/testdata/migrate/oracle-2026.9.6.jsonl"
ORACLE_SH="${ORACLE_SH:-/work/shared/oracle/oracle.sh}"
check=0
for a in "$@"; do
  case "$a" in
    --check) check=1 ;;
    *) echo "usage: $0 [--check]" >&2; exit 2 ;;
  esac
done
[[ -x "$ORACLE_SH" ]] || { echo "oracle not found: $ORACLE_SH (set ORACLE_SH)" >&2; exit 3; }
command -v python3 >/dev/null || { echo "python3 is required" >&2; exit 3; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/cases"
cp "$OUT"/*.json5 "$tmp/cases/"
cp -r "$ROOT/compiler/testdata/conformance/cases/includes" "$tmp/cases/includes"
(cd "$tmp/cases" && LC_ALL=C ls -1 -- *.json5) | sed "s|^|$tmp/cases/|" > "$tmp/list"
"$ORACLE_SH" --openclaw=2026.9.6 --stdin < "$tmp/list" > "$tmp/raw.jsonl" 2> "$tmp/stderr" || {
  cat "$tmp/stderr" >&2; echo "oracle failed" >&2; exit 1; }

python3 - "$tmp/raw.jsonl" "$tmp/cases" "$(wc -l < "$tmp/list")" > "$tmp/golden.jsonl" <<'PY'
import hashlib, json, os, sys
raw, cases, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
real = os.path.realpath(cases)
rows = []
for line in open(raw):
    line = line.strip()
    if not line:
        continue
    r = json.loads(line)
    name = os.path.basename(r["file"])
    data = open(os.path.join(cases, name), "rb").read()
    clean = lambda xs: [{"path": x.get("path", ""), "message": x.get("message", "").replace(real, "<CASES>").replace(cases, "<CASES>")} for x in xs or []]
    rows.append({"case": name, "sha256": hashlib.sha256(data).hexdigest(), "ok": bool(r["ok"]),
                 "errors": clean(r.get("errors")), "warnings": clean(r.get("warnings"))})
if len(rows) != n:
    sys.exit(f"oracle answered {len(rows)} of {n} files")
rows.sort(key=lambda r: r["case"].encode())
for r in rows:
    print(json.dumps(r, ensure_ascii=False, separators=(",", ":")))
PY

if [[ $check == 1 ]]; then
  cmp -s "$tmp/golden.jsonl" "$GOLDEN" || { echo "$GOLDEN is stale" >&2; exit 1; }
else
  cp "$tmp/golden.jsonl" "$GOLDEN"
fi
python3 - "$GOLDEN" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
bad = [r for r in rows if not r["ok"]]
print(f"{len(rows)} migrated outputs: {len(rows)-len(bad)} accepted by OpenClaw 2026.9.6, {len(bad)} rejected")
for r in bad:
    print(" ", r["case"], json.dumps(r["errors"])[:300])
PY
