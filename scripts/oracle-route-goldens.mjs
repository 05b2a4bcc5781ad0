// Records OpenClaw's own iMessage routing (resolveAgentRoute) for a corpus of configs (driven by
// scripts/oracle-route-goldens.sh; see there). Run with Node 24:
//   node oracle-route-goldens.mjs ROOT OPENCLAW_DIR IMESSAGE_API RELEASE VERDICTS.jsonl OUT.jsonl
//
// Each config is loaded as the gateway loads it: createConfigIO({configPath}).loadConfig(), the very
// object the gateway holds. 2026.9.6 converts a legacy agents.list to agents.entries on load and keeps
// the legacy default agent in a WeakMap keyed by that object, so a JSON copy of it would route
// differently. For each account id listIMessageAccountIds lists, and each peer (every peer id an
// iMessage binding names, as a DM and as a group, every DM peer session.identityLinks names, plus a
// stranger of each kind) the script calls
//   resolveAgentRoute({cfg, channel: "imessage", accountId, peer: {kind, id}})
// exactly as both releases' inbound paths do (kind "direct" with the normalised sender for a DM,
// "group" with String(chat_id) for a group), and writes the route or the error it threw.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const [ROOT, OPENCLAW_DIR, IMESSAGE_API, RELEASE, VERDICTS, OUT] = process.argv.slice(2);
if (!OUT) {
  process.stderr.write("usage: node oracle-route-goldens.mjs ROOT OPENCLAW_DIR IMESSAGE_API RELEASE VERDICTS.jsonl OUT.jsonl\n");
  process.exit(2);
}
const DIST = path.join(OPENCLAW_DIR, "dist");
const SANDBOX = fs.mkdtempSync("/tmp/openclawcfg-route-");
process.env.HOME = `${SANDBOX}/home`;
process.env.OPENCLAW_STATE_DIR = `${SANDBOX}/state`;
process.env.OPENCLAW_CONFIG_PATH = `${SANDBOX}/unused.json5`;
process.env.NO_COLOR = "1";
process.env.TZ = "UTC";
delete process.env.OPENCLAW_PROFILE;
fs.mkdirSync(process.env.HOME, { recursive: true });
process.on("exit", () => fs.rmSync(SANDBOX, { recursive: true, force: true }));
for (const k of ["log", "info", "warn", "debug"]) console[k] = () => {};
const logger = { info() {}, warn() {}, error() {}, debug() {}, log() {}, trace() {} };

const version = JSON.parse(fs.readFileSync(path.join(OPENCLAW_DIR, "package.json"), "utf8")).version;
if (version !== RELEASE) throw new Error(`openclaw ${version}, want ${RELEASE}`);
const JSON5 = createRequire(path.join(OPENCLAW_DIR, "package.json"))("json5");
const imp = (f) => import(pathToFileURL(f).href);

// exported(file, name): the function a chunk exports under a mangled alias.
function exportAlias(file, name) {
  const src = fs.readFileSync(file, "utf8");
  for (const m of src.slice(-40000).matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const part of m[1].split(",")) {
      const [orig, alias] = part.trim().split(/\s+as\s+/);
      if (orig === name) return alias ?? orig;
    }
  }
}
async function fromChunk(re, name) {
  const hits = fs.readdirSync(DIST).filter((f) => re.test(f)).map((f) => path.join(DIST, f)).filter((f) => exportAlias(f, name));
  if (hits.length !== 1) throw new Error(`${name}: ${hits.length} chunks export it`);
  return (await imp(hits[0]))[exportAlias(hits[0], name)];
}
const resolveAgentRoute = await fromChunk(/^resolve-route-.*\.m?js$/, "resolveAgentRoute");
let createConfigIO;
if (fs.existsSync(path.join(DIST, "config", "config.js"))) {
  createConfigIO = (await imp(path.join(DIST, "config", "config.js"))).createConfigIO;
} else {
  // 2026.3.24: the chunk the CLI's `config` command imports readConfigFileSnapshot from.
  for (const f of fs.readdirSync(DIST).filter((f) => /^config-cli-.*\.js$/.test(f))) {
    const m = /import\s*\{[^}]*\bas readConfigFileSnapshot\b[^}]*\}\s*from\s*"\.\/([^"]+)"/.exec(fs.readFileSync(path.join(DIST, f), "utf8"));
    const alias = m && exportAlias(path.join(DIST, m[1]), "createConfigIO");
    if (alias) createConfigIO = (await imp(path.join(DIST, m[1])))[alias];
  }
}
if (typeof createConfigIO !== "function") throw new Error("createConfigIO not found");
const { listIMessageAccountIds } = await imp(IMESSAGE_API);

// The corpus: examples and route cases the release accepts (VERDICTS, from oracle.sh), then the
// conformance cases it accepts that configure agents, bindings or DM session keys.
const verdicts = new Map(
  fs.readFileSync(VERDICTS, "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l)).map((v) => [v.file, v.ok]),
);
const files = [];
for (const dir of ["examples", "plan/testdata/route-cases"]) {
  for (const f of fs.readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith(".json5")).sort()) {
    const rel = `${dir}/${f}`;
    if (!verdicts.has(rel)) throw new Error(`${rel}: no verdict`);
    if (verdicts.get(rel)) files.push(rel);
  }
}
const confDir = "compiler/testdata/conformance";
for (const line of fs.readFileSync(path.join(ROOT, confDir, `oracle-${RELEASE}.jsonl`), "utf8").split("\n")) {
  if (!line.trim()) continue;
  const c = JSON.parse(line);
  if (!c.ok) continue;
  const rel = `${confDir}/cases/${c.case}`;
  let raw;
  try {
    raw = JSON5.parse(fs.readFileSync(path.join(ROOT, rel), "utf8"));
  } catch {
    continue;
  }
  const s = raw?.session ?? {};
  if (raw?.agents !== undefined || raw?.bindings !== undefined || s.dmScope !== undefined || s.identityLinks !== undefined) files.push(rel);
}

const STRANGER_DM = "+15550000000";
const STRANGER_GROUP = "900011";
const isIMessage = (b) => String(b?.match?.channel ?? "").trim().toLowerCase() === "imessage";
function peers(cfg) {
  const ids = [];
  for (const b of Array.isArray(cfg.bindings) ? cfg.bindings : []) {
    const id = b?.match?.peer?.id;
    if (!isIMessage(b) || (typeof id !== "string" && typeof id !== "number")) continue;
    const s = String(id).trim();
    if (s && s !== "*" && !ids.includes(s)) ids.push(s);
  }
  // DM peers that session.identityLinks names (bare, or after "imessage:").
  const dms = [...ids];
  for (const list of Object.values(cfg.session?.identityLinks ?? {})) {
    for (const v of Array.isArray(list) ? list : []) {
      const s = typeof v === "string" ? v.trim().replace(/^imessage:/i, "") : "";
      if (s && !dms.includes(s)) dms.push(s);
    }
  }
  return [...[...dms, STRANGER_DM].map((id) => ({ kind: "direct", id })), ...[...ids, STRANGER_GROUP].map((id) => ({ kind: "group", id }))];
}

const enc = (v) => JSON.stringify(v).replace(/[\u0080-\u009f\u00ad\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
const errorOf = (e) => ({ name: e?.name ?? "Error", ...(e?.code ? { code: e.code } : {}), message: String(e?.message ?? e) });
const out = [];
for (const file of files) {
  let cfg;
  try {
    cfg = createConfigIO({ configPath: path.join(ROOT, file), env: process.env, logger }).loadConfig();
  } catch (e) {
    out.push({ id: `${file}#load`, config: file, ok: false, error: errorOf(e) });
    continue;
  }
  let accounts;
  try {
    accounts = listIMessageAccountIds(cfg);
  } catch (e) {
    out.push({ id: `${file}#accounts`, config: file, ok: false, error: errorOf(e) });
    continue;
  }
  for (const accountId of accounts) {
    for (const peer of peers(cfg)) {
      const line = { id: `${file}@${accountId}#${peer.kind}:${peer.id}`, config: file, account: accountId, peer };
      try {
        const r = resolveAgentRoute({ cfg, channel: "imessage", accountId, peer });
        const route = {};
        for (const k of ["agentId", "sessionKey", "mainSessionKey", "matchedBy", "lastRoutePolicy"]) route[k] = r[k];
        out.push({ ...line, ok: true, route });
      } catch (e) {
        out.push({ ...line, ok: false, error: errorOf(e) });
      }
    }
  }
}
fs.writeFileSync(OUT, out.map(enc).join("\n") + "\n");
process.stderr.write(`${files.length} configs, ${out.length} lines\n`);
