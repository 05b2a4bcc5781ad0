#!/usr/bin/env bash
# Regenerate compiler/internal/lower/testdata/oracle-lower-<release>.jsonl: what OpenClaw's (2026.3.24 by
# default, or --openclaw=2026.9.6) own runtime functions say about every example config (examples/*.json5), the lowering's own fidelity
# configs (compiler/internal/lower/testdata/fidelity/*.json5: account-key lookups, group gates, mention
# gating) and every VALID conformance case (compiler/testdata/conformance/cases/*.json5 with ok=true in
# oracle-<release>.jsonl, $include and ${VAR} cases included). Examples and fidelity configs
# that release rejects are left out.
# compiler/internal/lower/lower_oracle_test.go compares the lowering's plan with these answers.
#
# Maintainer tool only: the Go tests read the committed golden and never run this (no Node needed there).
#
# Usage: scripts/lower-oracle-goldens.sh [--openclaw=2026.3.24|2026.9.6] [--check]
#   --openclaw  the release to ask (default 2026.3.24)
#   --check     do not write; exit 1 if the regenerated golden differs from the committed one
# Env:
#   ORACLE_DIR        directory of oracle.sh and runtime-oracle.sh (default /work/shared/oracle)
#   ORACLE_ROOT       the oracle's install root (default ~/.cache/openclaw-oracle; Node 24 and json5 come from there)
#   OPENCLAW_VERSION  set to the --openclaw release (the release the golden describes)
#
# 2026.9.6 ships iMessage as the separate package @openclaw/imessage: its functions (accounts, roots,
# allow-target parsing) are asked of a second runtime-oracle process pointed at that package's
# directory; chunking and the rest come from openclaw itself. Its resolveIMessageInboundDecision needs
# the plugin runtime (getIMessageRuntime) that only a gateway sets up, so the 2026.9.6 golden has no
# decision probes.
#
# How each config is asked (one runtime-oracle process for everything, about 10 s in all):
#   1. oracle.sh validates every file in one process; its "imessage" output is channels.imessage after
#      OpenClaw's schema defaults ($include and ${VAR} resolved; a leading ~ in cliPath/dbPath is
#      expanded against the oracle's sandbox HOME, printed as "<HOME>"). Every file must be valid.
#   2. cfg = JSON5.parse(file) (npm json5 2.2.3, the parser OpenClaw uses) with channels.imessage
#      replaced by that object: the config object the gateway holds after load. (Only channels.imessage
#      is taken from OpenClaw; agents, bindings, messages etc. are as parsed. oracle.sh prints nothing
#      else; 2026.3.24's default appliers only add messages.ackReactionScope, agents.defaults.maxConcurrent
#      and the like there, nothing that routing or mention patterns read.)
#   3. listIMessageAccountIds(cfg), resolveDefaultIMessageAccountId(cfg), and for each listed id, as the
#      gateway starts it (monitorIMessageProvider({accountId: id})):
#        resolveIMessageAccount({cfg, accountId: id})                 -> account (accountId normalised)
#      then, with account.accountId as the monitor passes it:
#        resolveIMessageAttachmentRoots / resolveIMessageRemoteAttachmentRoots({cfg, accountId})
#        resolveTextChunkLimit(cfg, "imessage", accountId, {fallbackLimit: 4000}), resolveChunkMode(cfg, "imessage", accountId)
#        parseIMessageAllowTarget(entry) for each entry of the monitor's allowFrom and groupAllowFrom lists
#          (ids "...#parse/allowFrom/<i>", "...#parse/groupAllowFrom/<i>")
#        resolveIMessageInboundDecision probes, with dmPolicy, groupPolicy, allowFrom and groupAllowFrom
#        computed from account.config exactly as monitorIMessageProvider does, and an empty pairing store:
#          dm-allowed       DM from the first allowFrom entry (a chat_* entry becomes the DM's chat)
#          dm-stranger      DM from +15550000000
#          group-listed     group message in a listed chat (first explicit groups key, else any chat) from
#                           the first group sender entry
#          group-mention    the same as group-listed with the text "hey openclaw, hello"
#          group-stranger   the same chat, from +15550000000
#          group-unlisted   group message in chat 900011 (not a groups key) from the listed sender
#          groupish         is_group=false in the first explicit groups chat, from the listed sender
#                           (only when groups has an explicit numeric key)
#        Every other probe's text is "hello" (no mention, no control command).
#
# Golden format, one line per request, request and response together:
#   {"id","config":<repo-relative path>,"account"?:<listed id>,"probe"?:<name>,"fn","args","ok","result"[,"undefined":true][,"error"]}
# In args the config object is written as the string "$cfg" (the test compiles the file itself).
# "fn":"$validate" lines hold oracle.sh's verdict and imessage object for the file (for diagnosis).
# Decision results are trimmed to kind, reason, senderId, isGroup, chatId, groupId, senderNormalized,
# route.{agentId,matchedBy,sessionKey}, effectiveWasMentioned; "logs" are kept.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ORACLE_DIR="${ORACLE_DIR:-/work/shared/oracle}"
export ORACLE_ROOT="${ORACLE_ROOT:-$HOME/.cache/openclaw-oracle}"

check=0
release=2026.3.24
for a in "$@"; do
  case "$a" in
    --check) check=1 ;;
    --openclaw=*) release="${a#--openclaw=}" ;;
    *) echo "usage: $0 [--openclaw=2026.3.24|2026.9.6] [--check]" >&2; exit 2 ;;
  esac
done
case "$release" in 2026.3.24|2026.9.6) ;; *) echo "unsupported release $release" >&2; exit 2 ;; esac
export OPENCLAW_VERSION="$release"
GOLDEN="$ROOT/compiler/internal/lower/testdata/oracle-lower-$release.jsonl"
# Where the release is installed: npm-<release>, else the default prefix.
PREFIX="$ORACLE_ROOT/npm-$release"
[[ -d "$PREFIX/node_modules/openclaw" ]] || PREFIX="$ORACLE_ROOT/npm"
PLUGIN_DIR=""
[[ "$release" == 2026.9.6 ]] && PLUGIN_DIR="$PREFIX/node_modules/@openclaw/imessage"

[[ -x "$ORACLE_DIR/oracle.sh" && -x "$ORACLE_DIR/runtime-oracle.sh" ]] || {
  echo "oracle not found in $ORACLE_DIR (set ORACLE_DIR)" >&2; exit 3; }
NODE_BIN="$(ls "$ORACLE_ROOT"/node24/node_modules/node-linux-*/bin/node 2>/dev/null | head -1)"
[[ -x "$NODE_BIN" ]] || { echo "Node 24 not found under $ORACLE_ROOT/node24; run $ORACLE_DIR/setup.sh" >&2; exit 3; }
JSON5_DIR="$PREFIX/node_modules/json5"
[[ -f "$JSON5_DIR/package.json" ]] || { echo "json5 not found at $JSON5_DIR (installed with openclaw@$OPENCLAW_VERSION)" >&2; exit 3; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

cat > "$tmp/gen.mjs" <<'JS'
import fs from "node:fs";
import path from "node:path";
import { spawn } from "node:child_process";
import { createRequire } from "node:module";

const [ROOT, ORACLE_DIR, JSON5_DIR, OUT, RELEASE, PLUGIN_DIR] = process.argv.slice(2);
const JSON5 = createRequire(import.meta.url)(JSON5_DIR);
// json5 warns about raw U+2028/U+2029 in strings (the conformance corpus has such cases on purpose).
const warn = console.warn;
console.warn = (...a) => (String(a[0]).startsWith("JSON5:") ? undefined : warn(...a));

// The configs: every example, then every valid conformance case in golden order.
const files = fs.readdirSync(path.join(ROOT, "examples")).filter((f) => f.endsWith(".json5")).sort().map((f) => `examples/${f}`);
const fidDir = "compiler/internal/lower/testdata/fidelity";
files.push(...fs.readdirSync(path.join(ROOT, fidDir)).filter((f) => f.endsWith(".json5")).sort().map((f) => `${fidDir}/${f}`));
const confDir = "compiler/testdata/conformance";
for (const line of fs.readFileSync(path.join(ROOT, confDir, `oracle-${RELEASE}.jsonl`), "utf8").split("\n")) {
  if (!line.trim()) continue;
  const c = JSON.parse(line);
  if (c.ok) files.push(`${confDir}/cases/${c.case}`);
}

function run(cmd, args, input) {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd: ROOT, stdio: ["pipe", "pipe", "inherit"] });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.on("error", reject);
    p.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} exited ${code}`))));
    p.stdin.end(input ?? "");
  });
}

// 1. Validation, all files in one process.
const verdicts = new Map();
for (const l of (await run(path.join(ORACLE_DIR, "oracle.sh"), [`--openclaw=${RELEASE}`, ...files])).split("\n")) {
  if (!l.trim()) continue;
  const v = JSON.parse(l);
  verdicts.set(v.file, v);
}

// A runtime-oracle process, asked one request at a time: one for openclaw, and for 2026.9.6 one more
// for the @openclaw/imessage package, which holds the iMessage functions.
function startOracle(spec) {
  const p = spawn(path.join(ORACLE_DIR, "runtime-oracle.sh"), [`--openclaw=${spec}`], { stdio: ["pipe", "pipe", "inherit"] });
  const waiting = [];
  // Split on "\n" only: answers may hold raw U+2028/U+2029, which readline would split on.
  let buf = "";
  p.stdout.setEncoding("utf8").on("data", (d) => {
    buf += d;
    for (let i; (i = buf.indexOf("\n")) >= 0; buf = buf.slice(i + 1)) {
      const l = buf.slice(0, i);
      if (l.trim()) waiting.shift()?.(JSON.parse(l));
    }
  });
  p.on("close", (code) => {
    if (waiting.length) {
      console.error(`runtime oracle exited (${code}) with ${waiting.length} requests pending`);
      process.exit(1);
    }
  });
  return { p, waiting };
}
const core = startOracle(RELEASE);
const plugin = PLUGIN_DIR ? startOracle(PLUGIN_DIR) : core;
const PLUGIN_FNS = new Set(["listIMessageAccountIds", "resolveDefaultIMessageAccountId", "resolveIMessageAccount",
  "resolveIMessageAttachmentRoots", "resolveIMessageRemoteAttachmentRoots", "parseIMessageAllowTarget", "resolveIMessageInboundDecision"]);
// JSON.stringify leaves U+2028/U+2029 and other invisible characters raw; readline would split on
// the former, and escaped they keep the golden readable and byte-stable.
const enc = (v) => JSON.stringify(v).replace(/[\u0080-\u009f\u00ad\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
const ask = (fn, args) =>
  new Promise((resolve) => {
    const o = PLUGIN_FNS.has(fn) ? plugin : core;
    o.waiting.push(resolve);
    o.p.stdin.write(enc({ fn, args }) + "\n");
  });

const out = [];
const CFG = "$cfg";
// Replace the cfg object in args by "$cfg" for the golden.
const shown = (args, cfg) => JSON.parse(JSON.stringify(args, (k, v) => (v === cfg ? CFG : v)));

async function record(base, fn, args, cfg, trim) {
  const a = await ask(fn, args);
  if (a.errorName === "OracleError") throw new Error(`${base.id}: oracle error: ${a.error}`);
  const g = { ...base, fn, args: shown(args, cfg), ok: a.ok, result: a.result ?? null };
  if (a.undefined) g.undefined = true;
  if (!a.ok) g.error = a.error;
  if (trim && a.ok) {
    g.result = trim(a.result);
    if (a.logs?.length) g.logs = a.logs;
  }
  out.push(g);
  return a;
}

function trimDecision(d) {
  d ??= {};
  const keep = {};
  for (const k of ["kind", "reason", "senderId", "isGroup", "chatId", "groupId", "senderNormalized", "effectiveWasMentioned"]) {
    if (d[k] !== undefined) keep[k] = d[k];
  }
  if (d.route) keep.route = { agentId: d.route.agentId, matchedBy: d.route.matchedBy, sessionKey: d.route.sessionKey };
  return keep;
}

// What monitorIMessageProvider passes to the decision (extensions/imessage/src/monitor/monitor-provider.ts).
const normalizeAllowList = (list) => (Array.isArray(list) ? list : []).map((v) => String(v).trim()).filter(Boolean);
function monitorParams(cfg, account) {
  const c = account.config ?? {};
  const allowFrom = normalizeAllowList(c.allowFrom);
  const groupAllowFrom = normalizeAllowList(c.groupAllowFrom ?? (c.allowFrom && c.allowFrom.length > 0 ? c.allowFrom : []));
  const present = cfg.channels?.imessage !== undefined;
  const groupPolicy = present ? (c.groupPolicy ?? cfg.channels?.defaults?.groupPolicy ?? "open") : (c.groupPolicy ?? "allowlist");
  const dmPolicy = c.dmPolicy ?? "pairing";
  return { dmPolicy, groupPolicy, allowFrom, groupAllowFrom };
}

const STRANGER = "+15550000000";
const CHAT_PREFIX = /^(chat_id:|chatid:|chat:|chat_guid:|chatguid:|guid:|chat_identifier:|chatidentifier:|chatident:)\s*(.*)$/i;
// A message from allow-list entry e (a handle, or a chat_* entry that allows the whole chat).
function fromEntry(e, chatId) {
  const m = e === undefined ? null : CHAT_PREFIX.exec(e);
  if (e === undefined || e === "*") return { sender: STRANGER.replace(/0$/, "9"), chat_id: chatId };
  if (!m) return { sender: e, chat_id: chatId };
  const p = m[1].toLowerCase();
  if (p.startsWith("chat_id") || p === "chatid:" || p === "chat:") {
    const n = Number.parseInt(m[2], 10);
    return { sender: STRANGER.replace(/0$/, "8"), chat_id: Number.isFinite(n) ? n : chatId };
  }
  if (p.includes("guid")) return { sender: STRANGER.replace(/0$/, "8"), chat_id: chatId, chat_guid: m[2] };
  return { sender: STRANGER.replace(/0$/, "8"), chat_id: chatId, chat_identifier: m[2] };
}

function probes(cfg, account) {
  const c = account.config ?? {};
  const p = monitorParams(cfg, account);
  const groups = c.groups && typeof c.groups === "object" ? c.groups : {};
  const explicit = Object.keys(groups).find((k) => k !== "*" && /^(0|[1-9]\d{0,14})$/.test(k));
  const listedChat = explicit !== undefined ? Number(explicit) : 900010;
  const groupSender = p.groupAllowFrom.find((e) => e !== "*" && !CHAT_PREFIX.test(e));
  const list = [
    ["dm-allowed", { ...fromEntry(p.allowFrom[0], 900001), is_group: false }],
    ["dm-stranger", { sender: STRANGER, chat_id: 900002, is_group: false }],
    ["group-listed", { ...fromEntry(groupSender, listedChat), chat_id: listedChat, is_group: true }],
    ["group-mention", { ...fromEntry(groupSender, listedChat), chat_id: listedChat, is_group: true, text: "hey openclaw, hello" }],
    ["group-stranger", { sender: STRANGER, chat_id: listedChat, is_group: true }],
    ["group-unlisted", { ...fromEntry(groupSender, 900011), chat_id: 900011, is_group: true }],
  ];
  if (explicit !== undefined) list.push(["groupish", { ...fromEntry(groupSender, listedChat), chat_id: listedChat, is_group: false }]);
  return list.map(([name, msg], i) => [name, { id: 1000 + i, text: "hello", ...msg }, p]);
}

for (const file of files) {
  const v = verdicts.get(file);
  if (!v) throw new Error(`${file}: no verdict from oracle.sh`);
  if (!v.ok && !file.startsWith(confDir)) continue; // an example or fidelity config written for another release
  if (!v.ok) throw new Error(`${file}: OpenClaw ${RELEASE} rejects it: ${JSON.stringify(v.errors)}`);
  out.push({ id: `${file}#validate`, config: file, fn: "$validate", ok: true, result: { imessage: v.imessage, warnings: v.warnings } });
  const cfg = JSON5.parse(fs.readFileSync(path.join(ROOT, file), "utf8"));
  if (v.imessage !== null) {
    cfg.channels ??= {};
    cfg.channels.imessage = v.imessage;
  }
  const ids = (await record({ id: `${file}#accounts`, config: file }, "listIMessageAccountIds", [cfg], cfg)).result;
  await record({ id: `${file}#default`, config: file }, "resolveDefaultIMessageAccountId", [cfg], cfg);
  for (const id of ids) {
    const base = (what, extra) => ({ id: `${file}@${id}#${what}`, config: file, account: id, ...extra });
    const account = (await record(base("account"), "resolveIMessageAccount", [{ cfg, accountId: id }], cfg)).result;
    const accountId = account.accountId;
    await record(base("roots"), "resolveIMessageAttachmentRoots", [{ cfg, accountId }], cfg);
    await record(base("remote-roots"), "resolveIMessageRemoteAttachmentRoots", [{ cfg, accountId }], cfg);
    await record(base("chunk-limit"), "resolveTextChunkLimit", [cfg, "imessage", accountId, { fallbackLimit: 4000 }], cfg);
    await record(base("chunk-mode"), "resolveChunkMode", [cfg, "imessage", accountId], cfg);
    const p = monitorParams(cfg, account);
    for (const [list, entries] of [["allowFrom", p.allowFrom], ["groupAllowFrom", p.groupAllowFrom]]) {
      for (const [i, entry] of entries.entries()) {
        await record(base(`parse/${list}/${i}`), "parseIMessageAllowTarget", [entry], cfg);
      }
    }
    if (PLUGIN_DIR) continue; // no decision probes for 2026.9.6 (see the header)
    for (const [name, message, p] of probes(cfg, account)) {
      await record(base(`probe/${name}`, { probe: name }), "resolveIMessageInboundDecision", [{ cfg, accountId, message, ...p }], cfg, trimDecision);
    }
  }
}
core.p.stdin.end();
if (plugin !== core) plugin.p.stdin.end();
fs.writeFileSync(OUT, out.map(enc).join("\n") + "\n");
console.error(`${files.length} configs, ${out.length} lines`);
JS

"$NODE_BIN" "$tmp/gen.mjs" "$ROOT" "$ORACLE_DIR" "$JSON5_DIR" "$tmp/golden.jsonl" "$release" "$PLUGIN_DIR"

if (( check )); then
  if cmp -s "$tmp/golden.jsonl" "$GOLDEN"; then
    echo "golden up to date: $GOLDEN ($(wc -l < "$GOLDEN") lines)"
  else
    diff -u "$GOLDEN" "$tmp/golden.jsonl" | head -60 >&2 || true
    echo "golden is stale: run scripts/lower-oracle-goldens.sh" >&2
    exit 1
  fi
else
  mkdir -p "$(dirname "$GOLDEN")"
  cp "$tmp/golden.jsonl" "$GOLDEN"
  echo "wrote $GOLDEN ($(wc -l < "$GOLDEN") lines)"
fi
