// Records what OpenClaw 2026.3.24's own pairing store (dist/pairing-store-Ci8ZfuL6.js) does, for
// runtime/pairing's golden test. Run by scripts/oracle-pairing-goldens.sh (read its header); prints
// the golden JSONL on stdout.
//
// Every case runs OpenClaw's own upsertChannelPairingRequest / approveChannelPairingCode /
// listChannelPairingRequests / readChannelAllowFromStore against a fresh OPENCLAW_STATE_DIR (passed
// as their env argument), with a deterministic clock (Date.now and `new Date()` replaced) and
// deterministic codes (crypto.randomInt replaced: it hands out the alphabet indexes of the step's
// "rng" string). After each step the whole state dir is snapshotted: every file's exact bytes and
// mode, every dir's mode, every symlink's target. Module-private functions are reached by the
// load-hook technique of /work/shared/oracle/runtime-oracle.mjs (an export appended in memory);
// nothing from OpenClaw is copied.
//
//   node oracle-pairing-goldens.mjs [--openclaw DIR]        the golden
//   node oracle-pairing-goldens.mjs --demo-lost-update       OpenClaw losing requests to its own
//                                                            re-entrant lock (a finding, not golden)

import module from "node:module";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const args = process.argv.slice(2);
const argVal = (k) => (args.includes(k) ? args[args.indexOf(k) + 1] : undefined);
const OPENCLAW_DIR =
  argVal("--openclaw") ?? path.join(process.env.ORACLE_ROOT ?? path.join(os.homedir(), ".cache/openclaw-oracle"), "npm-2026.3.24/node_modules/openclaw");
const DIST = path.join(OPENCLAW_DIR, "dist");
const version = JSON.parse(fs.readFileSync(path.join(OPENCLAW_DIR, "package.json"), "utf8")).version;
if (version !== "2026.3.24") throw new Error(`want openclaw 2026.3.24, found ${version} at ${OPENCLAW_DIR}`);

// ---------- OpenClaw's functions, by source name ----------
const EXTRA = {
  "pairing-store-Ci8ZfuL6.js": [
    "upsertChannelPairingRequest", "approveChannelPairingCode", "listChannelPairingRequests", "readChannelAllowFromStore",
    "clearPairingAllowFromReadCacheForTest", "resolveAllowFromPath", "PAIRING_CODE_ALPHABET",
  ],
  "pairing-challenge-CcdXUm6o.js": ["buildPairingReply"],
  "pairing-message-COJqUNsM.js": ["PAIRING_APPROVED_MESSAGE"],
};
const urlOf = (f) => pathToFileURL(path.join(DIST, f)).href;
const hooked = new Map(Object.entries(EXTRA).map(([f, names]) => [urlOf(f), `\nexport { ${names.map((n) => `${n} as __g_${n}`).join(", ")} };\n`]));
module.registerHooks({
  load(url, context, nextLoad) {
    const r = nextLoad(url, context);
    const extra = hooked.get(url);
    return extra ? { ...r, format: "module", source: String(r.source) + extra } : r;
  },
});
const oc = {};
for (const f of Object.keys(EXTRA)) {
  const m = await import(urlOf(f));
  for (const n of EXTRA[f]) {
    if (!(`__g_${n}` in m)) throw new Error(`${n} not found in ${f}`);
    oc[n] = m[`__g_${n}`];
  }
}

// ---------- deterministic clock and codes ----------
const RealDate = Date;
let fakeNow = null;
class FakeDate extends RealDate {
  constructor(...a) {
    if (a.length === 0 && fakeNow !== null) super(fakeNow);
    else super(...a);
  }
  static now() {
    return fakeNow ?? RealDate.now();
  }
}
globalThis.Date = FakeDate;
let rngQueue = [];
let rngUsed = 0;
crypto.randomInt = (min, max) => {
  if (min !== 0 || max !== 32) throw new Error(`unexpected randomInt(${min}, ${max})`);
  if (rngQueue.length === 0) throw new Error("rng exhausted: give the step a longer rng string");
  rngUsed++;
  return rngQueue.shift();
};
const ALPHABET = oc.PAIRING_CODE_ALPHABET;

// ---------- snapshots ----------
// Paths under the case's temp dir are written as $ROOT (the state dir's parent) so the golden is stable.
function snapshot(root, tmpRoot) {
  const files = {};
  const modes = {};
  const walk = (rel) => {
    const abs = path.join(root, rel);
    for (const name of fs.readdirSync(abs).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const st = fs.lstatSync(path.join(root, r));
      if (st.isSymbolicLink()) files[r] = { symlink: fs.readlinkSync(path.join(root, r)).replaceAll(tmpRoot, "$ROOT") };
      else if (st.isDirectory()) {
        modes[`${r}/`] = (st.mode & 0o777).toString(8).padStart(4, "0");
        walk(r);
      } else {
        const buf = fs.readFileSync(path.join(root, r));
        const text = buf.toString("utf8");
        files[r] = Buffer.from(text, "utf8").equals(buf) ? text : { b64: buf.toString("base64") };
        modes[r] = (st.mode & 0o777).toString(8).padStart(4, "0");
      }
    }
  };
  walk("");
  return { files, modes };
}

// seed: {relpath: "text" | {b64} | {symlink: target} | {dir: true}}; "$ROOT" in a symlink target is
// the state dir's parent, which also holds the case's "outside" files in outside/.
function seedFiles(stateDir, outDir, seed) {
  for (const [rel, v] of Object.entries(seed ?? {})) {
    const abs = path.join(stateDir, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true, mode: 0o700 });
    fs.rmSync(abs, { recursive: true, force: true });
    if (typeof v === "string") fs.writeFileSync(abs, v, { mode: 0o600 });
    else if (v.b64 !== undefined) fs.writeFileSync(abs, Buffer.from(v.b64, "base64"), { mode: 0o600 });
    else if (v.symlink !== undefined) fs.symlinkSync(v.symlink.replace("$ROOT", path.dirname(outDir)), abs);
    else if (v.dir) fs.mkdirSync(abs, { recursive: true, mode: 0o700 });
    else throw new Error(`bad seed for ${rel}`);
  }
}

// ---------- cases ----------
const T0 = "2026-05-16T15:24:00.123Z";
const at = (ms) => new RealDate(RealDate.parse(T0) + ms).toISOString();
const MIN = 60_000;
const HOUR = 60 * MIN;
const req = (id, code, createdAt, extra = {}) => ({ id, code, createdAt, lastSeenAt: createdAt, meta: { sender: id, accountId: "default" }, ...extra });
const pairingFile = (requests, space = 2) => JSON.stringify({ version: 1, requests }, null, space) + "\n";
const allowFile = (allowFrom, space = 2) => JSON.stringify({ version: 1, allowFrom }, null, space) + "\n";
const P = "credentials/imessage-pairing.json";
const AF = (acct) => (acct ? `credentials/imessage-${acct}-allowFrom.json` : "credentials/imessage-allowFrom.json");
const up = (id, extra = {}) => ({ op: "upsert", id, account: "default", meta: [["sender", id], ["chatId", "2"]], ...extra });

const cases = [
  {
    name: "basic: new, repeat, list, approve lower-case, read",
    steps: [
      up("+15550001111", { at: at(0), rng: "ABCDEFGH" }),
      up("+15550001111", { at: at(5 * MIN), meta: [["sender", "+15550001111"], ["chatId", "3"]] }),
      { op: "list", at: at(6 * MIN) },
      { op: "approve", code: "abcdefgh", at: at(7 * MIN) },
      { op: "read", at: at(7 * MIN) },
      { op: "read", account: "default" },
      { op: "read", account: "work" },
      { op: "list", at: at(8 * MIN) },
      { op: "approve", code: "ABCDEFGH", at: at(8 * MIN) },
    ],
  },
  {
    name: "e2e dm-pairing sequence (runtime-e2e expected/dm-pairing.state.json)",
    steps: [
      up("+15550002222", { at: at(0), rng: "QRSTUVWX", meta: [["sender", "+15550002222"], ["chatId", "3"]] }),
      up("+15550002222", { at: at(2000), meta: [["sender", "+15550002222"], ["chatId", "3"]] }),
      up("bob@example.com", { at: at(4000), rng: "23456789", meta: [["sender", "bob@example.com"], ["chatId", "4"]] }),
      { op: "approve", code: "QRSTUVWX", at: at(5000) },
      { op: "read", account: "default" },
      up("+15550003333", { at: at(8000), rng: "HJKLMNPQ", meta: [["sender", "+15550003333"], ["chatId", "5"]] }),
      up("+15550004444", { at: at(10000), rng: "ZZZZZZZZ", meta: [["sender", "+15550004444"], ["chatId", "6"]] }),
      up("+15550005555", { at: at(12000), rng: "YYYYYYYY", meta: [["sender", "+15550005555"], ["chatId", "8"]] }),
    ],
  },
  {
    name: "e2e two-accounts: one id pending on two accounts",
    steps: [
      up("+15550001111", { account: "work", at: at(0), rng: "WWWWWWWW" }),
      up("+15559999999", { account: "personal", at: at(1000), rng: "PPPPPPPP" }),
      up("+15550001111", { account: "personal", at: at(2000), rng: "QQQQQQQQ" }),
      { op: "list", account: "work", at: at(3000) },
      { op: "list", account: "PERSONAL", at: at(3000) },
      { op: "list", at: at(3000) },
      { op: "approve", code: "qqqqqqqq", account: "work", at: at(4000) },
      { op: "approve", code: "qqqqqqqq", account: " Personal ", at: at(4000) },
      { op: "read", account: "personal" },
      { op: "read", account: "work" },
      { op: "read" },
      { op: "approve", code: "WWWWWWWW", at: at(5000) },
      { op: "read", account: "work" },
      up("+15550001111", { account: "personal", at: at(6000), rng: "RRRRRRRR" }),
    ],
  },
  {
    name: "cap of 3 across accounts; repeat while full; approve frees a slot",
    steps: [
      up("+15550000001", { at: at(0), rng: "AAAAAAAA" }),
      up("+15550000002", { account: "work", at: at(1000), rng: "BBBBBBBB" }),
      up("+15550000003", { at: at(2000), rng: "CCCCCCCC" }),
      up("+15550000004", { at: at(3000), rng: "DDDDDDDD" }),
      up("+15550000002", { account: "work", at: at(4000) }),
      up("+15550000002", { at: at(4500), rng: "EEEEEEEE" }),
      { op: "approve", code: "aaaaaaaa", at: at(5000) },
      up("+15550000004", { at: at(6000), rng: "FFFFFFFF" }),
      up("+15550000005", { at: at(7000), rng: "GGGGGGGG" }),
    ],
  },
  {
    name: "expiry: 1 h after createdAt, lastSeenAt does not extend; exact boundary",
    steps: [
      up("+15550000001", { at: at(0), rng: "AAAAAAAA" }),
      up("+15550000001", { at: at(59 * MIN) }),
      up("+15550000002", { at: at(HOUR), rng: "BBBBBBBB" }),
      { op: "list", at: at(HOUR) },
      { op: "list", at: at(HOUR + 1) },
      { op: "approve", code: "AAAAAAAA", at: at(HOUR + 2) },
      up("+15550000001", { at: at(HOUR + 3), rng: "CCCCCCCC" }),
      { op: "approve", code: "BBBBBBBB", at: at(2 * HOUR + 5000) },
    ],
  },
  {
    name: "expiry frees a full store; full + expired writes without adding",
    steps: [
      up("+15550000001", { at: at(0), rng: "AAAAAAAA" }),
      up("+15550000002", { at: at(30 * MIN), rng: "BBBBBBBB" }),
      up("+15550000003", { at: at(30 * MIN + 1), rng: "CCCCCCCC" }),
      up("+15550000004", { at: at(59 * MIN), rng: "DDDDDDDD" }),
      up("+15550000004", { at: at(61 * MIN), rng: "EEEEEEEE" }),
      up("+15550000005", { at: at(62 * MIN), rng: "FFFFFFFF" }),
      up("+15550000006", { at: at(4 * HOUR), rng: "GGGGGGGG" }),
    ],
  },
  {
    name: "more than 3 in the file: pruned to the 3 last seen, reordered",
    seed: {
      [P]: pairingFile([
        { ...req("+1", "AAAAAAAA", at(0)), lastSeenAt: at(50 * MIN) },
        { ...req("+2", "BBBBBBBB", at(1000)), lastSeenAt: at(10 * MIN) },
        { ...req("+3", "CCCCCCCC", at(2000)), lastSeenAt: "garbage" },
        { ...req("+4", "DDDDDDDD", at(3000)), lastSeenAt: at(40 * MIN) },
        { ...req("+5", "EEEEEEEE", at(4000)), lastSeenAt: at(10 * MIN) },
      ]),
    },
    steps: [
      up("+6", { at: at(55 * MIN), rng: "FFFFFFFF" }),
      { op: "write", path: P, content: pairingFile([
        { ...req("+1", "AAAAAAAA", at(0)), lastSeenAt: at(50 * MIN) },
        { ...req("+2", "BBBBBBBB", at(1000)), lastSeenAt: at(10 * MIN) },
        { ...req("+3", "CCCCCCCC", at(2000)) },
        { ...req("+4", "DDDDDDDD", at(3000)), lastSeenAt: at(40 * MIN) },
      ]) },
      { op: "list", at: at(55 * MIN) },
      { op: "write", path: P, content: pairingFile([
        { ...req("+1", "AAAAAAAA", at(0)), lastSeenAt: at(50 * MIN) },
        { ...req("+2", "BBBBBBBB", at(1000)), lastSeenAt: at(10 * MIN) },
        { ...req("+3", "CCCCCCCC", at(2000)) },
        { ...req("+4", "DDDDDDDD", at(3000)), lastSeenAt: at(40 * MIN) },
      ]) },
      up("+2", { at: at(56 * MIN) }),
    ],
  },
  {
    name: "full store, nothing to prune: the file is not rewritten (compact bytes stay)",
    seed: { [P]: pairingFile([req("+1", "AAAAAAAA", at(0)), req("+2", "BBBBBBBB", at(0)), req("+3", "CCCCCCCC", at(0))], 0) },
    steps: [up("+4", { at: at(MIN), rng: "DDDDDDDD" }), { op: "list", at: at(MIN) }, up("+1", { at: at(2 * MIN) })],
  },
  {
    name: "code collision: a code already pending (any case, trimmed) is drawn again",
    seed: { [P]: pairingFile([req("+1", " aaaaaaaa ", at(0)), req("+2", "straße2", at(0))]) },
    steps: [up("+3", { at: at(MIN), rng: "AAAAAAAASTRASSE2BBBBBBBB" })],
  },
  {
    name: "code collision via JS toUpperCase: ß → SS, ﬀ → FF, ﬆ → ST",
    seed: { [P]: pairingFile([req("+1", "STRAßE2", at(0)), req("+2", "ﬀﬀﬆﬆ", at(0))]) },
    steps: [up("+3", { at: at(MIN), rng: "STRASSE2FFFFSTSTCCCCCCCC" }), { op: "approve", code: "strasse2", at: at(MIN) }, { op: "approve", code: "ffffstst", at: at(MIN) }],
  },
  {
    name: "account ids: trimmed and lower-cased in meta; allowFrom file names",
    steps: [
      up("+15550000001", { account: " Work ", at: at(0), rng: "AAAAAAAA" }),
      up("+15550000001", { account: "WORK", at: at(1000) }),
      up("+15550000002", { account: "", at: at(2000), rng: "BBBBBBBB" }),
      up("+15550000003", { account: null, at: at(3000), rng: "CCCCCCCC" }),
      { op: "approve", code: "AAAAAAAA", at: at(4000) },
      { op: "approve", code: "BBBBBBBB", account: "Mixed.Case", at: at(4000) },
      { op: "approve", code: "CCCCCCCC", account: "  ", at: at(4000) },
      { op: "read", account: "WORK" },
      { op: "read", account: "mixed.case" },
      { op: "read", account: " " },
    ],
  },
  {
    name: "id and meta: trimming, empty values dropped, key order, accountId key overridden, index keys first",
    steps: [
      { op: "upsert", id: "  +15550000001\t", account: "default", meta: [["sender", " +15550000001 "], ["chatId", ""], ["note", "  "], ["accountId", "evil"], ["z", "1"], ["10", "ten"], ["2", "two"]], at: at(0), rng: "AAAAAAAA" },
      { op: "upsert", id: "+15550000001", account: "default", meta: [["chatId", "9"]], at: at(1000) },
      { op: "upsert", id: "+15550000002", account: "default", meta: [], at: at(2000), rng: "BBBBBBBB" },
      { op: "list", at: at(3000) },
    ],
  },
  {
    name: "requests OpenClaw keeps verbatim: unknown keys, numbers, escapes, unicode, lone surrogates",
    seed: {
      [P]:
        '{"version":1,"requests":[{"z":1,"id":"+w","code":"WWWWWWWW","createdAt":"' + at(0) + '","lastSeenAt":"' + at(0) +
        '","meta":{"accountId":"default","sender":"+w"},"7":"seven","n":[1.0,1e21,1E-7,-0,0.1,123456789012345678901234567890,1e400,-1e-400,5e-324],' +
        '"s":"\\u0000\\u001f\\b\\f\\n\\r\\t\\"\\\\\\/\\u007f\\u2028\\u00e9é😀\\ud83d\\ude00\\ud800x\\udc00\\uDBFF\\uDFFF","o":{},"a":[[],{}],"t":true,"f":false,"nul":null,"dup":1,"dup":2,"__proto__":{"x":1},"":"empty key"}' +
        ',{"id":"+2","code":"BBBBBBBB","createdAt":["' + at(0) + '"],"meta":"not an object"}' +
        ',{"id":3,"code":7,"createdAt":"' + at(0) + '","meta":{"accountId":" DEFAULT "}}' +
        "]}\n",
    },
    steps: [
      up("+2", { at: at(MIN), rng: "DDDDDDDD" }),
      { op: "list", at: at(MIN) },
      { op: "list", account: "default", at: at(MIN) },
      { op: "approve", code: "7", at: at(2 * MIN) },
      up("+4", { at: at(3 * MIN), rng: "EEEEEEEE" }),
      { op: "read" },
    ],
  },
  {
    name: "existing request with a non-string or padded code",
    seed: { [P]: pairingFile([{ ...req("+1", 12345678, at(0)) }, { ...req("+2", "  padded  ", at(0)) }]) },
    steps: [up("+1", { at: at(MIN), rng: "AAAAAAAA" }), up("+2", { at: at(MIN) }), { op: "approve", code: "PADDED", at: at(MIN) }],
  },
  {
    name: "non-object junk in requests is pruned as expired",
    seed: { [P]: '{"version":1,"requests":[1,"x",[],true,{"id":"+9"}]}' },
    steps: [{ op: "list", at: at(0) }],
  },
  {
    name: "timestamps: formats V8 parses, local time, +YYYYYY, falsy and garbage",
    tz: "America/New_York",
    steps: [
      [
        { ...req("+1", "AAAAAAAA", "2026-05-16T15:24:00Z") },
        { ...req("+2", "BBBBBBBB", "2026-05-16T11:24:30") },
        { ...req("+3", "CCCCCCCC", "+002026-05-16T15:24:00.000Z") },
      ],
      [
        { ...req("+4", "DDDDDDDD", "2026-05-16 15:24:00Z") },
        { ...req("+5", "EEEEEEEE", "yesterday") },
        { ...req("+6", "FFFFFFFF", "") },
      ],
      [
        { ...req("+7", "GGGGGGGG", 0) },
        { ...req("+8", "HHHHHHHH", "1970-01-01T00:00:00.000Z") },
        { ...req("+9", "JJJJJJJJ", "2026-05-16t15:24:00.5z") },
      ],
      [
        { ...req("+10", "KKKKKKKK", "2026-05-16T15:24:00Z"), lastSeenAt: "2026-05-16 11:30" },
        { ...req("+11", "LLLLLLLL", "2026-05-16T15:25:00Z"), lastSeenAt: "2026-05-16T15:24:00.001+00:00" },
        { ...req("+12", "MMMMMMMM", "2026-05-16T15:23:00Z"), lastSeenAt: "garbage" },
        { ...req("+13", "NNNNNNNN", "2026-05-16T15:23:30Z"), lastSeenAt: "" },
      ],
    ].flatMap((reqs) => [{ op: "write", path: P, content: pairingFile(reqs) }, { op: "list", at: "2026-05-16T15:54:00.000Z" }]),
  },
  {
    name: "list order is createdAt localeCompare, not file order; entries without string id/code/createdAt are hidden",
    seed: {
      [P]: pairingFile([
        req("+1", "AAAAAAAA", at(2000)),
        req("+2", "BBBBBBBB", at(1000)),
        { ...req("+3", "CCCCCCCC", at(1500)), id: 3 },
      ]),
    },
    steps: [{ op: "list", at: at(MIN) }, { op: "list", account: "work", at: at(MIN) }],
  },
  {
    name: "legacy allowFrom merged for the default account only; normalisation of stored entries",
    seed: {
      [AF("default")]: '{"version":1,"allowFrom":["a"," b ","*","",7,null,["x","y"],{"k":1},true,"a","c"]}',
      [AF("")]: '{"version":1,"allowFrom":["c","d","b","2e-7",1e21]}',
      [AF("work")]: '{"version":1,"allowFrom":["w"]}',
    },
    steps: [{ op: "read" }, { op: "read", account: "Default" }, { op: "read", account: "work" }, { op: "read", account: "other" }],
  },
  {
    name: "approve normalises the stored list; an id already there is not rewritten",
    seed: {
      [P]: pairingFile([req("+1", "AAAAAAAA", at(0)), req("x", "BBBBBBBB", at(0)), req(" * ", "CCCCCCCC", at(0))]),
      [AF("default")]: '{"version":1,"allowFrom":["*"," x ","x",7,null,"y"],"extra":true}',
    },
    steps: [
      { op: "approve", code: "BBBBBBBB", at: at(MIN) },
      { op: "approve", code: "AAAAAAAA", at: at(MIN) },
      { op: "approve", code: "CCCCCCCC", at: at(MIN) },
      { op: "read" },
    ],
  },
  {
    name: "request without meta.accountId approves into the legacy file",
    seed: { [P]: pairingFile([{ id: "+1", code: "AAAAAAAA", createdAt: at(0) }, { id: "+2", code: "BBBBBBBB", createdAt: at(0), meta: { accountId: "  " } }, { code: "CCCCCCCC", createdAt: at(0) }]) },
    steps: [
      { op: "approve", code: "AAAAAAAA", account: "work", at: at(MIN) },
      { op: "list", account: "default", at: at(MIN) },
      { op: "approve", code: "AAAAAAAA", at: at(MIN) },
      { op: "approve", code: "BBBBBBBB", at: at(MIN) },
      { op: "approve", code: "CCCCCCCC", at: at(MIN) },
      { op: "read" },
    ],
  },
  {
    name: "no state dir yet: read creates nothing, list creates the store",
    steps: [{ op: "read" }, { op: "read", account: "work" }, { op: "approve", code: "   ", at: at(0) }, { op: "list", at: at(0) }, { op: "approve", code: "NOPE1234", at: at(0) }],
  },
  {
    name: "stale lock of a dead process is broken",
    seed: { [`${P}.lock`]: '{\n  "pid": 2147483646,\n  "createdAt": "' + at(0) + '"\n}' },
    steps: [up("+1", { at: at(0), rng: "AAAAAAAA" })],
  },
  {
    name: "stale lock by age (createdAt older than 30 s)",
    seed: { [`${AF("default")}.lock`]: '{\n  "pid": 1,\n  "createdAt": "2000-01-01T00:00:00.000Z"\n}', [P]: pairingFile([req("+1", "AAAAAAAA", at(0))]) },
    steps: [{ op: "approve", code: "AAAAAAAA", at: at(MIN) }],
  },
  {
    name: "symlinks inside the state dir are followed",
    seed: { "elsewhere/work.json": '{"version":1,"allowFrom":["+1"]}', [AF("work")]: { symlink: "../elsewhere/work.json" } },
    steps: [{ op: "read", account: "work" }],
  },
  // ---- where openclawcfg refuses on purpose ("go" says what Go must do instead) ----
  {
    name: "allowFrom symlinked out of the state dir: OpenClaw follows it, Go refuses",
    seed: { [AF("default")]: { symlink: "$ROOT/outside/allow.json" } },
    outside: { "allow.json": '{"version":1,"allowFrom":["+1666"]}' },
    steps: [{ op: "read", go: { entries: [], error: true } }],
  },
  {
    name: "allowFrom reads OpenClaw tolerates (Go also reports the problem)",
    seed: {
      [AF("default")]: "{not json",
      [AF("")]: '{"version":2,"allowFrom":["v2"]}',
      [AF("a")]: '["a"]',
      [AF("b")]: '{"allowFrom":"b"}',
      [AF("c")]: "\ufeff" + '{"version":1,"allowFrom":["c"]}',
      [AF("d")]: { dir: true },
      [AF("e")]: "null",
      [AF("f")]: '{"allowFrom":["f"]}',
    },
    steps: [
      { op: "read", go: { error: true } },
      { op: "read", account: "a", go: { error: true } },
      { op: "read", account: "b", go: { error: true } },
      { op: "read", account: "c", go: { error: true } },
      { op: "read", account: "d", go: { error: true } },
      { op: "read", account: "e", go: { error: true } },
      { op: "read", account: "f" },
    ],
  },
  {
    name: "allowFrom with invalid UTF-8: OpenClaw decodes U+FFFD, Go refuses the file",
    seed: { [AF("default")]: { b64: Buffer.concat([Buffer.from('{"version":1,"allowFrom":["ok","'), Buffer.from([0xe2, 0x82]), Buffer.from('x"]}')]).toString("base64") } },
    steps: [{ op: "read", go: { entries: [], error: true } }],
  },
  {
    name: "credentials is a file: the read throws (the monitor uses [])",
    seed: { credentials: "not a dir" },
    steps: [{ op: "read" }, { op: "read", account: "work" }],
  },
  {
    name: "a null request: OpenClaw throws",
    seed: { [P]: '{"version":1,"requests":[null]}' },
    steps: [up("+1", { at: at(0), rng: "AAAAAAAA" })],
  },
  ...[
    ["corrupt pairing file: OpenClaw overwrites it, Go refuses", '{"version":1,"requests":[{"id":"+1"'],
    ["pairing file holding null", "null\n"],
    ["pairing file holding an array", "[]\n"],
    ["pairing file of another version", '{"version":2,"requests":[]}\n'],
    ["pairing file whose requests is not a list", '{"version":1,"requests":{"a":1}}\n'],
  ].map(([name, content]) => ({ name, seed: { [P]: content }, steps: [up("+1", { at: at(0), rng: "AAAAAAAA", go: { error: true } })] })),
  {
    name: "approve into a corrupt allowFrom: OpenClaw consumes the request and overwrites the list, Go refuses",
    seed: { [P]: pairingFile([req("+1", "AAAAAAAA", at(0))]), [AF("default")]: '{"version":1,"allowFrom":["+9",' },
    steps: [{ op: "approve", code: "AAAAAAAA", at: at(MIN), go: { error: true } }],
  },
  {
    name: "approve with an account id that has no file name: OpenClaw consumes the request then throws, Go refuses first",
    seed: { [P]: pairingFile([{ ...req("+1", "AAAAAAAA", at(0)), meta: { accountId: ".." } }]) },
    steps: [{ op: "approve", code: "AAAAAAAA", at: at(MIN), go: { error: true } }],
  },
];

// ---------- running ----------
async function runStep(env, st) {
  switch (st.op) {
    case "upsert": {
      const params = { channel: "imessage", id: st.id, env, meta: Object.fromEntries(st.meta) };
      if (st.account !== null) params.accountId = st.account;
      return await oc.upsertChannelPairingRequest(params);
    }
    case "approve": {
      const params = { channel: "imessage", code: st.code, env };
      if (st.account !== undefined) params.accountId = st.account;
      const r = await oc.approveChannelPairingCode(params);
      // What the CLI prints (stdout, exit 0) or throws (exit 1).
      return r ? { id: String(r.id), cli: `Approved imessage sender ${r.id}.` } : { id: null, cli: `No pending pairing request found for code: ${st.code}` };
    }
    case "list":
      return (await oc.listChannelPairingRequests("imessage", env, st.account)).map((r) => JSON.stringify(r));
    case "read":
      return await oc.readChannelAllowFromStore("imessage", env, st.account);
    case "write":
      fs.mkdirSync(path.dirname(path.join(env.OPENCLAW_STATE_DIR, st.path)), { recursive: true, mode: 0o700 });
      fs.writeFileSync(path.join(env.OPENCLAW_STATE_DIR, st.path), st.content, { mode: 0o600 });
      return null;
  }
  throw new Error(`unknown op ${st.op}`);
}

const out = [];
async function runCase(c) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "oc-pairing-golden-"));
  const stateDir = path.join(root, "state");
  const outDir = path.join(root, "outside");
  fs.mkdirSync(stateDir, { mode: 0o700 });
  fs.mkdirSync(outDir, { mode: 0o700 });
  process.env.TZ = c.tz ?? "UTC";
  try {
    seedFiles(stateDir, outDir, c.seed);
    for (const [k, v] of Object.entries(c.outside ?? {})) fs.writeFileSync(path.join(outDir, k), v);
    const env = { OPENCLAW_STATE_DIR: stateDir, HOME: path.join(root, "home") };
    const steps = [];
    for (const [i, st] of c.steps.entries()) {
      if (st.go?.error && i !== c.steps.length - 1 && st.op !== "read") throw new Error(`${c.name}: a diverging write step must be the last`);
      oc.clearPairingAllowFromReadCacheForTest();
      fakeNow = st.at ? RealDate.parse(st.at) : null;
      rngQueue = [...(st.rng ?? "")].map((ch) => {
        const k = ALPHABET.indexOf(ch);
        if (k < 0) throw new Error(`rng char ${ch} not in the alphabet`);
        return k;
      });
      rngUsed = 0;
      const rec = { ...st };
      if (rec.account === undefined && st.op !== "write") delete rec.account;
      try {
        rec.result = await runStep(env, st);
      } catch (err) {
        rec.error = String(err?.message ?? err).replaceAll(root, "$ROOT");
      }
      if (st.rng !== undefined || rngUsed) rec.rngUsed = rngUsed;
      fakeNow = null;
      Object.assign(rec, snapshot(stateDir, root));
      steps.push(rec);
    }
    const line = { case: c.name, tz: c.tz ?? "UTC", seed: c.seed ?? {}, steps };
    if (c.outside) line.outside = c.outside;
    out.push(line);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

async function lostUpdateDemo() {
  let lost = 0;
  const trials = 20;
  for (let t = 0; t < trials; t++) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "oc-pairing-demo-"));
    const env = { OPENCLAW_STATE_DIR: root };
    rngQueue = [];
    crypto.randomInt = (a, b) => RealDate.now() % 32; // any code will do here
    const ps = [];
    for (let i = 0; i < 3; i++) {
      ps.push(oc.upsertChannelPairingRequest({ channel: "imessage", id: `+1555000000${i}`, accountId: "default", env }));
      await new Promise((r) => setTimeout(r, 3));
    }
    const created = (await Promise.all(ps)).filter((r) => r.created).length;
    const kept = JSON.parse(fs.readFileSync(path.join(root, "credentials/imessage-pairing.json"), "utf8")).requests.length;
    if (kept < created) lost++;
    fs.rmSync(root, { recursive: true, force: true });
  }
  console.log(`3 strangers 3 ms apart in one process: requests lost in ${lost} of ${trials} trials (each got created:true and a code)`);
}

if (args.includes("--demo-lost-update")) {
  await lostUpdateDemo();
} else {
  for (const c of cases) await runCase(c);
  // Tables: Date.parse (the timestamps the store parses), toUpperCase (code comparison), texts, file names.
  const dateInputs = [
    "2026-05-16T15:24:00.123Z", "2026-05-16T15:24:00Z", "2026-05-16T15:24:00", "2026-05-16T15:24", "2026-05-16T15:24:00.000",
    "2026-05-16", "2026-05", "2026", "+002026-05-16T15:24:00Z", "+002026-05-16", "-000001-01-01T00:00:00Z", "+000000-01-01T00:00:00Z",
    "-000000-01-01T00:00:00Z", "0000-01-01T00:00:00Z", "2026-05-16 15:24:00", "2026-05-16 15:24:00Z", "2026-05-16 15:24", "2026-05-16t15:24:00z",
    "2026-05-16T15:24:00.1Z", "2026-05-16T15:24:00.12Z", "2026-05-16T15:24:00.1234567Z", "2026-05-16T15:24:00.Z", "2026-05-16T24:00:00Z",
    "2026-05-16T24:00Z", "2026-05-16T24:00:00.001Z", "2026-05-16T24:01Z", "2026-05-16T25:00Z", "2026-05-16T15:60Z", "2026-05-16T15:24:60Z",
    "2026-02-30T00:00:00Z", "2026-02-31", "2026-04-31", "2026-13-01", "2026-00-01", "2026-05-00", "2026-05-32", "2026-05-16T15:24:00+01:00",
    "2026-05-16T15:24:00+0100", "2026-05-16T15:24:00-05:30", "2026-05-16T15:24:00+23:59", "2026-05-16T15:24:00+24:00", "2026-05-16T15:24:00+01:60",
    "2026-05-16T15:24:00-05", "2026-05-16T15:24:00+5:30", "2026-05-16T15:24:00 Z", "2026-05-16T15", "2026-05-16T", "2026-05-16T5:24:00Z",
    "2026-5-16T15:24:00Z", "2026-05-16T15:24:00Z ", " 2026-05-16T15:24:00Z", "2026-05-16T15:24:00ZZ", "2026-05-16T15:24:00,123Z",
    "-271821-04-20T00:00:00Z", "-271821-04-19T23:59:59.999Z", "+275760-09-13T00:00:00Z", "+275760-09-13T00:00:00.001Z",
    "1970-01-01T00:00:00.000Z", "1969-12-31T23:59:59.999Z", "2026-03-08T02:30:00", "2026-11-01T01:30:00", "2026-05-16T15:24:00.000-00:00",
    "2026-05T15:24Z", "2026T15:24Z", "2026-05t15:24z", "2026T15:24:00.5", "2026-05 15:24Z", "2026 15:24Z", "2026T15Z", "", "yesterday", "[object Object]", "true", "null",
    // V8's legacy parser accepts these; the Go port does not (treated as expired): "legacy" below.
    "2026-05-16Z", "2026-05-16 ", "2026-05-16  15:24:00Z", "2026-05-6", "02026-05-16", "May 16 2026", "2026/05/16", "123", "5",
    "Sat, 16 May 2026 15:24:00 GMT", "2026-05-16T15:24:00.000 GMT", "275760-09-13",
  ];
  const LEGACY = new Set(["2026-05-16Z", "2026-05-16 ", "2026-05-16  15:24:00Z", "2026-05-6", "02026-05-16", "May 16 2026", "2026/05/16", "123", "5", "Sat, 16 May 2026 15:24:00 GMT", "275760-09-13"]);
  for (const tz of ["UTC", "America/New_York"]) {
    process.env.TZ = tz;
    out.push({ table: "Date.parse", tz, rows: dateInputs.map((s) => { const v = Date.parse(s); return [s, Number.isFinite(v) ? v : null, LEGACY.has(s) ? "legacy" : ""]; }) });
  }
  process.env.TZ = "UTC";
  const upper = [];
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const s = String.fromCodePoint(cp);
    const u = s.toUpperCase();
    if (u !== s) upper.push([cp, u]);
  }
  out.push({ table: "toUpperCase", rows: upper });
  out.push({
    table: "texts",
    approved: oc.PAIRING_APPROVED_MESSAGE,
    replies: [["+15550002222", "ABCDEFGH"], ["bob@example.com", "Z2Z3Z4Z5"], ["chat_id:5", "A"]].map(([id, code]) => [id, code, oc.buildPairingReply({ channel: "imessage", idLine: `Your iMessage sender id: ${id}`, code })]),
  });
  const names = [];
  for (const a of [undefined, "", " ", "default", "Default", " Work ", "a/b", "a\\b", 'x:*?"<>|y', "..", "...", "a..b", ".", "_", "/", "*", "İstanbul", "ΣΑΣ", "work.db", "é"]) {
    try {
      names.push([a ?? null, path.basename(oc.resolveAllowFromPath("imessage", { OPENCLAW_STATE_DIR: "/s" }, a))]);
    } catch (err) {
      names.push([a ?? null, null, String(err.message)]);
    }
  }
  out.push({ table: "allowFromPath", rows: names });
  process.stdout.write(out.map((l) => JSON.stringify(l)).join("\n") + "\n");
}
