// Export the JSON Schema of an OpenClaw release's core config schema (the
// zod OpenClawSchema its host validates openclaw.json with) for the places
// openclawcfg's CUE schema leaves open: every section outside what it
// models, and inside them.
//
// Usage: node scripts/core-schemas.mjs DIST OUT
//
// The schema is zod's own toJSONSchema (io "input": what a file may say,
// defaults optional; refinements and transforms, which JSON Schema cannot
// express, accept anything). OUT is a JSON object with one line per
// top-level key, and per channel ("channels.<id>"), keys in byte order,
// so the Go side decodes only the sections a config has.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const [dist, out] = process.argv.slice(2);
if (!dist || !out) {
  process.stderr.write("usage: node core-schemas.mjs DIST OUT\n");
  process.exit(2);
}

// Hashed chunk names change between builds: find the chunk that defines
// OpenClawSchema and the name it exports it under.
const defining = fs
  .readdirSync(dist)
  .filter((f) => /\.m?js$/.test(f))
  .map((f) => path.join(dist, f))
  .filter((f) => /^const OpenClawSchema = /m.test(fs.readFileSync(f, "utf8")));
if (defining.length !== 1) throw new Error(`OpenClawSchema: ${defining.length} defining chunks in ${dist}`);
const alias = fs.readFileSync(defining[0], "utf8").match(/\bOpenClawSchema as ([\w$]+)/);
if (!alias) throw new Error("OpenClawSchema is not exported from " + defining[0]);
const schema = (await import(pathToFileURL(defining[0]).href))[alias[1]];

// The zod that OpenClaw depends on (its toJSONSchema reads any zod 4
// schema's internals).
const require = createRequire(path.join(dist, "..", "package.json"));
const { z } = await import(pathToFileURL(require.resolve("zod")).href);
const doc = z.toJSONSchema(schema, { io: "input", unrepresentable: "any", cycles: "ref", reused: "inline" });
if (JSON.stringify(doc).includes('"$ref"')) throw new Error("the export has $ref (a cycle); the Go validator does not follow them");

// A union of literals (zod's z.union([z.literal(a), ...]), exported as an
// anyOf of consts) is the enum it means, which vet reports as one.
function literalUnions(s) {
  if (Array.isArray(s)) return s.forEach(literalUnions);
  if (!s || typeof s !== "object") return;
  for (const v of Object.values(s)) literalUnions(v);
  const alts = s.anyOf;
  if (!Array.isArray(alts) || alts.length === 0) return;
  if (!alts.every((a) => a && typeof a === "object" && "const" in a && Object.keys(a).every((k) => k === "const" || k === "type"))) return;
  delete s.anyOf;
  s.enum = alts.map((a) => a.const);
  const types = new Set(alts.map((a) => a.type));
  if (types.size === 1 && !types.has(undefined) && s.type === undefined) s.type = [...types][0];
}
literalUnions(doc);

const rows = new Map();
for (const [k, v] of Object.entries(doc.properties)) {
  if (k === "channels") {
    for (const [id, s] of Object.entries(v.properties ?? {})) rows.set("channels." + id, s);
  } else rows.set(k, v);
}
const keys = [...rows.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
const lines = keys.map((k, i) => JSON.stringify(k) + ":" + JSON.stringify(rows.get(k)) + (i < keys.length - 1 ? "," : ""));
fs.writeFileSync(out, "{\n" + lines.join("\n") + "\n}\n");
