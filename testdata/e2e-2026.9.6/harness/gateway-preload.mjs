// Preloaded into the OpenClaw gateway process by run-scenario.mjs (node --import this file).
//
// e2e-2026.9.6 copy of /work/shared/oracle/runtime-e2e/gateway-preload.mjs. Changed: the taps find
// 2026.9.6's markers in @openclaw/imessage's monitor chunk (handleMessageNow in
// dist/.setup/monitor-*.mjs), one more read-only tap ("stale": a row suppressed as stale backlog), and
// the "dispatched" tap is a .finally() on runChannelInboundEvent(), which replaced dispatchInboundMessage.
//
// 1. Loopback guard (always on). Refuses any outgoing TCP/TLS connection or UDP datagram to a
//    non-loopback address, before any DNS lookup happens, and says so on stderr. The run is normally
//    also inside a network namespace that only has `lo` (record.sh uses `unshare -rn` when it can);
//    the guard is the second fence for machines where that is not allowed. Known callers it stops:
//    the model-pricing bootstrap (fetches openrouter.ai at gateway start; it logs "pricing bootstrap
//    failed" and carries on).
//
// 2. Observation taps (E2E_TRACE_FILE set; run-scenario.mjs --no-trace turns them off). A module load
//    hook inserts four one-line calls into OpenClaw's iMessage monitor chunk, in memory only:
//      - after resolveIMessageInboundDecision(): {type:"decision", accountId, message, decision}
//      - when a dispatch is dropped by the echo-loop rate limiter: {type:"rate-limited", ...}
//      - just before dispatchInboundMessage(): {type:"ctx", accountId, ctx}  (the finalized context)
//      - when dispatchInboundMessage() has returned (replies delivered): {type:"dispatched", ...}
//    run-scenario.mjs also reads them live to know when OpenClaw has finished with a message.
//    They only read values (JSON-serialised to the trace file); nothing is changed or skipped. If a
//    marker is not found (another release), that tap is skipped with a warning.

import fs from "node:fs";
import module from "node:module";
import net from "node:net";
import dgram from "node:dgram";

const isLoopbackHost = (h) => {
  if (h === undefined || h === null || h === "") return true; // node defaults to localhost
  const s = String(h).replace(/^\[|\]$/g, "").toLowerCase();
  return s === "localhost" || s === "::1" || /^127\./.test(s) || /^::ffff:127\./.test(s) || s === "0:0:0:0:0:0:0:1";
};
const blocked = (what) => {
  try {
    process.stderr.write(`[e2e loopback-guard] blocked ${what}\n`);
  } catch {}
};

const origConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  let a0 = args[0];
  if (Array.isArray(a0)) a0 = a0[0]; // node's internal normalized [options, cb]
  let host;
  let isPath = false;
  if (a0 && typeof a0 === "object") {
    if (a0.path) isPath = true;
    host = a0.host;
  } else if (typeof a0 === "string" && !/^\d+$/.test(a0)) {
    isPath = true;
  } else if (typeof args[1] === "string") {
    host = args[1];
  }
  if (!isPath && !isLoopbackHost(host)) {
    blocked(`connect to ${host}:${a0?.port ?? ""}`);
    const err = Object.assign(new Error(`e2e loopback guard: connection to ${host} refused`), { code: "ECONNREFUSED" });
    process.nextTick(() => this.destroy(err));
    return this;
  }
  return origConnect.apply(this, args);
};

const origSend = dgram.Socket.prototype.send;
dgram.Socket.prototype.send = function guardedSend(...args) {
  const addr = args.find((x, i) => i > 0 && typeof x === "string");
  if (!isLoopbackHost(addr)) {
    blocked(`udp send to ${addr}`);
    const cb = args.find((x) => typeof x === "function");
    if (cb) process.nextTick(() => cb(new Error("e2e loopback guard: udp refused")));
    return;
  }
  return origSend.apply(this, args);
};

const TRACE = process.env.E2E_TRACE_FILE;
if (TRACE) {
  // JSON with Maps as objects, functions dropped, and only true cycles cut (shared references are
  // written out in full: e.g. ctx.MediaUrls is the same array as ctx.MediaPaths).
  const plain = (x, stack) => {
    if (typeof x === "bigint") return String(x);
    if (typeof x === "function" || typeof x === "symbol") return undefined;
    if (!x || typeof x !== "object") return x;
    if (typeof x.toJSON === "function") return plain(x.toJSON(), stack);
    if (stack.includes(x)) return "[circular]";
    stack.push(x);
    let out;
    if (Array.isArray(x)) out = x.map((v) => (v === undefined ? null : plain(v, stack)));
    else {
      out = {};
      for (const [k, v] of x instanceof Map ? x.entries() : Object.entries(x)) {
        const pv = plain(v, stack);
        if (pv !== undefined) out[k] = pv;
      }
    }
    stack.pop();
    return out;
  };
  const safe = (v) => JSON.stringify(plain(v, []));
  globalThis.__ocE2eTrace = (type, data) => {
    try {
      fs.appendFileSync(TRACE, safe({ type, t: Date.now(), ...data }) + "\n");
    } catch (err) {
      process.stderr.write(`[e2e trace] ${err}\n`);
    }
  };
  const MARK = "//#region extensions/imessage/src/monitor/monitor-provider.ts";
  // OpenClaw 2026.9.6: the monitor lives in @openclaw/imessage's dist/.setup/monitor-*.mjs (same region
  // marker); handleMessageNow() decides, drops, rate-limits and hands the turn to runChannelInboundEvent().
  const TAPS = [
    {
      name: "decision",
      find: 'const senderForKey = (message.sender ?? "").trim();',
      insert: 'globalThis.__ocE2eTrace?.("decision", { accountId: accountInfo.accountId, message, decision });\n\t\t',
    },
    {
      name: "rate-limited",
      find: "if (!loggedThrottledDropDiagnostics.check(`${rateLimitKey}:rate-limited`)) {",
      insert: 'globalThis.__ocE2eTrace?.("rate-limited", { accountId: accountInfo.accountId, message, conversationKey: rateLimitKey });\n\t\t\t',
    },
    {
      name: "stale",
      find: "staleBacklogSuppressed += 1;",
      insert: 'globalThis.__ocE2eTrace?.("stale", { accountId: accountInfo.accountId, message, isRecoveryReplay, staleThresholdMs });\n\t\t',
    },
    {
      name: "ctx",
      find: "await runChannelInboundEvent({",
      insert: 'globalThis.__ocE2eTrace?.("ctx", { accountId: accountInfo.accountId, ctx: ctxPayload });\n\t\t',
    },
    {
      // .finally() with a tracer that cannot throw passes the awaited value or rejection through unchanged.
      name: "dispatched",
      find: "\t\t});\n\t}\n\tconst suppressStaleIngress = (message, receivedAt, provenance) => {",
      replace: '\t\t}).finally(() => globalThis.__ocE2eTrace?.("dispatched", { accountId: accountInfo.accountId, messageSid: ctxPayload.MessageSid }));\n\t}\n\tconst suppressStaleIngress = (message, receivedAt, provenance) => {',
    },
  ];
  module.registerHooks({
    load(url, context, nextLoad) {
      const r = nextLoad(url, context);
      if (!url.startsWith("file:") || !url.includes("/dist/") || r.source == null) return r;
      let src = String(r.source);
      if (!src.includes(MARK)) return r;
      for (const tap of TAPS) {
        const i = src.indexOf(tap.find);
        if (i < 0 || src.indexOf(tap.find, i + 1) >= 0) {
          process.stderr.write(`[e2e trace] tap ${tap.name}: marker not found once in ${url}; tap skipped\n`);
          continue;
        }
        src = tap.replace !== undefined ? src.slice(0, i) + tap.replace + src.slice(i + tap.find.length) : src.slice(0, i) + tap.insert + src.slice(i);
      }
      return { ...r, format: r.format ?? "module", source: src };
    },
  });
}
