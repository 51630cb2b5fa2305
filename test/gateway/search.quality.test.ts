// Retrieval quality on our own collection (eval/collection), through the real
// API: the same ingest and scoring code as `npm run eval`, inside workerd.
// The local embedding is hashed TF-IDF, not a language model, so the floors
// below guard against regressions in retrieval plumbing (fusion, re-checks,
// query building), not the semantic quality real Workers AI brings.
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import corpus from "../../eval/collection/corpus.jsonl?raw";
import qrels from "../../eval/collection/qrels/test.tsv?raw";
import queries from "../../eval/collection/queries.jsonl?raw";
import { buildCollection } from "../../eval/beir";
import { type GatewayClient, gatewayClient } from "../../eval/gateway-client";
import { ingestCorpus } from "../../eval/ingest";
import { type Evaluation, evaluate } from "../../eval/run";
import { BASE } from "../helpers/api";
import { token, uniqueTenant } from "../helpers/tokens";

const collection = buildCollection({ corpus, queries, qrels });

describe("search quality on our collection", () => {
  let client: GatewayClient;
  let corpusIdOf: Map<string, string>;
  const results = new Map<string, Evaluation>();

  beforeAll(async () => {
    client = gatewayClient({ baseUrl: BASE, token: await token({ tenant: uniqueTenant("eval") }), fetch: (r) => exports.default.fetch(r) });
    const outcome = await ingestCorpus(client, collection.corpus, { concurrency: 8, pollIntervalMs: 200, timeoutMs: 60_000 });
    if (outcome.kind !== "ready") throw new Error(`ingest did not finish: ${JSON.stringify(outcome).slice(0, 300)}`);
    corpusIdOf = outcome.corpusIdOf;
    for (const mode of ["hybrid", "keyword", "vector"] as const) {
      results.set(mode, await evaluate(collection, (query) => client.search({ query, topK: 100, mode }), { k: 10, corpusIdOf }));
    }
  }, 120_000);

  it("ranks a fully relevant document first for most queries in every mode", () => {
    for (const [mode, evaluation] of results) {
      expect(evaluation.ndcg, mode).toBeGreaterThan(0.75);
      expect(evaluation.mrr, mode).toBeGreaterThan(0.8);
    }
  });

  it("hybrid finds at least what each retriever finds alone", () => {
    const hybrid = results.get("hybrid");
    for (const single of ["keyword", "vector"]) {
      expect(hybrid?.recall ?? 0).toBeGreaterThanOrEqual(results.get(single)?.recall ?? 1);
    }
  });

  // The default mode must never be worse than the simpler one it contains.
  it("hybrid ranks at least as well as keyword alone (nDCG@10)", () => {
    expect(results.get("hybrid")?.ndcg ?? 0).toBeGreaterThanOrEqual(results.get("keyword")?.ndcg ?? 1);
  });

  it("finds the document holding a rare exact code", async () => {
    const hits = await client.search({ query: "WM-340 E17", topK: 5, mode: "hybrid" });
    expect(corpusIdOf.get(hits[0]?.documentId ?? "")).toBe("d41");
  });
});
