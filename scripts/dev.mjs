// `npm run dev`: the whole local stack, offline, in one wrangler process
// (queues deliver only between workers of the same process), plus two
// stand-ins that the gateway reaches over HTTP as it would in production:
// - the local OpenAI stand-in (a second wrangler process) at OPENAI_BASE_URL,
//   on the gateway's port + 3000 unless LOCAL_OPENAI_PORT is set;
// - the legacy backend behind the gateway's /api/* proxy (two instances of a
//   Node HTTP server: local-services/legacy-backend). LEGACY_BACKEND_PORT
//   (environment or .dev.vars, default 10787) moves it to that port and the
//   next; the gateway's PROXY_CONFIG follows.
// Extra arguments pass through to wrangler dev, e.g. `npm run dev -- --port 8799`.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { buildSync } from "esbuild";
import { ensureDevVars, readDevVars } from "./dev-vars.mjs";

const CONFIGS = ["wrangler.gateway.toml", "wrangler.consumer.toml", "wrangler.local-services.toml"];
const DEFAULT_BACKEND_PORT = 10787;

if (ensureDevVars()) console.log("Created .dev.vars with a random development JWT_SECRET and RECEIPT_SECRET.");
const devVars = readDevVars();

// Offline by default: without these, miniflare fetches the `Request.cf` object
// from workers.cloudflare.com on start (two `getaddrinfo ENOTFOUND` stack traces
// when offline) and wrangler sends usage metrics. Set them yourself to override.
const env = { CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", ...process.env };

const wrangler = (args) => {
  const result = spawnSync("npx", ["wrangler", ...args], { stdio: "inherit", env });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

function startBackend(port) {
  const outfile = ".wrangler/legacy-backend/main.mjs";
  buildSync({
    entryPoints: ["local-services/legacy-backend/main.ts"],
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    // ws and jose load from node_modules at run time.
    packages: "external",
    logLevel: "warning",
  });
  const url = pathToFileURL(outfile).href;
  return spawn(process.execPath, ["--input-type=module", "-e", `import(${JSON.stringify(url)}).then((m) => m.main(process.env)).catch((e) => { console.error(e); process.exit(1); })`], {
    stdio: "inherit",
    env: { ...process.env, LEGACY_BACKEND_PORT: String(port), JWT_SECRET: devVars.JWT_SECRET ?? "", LEGACY_BACKEND_FAULTS: devVars.LEGACY_BACKEND_FAULTS ?? "" },
  });
}

/** The local PROXY_CONFIG with the stand-in's ports moved, when they are not the default. */
function proxyConfigVar(port) {
  if (port === DEFAULT_BACKEND_PORT) return [];
  const toml = readFileSync(CONFIGS[0], "utf8");
  const local = toml.slice(toml.indexOf("[env.local]"));
  const config = /PROXY_CONFIG = '([^']*)'/.exec(local)?.[1];
  if (!config) throw new Error("no PROXY_CONFIG in [env.local] of wrangler.gateway.toml");
  const moved = config
    .replaceAll(`127.0.0.1:${DEFAULT_BACKEND_PORT + 1}`, `127.0.0.1:${port + 1}`)
    .replaceAll(`127.0.0.1:${DEFAULT_BACKEND_PORT}`, `127.0.0.1:${port}`);
  return ["--var", `PROXY_CONFIG:${moved}`];
}

const args = process.argv.slice(2);
const portArg = args.findIndex((a) => a === "--port" || a.startsWith("--port="));
const port = Number(portArg < 0 ? 8787 : args[portArg].includes("=") ? args[portArg].split("=")[1] : args[portArg + 1]);
const openAiPort = Number(process.env.LOCAL_OPENAI_PORT ?? port + 3000);
const backendPort = Number(process.env.LEGACY_BACKEND_PORT ?? devVars.LEGACY_BACKEND_PORT ?? DEFAULT_BACKEND_PORT);

wrangler(["d1", "migrations", "apply", "rag-db", "--local", "-c", CONFIGS[0], "--env", "local"]);
const openAi = spawn(
  "npx",
  ["wrangler", "dev", "-c", "wrangler.local-openai.toml", "--env", "local", "--port", String(openAiPort), "--inspector-port", String(openAiPort + 1000), "--ip", "127.0.0.1", "--show-interactive-dev-session=false"],
  { stdio: ["ignore", "ignore", "inherit"] },
);
const backend = startBackend(backendPort);
const stopStandIns = () => {
  if (!openAi.killed) openAi.kill("SIGTERM");
  if (!backend.killed) backend.kill("SIGTERM");
};
process.on("exit", stopStandIns);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(0));
console.log(`Local OpenAI stand-in on http://127.0.0.1:${openAiPort}/v1; legacy backend stand-in on http://127.0.0.1:${backendPort} and :${backendPort + 1}`);
wrangler(["dev", ...CONFIGS.flatMap((c) => ["-c", c]), "--env", "local", "--var", `OPENAI_BASE_URL:http://127.0.0.1:${openAiPort}/v1`, ...proxyConfigVar(backendPort), ...args]);
