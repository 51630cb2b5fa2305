// `npm run cost:report -- [--url URL] [--token T] [--from DATE] [--to DATE] [--requests N] [--json]`
// The original spec's monthly cost table, recomputed from the usage the
// gateway recorded (GET /v1/admin/usage) and projected to N requests a month
// (default 10 million) with the recorded mix, the all-OpenAI baseline beside
// it. Exit codes: 0 printed, 1 the gateway could not be read, 2 bad usage.
import type { AdminUsageResponse } from "../gateway/usage/routes/admin-usage";
import { type CostLines, DURABLE_OBJECT_REQUESTS_PER_REQUEST, project, SPEC } from "../shared/usage/projection";
import { type GatewayTarget, gatewayTarget, one, parseOptions, positiveInteger, runStoppable, Stop, unreachable } from "./cli";
import { localAuth, signLocalToken } from "./dev-credentials";
import type { ScriptHost } from "./host";

export const USAGE = `usage: npm run -s cost:report -- [options]

  --url URL        the gateway (default: GATEWAY_URL, else http://localhost:8787)
  --token JWT      an operator's admin token (default: one signed from .dev.vars for the local stack)
  --from DATE      first day of the range, YYYY-MM-DD (default: 30 days ago)
  --to DATE        last day of the range, YYYY-MM-DD (default: today)
  --requests N     monthly volume to project to (default 10000000)
  --json           the report and the projection as one JSON line
  --help`;

interface Args {
  url: string;
  /** Where the URL came from, for the message when the gateway cannot be reached. */
  target: GatewayTarget;
  token: string | undefined;
  from: string | undefined;
  to: string | undefined;
  requests: number;
  json: boolean;
}

export function parseArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Args | "help" {
  const parsed = parseOptions(argv, {
    url: { type: "string" }, token: { type: "string" }, from: { type: "string" }, to: { type: "string" },
    requests: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean" },
  });
  if (!parsed.ok) throw new Stop(`${parsed.error} (npm run cost:report -- --help for usage)`, 2);
  if (parsed.value.flags.has("help")) return "help";
  const target = gatewayTarget(one(parsed.value, "url"), env);
  if (!target.ok) throw new Stop(target.error, 2);
  const requests = positiveInteger(parsed.value, "requests", 10_000_000);
  if (!requests.ok) throw new Stop(requests.error, 2);
  return {
    url: target.value.url.replace(/\/$/, ""),
    target: target.value,
    token: one(parsed.value, "token"),
    from: one(parsed.value, "from"),
    to: one(parsed.value, "to"),
    requests: requests.value,
    json: parsed.value.flags.has("json"),
  };
}

async function adminToken(host: ScriptHost): Promise<string> {
  const auth = await localAuth(host);
  const token = await signLocalToken(auth, { sub: "cost-report", tenant: auth.operatorTenant, role: "admin", ttlSeconds: 600 });
  if (!token.ok) throw new Stop(`${token.error}; or pass --token`, 2);
  return token.value;
}

const usd = (n: number) => `$${n.toFixed(n !== 0 && Math.abs(n) < 0.01 ? 6 : 2)}`;
const pct = (n: number) => `${(n * 100).toFixed(1)}%`;
const count = (n: number) => (Number.isInteger(n) ? n.toLocaleString("en-US") : n.toFixed(1));
const pad = (s: string, n: number) => s.padEnd(n);
const lpad = (s: string, n: number) => s.padStart(n);

export async function main(host: ScriptHost): Promise<number> {
  return runStoppable("cost:report", host.stderr, () => report(host));
}

async function report(host: ScriptHost): Promise<number> {
  const args = parseArgs(host.argv, host.env);
  if (args === "help") {
    host.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const query = new URLSearchParams();
  if (args.from) query.set("from", args.from);
  if (args.to) query.set("to", args.to);
  const token = args.token ?? (await adminToken(host));
  let response: Response;
  try {
    response = await fetch(`${args.url}/v1/admin/usage?${query}`, { headers: { Authorization: `Bearer ${token}` } });
  } catch (error) {
    throw new Stop(unreachable(args.target, error), 1);
  }
  if (!response.ok) throw new Stop(`GET /v1/admin/usage answered ${response.status}: ${(await response.text()).slice(0, 300)}`, 1);
  const body: AdminUsageResponse = await response.json();
  const r = body.report;
  const p = project(r, args.requests, { ...body.deployment, durableObjectRequestsPerRequest: DURABLE_OBJECT_REQUESTS_PER_REQUEST });
  if (args.json) {
    host.stdout.write(`${JSON.stringify({ from: body.from, to: body.to, report: r, deployment: body.deployment, projection: p })}\n`);
    return 0;
  }
  const out: string[] = [];
  const s = r.requests.servedBy;
  const share = (n: number) => pct(r.requests.total > 0 ? n / r.requests.total : 0);
  out.push(`Recorded usage ${body.from} .. ${body.to} (prices checked ${body.pricing.checkedOn})`);
  out.push("");
  out.push("Requests by where they were served");
  const served: [string, number][] = [
    ["cache (exact + semantic)", s.cache],
    ["no model needed", s.noModel],
    ["Workers AI, free daily Neurons", s.workersAiFree],
    ["Workers AI, paid Neurons", s.workersAiPaid],
    ["OpenAI", s.openai],
    ["other edge routes (no AI)", s.other],
    ["legacy backend (proxied)", s.backend],
  ];
  for (const [label, n] of served) out.push(`  ${pad(label, 32)}${lpad(count(n), 10)}  ${lpad(share(n), 6)}`);
  out.push(`  ${pad("total", 32)}${lpad(count(r.requests.total), 10)}`);
  out.push(`  free-tier share ${pct(r.freeShare)} of all requests, ${pct(r.aiFreeShare)} of AI requests (spec claims ${pct(SPEC.freeShareClaim)}+)`);
  out.push(`  cache hit rate ${pct(r.cacheHitRate)}; ${count(r.ingest.ingestions)} ingestions, ${count(r.ingest.pages)} pages`);
  out.push("");
  out.push("Recorded cost");
  out.push(`  AI at list price ${usd(r.usd.listPrice)}; billed after free Neurons ${usd(r.usd.billed)} (Workers AI ${usd(r.usd.workersAi)}, OpenAI ${usd(r.usd.openai)})`);
  out.push(`  per 1,000 requests ${usd(r.usdPer1kRequests)}; per 1,000 questions ${r.usdPer1kQuestions === null ? "n/a" : usd(r.usdPer1kQuestions)}; per ingested page ${r.usdPerIngestedPage === null ? "n/a" : usd(r.usdPerIngestedPage)}`);
  out.push(`  all-OpenAI baseline ${usd(r.baseline.usd)}; saved ${usd(r.baseline.savingsUsd)}${r.baseline.savingsShare === null ? "" : ` (${pct(r.baseline.savingsShare)})`}`);
  out.push("");
  out.push(`Projected to ${count(args.requests)} requests a month with this mix (${p.neuronsPerRequest.toFixed(3)} Neurons/request, ${count(Math.round(p.neuronsPerDay))} Neurons/day)`);
  const header = `  ${pad("", 22)}${lpad("spec before", 12)}${lpad("spec after", 12)}${lpad("recomputed", 14)}${lpad("all-OpenAI", 14)}`;
  out.push(header);
  const row = (label: string, before: number | null, after: number | null, edge: number, baseline: number, measured: boolean) =>
    `  ${pad(label, 22)}${lpad(before === null ? "-" : usd(before), 12)}${lpad(after === null ? "-" : usd(after), 12)}${lpad(usd(edge), 14)}${lpad(usd(baseline), 14)}${measured ? "" : "  (spec's figure, not measured)"}`;
  const e: CostLines = p.edge;
  const b: CostLines = p.allOpenAi;
  out.push(row("Workers", null, SPEC.after.workers, e.workers, b.workers, true));
  out.push(row("Workers AI", null, SPEC.after.workersAi, e.workersAi, b.workersAi, true));
  out.push(row("OpenAI", SPEC.before.openai, null, e.openai, b.openai, true));
  out.push(row("Vectorize", null, SPEC.after.vectorize, e.vectorize, b.vectorize, true));
  out.push(row("Durable Objects", null, null, e.durableObjects, b.durableObjects, true));
  out.push(row("KV (answer cache)", null, null, e.kv, b.kv, true));
  out.push(row("Backend", SPEC.before.backend, SPEC.after.backend, e.backend, b.backend, false));
  out.push(row("PostgreSQL", SPEC.before.postgres, SPEC.after.postgres, e.postgres, b.postgres, false));
  out.push(row("Redis", SPEC.before.redis, SPEC.after.redis, e.redis, b.redis, false));
  out.push(row("Total", SPEC.before.total, SPEC.after.total, e.total, b.total, true));
  out.push(`  free-tier share at this volume: ${pct(p.freeShare)} (spec claims ${pct(SPEC.freeShareClaim)}+)`);
  out.push(`  Vectorize: ${count(Math.round(p.platform.vectorQueries))} queries/month over ${count(body.deployment.storedVectors)} stored vectors of ${body.deployment.dimensions} dimensions;`);
  out.push(`  Durable Objects: ${count(Math.round(p.platform.durableObjectRequests))} requests/month (duration not projected); KV: ${count(Math.round(p.platform.kvReads))} reads (upper bound), ${count(Math.round(p.platform.kvWrites))} writes.`);
  out.push("  Not projected: Workers CPU time, Durable Object duration, D1 and R2 (small at this volume; see README).");
  if (r.requests.total === 0) out.push("  (nothing recorded yet: run some requests against the stack, wait for the meters to flush, and run this again)");
  host.stdout.write(`${out.join("\n")}\n`);
  return 0;
}
