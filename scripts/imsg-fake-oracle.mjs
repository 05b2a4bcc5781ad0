#!/usr/bin/env node
// Drive imsg-fake with OpenClaw 2026.3.24's OWN iMessage client code and record
// what it makes of every line: probeIMessage (rpc --help + chats.list probe),
// IMessageRpcClient (spawn, framing, error texts), parseIMessageNotification
// (whether the monitor accepts a watch message) and sendMessageIMessage (the
// messageId it keeps for echo detection). Used by scripts/imsg-fake-oracle.sh.
//
// Usage: node imsg-fake-oracle.mjs --fake BIN --dir DIR --openclaw DIR > golden.jsonl
// Output, one JSON object per line, in the order things happened:
//   {"probe":CASE,"result":{...}}          probeIMessage's answer for a fake set up as CASE
//   {"script":[lines]}                      rows appended with `imsg-fake script` at this point
//   {"dir":">","line":L}                    a line OpenClaw's client wrote to imsg-fake's stdin
//   {"dir":"<","line":L,"accepted":B}       a line imsg-fake wrote; for watch messages, whether
//                                           parseIMessageNotification accepted it
//   {"call":METHOD,"error":MSG}             the Error OpenClaw's client raised for an error answer
//   {"sendMessageIMessage":TO,"result":R}   what OpenClaw's send returned (messageId)
// The scratch directory is written as $DIR so the file is byte-stable.
// Module-private functions are reached with a module.registerHooks load hook
// that appends an export to the dist chunk in memory (as runtime-oracle.mjs).
import fs from "node:fs";
import path from "node:path";
import module from "node:module";
import { spawnSync } from "node:child_process";
import { pathToFileURL } from "node:url";

const arg = (name) => {
  const i = process.argv.indexOf(name);
  if (i < 0 || i + 1 >= process.argv.length) throw new Error(`missing ${name}`);
  return process.argv[i + 1];
};
const FAKE = arg("--fake");
const DIR = arg("--dir");
const DIST = path.join(arg("--openclaw"), "dist");
const DB = path.join(DIR, "chat.jsonl");
for (const k of ["log", "info", "warn", "debug", "error"]) console[k] = (...a) => process.stderr.write(a.map(String).join(" ") + "\n");

// Everything imsg-fake does is deterministic under these.
Object.assign(process.env, {
  HOME: path.join(DIR, "home"),
  OPENCLAW_STATE_DIR: path.join(DIR, "state"),
  OPENCLAW_CONFIG_PATH: path.join(DIR, "unused.json5"),
  IMSG_FAKE_GUIDS: "rowid",
  IMSG_FAKE_NOW: "2026-05-16T16:00:00.000Z",
  IMSG_FAKE_POLL_MS: "40",
  IMSG_FAKE_SELF: "me@icloud.com",
});
delete process.env.IMSG_FAKE_FAULTS;
delete process.env.IMSG_FAKE_VERSION;
delete process.env.VITEST;
fs.mkdirSync(path.join(DIR, "home"), { recursive: true });

const NEED = ["createIMessageRpcClient", "probeIMessage", "parseIMessageNotification", "sendMessageIMessage"];
const chunk = fs.readdirSync(DIST).map((f) => path.join(DIST, f)).find((f) => /\.js$/.test(f) && fs.readFileSync(f, "utf8").includes("function parseIMessageNotification("));
if (!chunk) throw new Error("no dist chunk defines parseIMessageNotification");
const url = pathToFileURL(chunk).href;
module.registerHooks({
  load(u, context, nextLoad) {
    const r = nextLoad(u, context);
    if (u !== url) return r;
    return { ...r, format: "module", source: String(r.source) + `\nexport { ${NEED.map((n) => `${n} as __oracle_${n}`).join(", ")} };\n` };
  },
});
const mod = await import(url);
const oc = Object.fromEntries(NEED.map((n) => [n, mod[`__oracle_${n}`]]));

const norm = (s) => s.split(DIR).join("$DIR").split(DIR.replaceAll("/", "\\/")).join("$DIR");
const emit = (o) => process.stdout.write(JSON.stringify(o) + "\n");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fake = (args, env = {}) => {
  const r = spawnSync(FAKE, args, { env: { ...process.env, ...env }, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`imsg-fake ${args.join(" ")}: ${r.status} ${r.stderr}`);
  return r.stdout;
};
// probeRpcSupport caches per cliPath, so every probed setup gets its own path.
const alias = (name) => {
  const p = path.join(DIR, name);
  fs.symlinkSync(FAKE, p);
  return p;
};

fake(["init", "--db", DB]);
fs.writeFileSync(path.join(DIR, "home", "IMG_0001.heic"), "heic");

// ---- probes ----
const probe = async (name, cliPath, dbPath, env = {}) => {
  Object.assign(process.env, env);
  const result = await oc.probeIMessage(5000, { cliPath, dbPath });
  for (const k of Object.keys(env)) delete process.env[k];
  emit({ probe: name, result: JSON.parse(norm(JSON.stringify(result))) });
};
await probe("ok", FAKE, DB);
await probe("rpc-unsupported", alias("imsg-old"), DB, { IMSG_FAKE_FAULTS: "rpc-unsupported" });
await probe("fda", alias("imsg-fda"), DB, { IMSG_FAKE_FAULTS: "fda" });
await probe("missing-db", alias("imsg-nodb"), path.join(DIR, "missing.db"));
await probe("later-0.14.2", alias("imsg-14"), DB, { IMSG_FAKE_VERSION: "0.14.2" });

// ---- one monitor-like client session ----
const notes = [];
const client = await oc.createIMessageRpcClient({ cliPath: FAKE, dbPath: DB, onNotification: (n) => notes.push(n) });
const origWrite = client.child.stdin.write.bind(client.child.stdin);
client.child.stdin.write = (chunk, ...rest) => {
  for (const l of String(chunk).split("\n")) if (l) emit({ dir: ">", line: norm(l) });
  return origWrite(chunk, ...rest);
};
const origHandle = client.handleLine.bind(client);
client.handleLine = (line) => {
  const rec = { dir: "<", line: norm(line) };
  let parsed;
  try {
    parsed = JSON.parse(line);
  } catch {}
  if (parsed?.method === "message") rec.accepted = oc.parseIMessageNotification(parsed.params) !== null;
  emit(rec);
  origHandle(line);
};
const waitNotes = async (n) => {
  for (let i = 0; i < 200 && notes.length < n; i++) await sleep(20);
  if (notes.length < n) throw new Error(`waited for ${n} notifications, got ${notes.length}`);
  await sleep(150); // nothing else may follow
};
const script = (lines) => {
  emit({ script: lines });
  const f = path.join(DIR, `s${Math.random().toString(36).slice(2)}.jsonl`);
  fs.writeFileSync(f, lines.join("\n") + "\n");
  fake(["script", "--db", DB, f]);
};
const call = async (method, params) => {
  try {
    return await client.request(method, params, { timeoutMs: 5000 });
  } catch (err) {
    emit({ call: method, error: norm(String(err.message)) });
  }
};

await call("chats.list", { limit: 1 });
await call("watch.subscribe", { attachments: true });
script([
  '{"from":"+15551234567","text":"hello / there","date":"2026-05-16T15:24:36.123Z"}',
  '{"from":"+15557654321","chat":2,"group":true,"text":"@bot in the group","date":"2026-05-16T15:24:37Z"}',
  '{"from":"+15551234567","attach":["~/IMG_0001.heic"],"date":"2026-05-16T15:24:38Z"}',
  '{"from":"+15551234567","attach":["/nowhere/voice.caf"],"missing":true,"text":"voice memo","date":"2026-05-16T15:24:39Z"}',
  '{"from":"+15551234567","reply_to":"3","text":"replying","date":"2026-05-16T15:24:40Z"}',
  '{"from":"+15551234567","tapback":"love","target":"3","date":"2026-05-16T15:24:41Z"}',
  '{"from_me":true,"chat":1,"text":"typed on my phone","dest":"me@icloud.com","date":"2026-05-16T15:24:42Z"}',
  '{"from":"+15559999999","no_chat":true,"text":"chatless","date":"2026-05-16T15:24:43Z"}',
  '{"from":"+15551234567","text":"synced late","date":"2025-01-01T00:00:00Z"}',
]);
await waitNotes(8); // the tapback is not emitted without include_reactions
const dm = await oc.sendMessageIMessage("+15551234567", "ECHO:hello", { client, config: {}, account: { accountId: "default", config: {} } });
emit({ sendMessageIMessage: "+15551234567", result: dm });
const group = await oc.sendMessageIMessage("chat_id:2", "ECHO:group", { client, config: {}, account: { accountId: "default", config: {} } });
emit({ sendMessageIMessage: "chat_id:2", result: group });
await waitNotes(10);
await call("send", { to: "+15551234567", service: "auto", region: "US" });
await call("send", { chat_id: 99, text: "x" });
await call("nope", {});
await call("watch.unsubscribe", { subscription: 1 });
await client.stop();
