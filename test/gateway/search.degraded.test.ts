// Workers AI or Vectorize failing on a request's path: hybrid search and ask
// carry on with keywords and say so; what cannot go on answers 503 with
// Retry-After (never 500); a stream ends with its `error` event.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../gateway/app";
import type { AskResponse } from "../../gateway/routes/ask";
import type { SearchResponse } from "../../gateway/routes/search";
import { POISON_PILL } from "../fixtures/poison";
import { BASE, expectError, uploadOk, waitUntilSettled } from "../helpers/api";
import { interceptedAi } from "../helpers/ai";
import { parseSse } from "../helpers/sse";
import { token, uniqueTenant } from "../helpers/tokens";

const TEA = "# Tea\n\nGreen tea is steeped at 80 degrees Celsius for two minutes. Black tea takes boiling water and four minutes.";
const BIKES = "# Bicycles\n\nA chain should be cleaned and oiled every 300 kilometres.";
const CAPACITY = "3040: Capacity temporarily exceeded, please try again.";

const isEmbedding = (model: string) => model.startsWith("@cf/baai/bge-") && !model.includes("reranker");

/** Vectorize whose every query (or delete) fails the way an outage does. */
function brokenVectorize(fail: "query" | "deleteByIds"): Vectorize {
  return new Proxy(env.VECTORIZE, {
    get(target, property) {
      if (property === fail) return () => Promise.reject(new Error("VECTOR_QUERY_ERROR: upstream unavailable"));
      const value: unknown = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

async function post(tenant: string, path: string, body: unknown, overrides: Partial<GatewayEnv> = {}): Promise<Response> {
  const request = new Request(`${BASE}${path}`, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${await token({ tenant })}` },
  });
  return app.fetch(request, { ...env, ...overrides });
}

describe("degraded search and ask", () => {
  const tenant = uniqueTenant();
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    ids["tea"] = (await uploadOk(tenant, TEA, { contentType: "text/markdown", filename: "tea.md" })).id;
    ids["bikes"] = (await uploadOk(tenant, BIKES, { contentType: "text/markdown", filename: "bikes.md" })).id;
    for (const id of Object.values(ids)) expect((await waitUntilSettled(tenant, id)).status).toBe("ready");
  });

  it("answers a healthy search with an empty degraded list and no header", async () => {
    const response = await post(tenant, "/v1/search", { query: "green tea steeped" });
    expect(response.status).toBe(200);
    expect(response.headers.get("X-Degraded")).toBeNull();
    const body = await response.json<SearchResponse>();
    expect(body.degraded).toEqual([]);
    expect(body.results[0]?.sources).toEqual(["vector", "keyword"]);
  });

  it("falls back to keyword results when Workers AI cannot embed the query (the local stand-in's 429)", async () => {
    // The gateway project's local Workers AI fails every text containing the poison pill.
    const response = await post(tenant, "/v1/search", { query: `green tea steeped ${POISON_PILL}` });
    expect(response.status, await response.clone().text()).toBe(200);
    expect(response.headers.get("X-Degraded")).toBe("vector");
    const body = await response.json<SearchResponse>();
    expect(body.degraded).toEqual(["vector"]);
    expect(body.results[0]?.documentId).toBe(ids["tea"]);
    expect(body.results.every((r) => r.sources.join() === "keyword")).toBe(true);
  });

  it("falls back to keyword results when Vectorize fails", async () => {
    const response = await post(tenant, "/v1/search", { query: "bicycle chain oiled" }, { VECTORIZE: brokenVectorize("query") });
    expect(response.status).toBe(200);
    expect(response.headers.get("X-Degraded")).toBe("vector");
    const body = await response.json<SearchResponse>();
    expect(body.degraded).toEqual(["vector"]);
    expect(body.results[0]?.documentId).toBe(ids["bikes"]);
  });

  it("answers vector-only search without a usable retriever with 503 and Retry-After", async () => {
    const busy = await post(tenant, "/v1/search", { query: `tea ${POISON_PILL}`, mode: "vector" });
    await expectError(busy, 503, "model_unavailable");
    expect(busy.headers.get("Retry-After")).toBe("10");
    const down = await post(tenant, "/v1/search", { query: "tea", mode: "vector" }, { VECTORIZE: brokenVectorize("query") });
    await expectError(down, 503, "service_unavailable");
    expect(down.headers.get("Retry-After")).toBe("10");
    // Keyword mode never needed either.
    expect((await post(tenant, "/v1/search", { query: "tea", mode: "keyword" }, { VECTORIZE: brokenVectorize("query") })).status).toBe(200);
  });

  it("keeps the fused order when the reranker fails, and says so", async () => {
    const failingRerank = interceptedAi((_, [model]) => {
      if (model === "@cf/baai/bge-reranker-base") throw new Error(CAPACITY);
    });
    const response = await post(tenant, "/v1/search", { query: "green tea steeped" }, { AI: failingRerank, RERANK_MODEL: "@cf/baai/bge-reranker-base" });
    expect(response.status).toBe(200);
    expect(response.headers.get("X-Degraded")).toBe("rerank");
    const body = await response.json<SearchResponse>();
    expect(body.degraded).toEqual(["rerank"]);
    const plain = await (await post(tenant, "/v1/search", { query: "green tea steeped" })).json<SearchResponse>();
    expect(body.results).toEqual(plain.results);
  });

  it("answers from keyword sources when the query embedding fails, and says so", async () => {
    const failingEmbedding = interceptedAi((_, [model]) => {
      if (isEmbedding(model)) throw new Error(CAPACITY);
    });
    const response = await post(tenant, "/v1/ask", { question: "How long should green tea be steeped?" }, { AI: failingEmbedding });
    expect(response.status, await response.clone().text()).toBe(200);
    expect(response.headers.get("X-Degraded")).toBe("vector");
    const body = await response.json<AskResponse>();
    expect(body.degraded).toEqual(["vector"]);
    expect(body.answer).toMatch(/two minutes/);
    expect(body.citations[0]?.documentId).toBe(ids["tea"]);
  });

  it("answers ask with 503 when no retrieval is usable, JSON or stream", async () => {
    for (const stream of [false, true]) {
      // No keyword matches these words, and the embedding fails: nothing to answer from.
      const response = await post(tenant, "/v1/ask", { question: `Quixotic zephyrs? ${POISON_PILL}`, stream });
      await expectError(response, 503, "model_unavailable");
      expect(response.headers.get("Retry-After")).toBe("10");
    }
  });

  it("ends a stream with its error event when the model fails part way", async () => {
    const encoder = new TextEncoder();
    // The model streams two pieces, then the connection to Workers AI breaks.
    const ai = {
      run: (model: string, input: object, options?: object) => {
        if (!("stream" in input)) return (env.AI.run as (...args: unknown[]) => Promise<unknown>)(model, input, options);
        let sent = 0;
        return Promise.resolve(
          new ReadableStream<Uint8Array>({
            pull(controller) {
              if (sent++ < 2) controller.enqueue(encoder.encode(`data: {"response":"piece${sent} "}\n\n`));
              else controller.error(new Error(CAPACITY));
            },
          }),
        );
      },
    } as unknown as Ai; // Only `run` is used by the gateway.
    const response = await post(tenant, "/v1/ask", { question: "How long should green tea be steeped?", stream: true }, { AI: ai });
    expect(response.status).toBe(200);
    const events = parseSse(await response.text());
    expect(events.map((e) => e.event)).toEqual(["sources", "delta", "delta", "error"]);
    expect(events.at(-1)?.data).toMatchObject({ error: { code: "model_unavailable", requestId: expect.any(String) } });
  });

  it("answers DELETE with 503 while Vectorize is down, and a retry finishes it", async () => {
    const doc = await uploadOk(tenant, "Temporary notes about kites and wind.", { contentType: "text/plain" });
    await waitUntilSettled(tenant, doc.id);
    const del = async (overrides: Partial<GatewayEnv>) =>
      app.fetch(new Request(`${BASE}/v1/documents/${doc.id}`, { method: "DELETE", headers: { Authorization: `Bearer ${await token({ tenant })}` } }), { ...env, ...overrides });
    const down = await del({ VECTORIZE: brokenVectorize("deleteByIds") });
    await expectError(down, 503, "service_unavailable");
    expect(down.headers.get("Retry-After")).toBe("10");
    expect((await del({})).status).toBe(204);
  });
});

describe("the answer model", () => {
  const tenant = uniqueTenant();
  beforeAll(async () => {
    const doc = await uploadOk(tenant, TEA, { contentType: "text/markdown", filename: "tea.md" });
    await waitUntilSettled(tenant, doc.id);
  });

  it("names the same model in a streamed answer as in a JSON one", async () => {
    const question = { question: "How long should green tea be steeped?" };
    const whole = await (await post(tenant, "/v1/ask", question)).json<AskResponse>();
    const streamed = parseSse(await (await post(tenant, "/v1/ask", { ...question, stream: true })).text()).at(-1)?.data as AskResponse;
    expect(whole.model).toMatch(/^local-extractive/);
    expect(streamed.model).toBe(whole.model);
  });

  it("says which setting is wrong when Workers AI does not serve ANSWER_MODEL", async () => {
    const response = await post(tenant, "/v1/ask", { question: "How long should green tea be steeped?" }, { ANSWER_MODEL: "@cf/meta/llama-9-imaginary" });
    const body = await expectError(response, 500, "server_misconfigured");
    expect(body.error.message).toContain("ANSWER_MODEL");
  });

  it("says which setting is wrong, and why, for a retired ANSWER_MODEL", async () => {
    const response = await post(tenant, "/v1/ask", { question: "tea?" }, { ANSWER_MODEL: "@cf/meta/llama-3.1-8b-instruct" });
    const body = await expectError(response, 500, "server_misconfigured");
    expect(body.error.message).toContain("ANSWER_MODEL");
    expect(body.error.message).toContain("@cf/meta/llama-3.1-8b-instruct");
    expect(body.error.message).toMatch(/retired/);
  });
});
