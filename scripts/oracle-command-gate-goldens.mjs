// Records which messages OpenClaw 2026.3.24's command handlers swallow for a sender NOT authorised
// for commands (driven by scripts/oracle-command-gate-goldens.sh; see there). Run with Node 24:
//   node oracle-command-gate-goldens.mjs OPENCLAW_DIR OUT.jsonl
//
// For each case this calls OpenClaw's own functions as getReplyFromConfig does for an iMessage turn
// (module-private ones are reached by appending an export to their chunk at load time):
//   stripStructuralPrefixes(BodyForCommands).trim()      initSessionState's triggerBodyNormalized
//   buildCommandContext({..., commandAuthorized: false})  stripMentions in groups, normalizeCommandBody
//   the gate of handleInlineActions                      handleCommands runs only for a body starting with "/"
//   handleCommands(...)                                   the reset check, then every built-in handler
// and writes what came out: "swallow" (shouldContinue false, no reply: no agent run, nothing sent),
// "reply" (a fixed reply to the unauthorised sender) or "continue" (the agent runs), with the verbose
// log lines OpenClaw wrote. Skill commands (workspace skills) are not part of it: they depend on the
// host's skills.
import fs from "node:fs";
import path from "node:path";
import { indexDist, importPrivate } from "./lib/dist.mjs";

const [OPENCLAW_DIR, OUT] = process.argv.slice(2);
if (!OPENCLAW_DIR || !OUT) {
  process.stderr.write("usage: node oracle-command-gate-goldens.mjs OPENCLAW_DIR OUT.jsonl\n");
  process.exit(2);
}
const DIST = path.join(OPENCLAW_DIR, "dist");
const ROOT = fs.mkdtempSync("/tmp/openclawcfg-command-gate-");
process.env.HOME = `${ROOT}/home`;
process.env.OPENCLAW_STATE_DIR = `${ROOT}/state`;
process.env.OPENCLAW_CONFIG_PATH = `${ROOT}/openclaw.json`;
process.env.NO_COLOR = "1";
process.env.FORCE_COLOR = "0";
process.env.TZ = "UTC";
delete process.env.OPENCLAW_PROFILE;
fs.mkdirSync(process.env.HOME, { recursive: true });
fs.writeFileSync(process.env.OPENCLAW_CONFIG_PATH, "{}\n");
process.on("exit", () => fs.rmSync(ROOT, { recursive: true, force: true }));
// logVerbose writes to console.log when verbose is on: those lines are the record.
let logs = [];
console.log = (...a) => logs.push(a.map(String).join(" ").replace(/\x1b\[[0-9;]*m/g, ""));
for (const k of ["info", "warn", "debug", "error"]) console[k] = () => {};

const dist = indexDist(DIST);
const { files, src, definingFile } = dist;
const want = {
  stripStructuralPrefixes: definingFile("stripStructuralPrefixes"),
  buildCommandContext: definingFile("buildCommandContext"),
  handleCommands: definingFile("handleCommands"),
  setVerbose: definingFile("setVerbose"),
  setRuntimeConfigSnapshot: definingFile("setRuntimeConfigSnapshot"),
  createEmptyPluginRegistry: definingFile("createEmptyPluginRegistry"),
  setActivePluginRegistry: definingFile("setActivePluginRegistry"),
  imessagePlugin: files.find((f) => /^const imessagePlugin = /m.test(src.get(f))),
};
dist.release();
const oc = await importPrivate(want, "__gate");
const version = JSON.parse(fs.readFileSync(path.join(OPENCLAW_DIR, "package.json"), "utf8")).version;
if (version !== "2026.3.24") throw new Error(`openclaw ${version}, want 2026.3.24`);
// The gateway runs with the bundled iMessage channel plugin registered (sender normalisation,
// mention stripping look it up).
const registry = oc.createEmptyPluginRegistry();
registry.channels.push({ pluginId: "imessage", plugin: oc.imessagePlugin, source: "bundled" });
oc.setActivePluginRegistry(registry, "oracle-command-gate-goldens");
oc.setVerbose(true);

async function runCase(c) {
  const group = Boolean(c.group);
  const sender = c.sender ?? "+15550003333";
  const im = { dmPolicy: "open", allowFrom: ["*"] };
  if (group) Object.assign(im, { groupPolicy: "open", groupAllowFrom: ["+15550001111"], groups: { "42": { requireMention: true } } });
  const cfg = { channels: { imessage: im } };
  if (c.patterns) cfg.messages = { groupChat: { mentionPatterns: c.patterns } };
  if (c.commands) cfg.commands = c.commands;
  oc.setRuntimeConfigSnapshot(cfg);
  const ctx = {
    Body: c.text,
    BodyForAgent: c.text,
    RawBody: c.text,
    CommandBody: c.text,
    BodyForCommands: c.text,
    From: group ? "imessage:group:42" : `imessage:${sender}`,
    To: group ? "chat_id:42" : `imessage:${sender}`,
    SessionKey: group ? "agent:main:imessage:group:42" : "agent:main:main",
    AccountId: "default",
    ChatType: group ? "group" : "direct",
    SenderId: sender,
    SenderName: sender,
    Provider: "imessage",
    Surface: "imessage",
    OriginatingChannel: "imessage",
    OriginatingTo: group ? "chat_id:42" : `imessage:${sender}`,
    MessageSid: "1002",
    WasMentioned: group,
    CommandAuthorized: false,
  };
  const trigger = oc.stripStructuralPrefixes(ctx.BodyForCommands).trim();
  const command = oc.buildCommandContext({ ctx, cfg, agentId: "main", sessionKey: ctx.SessionKey, isGroup: group, triggerBodyNormalized: trigger, commandAuthorized: false });
  if (command.isAuthorizedSender) throw new Error(`${c.id}: sender authorised`);
  const out = { trigger, body: command.commandBodyNormalized };
  logs = [];
  if (!command.commandBodyNormalized.trim().startsWith("/")) {
    out.outcome = "continue";
    return out;
  }
  const r = await oc.handleCommands({
    ctx,
    rootCtx: ctx,
    cfg,
    command,
    agentId: "main",
    directives: { hasStatusDirective: false, cleaned: trigger },
    elevated: { enabled: false, allowed: false, failures: [] },
    sessionKey: ctx.SessionKey,
    workspaceDir: `${ROOT}/state/workspace`,
    defaultGroupActivation: () => "mention",
    resolvedVerboseLevel: "off",
    resolvedReasoningLevel: "off",
    resolveDefaultThinkingLevel: async () => "off",
    provider: "echo",
    model: "echo-1",
    contextTokens: 128000,
    isGroup: group,
    skillCommands: [],
    typing: { cleanup() {}, startTypingLoop: async () => {} },
  });
  out.outcome = r.shouldContinue ? "continue" : r.reply ? "reply" : "swallow";
  if (r.reply) out.reply = r.reply.text ?? null;
  if (logs.length) out.log = logs;
  return out;
}

// ---- cases --------------------------------------------------------------------------------------
const cases = [];
const add = (id, text, opts = {}) => {
  if (cases.some((c) => c.id === id)) throw new Error(`duplicate case ${id}`);
  cases.push({ id, text, ...opts });
};
const MENTION = ["@openclaw"];
// Every built-in command and alias (the chat command table), bare and with an argument.
const commands = [
  "/help", "/commands", "/tools", "/skill", "/status", "/allowlist", "/approve", "/context", "/btw", "/export-session",
  "/export", "/tts", "/whoami", "/id", "/session", "/subagents", "/acp", "/focus", "/unfocus", "/agents", "/kill",
  "/steer", "/tell", "/config", "/mcp", "/plugins", "/plugin", "/debug", "/usage", "/stop", "/restart", "/activation",
  "/send", "/reset", "/new", "/compact", "/think", "/thinking", "/t", "/verbose", "/v", "/fast", "/reasoning",
  "/reason", "/elevated", "/elev", "/exec", "/model", "/models", "/queue", "/bash", "/dock-telegram", "/dock_discord",
];
for (const cmd of commands) {
  add(`dm${cmd}`, cmd);
  add(`dm${cmd}/arg`, `${cmd} on`);
  add(`group${cmd}`, cmd, { group: true, patterns: MENTION });
  add(`group${cmd}/mention`, `@openclaw ${cmd}`, { group: true, patterns: MENTION });
  add(`group${cmd}/mention-arg`, `@openclaw ${cmd} x`, { group: true, patterns: MENTION });
  add(`group${cmd}/mention-after`, `${cmd} @openclaw`, { group: true, patterns: MENTION });
  add(`group${cmd}/upper`, `@OpenClaw ${cmd.toUpperCase()}`, { group: true, patterns: MENTION });
  add(`group${cmd}/colon`, `@openclaw ${cmd}: x`, { group: true, patterns: MENTION });
  add(`group${cmd}/suffix`, `@openclaw ${cmd}x`, { group: true, patterns: MENTION });
  add(`group${cmd}/inline`, `@openclaw please ${cmd} now`, { group: true, patterns: MENTION });
}
// Argument shapes the handlers parse themselves.
for (const [id, text] of Object.entries({
  "tools-compact": "/tools compact",
  "tools-verbose": "/tools verbose",
  "tools-bad": "/tools all",
  "tools-upper": "/TOOLS verbose",
  "allowlist-list": "/allowlist list group",
  "allowlist-add": "/allowlist add +15551234567",
  "allowlist-add-empty": "/allowlist add",
  "allowlist-remove-empty": "/allowlist remove --store",
  "allowlist-glued": "/allowlistx",
  "approve-ok": "/approve abc allow-once",
  "approve-usage": "/approve abc",
  "approve-foreign": "/approve@otherbot abc deny",
  "approve-glued": "/approvex",
  "activation-mode": "/activation always",
  "activation-bad": "/activation sometimes please",
  "send-on": "/send on",
  "send-bad": "/send on now",
  "session-idle": "/session idle 10m",
  "session-glued": "/sessionx",
  "subagents-list": "/subagents list",
  "kill-all": "/kill all",
  "killer": "/killer",
  "agentsfoo": "/agentsfoo",
  "acpx": "/acpx",
  "mcp-glued": "/mcpserver",
  "config-glued": "/configure",
  "debug-set": "/debug set a=1",
  "plugins-glued": "/pluginsx",
  "plugin-list": "/plugin list x",
  "models-glued": "/modelsx",
  "models-upper": "/MODELS",
  "compact-glued": "/compactx",
  "context-list": "/context list",
  "export-path": "/export out.html",
  "btw-q": "/btw what is this",
  "btw-colon": "/btw: what",
  "fast-status": "/fast status",
  "usage-cost": "/usage cost",
  "tts-audio": "/tts audio hello",
  "tts-glued": "/ttsx",
  "reset-tail": "/reset start over",
  "new-upper": "/NEW hello",
  "bash-cmd": "/bash ls",
  "bang": "!ls",
  "status-please": "/status please",
  "status-colon": "/status:",
  "status-spaced-colon": "/status : x",
  "whoami-id-arg": "/id me",
  "restart-arg": "/restart now",
  "stop-arg": "/stop now",
  "stop-word": "stop",
  "unknown": "/unknowncmd",
  "slash-only": "/",
  "slash-space": "/ status",
  "plain": "hello there",
  "url": "see https://x.test/status",
})) {
  add(`dm/${id}`, text);
  add(`group/${id}`, `@openclaw ${text}`, { group: true, patterns: MENTION });
}
// What turns a message into the command body: structural prefixes, lines, mentions, phone numbers.
for (const [id, text] of Object.entries({
  "bracket-prefix": "[Alice] /status",
  "brackets-inside": "/status [x] y",
  "bracket-nested": "[a [b] c] /help",
  "bracket-newline": "[a\nb] /help",
  "label-prefix": "Note: /status",
  "label-prefix-parens": "Alice (mobile): /whoami",
  "label-prefix-tab": "\tNote: /status",
  "label-prefix-tab-only": "\t: /status",
  "label-prefix-space-only": "  : /status",
  "label-second-line": "/help\nNote: /status",
  "label-colon-no-space": "x:/status",
  "label-unicode": "Zoë: /status",
  "label-url": "https://x.test/status",
  "newline-tail": "/status\nmore",
  "newline-lead": "\n\n/status\n",
  "crlf": "/status\r\n",
  "literal-backslash-n": "/status\\nmore",
  "literal-backslash-n-only": "/help\\n",
  "marker": "old stuff [Current message - respond to this] /whoami",
  "marker-twice": "[Current message - respond to this] a [Current message - respond to this] /help",
  "nbsp": "\u00a0/status\u00a0",
  "ideographic-space": "/new\u3000hello",
  "line-sep": "/help\u2028x",
  "zero-width": "\u200b/status",
  "emoji-prefix": "👋 /status",
  "phone-mention": "@15551234567 /status",
  "phone-mention-short": "@1234 /status",
  "phone-mention-plus": "@+15551234567/status",
  "phone-mention-glued": "x@15551234567 /help",
})) {
  add(`dm/shape/${id}`, text);
  add(`group/shape/${id}`, text, { group: true, patterns: MENTION });
  add(`group/shape/${id}/mention`, `@openclaw ${text}`, { group: true, patterns: MENTION });
}
// Mention patterns: regex features, several patterns, overlapping and empty matches.
for (const [id, [patterns, text]] of Object.entries({
  "word-boundary": [["\\bclawd\\b"], "clawd /status"],
  "word-boundary-glued": [["\\bclawd\\b"], "clawdy /status"],
  "case": [["@OpenClaw"], "@OPENCLAW /help"],
  "twice": [["@openclaw"], "@openclaw @openclaw /help"],
  "between": [["@openclaw"], "/help @openclaw"],
  "glued": [["@openclaw"], "@openclaw/status"],
  "several": [["@openclaw", "hey\\s+bot"], "hey   bot @openclaw /whoami"],
  "order": [["bot", "@openclaw"], "@openclaw /status"],
  "alternation": [["claw|bot"], "bot, /status"],
  "anchored": [["^hey"], "hey /status"],
  "anchored-not-start": [["^hey"], "/status hey"],
  "lookbehind": [["(?<=@)openclaw"], "@openclaw /status"],
  "lookahead": [["claw(?=d)"], "clawd /status"],
  "lazy": [["@o.*?w"], "@openclaw /status"],
  "greedy": [["@o.*w"], "@openclaw /status now"],
  "group": [["(@)(openclaw)"], "@openclaw /status"],
  "named-group": [["(?<at>@)openclaw"], "@openclaw /status"],
  "backreference": [["(a)\\1"], "aa /status"],
  "octal-escape": [["x\\1"], "x\u0001 /status"],
  "octal-after-group": [["(a)\\2"], "a\u0002 /status"],
  "octal-three-digits": [["(a)\\2010"], "a\u00810 /status"],
  "identity-nine": [["(a)(b)(c)(d)(e)(f)(g)(h)\\9"], "abcdefgh9 /status"],
  "class-escape": [["[\\1]x"], "\u0001x /status"],
  "empty-match": [["z*"], "/status"],
  "empty-match-text": [["z*"], "a /help"],
  "optional": [["@?openclaw"], "openclaw /status"],
  "class": [["[@#]claw"], "#claw /help"],
  "unicode": [["ö"], "Ö /status"],
  "emoji": [["🦞"], "🦞 /status"],
  "dot-astral": [["x."], "x🦞 /status"],
  "slash-in-pattern": [["claw/bot"], "claw/bot /status"],
  "newline-pattern": [["a\\nb"], "a\nb /status"],
  "dollar": [["bot$"], "/status bot"],
  "unsafe-nested": [["(a+)+"], "aaa /status"],
  "invalid": [["(unclosed"], "(unclosed /status"],
  "blank": [["  "], "  /status"],
  "no-patterns": [[], "@openclaw /status"],
  "backspace": [["\bclaw\b"], "claw /status"],
})) add(`mentions/${id}`, text, { group: true, patterns });
// Sender ids as OpenClaw's log shows them (normalised, or hashed by rejectUnauthorizedCommand).
for (const [id, sender] of Object.entries({ email: "Bob@Example.COM", prefixed: "imessage:+15550003333", spaced: " +15550003333 " })) {
  add(`sender/${id}/status`, "@openclaw /status", { group: true, patterns: MENTION, sender });
  add(`sender/${id}/btw`, "@openclaw /btw hi", { group: true, patterns: MENTION, sender });
}
// Flags that change the command table (a disabled /config is still swallowed: the handler checks the
// sender first).
add("flags/config-on", "@openclaw /config show", { group: true, patterns: MENTION, commands: { config: true } });
add("flags/bash-on", "@openclaw /bash ls", { group: true, patterns: MENTION, commands: { bash: true } });

// ---- run ----------------------------------------------------------------------------------------
const out = fs.createWriteStream(OUT);
for (const c of cases) {
  let rec;
  try {
    rec = await runCase(c);
  } catch (err) {
    rec = { crash: String(err?.stack ?? err) };
  }
  const { id, ...input } = c;
  out.write(JSON.stringify({ id, in: input, out: rec }) + "\n");
}
await new Promise((r) => out.end(r));
process.stderr.write(`recorded ${cases.length} cases\n`);
