// Chunking and token-estimation speed on generated text (Node's V8, same engine as workerd).
// `npm run bench:chunking` prints the median ms per run and millions of characters per second.
import { buildSync } from "esbuild";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const outfile = join(mkdtempSync(join(tmpdir(), "bench-")), "chunking.mjs");
buildSync({
  stdin: {
    contents: `export { chunkDocument, estimateTokens } from "./shared/chunking";
               export { joinPages } from "./shared/text";
               export { prose, randomText, seeded } from "./test/fixtures/random-text";`,
    resolveDir: process.cwd(),
    loader: "ts",
  },
  bundle: true,
  format: "esm",
  platform: "neutral",
  outfile,
  logLevel: "warning",
});
const { chunkDocument, estimateTokens, joinPages, prose, randomText, seeded } = await import(pathToFileURL(outfile).href);

function measure(label, bytes, run, runs = 5) {
  run(); // warm-up
  const times = [];
  let result;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    result = run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(`${label.padEnd(34)} ${(bytes / 1e6).toFixed(2)} M chars  median ${median.toFixed(0)} ms  ${(bytes / 1e6 / (median / 1000)).toFixed(1)} M chars/s  ${result}`);
}

const pages = Array.from({ length: 70 }, (_, i) => ({ page: i + 1, text: prose(seeded(i), 300) }));
const proseLength = joinPages(pages).text.length;
measure("chunkDocument, prose, 70 pages", proseLength, () => `${chunkDocument(pages).length} chunks`);

const mixed = randomText(seeded(42), 170_000);
measure("chunkDocument, mixed scripts", mixed.length, () => `${chunkDocument([{ page: 1, text: mixed }]).length} chunks`);
measure("estimateTokens, mixed scripts", mixed.length, () => `${estimateTokens(mixed)} tokens`);
