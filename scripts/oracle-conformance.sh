#!/usr/bin/env bash
# Regenerate compiler/testdata/conformance/oracle-<release>.jsonl from the conformance cases by asking
# the real OpenClaw release (`openclaw config validate --json` code path) through the shared oracle,
# for each release openclawcfg has a profile for.
#
# Maintainer tool only: the Go tests read the committed golden and never run this (no Node needed there).
#
# Usage: scripts/oracle-conformance.sh [--check] [--openclaw=RELEASE|all]
#   --check     do not write; exit 1 if the regenerated golden differs from the committed one
#   --openclaw  the release to record (default: all of 2026.3.24 and 2026.9.6); 2026.9.6 needs
#               `OPENCLAW_VERSIONS=2026.9.6 /work/shared/oracle/setup.sh`
# Env:
#   ORACLE_SH         path to oracle.sh (default /work/shared/oracle/oracle.sh; see its README for setup)
#
# Golden format: one JSON object per case, sorted by file name (byte order):
#   {"case":"<basename>","ok":bool,"errors":[{"path","message"}],"warnings":[{"path","message"}]}
# Errors/warnings keep the oracle's order. The absolute path of the cases directory, which OpenClaw
# prints in $include error messages, is replaced by "<CASES>" so the golden is machine independent.
# Only cases/*.json5 are cases; cases/includes/ holds $include targets.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CONF="$ROOT/compiler/testdata/conformance"
CASES="$CONF/cases"
ORACLE_SH="${ORACLE_SH:-/work/shared/oracle/oracle.sh}"

check=0
releases="2026.3.24 2026.9.6"
for a in "$@"; do
  case "$a" in
    --check) check=1 ;;
    --openclaw=all) ;;
    --openclaw=*) releases="${a#--openclaw=}" ;;
    *) echo "usage: $0 [--check] [--openclaw=RELEASE|all]" >&2; exit 2 ;;
  esac
done
for rel in $releases; do
  [[ "$rel" == 2026.3.24 || "$rel" == 2026.9.6 ]] || { echo "no profile for OpenClaw $rel" >&2; exit 2; }
done

[[ -x "$ORACLE_SH" ]] || { echo "oracle not found: $ORACLE_SH (set ORACLE_SH)" >&2; exit 3; }
command -v python3 >/dev/null || { echo "python3 is required" >&2; exit 3; }

record() {
  local rel=$1
  GOLDEN="$CONF/oracle-$rel.jsonl"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT

# Absolute paths, one per line, byte-sorted. One oracle process for all cases (--stdin).
(cd "$CASES" && LC_ALL=C ls -1 -- *.json5) | sed "s|^|$CASES/|" > "$tmp/list"
n="$(wc -l < "$tmp/list")"
"$ORACLE_SH" --openclaw="$rel" --stdin < "$tmp/list" > "$tmp/raw.jsonl" 2> "$tmp/stderr" || {
  cat "$tmp/stderr" >&2; echo "oracle failed" >&2; exit 1; }

python3 - "$tmp/raw.jsonl" "$CASES" "$n" > "$tmp/golden.jsonl" <<'PY'
import json, os, sys
raw_path, cases_dir, expected = sys.argv[1], sys.argv[2], int(sys.argv[3])
cases_real = os.path.realpath(cases_dir)

cwd = os.getcwd()

def scrub(s):
    for d in sorted({cases_dir, cases_real}, key=len, reverse=True):
        s = s.replace(d, "<CASES>")
    # A relative agentDir resolves against the working directory.
    return s.replace(cwd + "/", "<CWD>/")

def issues(lst):
    return [{"path": scrub(i.get("path", "")), "message": scrub(i.get("message", ""))} for i in (lst or [])]

rows = {}
with open(raw_path, encoding="utf-8") as fh:
    for line in fh:
        line = line.strip()
        if not line:
            continue
        d = json.loads(line)
        name = os.path.basename(d["file"])
        if name in rows:
            sys.exit("duplicate oracle line for " + name)
        rows[name] = {"case": name, "ok": bool(d["ok"]), "errors": issues(d.get("errors")),
                      "warnings": issues(d.get("warnings"))}
if len(rows) != expected:
    sys.exit("oracle answered %d of %d cases" % (len(rows), expected))
for name in sorted(rows, key=lambda s: s.encode("utf-8")):
    print(json.dumps(rows[name], ensure_ascii=False, separators=(",", ":")))
PY

if (( check )); then
  if diff -u "$GOLDEN" "$tmp/golden.jsonl"; then echo "golden up to date ($n cases)"; else exit 1; fi
else
  cp "$tmp/golden.jsonl" "$GOLDEN"
  ok="$(grep -c '"ok":true' "$GOLDEN" || true)"
  echo "wrote $GOLDEN: $n cases ($ok ok, $((n - ok)) invalid)"
fi
}

for rel in $releases; do record "$rel"; done
