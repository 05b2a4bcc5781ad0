// Extract the JSON Schema of every configurable bundled channel of an
// OpenClaw release (except imessage, which openclawcfg models in CUE) from
// its dist/bundled-channel-config-metadata.generated-*.mjs, the table the
// host validates channels.<id> with (io.snapshot-preparation-*.mjs).
//
// Usage: node scripts/channel-schemas.mjs DIST OUT
//
// OUT is a JSON object keyed by channel id, ids in byte order, one channel
// per line ("id":schema), so the Go side can find one channel's line and
// decode only that. Each schema keeps OpenClaw's key order (the order
// TypeBox reports errors in).
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [dist, out] = process.argv.slice(2);
if (!dist || !out) {
  process.stderr.write("usage: node channel-schemas.mjs DIST OUT\n");
  process.exit(2);
}

// Hashed chunk names change between builds: find the chunk by its export.
let metadata = null;
for (const f of fs.readdirSync(dist).filter((f) => f.startsWith("bundled-channel-config-metadata.generated-") && f.endsWith(".mjs")).sort()) {
  const m = await import(pathToFileURL(path.join(dist, f)).href);
  for (const v of Object.values(m)) {
    if (Array.isArray(v) && v.length > 0 && v.every((e) => e && typeof e.channelId === "string" && e.schema)) {
      if (metadata) throw new Error("two bundled channel metadata tables in " + dist);
      metadata = v;
    }
  }
}
if (!metadata) throw new Error("no bundled-channel-config-metadata.generated-*.mjs in " + dist + " exports the channel table");

// bundledChannelIds of validation-core: configurable entries, ids lower-cased.
const rows = new Map();
for (const e of metadata) {
  if (e.configurable === false) continue;
  const id = e.channelId.trim().toLowerCase();
  if (id === "" || id === "imessage") continue;
  if (rows.has(id)) throw new Error("duplicate channel id " + id);
  rows.set(id, e.schema);
}
const ids = [...rows.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
const lines = ids.map((id, i) => JSON.stringify(id) + ":" + JSON.stringify(rows.get(id)) + (i < ids.length - 1 ? "," : ""));
fs.writeFileSync(out, "{\n" + lines.join("\n") + "\n}\n");
