// `npm run bench:stall -- [--url URL] [--chunks 4500] [--max-ms 1000]`
// Does the local stack keep answering while it ingests a large document? All
// workers share one workerd thread under `npm run dev`, so a long synchronous
// stretch anywhere in an ingestion stalls the gateway (issue 7, item 4).
// Measures GET /v1/documents/:id latency idle, then while a document of about
// --chunks chunks is ingested (polling every 250 ms, each poll with a 5 s
// timeout), then one DELETE of a second large document mid-ingestion; prints
// the ratios to the idle baseline and exits 1 when the worst poll or the DELETE
// exceeds --max-ms, or a request got no answer.
import { gatewayTarget, isLocalUrl, one, parseOptions, positiveInteger, unreachable } from "../scripts/cli";
import { localAuth, signLocalToken } from "../scripts/dev-credentials";
import type { ScriptHost } from "../scripts/host";

const USAGE = `usage: npm run bench:stall -- [--url URL] [--chunks N] [--max-ms MS]   (needs npm run dev)`;
const POLL_TIMEOUT_MS = 5000;
// Sections of 280 generated words chunk into about 2.8 chunks each.
const CHUNKS_PER_SECTION = 2.8;

export async function main(host: ScriptHost): Promise<number> {
  const parsed = parseOptions(host.argv, { url: { type: "string" }, chunks: { type: "string" }, "max-ms": { type: "string" }, help: { type: "boolean" } });
  if (!parsed.ok) return usageError(host, parsed.error);
  if (parsed.value.flags.has("help")) return void host.stdout.write(`${USAGE}\n`), 0;
  const chunks = positiveInteger(parsed.value, "chunks", 4500);
  if (!chunks.ok) return usageError(host, chunks.error);
  const maxMs = positiveInteger(parsed.value, "max-ms", 1000);
  if (!maxMs.ok) return usageError(host, maxMs.error);
  const target = gatewayTarget(one(parsed.value, "url"), host.env);
  if (!target.ok) return usageError(host, target.error);
  if (!isLocalUrl(target.value.url)) return usageError(host, "the bench signs its own token: point --url at the local stack");
  const tenant = `bench-${Date.now().toString(36)}`;
  const token = await signLocalToken(await localAuth(host), { sub: "bench", tenant, role: "member", ttlSeconds: 3600 });
  if (!token.ok) return usageError(host, token.error);
  const headers = { Authorization: `Bearer ${token.value}` };
  const timed = async (path: string, init: RequestInit = {}, timeoutMs = POLL_TIMEOUT_MS) => {
    const started = performance.now();
    try {
      const response = await fetch(new URL(path, target.value.url), { ...init, headers: { ...headers, ...init.headers }, signal: AbortSignal.timeout(timeoutMs) });
      return { ms: performance.now() - started, status: response.status, body: await response.text() };
    } catch (error) {
      if (error instanceof Error && error.name === "TimeoutError") return { ms: performance.now() - started, status: 0, body: "" };
      throw new Error(unreachable(target.value, error));
    }
  };
  const upload = async (text: string, name: string) => {
    // Uploads are not what is measured: they may wait out a stall.
    const response = await timed(`/v1/documents?filename=${name}`, { method: "POST", headers: { "Content-Type": "text/markdown" }, body: text }, 60_000);
    if (response.status !== 202) throw new Error(`upload ${name}: HTTP ${response.status} ${response.body.slice(0, 200)}`);
    return (JSON.parse(response.body) as { id: string }).id;
  };

  const small = await upload(`# Baseline\n\n${tenant} idle baseline document.`, "baseline.md");
  const idle: number[] = [];
  for (let i = 0; i < 20; i++) idle.push((await timed(`/v1/documents/${small}`)).ms);

  const sections = Math.round(chunks.value / CHUNKS_PER_SECTION);
  const big = await upload(largeDocument(sections, `${tenant}-a`), "large-a.md");
  const victim = await upload(largeDocument(sections, `${tenant}-b`), "large-b.md");
  const busy: number[] = [];
  const progress = new Set<number>();
  let lost = 0;
  let deleted: { ms: number; status: number } | undefined;
  for (const started = Date.now(); Date.now() - started < 600_000; ) {
    const poll = await timed(`/v1/documents/${big}`);
    if (poll.status === 0) lost++;
    busy.push(poll.ms);
    const doc = poll.status === 200 ? (JSON.parse(poll.body) as { status: string; progress: { done: number } }) : undefined;
    if (doc) progress.add(doc.progress.done);
    if (!deleted && doc && doc.progress.done > 0) deleted = await timed(`/v1/documents/${victim}`, { method: "DELETE" });
    if (doc?.status === "ready" || doc?.status === "failed") break;
    host.stderr.write(host.stderr.isTTY ? `\r${doc?.status ?? "no answer"} ${doc?.progress.done ?? "?"} chunks` : "");
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  if (host.stderr.isTTY) host.stderr.write("\n");

  const idleP50 = quantile(idle, 0.5);
  const line = (name: string, values: number[]) =>
    `${name.padEnd(22)} p50 ${quantile(values, 0.5).toFixed(0).padStart(6)} ms  p95 ${quantile(values, 0.95).toFixed(0).padStart(6)} ms  max ${Math.max(...values).toFixed(0).padStart(6)} ms  (p95 ${(quantile(values, 0.95) / idleP50).toFixed(1)}x idle p50)`;
  host.stdout.write(`${line("idle GET", idle)}\n${line(`GET while ingesting`, busy)}\n`);
  host.stdout.write(`polls ${busy.length}, without an answer in ${POLL_TIMEOUT_MS} ms: ${lost}; distinct progress values seen: ${progress.size}\n`);
  host.stdout.write(`DELETE mid-ingestion: ${deleted ? `HTTP ${deleted.status} in ${deleted.ms.toFixed(0)} ms (${(deleted.ms / idleP50).toFixed(1)}x idle p50)` : "not sent (no progress seen)"}\n`);
  const worst = Math.max(...busy);
  const ok = lost === 0 && worst <= maxMs.value && deleted?.status === 204 && deleted.ms <= maxMs.value && progress.size >= 3;
  host.stdout.write(`${ok ? "PASS" : "FAIL"}: every poll and the DELETE within ${maxMs.value} ms, none lost, progress seen moving\n`);
  return ok ? 0 : 1;
}

function usageError(host: ScriptHost, message: string): number {
  host.stderr.write(`bench:stall: ${message} (${USAGE})\n`);
  return 2;
}

function largeDocument(sections: number, marker: string): string {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed / 2147483648);
  const vocabulary = Array.from({ length: 3000 }, (_, i) => `w${i.toString(36)}x`);
  const parts: string[] = [];
  for (let s = 0; s < sections; s++) {
    const words = Array.from({ length: 280 }, () => vocabulary[Math.floor(random() * vocabulary.length)]);
    parts.push(`## Section ${s}\n\n${words.join(" ")}. ${marker}\n`);
  }
  return parts.join("\n");
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}
