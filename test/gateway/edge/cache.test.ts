// The response cache: two layers, keyed by tenant, route, normalised body,
// settings and corpus version, so it never serves a stale or foreign answer.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { AskResponse } from "../../../gateway/routes/ask";
import type { SearchResponse } from "../../../gateway/routes/search";
import { KV_PREFIX, syntheticUrl } from "../../../gateway/edge/cache/store";
import { uploadOk, waitUntilSettled } from "../../helpers/api";
import { edgeAuthed, postJson } from "../../helpers/edge";
import { parseSse } from "../../helpers/sse";
import { uniqueTenant } from "../../helpers/tokens";

const TEA = "# Tea\n\nGreen tea is steeped at 80 degrees Celsius for two minutes.";
const OOLONG = "# Oolong\n\nOolong tea is steeped at 90 degrees Celsius for three minutes.";
const BIKES = "# Bicycles\n\nA chain should be cleaned and oiled every 300 kilometres.";

async function ingest(tenant: string, text: string, filename: string): Promise<string> {
  const { id } = await uploadOk(tenant, text, { contentType: "text/markdown", filename });
  expect((await waitUntilSettled(tenant, id)).status).toBe("ready");
  return id;
}

const search = (tenant: string, body: unknown, headers: Record<string, string> = {}) => edgeAuthed({ tenant }, "/v1/search", postJson(body, headers));
const ask = (tenant: string, body: unknown, headers: Record<string, string> = {}) => edgeAuthed({ tenant }, "/v1/ask", postJson(body, headers));
const documentIds = async (response: Response) => (await response.json<SearchResponse>()).results.map((r) => r.documentId).sort();

async function kvKeys(): Promise<Set<string>> {
  const keys = new Set<string>();
  let cursor: string | undefined;
  for (;;) {
    const page = await env.EDGE_CACHE.list({ prefix: KV_PREFIX, ...(cursor ? { cursor } : {}) });
    for (const key of page.keys) keys.add(key.name.slice(KV_PREFIX.length));
    if (page.list_complete) return keys;
    cursor = page.cursor;
  }
}

describe("response cache", () => {
  const tenant = uniqueTenant("cache");
  let teaId = "";
  beforeAll(async () => {
    teaId = await ingest(tenant, TEA, "tea.md");
  });

  it("misses, then hits the Cache API with an Age; the same body spelled differently shares the entry", async () => {
    const first = await search(tenant, { query: "green tea steeping" });
    expect(first.status).toBe(200);
    expect(first.headers.get("X-Cache")).toBe("MISS");
    expect(first.headers.get("Age")).toBeNull();
    const firstBody = await first.json<SearchResponse>();

    const second = await search(tenant, { topK: 10, mode: "hybrid", query: "  green tea steeping " });
    expect(second.headers.get("X-Cache")).toBe("HIT; layer=cache-api");
    expect(Number(second.headers.get("Age"))).toBeGreaterThanOrEqual(0);
    expect(await second.json<SearchResponse>()).toEqual(firstBody);

    // A different setting is a different answer.
    expect((await search(tenant, { query: "green tea steeping", topK: 3 })).headers.get("X-Cache")).toBe("MISS");
  });

  it("falls back to KV when this data center's cache has no entry, and refills it", async () => {
    const before = await kvKeys();
    expect((await search(tenant, { query: "tea temperature in degrees" })).headers.get("X-Cache")).toBe("MISS");
    const added = [...(await kvKeys())].filter((k) => !before.has(k));
    expect(added).toHaveLength(1);
    // Another data center: the Cache API there has never seen the entry.
    expect(await caches.default.delete(syntheticUrl(added[0] ?? ""))).toBe(true);
    expect((await search(tenant, { query: "tea temperature in degrees" })).headers.get("X-Cache")).toBe("HIT; layer=kv");
    expect((await search(tenant, { query: "tea temperature in degrees" })).headers.get("X-Cache")).toBe("HIT; layer=cache-api");
  });

  it("skips the read on Cache-Control: no-cache, and read and write on no-store", async () => {
    const noStore = await search(tenant, { query: "how long for green tea" }, { "Cache-Control": "no-store" });
    expect(noStore.headers.get("X-Cache")).toBe("BYPASS");
    // no-store wrote nothing:
    expect((await search(tenant, { query: "how long for green tea" })).headers.get("X-Cache")).toBe("MISS");
    expect((await search(tenant, { query: "how long for green tea" }, { "Cache-Control": "no-cache" })).headers.get("X-Cache")).toBe("BYPASS");
    expect((await search(tenant, { query: "how long for green tea" })).headers.get("X-Cache")).toBe("HIT; layer=cache-api");
  });

  it("never caches errors", async () => {
    for (let i = 0; i < 2; i++) {
      const bad = await search(tenant, { query: "" });
      expect(bad.status).toBe(400);
      expect(bad.headers.get("X-Cache")).toBeNull();
    }
  });

  it("changes the answer right after a new document turns ready, and right after a delete", async () => {
    const own = uniqueTenant("cache");
    const tea = await ingest(own, TEA, "tea.md");
    const question = { query: "tea steeped degrees Celsius minutes" };
    expect(await documentIds(await search(own, question))).toEqual([tea]);
    expect((await search(own, question)).headers.get("X-Cache")).toBe("HIT; layer=cache-api");

    const oolong = await ingest(own, OOLONG, "oolong.md");
    const afterReady = await search(own, question);
    expect(afterReady.headers.get("X-Cache")).toBe("MISS");
    expect(await documentIds(afterReady)).toEqual([tea, oolong].sort());
    expect((await search(own, question)).headers.get("X-Cache")).toBe("HIT; layer=cache-api");

    expect((await edgeAuthed({ tenant: own }, `/v1/documents/${oolong}`, { method: "DELETE" })).status).toBe(204);
    const afterDelete = await search(own, question);
    expect(afterDelete.headers.get("X-Cache")).toBe("MISS");
    expect(await documentIds(afterDelete)).toEqual([tea]);
  });

  it("neither reads nor writes while a corpus change is in progress, and misses once it settles", async () => {
    const own = uniqueTenant("cache");
    await ingest(own, TEA, "tea.md");
    const question = { query: "green tea minutes" };
    expect((await search(own, question)).headers.get("X-Cache")).toBe("MISS");
    const gate = env.TENANT_GATE.get(env.TENANT_GATE.idFromName(own));
    await gate.corpusChanging("doc_00000000000000000000000000000001");
    expect((await search(own, question)).headers.get("X-Cache")).toBe("BYPASS");
    expect((await search(own, question)).headers.get("X-Cache")).toBe("BYPASS");
    await gate.corpusChanged("doc_00000000000000000000000000000001");
    expect((await search(own, question)).headers.get("X-Cache")).toBe("MISS");
    expect((await search(own, question)).headers.get("X-Cache")).toBe("HIT; layer=cache-api");
  });

  it("keeps tenants apart: the same question from two tenants gets each its own answer", async () => {
    const other = uniqueTenant("cache");
    const bikes = await ingest(other, BIKES, "bikes.md");
    const question = { question: "How often should it be cleaned, and how long is tea steeped?" };
    const mine = await ask(tenant, question);
    const theirs = await ask(other, question);
    expect(mine.headers.get("X-Cache")).toBe("MISS");
    expect(theirs.headers.get("X-Cache")).toBe("MISS");
    const myAnswer = await mine.json<AskResponse>();
    const theirAnswer = await theirs.json<AskResponse>();
    expect(myAnswer.citations.map((c) => c.documentId)).toEqual([teaId]);
    expect(theirAnswer.citations.map((c) => c.documentId)).toEqual([bikes]);
    const again = await ask(other, question);
    expect(again.headers.get("X-Cache")).toBe("HIT; layer=cache-api");
    expect(await again.json<AskResponse>()).toEqual(theirAnswer);
  });

  it("replays a cached ask as the same stream events: sources, the whole answer as one delta, done", async () => {
    const question = { question: "At what temperature is green tea steeped?" };
    const live = await ask(tenant, { ...question, stream: true });
    expect(live.headers.get("X-Cache")).toBe("MISS");
    const liveEvents = parseSse(await live.text());
    expect(liveEvents[0]?.event).toBe("sources");
    expect(liveEvents.at(-1)?.event).toBe("done");
    const answer = liveEvents.at(-1)?.data as AskResponse;

    const replayed = await ask(tenant, { ...question, stream: true });
    expect(replayed.headers.get("X-Cache")).toBe("HIT; layer=cache-api");
    expect(replayed.headers.get("Content-Type")).toMatch(/^text\/event-stream/);
    const events = parseSse(await replayed.text());
    expect(events.map((e) => e.event)).toEqual(["sources", "delta", "done"]);
    expect(events[0]?.data).toEqual(liveEvents[0]?.data);
    expect(events[1]?.data).toEqual({ text: answer.answer });
    expect(events[2]?.data).toEqual(answer);

    // The JSON form of the same question is the same entry.
    const json = await ask(tenant, question);
    expect(json.headers.get("X-Cache")).toBe("HIT; layer=cache-api");
    expect(await json.json<AskResponse>()).toEqual(answer);
  });

  it("does not cache a stream that ended in an error", async () => {
    const question = { question: "How hot is the water for green tea, in degrees?", stream: true };
    const failing = { run: () => Promise.reject(new Error("3040: Capacity temporarily exceeded")) };
    const ai = { run: (model: string, input: unknown, options?: unknown) => (typeof input === "object" && input !== null && "messages" in input ? failing.run() : (env.AI.run as (...a: unknown[]) => unknown)(model, input, options)) };
    const broken = await edgeAuthed({ tenant }, "/v1/ask", postJson(question), { AI: ai });
    expect(parseSse(await broken.text()).map((e) => e.event)).toEqual(["sources", "error"]);
    const next = await ask(tenant, question);
    expect(next.headers.get("X-Cache")).toBe("MISS");
    expect(parseSse(await next.text()).at(-1)?.event).toBe("done");
  });
});
