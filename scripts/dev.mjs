// `npm run dev`: the whole local stack, offline, in one wrangler process
// (queues deliver only between workers of the same process), plus the local
// OpenAI stand-in in a second one: the gateway reaches OpenAI over HTTP at
// OPENAI_BASE_URL, as it would api.openai.com, so the stand-in needs a port of
// its own (the gateway's port + 2000 unless LOCAL_OPENAI_PORT is set).
// Extra arguments pass through to wrangler dev, e.g. `npm run dev -- --port 8799`.
import { spawn, spawnSync } from "node:child_process";
import { ensureDevVars } from "./dev-vars.mjs";

const CONFIGS = ["wrangler.gateway.toml", "wrangler.consumer.toml", "wrangler.local-services.toml"];

if (ensureDevVars()) console.log("Created .dev.vars with a random development JWT_SECRET.");

// Offline by default: without these, miniflare fetches the `Request.cf` object
// from workers.cloudflare.com on start (two `getaddrinfo ENOTFOUND` stack traces
// when offline) and wrangler sends usage metrics. Set them yourself to override.
const env = { CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", ...process.env };

const wrangler = (args) => {
  const result = spawnSync("npx", ["wrangler", ...args], { stdio: "inherit", env });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

const args = process.argv.slice(2);
const portArg = args.findIndex((a) => a === "--port" || a.startsWith("--port="));
const port = Number(portArg < 0 ? 8787 : args[portArg].includes("=") ? args[portArg].split("=")[1] : args[portArg + 1]);
const openAiPort = Number(process.env.LOCAL_OPENAI_PORT ?? port + 2000);

wrangler(["d1", "migrations", "apply", "rag-db", "--local", "-c", CONFIGS[0], "--env", "local"]);
const openAi = spawn(
  "npx",
  ["wrangler", "dev", "-c", "wrangler.local-openai.toml", "--env", "local", "--port", String(openAiPort), "--inspector-port", String(openAiPort + 1000), "--ip", "127.0.0.1", "--show-interactive-dev-session=false"],
  { stdio: ["ignore", "ignore", "inherit"] },
);
const stopOpenAi = () => openAi.killed || openAi.kill("SIGTERM");
process.on("exit", stopOpenAi);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(0));
console.log(`Local OpenAI stand-in on http://127.0.0.1:${openAiPort}/v1`);
wrangler(["dev", ...CONFIGS.flatMap((c) => ["-c", c]), "--env", "local", "--var", `OPENAI_BASE_URL:http://127.0.0.1:${openAiPort}/v1`, ...args]);
