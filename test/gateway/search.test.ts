// Hybrid search: finds the right chunk, only from the caller's ready documents.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../gateway/app";
import type { SearchResponse } from "../../gateway/routes/search";
import { interceptedAi } from "../helpers/ai";
import { BASE, expectError, uploadOk, waitUntilSettled } from "../helpers/api";
import { searchOk, searchRequest } from "../helpers/search";
import { token, uniqueTenant } from "../helpers/tokens";

const DOCS = {
  tea: "# Tea\n\nGreen tea is steeped at 80 degrees Celsius for two minutes. Black tea takes boiling water and four minutes.",
  bikes: "# Bicycles\n\nA chain should be cleaned and oiled every 300 kilometres. Tyre pressure for road bikes is usually 6 to 8 bar.",
  bread: "# Bread\n\nSourdough needs a starter fed with flour and water. The dough proves overnight in a cool kitchen.",
};

async function ingest(tenant: string, docs: Record<string, string> = DOCS): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const [name, text] of Object.entries(docs)) {
    ids[name] = (await uploadOk(tenant, text, { contentType: "text/markdown", filename: `${name}.md` })).id;
  }
  for (const id of Object.values(ids)) expect((await waitUntilSettled(tenant, id)).status).toBe("ready");
  return ids;
}

describe("search", () => {
  it("finds the chunk that states a known fact, from both retrievers", async () => {
    const tenant = uniqueTenant();
    const ids = await ingest(tenant);
    const { results, mode } = await searchOk(tenant, { query: "How often should I oil my bicycle chain?" });
    expect(mode).toBe("hybrid");
    const [top] = results;
    expect(top).toMatchObject({ documentId: ids["bikes"], filename: "bikes.md", chunkIndex: 0, pages: [1] });
    expect(top?.text).toContain("every 300 kilometres");
    expect(top?.sources).toEqual(["vector", "keyword"]);
    expect(results.map((r) => r.score)).toEqual([...results.map((r) => r.score)].sort((a, b) => b - a));
  });

  it("honours topK, documentIds and the single-retriever modes", async () => {
    const tenant = uniqueTenant();
    const ids = await ingest(tenant);
    expect((await searchOk(tenant, { query: "water", topK: 1 })).results).toHaveLength(1);

    const onlyBread = await searchOk(tenant, { query: "water minutes", documentIds: [ids["bread"]] });
    expect(onlyBread.results.length).toBeGreaterThan(0);
    expect(onlyBread.results.every((r) => r.documentId === ids["bread"])).toBe(true);

    const keyword = await searchOk(tenant, { query: "sourdough starter", mode: "keyword" });
    expect(keyword.results[0]?.documentId).toBe(ids["bread"]);
    expect(keyword.results.every((r) => r.sources.join() === "keyword")).toBe(true);
    const vector = await searchOk(tenant, { query: "sourdough starter", mode: "vector" });
    expect(vector.results[0]?.documentId).toBe(ids["bread"]);
    expect(vector.results.every((r) => r.sources.join() === "vector")).toBe(true);
  });

  it("never returns another tenant's chunks, even when the vector index hands them over", async () => {
    const owner = uniqueTenant("owner");
    const intruder = uniqueTenant("intruder");
    const ids = await ingest(owner);
    await ingest(intruder, { notes: "Meeting notes about the bicycle chain budget." });

    // Plant the owner's chunk ids in the intruder's namespace: as if the index leaked across tenants.
    const ownerChunks = await env.DB.prepare("SELECT id FROM chunks WHERE document_id = ?").bind(ids["bikes"]).all<{ id: string }>();
    const planted = await env.VECTORIZE.getByIds(ownerChunks.results.map((r) => r.id));
    expect(planted.length).toBeGreaterThan(0);
    await env.VECTORIZE.upsert(planted.map((v) => ({ id: v.id, values: [...v.values], namespace: intruder, metadata: v.metadata ?? {} })));
    // Writes apply later; the intruder's own vectors answer at once, so wait for a planted id itself.
    const plantedIds = new Set(planted.map((v) => v.id));
    await expect
      .poll(async () => (await env.VECTORIZE.query([...(planted[0]?.values ?? [])], { namespace: intruder, topK: 5 })).matches.some((m) => plantedIds.has(m.id)), { timeout: 5_000 })
      .toBe(true);

    const { results } = await searchOk(intruder, { query: "How often should I oil my bicycle chain?", topK: 50 });
    const ownerIds = new Set(Object.values(ids));
    expect(results.filter((r) => ownerIds.has(r.documentId))).toEqual([]);
    // Asking for the owner's document by id does not help either.
    expect((await searchOk(intruder, { query: "bicycle chain", documentIds: [ids["bikes"]] })).results).toEqual([]);
  });

  it("does not let another tenant's keyword matches crowd out the caller's", async () => {
    const term = `zebrine${crypto.randomUUID().slice(0, 8).replace(/-/g, "")}`;
    const owner = uniqueTenant("owner");
    const neighbour = uniqueTenant("neighbour");
    // The neighbour's chunks say the term over and over: they outrank the owner's one mention in BM25.
    const loud = Array.from({ length: 60 }, (_, i) => `Section ${i}. ${`${term} `.repeat(40)}`).join("\n\n");
    const quiet = `A long note that mentions ${term} only once. ${"The rest is about gardening, weather and the price of tomatoes. ".repeat(20)}`;
    const [loudDoc, quietDoc] = [await uploadOk(neighbour, loud, { contentType: "text/plain" }), await uploadOk(owner, quiet, { contentType: "text/plain" })];
    const loudReady = await waitUntilSettled(neighbour, loudDoc.id, 30_000);
    expect(loudReady.chunks).toBeGreaterThan(40);
    await waitUntilSettled(owner, quietDoc.id);
    // Keyword search reads 40 candidates for topK 1: all of them must be the caller's to choose from.
    const { results } = await searchOk(owner, { query: term, mode: "keyword", topK: 1 });
    expect(results.map((r) => r.documentId)).toEqual([quietDoc.id]);
  });

  it("reports the time the search took, including its slowest retriever", async () => {
    const tenant = uniqueTenant();
    await ingest(tenant, { tea: DOCS.tea });
    const slowEmbedding = interceptedAi(async () => {
      await new Promise((resolve) => setTimeout(resolve, 250));
    });
    const started = Date.now();
    const response = await app.fetch(
      new Request(`${BASE}/v1/search`, {
        method: "POST",
        body: JSON.stringify({ query: "green tea" }),
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${await token({ tenant })}` },
      }),
      { ...env, AI: slowEmbedding },
    );
    const elapsed = Date.now() - started;
    const { tookMs } = await response.json<SearchResponse>();
    expect(Number.isInteger(tookMs)).toBe(true);
    expect(tookMs).toBeGreaterThanOrEqual(250);
    expect(tookMs).toBeLessThanOrEqual(elapsed);
  });

  it("does not return chunks of documents that are not ready", async () => {
    const tenant = uniqueTenant();
    const ids = await ingest(tenant);
    await env.DB.prepare("UPDATE documents SET status = 'processing' WHERE id = ?").bind(ids["tea"]).run();
    const { results } = await searchOk(tenant, { query: "green tea steeped degrees", topK: 50 });
    expect(results.some((r) => r.documentId === ids["tea"])).toBe(false);
  });

  describe("hostile queries", () => {
    const tenant = uniqueTenant();
    beforeAll(async () => {
      await ingest(tenant, { tea: DOCS.tea });
    });

    it.each([
      '"unbalanced quote tea',
      "NEAR(tea bread, 2)",
      "tea*",
      "-tea",
      "text:tea",
      "((tea",
      "tea)) OR",
      "AND OR NOT",
      "^tea + {bread}",
      "'; DROP TABLE chunks; -- tea",
      "\u0000\u0001 tea",
      "tea\nbread\ttyre",
      "茶 のみ",
    ])("treats %j as plain words, never FTS5 syntax", async (query) => {
      const response = await searchRequest(tenant, { query, mode: "keyword" });
      expect(response.status, await response.clone().text()).toBe(200);
      const { results } = await response.json<{ results: { sources: string[] }[] }>();
      // The word inside the syntax still finds the document by keyword.
      if (/\btea\b/.test(query)) expect(results[0]?.sources).toEqual(["keyword"]);
    });
  });

  it("answers a query made only of stopwords or punctuation with an empty keyword list, not an error", async () => {
    const tenant = uniqueTenant();
    await ingest(tenant, { tea: DOCS.tea });
    const { results } = await searchOk(tenant, { query: "what is the", mode: "keyword" });
    expect(results).toEqual([]);
    expect((await searchOk(tenant, { query: "?!", mode: "keyword" })).results).toEqual([]);
  });

  it("rejects empty, oversized and malformed requests with 400", async () => {
    const tenant = uniqueTenant();
    for (const body of [{}, { query: "" }, { query: "   " }, { query: "x".repeat(2001) }, { query: "ok", topK: 0 }, { query: "ok", topK: 101 }, { query: "ok", mode: "magic" }, { query: "ok", documentIds: [] }, { query: 42 }]) {
      await expectError(await searchRequest(tenant, body), 400, "invalid_request");
    }
    await expectError(await searchRequest(tenant, "not json"), 400, "invalid_request");
    // Ids are checked for shape, so a filter can never outgrow Vectorize's 2 KiB limit.
    await expectError(await searchRequest(tenant, { query: "ok", documentIds: ["x".repeat(64)] }), 400, "invalid_request");
    await expectError(await searchRequest(tenant, { query: "ok", documentIds: Array.from({ length: 51 }, () => `doc_${"0".repeat(32)}`) }), 400, "invalid_request");
    await expectError(await searchRequest(tenant, { query: "x".repeat(70_000) }), 413, "request_too_large");
  });

  it("accepts the largest documentIds filter the API allows", async () => {
    const tenant = uniqueTenant();
    const ids = await ingest(tenant, { tea: DOCS.tea });
    const documentIds = [ids["tea"] ?? "", ...Array.from({ length: 49 }, (_, i) => `doc_${i.toString(16).padStart(32, "f")}`)];
    const { results } = await searchOk(tenant, { query: "green tea", documentIds });
    expect(results[0]?.documentId).toBe(ids["tea"]);
  });
});
