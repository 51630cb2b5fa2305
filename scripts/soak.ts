// `npm run soak -- [--count 50] [--url URL] [--token TOKEN] [--timeout 300]`
// Uploads `count` distinct documents to a running gateway, polls until every
// one is ready or failed, and prints the outcome. Pair it with
// LOCAL_AI_FAULTS in .dev.vars to watch retries and dead letters work.
import { gatewayTarget, type GatewayTarget, isLocalUrl, one, parseOptions, positiveInteger, runStoppable, Stop, unreachable } from "./cli";
import { localAuth, signLocalToken } from "./dev-credentials";
import type { ScriptHost } from "./host";
import { progressLine } from "./progress-line";

export const USAGE = `usage: npm run soak -- [options]

  --count N        documents to upload (default 50)
  --url URL        the gateway (default: $GATEWAY_URL, else http://localhost:8787)
  --token JWT      a token for an empty tenant (default for the local stack: a new tenant soak-...)
  --timeout SECS   give up waiting after this long (default 300)
  --help`;

interface Doc { id: string; status: string; attempts: number; chunks: number | null; progress: { done: number; total: number }; error: { code: string; message: string } | null }

export function main(host: ScriptHost): Promise<number> {
  return runStoppable("soak", host.stderr, () => run(host));
}

async function run(host: ScriptHost): Promise<number> {
  const usage = (message: string) => new Stop(`${message} (npm run soak -- --help for usage)`, 2);
  const parsed = parseOptions(host.argv, { count: { type: "string" }, url: { type: "string" }, token: { type: "string" }, timeout: { type: "string" }, help: { type: "boolean" } });
  if (!parsed.ok) throw usage(parsed.error);
  if (parsed.value.flags.has("help")) {
    host.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const count = positiveInteger(parsed.value, "count", 50);
  if (!count.ok) throw usage(count.error);
  const timeout = positiveInteger(parsed.value, "timeout", 300);
  if (!timeout.ok) throw usage(timeout.error);
  const target = gatewayTarget(one(parsed.value, "url"), host.env);
  if (!target.ok) throw usage(target.error);
  const tenant = `soak-${Date.now().toString(36)}`;
  const token = one(parsed.value, "token") ?? (await soakToken(host, target.value, tenant));
  const api = (path: string, init: RequestInit = {}) => call(target.value, path, token, init);

  const ids = await Promise.all(
    Array.from({ length: count.value }, async (_, i) => {
      const body = `# Soak document ${i}\n\n${`Paragraph ${i} about topic ${i % 7}: ${"lorem ipsum dolor sit amet ".repeat(40)}\n\n`.repeat(3)}\n${tenant}-${i}`;
      const response = await api(`/v1/documents?filename=soak-${i}.md`, { method: "POST", headers: { "Content-Type": "text/markdown" }, body });
      if (response.status !== 202) throw new Stop(`upload ${i}: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`, 1);
      return ((await response.json()) as Doc).id;
    }),
  );
  host.stdout.write(`tenant ${tenant}: uploaded ${ids.length} documents\n`);

  const started = Date.now();
  const settled = new Map<string, Doc>();
  const progress = progressLine(host.stderr);
  while (settled.size < ids.length && Date.now() - started < timeout.value * 1000) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    for (const id of ids.filter((id) => !settled.has(id))) {
      const doc = (await (await api(`/v1/documents/${id}`)).json()) as Doc;
      if (doc.status === "ready" || doc.status === "failed") settled.set(id, doc);
    }
    progress.update(`${settled.size}/${ids.length} settled after ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  progress.finish();
  const docs = [...settled.values()];
  const ready = docs.filter((d) => d.status === "ready");
  const failed = docs.filter((d) => d.status === "failed");
  const attempts = docs.reduce((n, d) => n + d.attempts, 0);
  const badProgress = ready.filter((d) => d.progress.done !== d.chunks || d.progress.total !== d.chunks);
  host.stdout.write(`ready ${ready.length}, failed ${failed.length}, unsettled ${ids.length - docs.length}; ${attempts} attempts in all (${attempts - docs.length} retries)\n`);
  for (const d of failed) host.stdout.write(`  failed ${d.id}: ${d.error?.code} ${d.error?.message}\n`);
  if (badProgress.length) host.stdout.write(`  ${badProgress.length} ready documents with inconsistent chunk counts\n`);
  return ready.length === ids.length && badProgress.length === 0 ? 0 : 1;
}

async function call(target: GatewayTarget, path: string, token: string, init: RequestInit): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("Authorization", `Bearer ${token}`);
  try {
    return await fetch(new URL(path, target.url), { ...init, headers });
  } catch (error) {
    throw new Stop(unreachable(target, error), 1);
  }
}

async function soakToken(host: ScriptHost, target: GatewayTarget, tenant: string): Promise<string> {
  if (!isLocalUrl(target.url)) throw new Stop(`${target.url} is not the local stack: pass --token with a token for an empty tenant`, 2);
  const token = await signLocalToken(await localAuth(host), { sub: "soak", tenant, role: "member", ttlSeconds: 3600 });
  if (!token.ok) throw new Stop(`${token.error}, or pass --token`, 2);
  return token.value;
}
