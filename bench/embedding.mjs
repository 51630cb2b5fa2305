// Speed of the local embedding stand-in against the one it replaced, in the same run
// (Node's V8, the engine workerd uses). `npm run bench:embedding [-- REV]` takes the
// baseline's local-services/{embedding,tokenize}.ts from git revision REV (default
// a4ffee7, the last commit before the TF-IDF stand-in) and embeds the same batches of
// 100 texts (Workers AI's largest call) with both.
import { execFileSync } from "node:child_process";
import { buildSync } from "esbuild";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const rev = process.argv[2] ?? "a4ffee7";
const dir = mkdtempSync(join(tmpdir(), "bench-embedding-"));
mkdirSync(join(dir, "baseline"));
for (const file of ["embedding.ts", "tokenize.ts"]) {
  writeFileSync(join(dir, "baseline", file), execFileSync("git", ["show", `${rev}:local-services/${file}`]));
}
function bundle(name, contents, resolveDir) {
  const outfile = join(dir, `${name}.mjs`);
  buildSync({ stdin: { contents, resolveDir, loader: "ts" }, bundle: true, format: "esm", platform: "neutral", mainFields: ["module", "main"], outfile, logLevel: "warning" });
  return import(pathToFileURL(outfile).href);
}
// The current stand-in builds its word-weight table once, when the worker loads it.
const loadStarted = performance.now();
const current = await bundle("current", `export { embed } from "./local-services/embedding";\nexport { prose, seeded } from "./test/fixtures/random-text";`, process.cwd());
const loadMs = performance.now() - loadStarted;
const baseline = await bundle("baseline", `export { embed } from "./embedding";`, join(dir, "baseline"));

const space = { model: "@cf/baai/bge-base-en-v1.5", dimensions: 768, pooling: "mean" };
// 20 calls of 100 texts of 20 sentences (~280 words): chunk-sized passages, as ingest embeds them.
const batches = Array.from({ length: 20 }, (_, b) => Array.from({ length: 100 }, (_, i) => current.prose(current.seeded(b * 100 + i), 20)));

function measure(embed, runs = 5) {
  for (const text of batches[0]) embed(text, space); // warm-up
  const times = [];
  for (let r = 0; r < runs; r++) {
    const started = performance.now();
    for (const batch of batches) for (const text of batch) embed(text, space);
    times.push((performance.now() - started) / batches.length);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const before = measure(baseline.embed);
const after = measure(current.embed);
console.log(`baseline (${rev})  median ${before.toFixed(1)} ms per call of 100 texts`);
console.log(`current              median ${after.toFixed(1)} ms per call of 100 texts`);
console.log(`ratio current/baseline ${(after / before).toFixed(2)}`);
console.log(`current's one-off load (bundle + word-weight table) ${loadMs.toFixed(0)} ms`);
