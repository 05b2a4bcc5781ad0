// Records what OpenClaw 2026.3.24's iMessage gateway sends for an agent reply when the whole turn runs
// as in production (driven by scripts/oracle-reply-turn-goldens.sh; see there). Run with Node 24:
//   node oracle-reply-turn-goldens.mjs OPENCLAW_DIR OUT.jsonl
//
// scripts/oracle-reply-goldens.mjs calls the reply chain's functions one after another; this one runs
// the turn itself, which also runs what that chain leaves out: the embedded agent's block replies. For
// each case an in-process OpenAI-compatible "model" streams the case's text as the assistant's answer,
// and the iMessage monitor's own call is made:
//   dispatchInboundMessage({ctx, cfg, dispatcher: createReplyDispatcher({...createChannelReplyPipeline,
//     deliver: deliverReplies with a fake imsg client}), replyOptions: {onModelSelected}})
// so the agent runner, its block reply handler (createBlockReplyDeliveryHandler) with block streaming
// off (the iMessage default), buildReplyPayloads with the keys of the blocks already sent, the
// dispatcher and deliverReplies all run as in the gateway. Every imsg "send" is recorded, the file it
// carries mapped back to the fixture it was copied from. Nothing of OpenClaw is changed or copied;
// module-private functions are reached by appending an export to their chunk at load time.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import crypto from "node:crypto";
import { indexDist, importPrivate } from "./lib/dist.mjs";

const [OPENCLAW_DIR, OUT] = process.argv.slice(2);
if (!OPENCLAW_DIR || !OUT) {
  process.stderr.write("usage: node oracle-reply-turn-goldens.mjs OPENCLAW_DIR OUT.jsonl\n");
  process.exit(2);
}
const DIST = path.join(OPENCLAW_DIR, "dist");
// The same fixed sandbox as the reply golden: paths in both goldens are alike.
const ROOT = "/tmp/openclawcfg-reply-golden";
const HOME = `${ROOT}/home`;
const STATE = `${ROOT}/state`;
const WS = `${STATE}/workspace`;
fs.rmSync(ROOT, { recursive: true, force: true });
for (const d of [HOME, STATE, WS, `${WS}/sub`]) fs.mkdirSync(d, { recursive: true });
fs.writeFileSync(`${ROOT}/openclaw.json`, "{}\n");
process.env.HOME = HOME;
process.env.OPENCLAW_STATE_DIR = STATE;
process.env.OPENCLAW_CONFIG_PATH = `${ROOT}/openclaw.json`;
process.env.TZ = "UTC";
process.env.OPENCLAW_TEST_FAST = "1";
delete process.env.OPENCLAW_PROFILE;
for (const k of ["log", "info", "warn", "debug", "error"]) console[k] = () => {};
process.on("exit", () => fs.rmSync(ROOT, { recursive: true, force: true }));

// ---- the model: streams the current case's text --------------------------------------------------
let modelReply = "";
let modelCalls = 0;
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    if (req.method === "GET") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ object: "list", data: [{ id: "script-1", object: "model" }] }));
      return;
    }
    modelCalls++;
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
    const base = { id: "chatcmpl-script", created: 0, model: body.model ?? "script-1" };
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "close" });
    const ev = (o) => res.write(`data: ${JSON.stringify(o)}\n\n`);
    ev({ ...base, object: "chat.completion.chunk", choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] });
    ev({ ...base, object: "chat.completion.chunk", choices: [{ index: 0, delta: { content: modelReply }, finish_reason: null }] });
    ev({ ...base, object: "chat.completion.chunk", choices: [{ index: 0, delta: {}, finish_reason: "stop" }] });
    ev({ ...base, object: "chat.completion.chunk", choices: [], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } });
    res.end("data: [DONE]\n\n");
  });
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const MODEL_URL = `http://127.0.0.1:${server.address().port}/v1`;

// ---- OpenClaw's functions ------------------------------------------------------------------------
const dist = indexDist(DIST);
const { files, src, definingFile } = dist;
const want = {
  setRuntimeConfigSnapshot: definingFile("setRuntimeConfigSnapshot"),
  dispatchInboundMessage: definingFile("dispatchInboundMessage"),
  createReplyDispatcher: definingFile("createReplyDispatcher"),
  createChannelReplyPipeline: definingFile("createChannelReplyPipeline"),
  deliverReplies: definingFile("deliverReplies", /function sanitizeOutboundText\(/),
  resolveTextChunkLimit: definingFile("resolveTextChunkLimit"),
  createEmptyPluginRegistry: definingFile("createEmptyPluginRegistry"),
  setActivePluginRegistry: definingFile("setActivePluginRegistry"),
  imessagePlugin: files.find((f) => /^const imessagePlugin = /m.test(src.get(f))),
};
dist.release();
const oc = await importPrivate(want, "__turn");
const version = JSON.parse(fs.readFileSync(path.join(OPENCLAW_DIR, "package.json"), "utf8")).version;
if (version !== "2026.3.24") throw new Error(`openclaw ${version}, want 2026.3.24`);
const registry = oc.createEmptyPluginRegistry();
registry.channels.push({ pluginId: "imessage", plugin: oc.imessagePlugin, source: "bundled" });
oc.setActivePluginRegistry(registry, "oracle-reply-turn-goldens");

// ---- media fixtures (contents tell them apart) ---------------------------------------------------
const fixtures = [];
function fixture(p, bytes) {
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, bytes);
  fixtures.push({ path: p, sha: crypto.createHash("sha256").update(bytes).digest("hex") });
}
const pdf = (tag) => Buffer.from(`%PDF-1.4\n% ${tag}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`);
fixture(`${WS}/doc.pdf`, pdf("doc"));
fixture(`${WS}/notes.txt`, Buffer.from("plain notes\n"));
fixture(`${WS}/sub/rel.txt`, Buffer.from("relative notes\n"));
fixture(`${WS}/blob`, Buffer.from([0x00, 0x01, 0x02, 0x03, 0xfe, 0xfd, 0x7f]));
fixture(`${WS}/my dir/a b.pdf`, pdf("spaced"));
fixture(`${STATE}/media/kept.txt`, Buffer.from("media dir notes\n"));
fixture(`${HOME}/outside.txt`, Buffer.from("outside the roots\n"));
const fixtureFor = (saved) => {
  if (!saved) return null;
  const sha = crypto.createHash("sha256").update(fs.readFileSync(saved)).digest("hex");
  return fixtures.find((x) => x.sha === sha)?.path ?? `?unmapped:${path.extname(saved)}`;
};

// ---- one turn --------------------------------------------------------------------------------------
function buildConfig(o) {
  const im = { dmPolicy: "open", allowFrom: ["*"] };
  if (o.chunkLimit !== undefined) im.textChunkLimit = o.chunkLimit;
  if (o.responsePrefix !== undefined) im.responsePrefix = o.responsePrefix;
  if (o.tableMode !== undefined) im.markdown = { tables: o.tableMode };
  return {
    models: {
      mode: "replace",
      providers: {
        script: {
          baseUrl: MODEL_URL,
          apiKey: "script-local-not-a-secret",
          api: "openai-completions",
          models: [{ id: "script-1", name: "Script", reasoning: false, input: ["text"], cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }, contextWindow: 128000, maxTokens: 4096 }],
        },
      },
    },
    agents: { defaults: { model: { primary: "script/script-1" }, workspace: WS, heartbeat: { every: "0m" }, skipBootstrap: true } },
    channels: { imessage: im },
  };
}

let turn = 0;
async function runCase(c) {
  const o = c.opts ?? {};
  const cfg = buildConfig(o);
  oc.setRuntimeConfigSnapshot(cfg);
  modelReply = c.text;
  modelCalls = 0;
  turn++;
  const sender = "+15550001111";
  const body = "please answer";
  const ctx = {
    Body: body,
    BodyForAgent: body,
    RawBody: body,
    CommandBody: body,
    BodyForCommands: body,
    From: `imessage:${sender}`,
    To: `imessage:${sender}`,
    SessionKey: `agent:main:imessage:direct:golden-${turn}`,
    AccountId: "default",
    ChatType: "direct",
    ConversationLabel: sender,
    SenderName: sender,
    SenderId: sender,
    Provider: "imessage",
    Surface: "imessage",
    MessageSid: o.messageId ? `${o.messageId}` : String(1000 + turn),
    Timestamp: 1778945042123,
    OriginatingChannel: "imessage",
    OriginatingTo: `imessage:${sender}`,
    WasMentioned: true,
    CommandAuthorized: true,
  };
  const rec = { messageId: ctx.MessageSid, sends: [], remember: [] };
  const client = {
    request: async (method, params) => {
      if (method !== "send") throw new Error(`unexpected ${method}`);
      rec.sends.push({ ...params });
      return { ok: true, id: 50000 + rec.sends.length, guid: `G-${rec.sends.length}` };
    },
  };
  const sentMessageCache = { remember: (scope, entry) => rec.remember.push(entry.text === undefined ? null : entry.text) };
  const errors = [];
  const { onModelSelected, ...pipeline } = oc.createChannelReplyPipeline({ cfg, agentId: "main", channel: "imessage", accountId: "default" });
  const textLimit = oc.resolveTextChunkLimit(cfg, "imessage", "default");
  const dispatcher = oc.createReplyDispatcher({
    ...pipeline,
    deliver: async (payload) => {
      await oc.deliverReplies({ replies: [payload], target: ctx.To, client, accountId: "default", runtime: { log() {}, error() {} }, maxBytes: 16 * 1024 * 1024, textLimit, sentMessageCache });
    },
    onError: (err, info) => errors.push(`${info.kind}: ${String(err?.message ?? err)}`),
  });
  await oc.dispatchInboundMessage({ ctx, cfg, dispatcher, replyOptions: { onModelSelected } });
  if (modelCalls !== 1) throw new Error(`${modelCalls} model calls`);
  for (const s of rec.sends) if (s.file) s.file = fixtureFor(s.file);
  if (errors.length) rec.error = errors.join("; ");
  return rec;
}

// ---- cases -----------------------------------------------------------------------------------------
const cases = [];
const add = (id, text, opts) => {
  if (cases.some((c) => c.id === id)) throw new Error(`duplicate case ${id}`);
  cases.push({ id, text, ...(opts ? { opts } : {}) });
};
const M = (rel) => (rel.startsWith("/") ? rel : `${WS}/${rel}`);
// No <think> blocks or <final> tags: the stream pass (stripBlockTags) removes them before anything
// here sees the text, and reply.Reply's text stands for the agent's text after that pass.
for (const [id, t] of Object.entries({
  caption: `Here it is\nMEDIA:${M("doc.pdf")}`,
  only: `MEDIA:${M("doc.pdf")}`,
  txt: `MEDIA:${M("notes.txt")}`,
  blob: `Some bytes\nMEDIA:${M("blob")}`,
  two: `Two files\nMEDIA:${M("doc.pdf")}\nMEDIA:${M("notes.txt")}`,
  middle: `before\nMEDIA:${M("doc.pdf")}\nafter`,
  relative: "see\nMEDIA:./sub/rel.txt",
  mediaDir: `kept\nMEDIA:${STATE}/media/kept.txt`,
  outside: `outside\nMEDIA:${HOME}/outside.txt`,
  missing: `gone\nMEDIA:${M("nope.pdf")}`,
  missingThenOk: `first\nMEDIA:${M("nope.pdf")}\nMEDIA:${M("doc.pdf")}`,
  inFence: "```\nMEDIA:" + M("doc.pdf") + "\n```",
  replyCurrent: `[[reply_to_current]] with file\nMEDIA:${M("doc.pdf")}`,
  replyExplicit: `[[reply_to:G-9]] with file\nMEDIA:${M("doc.pdf")}`,
  replyTagEnd: `file\nMEDIA:${M("doc.pdf")}\n[[reply_to_current]]`,
  audio: `[[audio_as_voice]] voice\nMEDIA:${M("notes.txt")}`,
  dupParas: `same\n\nsame\nMEDIA:${M("doc.pdf")}`,
  leadingBlank: `\n\n  \nindented\nMEDIA:${M("doc.pdf")}`,
  heartbeat: `HEARTBEAT_OK\nMEDIA:${M("doc.pdf")}`,
  heartbeatText: `HEARTBEAT_OK all good\nMEDIA:${M("doc.pdf")}`,
  noReply: `NO_REPLY\nMEDIA:${M("doc.pdf")}`,
  noReplyPrefix: `NO_REPLY because\nMEDIA:${M("doc.pdf")}`,
  table: `| a | b |\n|---|---|\n| 1 | 2 |\nMEDIA:${M("doc.pdf")}`,
  long: "c".repeat(50) + `\nMEDIA:${M("doc.pdf")}`,
  trailingBrackets: `text [[\nMEDIA:${M("doc.pdf")}`,
  trailingOpenTag: `text\nMEDIA:${M("doc.pdf")}\n[[reply_to:`,
  reminder: `I'll remind you\nMEDIA:${M("doc.pdf")}`,
  quick: `[[quick_replies: a, b]] pick\nMEDIA:${M("doc.pdf")}`,
  spacesCaption: `   spaced caption   \nMEDIA:${M("doc.pdf")}`,
  turnMarker: `user: hi\nMEDIA:${M("doc.pdf")}`,
  http: "see\nMEDIA:https://example.invalid/x.png",
  lowercase: `small\nmedia:${M("doc.pdf")}`,
  dup: `dup\nMEDIA:${M("doc.pdf")}\nMEDIA:./doc.pdf`,
  twoTails: `a\nMEDIA:${M("doc.pdf")}\nb [[\nMEDIA:${M("notes.txt")}`,
  pendingTag: `[[reply_to_current]] [[\nMEDIA:${M("doc.pdf")}`,
  tagOnlyHead: `[[reply_to_current]]\nMEDIA:${M("doc.pdf")}`,
  openTagTail: `MEDIA:${M("doc.pdf")}\n[[reply_to_current`,
  closedBrackets: `a [[b]]\nMEDIA:${M("doc.pdf")}`,
  lastOpen: `x [[ y [[\nMEDIA:${M("doc.pdf")}`,
  blankHead: `   [[\nMEDIA:${M("doc.pdf")}`,
  dupTail: `same\n\nsame [[\nMEDIA:${M("doc.pdf")}`,
  tableTail: `| a |\n|---|\n| 1 | [[\nMEDIA:${M("doc.pdf")}`,
  no: `NO\nMEDIA:${M("doc.pdf")}`,
  noRe: `NO_RE\nMEDIA:${M("doc.pdf")}`,
  heartbeatPrefix: `HEARTBEAT_\nMEDIA:${M("doc.pdf")}`,
  noReplyTail: `NO_REPLY [[\nMEDIA:${M("doc.pdf")}`,
  dataUrl: "see\nMEDIA:data:image/png;base64,AAAA",
  dataUrlTail: "see [[\nMEDIA:data:image/png;base64,AAAA",
  tilde: "home\nMEDIA:~/outside.txt",
  fileUrl: `file url\nMEDIA:file://${M("notes.txt")}`,
  quoted: `quoted\nMEDIA:"${M("my dir/a b.pdf")}"`,
  trailingJunk: `junk\nMEDIA:${M("doc.pdf")}), see above`,
  blobTail: `bytes [[\nMEDIA:${M("blob")}`,
  missingTail: `gone [[\nMEDIA:${M("nope.pdf")}`,
  outsideTail: `outside [[\nMEDIA:${HOME}/outside.txt`,
  headMissingTailOk: `MEDIA:${M("nope.pdf")}\nx [[\nMEDIA:${M("doc.pdf")}`,
  headOkTailMissing: `MEDIA:${M("doc.pdf")}\nx [[\nMEDIA:${M("nope.pdf")}`,
  audioTail: `[[audio_as_voice]] voice [[\nMEDIA:${M("notes.txt")}`,
  replyExplicitTail: `[[reply_to:G-7]] x [[\nMEDIA:${M("doc.pdf")}`,
  crlf: `crlf\r\nMEDIA:${M("doc.pdf")}\r\n`,
  plain: "just text",
  plainOpen: "just text [[",
  plainNoReply: "NO_REPLY",
  plainHeartbeat: "HEARTBEAT_OK",
  plainReply: "[[reply_to_current]] just text",
  plainTable: "| a | b |\n|---|---|\n| 1 | 2 |",
})) add(`turn/${id}`, t, /^long/.test(id) ? { chunkLimit: 20 } : undefined);
add("turn/prefix", `prefixed\nMEDIA:${M("doc.pdf")}`, { responsePrefix: "[bot]" });
add("turn/prefixOnly", `MEDIA:${M("doc.pdf")}`, { responsePrefix: "[bot]" });
add("turn/prefixPlain", "prefixed text", { responsePrefix: "[bot]" });
add("turn/prefixTail", `prefixed [[\nMEDIA:${M("doc.pdf")}`, { responsePrefix: "[bot]" });
add("turn/chunkedTail", "word ".repeat(12) + `[[\nMEDIA:${M("doc.pdf")}`, { chunkLimit: 12 });
add("turn/bulletsTail", `| a | b |\n|---|---|\n| 1 | 2 | [[\nMEDIA:${M("doc.pdf")}`, { tableMode: "bullets" });
add("turn/replyCurrentBlank", `[[reply_to_current]] file\nMEDIA:${M("doc.pdf")}`, { messageId: "  " });

// ---- run --------------------------------------------------------------------------------------------
const out = fs.createWriteStream(OUT);
for (const c of cases) {
  let rec;
  try {
    rec = await runCase(c);
  } catch (err) {
    rec = { crash: String(err?.stack ?? err) };
  }
  out.write(JSON.stringify({ id: c.id, in: { text: c.text, ...(c.opts ? { opts: c.opts } : {}) }, out: rec }) + "\n");
}
await new Promise((r) => out.end(r));
server.close();
process.stderr.write(`recorded ${cases.length} cases\n`);
process.exit(0);
