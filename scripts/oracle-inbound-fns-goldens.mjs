// Recorder for scripts/oracle-inbound-fns-goldens.sh: asks OpenClaw 2026.3.24's own control-command,
// command-gate, envelope and mime functions, and writes
//   internal/openclaw/testdata/inbound-fns-2026.3.24.jsonl   (the golden, replayed by Go without Node)
//   internal/openclaw/envelope_zones.go                       (ICU's en-US short zone names, see below)
// Run it through the .sh (it finds Node 24 and the install); nothing from OpenClaw is copied.
//
// Usage: node oracle-inbound-fns-goldens.mjs DIST GOLDEN_OUT ZONES_OUT GO_ZONE_NAMES_FILE
//        node oracle-inbound-fns-goldens.mjs --worker DIST     (internal: one process per TZ value)
//
// Golden line: {"id","fn","args","ok","result"[,"undefined":true][,"error"][,"tz"][,"docks"]}
//   tz     the TZ environment the call ran under ("<unset>" never appears: the host's /etc/localtime
//          is machine dependent, so only explicit TZ values are recorded)
//   docks  channel plugins (ids) put in the active plugin registry with capabilities.nativeCommands,
//          which is what adds /dock-<id> commands (getChatCommands in commands-registry.data-*.js)
//   Numbers JSON cannot hold (NaN, ±Infinity) are written as {"$number":"NaN"} in args.
//
// Zone table: for every zone name Go's zoneinfo.zip holds, every canonical Intl zone and ICU's legacy
// three-letter ids, whether Intl accepts it, the zone it resolves to, and where ICU gives an en-US
// short name that is not the localized GMT offset ("EST", "AKDT", "UTC", ...), the exact instants
// (1970-2040, found by bisection) from which each offset -> name mapping holds.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import { pathToFileURL, fileURLToPath } from "node:url";

const SELF = fileURLToPath(import.meta.url);

// JSON with invisible characters escaped, so the golden stays readable and byte-stable.
const INVISIBLE = /[\u007f-\u009f\u00a0\u00ad\u034f\u061c\u115f\u1160\u1680\u17b4\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb\u0300-\u036f\u0085]/g;
const enc = (v) =>
  JSON.stringify(v, (k, x) => (typeof x === "number" && !Number.isFinite(x) ? { $number: String(x) } : x)).replace(
    INVISIBLE,
    (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"),
  );
const dec = (v) => JSON.parse(v, (k, x) => (x && typeof x === "object" && !Array.isArray(x) && Object.keys(x).length === 1 && "$number" in x ? Number(x.$number) : x));

// ---------------------------------------------------------------------------------------------
// Worker: load OpenClaw's functions, answer {fn,args,docks} lines.
async function worker(DIST) {
  // Keep OpenClaw away from any real ~/.openclaw.
  const sandbox = fs.mkdtempSync(path.join(os.tmpdir(), "oc-inbound-fns-"));
  process.env.HOME = sandbox;
  process.env.OPENCLAW_STATE_DIR = path.join(sandbox, "state");
  process.env.OPENCLAW_CONFIG_PATH = path.join(sandbox, "unused.json5");
  delete process.env.OPENCLAW_PROFILE;
  process.on("exit", () => fs.rmSync(sandbox, { recursive: true, force: true }));
  for (const k of ["log", "info", "warn", "debug", "error"]) console[k] = (...a) => process.stderr.write(a.map(String).join(" ") + "\n");
  const files = fs.readdirSync(DIST).filter((f) => f.endsWith(".js")).sort();
  const index = new Map();
  for (const f of files) {
    const src = fs.readFileSync(path.join(DIST, f), "utf8");
    for (const m of src.slice(-200000).matchAll(/export\s*\{([^}]*)\}/g)) {
      for (const part of m[1].split(",")) {
        const [orig, alias] = part.trim().split(/\s+as\s+/);
        if (!orig || !/^[\w$]+$/.test(orig)) continue;
        if (!index.has(orig)) index.set(orig, []);
        index.get(orig).push({ file: path.join(DIST, f), alias: alias ?? orig });
      }
    }
  }
  const load = async (name) => {
    for (const loc of index.get(name) ?? []) {
      const v = (await import(pathToFileURL(loc.file).href))[loc.alias];
      if (typeof v === "function") return v;
    }
    throw new Error(`${name} not found in ${DIST}`);
  };
  const fns = {};
  for (const n of [
    "hasControlCommand", "isControlCommandMessage", "isAbortTrigger", "isAbortRequestText", "normalizeCommandBody",
    "listChatCommandsForConfig", "resolveDualTextControlCommandGate", "resolveEnvelopeFormatOptions",
    "formatInboundEnvelope", "formatInboundFromLabel", "kindFromMime", "setActivePluginRegistry", "createEmptyPluginRegistry",
  ]) fns[n] = await load(n);

  // One registry per dock set; getChatCommands caches by registry identity.
  const registries = new Map();
  const useDocks = (docks) => {
    const key = (docks ?? []).join(",");
    if (!registries.has(key)) {
      const reg = fns.createEmptyPluginRegistry();
      reg.channels = (docks ?? []).map((id) => ({ pluginId: id, source: "oracle", plugin: { id, meta: { id, label: id }, capabilities: { chatTypes: ["direct"], nativeCommands: true } } }));
      registries.set(key, reg);
    }
    fns.setActivePluginRegistry(registries.get(key));
  };

  let buf = "";
  const out = [];
  for await (const chunk of process.stdin) buf += chunk;
  for (const line of buf.split("\n")) {
    if (!line) continue;
    const req = dec(line);
    useDocks(req.docks);
    try {
      let result = fns[req.fn](...req.args);
      if (req.fn === "listChatCommandsForConfig") result = result.map((c) => ({ key: c.key, textAliases: c.textAliases, acceptsArgs: c.acceptsArgs }));
      out.push({ ok: true, result: result === undefined ? null : result, ...(result === undefined ? { undefined: true } : {}) });
    } catch (err) {
      out.push({ ok: false, result: null, error: String(err?.message ?? err) });
    }
  }
  process.stdout.write(out.map((o) => JSON.stringify(o)).join("\n") + "\n");
}

// ---------------------------------------------------------------------------------------------
// Cases.
const ALIASES = [
  "/help", "/commands", "/tools", "/skill", "/status", "/allowlist", "/approve", "/context", "/btw", "/export-session",
  "/export", "/tts", "/whoami", "/id", "/session", "/subagents", "/acp", "/focus", "/unfocus", "/agents", "/kill", "/steer",
  "/tell", "/config", "/mcp", "/plugins", "/plugin", "/debug", "/usage", "/stop", "/restart", "/activation", "/send",
  "/reset", "/new", "/compact", "/think", "/thinking", "/t", "/verbose", "/v", "/fast", "/reasoning", "/reason",
  "/elevated", "/elev", "/exec", "/model", "/models", "/queue", "/bash",
];
const COMMAND_TEXTS = [
  ...ALIASES,
  ...ALIASES.map((a) => a + " arg"),
  ...ALIASES.filter((_, i) => i % 3 === 0).map((a) => a.toUpperCase()),
  ...ALIASES.filter((_, i) => i % 4 === 1).map((a) => a + ":"),
  ...ALIASES.filter((_, i) => i % 4 === 2).map((a) => a + ": x y"),
  // case, padding, whitespace kinds
  "/Status", "/sTaTuS", "  /status  ", "\t/status\n", "\u00a0/status\u3000", "\ufeff/status", "/status ", "/think  high", "/think\thigh",
  "/think\u00a0high", "/think\u2003high", "/think\u200bhigh", "/think\u2028high", "/think\u0085high", "/think\ufeffhigh", "/think\u3000",
  "/think \u3000", "/think  ", "/think\u00a0", "/status\u00a0\u00a0", "/new \u2029", "/think\u1680high", "/think\u180ehigh",
  // colon forms
  "/status :", "/status: now", "/status:now", "/think:high", "/think :  high", "/think: ", "/think:\thigh", "/think\u00a0:high",
  "/think:\rhigh", "/think: high\r", "/think:\u2028high", "/status:\u2029", "/:status", "/status::", "/think::high", "/t:low",
  "/export: x", "/id:", "/id: x", "/Think:High",
  // bot mention forms (no botUsername: iMessage passes no options)
  "/status@bot", "/status@OpenClaw", "/think@openclaw high", "/status @bot", "/@bot", "/status@",
  // near misses
  "/statusx", "/ status", "status", "//status", "/stat", "/status.", "/status!", "/status?", "hey /status", "/", "/ ", "",
  "   ", "\u00a0", "/statuses", "/help me", "/helpme", "/new-session", "/thinkhigh", "/t1", "/v2", "/ids", "/resets", "/exports",
  "/export-sessionx", "/export-session now", "/kill-all", "/kill all", "!status", "\\status", "/status/", "/status\\",
  // text after newline
  "/status\nmore", "/think high\nmore", "/status\r\nmore", "hello\n/status", "/status\r", "/think\nhigh", "\n/status",
  "/new\n\nhello", "/think high\r\nlow", "/think  \nhigh", "/status \n", "/status\u2028more",
  // unicode case folding
  "/\u212aill 1", "/KILL 1", "/\u0130d", "/\u0131d", "/STATUS\u0307", "/\u017ftatus", "/ΣTATUS",
  // config-gated and dock commands
  "/config show", "/config set a=b", "/bash ls -la", "/bash", "/debug show", "/mcp list", "/plugin list", "/plugins enable x",
  "/dock-telegram", "/dock_telegram", "/DOCK_Discord", "/dock-discord now", "/dock-slack", "/dock_telegram:", "/dock-telegram: x",
  "/dock-mattermost", "/dock-imessage",
];
const COMMAND_CFGS = [
  { name: "empty", cfg: {} },
  { name: "all-on", cfg: { commands: { config: true, mcp: true, plugins: true, debug: true, bash: true } } },
  { name: "bash-only", cfg: { commands: { bash: true, config: false, native: "auto", restart: false, useAccessGroups: false } } },
  { name: "docks", cfg: {}, docks: ["telegram", "discord"] },
];
const ABORT_TEXTS = [
  "stop", "Stop", "STOP!", "stop.", "stop...", "stop!!!?", " stop ", "stop please", "please stop", "stop  please", "stop\tplease",
  "stop openclaw", "openclaw stop", "STOP OPENCLAW…", "stop don't do anything", "stop don’t do anything", "stop don`t do anything",
  "stop dont do anything", "esc", "abort", "wait", "wait!", "exit", "interrupt", "halt", "anhalten", "aufhören", "hoer auf",
  "stopp", "pare", "detén", "detente", "arrête", "arrete", "停止", "停止。", "やめて", "止めて", "रुको", "توقف", "стоп", "СТОП",
  "остановись", "прекрати", "stop (now)", "stop)", "stop]", "stop}", "stop'", "stop\"", "stop”", "stop’", "stop;", "stop:", "stop：",
  "stop，", "stop-", "stopping", "stop now", "do not do that", "do not do that!", "/stop", "/STOP", "/stop now", "/stop!", "/stop:",
  "/stop.", "/stop@bot", "", "  ", "stop\u00a0please", "stop\u2028please", "nope", "/status", "/stop\nmore", "stop\nplease",
  "\u0130", "STOP\u0130",
];
const NORMALIZE_EXTRA = [
  ["/status@OpenClaw", { botUsername: "openclaw" }], ["/status@OpenClaw now", { botUsername: " OpenClaw " }],
  ["/think@openclaw high", { botUsername: "OpenClaw" }], ["/think@other high", { botUsername: "openclaw" }],
  ["/status@openclaw: x", { botUsername: "openclaw" }], ["/status:@openclaw", { botUsername: "openclaw" }],
  ["/status@openclaw\tx", { botUsername: "openclaw" }], ["/status@openclaw\u2028x", { botUsername: "openclaw" }],
  ["/x@openclaw", { botUsername: "openclaw" }], ["/status@", { botUsername: "openclaw" }], ["/status@bot", { botUsername: "" }],
];
const MIMES = [
  "image/png", "IMAGE/PNG", " image/jpeg; charset=binary", "image/heic", "Image/HEIC", "image", "image/", "audio/mpeg", "audio/x-m4a",
  "Audio/AMR", "video/mp4", "video/quicktime", "VIDEO/QUICKTIME;x=1", "application/pdf", "application/octet-stream",
  "application/x-apple-msg-attachment", "application/vnd.apple.pkpass", "text/plain", "text/vcard", "text/x-vlocation", "TEXT/HTML",
  "model/gltf-binary", "multipart/mixed", "font/ttf", "chemical/x-pdb", "", ";", " ", ";image/png", "image/png;", "  ;  ",
  "\u0130mage/png", "\u212a/x", "imagé/png", "image/png\u00a0", "\u00a0image/png", "\ufeffimage/png", "x-image/png", "imagex/png",
  "audio", "video/", "applications/json", "application", null, undefined,
];
const GATE = [];
for (let b = 0; b < 64; b++) {
  const bit = (i) => Boolean(b & (1 << i));
  GATE.push({
    useAccessGroups: bit(0), primaryConfigured: bit(1), primaryAllowed: bit(2), secondaryConfigured: bit(3), secondaryAllowed: bit(4),
    hasControlCommand: bit(5),
  });
}
const ENVELOPE_CFGS = [
  undefined, {}, { agents: {} }, { agents: { defaults: {} } },
  { agents: { defaults: { envelopeTimezone: "utc", envelopeTimestamp: "on", envelopeElapsed: "on" } } },
  { agents: { defaults: { envelopeTimezone: " America/New_York ", envelopeTimestamp: "off", envelopeElapsed: "off", userTimezone: "Europe/Berlin" } } },
  { agents: { defaults: { envelopeTimezone: "user", userTimezone: "Asia/Kolkata" } } },
  { agents: { defaults: { envelopeTimestamp: "OFF", envelopeElapsed: "Off" } } },
];
const FROM_LABELS = [
  { isGroup: true, groupLabel: "Family", groupId: "42", groupFallback: "Group", directLabel: "+15551234567", directId: "+15551234567" },
  { isGroup: true, groupLabel: "  Family  ", groupId: " 42 ", directLabel: "x" },
  { isGroup: true, groupLabel: "   ", groupId: "42", groupFallback: "Group", directLabel: "x" },
  { isGroup: true, groupId: "unknown", groupFallback: "Group", directLabel: "x" },
  { isGroup: true, groupLabel: "Team [a]\nb", groupId: "", groupFallback: "Group", directLabel: "x" },
  { isGroup: true, groupId: "  ", directLabel: "x" },
  { isGroup: true, groupLabel: "", groupFallback: "", groupId: "7", directLabel: "x" },
  { isGroup: true, groupLabel: "\u00a0Chat\u3000", groupId: "\u20287\u2029", directLabel: "x" },
  { isGroup: false, directLabel: "+15551234567", directId: "+15551234567" },
  { isGroup: false, directLabel: "+15551234567", directId: "+1 (555) 123-4567" },
  { isGroup: false, directLabel: "user@example.com", directId: "User@Example.com" },
  { isGroup: false, directLabel: "  +15551234567 ", directId: " +15551234567  " },
  { isGroup: false, directLabel: "a", directId: "   " },
  { isGroup: false, directLabel: "a", directId: "" },
  { isGroup: false, directLabel: "a" },
  { isGroup: false, directLabel: "", directId: "b" },
  { isGroup: false, directLabel: "\ufeffa\u00a0", directId: "a" },
  { isGroup: false, directLabel: "a", directId: "A" },
];

// One timestamp per interesting instant (JS ms since the epoch).
const T = {
  winter: Date.UTC(2026, 0, 15, 12, 34, 56, 789),
  summer: Date.UTC(2026, 4, 16, 15, 24, 0),
  newYearUTC: Date.UTC(2026, 11, 31, 23, 59, 59, 999),
  dstGap: Date.UTC(2026, 2, 8, 7, 30),
  y1969: Date.UTC(1969, 6, 20, 20, 17, 40),
  y1900: Date.UTC(1900, 0, 1, 0, 0),
  y1800: Date.UTC(1800, 0, 1, 12, 0),
  y0002: Date.parse("0002-03-01T06:00:00Z"),
  yNeg: Date.parse("-000044-03-15T12:00:00Z"),
  max: 8.64e15,
  min: -8.64e15,
  frac: Date.UTC(2026, 4, 16, 15, 24, 0) + 0.75,
  negFrac: -0.5,
  one: 1,
  y2040: Date.UTC(2040, 6, 1, 9),
  y2100: Date.UTC(2100, 1, 28, 23, 0),
};
const ENVELOPE_OPTS = [
  undefined, {}, { timezone: "utc" }, { timezone: "UTC" }, { timezone: " gmt " }, { timezone: "GMT" }, { timezone: "local" },
  { timezone: "HOST" }, { timezone: "" }, { timezone: "   " }, { timezone: "user" }, { timezone: "user", userTimezone: "Asia/Tokyo" },
  { timezone: "User", userTimezone: " Invalid/Zone " }, { timezone: "user", userTimezone: "  " }, { timezone: "user", userTimezone: "america/chicago" },
  { timezone: "America/New_York" }, { timezone: "america/new_york" }, { timezone: "  Europe/Berlin  " }, { timezone: "Asia/Kolkata" },
  { timezone: "Invalid/Zone" }, { timezone: "+05:30" }, { timezone: "-0800" }, { timezone: "+05" }, { timezone: "+00:00" }, { timezone: "-00:00" },
  { timezone: "+24:00" }, { timezone: "UTC+1" }, { timezone: "Etc/GMT+5" }, { timezone: "Etc/Unknown" }, { timezone: "US/Eastern" },
  { timezone: "PST" }, { timezone: "Greenwich" }, { timezone: "Etc/UTC" }, { timezone: "Europe/London" },
  { includeTimestamp: false }, { includeElapsed: false }, { timezone: "utc", includeTimestamp: false, includeElapsed: true },
];
// The option sets whose answer depends on the host zone (local, user without a usable userTimezone).
const HOST_OPTS = new Set(ENVELOPE_OPTS.flatMap((o, i) => {
  const tz = o?.timezone?.trim().toLowerCase() ?? "";
  return ["", "local", "host"].includes(tz) || (tz === "user" && !/^(Asia\/Tokyo|america\/chicago)$/.test(o.userTimezone ?? "")) ? [i] : [];
}));
const ZONES = [
  "America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles", "America/Anchorage", "America/Adak",
  "Pacific/Honolulu", "America/Halifax", "America/St_Johns", "America/Puerto_Rico", "America/Mexico_City", "America/Cancun", "America/Havana",
  "America/Sao_Paulo", "America/Indiana/Knox", "America/Juneau", "America/Toronto", "America/Bogota", "Europe/London", "Europe/Dublin",
  "Europe/Berlin", "Europe/Lisbon", "Europe/Moscow", "Africa/Monrovia", "Africa/Johannesburg", "Asia/Kolkata", "Asia/Kathmandu",
  "Asia/Shanghai", "Asia/Tokyo", "Asia/Dubai", "Australia/Sydney", "Australia/Lord_Howe", "Pacific/Chatham", "Pacific/Kiritimati",
  "Pacific/Pago_Pago", "Etc/GMT-14", "Etc/GMT+12", "UTC", "Etc/UCT", "Zulu", "GMT0", "Etc/GMT+0", "EST", "MST7MDT", "US/Pacific",
  "Canada/Newfoundland", "Antarctica/Troll", "ACT", "IST", "AST", "CST", "asia/KOLKATA", "Asia/Calcutta",
];
const ZONE_TIMES = ["winter", "summer", "y1969", "y2040"];

function envelopeCases() {
  const cases = [];
  const base = { channel: "iMessage", from: "+1555", body: "hi" };
  for (const [k, ts] of Object.entries(T)) cases.push([`ts/${k}`, { ...base, timestamp: ts }]);
  cases.push(["ts/none", { ...base }], ["ts/zero", { ...base, timestamp: 0 }], ["ts/nan", { ...base, timestamp: NaN }], ["ts/null", { ...base, timestamp: null }]);
  cases.push(["ts/max+1", { ...base, timestamp: 8.64e15 + 1 }], ["ts/inf", { ...base, timestamp: Infinity }], ["ts/-inf", { ...base, timestamp: -Infinity }]);
  for (const [i, o] of ENVELOPE_OPTS.entries()) {
    for (const k of ["winter", "summer"]) cases.push([`opts/${i}/${k}`, { ...base, timestamp: T[k], previousTimestamp: T[k] - 90000, envelope: o }]);
  }
  const deltas = [0, 1, 499, 500, 1499, 29499, 29500, 30000, 59999, 60000, 89999, 90000, 3569999, 3570000, 3600000, 5399999, 5400000,
    86399999, 172799999, 172800000, 174599999, 259200000, 31536000000, 1e15, -1, -3600000, 0.4, 1e300];
  for (const d of deltas) cases.push([`elapsed/${d}`, { ...base, timestamp: T.summer, previousTimestamp: T.summer - d }]);
  cases.push(["elapsed/prev0", { ...base, timestamp: T.summer, previousTimestamp: 0 }], ["elapsed/prevNaN", { ...base, timestamp: T.summer, previousTimestamp: NaN }],
    ["elapsed/tsNaN", { ...base, timestamp: NaN, previousTimestamp: T.summer }], ["elapsed/prevInf", { ...base, timestamp: T.summer, previousTimestamp: -Infinity }],
    ["elapsed/nofrom", { ...base, from: "", timestamp: T.summer, previousTimestamp: T.summer - 60000 }],
    ["elapsed/nofrom-noelapsed", { ...base, from: "  ", timestamp: T.summer, previousTimestamp: T.summer - 60000, envelope: { includeElapsed: false } }],
    ["elapsed/no-ts", { ...base, timestamp: T.summer, previousTimestamp: T.summer - 60000, envelope: { includeTimestamp: false } }],
    ["elapsed/invalid-date", { ...base, timestamp: 9e15, previousTimestamp: 8e15 }]);
  // Shapes: group vs direct, sender labels, fromMe, channel, sanitising.
  const g = { channel: "iMessage", from: "Family id:42", body: "hi all", chatType: "group", sender: { name: "+15551234567", id: "+15551234567" }, timestamp: T.summer };
  cases.push(
    ["shape/group", g], ["shape/group-label", { ...g, senderLabel: "  Alice  " }], ["shape/group-label-empty", { ...g, senderLabel: "   " }],
    ["shape/group-diff-id", { ...g, sender: { name: "alice@example.com", id: "Alice@Example.com" } }], ["shape/group-no-sender", { ...g, sender: undefined }],
    ["shape/group-empty-sender", { ...g, sender: {} }], ["shape/group-id-only", { ...g, sender: { id: " +1555 " } }], ["shape/group-name-only", { ...g, sender: { name: "Bob" } }],
    ["shape/group-sanitize", { ...g, sender: { name: "Bob [admin]\r\nx", id: "a\tb" } }], ["shape/group-fromme", { ...g, fromMe: true }],
    ["shape/channel", { ...g, chatType: "channel" }], ["shape/chattype-GROUP", { ...g, chatType: " GROUP " }], ["shape/chattype-dm", { ...g, chatType: "DM" }],
    ["shape/chattype-weird", { ...g, chatType: "thread" }], ["shape/chattype-empty", { ...g, chatType: "" }], ["shape/chattype-none", { ...g, chatType: undefined }],
    ["shape/direct", { ...base, from: "+15551234567 id:+1555", chatType: "direct", sender: { name: "+15551234567", id: "+1555" }, timestamp: T.summer }],
    ["shape/direct-fromme", { ...base, timestamp: T.summer, fromMe: true }], ["shape/direct-label", { ...base, timestamp: T.summer, senderLabel: "x" }],
    ["shape/channel-empty", { ...base, channel: "", timestamp: T.summer }], ["shape/channel-none", { ...base, channel: undefined, timestamp: T.summer }],
    ["shape/channel-sanitize", { ...base, channel: " i[M]essage\n2 ", timestamp: T.summer }], ["shape/from-sanitize", { ...base, from: " a\r\n[b]\u00a0\u2028c ", timestamp: T.summer }],
    ["shape/from-none", { ...base, from: undefined, timestamp: T.summer }], ["shape/body-raw", { ...base, body: " [x]\n y ", timestamp: T.summer }],
    ["shape/body-empty", { ...base, body: "", timestamp: T.summer }], ["shape/sender-trim", { ...g, sender: { name: "\u00a0", id: "\ufeff" } }],
    ["shape/sender-same", { ...g, sender: { name: " x ", id: "x" } }], ["shape/label-newline", { ...g, senderLabel: "a\n\nb" }],
  );
  return cases;
}
function zoneCases() {
  const cases = [];
  for (const z of ZONES) for (const k of ZONE_TIMES) cases.push([`zone/${z}/${k}`, { from: "x", body: "b", timestamp: T[k], envelope: { timezone: z } }]);
  // Random zones and minutes between 1970 and 2025 (a fixed xorshift seed keeps the golden stable;
  // later years would test tzdata versions rather than the port).
  let x = 0x9e3779b9;
  const rnd = () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), (x >>> 0) / 2 ** 32);
  const zones = [...Intl.supportedValuesOf("timeZone"), ...ZONES].sort();
  for (let i = 0; i < 240; i++) {
    const z = zones[Math.floor(rnd() * zones.length)];
    const ts = Math.floor(rnd() * 56 * 365.25 * 1440) * 60000 + 1;
    cases.push([`zone-random/${i}`, { from: "x", body: "b", timestamp: ts, envelope: { timezone: z } }]);
  }
  return cases;
}

// The TZ values the recorder runs under; every envelope case runs under each.
const TZS = ["UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Lord_Howe", "US/Eastern", ":America/Los_Angeles", "Greenwich", "Etc/GMT+0", "GMT", "Etc/GMT", "", "Invalid/Zone"];

function buildRequests() {
  const reqs = [];
  const add = (id, fn, args, extra = {}) => reqs.push({ id, fn, args, ...extra });
  for (const c of COMMAND_CFGS) {
    add(`commands/${c.name}`, "listChatCommandsForConfig", [c.cfg], { docks: c.docks, tz: "UTC" });
    for (const [i, t] of COMMAND_TEXTS.entries()) add(`has/${c.name}/${i}`, "hasControlCommand", [t, c.cfg], { docks: c.docks, tz: "UTC" });
  }
  add("has/no-cfg/0", "hasControlCommand", ["/bash ls"], { tz: "UTC" });
  add("has/no-cfg/1", "hasControlCommand", ["/status"], { tz: "UTC" });
  add("has/no-text", "hasControlCommand", [null, {}], { tz: "UTC" });
  for (const [i, t] of [...COMMAND_TEXTS, ...ABORT_TEXTS].entries()) add(`normalize/${i}`, "normalizeCommandBody", [t], { docks: ["telegram"], tz: "UTC" });
  for (const [i, [t, o]] of NORMALIZE_EXTRA.entries()) add(`normalize-bot/${i}`, "normalizeCommandBody", [t, o], { tz: "UTC" });
  for (const [i, t] of [...ABORT_TEXTS, ...COMMAND_TEXTS.filter((_, j) => j % 5 === 0)].entries()) {
    add(`abort/${i}`, "isAbortTrigger", [t], { tz: "UTC" });
    add(`abort-request/${i}`, "isAbortRequestText", [t], { tz: "UTC" });
    add(`control-message/${i}`, "isControlCommandMessage", [t, {}], { tz: "UTC" });
  }
  for (const [i, p] of GATE.entries()) add(`gate/${i}`, "resolveDualTextControlCommandGate", [p], { tz: "UTC" });
  for (const [i, c] of ENVELOPE_CFGS.entries()) add(`envelope-options/${i}`, "resolveEnvelopeFormatOptions", [c], { tz: "UTC" });
  for (const [i, p] of FROM_LABELS.entries()) add(`from-label/${i}`, "formatInboundFromLabel", [p], { tz: "UTC" });
  for (const [i, m] of MIMES.entries()) add(`mime/${i}`, "kindFromMime", [m], { tz: "UTC" });
  // Every timestamp and option case under every TZ; the shapes and elapsed markers under three.
  for (const tz of TZS) {
    for (const [id, p] of envelopeCases()) {
      const hostDependent = /^ts\//.test(id) || (/^opts\//.test(id) && HOST_OPTS.has(Number(id.split("/")[1])));
      if (!hostDependent && !["UTC", "America/New_York", ""].includes(tz)) continue;
      add(`envelope/${tz || "<empty>"}/${id}`, "formatInboundEnvelope", [p], { tz });
    }
  }
  for (const [id, p] of zoneCases()) add(`envelope/UTC/${id}`, "formatInboundEnvelope", [p], { tz: "UTC" });
  return reqs;
}

function runWorker(DIST, tz, reqs) {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, TZ: tz };
    const p = spawn(process.execPath, [SELF, "--worker", DIST], { env, stdio: ["pipe", "pipe", "inherit"] });
    let out = "";
    p.stdout.setEncoding("utf8").on("data", (d) => (out += d));
    p.on("error", reject);
    p.on("close", (code) => {
      if (code !== 0) return reject(new Error(`worker TZ=${tz} exited ${code}`));
      const lines = out.split("\n").filter(Boolean).map((l) => JSON.parse(l));
      if (lines.length !== reqs.length) return reject(new Error(`worker TZ=${tz}: ${lines.length} answers for ${reqs.length} requests`));
      resolve(lines);
    });
    p.stdin.end(reqs.map((r) => enc({ fn: r.fn, args: r.args, docks: r.docks })).join("\n") + "\n");
  });
}

// ---------------------------------------------------------------------------------------------
// Zone table.
const LEGACY_IDS = "ACT AET AGT ART AST BET BST CAT CNT CST CTT EAT ECT IET IST JST MIT NET NST PLT PNT PRT PST SST VST".split(" ");
// ICU's localized GMT format in English, as envelope.go's gmtName writes it ("GMT+0" for zero:
// the bare "GMT" is the GMT metazone's name).
const pad2 = (n) => String(n).padStart(2, "0");
function gmtFormat(off) {
  const a = Math.abs(off), h = Math.floor(a / 3600), m = Math.floor(a / 60) % 60, s = a % 60;
  return `GMT${off < 0 ? "-" : "+"}${h}${m || s ? ":" + pad2(m) : ""}${s ? ":" + pad2(s) : ""}`;
}
// ICU's metazone mappings end here; later instants get only zone-specific names (UTC).
const METAZONE_END = Date.UTC(9999, 11, 31, 23, 59);
function zoneTable(goNamesFile) {
  const goNames = new Set(fs.readFileSync(goNamesFile, "utf8").split("\n").filter(Boolean));
  const names = [...new Set([...goNames, ...Intl.supportedValuesOf("timeZone"), ...LEGACY_IDS])].sort();
  const rows = [];
  const start = 0, end = Date.UTC(2040, 0, 1), WEEK = 7 * 86400000;
  for (const name of names) {
    let short, long;
    try {
      short = new Intl.DateTimeFormat("en-US", { timeZone: name, timeZoneName: "short" });
      long = new Intl.DateTimeFormat("en-US", { timeZone: name, timeZoneName: "longOffset" });
    } catch {
      continue; // Intl rejects it: not in the table, so Go rejects it too
    }
    const canonical = short.resolvedOptions().timeZone;
    const load = goNames.has(name) ? name : goNames.has(canonical) ? canonical : null;
    if (!load) {
      process.stderr.write(`zone ${name}: neither it nor ${canonical} is in Go's zoneinfo.zip; left out\n`);
      continue;
    }
    const pick = (f, t) => f.formatToParts(new Date(t)).find((p) => p.type === "timeZoneName").value;
    const offsetOf = (t) => {
      const s = pick(long, t);
      if (s === "GMT") return 0;
      const m = /^GMT([+-])(\d\d):(\d\d)(?::(\d\d))?$/.exec(s);
      return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0));
    };
    const at = (t) => ({ off: offsetOf(t), name: pick(short, t) });
    // Step function of (offset, name) over [start, end), each step found exactly by bisection.
    // ICU maps zones to metazones (the source of "EST" and the like) from 1970 on; before, only the
    // UTC family has a name. So the value just before the epoch stands for all earlier time, and a
    // new segment always starts at the epoch.
    const steps = [{ t: -1, ...at(-1) }, { t: start, ...at(start), split: true }];
    const after = { t: METAZONE_END, ...at(METAZONE_END), split: true };
    let prev = steps[1];
    for (let t = start + WEEK; t < end; t += WEEK) {
      let cur = at(t);
      let lo = t - WEEK;
      while (cur.off !== prev.off || cur.name !== prev.name) {
        // first instant in (lo, t] whose value differs from prev
        let a = lo, b = t;
        while (b - a > 1) {
          const m = Math.floor((a + b) / 2);
          const v = at(m);
          if (v.off === prev.off && v.name === prev.name) a = m;
          else b = m;
        }
        prev = { t: b, ...at(b) };
        steps.push(prev);
        lo = b;
      }
    }
    steps.push(after);
    if (!steps.some((s) => s.name !== gmtFormat(s.off))) {
      rows.push({ name, canonical, load, segs: [] });
      continue;
    }
    // Split into segments in which each offset has one name; keep the names that are not GMT offsets.
    const segs = [];
    let seg = null;
    for (const s of steps) {
      if (!seg || s.split || (seg.map.has(s.off) && seg.map.get(s.off) !== s.name)) {
        seg = { from: segs.length ? s.t : null, map: new Map() };
        segs.push(seg);
      }
      seg.map.set(s.off, s.name);
    }
    const out = segs.map((s) => ({ from: s.from, names: [...s.map].filter(([o, n]) => n !== gmtFormat(o)).sort((x, y) => x[0] - y[0]) }));
    // Leading segments without names say nothing (no segment means no names).
    while (out.length && out[0].names.length === 0) out.shift();
    rows.push({ name, canonical, load, segs: out });
  }
  return rows;
}

function zonesGo(rows) {
  const lines = rows.map((r) => {
    let s = r.name;
    if (r.load !== r.name) s += "=" + r.load;
    if (r.canonical !== r.name) s += ">" + r.canonical;
    for (const seg of r.segs) {
      s += "|" + (seg.from === null ? "" : String(seg.from)) + ":" + seg.names.map(([o, n]) => `${o}=${n}`).join(",");
    }
    return s;
  });
  return `// Code generated by scripts/oracle-inbound-fns-goldens.sh from Node ${process.version} (ICU ${process.versions.icu}, tz ${process.versions.tz}); DO NOT EDIT.

package openclaw

// icuZoneData lists every time zone name Intl.DateTimeFormat accepts that Go's
// zoneinfo can load, one per line:
//
//	name[=go name][>Intl canonical name][|from:offset=short,...]...
//
// "=": the name Go loads when it differs (ICU's legacy ids); ">": what
// resolvedOptions().timeZone answers when it differs. Each "|" segment, from
// its start (Unix ms; empty = the beginning of time) to the next, gives ICU's
// en-US short names that are not the localized GMT offset, per UTC offset in
// seconds. Found between 1970 and 2040 by bisection to the millisecond; the
// value one millisecond before 1970 stands for all earlier time (ICU's
// metazones start in 1970), the 2040 segment runs on to the end of ICU's
// metazone mappings (9999-12-31T23:59Z), and a last segment covers the rest.
const icuZoneData = \`
${lines.join("\n")}
\`
`;
}

// ---------------------------------------------------------------------------------------------
async function main() {
  const [DIST, GOLDEN_OUT, ZONES_OUT, GO_NAMES] = process.argv.slice(2);
  const reqs = buildRequests();
  const ids = new Set();
  for (const r of reqs) {
    if (ids.has(r.id)) throw new Error(`duplicate id ${r.id}`);
    ids.add(r.id);
  }
  const byTz = new Map();
  for (const r of reqs) {
    if (!byTz.has(r.tz)) byTz.set(r.tz, []);
    byTz.get(r.tz).push(r);
  }
  const answers = new Map();
  await Promise.all([...byTz].map(async ([tz, list]) => {
    const res = await runWorker(DIST, tz, list);
    list.forEach((r, i) => answers.set(r, res[i]));
  }));
  const out = reqs.map((r) => {
    const a = answers.get(r);
    const g = { id: r.id, fn: r.fn, args: r.args, ok: a.ok, result: a.result };
    if (a.undefined) g.undefined = true;
    if (!a.ok) g.error = a.error;
    if (r.fn === "formatInboundEnvelope") g.tz = r.tz;
    if (r.docks) g.docks = r.docks;
    return enc(g);
  });
  fs.writeFileSync(GOLDEN_OUT, out.join("\n") + "\n");
  fs.writeFileSync(ZONES_OUT, zonesGo(zoneTable(GO_NAMES)));
  process.stderr.write(`${out.length} golden lines\n`);
}

if (process.argv[2] === "--worker") await worker(process.argv[3]);
else await main();
