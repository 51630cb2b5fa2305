// `node scripts/run-ts.mjs <entry.ts> [args...]`
// Runs a TypeScript script on Node 20, which cannot run TypeScript itself: esbuild
// bundles the entry (and what it imports from eval/, shared/, node_modules) into one
// temporary ES module, which is imported and its `main(host)` called with the
// remaining arguments. The host contract is scripts/host.ts; its exit code is ours.
import { buildSync } from "esbuild";
import { mkdtempSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { ensureDevVars, readDevVars } from "./dev-vars.mjs";

const [entry, ...argv] = process.argv.slice(2);
if (!entry) {
  console.error("usage: node scripts/run-ts.mjs <entry.ts> [args...]");
  process.exit(2);
}

const outdir = mkdtempSync(join(tmpdir(), "run-ts-"));
let code;
try {
  const outfile = join(outdir, `${basename(entry, ".ts")}.mjs`);
  buildSync({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    sourcemap: "inline",
    logLevel: "warning",
  });
  // Stack traces then point at the .ts lines, not the bundle's.
  process.setSourceMapsEnabled(true);
  const { main } = await import(pathToFileURL(outfile).href);
  if (typeof main !== "function") throw new Error(`${entry} does not export a main(host) function`);
  code = await main({
    argv,
    readText: (path) => readFile(path, "utf8"),
    devVars: readDevVars,
    ensureDevVars,
    env: process.env,
    readTextIfExists: (path) => readFile(path, "utf8").catch((error) => (error.code === "ENOENT" ? null : Promise.reject(error))),
    stdout: { write: (text) => process.stdout.write(text), isTTY: Boolean(process.stdout.isTTY) },
    stderr: { write: (text) => process.stderr.write(text), isTTY: Boolean(process.stderr.isTTY) },
  });
} catch (error) {
  // Scripts report the problems a user can fix themselves; what reaches here is
  // unexpected: one line, and the stack only when asked for.
  console.error(`${basename(entry, ".ts")}: ${error instanceof Error ? error.message : String(error)}${process.env.DEBUG ? `\n${error?.stack ?? ""}` : " (set DEBUG=1 for the stack trace)"}`);
  code = 1;
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
// Idle keep-alive connections must not hold the process open once the work is done,
// but what was written to stdout must get out first (it may be a pipe).
process.stdout.write("", () => process.exit(code));
