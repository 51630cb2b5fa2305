// `npm run dlq:replay -- (--all | --id ID ...) [--dry-run] [--url URL] [--token TOKEN]`
// Replays dead-lettered ingestions through the gateway's admin API. Exits 1
// when anything failed, 2 on bad usage.
import { gatewayTarget, type GatewayTarget, isLocalUrl, one, parseOptions, runStoppable, Stop, unreachable } from "./cli";
import { localAuth, signLocalToken } from "./dev-credentials";
import type { ScriptHost } from "./host";

export const USAGE = `usage: npm run dlq:replay -- (--all | --id ID [--id ID ...]) [options]

  --all            replay every dead letter (100 per request, until none is left)
  --id ID          replay this dead letter (repeatable)
  --dry-run        list what would be replayed, change nothing
  --url URL        the gateway (default: $GATEWAY_URL, else http://localhost:8787)
  --token JWT      an operator's admin token (default for the local stack: one
                   signed from .dev.vars for the operator tenant)
  --help`;

interface Item { id: string; documentId?: string; tenantId?: string; reason?: string }
interface Report { replayed: Item[]; skipped: Item[]; failed: Item[]; more: boolean }

export function main(host: ScriptHost): Promise<number> {
  return runStoppable("dlq:replay", host.stderr, () => run(host));
}

async function run(host: ScriptHost): Promise<number> {
  const usage = (message: string) => new Stop(`${message} (npm run dlq:replay -- --help for usage)`, 2);
  const parsed = parseOptions(host.argv, {
    all: { type: "boolean" }, id: { type: "string", multiple: true }, "dry-run": { type: "boolean" },
    url: { type: "string" }, token: { type: "string" }, help: { type: "boolean" },
  });
  if (!parsed.ok) throw usage(parsed.error);
  const options = parsed.value;
  if (options.flags.has("help")) {
    host.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const ids = options.values.get("id") ?? [];
  const all = options.flags.has("all");
  if (all === ids.length > 0) throw usage("give either --all or one or more --id");
  const target = gatewayTarget(one(options, "url"), host.env);
  if (!target.ok) throw usage(target.error);
  const token = one(options, "token") ?? (await operatorToken(host, target.value));
  const dryRun = options.flags.has("dry-run");
  const totals = { replayed: 0, skipped: 0, failed: 0 };

  // --all pages through the dead letters: each request replays up to 100.
  for (;;) {
    const report = await post(target.value, token, all ? { all: true, dryRun } : { ids, dryRun });
    for (const item of report.replayed) host.stdout.write(`${dryRun ? "would replay" : "replayed"}  ${item.id}  document ${item.documentId} (tenant ${item.tenantId})\n`);
    for (const item of report.skipped) host.stdout.write(`skipped   ${item.id}  ${item.reason}\n`);
    for (const item of report.failed) host.stdout.write(`FAILED    ${item.id}  ${item.reason}\n`);
    totals.replayed += report.replayed.length;
    totals.skipped += report.skipped.length;
    totals.failed += report.failed.length;
    // A dry run changes nothing, so asking again would list the same page.
    if (!report.more || dryRun || report.replayed.length === 0) break;
  }
  host.stdout.write(`\n${dryRun ? "dry run: " : ""}${totals.replayed} ${dryRun ? "would be replayed" : "replayed"}, ${totals.skipped} skipped, ${totals.failed} failed\n`);
  return totals.failed > 0 ? 1 : 0;
}

async function post(target: GatewayTarget, token: string, body: unknown): Promise<Report> {
  let response: Response;
  try {
    response = await fetch(new URL("/v1/admin/dead-letters/replay", target.url), {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  } catch (error) {
    throw new Stop(unreachable(target, error), 1);
  }
  const text = await response.text();
  if (!response.ok) throw new Stop(`replay request failed: HTTP ${response.status} ${text.slice(0, 300)}`, 1);
  return JSON.parse(text) as Report;
}

async function operatorToken(host: ScriptHost, target: GatewayTarget): Promise<string> {
  if (!isLocalUrl(target.url)) throw new Stop(`${target.url} is not the local stack: pass --token with an operator's admin token`, 2);
  const auth = await localAuth(host);
  const token = await signLocalToken(auth, { sub: "dlq-replay", tenant: auth.operatorTenant, role: "admin", ttlSeconds: 600 });
  if (!token.ok) throw new Stop(`${token.error}, or pass --token`, 2);
  return token.value;
}
