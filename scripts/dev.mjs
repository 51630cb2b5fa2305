// `npm run dev`: the whole local stack, offline, in one wrangler process
// (queues deliver only between workers of the same process).
// Extra arguments pass through to wrangler dev, e.g. `npm run dev -- --port 8799`.
import { spawnSync } from "node:child_process";
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

wrangler(["d1", "migrations", "apply", "rag-db", "--local", "-c", CONFIGS[0], "--env", "local"]);
wrangler(["dev", ...CONFIGS.flatMap((c) => ["-c", c]), "--env", "local", ...process.argv.slice(2)]);
