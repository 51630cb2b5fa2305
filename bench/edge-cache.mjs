// `npm run bench:cache [-- --url http://127.0.0.1:8787 --rounds 300]`
// Against a running local stack (npm run dev): the latency of a cached
// POST /v1/search (X-Cache: HIT) against the same request with the cache
// bypassed (Cache-Control: no-store: full hybrid retrieval) and against a bare
// GET /health, measured interleaved in one run and printed as ratios.
import { parseArgs } from "node:util";
import { SignJWT } from "jose";
import { ensureDevVars, readDevVars } from "../scripts/dev-vars.mjs";

const { values } = parseArgs({ options: { url: { type: "string", default: "http://127.0.0.1:8787" }, rounds: { type: "string", default: "300" } } });
const base = values.url.replace(/\/$/, "");
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 10) {
  console.error("--rounds must be a whole number >= 10");
  process.exit(2);
}

ensureDevVars();
const tenant = `bench-${Date.now().toString(36)}`;
const secret = readDevVars().JWT_SECRET;
if (!secret) {
  console.error(".dev.vars has no JWT_SECRET");
  process.exit(1);
}
const token = await new SignJWT({ tenant })
  .setProtectedHeader({ alg: "HS256", typ: "JWT" })
  .setSubject("bench")
  .setIssuedAt()
  .setExpirationTime("1h")
  .sign(new TextEncoder().encode(secret));
const auth = { Authorization: `Bearer ${token}` };

async function must(response, what) {
  if (!response.ok) throw new Error(`${what}: ${response.status} ${await response.text()}`);
  return response;
}

// A small corpus, so the bypassed search does real retrieval work.
const ids = [];
for (let i = 0; i < 20; i++) {
  const text = `# Note ${i}\n\nGreen tea number ${i} is steeped at ${70 + i} degrees for ${1 + (i % 4)} minutes. Oolong and black teas differ.`;
  const response = await must(await fetch(`${base}/v1/documents?filename=note-${i}.md`, { method: "POST", headers: { ...auth, "Content-Type": "text/markdown" }, body: text }), "upload");
  ids.push((await response.json()).id);
}
for (const id of ids) {
  for (;;) {
    const doc = await (await must(await fetch(`${base}/v1/documents/${id}`, { headers: auth }), "poll")).json();
    if (doc.status === "ready") break;
    if (doc.status === "failed") throw new Error(`document ${id} failed: ${JSON.stringify(doc.error)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const body = JSON.stringify({ query: "how hot should the water be for green tea?", topK: 10 });
const search = (extra = {}) => fetch(`${base}/v1/search`, { method: "POST", headers: { ...auth, "Content-Type": "application/json", ...extra }, body });
const warm = await must(await search(), "warm-up search");
await warm.text();

async function timed(send, expectCache) {
  const started = performance.now();
  const response = await send();
  await response.arrayBuffer();
  const ms = performance.now() - started;
  if (!response.ok) throw new Error(`${response.url}: ${response.status}`);
  if (expectCache && !response.headers.get("X-Cache")?.startsWith(expectCache)) throw new Error(`expected X-Cache ${expectCache}, got ${response.headers.get("X-Cache")}`);
  return ms;
}

const samples = { hit: [], bypass: [], health: [] };
for (let i = 0; i < rounds; i++) {
  samples.hit.push(await timed(() => search(), "HIT"));
  samples.bypass.push(await timed(() => search({ "Cache-Control": "no-store" }), "BYPASS"));
  samples.health.push(await timed(() => fetch(`${base}/health`), null));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)];
const m = { hit: median(samples.hit), bypass: median(samples.bypass), health: median(samples.health) };
console.log(`${rounds} rounds against ${base}, tenant ${tenant} (20 documents), sequential, interleaved`);
for (const [name, label] of [["hit", "search, cache HIT     "], ["bypass", "search, no-store      "], ["health", "GET /health           "]]) {
  console.log(`${label} median ${m[name].toFixed(2)} ms   p95 ${p95(samples[name]).toFixed(2)} ms`);
}
console.log(`bypassed / hit: ${(m.bypass / m.hit).toFixed(2)}x   hit / health: ${(m.hit / m.health).toFixed(2)}x`);
