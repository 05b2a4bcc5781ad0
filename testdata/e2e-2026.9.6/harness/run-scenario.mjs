#!/usr/bin/env node
// Run ONE scenario against the real OpenClaw gateway (2026.3.24 by default) and write its recording.
//
//   node run-scenario.mjs <name> [--scenarios DIR] [--out DIR] [--inbound FILE] [--raw] [--keep]
//                                [--no-trace] [--openclaw DIR]
//
// <name> selects scenarios/<name>.json5 (config, deep-merged over harness.json5) and
// scenarios/<name>.jsonl (steps). --scenarios DIR takes them from another scenario set: DIR holds
// scenarios/ (or is that folder itself); its own harness.json5 is used if it has one. Output goes to
// --out DIR (default: the set's expected/, ./expected for the scenarios here):
//   <name>.jsonl           every `send` request OpenClaw made, in order  {step, account, client, params}
//   <name>.prompts.jsonl   every model request: the last user message as OpenClaw sent it, and the reply
//   <name>.inbound.jsonl   the input actually applied, one line per step: the filled row emitted (with
//                          the account it went to), a sleep, or a CLI call; "template" keeps the
//                          unresolved step when it used $LAST_SEND_* / $PAIRING_CODE_n
//   <name>.wire.jsonl      the full imsg wire transcript of the non-probe imsg processes, both directions
//   <name>.decisions.jsonl OpenClaw's inbound decision per delivered message (+ rate-limit drops)  [trace]
//   <name>.ctx.jsonl       the finalized inbound context passed to dispatchInboundMessage           [trace]
//   <name>.state.json      pairing requests and pairing allow-lists left in the state dir (if any)
//   <name>.raw.json        (--raw) the sends and the state files as they were, codes not normalised
// Pairing codes are replaced by <PAIRING_CODE_n> (n = order of first appearance). Nothing else is
// rewritten: message ids, timestamps and created_at values are all scripted, so they are stable.
// --inbound FILE applies a recorded <name>.inbound.jsonl instead of the steps: rows are emitted as
// recorded, except that a row or CLI call with a "template" is resolved again against this run's own
// sends and pairing store (replay.mjs --runtime-openclaw uses this).
//
// Process layout (everything on 127.0.0.1 / unix sockets, bounded by timeouts):
//   this process: echo model (HTTP, echo-model.mjs) + control socket for the fake imsg processes
//   child:        node --import gateway-preload.mjs openclaw.mjs gateway run --bind loopback ...
//   grandchildren: fake_imsg.py rpc ...  (spawned by OpenClaw: probes, the monitor, CLI one-shots)
//
// Step lines (scenarios/<name>.jsonl), one JSON object per line:
//   {"emit": {message fields}, "account": "work"}  emit a watch `message` notification to the account's
//        monitor; a line that has none of emit/sleep/cli/comment is itself the message. Missing
//        fields are filled (fillMessage in e2e-common.mjs). String values "$LAST_SEND_ID", "$LAST_SEND_TEXT",
//        "$LAST_SEND_GUID" refer to the latest send request/result seen so far.
//   {"sleep": seconds}                              wait (e.g. to let a TTL expire)
//   {"cli": ["pairing","approve","imessage","$PAIRING_CODE_1","--notify"]}
//        run the OpenClaw CLI with the same env/config while the gateway runs ($PAIRING_CODE_n = the
//        n-th code in the pairing store, by createdAt)
//   {"comment": "..."}                              ignored
//   Any step may carry "settle": false (go on at once instead of waiting for quiet) and "note".
// After each step (unless "settle": false) the runner waits until OpenClaw has decided on the emitted
// message, no dispatch (agent run + delivery) and no model request is in flight (the first two come
// from the trace taps), and the gateway, model and imsg have all been quiet for E2E_QUIET_MS
// (default 1500 ms); at most E2E_STEP_MAX_MS (45 s) per step, E2E_RUN_MAX_MS (300 s) per run.


import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startEchoModel } from "./echo-model.mjs";
import {
  emitFields,
  fillMessage,
  isEmit,
  isObj,
  jsonl,
  listScenarios,
  loadConfig,
  loadJSON5,
  orderedEvents,
  roleOf,
  pairingCodesByCreation as storeCodesByCreation,
  pairingStore as readPairingStore,
  readJsonl,
  readSteps,
  scenarioSet,
  sendsOf,
  sleep,
  startControl,
  stateFiles,
  substitute as substituteWith,
  usesTemplate,
  wireOf,
} from "./e2e-common.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const flag = (k) => argv.includes(k);
const opt = (k, d) => (argv.includes(k) ? argv[argv.indexOf(k) + 1] : d);
const VALUED = ["--out", "--openclaw", "--scenarios", "--inbound"];
const NAME = argv.find((a, i) => !a.startsWith("--") && !VALUED.includes(argv[i - 1]));
if (!NAME) {
  process.stderr.write("usage: node run-scenario.mjs <scenario> [--scenarios DIR] [--out DIR] [--inbound FILE] [--raw] [--keep] [--no-trace] [--openclaw DIR]\n");
  process.exit(2);
}
const SET = scenarioSet(opt("--scenarios", HERE), HERE);
const OUT = path.resolve(opt("--out", SET.expDir));
const INBOUND = opt("--inbound") ? path.resolve(opt("--inbound")) : undefined;
const ORACLE_ROOT = process.env.ORACLE_ROOT || path.join(os.homedir(), ".cache/openclaw-oracle");
const OPENCLAW_VERSION = process.env.OPENCLAW_VERSION || "2026.9.6";
const OPENCLAW_DIR = path.resolve(opt("--openclaw", process.env.OPENCLAW_DIR || path.join(ORACLE_ROOT, `${OPENCLAW_VERSION === "2026.9.6" ? "npm" : `npm-${OPENCLAW_VERSION}`}/node_modules/openclaw`)));
const TRACE = !flag("--no-trace");
const QUIET_MS = Number(process.env.E2E_QUIET_MS || 1500);
const STEP_MAX_MS = Number(process.env.E2E_STEP_MAX_MS || 45000);
const READY_MAX_MS = Number(process.env.E2E_READY_MAX_MS || 90000);
const RUN_MAX_MS = Number(process.env.E2E_RUN_MAX_MS || 300000);

const JSON5 = loadJSON5(OPENCLAW_DIR);
const ocVersion = JSON.parse(fs.readFileSync(path.join(OPENCLAW_DIR, "package.json"), "utf8")).version;

const t0 = Date.now();
const log = (...a) => process.stderr.write(`[e2e ${NAME} +${((Date.now() - t0) / 1000).toFixed(1)}s] ${a.join(" ")}\n`);

// ---------- inputs ----------
const scenCfgPath = path.join(SET.scenDir, `${NAME}.json5`);
const scenStepsPath = path.join(SET.scenDir, `${NAME}.jsonl`);
if (!fs.existsSync(scenCfgPath) || !listScenarios(SET.scenDir).includes(NAME)) {
  process.stderr.write(`no scenario ${NAME} in ${SET.scenDir} (needs ${NAME}.json5 and ${NAME}.jsonl)\n`);
  process.exit(2);
}
const config = loadConfig(JSON5, SET.harness, scenCfgPath);
// A recorded inbound.jsonl line becomes the step it was: the row as emitted (or its template, resolved
// again), the sleep, or the CLI call (its template resolved again).
const steps = INBOUND
  ? readJsonl(INBOUND).map((l) =>
      "emit" in l
        ? { emit: l.emit, account: l.account, settle: l.settle, ...(l.template ? { replayTemplate: l.template } : {}) }
        : "sleep" in l
          ? { sleep: l.sleep, settle: l.settle }
          : { cli: l.template ?? l.cli },
    )
  : readSteps(scenStepsPath);

// ---------- time shift (e2e-2026.9.6) ----------
// OpenClaw 2026.9.6's iMessage monitor drops every row whose created_at is more than 15 min before now
// ("suppressed stale inbound backlog": isStaleIMessageBacklog / suppressStaleIngress in
// @openclaw/imessage's monitor chunk), so the scripted 2026-05-16 rows would all be dropped. Shifting
// the gateway's clock does not work (its leases and file times are compared across processes), so the
// rows are moved instead: every scripted time is emitted + SHIFT_MS, a whole number of minutes that
// puts the first row 5-6 min before the real start (live for the fence, and still older than the
// session store's real update times, as in the 2026.3.24 recordings, so no "+elapsed" markers).
// Everything recorded is moved back by SHIFT_MS (unshift below: ISO strings, epoch ms and OpenClaw's
// "Www YYYY-MM-DD HH:MM" envelope times inside the shifted window), so recordings show the scripted
// times. E2E_TIME_SHIFT_MS=0 turns the shift off (then 2026.9.6 drops every row as stale backlog).
const SCRIPT_BASE_MS = Date.parse("2026-05-16T15:24:00.123Z");
const SHIFT_MS = process.env.E2E_TIME_SHIFT_MS !== undefined ? Number(process.env.E2E_TIME_SHIFT_MS) : Math.floor((Date.now() - 5 * 60000 - SCRIPT_BASE_MS) / 60000) * 60000;
const WIN_LO = SCRIPT_BASE_MS + SHIFT_MS - 86400000;
const WIN_HI = SCRIPT_BASE_MS + SHIFT_MS + 86400000;
const inWin = (ms) => SHIFT_MS !== 0 && ms >= WIN_LO && ms <= WIN_HI;
const ISO_RE = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,3})?Z/g;
const isoExact = new RegExp(`^${ISO_RE.source}$`);
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const pad = (n) => String(n).padStart(2, "0");
function unshiftText(t) {
  if (!SHIFT_MS) return t;
  return t
    .replace(ISO_RE, (m) => {
      const ms = Date.parse(m);
      if (!inWin(ms)) return m;
      const iso = new Date(ms - SHIFT_MS).toISOString();
      return m.includes(".") ? iso : iso.replace(/\.\d{3}Z$/, "Z");
    })
    .replace(/(?<!\d)1\d{12}(?!\d)/g, (m) => (inWin(Number(m)) ? String(Number(m) - SHIFT_MS) : m))
    .replace(/\b(?:(Sun|Mon|Tue|Wed|Thu|Fri|Sat) )?(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d)/g, (m, w, y, mo, d, h, mi) => {
      const ms = Date.UTC(+y, +mo - 1, +d, +h, +mi);
      if (!inWin(ms)) return m;
      const u = new Date(ms - SHIFT_MS);
      return `${w ? DAYS[u.getUTCDay()] + " " : ""}${u.getUTCFullYear()}-${pad(u.getUTCMonth() + 1)}-${pad(u.getUTCDate())} ${pad(u.getUTCHours())}:${pad(u.getUTCMinutes())}`;
    })
    // A reply chunked inside "Www YYYY-MM-DD HH:MM:SS" leaves pieces at the end or start of a chunk: a
    // date without a time (the run's shifted date), a weekday alone at the end, a time alone at the start.
    .replace(/\b(?:(Sun|Mon|Tue|Wed|Thu|Fri|Sat) )?(\d{4}-\d\d-\d\d)(?![T\d]| \d\d:\d\d)/g, (m, w, d) =>
      d === SHIFTED_DATE && (!w || w === SHIFTED_DAY) ? `${w ? SCRIPT_DAY + " " : ""}${SCRIPT_DATE}` : m,
    )
    .replace(/(^|\s)(Sun|Mon|Tue|Wed|Thu|Fri|Sat)$/, (m, sp, w) => (w === SHIFTED_DAY ? sp + SCRIPT_DAY : m))
    .replace(/^(\d\d):(\d\d)(?=(?::\d\d)? UTC)/, (m, h, mi) => {
      const shiftMin = Math.round(SHIFT_MS / 60000) % 1440;
      const t = (((+h * 60 + +mi - shiftMin) % 1440) + 1440) % 1440;
      return `${pad(Math.floor(t / 60))}:${pad(t % 60)}`;
    });
}
const SHIFTED_DATE = new Date(SCRIPT_BASE_MS + SHIFT_MS).toISOString().slice(0, 10);
const SCRIPT_DATE = new Date(SCRIPT_BASE_MS).toISOString().slice(0, 10);
const SHIFTED_DAY = DAYS[new Date(SCRIPT_BASE_MS + SHIFT_MS).getUTCDay()];
const SCRIPT_DAY = DAYS[new Date(SCRIPT_BASE_MS).getUTCDay()];
const unshift = (v) =>
  typeof v === "string" ? unshiftText(v) : typeof v === "number" ? (Number.isInteger(v) && inWin(v) ? v - SHIFT_MS : v) : Array.isArray(v) ? v.map(unshift) : isObj(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unshift(x)])) : v;
// A row as OpenClaw gets it: its ISO time fields moved by SHIFT_MS.
const liveRow = (m) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, typeof v === "string" && isoExact.test(v) ? new Date(Date.parse(v) + SHIFT_MS).toISOString() : v]));

// ---------- sandbox ----------
const SB = fs.mkdtempSync(path.join(os.tmpdir(), `oc-e2e-${NAME}-`));
for (const d of ["home", "state"]) fs.mkdirSync(path.join(SB, d), { recursive: true });
// 2026.9.6: @openclaw/imessage is an external plugin. Install the oracle's copy of it into the sandbox
// the way `openclaw plugins install @openclaw/imessage` does from npm: the package in an npm root with
// node_modules/openclaw linked to the host (OpenClaw audits that peer link), plus an npm install record
// in the legacy JSON index, which the gateway imports into its state database at start-up. Then it is
// discovered as an installed, trusted official plugin (a plugins.load.paths entry is refused the
// trusted ingress API, and without a record the gateway tries to npm-install it).
{
  const srcDir = process.env.IMESSAGE_PLUGIN_DIR || path.join(OPENCLAW_DIR, "..", "@openclaw", "imessage");
  if (fs.existsSync(path.join(srcDir, "package.json"))) {
    const pv = JSON.parse(fs.readFileSync(path.join(srcDir, "package.json"), "utf8")).version;
    const pluginDir = path.join(SB, "plugin-npm", "node_modules", "@openclaw", "imessage");
    fs.cpSync(srcDir, pluginDir, { recursive: true, dereference: true });
    fs.symlinkSync(OPENCLAW_DIR, path.join(pluginDir, "node_modules", "openclaw"));
    fs.mkdirSync(path.join(SB, "state", "plugins"), { recursive: true });
    fs.writeFileSync(
      path.join(SB, "state", "plugins", "installs.json"),
      JSON.stringify({ installRecords: { imessage: { source: "npm", spec: `@openclaw/imessage@${pv}`, resolvedName: "@openclaw/imessage", resolvedVersion: pv, resolvedSpec: `@openclaw/imessage@${pv}`, installPath: pluginDir, version: pv } } }, null, 2) + "\n",
    );
  }
}
const CONFIG_PATH = path.join(SB, "openclaw.json");
fs.writeFileSync(CONFIG_PATH, JSON.stringify(config, null, 2) + "\n");
const TRACE_FILE = path.join(SB, "trace.jsonl");
const GW_LOG = path.join(SB, "gateway.log");
const gwLog = fs.createWriteStream(GW_LOG);

// ---------- activity + recordings ----------
let lastActivity = Date.now();
const touch = () => (lastActivity = Date.now());
let currentStep = 0; // 0 = start-up, k = after step k was issued
const modelReqs = [];

// ---------- echo model ----------
const model = await startEchoModel({
  onRequest: (r) => {
    touch();
    modelReqs.push({ ...r, step: currentStep });
  },
});
log(`echo model at ${model.baseUrl}`);

// ---------- control socket for fake imsg ----------
const CTL = path.join(SB, "imsg-control.sock");
const control = await startControl(CTL, { getStep: () => currentStep, onActivity: touch });
const conns = control.conns; // fake imsg processes

// ---------- gateway ----------
const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
const GW_PORT = await freePort();
const env = {};
for (const [k, v] of Object.entries(process.env)) {
  if (/^(OPENCLAW_|CLAWDBOT_|VITEST|NODE_ENV$|NODE_OPTIONS$|.*_API_KEY$|.*_TOKEN$|HTTPS?_PROXY$|ALL_PROXY$|https?_proxy$|all_proxy$)/.test(k)) continue;
  env[k] = v;
}
Object.assign(env, {
  HOME: path.join(SB, "home"),
  OPENCLAW_STATE_DIR: path.join(SB, "state"),
  OPENCLAW_CONFIG_PATH: CONFIG_PATH,
  OPENCLAW_NO_RESPAWN: "1",
  OPENCLAW_DISABLE_BONJOUR: "1",
  OPENCLAW_SKIP_CANVAS_HOST: "1",
  OPENCLAW_SKIP_GMAIL_WATCHER: "1",
  OPENCLAW_SKIP_BROWSER_CONTROL_SERVER: "1",
  TZ: "UTC",
  LANG: "C.UTF-8",
  NO_COLOR: "1",
  FORCE_COLOR: "0",
  ECHO_MODEL_BASE_URL: model.baseUrl,
  FAKE_IMSG_BIN: path.join(HERE, "fake_imsg.py"),
  FAKE_IMSG_CONTROL: CTL,
  // 2026.9.6: iMessage is the separate package @openclaw/imessage, installed next to openclaw; harness.json5 loads it from here
  IMESSAGE_PLUGIN_DIR: process.env.IMESSAGE_PLUGIN_DIR || path.join(OPENCLAW_DIR, "..", "@openclaw", "imessage"),
  OC_E2E_SANDBOX: SB,
  FAKE_IMSG_TIME_SHIFT_MS: String(SHIFT_MS),
  FAKE_IMSG_ID_FILE: path.join(SB, "imsg-send-ids"), // send ids per account across imsg processes (fake_imsg.py)
  NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE || path.join(ORACLE_ROOT, "compile-cache"),
});
if (TRACE) env.E2E_TRACE_FILE = TRACE_FILE;
const nodeArgs = ["--import", path.join(HERE, "gateway-preload.mjs")];
const ocMain = path.join(OPENCLAW_DIR, "openclaw.mjs");

function pipeLines(stream, prefix) {
  let buf = "";
  stream.on("data", (d) => {
    touch();
    buf += d.toString("utf8");
    let i;
    while ((i = buf.indexOf("\n")) >= 0) {
      gwLog.write(`${prefix}${buf.slice(0, i)}\n`);
      buf = buf.slice(i + 1);
    }
  });
}

const gw = spawn(process.execPath, [...nodeArgs, ocMain, "gateway", "run", "--port", String(GW_PORT), "--bind", "loopback", "--allow-unconfigured", "--verbose"], {
  env,
  cwd: SB,
  stdio: ["ignore", "pipe", "pipe"],
  detached: true, // own process group: 2026.9.6's gateway leaves helper processes (spawn broker, workers) that a kill of its pid alone orphans
});
// SIGKILL everything left in the gateway's process group (its workers, imsg processes); SIGTERM still goes to the gateway alone.
const killGroup = () => {
  try {
    process.kill(-gw.pid, "SIGKILL");
  } catch {}
};
let gwExit = null;
const gwExited = new Promise((r) => gw.on("exit", (code, sig) => r((gwExit = { code, sig }))));
pipeLines(gw.stdout, "");
pipeLines(gw.stderr, "[stderr] ");
log(`gateway pid ${gw.pid} on 127.0.0.1:${GW_PORT}; sandbox ${SB}`);

const watchdog = setTimeout(() => {
  log(`run exceeded ${RUN_MAX_MS} ms; killing`);
  killGroup();
  process.exit(4);
}, RUN_MAX_MS);

// Live view of the trace taps (gateway-preload.mjs): tells when OpenClaw has decided on a message and
// when a dispatch (agent run + delivery) has returned, so that a slow machine does not cut a turn short.
let traceOffset = 0;
const traceEvents = [];
function pollTrace() {
  if (!TRACE) return;
  let fd;
  try {
    fd = fs.openSync(TRACE_FILE, "r");
  } catch {
    return;
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size <= traceOffset) return;
    const buf = Buffer.alloc(size - traceOffset);
    fs.readSync(fd, buf, 0, buf.length, traceOffset);
    const end = buf.lastIndexOf(0x0a);
    if (end < 0) return;
    traceOffset += end + 1;
    for (const line of buf.subarray(0, end).toString("utf8").split("\n")) {
      if (!line) continue;
      traceEvents.push(JSON.parse(line));
      touch();
    }
  } finally {
    fs.closeSync(fd);
  }
}
const dispatchesInFlight = () => traceEvents.filter((e) => e.type === "ctx").length - traceEvents.filter((e) => e.type === "dispatched").length;
const decided = (id) => traceEvents.some((e) => (e.type === "decision" || e.type === "stale") && e.message?.id === id);

// Wait until: no model request in flight, no dispatch in flight and the awaited message decided
// (trace mode), and no activity (gateway output, imsg traffic, model, trace) for QUIET_MS.
async function settle(minMs = 300, awaitId = undefined) {
  const start = Date.now();
  await sleep(minMs);
  while (Date.now() - start < STEP_MAX_MS) {
    if (gwExit) return;
    pollTrace();
    const traced = !TRACE || (dispatchesInFlight() === 0 && (awaitId === undefined || decided(awaitId)));
    if (traced && model.inFlight() === 0 && Date.now() - lastActivity >= QUIET_MS) return;
    await sleep(100);
  }
  log(`step ${currentStep}: not settled after ${STEP_MAX_MS} ms; going on`);
}

// ---------- wait for the monitors to subscribe ----------
const wantAccounts = [...new Set(steps.filter((s) => isEmit(s)).map((s) => s.account ?? "default"))];
const monitorFor = control.monitorFor;
{
  const start = Date.now();
  while (!wantAccounts.every((a) => monitorFor(a))) {
    if (gwExit) break;
    if (Date.now() - start > READY_MAX_MS) break;
    await sleep(100);
  }
  const missing = wantAccounts.filter((a) => !monitorFor(a));
  if (missing.length) {
    log(`FAILED: no subscribed imsg monitor for account(s) ${missing.join(", ")} (gateway ${gwExit ? "exited" : "running"}); see ${GW_LOG}`);
    killGroup();
    process.exit(5);
  }
  await settle(500);
  log(`ready: monitors for ${wantAccounts.join(", ")} after ${((Date.now() - start) / 1000).toFixed(1)}s`);
}

// ---------- steps ----------
let emitOrdinal = 0;
const pairingStore = () => readPairingStore(path.join(SB, "state"));
const pairingCodesByCreation = () => storeCodesByCreation(path.join(SB, "state"));
const substitute = (v) => substituteWith(v, { lastSend: control.lastSend(), pairingCodes: pairingCodesByCreation });
const emitted = []; // {step, account, message, t}
const inputs = []; // what each step did, for <name>.inbound.jsonl
let awaitId; // id of the last emitted message not yet waited for
const cliRuns = [];

for (let k = 0; k < steps.length; k++) {
  const s = steps[k];
  if (gwExit) break;
  currentStep = k + 1;
  const template = INBOUND ? s.replayTemplate ?? ("cli" in s && usesTemplate(s.cli) ? s.cli : undefined) : usesTemplate(s) ? ("cli" in s ? s.cli : "emit" in s ? s.emit : s) : undefined;
  if ("sleep" in s) {
    inputs.push({ step: currentStep, sleep: Number(s.sleep), settle: s.settle !== false });
    await sleep(Number(s.sleep) * 1000);
  } else if ("cli" in s) {
    const args = substitute(s.cli);
    log(`step ${currentStep}: openclaw ${args.join(" ")}`);
    const r = await new Promise((resolve) => {
      const p = spawn(process.execPath, [...nodeArgs, ocMain, ...args], { env: { ...env, E2E_TRACE_FILE: "" }, cwd: SB, stdio: ["ignore", "pipe", "pipe"], detached: true });
      let out = "";
      p.stdout.on("data", (d) => ((out += d), touch()));
      p.stderr.on("data", (d) => ((out += d), touch()));
      const killCli = () => {
        try {
          process.kill(-p.pid, "SIGKILL");
        } catch {}
      };
      const timer = setTimeout(killCli, 60000);
      p.on("exit", (code) => (clearTimeout(timer), killCli(), resolve({ code, out })));
    });
    gwLog.write(`[cli step ${currentStep}] rc=${r.code}\n${r.out}\n`);
    inputs.push({ step: currentStep, cli: args, rc: r.code, ...(template ? { template } : {}) });
    cliRuns.push({ step: currentStep, args: s.cli, rc: r.code });
  } else {
    const acct = s.account ?? "default";
    emitOrdinal++;
    const msg = INBOUND && !s.replayTemplate ? s.emit : fillMessage(substitute(emitFields(INBOUND ? s.replayTemplate : s)), emitOrdinal);
    if (!monitorFor(acct)) {
      log(`step ${currentStep}: no live monitor for account ${acct}; stopping`);
      break;
    }
    emitted.push({ step: currentStep, account: acct, message: msg, t: Date.now() });
    inputs.push({ step: currentStep, account: acct, settle: s.settle !== false, emit: msg, ...(template ? { template } : {}) });
    control.emit(acct, liveRow(msg));
    touch();
    awaitId = msg.id;
  }
  if (s.settle !== false) {
    await settle(300, awaitId);
    awaitId = undefined;
  }
}
currentStep = steps.length + 1; // shutdown
await settle();

// ---------- stop ----------
log("stopping gateway (SIGTERM)");
gw.kill("SIGTERM");
await Promise.race([gwExited, sleep(15000)]);
if (!gwExit) {
  log("gateway did not exit in 15 s; SIGKILL");
  killGroup();
  await Promise.race([gwExited, sleep(5000)]);
}
const closeStart = Date.now();
while (conns.some((c) => !c.closed) && Date.now() - closeStart < 3000) await sleep(50);
killGroup(); // leftovers only: the gateway has exited (or was killed) by now
clearTimeout(watchdog);
await model.close();
control.close();
gwLog.end();

// ---------- write recordings ----------
const codeMap = new Map(); // code -> placeholder
const storeCodes = pairingCodesByCreation();
function normCodes(text) {
  if (typeof text !== "string") return text;
  let out = text;
  const seen = [...storeCodes.filter((c) => out.includes(c)), ...[...(out.match(/Pairing code:\n```\n([A-Z0-9]{8})\n```/) ?? [])].slice(1), ...[...(out.match(/Pairing code:\n\n([A-Z0-9]{8})\n/) ?? [])].slice(1)];
  for (const code of seen) {
    if (!codeMap.has(code)) codeMap.set(code, `<PAIRING_CODE_${codeMap.size + 1}>`);
  }
  for (const [code, ph] of codeMap) out = out.split(code).join(ph);
  return out;
}
const norm0 = (v) => (typeof v === "string" ? normCodes(v) : Array.isArray(v) ? v.map(norm0) : isObj(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, norm0(x)])) : v);
// e2e-2026.9.6: the agent's turn context carries a "Runtime: … sessionId=<uuid> | repo=<sandbox>/…" line
// (random per run) and /status prints the real time and uptime: the sandbox path, session UUIDs and
// those clock lines are replaced.
const normRun = (v) =>
  typeof v === "string"
    ? v
        .split(SB)
        .join("<SANDBOX>")
        // 2026.9.6 stages an outbound MEDIA: file in a fresh temp dir before sending it
        .replace(/\/openclaw-imessage-outbound-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-[A-Za-z0-9]{6}\//g, "/openclaw-imessage-outbound-<UUID>-<RANDOM>/")
        .replace(/\b(sessionId[=:]\s*"?|#session:)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "$1<SESSION_ID>")
        // the /status card's clock lines (real time and uptime)
        .replace(/^Current time: .*$/gm, "Current time: <NOW>")
        .replace(/^Reference UTC: .*$/gm, "Reference UTC: <NOW>")
        .replace(/^(⏱️ Uptime: ).*$/gmu, "$1<UPTIME>")
        .replace(/^(🧵 Session: .*? • duration )[^•\n]*?( • updated )[^•\n]*$/gmu, "$1<DURATION>$2<AGO>")
    : Array.isArray(v) ? v.map(normRun) : isObj(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normRun(x)])) : v;
const norm = (v) => normRun(unshift(norm0(v)));

const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
const allEvents = orderedEvents(conns);
const rawSends = sendsOf(allEvents);
const sends = rawSends.map((s) => ({ ...s, params: norm(s.params) }));
const wire = wireOf(allEvents).map((w) => ({ ...w, msg: norm(w.msg) }));

const innerJson = (sys, title) => {
  if (typeof sys !== "string") return undefined;
  const i = sys.indexOf(title);
  if (i < 0) return undefined;
  const m = sys.slice(i).match(/```json\n([\s\S]*?)\n```/);
  try {
    return m ? JSON.parse(m[1]) : undefined;
  } catch {
    return undefined;
  }
};
const partText = (c) => (typeof c === "string" ? c : Array.isArray(c) ? c.map((p) => p.text ?? "").join("") : "");
const turnUserTexts = (msgs) => {
  let i = msgs.length;
  while (i > 0 && msgs[i - 1].role !== "assistant") i--;
  return msgs.slice(i).filter((m) => m.role === "user").map((m) => partText(m.content));
};
const prompts = modelReqs.map((r) => {
  const msgs = r.body?.messages ?? [];
  const sys = msgs.find((m) => m.role === "system" || m.role === "developer");
  const sysText = typeof sys?.content === "string" ? sys.content : Array.isArray(sys?.content) ? sys.content.map((p) => p.text ?? "").join("") : undefined;
  return {
    step: r.step,
    model: r.body?.model,
    roles: msgs.map((m) => m.role),
    // 2026.9.6 titles the trusted block "### Message Context" (schema openclaw.inbound_meta.v2)
    inbound_meta: innerJson(sysText, "## Inbound Context (trusted metadata)") ?? innerJson(sysText, "### Message Context"),
    user_text: norm(r.userText),
    // e2e-2026.9.6: the last user message is OpenClaw's internal-context block; the inbound text is in an
    // earlier user message of the same turn, so every user message after the last assistant one is kept.
    turn_user_texts: norm(turnUserTexts(msgs)),
    reply: norm(r.reply),
  };
});

const stepAt = (t) => {
  let s = 0;
  for (const e of emitted) if (e.t <= t) s = e.step;
  return s;
};
// Step of the row a decision/context is about, by row id rather than by time (rows emitted with
// "settle": false may be decided after the next step was issued): the latest emission of that id
// before the event, else the step of the send whose result carried that id on that account's monitor
// (imsg's echo row of our own send; send ids restart at 50001 in every imsg process, so the id alone
// is ambiguous across accounts), else the time-based step.
const sendStepById = new Map(); // "<account>:<id>" -> step
for (const c of conns) // every process: 2026.9.6 sends through one-shot imsg processes (ids are per account here)
  for (const e of c.events) {
      const key = `${c.account}:${e.msg?.result?.id}`;
      if (e.type === "out" && e.msg?.result?.id != null && !sendStepById.has(key)) sendStepById.set(key, e.step);
    }
const stepOfRow = (id, account, t) => {
  if (id == null) return stepAt(t);
  let s;
  let any;
  for (const e of emitted)
    if (String(e.message.id) === String(id) && e.t <= t) {
      any = e.step;
      if (e.account === account) s = e.step;
    }
  return s ?? any ?? sendStepById.get(`${account}:${id}`) ?? stepAt(t);
};
let decisions = [];
let ctxs = [];
if (TRACE) {
  pollTrace();
  const tr = traceEvents;
  const byStepAccount = (a, b) => a.step - b.step || cmp(a.account, b.account);
  decisions = tr
    .filter((e) => e.type === "decision" || e.type === "rate-limited" || e.type === "stale")
    .map((e) =>
      e.type === "decision"
        ? { step: stepOfRow(e.message?.id, e.accountId, e.t), account: e.accountId, message_id: e.message?.id ?? null, is_from_me: e.message?.is_from_me ?? null, decision: norm(e.decision) }
        : e.type === "stale"
          ? { step: stepOfRow(e.message?.id, e.accountId, e.t), account: e.accountId, message_id: e.message?.id ?? null, decision: { kind: "stale-backlog", recovery: e.isRecoveryReplay, thresholdMs: e.staleThresholdMs } }
          : { step: stepOfRow(e.message?.id, e.accountId, e.t), account: e.accountId, message_id: e.message?.id ?? null, decision: { kind: "rate-limited", conversationKey: e.conversationKey } },
    )
    .sort(byStepAccount); // stable sort: trace order kept within a step and account
  ctxs = tr
    .filter((e) => e.type === "ctx")
    .map((e) => ({ step: stepOfRow(e.ctx?.MessageSid, e.accountId, e.t), account: e.accountId, ctx: norm(e.ctx) }))
    .sort(byStepAccount);
}

const state = {};
const store = pairingStore();
if (store) {
  // 2026.9.6 keeps the pairing store in its state database (e2e-common.mjs, pairingStore)
  const storeKey = fs.existsSync(path.join(SB, "state", "credentials", "imessage-pairing.json")) ? "credentials/imessage-pairing.json" : "state/openclaw.sqlite#channel_pairing_requests,channel_pairing_allow_entries";
  state[storeKey] = norm({
    ...store,
    requests: (store.requests ?? []).map((r) => ({ ...r, createdAt: r.createdAt ? "<TIMESTAMP>" : r.createdAt, lastSeenAt: r.lastSeenAt ? "<TIMESTAMP>" : r.lastSeenAt })),
  });
}
const credDir = path.join(SB, "state", "credentials");
if (fs.existsSync(credDir))
  for (const f of fs.readdirSync(credDir).sort())
    if (/^imessage-.*allowFrom\.json$/.test(f)) state[`credentials/${f}`] = norm(JSON.parse(fs.readFileSync(path.join(credDir, f), "utf8")));

fs.mkdirSync(OUT, { recursive: true });
fs.writeFileSync(path.join(OUT, `${NAME}.jsonl`), jsonl(sends));
fs.writeFileSync(path.join(OUT, `${NAME}.prompts.jsonl`), jsonl(prompts));
fs.writeFileSync(path.join(OUT, `${NAME}.wire.jsonl`), jsonl(wire));
fs.writeFileSync(path.join(OUT, `${NAME}.inbound.jsonl`), jsonl(inputs.map(norm)));
if (TRACE) {
  fs.writeFileSync(path.join(OUT, `${NAME}.decisions.jsonl`), jsonl(decisions));
  fs.writeFileSync(path.join(OUT, `${NAME}.ctx.jsonl`), jsonl(ctxs));
}
if (flag("--raw")) fs.writeFileSync(path.join(OUT, `${NAME}.raw.json`), JSON.stringify({ sends: rawSends, state: stateFiles(path.join(SB, "state")) }, null, 2) + "\n");
const statePath = path.join(OUT, `${NAME}.state.json`);
if (Object.keys(state).length) fs.writeFileSync(statePath, JSON.stringify(state, null, 2) + "\n");
else fs.rmSync(statePath, { force: true });

const probes = conns.filter((c) => roleOf(c) === "probe").length;
const guardHits = fs.readFileSync(GW_LOG, "utf8").match(/\[e2e loopback-guard\] blocked .*/g) ?? [];
const summary = {
  scenario: NAME,
  openclaw: ocVersion,
  seconds: Number(((Date.now() - t0) / 1000).toFixed(1)),
  steps: steps.length,
  emitted: emitted.length,
  sends: sends.length,
  model_requests: prompts.length,
  imsg_processes: { monitor: conns.filter((c) => roleOf(c) === "monitor").length, probe: probes, oneshot: conns.filter((c) => roleOf(c) === "oneshot").length },
  cli: cliRuns,
  gateway_exit: gwExit,
  loopback_guard_blocked: [...new Set(guardHits)],
};
process.stdout.write(JSON.stringify(summary) + "\n");
if (flag("--keep")) log(`sandbox kept: ${SB}`);
else fs.rmSync(SB, { recursive: true, force: true });
process.exit(0);
