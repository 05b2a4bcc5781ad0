#!/usr/bin/env bash
# Compare vet's verdicts with OpenClaw's on every JSON5 config block of OpenClaw's own documentation (the
# docs/ its npm package ships), for each supported release: a false-rejection hunt on configs nobody wrote for
# openclawcfg. Nothing is written to the repository (OpenClaw's docs stay in the oracle install); it prints
# the counts and each disagreement, and exits 1 if vet rejects a block OpenClaw accepts.
#
# Maintainer tool only (needs the oracle install and Node, like the recordings).
#
# Usage: scripts/oracle-docs-check.sh [--openclaw=RELEASE]
# Env:
#   ORACLE_SH     path to oracle.sh (default /work/shared/oracle/oracle.sh)
#   ORACLE_ROOT   the oracle's install root (default ~/.cache/openclaw-oracle)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ORACLE_SH="${ORACLE_SH:-/work/shared/oracle/oracle.sh}"
source "$ROOT/scripts/lib/golden.sh"

releases="2026.3.24 2026.9.6"
for a in "$@"; do
  case "$a" in
    --openclaw=*) releases="${a#--openclaw=}" ;;
    *) echo "usage: $0 [--openclaw=RELEASE]" >&2; exit 2 ;;
  esac
done

bin="$(mktemp -d)"
trap 'rm -rf "$bin"' EXIT
(cd "$ROOT" && go build -o "$bin/openclawcfg" ./cmd/openclawcfg)
status=0
for rel in $releases; do
  (
    golden_setup "$rel"
    # Every ```json5/json/jsonc block that is an object, English pages only.
    "$NODE_BIN" -e '
      const fs = require("fs"), path = require("path");
      const [docs, out] = process.argv.slice(1);
      let n = 0;
      const walk = (d) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) { if (!/^(zh-CN|ja-JP|i18n)$/.test(e.name)) walk(p); continue; }
        if (!p.endsWith(".md")) continue;
        for (const m of fs.readFileSync(p, "utf8").matchAll(/```(?:json5|json|jsonc)\n([\s\S]*?)```/g)) {
          const body = m[1].trim();
          if (!body.startsWith("{")) continue;
          n++;
          fs.writeFileSync(path.join(out, path.relative(docs, p).replace(/\//g, "_").replace(/\.md$/, "") + "-" + n + ".json5"), body + "\n");
        }
      } };
      walk(docs);' "$OPENCLAW_DIR/docs" "$tmp"
    ls -1 "$tmp"/*.json5 | "$ORACLE_SH" --openclaw="$rel" --stdin > "$tmp/oracle.jsonl" 2>/dev/null
    python3 - "$tmp/oracle.jsonl" "$rel" "$bin/openclawcfg" <<'PY'
import json, subprocess, sys
oracle, rel, exe = sys.argv[1:]
agree, fp, fn = 0, [], []
for line in open(oracle):
    d = json.loads(line)
    r = subprocess.run(["env", "-i", "PATH=/usr/bin:/bin", "HOME=/nonexistent", exe, "vet", "-f", "json", "--openclaw", rel, d["file"]],
                       capture_output=True, text=True)
    errs = [x for x in json.loads(r.stdout)["diagnostics"] if x["severity"] == "error"]
    name = d["file"].rsplit("/", 1)[-1]
    if (not errs) == d["ok"]:
        agree += 1
    elif d["ok"]:
        fp.append((name, [(e["path"], e["code"], e["message"][:100]) for e in errs[:3]]))
    else:
        fn.append((name, [(e["path"], e["message"][:90]) for e in d["errors"][:3]]))
print(f"OpenClaw {rel} docs: {agree} of {agree + len(fp) + len(fn)} config blocks get OpenClaw's verdict; "
      f"vet rejects {len(fp)} that OpenClaw accepts, accepts {len(fn)} that OpenClaw rejects")
for x in fp: print("  vet rejects:", x)
for x in fn: print("  vet accepts:", x)
sys.exit(1 if fp else 0)
PY
  ) || status=1
done
exit $status
