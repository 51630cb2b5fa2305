// `npm run cost:report -- [--url URL] [--token T] [--from DATE] [--to DATE] [--requests N] [--json]`
// The original spec's monthly cost table, recomputed from the usage the
// gateway recorded (GET /v1/admin/usage) and projected to N requests a month
// (default 10 million) with the recorded mix, the all-OpenAI baseline beside
// it. Exit codes: 0 printed, 1 the gateway could not be read, 2 bad usage.
import { SignJWT } from "jose";
import type { AdminUsageResponse } from "../gateway/usage/routes/admin-usage";
import { type CostLines, project, SPEC } from "../shared/usage/projection";
import type { ScriptHost } from "./host";

const USAGE = "usage: npm run cost:report -- [--url http://localhost:8787] [--token ADMIN_JWT] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--requests 10000000] [--json]";

interface Args {
  url: string;
  token?: string;
  from?: string;
  to?: string;
  requests: number;
  json: boolean;
}

function parseArgs(argv: readonly string[]): Args | string {
  const args: Args = { url: "http://localhost:8787", requests: 10_000_000, json: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === "--json") args.json = true;
    else if (value === undefined) return `${flag} needs a value`;
    else if (flag === "--url") args.url = value.replace(/\/$/, "");
    else if (flag === "--token") args.token = value;
    else if (flag === "--from") args.from = value;
    else if (flag === "--to") args.to = value;
    else if (flag === "--requests" && Number.isSafeInteger(Number(value)) && Number(value) > 0) args.requests = Number(value);
    else return `unknown or invalid argument ${flag}`;
    if (flag !== "--json") i++;
  }
  return args;
}

async function adminToken(host: ScriptHost): Promise<string> {
  const vars = host.devVars();
  const secret = vars["JWT_SECRET"];
  if (!secret) throw new Error("no JWT_SECRET in .dev.vars: run `npm run dev` once, or pass --token");
  let jwt = new SignJWT({ tenant: "operator", role: "admin" }).setProtectedHeader({ alg: "HS256", typ: "JWT" }).setSubject("cost-report").setIssuedAt().setExpirationTime("10m");
  if (vars["JWT_ISSUER"]) jwt = jwt.setIssuer(vars["JWT_ISSUER"]);
  if (vars["JWT_AUDIENCE"]) jwt = jwt.setAudience(vars["JWT_AUDIENCE"]);
  return jwt.sign(new TextEncoder().encode(secret));
}

const usd = (n: number) => `$${n.toFixed(n !== 0 && Math.abs(n) < 0.01 ? 6 : 2)}`;
const pct = (n: number) => `${(n * 100).toFixed(1)}%`;
const count = (n: number) => (Number.isInteger(n) ? n.toLocaleString("en-US") : n.toFixed(1));
const pad = (s: string, n: number) => s.padEnd(n);
const lpad = (s: string, n: number) => s.padStart(n);

export async function main(host: ScriptHost): Promise<number> {
  const args = parseArgs(host.argv);
  if (typeof args === "string") {
    host.stderr.write(`cost:report: ${args}\n${USAGE}\n`);
    return 2;
  }
  let body: AdminUsageResponse;
  try {
    const query = new URLSearchParams();
    if (args.from) query.set("from", args.from);
    if (args.to) query.set("to", args.to);
    const response = await fetch(`${args.url}/v1/admin/usage?${query}`, { headers: { Authorization: `Bearer ${args.token ?? (await adminToken(host))}` } });
    if (!response.ok) throw new Error(`GET /v1/admin/usage answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
    body = await response.json();
  } catch (error) {
    host.stderr.write(`cost:report: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const r = body.report;
  const p = project(r, args.requests);
  if (args.json) {
    host.stdout.write(`${JSON.stringify({ from: body.from, to: body.to, report: r, projection: p })}\n`);
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
    ["other routes (no AI)", s.other],
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
  out.push(row("Backend", SPEC.before.backend, SPEC.after.backend, e.backend, b.backend, false));
  out.push(row("PostgreSQL", SPEC.before.postgres, SPEC.after.postgres, e.postgres, b.postgres, false));
  out.push(row("Redis", SPEC.before.redis, SPEC.after.redis, e.redis, b.redis, false));
  out.push(row("Total", SPEC.before.total, SPEC.after.total, e.total, b.total, true));
  out.push(`  free-tier share at this volume: ${pct(p.freeShare)} (spec claims ${pct(SPEC.freeShareClaim)}+)`);
  if (r.requests.total === 0) out.push("  (nothing recorded yet: run some requests against the stack, wait for the meters to flush, and run this again)");
  host.stdout.write(`${out.join("\n")}\n`);
  return 0;
}
