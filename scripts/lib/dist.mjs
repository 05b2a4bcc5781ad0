// Shared by the scripts/*-goldens.mjs recordings: finding OpenClaw's
// functions in its bundled dist/ chunks, and importing the ones a release
// keeps module-private.
import fs from "node:fs";
import path from "node:path";
import module from "node:module";
import { pathToFileURL } from "node:url";

// indexDist reads every dist/*.js chunk once. definingFile(name, extra)
// is the one chunk that defines function name (and matches extra, when
// given); it throws unless exactly one does. release() frees the text.
export function indexDist(dist) {
  const files = fs.readdirSync(dist).filter((f) => f.endsWith(".js")).map((f) => path.join(dist, f));
  const src = new Map(files.map((f) => [f, fs.readFileSync(f, "utf8")]));
  return {
    files,
    src,
    definingFile(name, extra) {
      const re = new RegExp(`^(?:async )?function ${name}\\(`, "m");
      const hits = files.filter((f) => re.test(src.get(f)) && (!extra || extra.test(src.get(f))));
      if (hits.length !== 1) throw new Error(`${name}: ${hits.length} defining chunks`);
      return hits[0];
    },
    release() {
      src.clear();
    },
  };
}

// importPrivate imports each name of want ({name: chunk file}) from its
// chunk, exported under tag_name by a load hook that appends an export
// clause in memory (nothing is written to the install).
export async function importPrivate(want, tag) {
  const extraExports = new Map();
  for (const [name, file] of Object.entries(want)) {
    const url = pathToFileURL(file).href;
    extraExports.set(url, (extraExports.get(url) ?? "") + `\nexport { ${name} as ${tag}_${name} };\n`);
  }
  module.registerHooks({
    load(url, context, nextLoad) {
      const r = nextLoad(url, context);
      const extra = extraExports.get(url);
      return extra ? { ...r, format: "module", source: String(r.source) + extra } : r;
    },
  });
  const oc = {};
  for (const [name, file] of Object.entries(want)) oc[name] = (await import(pathToFileURL(file).href))[`${tag}_${name}`];
  return oc;
}
