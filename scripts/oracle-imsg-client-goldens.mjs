// Records what OpenClaw 2026.3.24's own imsg RPC client and probe answer for the cases in
// runtime/imsg/testdata/client-cases.jsonl. Run through scripts/oracle-imsg-client-goldens.sh.
//
//   node oracle-imsg-client-goldens.mjs CASES.jsonl > GOLDEN.jsonl
//
// IMessageRpcClient, probeRpcSupport, rpcSupportCache and probeIMessage are module-private in
// dist/imessage-*.js; a module load hook appends an export for them, in memory (the technique of
// /work/shared/oracle/runtime-oracle.mjs). Nothing from OpenClaw is copied.
//
// Case kinds (each runs a real child process, a small /bin/sh script):
//   stream  the script waits for `requests` request lines, writes the case's stdout bytes and
//           stderr text, then exits with `exit` or kills itself with `signal`. The real client
//           (with no request timeout) has issued requests m1..mK (ids 1..K) first. Recorded: each
//           request's outcome, the notifications in order, every runtime.error line, and any
//           exception handleLine threw (OpenClaw's gateway would exit on it).
//   help    the script answers `rpc --help` with the case's stdout/stderr and exit code (or
//           hangs); probeRpcSupport(script, 300 ms) with an empty cache is recorded.
//   probe   probeIMessage(500, {cliPath}) where the script answers `rpc --help` (help_stdout,
//           help_exit) and, as `rpc`, reads one request, writes `reply`, then exits or hangs.
//           `cli` replaces the script path (<DIR> is the case's temp dir).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import module from "node:module";
import { pathToFileURL } from "node:url";

const [casesPath] = process.argv.slice(2);
const ORACLE_ROOT = process.env.ORACLE_ROOT || path.join(os.homedir(), ".cache/openclaw-oracle");
const VERSION = process.env.OPENCLAW_VERSION || "2026.3.24";
const DIST = path.join(ORACLE_ROOT, `npm-${VERSION}/node_modules/openclaw/dist`);

// Sandbox HOME/state before OpenClaw loads; keep VITEST unset (the client refuses to start under it).
const sandbox = fs.mkdtempSync(path.join(os.tmpdir(), "oc-imsg-client-"));
process.env.HOME = sandbox;
process.env.OPENCLAW_STATE_DIR = path.join(sandbox, "state");
process.env.OPENCLAW_CONFIG_PATH = path.join(sandbox, "unused.json5");
delete process.env.VITEST;
process.on("exit", () => fs.rmSync(sandbox, { recursive: true, force: true }));
for (const k of ["log", "info", "warn", "debug", "error"]) console[k] = (...a) => process.stderr.write(a.map(String).join(" ") + "\n");

const NAMES = ["IMessageRpcClient", "probeRpcSupport", "rpcSupportCache", "probeIMessage"];
const chunk = fs.readdirSync(DIST).filter((f) => /^imessage-[\w-]+\.js$/.test(f)).map((f) => path.join(DIST, f))
  .find((f) => /var IMessageRpcClient = class/.test(fs.readFileSync(f, "utf8")));
if (!chunk) throw new Error(`IMessageRpcClient not found in ${DIST}`);
const chunkURL = pathToFileURL(chunk).href;
module.registerHooks({
  load(url, context, nextLoad) {
    const r = nextLoad(url, context);
    if (url !== chunkURL) return r;
    return { ...r, format: "module", source: String(r.source) + `\nexport { ${NAMES.map((n) => `${n} as __oracle_${n}`).join(", ")} };\n` };
  },
});
const mod = await import(chunkURL);
const oc = Object.fromEntries(NAMES.map((n) => [n, mod[`__oracle_${n}`]]));

const sh = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
function script(dir, body) {
  const p = path.join(dir, "imsg");
  fs.writeFileSync(p, `#!/bin/sh\n${body}\n`);
  fs.chmodSync(p, 0o755);
  return p;
}
const caseDir = () => fs.mkdtempSync(path.join(sandbox, "case-"));

function stdoutBytes(c) {
  if (c.stdout_b64 !== undefined) return Buffer.from(c.stdout_b64, "base64");
  if (c.stdout !== undefined) return Buffer.from(c.stdout, "utf8");
  return Buffer.from((c.lines ?? []).map((l) => l + "\n").join(""), "utf8");
}

async function runStream(c) {
  const dir = caseDir();
  fs.writeFileSync(path.join(dir, "out.bin"), stdoutBytes(c));
  fs.writeFileSync(path.join(dir, "err.bin"), c.stderr ?? "");
  const k = c.requests ?? 0;
  const end = c.signal ? `kill -${c.signal} $$` : `exit ${c.exit ?? 0}`;
  const cli = script(dir, `${k > 0 ? `head -n ${k} >/dev/null\n` : ""}cat ${sh(path.join(dir, "out.bin"))}\ncat ${sh(path.join(dir, "err.bin"))} >&2\n${end}`);
  const logs = [], notifications = [], throws = [];
  const client = new oc.IMessageRpcClient({
    cliPath: cli,
    runtime: { error: (s) => logs.push(String(s)), log: () => {} },
    onNotification: (n) => {
      const e = { method: n.method };
      if (n.params === undefined) e.paramsUndefined = true;
      else e.params = n.params;
      notifications.push(e);
    },
  });
  const handleLine = client.handleLine.bind(client);
  client.handleLine = (line) => {
    try {
      handleLine(line);
    } catch (err) {
      throws.push(`${err.name}: ${err.message}`);
    }
  };
  await client.start();
  const calls = [];
  for (let i = 1; i <= k; i++) {
    calls.push(client.request(`m${i}`, {}, { timeoutMs: 0 }).then(
      (v) => (v === undefined ? { ok: true, result: null, undefined: true } : { ok: true, result: v }),
      (err) => ({ ok: false, error: err.message }),
    ));
  }
  await client.waitForClose();
  const result = { calls: await Promise.all(calls), notifications, logs };
  if (throws.length) result.throws = throws;
  await client.stop();
  return result;
}

async function runHelp(c) {
  const dir = caseDir();
  fs.writeFileSync(path.join(dir, "out.txt"), c.stdout ?? "");
  fs.writeFileSync(path.join(dir, "err.txt"), c.stderr ?? "");
  const end = c.hang ? "exec sleep 30" : `exit ${c.exit ?? 0}`;
  const cli = script(dir, `cat ${sh(path.join(dir, "out.txt"))}\ncat ${sh(path.join(dir, "err.txt"))} >&2\n${end}`);
  oc.rpcSupportCache.clear();
  const r = await oc.probeRpcSupport(cli, 300);
  return { supported: r.supported, fatal: r.fatal ?? false, error: r.error ?? null };
}

async function runProbe(c) {
  const dir = caseDir();
  fs.writeFileSync(path.join(dir, "help.txt"), c.help_stdout ?? "");
  fs.writeFileSync(path.join(dir, "reply.txt"), c.reply === undefined ? "" : c.reply + "\n");
  const end = c.rpc_hang ? "exec sleep 30" : `exit ${c.rpc_exit ?? 0}`;
  let cli = script(dir, [
    `if [ "$2" = "--help" ]; then cat ${sh(path.join(dir, "help.txt"))}; exit ${c.help_exit ?? 0}; fi`,
    `read line`,
    `cat ${sh(path.join(dir, "reply.txt"))}`,
    end,
  ].join("\n"));
  if (c.cli) cli = c.cli.replaceAll("<DIR>", dir);
  oc.rpcSupportCache.clear();
  const r = await oc.probeIMessage(500, { cliPath: cli, runtime: { error: () => {}, log: () => {} } });
  return { ok: r.ok, fatal: r.fatal ?? false, error: r.error === undefined ? null : r.error.replaceAll(dir, "<DIR>") };
}

// Readable, byte-stable JSON: invisible and format characters as \u escapes.
const escapeInvisible = (s) => s.replace(/[\u007f-\u00a0\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb]/g,
  (ch) => "\\u" + ch.charCodeAt(0).toString(16).padStart(4, "0"));

const lines = fs.readFileSync(casesPath, "utf8").split("\n"); // not readline: it would split at U+2028
const seen = new Set();
for (const [n, raw] of lines.entries()) {
  const s = raw.trim();
  if (!s || s.startsWith("//")) continue;
  const c = JSON.parse(s);
  if (seen.has(c.id)) throw new Error(`line ${n + 1}: duplicate id ${c.id}`);
  seen.add(c.id);
  const run = { stream: runStream, help: runHelp, probe: runProbe }[c.kind];
  if (!run) throw new Error(`line ${n + 1}: unknown kind ${c.kind}`);
  const result = await run(c);
  process.stdout.write(escapeInvisible(JSON.stringify({ ...c, result })) + "\n");
}
process.exit(0);
