// Records what OpenClaw's own reply pipeline sends for a set of agent replies (driven by
// scripts/oracle-reply-goldens.sh; see there). Run with Node 24:
//   node oracle-reply-goldens.mjs OPENCLAW_DIR OUT.jsonl
//
// For each case this builds the config OpenClaw would hold, makes it the runtime config snapshot
// (setRuntimeConfigSnapshot, as the gateway does), then drives the chain an agent's final answer
// takes in 2026.3.24, calling OpenClaw's functions (module-private ones are reached by appending an
// export to their chunk at load time; nothing else is changed):
//   buildEmbeddedRunPayloads({assistantTexts:[text]})           agent run -> payloads
//   (JSON handler form: the payload's media replaced by the case's media)
//   buildReplyPayloads({replyToMode: resolveReplyToMode(...)})   heartbeat strip, threading, directives, media paths
//   hasUnbackedReminderCommitment / appendUnscheduledReminderNote
//   createChannelReplyPipeline + createReplyDispatcher           responsePrefix, normalizeReplyPayload
//   maybeApplyTtsToPayload (TTS off), dispatcher.sendFinalReply
//   deliver = the iMessage monitor's deliverReplies with a fake imsg client whose request() records
//             every "send" (the wire params) and a fake echo cache recording remember() calls
// Media files are real files in a fixed sandbox (/tmp/openclawcfg-reply-golden) that OpenClaw loads,
// re-encodes and copies; each recorded "file" is mapped back to the fixture it came from (by content,
// or by image size for re-encoded images).
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { createRequire } from "node:module";
import { indexDist, importPrivate } from "./lib/dist.mjs";

const [OPENCLAW_DIR, OUT] = process.argv.slice(2);
if (!OPENCLAW_DIR || !OUT) {
  process.stderr.write("usage: node oracle-reply-goldens.mjs OPENCLAW_DIR OUT.jsonl\n");
  process.exit(2);
}
const DIST = path.join(OPENCLAW_DIR, "dist");
const ROOT = "/tmp/openclawcfg-reply-golden";
const HOME = `${ROOT}/home`;
const STATE = `${ROOT}/state`;
const WS = `${STATE}/workspace`;
fs.rmSync(ROOT, { recursive: true, force: true });
for (const d of [HOME, STATE, WS, `${WS}/sub`, `${WS}/my dir`]) fs.mkdirSync(d, { recursive: true });
fs.writeFileSync(`${ROOT}/openclaw.json`, "{}\n");
process.env.HOME = HOME;
process.env.OPENCLAW_STATE_DIR = STATE;
process.env.OPENCLAW_CONFIG_PATH = `${ROOT}/openclaw.json`;
process.env.TZ = "UTC";
delete process.env.OPENCLAW_PROFILE;
for (const k of ["log", "info", "warn", "debug", "error"]) console[k] = () => {};
process.on("exit", () => fs.rmSync(ROOT, { recursive: true, force: true }));

// ---- locate functions (exported or module-private) -------------------------------------------
const dist = indexDist(DIST);
const { files, src, definingFile } = dist;
const want = {
  setRuntimeConfigSnapshot: definingFile("setRuntimeConfigSnapshot"),
  buildEmbeddedRunPayloads: definingFile("buildEmbeddedRunPayloads"),
  resolveReplyToMode: definingFile("resolveReplyToMode"),
  createReplyDispatcher: definingFile("createReplyDispatcher"),
  parseReplyDirectives: definingFile("parseReplyDirectives"),
  maybeApplyTtsToPayload: definingFile("maybeApplyTtsToPayload"),
  buildReplyPayloads: definingFile("buildReplyPayloads"),
  createReplyMediaPathNormalizer: definingFile("createReplyMediaPathNormalizer"),
  hasUnbackedReminderCommitment: definingFile("hasUnbackedReminderCommitment"),
  appendUnscheduledReminderNote: definingFile("appendUnscheduledReminderNote"),
  deliverReplies: definingFile("deliverReplies", /function sanitizeOutboundText\(/),
  createChannelReplyPipeline: definingFile("createChannelReplyPipeline"),
  resolveTextChunkLimit: definingFile("resolveTextChunkLimit"),
  stripHeartbeatToken: definingFile("stripHeartbeatToken"),
  createEmptyPluginRegistry: definingFile("createEmptyPluginRegistry"),
  setActivePluginRegistry: definingFile("setActivePluginRegistry"),
  imessagePlugin: files.find((f) => /^const imessagePlugin = /m.test(src.get(f))),
};
dist.release();
const oc = await importPrivate(want, "__golden");
const require = createRequire(path.join(OPENCLAW_DIR, "package.json"));
const sharp = require("sharp");
// The gateway runs with the bundled iMessage channel plugin registered; channel-keyed lookups
// (markdown table mode, reply threading) go through that registry.
const registry = oc.createEmptyPluginRegistry();
registry.channels.push({ pluginId: "imessage", plugin: oc.imessagePlugin, source: "bundled" });
oc.setActivePluginRegistry(registry, "oracle-reply-goldens");
const version = JSON.parse(fs.readFileSync(path.join(OPENCLAW_DIR, "package.json"), "utf8")).version;
if (version !== "2026.3.24") throw new Error(`openclaw ${version}, want 2026.3.24`);

// ---- media fixtures --------------------------------------------------------------------------
const fixtures = [];
async function fixture(rel, bytes) {
  const p = rel.startsWith("/") ? rel : `${WS}/${rel}`;
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, bytes);
  let dims = null;
  try {
    const m = await sharp(bytes).metadata();
    dims = `${m.width}x${m.height}`;
  } catch {}
  fixtures.push({ path: p, sha: crypto.createHash("sha256").update(bytes).digest("hex"), dims });
}
const png = (w, h) => sharp({ create: { width: w, height: h, channels: 3, background: { r: 200, g: 30, b: 30 } } }).png().toBuffer();
const jpeg = (w, h) => sharp({ create: { width: w, height: h, channels: 3, background: { r: 30, g: 200, b: 30 } } }).jpeg().toBuffer();
const gif = Buffer.from("R0lGODlhAgACAIAAAP///wAAACH5BAAAAAAALAAAAAACAAIAAAICRAEAOw==", "base64");
const pdf = (tag) => Buffer.from(`%PDF-1.4\n% ${tag}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`);
const mp3 = Buffer.concat([Buffer.from("ID3\x03\x00\x00\x00\x00\x00\x0a", "latin1"), Buffer.alloc(10), Buffer.from([0xff, 0xfb, 0x90, 0x64]), Buffer.alloc(400, 1)]);
const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from("ftypisom"), Buffer.from([0, 0, 2, 0]), Buffer.from("isomiso2"), Buffer.alloc(64, 2)]);
await fixture("photo.png", await png(3, 2));
await fixture("pic.jpg", await jpeg(5, 4));
await fixture("anim.gif", gif);
await fixture("doc.pdf", pdf("doc"));
await fixture("my dir/a b.pdf", pdf("spaced"));
await fixture("notes.txt", Buffer.from("plain notes\n"));
await fixture("sub/rel.txt", Buffer.from("relative notes\n"));
await fixture("song.mp3", mp3);
await fixture("clip.mp4", mp4);
await fixture("blob", Buffer.from([0x00, 0x01, 0x02, 0x03, 0xfe, 0xfd, 0x7f]));
await fixture(`${STATE}/media/kept.txt`, Buffer.from("media dir notes\n"));
await fixture(`${HOME}/outside.txt`, Buffer.from("outside the roots\n"));

async function fixtureFor(savedPath) {
  if (!savedPath) return null;
  const bytes = fs.readFileSync(savedPath);
  const sha = crypto.createHash("sha256").update(bytes).digest("hex");
  let f = fixtures.find((x) => x.sha === sha);
  if (!f) {
    try {
      const m = await sharp(bytes).metadata();
      const cand = fixtures.filter((x) => x.dims === `${m.width}x${m.height}`);
      if (cand.length === 1) f = cand[0];
    } catch {}
  }
  return f ? f.path : `?unmapped:${path.extname(savedPath)}`;
}

// ---- one case through OpenClaw ------------------------------------------------------------------
function buildConfig(o) {
  const im = {};
  if (o.tableMode !== undefined) im.markdown = { tables: o.tableMode };
  if (o.chunkLimit !== undefined) im.textChunkLimit = o.chunkLimit;
  if (o.chunkMode !== undefined) im.chunkMode = o.chunkMode;
  if (o.responsePrefix !== undefined) im.responsePrefix = o.responsePrefix;
  if (o.service !== undefined) im.service = o.service;
  if (o.region !== undefined) im.region = o.region;
  const cfg = { channels: { imessage: im } };
  if (o.identityName !== undefined) cfg.agents = { list: [{ id: "main", default: true, identity: { name: o.identityName } }] };
  return cfg;
}

async function runCase(c) {
  const o = c.opts ?? {};
  const cfg = buildConfig(o);
  oc.setRuntimeConfigSnapshot(cfg);
  const text = c.text;
  const target = o.target ?? "imessage:+15550001111";
  const currentMessageId = o.messageId;
  const rec = { sends: [], remember: [] };
  let payloads = oc.buildEmbeddedRunPayloads({
    assistantTexts: text ? [text] : [],
    toolMetas: [],
    lastAssistant: { role: "assistant", stopReason: "stop", content: [{ type: "text", text }] },
    config: cfg,
    sessionKey: "agent:main:main",
    provider: "echo",
    model: "echo-1",
    verboseLevel: "off",
    reasoningLevel: "off",
    toolResultFormat: "markdown",
    inlineToolResultsAllowed: false,
  });
  if (c.media?.length) {
    // The JSON handler form: the reply's own media, MEDIA: lines in the text still parsed away.
    const d = oc.parseReplyDirectives(text ?? "");
    const base = payloads[0] ?? { text: d.text?.trim() ? d.text.trim() : undefined, replyToId: d.replyToId, replyToTag: d.replyToTag, replyToCurrent: d.replyToCurrent, audioAsVoice: Boolean(d.audioAsVoice) };
    payloads = [{ ...base, mediaUrls: [...c.media], mediaUrl: c.media[0] }];
  }
  if (payloads.length === 0) {
    rec.dropped = { stage: "agent", silent: oc.parseReplyDirectives(text ?? "").isSilent };
    return rec;
  }
  const replyToChannel = "imessage";
  const replyToMode = oc.resolveReplyToMode(cfg, replyToChannel, "default", o.target?.startsWith("chat_id:") ? "group" : "direct");
  const normalizeMediaPaths = oc.createReplyMediaPathNormalizer({ cfg, sessionKey: "agent:main:main", workspaceDir: WS });
  const built = await oc.buildReplyPayloads({
    payloads,
    isHeartbeat: false,
    didLogHeartbeatStrip: false,
    blockStreamingEnabled: false,
    blockReplyPipeline: null,
    directlySentBlockKeys: new Set(),
    replyToMode,
    replyToChannel,
    currentMessageId,
    messageProvider: "imessage",
    originatingChannel: "imessage",
    originatingTo: target,
    accountId: "default",
    normalizeMediaPaths,
  });
  let replies = built.replyPayloads;
  if (replies.length === 0) {
    const hasMedia = (p) => Boolean(p.mediaUrls?.some((m) => m?.trim()) || p.mediaUrl?.trim());
    rec.dropped = {
      stage: "build",
      heartbeat: payloads.every((p) => typeof p.text === "string" && p.text.includes("HEARTBEAT_OK") && oc.stripHeartbeatToken(p.text, { mode: "message" }).shouldSkip && !hasMedia(p)),
    };
    return rec;
  }
  if (replies.some((p) => !p.isError && typeof p.text === "string" && oc.hasUnbackedReminderCommitment(p.text))) {
    replies = oc.appendUnscheduledReminderNote(replies);
  }
  const { onModelSelected, ...pipeline } = oc.createChannelReplyPipeline({ cfg, agentId: "main", channel: "imessage", accountId: "default" });
  if (o.model) onModelSelected({ provider: o.provider ?? "anthropic", model: o.model, thinkLevel: o.thinkLevel });
  const skips = [];
  const errors = [];
  const client = {
    request: async (method, params) => {
      if (method !== "send") throw new Error(`unexpected ${method}`);
      rec.sends.push({ ...params });
      return { ok: true, id: 50000 + rec.sends.length, guid: `G-${rec.sends.length}` };
    },
  };
  const sentMessageCache = { remember: (scope, entry) => rec.remember.push(entry.text === undefined ? null : entry.text) };
  const textLimit = oc.resolveTextChunkLimit(cfg, "imessage", "default");
  const dispatcher = oc.createReplyDispatcher({
    ...pipeline,
    deliver: async (payload) => {
      await oc.deliverReplies({ replies: [payload], target, client, accountId: "default", runtime: { log() {}, error() {} }, maxBytes: 16 * 1024 * 1024, textLimit, sentMessageCache });
    },
    onSkip: (_payload, info) => skips.push(info.reason),
    // A fetch error's cause (ENOTFOUND, EAI_AGAIN...) depends on the host's network; keep the message.
    onError: (err) => errors.push(String(err?.message ?? err).replace(/^(Failed to fetch media from \S+): .*$/s, "$1")),
  });
  for (const p of replies) {
    const tts = await oc.maybeApplyTtsToPayload({ payload: p, cfg, channel: "imessage", kind: "final" });
    dispatcher.sendFinalReply(tts);
  }
  dispatcher.markComplete();
  await dispatcher.waitForIdle();
  for (const s of rec.sends) if (s.file) s.file = await fixtureFor(s.file);
  if (skips.length) rec.dropped = { stage: "dispatch", reason: skips.join(",") };
  if (errors.length) rec.error = errors.join("; ");
  if (!rec.sends.length && !rec.dropped && !rec.error) rec.dropped = { stage: "deliver" };
  return rec;
}

// ---- cases --------------------------------------------------------------------------------------
const cases = [];
const add = (id, text, opts, media) => {
  if (cases.some((c) => c.id === id)) throw new Error(`duplicate case ${id}`);
  cases.push({ id, text, ...(opts ? { opts } : {}), ...(media ? { media } : {}) });
};
let seed = 20260324;
const rand = () => {
  seed |= 0;
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (a) => a[Math.floor(rand() * a.length)];
// REPLY_GOLDEN_STRESS=N records N times more random cases (a maintainer's stress run; commit the default).
const STRESS = Math.max(1, Number(process.env.REPLY_GOLDEN_STRESS) || 1);

// plain text and whitespace
for (const [id, t] of Object.entries({
  hello: "hello",
  padded: "   hello there  \n\n",
  empty: "",
  blank: "   \n\t ",
  lines: "line one\nline two\n\n\n\nline three",
  crlf: "first\r\nsecond\r\n\r\nthird",
  emoji: "héllo 👋🏽 wörld — “quotes” ✓",
  nbsp: "\u00a0\u2003padded with unicode spaces\u3000",
  nul: "nul\u0000byte",
  longword: "x".repeat(90),
  leadingBlank: "\n\n  \n\tindented first line\nsecond",
  dupParas: "same para\n\nsame para\n\nother\n\n  other  \n\nsame para",
  dupBlank: "a\n\n \n\n \n\nb",
  dupWS: "one  two\n\none two\n\nthree",
  finalTags: "<final>the answer</final>",
  finalSpaced: "before < final >inside</ FINAL > after",
})) add(`plain/${id}`, t);

// chunking
const para = "First paragraph is here (with a parenthetical that should not be split) and more words.\n\nSecond paragraph: short.\n\nThird paragraph goes on for a while, long enough to need its own split at small limits.";
const fenced = "Intro line.\n\n```js\nconst a = 1;\n\nconst b = 2;\n```\n\nOutro line after the fence.";
const emojiRun = "😀".repeat(30) + " end";
for (const limit of [1, 7, 20, 37, 64, 200]) {
  for (const mode of ["length", "newline"]) {
    add(`chunk/para/${limit}/${mode}`, para, { chunkLimit: limit, chunkMode: mode });
    if (limit >= 7) add(`chunk/fenced/${limit}/${mode}`, fenced, { chunkLimit: limit, chunkMode: mode });
  }
}
for (const limit of [3, 9, 21]) add(`chunk/emoji/${limit}`, emojiRun, { chunkLimit: limit });
add("chunk/default4000", "word ".repeat(1000).trim());
add("chunk/exact", "a".repeat(20), { chunkLimit: 20 });
add("chunk/newline-single", "one\ntwo\nthree", { chunkMode: "newline", chunkLimit: 5 });
add("chunk/bogusmode", para, { chunkMode: "sentence", chunkLimit: 40 });

// response prefix
const pre = (id, text, opts) => add(`prefix/${id}`, text, opts);
pre("plain", "hi there", { responsePrefix: "[bot]" });
pre("emoji", "hi", { responsePrefix: "🤖" });
pre("empty", "hi", { responsePrefix: "" });
pre("already", "[bot] hi there", { responsePrefix: "[bot]" });
pre("alreadyNoSpace", "[bot]hi", { responsePrefix: "[bot]" });
pre("auto", "hi", { responsePrefix: "auto", identityName: "  Clawd  " });
pre("autoNoName", "hi", { responsePrefix: "auto" });
pre("autoBlankName", "hi", { responsePrefix: "auto", identityName: "   " });
pre("template-unselected", "hi", { responsePrefix: "[{model}|{provider}|{thinkingLevel}]" });
pre("template-selected", "hi", { responsePrefix: "[{model}|{modelFull}|{provider}|{think}]", model: "claude-opus-4-6-20260205", provider: "anthropic", thinkLevel: "high" });
pre("template-latest", "hi", { responsePrefix: "{MODEL}", model: "openai/gpt-5.2-latest", provider: "openai-codex" });
pre("template-nothink", "hi", { responsePrefix: "{thinkingLevel}", model: "m", provider: "p" });
pre("template-identity", "hi", { responsePrefix: "{identity.name}: {IdentityName} {unknown} {1x} {a.b}", identityName: "Ada" });
pre("template-noidentity", "hi", { responsePrefix: "{identity.name}>" });
pre("autoTemplateName", "hi", { responsePrefix: "auto", identityName: "{model}", model: "m1" });
pre("heartbeatText", "HEARTBEAT_OK", { responsePrefix: "[bot]" });
pre("multiline", "line1\nline2", { responsePrefix: "[bot]" });
pre("table", "| a | b |\n|---|---|\n| 1 | 2 |", { responsePrefix: "[bot]" });
pre("tableAfterPara", "Table:\n\n| a | b |\n|---|---|\n| 1 | 2 |", { responsePrefix: "[bot]" });
pre("chunked", "word ".repeat(12).trim(), { responsePrefix: "[bot]", chunkLimit: 20 });
pre("mediaOnly", "MEDIA:/tmp/openclawcfg-reply-golden/state/workspace/doc.pdf", { responsePrefix: "[bot]" });
pre("mediaCaption", "see attached\nMEDIA:/tmp/openclawcfg-reply-golden/state/workspace/doc.pdf", { responsePrefix: "[bot]" });
pre("lineDirective", "[[quick_replies: yes, no]]", { responsePrefix: "[bot]" });
pre("leadingSpace", "   hi", { responsePrefix: "[bot]" });

// heartbeat and silent tokens
for (const [id, t] of Object.entries({
  alone: "HEARTBEAT_OK",
  spaced: "  HEARTBEAT_OK  ",
  lead: "HEARTBEAT_OK Here is the update",
  trail: "All good here. HEARTBEAT_OK",
  trailPunct: "All good here HEARTBEAT_OK.",
  trailPunct5: "All good here HEARTBEAT_OK!!!!!",
  bold: "**HEARTBEAT_OK**",
  html: "<b>HEARTBEAT_OK</b>",
  nbsp: "HEARTBEAT_OK&nbsp;",
  middle: "I saw HEARTBEAT_OK in the logs today",
  multiline: "HEARTBEAT_OK\n\nLine one\nLine two\n\n  indented",
  twice: "HEARTBEAT_OK HEARTBEAT_OK",
  okay: "HEARTBEAT_OKAY",
  both: "HEARTBEAT_OK NO_REPLY",
})) add(`heartbeat/${id}`, t);
add("heartbeat/media", "HEARTBEAT_OK\nMEDIA:/tmp/openclawcfg-reply-golden/state/workspace/doc.pdf");
for (const [id, t] of Object.entries({
  alone: "NO_REPLY",
  spaced: " \n NO_REPLY \t\n",
  lower: "no_reply",
  punct: "NO_REPLY.",
  trailing: "Thanks for the update NO_REPLY",
  trailingNL: "Thanks\nNO_REPLY",
  stars: "Done **NO_REPLY",
  boldTok: "**NO_REPLY**",
  leading: "NO_REPLY but actually here is text",
  glued: "textNO_REPLY",
  middle: "say NO_REPLY now",
  twice: "NO_REPLY NO_REPLY",
  prefixOnly: "NO",
})) add(`silent/${id}`, t);
add("silent/media", "NO_REPLY\nMEDIA:/tmp/openclawcfg-reply-golden/state/workspace/doc.pdf");
add("silent/jsonMedia", "NO_REPLY", undefined, [`${WS}/notes.txt`]);

// internal scaffolding (sanitizeOutboundText)
for (const [id, t] of Object.entries({
  think: "<think>plan the answer</think>The answer is 42.",
  thinking: "<thinking>\nsteps\n</thinking>\n\nVisible reply",
  unclosed: "Visible <think> hidden to the end",
  thought: "<thought>x</thought>ok <antthinking>y</antthinking>done",
  upper: "<THINK>x</THINK>  ok",
  attrs: "<think reason=\"a\">x</think >kept",
  notTag: "<thinker>stays</thinker> and <thinkingly>",
  final: "<final>Answer</final>",
  finalInCode: "`<final>` literal and ```\n<final>\n``` block",
  thinkInCode: "Use `<think>` tags:\n```\n<think>inside code</think>\n```\nafter",
  memories: "<relevant-memories>\n- likes tea\n</relevant-memories>\nHello!",
  memoriesUnclosed: "Hi <relevant_memories> secret rest",
  separators: "part one #+#+# part two #+#+#+#+ end #+ alone",
  roleMarker: "Reply text assistant to=functions.exec more",
  roleMarkerCase: "ASSISTANT  to = x1 tail",
  turnMarkers: "Hello\nuser:\nsystem :  \nassistant:\n\nbye",
  turnInline: "the user: said hi",
  turnTrailing: "ends with user:",
  manyBlank: "a\n\n\n\n\nb",
  mixed: "<think>x</think>\n\n\n\nuser:\n#+#+\nfinal text",
})) add(`sanitize/${id}`, t);

// markdown tables: the whole reply is re-rendered
const md = {
  simple: "| a | b |\n|---|---|\n| 1 | 2 |",
  dmContext: "ECHO:Conversation info (untrusted metadata):\n```json\n{\n  \"message_id\": \"1004\"\n}\n```\n\nSender (untrusted metadata):\n```json\n{\n  \"label\": \"+15550001111\"\n}\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |",
  aligned: "| Left | Center | Right |\n|:-----|:------:|------:|\n| l | c | r |\n| longer left | mid | 1 |",
  inlineCode: "| cmd | what |\n|---|---|\n| `ls -la` | list |\n| `a|b` | pipe in code |",
  escapedPipe: "| expr | value |\n|---|---|\n| a \\| b | yes |\n| c \\\\| d | odd |",
  inFence: "```\n| a | b |\n|---|---|\n| 1 | 2 |\n```",
  inFenceAndReal: "```md\n| x | y |\n|---|---|\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |",
  several: "| a |\n|---|\n| 1 |\n\ntext between\n\n| b | c |\n|---|---|\n| 2 | 3 |",
  noLeadingPipes: "a | b\n--|--\n1 | 2",
  singleColumn: "|a|\n|-|\n|1|",
  headerOnly: "| h1 | h2 |\n| --- | --- |",
  ragged: "| a | b | c |\n|---|---|---|\n| 1 |\n| 1 | 2 | 3 | 4 |",
  emptyCells: "| a | | c |\n|---|---|---|\n| | 2 | |",
  unicodeCells: "| name | emoji |\n|---|---|\n| Zoë | 👋🏽 |\n| 東京 | ✓ |",
  bold: "| **k** | _v_ |\n|---|---|\n| ~~s~~ | ***x*** |",
  links: "| site | ref |\n|---|---|\n| [home](https://example.com/a b) | [r][1] |\n\n[1]: <https://example.org/ü?x=1#f> \"t\"",
  headings: "# Title\n\nSome *intro* text.\n\n## Data\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nSetext\n======\n\nClosing **bold** words.",
  lists: "- one\n- two\n  - nested\n3. three\n4. four\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n* loose\n\n* list",
  fences: "```python\nprint('x')\n```\n\n~~~\ntilde\n~~~\n\n    indented code\n\n| a |\n|---|\n| 1 |",
  quote: "> quoted *line*\n> more\n>> nested\n\n| a |\n|---|\n| 1 |",
  hr: "above\n\n---\n\n| a |\n|---|\n| 1 |\n\n***\n\nbelow",
  entities: "&amp; &copy; &#x41; &#65; &nbsp;x &bogus; &#0;\n\n| e |\n|---|\n| &lt;b&gt; |",
  escapes: "\\*not em\\* \\# not heading \\\\ backslash \\q\n\n| a |\n|---|\n| \\_x\\_ |",
  images: "![alt *text*](https://x.test/i.png \"title\") and ![ref][img]\n\n[img]: /a.png\n\n| a |\n|---|\n| ![c](d.png) |",
  html: "<b>bold?</b> <br/> text\n\n<div>block</div>\n\n| a |\n|---|\n| <i>x</i> |",
  autolink: "<https://example.com> and https://bare.example.com\n\n| a |\n|---|\n| 1 |",
  hardBreaks: "line with two spaces  \nnext\\\nafter backslash\n\n| a |\n|---|\n| 1 |",
  strikeOdd: "~~~x~~~ and ~~y~~~ and ~z~\n\n| a |\n|---|\n| 1 |",
  emphasisEdge: "*a **b** c* __d__ _e_f_ **g*h** a*b*c\n\n| a |\n|---|\n| 1 |",
  codeSpans: "`` a ` b `` and ` x ` and `\nbroken`\n\n| a |\n|---|\n| 1 |",
  tableInList: "- item\n\n  | a | b |\n  |---|---|\n  | 1 | 2 |\n- next",
  tableInQuote: "> | a | b |\n> |---|---|\n> | 1 | 2 |",
  interrupt: "Paragraph line\n| a | b |\n|---|---|\n| 1 | 2 |\nafter row",
  notTable: "| a | b |\n|---||---|\n| 1 | 2 |",
  mismatch: "| a | b | c |\n|---|---|\n| 1 | 2 |",
  dashSpace: "| a |\n- -\n| 1 |",
  trailingText: "| a | b |\n|---|---|\n| 1 | 2 |\nplain line ends table?",
  wideTable: "| " + Array.from({ length: 8 }, (_, i) => `col${i}`).join(" | ") + " |\n|" + "---|".repeat(8) + "\n| " + Array.from({ length: 8 }, (_, i) => "v".repeat(i + 1)).join(" | ") + " |",
  refLinks: "[a] and [b][] and [c][d] and [missing]\n\n[a]: http://a.test\n[b]: <b b>\n[d]: /d 'title'\n\n| a |\n|---|\n| [a] |",
  linkEdge: "[x](javascript:alert(1)) [y](<>) [z]( /p \"t\" ) [w](http://münchen.de/ä)\n\n| a |\n|---|\n| 1 |",
  nestedEmphLink: "**[bold link](http://x.test)** _[it](y)_\n\n| a |\n|---|\n| 1 |",
  crlfTable: "| a | b |\r\n|---|---|\r\n| 1 | 2 |\r\n\r\ntext",
  tabs: "|\ta\t|\tb\t|\n|---|---|\n|\t1\t|\t2\t|",
  deepQuote: ">".repeat(120) + " deep\n\n| a |\n|---|\n| 1 |",
  numbered: "007. seven\n008. eight\n\n| a |\n|---|\n| 1 |",
  looseNested: "1. a\n\n   b\n2. c\n   - d\n\n     e\n\n| a |\n|---|\n| 1 |",
  orderedParen: "1) x\n2) y\n\n| a |\n|---|\n| 1 |",
  setextTable: "Title\n---\n| a |\n|---|\n| 1 |",
  fenceUnclosed: "| a |\n|---|\n| 1 |\n\n```\nnever closed",
  longTable: "| id | text |\n|---|---|\n" + Array.from({ length: 12 }, (_, i) => `| ${i} | row number ${i} (x) |`).join("\n"),
};
for (const [id, t] of Object.entries(md)) {
  for (const mode of ["code", "bullets", "off"]) add(`table/${id}/${mode}`, t, { tableMode: mode });
}
add("table/default-mode", md.simple);
// re-conversion per chunk: a code block split by chunking leaves table rows outside a fence
add("table/split-code/length", md.longTable, { chunkLimit: 60 });
add("table/split-code/newline", md.longTable + "\n\nafter", { chunkLimit: 60, chunkMode: "newline" });
add("table/split-fence-table", "```\n| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n```\n\n| c |\n|---|\n| 5 |", { chunkLimit: 30 });
add("table/split-bullets", md.longTable, { chunkLimit: 60, tableMode: "bullets" });

// random markdown documents built from snippets
const snippets = [
  "Plain words here.", "**bold** and _it_", "~~gone~~", "`code`", "[link](http://l.test/x)", "line  \nbreak",
  "- a\n- b", "1. one\n2. two", "> quote", "# H1", "### H3 ###", "```\nfence\n```", "---", "&amp;&#169;", "\\*esc\\*",
  "| x | y |\n|---|---|\n| 1 | 2 |", "| a |\n|:-:|\n| c |", "a | b\n-|-\nc | d", "![i](p.png)", "***strong em***",
  "trailing #+#+ sep", "<think>t</think>", "    indented", "* star\n\n* loose", "term\n===", "||", "| lone pipe",
];
for (let i = 0; i < 60 * STRESS; i++) {
  const n = 2 + Math.floor(rand() * 5);
  const parts = [];
  for (let j = 0; j < n; j++) parts.push(pick(snippets));
  const sep = pick(["\n\n", "\n", "\n\n\n"]);
  add(`random/${i}`, parts.join(sep), { tableMode: pick(["code", "code", "bullets"]), chunkLimit: pick([4000, 4000, 80, 33]), chunkMode: pick(["length", "newline"]) });
}

// random inline soup around a table: emphasis runs, escapes, entities, links, code spans, unicode
// punctuation next to delimiters, odd table rows
const inlineBits = [
  "*", "**", "***", "_", "__", "~", "~~", "~~~", "`", "``", "[", "]", "(", ")", "![", "<", ">", "&amp;", "&#x1F600;", "&#1234567;",
  "&nope;", "&NotANamedEntity;", "\\", "\\*", "\\|", "\\`", "|", "a", "word", "wörd", " ", "  ", "\t", "é", "👍", "，", "！", "。", "!", ".",
  "'", "\"", "http://x.y/z", "[l](u)", "[l](<a b> 'T')", "[r]", "[r][]", "<http://auto.link>", "x_y_z", "snake_case_name", "2*3*4",
  "(", "**bold**", "_it_", "`co|de`", "\u00a0", "\u2028", "ß", "İ", "ＡＢ",
];
const blockBits = ["\n", "\n", "\n\n", "\n\n", "\n# ", "\n- ", "\n1. ", "\n> ", "\n```\n", "\n~~~ x\n", "\n    ", "\n---\n", "\n  - ", "\n===\n", "\n[r]: http://r.test/ü\n"];
function inlineSoup(n) {
  let s = "";
  for (let i = 0; i < n; i++) s += rand() < 0.15 ? pick(blockBits) : pick(inlineBits);
  return s;
}
function randomTable() {
  const cols = 1 + Math.floor(rand() * 4);
  const align = () => pick(["---", ":--", "--:", ":-:", "-", " --- "]);
  const cell = () => {
    let c = "";
    const k = Math.floor(rand() * 4);
    for (let i = 0; i < k; i++) c += pick(inlineBits.filter((b) => b !== "|" && !b.includes("\n") && b !== "\u2028"));
    return c;
  };
  const row = (n) => (rand() < 0.7 ? "| " : "") + Array.from({ length: n }, cell).join(" | ") + (rand() < 0.7 ? " |" : "");
  const lines = ["| " + Array.from({ length: cols }, cell).join(" | ") + " |", "|" + Array.from({ length: cols }, align).join("|") + "|"];
  const rows = Math.floor(rand() * 4);
  for (let i = 0; i < rows; i++) lines.push(row(Math.max(1, cols + Math.floor(rand() * 3) - 1)));
  return lines.join("\n");
}
for (let i = 0; i < 200 * STRESS; i++) {
  const parts = [inlineSoup(Math.floor(rand() * 25)), randomTable()];
  if (rand() < 0.5) parts.push(inlineSoup(Math.floor(rand() * 25)));
  if (rand() < 0.3) parts.push(randomTable());
  const text = parts.join(pick(["\n\n", "\n", "\n\n\n"]));
  add(`soup/${i}`, text, { tableMode: pick(["code", "code", "bullets"]), chunkLimit: pick([4000, 4000, 4000, 50, 17]), chunkMode: pick(["length", "length", "newline"]) });
}

// random nested block structure: quotes, lists (bullets, ordered, loose, tabs), fences, indented
// code, headings, reference definitions and tables at any depth
function genBlocks(depth) {
  const out = [];
  const n = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < n; i++) {
    const k = rand();
    if (k < 0.2) out.push(inlineSoup(1 + Math.floor(rand() * 8)).replace(/\n/g, " ") + (rand() < 0.3 ? "\ncontinued " + pick(inlineBits) : ""));
    else if (k < 0.32) out.push(randomTable());
    else if (k < 0.4) out.push(pick(["```", "~~~", "````js"]) + "\n" + pick(["code | x", "| a |\n|---|", "  indented"]) + (rand() < 0.8 ? "\n" + pick(["```", "~~~", "````"]) : ""));
    else if (k < 0.46) out.push("    " + pick(["code", "| a |", "x\n    y"]));
    else if (k < 0.52) out.push(pick(["# ", "## ", "###### ", "####### "]) + pick(inlineBits) + pick(["", " ##", " #"]));
    else if (k < 0.56) out.push(pick(["---", "* * *", "___", "- - -"]));
    else if (k < 0.6) out.push(`[${pick(["r", "Ref", "a b", "ü"])}]: ${pick(["http://r.test/x", "<r s>", "/p 'T'", "/q\n  \"multi\""])}`);
    else if (k < 0.62) out.push(pick(["Setext\n===", "Two\nlines\n---", "<div>\nhtml-ish\n</div>"]));
    else if (depth < 4) {
      const inner = genBlocks(depth + 1);
      const kind = pick(["> ", ">", "- ", "* ", "1. ", "3) ", "\t- ", "  - "]);
      const lines = inner.split("\n");
      const cont = kind.startsWith(">") ? kind : " ".repeat(kind.replace("\t", "    ").length);
      out.push(lines.map((l, j) => (j === 0 ? kind : rand() < 0.15 ? "" : cont) + l).join("\n"));
      if (rand() < 0.4) out.push(kind + pick(inlineBits));
    }
  }
  return out.join(pick(["\n\n", "\n", "\n\n"]));
}
for (let i = 0; i < 150 * STRESS; i++) {
  let text = genBlocks(0);
  if (rand() < 0.8) text += "\n\n" + randomTable(); // a top-level table makes OpenClaw re-render it all
  add(`blocks/${i}`, text, { tableMode: pick(["code", "bullets"]), chunkLimit: pick([4000, 4000, 45]), chunkMode: pick(["length", "newline"]) });
}

// random directive soup: MEDIA lines, reply tags, tokens, tags and fences mixed
const directiveBits = [
  "MEDIA:", "MEDIA: ", "media:", `${WS}/doc.pdf`, `${WS}/notes.txt`, "./sub/rel.txt", "notes.txt", "\"", "'", "`", "NO_REPLY", "HEARTBEAT_OK",
  "[[reply_to_current]]", "[[reply_to:", "]]", "abc", "[[audio_as_voice]]", " ", "  ", "\n", "\n", "text", "```", "**", "<think>", "</think>",
  "<final>", "user:", "#+#+", "[[quick_replies: a, b]]", "I'll remind you", "file://", "~/", ")",
];
for (let i = 0; i < 100 * STRESS; i++) {
  let text = "";
  const n = 1 + Math.floor(rand() * 14);
  for (let j = 0; j < n; j++) text += pick(directiveBits);
  add(`directives/${i}`, text, { messageId: pick(["1001", undefined]), responsePrefix: pick([undefined, "[bot]"]), chunkLimit: pick([4000, 12]) });
}

// media
const M = (rel) => (rel.startsWith("/") ? rel : `${WS}/${rel}`);
for (const [id, t] of Object.entries({
  abs: `Here it is\nMEDIA:${M("doc.pdf")}`,
  onlyPdf: `MEDIA:${M("doc.pdf")}`,
  png: `MEDIA:${M("photo.png")}`,
  jpgCaption: `Photo:\nMEDIA: ${M("pic.jpg")}`,
  gif: `MEDIA:${M("anim.gif")}`,
  txt: `MEDIA:${M("notes.txt")}`,
  mp3: `MEDIA:${M("song.mp3")}`,
  mp4: `MEDIA:${M("clip.mp4")}`,
  blob: `MEDIA:${M("blob")}`,
  several: `Three files\nMEDIA:${M("doc.pdf")}\nMEDIA:${M("anim.gif")}\nmore text\nMEDIA:${M("notes.txt")}`,
  oneLineTwo: `MEDIA:${M("doc.pdf")} ${M("notes.txt")}`,
  relative: "MEDIA:./sub/rel.txt",
  relativeBare: "MEDIA:sub/rel.txt",
  bareName: "MEDIA:notes.txt",
  tilde: "MEDIA:~/outside.txt",
  fileUrl: `MEDIA:file://${M("notes.txt")}`,
  quotedSpaces: `MEDIA:"${M("my dir/a b.pdf")}"`,
  backticks: `MEDIA:\`${M("doc.pdf")}\``,
  unquotedSpaces: `MEDIA:${M("my dir/a b.pdf")}`,
  dup: `MEDIA:${M("doc.pdf")}\nMEDIA:./doc.pdf`,
  http: "MEDIA:https://example.invalid/x.png",
  notMedia: "MEDIA: not a path here",
  lowercase: `media:${M("doc.pdf")}`,
  indented: `  MEDIA:${M("doc.pdf")}  trailing words`,
  inFence: "```\nMEDIA:/x/y.png\n```\ntext",
  squeezed: `Para one\n\n\n  Para   two with   spaces\nMEDIA:${M("doc.pdf")}`,
  dataUrl: "MEDIA:data:image/png;base64,AAAA",
  missing: `MEDIA:${M("nope.pdf")}`,
  outsideRoots: `MEDIA:${HOME}/outside.txt`,
  mediaDir: `MEDIA:${STATE}/media/kept.txt`,
  captionTable: `| a | b |\n|---|---|\n| 1 | 2 |\nMEDIA:${M("doc.pdf")}`,
  longCaption: "c".repeat(50) + `\nMEDIA:${M("doc.pdf")}`,
  audioTag: `[[audio_as_voice]] voice note\nMEDIA:${M("song.mp3")}`,
  audioOnlyTag: "[[audio_as_voice]]",
  trailingJunk: `MEDIA:${M("doc.pdf")}), see above`,
})) add(`media/${id}`, t, /longCaption/.test(id) ? { chunkLimit: 20 } : undefined);
add("media/json", "caption text", undefined, [M("doc.pdf"), M("anim.gif")]);
add("media/jsonNoText", "", undefined, [M("notes.txt")]);
add("media/jsonBlank", "  ", undefined, [" ", M("notes.txt"), M("notes.txt")]);
add("media/jsonOverrides", `text\nMEDIA:${M("doc.pdf")}`, undefined, [M("notes.txt")]);
add("media/jsonRelative", "rel", undefined, ["sub/rel.txt"]);
add("media/replyTag", `[[reply_to_current]] with file\nMEDIA:${M("doc.pdf")}\nMEDIA:${M("notes.txt")}`, { messageId: "1004" });
add("media/group", `group file\nMEDIA:${M("doc.pdf")}`, { target: "chat_id:42", service: "sms", region: "CA" });

// reply tags
for (const [id, [t, opts]] of Object.entries({
  current: ["[[reply_to_current]] sure", { messageId: "1003" }],
  currentNoId: ["[[reply_to_current]] sure", {}],
  currentBlankId: ["[[reply_to_current]] sure", { messageId: "  " }],
  explicit: ["[[reply_to:G-777]] agreed", {}],
  explicitSpaces: ["[[ reply_to : abc def ]] text", {}],
  explicitCase: ["[[REPLY_TO:X1]] text", {}],
  middle: ["text [[reply_to:mid]] more", {}],
  end: ["text\n[[reply_to:end]]", {}],
  two: ["[[reply_to:first]] a [[reply_to:second]] b", {}],
  blankId: ["[[reply_to:   ]] blank", {}],
  newlineId: ["[[reply_to:abc\n]] x", {}],
  brackets: ["[[reply_to:a[b]]] x", {}],
  control: ["[[reply_to:\u0001ab\u007fc\u001f]] ctl", {}],
  long: [`[[reply_to:${"x".repeat(300)}]] long`, {}],
  emojiCut: [`[[reply_to:${"x".repeat(255)}😀tail]] cut`, {}],
  tagOnly: ["[[reply_to:only]]", {}],
  currentAndExplicit: ["[[reply_to_current]] [[reply_to:ex]] both", { messageId: "9" }],
  chunked: ["[[reply_to:c1]] " + "word ".repeat(10).trim(), { chunkLimit: 12 }],
  table: ["[[reply_to:t1]]\n| a | b |\n|---|---|\n| 1 | 2 |", {}],
  notATag: ["[[reply_to_currentx]] and [[reply-to:x]] stay", {}],
  spacing: ["a  \t b [[reply_to:z]]\n  c  ", {}],
  noReply: ["[[reply_to:q]] NO_REPLY", {}],
})) add(`replyTag/${id}`, t, opts);

// LINE directives (parsed for every channel)
for (const [id, t] of Object.entries({
  quick: "[[quick_replies: yes, no]] Pick one",
  quickOnly: "[[quick_replies: a, b]]",
  buttons: "Choose:\n[[buttons: Menu | Pick | A:a=1, B]]",
  confirmThenButtons: "[[confirm: Sure? | Yes | No]] [[buttons: T | B | x]] end",
  confirmShort: "[[confirm: only two | parts]] [[buttons: T | B | x]] end",
  location: "[[location: Home | Street 1 | 1.5 | 2.5]]\n\n\n\nThere",
  flexTwice: "[[media_player: Song | Artist]] [[event: Party | Today]] tail",
  eventShort: "[[event: only]] [[device: TV | tv | on]] tail",
  upper: "[[QUICK_REPLIES: a]] upper",
  unclosed: "[[quick_replies: a ] b]] keep",
})) add(`line/${id}`, t);

// reminder guard
for (const [id, t] of Object.entries({
  remind: "Sure, I'll remind you tomorrow.",
  will: "I will follow up next week",
  curly: "i’ll set a reminder for 5pm",
  makeSure: "I'll make sure to remember that.",
  ill: "Ill ping you",
  noun: "I'll reminder you",
  scheduleA: "I'll schedule a   reminder",
  already: "I'll remind you.\n\nNote: I did not schedule a reminder in this turn, so this will not trigger automatically.",
  embedded: "Nil'll remember",
  checkBack: "Okay — I'll\ncheck back later",
  withMedia: `I'll remind you\nMEDIA:${M("doc.pdf")}`,
})) add(`reminder/${id}`, t);

// targets, service and region
add("target/group", "group hello", { target: "chat_id:42" });
add("target/groupService", "group hello", { target: "chat_id:42", service: "sms", region: " " });
add("target/dmService", "dm hello", { target: "imessage:+15550001111", service: "sms", region: "GB" });
add("target/smsHandle", "sms hello", { target: "sms:+15550001111" });
add("target/email", "mail", { target: "imessage:User@Example.com" });

// ---- run ----------------------------------------------------------------------------------------
const out = fs.createWriteStream(OUT);
for (const c of cases) {
  let rec;
  try {
    rec = await runCase(c);
  } catch (err) {
    rec = { crash: String(err?.stack ?? err) };
  }
  out.write(JSON.stringify({ id: c.id, in: { text: c.text, ...(c.media ? { media: c.media } : {}), ...(c.opts ? { opts: c.opts } : {}) }, out: rec }) + "\n");
}
await new Promise((r) => out.end(r));
process.stderr.write(`recorded ${cases.length} cases\n`);
