// `npm run dlq:replay -- [--all | --id ID ...] [--dry-run] [--url URL] [--token TOKEN]`
// Replays dead-lettered ingestions through the gateway's admin API. Defaults
// to the local stack and an admin token minted from .dev.vars; give --url and
// --token for a deployed gateway. Exits 1 when anything failed, 2 on bad usage.
import { parseArgs } from "node:util";
import { signDevToken } from "./dev-vars.mjs";

const usage = "usage: npm run dlq:replay -- (--all | --id ID [--id ID ...]) [--dry-run] [--url URL] [--token TOKEN]";
let values;
try {
  ({ values } = parseArgs({
    options: {
      all: { type: "boolean", default: false },
      id: { type: "string", multiple: true, default: [] },
      "dry-run": { type: "boolean", default: false },
      url: { type: "string", default: "http://localhost:8787" },
      token: { type: "string" },
      help: { type: "boolean", default: false },
    },
  }));
} catch (error) {
  console.error(`${error.message}\n${usage}`);
  process.exit(2);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}
if (values.all === (values.id.length > 0)) {
  console.error(`give either --all or one or more --id\n${usage}`);
  process.exit(2);
}

const token = values.token ?? (await localAdminToken());
const endpoint = new URL("/v1/admin/dead-letters/replay", values.url);
const dryRun = values["dry-run"];
const totals = { replayed: 0, skipped: 0, failed: 0 };

// --all pages through the dead letters: each request replays up to 100.
for (let round = 1; ; round++) {
  const report = await post(values.all ? { all: true, dryRun } : { ids: values.id, dryRun });
  for (const item of report.replayed) console.log(`${dryRun ? "would replay" : "replayed"}  ${item.id}  document ${item.documentId} (tenant ${item.tenantId})`);
  for (const item of report.skipped) console.log(`skipped   ${item.id}  ${item.reason}`);
  for (const item of report.failed) console.log(`FAILED    ${item.id}  ${item.reason}`);
  for (const key of Object.keys(totals)) totals[key] += report[key].length;
  // A dry run changes nothing, so asking again would list the same page.
  if (!report.more || dryRun || report.replayed.length === 0) break;
}

console.log(`\n${dryRun ? "dry run: " : ""}${totals.replayed} ${dryRun ? "would be replayed" : "replayed"}, ${totals.skipped} skipped, ${totals.failed} failed`);
process.exit(totals.failed > 0 ? 1 : 0);

async function post(body) {
  let response;
  try {
    response = await fetch(endpoint, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  } catch (error) {
    console.error(`cannot reach ${endpoint.origin}: ${error.cause?.code ?? error.message} (is \`npm run dev\` running?)`);
    process.exit(1);
  }
  const text = await response.text();
  if (!response.ok) {
    console.error(`replay request failed: HTTP ${response.status} ${text}`);
    process.exit(1);
  }
  return JSON.parse(text);
}

async function localAdminToken() {
  const jwt = await signDevToken({ sub: "dlq-replay", tenant: "operator", role: "admin", ttlSeconds: 600 });
  if (!jwt) {
    console.error("no --token given and .dev.vars has no JWT_SECRET (run `npm run dev` once, or pass --token)");
    process.exit(2);
  }
  return jwt;
}
