// Driver for scripts/oracle-inbound-goldens.sh: runs scripted iMessage rows through OpenClaw
// 2026.3.24's own inbound functions (the iMessage monitor's decision, caches, rate limiter and context
// builder) and writes one golden JSON line per case. Run it through the .sh (it finds Node 24, builds
// the vet binary and compares for --check); the Go tests only read the golden.
//
// Usage: node oracle-inbound-goldens.mjs --root ROOT --corpus DIR --out FILE --work DIR
//          --oracle-dir DIR --openclaw-dir DIR [--vet BIN] [--e2e DIR]
//   --e2e DIR   also replay the real gateway's recordings in DIR (/work/shared/oracle/runtime-e2e)
//               through the same glue and require the same decisions and contexts (selfCheckE2E)
//
// Nothing from OpenClaw is copied here: every function that decides is imported from the installed
// dist at run time. The module-private ones (and the imported bindings the monitor itself uses) are
// reached by appending one `export {...}` statement to the monitor's chunk in memory, through a
// module load hook, as /work/shared/oracle/runtime-oracle.mjs does. The only code here that mirrors
// OpenClaw is the monitor glue in handleMessageNow()/startMonitor() below (the ~60 lines of
// monitorIMessageProvider that call those functions); compare it line by line with
// dist/imessage-*.js, region extensions/imessage/src/monitor/monitor-provider.ts.

import fs from "node:fs";
import path from "node:path";
import module from "node:module";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const argv = process.argv.slice(2);
const opt = (name) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const ROOT = opt("root");
const CORPUS = opt("corpus");
const OUT = opt("out");
const WORK = opt("work");
const ORACLE_DIR = opt("oracle-dir");
const OPENCLAW_DIR = opt("openclaw-dir");
const VET = opt("vet");
const E2E = opt("e2e");
for (const [k, v] of Object.entries({ ROOT, CORPUS, OUT, WORK, ORACLE_DIR, OPENCLAW_DIR })) {
  if (!v) throw new Error(`missing --${k.toLowerCase().replace("_", "-")}`);
}
const DIST = path.join(OPENCLAW_DIR, "dist");
const JSON5 = createRequire(import.meta.url)(path.join(OPENCLAW_DIR, "..", "json5"));

// ---------------------------------------------------------------------------------------------
// Sandbox and deterministic clock, before any OpenClaw module loads.

const sandbox = fs.mkdtempSync(path.join(WORK, "sandbox-"));
process.env.HOME = path.join(sandbox, "home");
fs.mkdirSync(process.env.HOME);
process.env.OPENCLAW_STATE_DIR = path.join(sandbox, "state");
process.env.OPENCLAW_CONFIG_PATH = path.join(sandbox, "unused.json5");
delete process.env.OPENCLAW_PROFILE;
process.env.TZ = "UTC";
// OpenClaw logs through console.*; keep stdout clean and stderr quiet unless asked.
const quiet = process.env.INBOUND_GOLDENS_VERBOSE !== "1";
for (const k of ["log", "info", "warn", "debug"]) console[k] = (...a) => (quiet ? undefined : process.stderr.write(a.map(String).join(" ") + "\n"));

// Every Date.now() and argument-less new Date() in OpenClaw reads NOW: the echo cache (text 5 s, id
// 60 s), the self-chat cache (10 s), the loop rate limiter (60 s window) and everything else.
const RealDate = Date;
let NOW = RealDate.UTC(2026, 4, 16, 15, 24, 0, 0);
class ClockDate extends RealDate {
  constructor(...a) {
    if (a.length === 0) super(NOW);
    else super(...a);
  }
  static now() {
    return NOW;
  }
}
globalThis.Date = ClockDate;

// ---------------------------------------------------------------------------------------------
// Reach the monitor's functions: one export statement appended to the chunk holding
// extensions/imessage/src/monitor/monitor-provider.ts. Imported bindings are re-exported under the
// name the chunk uses, so these are exactly the functions the monitor calls.

const MONITOR_REGION = "//#region extensions/imessage/src/monitor/monitor-provider.ts";
const NEEDED = [
  // module-private in the chunk
  "resolveIMessageInboundDecision", "buildIMessageInboundContext", "createSentMessageCache", "createSelfChatCache",
  "createLoopRateLimiter", "parseIMessageNotification", "normalizeAllowList",
  // imported by the chunk from other chunks
  "isInboundPathAllowed", "resolveIMessageAttachmentRoots", "resolveIMessageRemoteAttachmentRoots", "kindFromMime",
  "readChannelAllowFromStore", "resolveIMessageAccount", "normalizeScpRemoteHost", "resolveOpenProviderRuntimeGroupPolicy",
  "resolveDefaultGroupPolicy", "resolveStorePath", "resolvePinnedMainDmOwnerFromAllowlist", "normalizeIMessageHandle",
  "truncateUtf16Safe", "clearHistoryEntriesIfEnabled",
];
const monitorFile = fs.readdirSync(DIST).filter((f) => f.endsWith(".js")).sort().map((f) => path.join(DIST, f))
  .find((f) => fs.readFileSync(f, "utf8").includes(MONITOR_REGION));
if (!monitorFile) throw new Error(`no chunk in ${DIST} holds ${MONITOR_REGION}`);
{
  const src = fs.readFileSync(monitorFile, "utf8");
  for (const n of NEEDED) {
    const defined = new RegExp(`(?:^|\\n)(?:async )?function ${n}\\(`).test(src) || new RegExp(`\\bas ${n}\\b`).test(src.slice(0, 8000));
    if (!defined) throw new Error(`${path.basename(monitorFile)} neither defines nor imports ${n}`);
  }
}
const monitorUrl = pathToFileURL(monitorFile).href;
module.registerHooks({
  load(url, context, nextLoad) {
    const r = nextLoad(url, context);
    if (url !== monitorUrl) return r;
    return { ...r, format: "module", source: `${r.source}\nexport { ${NEEDED.map((n) => `${n} as __oracle_${n}`).join(", ")} };\n` };
  },
});
const M = await import(monitorUrl);
const oc = Object.fromEntries(NEEDED.map((n) => [n, M[`__oracle_${n}`]]));
for (const [n, f] of Object.entries(oc)) if (typeof f !== "function") throw new Error(`${n} not reachable`);

// The accounts the gateway starts (listIMessageAccountIds, exported under a mangled name by the chunk
// that defines it): a case may only send to those.
let listIMessageAccountIds;
for (const f of fs.readdirSync(DIST).filter((f) => f.endsWith(".js")).sort()) {
  const src = fs.readFileSync(path.join(DIST, f), "utf8");
  if (!/(?:const listIMessageAccountIds =|function listIMessageAccountIds\()/.test(src)) continue;
  const alias = /\blistIMessageAccountIds as ([\w$]+)/.exec(src)?.[1];
  if (alias) listIMessageAccountIds = (await import(pathToFileURL(path.join(DIST, f)).href))[alias];
  break;
}
if (typeof listIMessageAccountIds !== "function") throw new Error(`listIMessageAccountIds not found in ${DIST}`);

// The gateway's config object: OpenClaw's own loader (createConfigIO().loadConfig(), what loadConfig()
// returns in the gateway), found by its export name like /work/shared/oracle/validate.mjs does.
function chunkExportMap(file) {
  const map = new Map();
  for (const m of fs.readFileSync(file, "utf8").slice(-40000).matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const part of m[1].split(",")) {
      const [orig, alias] = part.trim().split(/\s+as\s+/);
      if (orig) map.set(orig, alias ?? orig);
    }
  }
  return map;
}
let createConfigIO;
for (const f of fs.readdirSync(DIST).filter((f) => /^config-.*\.js$/.test(f)).sort()) {
  const map = chunkExportMap(path.join(DIST, f));
  if (!map.has("createConfigIO")) continue;
  createConfigIO = (await import(pathToFileURL(path.join(DIST, f)).href))[map.get("createConfigIO")];
  if (typeof createConfigIO === "function") break;
}
if (typeof createConfigIO !== "function") throw new Error(`no config-*.js in ${DIST} exports createConfigIO`);

// ---------------------------------------------------------------------------------------------
// The monitor glue. Mirrors monitorIMessageProvider (start-up) and its handleMessageNow, minus the
// imsg client, the debouncer (the corpus never configures messages.inbound.debounce*, so OpenClaw's
// debouncer would call handleMessageNow at once with the single message), the pairing challenge
// (its reply and store write; the decision is recorded) and the agent dispatch (whose only effects
// that feed back into later decisions are modelled: the session's updatedAt and the history clear).

// monitorIMessageProvider, up to the debouncer. `log` collects logVerbose lines (verbose on).
function startMonitor(cfg, accountIdAsStarted) {
  const accountInfo = oc.resolveIMessageAccount({ cfg, accountId: accountIdAsStarted });
  const imessageCfg = accountInfo.config;
  const historyLimit = Math.max(0, imessageCfg.historyLimit ?? cfg.messages?.groupChat?.historyLimit ?? 50);
  const allowFrom = oc.normalizeAllowList(imessageCfg.allowFrom);
  const groupAllowFrom = oc.normalizeAllowList(imessageCfg.groupAllowFrom ?? (imessageCfg.allowFrom && imessageCfg.allowFrom.length > 0 ? imessageCfg.allowFrom : []));
  const defaultGroupPolicy = oc.resolveDefaultGroupPolicy(cfg);
  const { groupPolicy } = oc.resolveOpenProviderRuntimeGroupPolicy({
    providerConfigPresent: cfg.channels?.imessage !== undefined,
    groupPolicy: imessageCfg.groupPolicy,
    defaultGroupPolicy,
  });
  const dmPolicy = imessageCfg.dmPolicy ?? "pairing";
  const includeAttachments = imessageCfg.includeAttachments ?? false;
  const attachmentRoots = oc.resolveIMessageAttachmentRoots({ cfg, accountId: accountInfo.accountId });
  const remoteAttachmentRoots = oc.resolveIMessageRemoteAttachmentRoots({ cfg, accountId: accountInfo.accountId });
  // Configured remoteHost only: the corpus never points cliPath at an ssh wrapper script, so
  // detectRemoteHostFromCliPath would find nothing.
  const remoteHost = oc.normalizeScpRemoteHost(imessageCfg.remoteHost);
  return {
    cfg, accountInfo, historyLimit, allowFrom, groupAllowFrom, groupPolicy, dmPolicy, includeAttachments,
    attachmentRoots, remoteAttachmentRoots, remoteHost,
    groupHistories: new Map(),
    sentMessageCache: oc.createSentMessageCache(),
    selfChatCache: oc.createSelfChatCache(),
    loopRateLimiter: oc.createLoopRateLimiter(),
  };
}

// Session store stand-in: lower-cased session key -> updatedAt, per store path. What the gateway
// would read back through readSessionUpdatedAt() as previousTimestamp (see recordDispatch).
const sessionUpdatedAt = new Map();

// handleMessageNow(message), step by step as in the dist source. Returns what the golden records.
async function handleMessageNow(mon, message, log) {
  const { cfg, accountInfo } = mon;
  const messageText = (message.text ?? "").trim();
  const attachments = mon.includeAttachments ? message.attachments ?? [] : [];
  const effectiveAttachmentRoots = mon.remoteHost ? mon.remoteAttachmentRoots : mon.attachmentRoots;
  const validAttachments = attachments.filter((entry) => {
    const attachmentPath = entry?.original_path?.trim();
    if (!attachmentPath || entry?.missing) return false;
    if (oc.isInboundPathAllowed({ filePath: attachmentPath, roots: effectiveAttachmentRoots })) return true;
    log(`imessage: dropping inbound attachment outside allowed roots: ${attachmentPath}`);
    return false;
  });
  const firstAttachment = validAttachments[0];
  const mediaPath = firstAttachment?.original_path ?? undefined;
  const mediaType = firstAttachment?.mime_type ?? undefined;
  const mediaPaths = validAttachments.map((a) => a.original_path).filter(Boolean);
  const mediaTypes = validAttachments.map((a) => a.mime_type ?? undefined);
  const kind = oc.kindFromMime(mediaType ?? undefined);
  const placeholder = kind ? `<media:${kind}>` : validAttachments.length ? "<media:attachment>" : "";
  const bodyText = messageText || placeholder;
  const storeAllowFrom = await oc.readChannelAllowFromStore("imessage", process.env, accountInfo.accountId).catch(() => []);
  const decision = oc.resolveIMessageInboundDecision({
    cfg,
    accountId: accountInfo.accountId,
    message,
    opts: { accountId: accountInfo.accountId, config: cfg },
    messageText,
    bodyText,
    allowFrom: mon.allowFrom,
    groupAllowFrom: mon.groupAllowFrom,
    groupPolicy: mon.groupPolicy,
    dmPolicy: mon.dmPolicy,
    storeAllowFrom,
    historyLimit: mon.historyLimit,
    groupHistories: mon.groupHistories,
    echoCache: mon.sentMessageCache,
    selfChatCache: mon.selfChatCache,
    logVerbose: log,
  });
  const chatId = message.chat_id ?? undefined;
  const senderForKey = (message.sender ?? "").trim();
  const conversationKey = chatId != null ? `group:${chatId}` : `dm:${senderForKey}`;
  const rateLimitKey = `${accountInfo.accountId}:${conversationKey}`;
  const out = { decision, rateLimited: false, ctx: null, conversationKey };
  if (decision.kind === "drop") {
    if (decision.reason === "echo" || decision.reason === "self-chat echo" || decision.reason === "reflected assistant content" || decision.reason === "from me") mon.loopRateLimiter.record(rateLimitKey);
    return out;
  }
  if (decision.kind === "dispatch" && mon.loopRateLimiter.isRateLimited(rateLimitKey)) {
    log(`imessage: rate-limited conversation ${conversationKey} (echo loop detected)`);
    out.rateLimited = true;
    return out;
  }
  if (decision.kind === "pairing") return out; // challenge issuance (store write + reply) not modelled
  const storePath = oc.resolveStorePath(cfg.session?.store, { agentId: decision.route.agentId });
  const previousTimestamp = sessionUpdatedAt.get(`${storePath}\u0000${decision.route.sessionKey.trim().toLowerCase()}`);
  const { ctxPayload, chatTarget } = oc.buildIMessageInboundContext({
    cfg,
    decision,
    message,
    previousTimestamp,
    remoteHost: mon.remoteHost,
    historyLimit: mon.historyLimit,
    groupHistories: mon.groupHistories,
    media: { path: mediaPath, type: mediaType, paths: mediaPaths, types: mediaTypes },
  });
  out.ctx = ctxPayload;
  out.previousTimestamp = previousTimestamp;
  const updateTarget = chatTarget || decision.sender;
  const pinnedMainDmOwner = oc.resolvePinnedMainDmOwnerFromAllowlist({
    dmScope: cfg.session?.dmScope,
    allowFrom: mon.allowFrom,
    normalizeEntry: oc.normalizeIMessageHandle,
  });
  recordDispatch({
    storePath,
    sessionKey: ctxPayload.SessionKey ?? decision.route.sessionKey,
    updateLastRoute: !decision.isGroup && updateTarget ? {
      sessionKey: decision.route.mainSessionKey,
      mainDmOwnerPin: pinnedMainDmOwner && decision.senderNormalized ? {
        ownerRecipient: pinnedMainDmOwner,
        senderRecipient: decision.senderNormalized,
        onSkip: ({ ownerRecipient, senderRecipient }) => log(`imessage: skip main-session last route for ${senderRecipient} (pinned owner ${ownerRecipient})`),
      } : undefined,
    } : undefined,
  });
  // shouldLogVerbose() is true in this model (every logVerbose line is recorded).
  const preview = oc.truncateUtf16Safe(String(ctxPayload.Body ?? ""), 200).replace(/\n/g, "\\n");
  log(`imessage inbound: chatId=${chatId ?? "unknown"} from=${ctxPayload.From} len=${String(ctxPayload.Body ?? "").length} preview="${preview}"`);
  // dispatchInboundMessage(...) would run here. Whether or not a final reply is queued, the
  // monitor then clears the chat's pending history.
  if (decision.isGroup && decision.historyKey) oc.clearHistoryEntriesIfEnabled({ historyMap: mon.groupHistories, historyKey: decision.historyKey, limit: mon.historyLimit });
  return out;
}

// What the dispatch does to the updatedAt that later turns read as previousTimestamp:
//  * recordInboundSession -> recordSessionMetaFromInbound(sessionKey): creates the entry with
//    updatedAt = Date.now() when missing, keeps it otherwise ("preserve-activity" merge);
//  * recordInboundSession -> updateLastRoute(mainSessionKey) for DMs, unless
//    shouldSkipPinnedMainDmRouteUpdate (owner and sender differ, case-insensitively; logs onSkip):
//    updatedAt = max(existing, Date.now());
//  * the agent turn itself (dispatchInboundMessage -> getReplyFromConfig -> initSessionState)
//    writes the session entry with updatedAt = Date.now().
// With the clock frozen during a step all three are NOW, so a dispatched step leaves
// updatedAt[sessionKey] = NOW (and updatedAt[mainSessionKey] = NOW for unpinned DMs).
function recordDispatch({ storePath, sessionKey, updateLastRoute }) {
  const key = (k) => `${storePath}\u0000${k.trim().toLowerCase()}`;
  if (!sessionUpdatedAt.has(key(sessionKey))) sessionUpdatedAt.set(key(sessionKey), Date.now());
  if (updateLastRoute) {
    const pin = updateLastRoute.mainDmOwnerPin;
    const owner = pin?.ownerRecipient.trim().toLowerCase();
    const sender = pin?.senderRecipient.trim().toLowerCase();
    if (pin && owner && sender && owner !== sender) pin.onSkip?.({ ownerRecipient: pin.ownerRecipient, senderRecipient: pin.senderRecipient });
    else sessionUpdatedAt.set(key(updateLastRoute.sessionKey), Math.max(sessionUpdatedAt.get(key(updateLastRoute.sessionKey)) ?? 0, Date.now()));
  }
  sessionUpdatedAt.set(key(sessionKey), Date.now()); // initSessionState
}

// deliverReplies' bookkeeping for one reply the runtime sent: the whole text first (text-only
// replies), then each chunk with the id the send returned (target = ctx.To of the turn).
function rememberSent(mon, sent) {
  const scope = `${mon.accountInfo.accountId ?? ""}:${sent.target}`;
  if (sent.media) {
    mon.sentMessageCache.remember(scope, { text: sent.text || undefined, messageId: sent.messageId });
    return;
  }
  mon.sentMessageCache.remember(scope, { text: sent.text });
  for (const chunk of sent.chunks ?? [{ text: sent.text, messageId: sent.messageId }]) {
    mon.sentMessageCache.remember(scope, { text: chunk.text, messageId: chunk.messageId });
  }
}

// ---------------------------------------------------------------------------------------------
// Corpus -> steps -> golden.

const BASE_MS = RealDate.UTC(2026, 4, 16, 15, 24, 0, 0);
const iso = (ms) => new RealDate(ms).toISOString();

function loadCorpus() {
  const files = fs.readdirSync(CORPUS).filter((f) => f.endsWith(".json5")).sort();
  const cases = [];
  const ids = new Set();
  for (const f of files) {
    const doc = JSON5.parse(fs.readFileSync(path.join(CORPUS, f), "utf8"));
    const configs = doc.configs ?? {};
    for (const c of doc.cases ?? []) {
      if (!c.id || ids.has(c.id)) throw new Error(`${f}: missing or duplicate case id ${c.id}`);
      ids.add(c.id);
      let config = c.config;
      if (typeof config === "string") {
        if (!(config in configs)) throw new Error(`${f}: ${c.id}: unknown config ${config}`);
        config = configs[config];
      }
      cases.push({ ...c, config, file: f });
    }
  }
  return cases;
}

// Expand a case's steps: repeat, clock, message defaults and autoId, "$now" in message fields.
function expandSteps(c) {
  const steps = [];
  let clock = c.clockBase !== undefined ? RealDate.parse(c.clockBase) : BASE_MS;
  let nextId = c.autoId;
  let first = true;
  for (const s0 of c.steps) {
    const reps = s0.repeat ?? 1;
    for (let r = 0; r < reps; r++) {
      const s = structuredClone(s0);
      if (r === 0 && s.atMs !== undefined) clock = typeof s.atMs === "string" ? RealDate.parse(s.atMs) : s.atMs;
      else if (s.advanceMs !== undefined) clock += s.advanceMs;
      else if (!first) clock += 1000;
      first = false;
      const step = { atMs: clock };
      if (s.account !== undefined) step.account = s.account;
      if (s.sent) {
        step.sent = s.sent.map(({ agoMs, ...e }) => ({ ...e, atMs: clock - (agoMs ?? 0) }));
      }
      if (s.messageRaw !== undefined) {
        step.messageRaw = s.messageRaw;
      } else if (s.params !== undefined) {
        step.params = s.params;
      } else {
        let msg = s.message;
        if (msg && typeof msg === "object" && !Array.isArray(msg)) {
          msg = { ...(c.defaults ?? {}), ...msg };
          for (const k of s.omit ?? []) delete msg[k];
          if (nextId !== undefined && !("id" in msg)) msg = { id: nextId, ...msg };
          for (const [k, v] of Object.entries(msg)) {
            if (v === "$now") msg[k] = iso(clock);
            else if (typeof v === "string" && v.startsWith("$now")) msg[k] = iso(clock + Number(v.slice(4)));
          }
        }
        step.message = msg;
      }
      if (nextId !== undefined) nextId += 1;
      if (s.comment) step.comment = s.comment;
      steps.push(step);
    }
  }
  return steps;
}

// JSON for the golden: NaN/Infinity as strings (JSON has none; createdAt is NaN for an unparsable
// created_at), undefined array slots as null, invisible characters escaped so lines stay readable
// and byte-stable.
const INVISIBLE = /[\u0080-\u009f\u00a0\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u1680\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\ufff0-\ufffc\ud800-\udfff]/g;
function enc(v) {
  const s = JSON.stringify(v, (k, x) => (typeof x === "number" && !Number.isFinite(x) ? String(x) : x));
  return s.replace(INVISIBLE, (ch) => "\\u" + ch.charCodeAt(0).toString(16).padStart(4, "0"));
}

function trimDecision(d) {
  const keep = {};
  for (const k of ["kind", "reason", "senderId", "isGroup", "chatId", "groupId", "historyKey", "sender", "senderNormalized"]) {
    if (d[k] !== undefined) keep[k] = d[k];
  }
  if (d.route) {
    const r = d.route;
    keep.route = { agentId: r.agentId, accountId: r.accountId, sessionKey: r.sessionKey, mainSessionKey: r.mainSessionKey, matchedBy: r.matchedBy };
    if (r.lastRoutePolicy !== undefined) keep.route.lastRoutePolicy = r.lastRoutePolicy;
  }
  for (const k of ["bodyText", "createdAt", "replyContext", "effectiveWasMentioned", "commandAuthorized"]) {
    if (d[k] !== undefined) keep[k] = d[k];
  }
  return keep;
}

// A plain-data copy of the finalized context (functions and undefined dropped, shared arrays
// written out in full), so the golden shows it exactly as JSON.stringify would.
const plain = (v) => (v === undefined ? null : JSON.parse(enc(v)));

function writeStore(stateDir, store) {
  for (const [rel, value] of Object.entries(store ?? {})) {
    if (rel.includes("..") || path.isAbsolute(rel)) throw new Error(`store path ${rel} must stay under the state dir`);
    const p = path.join(stateDir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, typeof value === "string" ? value : JSON.stringify(value, null, 2) + "\n");
  }
}

// ---------------------------------------------------------------------------------------------
// Configs: every distinct case config -> a .json5 file; OpenClaw validates it (oracle.sh, the same
// verdict as `openclaw config validate`), our vet checks it, OpenClaw's loader gives the cfg.

const cases = loadCorpus();
const cfgDir = path.join(WORK, "configs");
fs.mkdirSync(cfgDir, { recursive: true });
const configFiles = new Map(); // JSON text -> file
for (const c of cases) {
  const text = JSON.stringify(c.config, null, 2);
  if (!configFiles.has(text)) configFiles.set(text, path.join(cfgDir, `config-${String(configFiles.size + 1).padStart(3, "0")}.json5`));
  c.configFile = configFiles.get(text);
}
for (const [text, f] of configFiles) fs.writeFileSync(f, text + "\n");
const files = [...configFiles.values()];

const verdicts = new Map();
{
  const r = spawnSync(path.join(ORACLE_DIR, "oracle.sh"), ["--stdin"], { input: files.join("\n") + "\n", encoding: "utf8", env: { ...process.env, OPENCLAW_VERSION: "2026.3.24" }, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`oracle.sh failed (${r.status}): ${r.stderr}`);
  for (const l of r.stdout.split("\n")) if (l.trim()) verdicts.set(JSON.parse(l).file, JSON.parse(l));
}
const vetRejects = new Map(); // file -> output
if (VET) {
  for (const f of files) {
    const r = spawnSync(VET, ["vet", f], { encoding: "utf8" });
    if (r.status !== 0) vetRejects.set(f, (r.stderr + r.stdout).trim());
  }
}
let failed = false;
for (const c of cases) {
  const v = verdicts.get(c.configFile);
  if (!v?.ok) {
    process.stderr.write(`${c.file}: ${c.id}: OpenClaw 2026.3.24 rejects the config: ${JSON.stringify(v?.errors)}\n`);
    failed = true;
  }
  const vet = vetRejects.get(c.configFile);
  if (vet !== undefined && !c.vetRejects) {
    process.stderr.write(`${c.file}: ${c.id}: openclawcfg vet rejects a config OpenClaw accepts (add "vetRejects": "<why>" to the case if this is a known bug):\n${vet}\n`);
    failed = true;
  }
  if (VET && vet === undefined && c.vetRejects) {
    process.stderr.write(`${c.file}: ${c.id}: marked vetRejects but openclawcfg vet accepts it now; drop the mark\n`);
    failed = true;
  }
}
if (failed) process.exit(1);

function loadGatewayConfig(file) {
  const stateDir = fs.mkdtempSync(path.join(sandbox, "cfgstate-"));
  const io = createConfigIO({ configPath: file, env: { ...process.env, OPENCLAW_STATE_DIR: stateDir, OPENCLAW_CONFIG_PATH: file } });
  return io.loadConfig();
}

// ---------------------------------------------------------------------------------------------
// Run.

const lines = [];
let decided = 0;
let dispatched = 0;
for (const c of cases) {
  NOW = c.clockBase !== undefined ? RealDate.parse(c.clockBase) : BASE_MS;
  process.env.TZ = c.tz ?? "UTC";
  const stateDir = fs.mkdtempSync(path.join(sandbox, "state-"));
  process.env.OPENCLAW_STATE_DIR = stateDir;
  writeStore(stateDir, c.store);
  sessionUpdatedAt.clear();
  const cfg = loadGatewayConfig(c.configFile);
  const want = JSON.stringify(verdicts.get(c.configFile).imessage);
  if (JSON.stringify(cfg.channels?.imessage ?? null) !== want) {
    throw new Error(`${c.id}: the loaded config's channels.imessage differs from oracle.sh's: ${JSON.stringify(cfg.channels?.imessage)} vs ${want}`);
  }
  const account = c.account ?? "default";
  // server-channels starts every listed account that is enabled and configured.
  const started = listIMessageAccountIds(cfg).map((id) => oc.resolveIMessageAccount({ cfg, accountId: id })).filter((a) => a.enabled && a.configured).map((a) => a.accountId);
  for (const id of [account, ...(c.accounts ?? [])]) {
    const norm = oc.resolveIMessageAccount({ cfg, accountId: id }).accountId;
    if (!started.includes(norm)) throw new Error(`${c.id}: the gateway does not start account ${id} (it starts ${started.join(", ")})`);
  }
  const monitors = new Map();
  const monitorFor = (id) => {
    if (!monitors.has(id)) monitors.set(id, startMonitor(cfg, id));
    return monitors.get(id);
  };
  // Every account the case names is started at the case's first instant, like the gateway does.
  for (const id of [account, ...(c.accounts ?? [])]) monitorFor(id);
  const steps = expandSteps(c);
  const results = [];
  for (const step of steps) {
    NOW = step.atMs;
    const mon = monitorFor(step.account ?? account);
    for (const sent of step.sent ?? []) {
      NOW = sent.atMs;
      rememberSent(mon, sent);
    }
    NOW = step.atMs;
    const logs = [];
    const log = (m) => logs.push(String(m));
    const params = step.messageRaw !== undefined ? { message: JSON.parse(step.messageRaw) } : step.params !== undefined ? step.params : { message: step.message };
    const message = oc.parseIMessageNotification(params);
    if (!message) {
      log("imessage: dropping malformed RPC message payload");
      results.push({ parsed: false, logs });
      continue;
    }
    const r = await handleMessageNow(mon, message, log);
    decided += 1;
    if (r.ctx) dispatched += 1;
    const res = { decision: trimDecision(r.decision), rateLimited: r.rateLimited, ctx: r.ctx ? plain(r.ctx) : null };
    if (r.ctx) res.previousTimestamp = r.previousTimestamp ?? null;
    res.historyAfter = [...mon.groupHistories.entries()].map(([k, v]) => [k, plain(v)]);
    res.logs = logs;
    results.push(res);
  }
  // The golden line. Steps keep "messageRaw" as raw JSON text in "message" (digits beyond 2^53 stay
  // as imsg wrote them), so it is spliced in rather than re-serialised.
  const raws = [];
  const goldenSteps = steps.map((s) => {
    const g = { atMs: s.atMs };
    if (s.account !== undefined) g.account = s.account;
    if (s.sent) g.sent = s.sent;
    if (s.messageRaw !== undefined) {
      if (/[\n\r]/.test(s.messageRaw)) throw new Error(`${c.id}: messageRaw must be one line`);
      g.message = `\u0000RAW${raws.length}\u0000`;
      raws.push(s.messageRaw);
    } else if (s.params !== undefined) g.params = s.params;
    else g.message = s.message;
    return g;
  });
  const line = { id: c.id, about: c.about, config: c.config, account };
  if (c.accounts) line.accounts = c.accounts;
  line.store = c.store ?? {};
  line.tz = c.tz ?? "UTC";
  line.steps = goldenSteps;
  line.results = results;
  let text = enc(line);
  raws.forEach((raw, i) => (text = text.replace(`"\\u0000RAW${i}\\u0000"`, raw)));
  JSON.parse(text); // every line must stay valid JSON
  lines.push(text);
}
fs.writeFileSync(OUT, lines.join("\n") + "\n");
process.stderr.write(`${cases.length} cases, ${configFiles.size} configs, ${decided} decided steps (${dispatched} dispatched)\n`);
if (E2E && !(await selfCheckE2E(E2E))) process.exitCode = 1;
fs.rmSync(sandbox, { recursive: true, force: true });

// ---------------------------------------------------------------------------------------------
// Self-check of the glue against the real gateway. runtime-e2e/expected/ holds what OpenClaw's own
// gateway (monitorIMessageProvider itself, no glue) decided and dispatched for its scenarios, tapped
// in the monitor chunk. Replaying the same imsg wire through startMonitor/handleMessageNow must give
// the very same decision objects (untrimmed) and finalized contexts. Left out: dm-context (uses the
// debouncer). dm-pairing's CLI approval is replayed by writing the allow-from file the recording's
// final state holds, at the approval step (pairing requests themselves are not modelled). The wire
// carries no times:
// the clock advances 100 ms per wire line plus each scenario sleep, starting after every scripted
// created_at (as the recordings' real clock was), so no +elapsed marker appears on either side.
async function selfCheckE2E(dir) {
  const SKIP = new Set(["dm-context"]);
  const readJsonl = (f) => fs.readFileSync(f, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
  const isObj = (v) => v && typeof v === "object" && !Array.isArray(v);
  const merge = (a, b) => {
    if (!isObj(a) || !isObj(b)) return b === undefined ? a : b;
    const out = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = k in a ? merge(a[k], v) : v;
    return out;
  };
  const harness = JSON5.parse(fs.readFileSync(path.join(dir, "harness.json5"), "utf8"));
  const names = fs.readdirSync(path.join(dir, "scenarios")).filter((f) => f.endsWith(".json5")).map((f) => f.slice(0, -6)).filter((n) => !SKIP.has(n)).sort();
  let ok = true;
  let nDecisions = 0;
  let nCtx = 0;
  for (const name of names) {
    const exp = (kind) => readJsonl(path.join(dir, "expected", `${name}.${kind}.jsonl`));
    const cfgFile = path.join(WORK, `e2e-${name}.json5`);
    fs.writeFileSync(cfgFile, JSON.stringify(merge(harness, JSON5.parse(fs.readFileSync(path.join(dir, "scenarios", `${name}.json5`), "utf8")))));
    const stateDir = fs.mkdtempSync(path.join(sandbox, "e2e-"));
    process.env.OPENCLAW_STATE_DIR = stateDir;
    Object.assign(process.env, { ECHO_MODEL_BASE_URL: "http://127.0.0.1:9/v1", FAKE_IMSG_BIN: "/bin/false", OC_E2E_SANDBOX: stateDir });
    process.env.TZ = "UTC";
    sessionUpdatedAt.clear();
    NOW = RealDate.parse("2026-05-17T00:00:00.000Z");
    const cfg = loadGatewayConfig(cfgFile);
    const sleeps = new Map(exp("inbound").filter((s) => "sleep" in s).map((s) => [s.step, s.sleep * 1000]));
    const approvals = new Set(exp("inbound").filter((s) => "cli" in s).map((s) => s.step));
    const stateFile = path.join(dir, "expected", `${name}.state.json`);
    const finalStore = fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, "utf8")) : {};
    const approve = () => {
      for (const [rel, v] of Object.entries(finalStore)) if (rel.endsWith("-allowFrom.json")) writeStore(stateDir, { [rel]: v });
    };
    const monitors = new Map();
    const pending = new Map();
    const got = { decisions: [], ctx: [] };
    let step = 0;
    for (const w of exp("wire")) {
      if (w.client !== "monitor") continue;
      while (step < w.step) {
        step += 1;
        if (sleeps.has(step)) NOW += sleeps.get(step);
        if (approvals.has(step)) approve();
      }
      NOW += 100;
      if (!monitors.has(w.account)) monitors.set(w.account, startMonitor(cfg, w.account));
      const mon = monitors.get(w.account);
      const m = w.msg;
      if (w.dir === ">" && m.method === "send") pending.set(`${w.account}/${m.id}`, m.params);
      else if (w.dir === "<" && m.id != null && pending.has(`${w.account}/${m.id}`)) {
        const p = pending.get(`${w.account}/${m.id}`);
        // Pairing replies go out through sendMessageIMessage directly and are never remembered.
        if (!String(p.text).startsWith("OpenClaw: access not configured.")) {
          const target = p.chat_id != null ? `chat_id:${p.chat_id}` : `imessage:${p.to}`;
          rememberSent(mon, { target, text: p.text, messageId: m.result?.guid ?? String(m.result?.id) });
        }
      } else if (w.dir === "<" && m.method === "message") {
        const message = oc.parseIMessageNotification(m.params);
        if (!message) continue;
        const r = await handleMessageNow(mon, message, () => {});
        got.decisions.push({ account: w.account, message_id: message.id, decision: plain(r.decision) });
        // The recording's rate-limit tap adds its own line after the dispatch decision.
        if (r.rateLimited) got.decisions.push({ account: w.account, message_id: message.id, decision: { kind: "rate-limited", conversationKey: r.conversationKey } });
        if (r.ctx) got.ctx.push({ account: w.account, ctx: plain(r.ctx) });
      }
    }
    // Compared in order; the recordings' step labels are left out (rows emitted without settling are
    // labelled with a later step on the wire).
    const want = { decisions: exp("decisions").map(({ step: _s, is_from_me: _f, ...d }) => d), ctx: exp("ctx").map(({ step: _s, ...c }) => c) };
    for (const kind of ["decisions", "ctx"]) {
      const n = Math.max(want[kind].length, got[kind].length);
      for (let i = 0; i < n; i++) {
        const a = JSON.stringify(want[kind][i]);
        const b = JSON.stringify(got[kind][i]);
        if (a !== b) {
          ok = false;
          process.stderr.write(`e2e ${name}: ${kind}[${i}] differs\n  gateway: ${a}\n  glue:    ${b}\n`);
        }
      }
    }
    nDecisions += want.decisions.length;
    nCtx += want.ctx.length;
  }
  process.stderr.write(`e2e self-check: ${names.length} recorded scenarios, ${nDecisions} decisions and ${nCtx} contexts ${ok ? "identical" : "NOT identical"} to the real gateway's\n`);
  return ok;
}
