#!/usr/bin/env bash
# Record this scenario set with the real OpenClaw 2026.3.24 gateway (the oracle's runtime-e2e
# recorder), or check that a fresh recording matches expected/.
#
#   testdata/e2e/record.sh [--check] [SCENARIO...]
#
# It creates the media files the media-outbound scenario names (setup-media.sh), runs
# $OPENCLAW_E2E_DIR/record.sh (default /work/shared/oracle/runtime-e2e) into a temp dir, and
# normalises the one value OpenClaw picks at random besides pairing codes: the path of its copy of
# an outbound media file (<state>/media/outbound/<uuid>.<ext> in the run's sandbox) becomes
# <STATE_DIR>/media/outbound/<UUID>.<ext>. Without --check the result replaces expected/<scenario>.*;
# with --check it is diffed against expected/ (exit 1 on a difference).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# E2E_SET_DIR: the scenario set (scenarios/, expected/); another release's
# set (testdata/e2e-2026.9.6) passes its own, with its recorder.
SET="${E2E_SET_DIR:-$HERE}"
E2E_DIR="${OPENCLAW_E2E_DIR:-/work/shared/oracle/runtime-e2e}"
[[ -x "$E2E_DIR/record.sh" ]] || { echo "no recorder at $E2E_DIR/record.sh (set OPENCLAW_E2E_DIR)" >&2; exit 3; }
check=0
names=()
for a in "$@"; do
  case "$a" in
    --check) check=1 ;;
    -h|--help) sed -n 2,13p "$0"; exit 0 ;;
    -*) echo "unknown option $a" >&2; exit 2 ;;
    *) names+=("$a") ;;
  esac
done
if [[ ${#names[@]} -eq 0 ]]; then
  for f in "$SET"/scenarios/*.jsonl; do names+=("$(basename "$f" .jsonl)"); done
fi
"$HERE/setup-media.sh"
out="$(mktemp -d "${TMPDIR:-/tmp}/oc-e2e-record.XXXXXX")"
trap 'rm -rf "$out"' EXIT
rc=0
"$E2E_DIR/record.sh" --scenarios "$SET" --out "$out" "${names[@]}" || rc=$?
for f in "$out"/*; do
  [[ -e "$f" ]] || continue
  sed -E -i 's#"[^"]*/state/media/outbound/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.#"<STATE_DIR>/media/outbound/<UUID>.#g' "$f"
done
if [[ $check == 0 ]]; then
  mkdir -p "$SET/expected"
  for n in "${names[@]}"; do
    [[ -e "$out/$n.jsonl" ]] || continue
    rm -f "$SET/expected/$n".*
    cp "$out/$n".* "$SET/expected/"
  done
  exit $rc
fi
for n in "${names[@]}"; do
  for f in "$out/$n".*; do
    [[ -e "$f" ]] || continue
    if ! diff -q "$SET/expected/$(basename "$f")" "$f" >/dev/null 2>&1; then
      echo "DIFF expected/$(basename "$f")" >&2
      diff "$SET/expected/$(basename "$f")" "$f" | head -20 >&2 || true
      rc=1
    fi
  done
  for f in "$SET/expected/$n".*; do
    [[ -e "$f" && ! -e "$out/$(basename "$f")" ]] || continue
    echo "MISSING in the new recording: expected/$(basename "$f")" >&2
    rc=1
  done
done
[[ $rc == 0 ]] && echo "check: recordings match expected/" >&2
exit $rc
