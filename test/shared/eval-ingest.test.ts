// The eval command's client side against a fake gateway: the HTTP server is this
// code's network edge. The fake follows the documents API's contract (202/200 with
// duplicate, newest-first cursor pages, status filter, error envelope).
import { describe, expect, it } from "vitest";
import type { BeirDocument } from "../../eval/beir";
import { mapConcurrent } from "../../eval/concurrency";
import { ApiCallError, gatewayClient } from "../../eval/gateway-client";
import { cleanFilename } from "../../gateway/document-type";
import { ingestCorpus, type IngestProgress, uploadBody, uploadFilename } from "../../eval/ingest";
import { parseRetryAfter, type RetryPolicy, withRetry } from "../../eval/retry";

type Status = "queued" | "processing" | "ready" | "failed";

interface FakeDocument {
  id: string;
  filename: string;
  body: string;
  status: Status;
  polls: number;
}

/** A gateway whose documents advance one status per listing round; hooks add failures. */
function fakeGateway(hooks: { uploadFails?: (attempt: number, filename: string) => number | null; fails?: (body: string) => boolean } = {}) {
  const documents: FakeDocument[] = [];
  const attempts = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  let listCalls = 0;
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

  const fetch = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    expect(request.headers.get("Authorization")).toBe("Bearer T");
    if (request.method === "POST" && url.pathname === "/v1/documents") {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 0));
      inFlight--;
      const filename = url.searchParams.get("filename") ?? "";
      const attempt = (attempts.get(filename) ?? 0) + 1;
      attempts.set(filename, attempt);
      const failure = hooks.uploadFails?.(attempt, filename);
      if (failure) return json(failure, { error: { code: failure === 429 ? "rate_limited" : "internal", message: "try later", requestId: "r" } });
      const body = await request.text();
      const existing = documents.find((doc) => doc.body === body);
      if (existing) return json(200, { id: existing.id, status: existing.status, duplicate: true });
      const doc = { id: `doc_${documents.length}`, filename, body, status: "queued" as Status, polls: 0 };
      documents.push(doc);
      return json(202, { id: doc.id, status: doc.status, duplicate: false });
    }
    if (request.method === "GET" && url.pathname === "/v1/documents") {
      listCalls++;
      const status = url.searchParams.get("status");
      // Each listing of the queued documents is one poll round: everything moves on a step.
      if (status === "queued") for (const doc of documents) advance(doc);
      const limit = Number(url.searchParams.get("limit"));
      const matching = [...documents].reverse().filter((doc) => status === null || doc.status === status);
      const start = Number(url.searchParams.get("cursor") ?? "0");
      const page = matching.slice(start, start + limit);
      return json(200, {
        documents: page.map((doc) => ({
          id: doc.id,
          filename: doc.filename,
          status: doc.status,
          error: doc.status === "failed" ? { code: "extraction_failed", message: "no text" } : null,
        })),
        nextCursor: start + limit < matching.length ? String(start + limit) : null,
      });
    }
    return json(404, { error: { code: "not_found", message: "No such route.", requestId: "r" } });
  };

  function advance(doc: FakeDocument) {
    doc.polls++;
    if (doc.status === "queued") doc.status = "processing";
    else if (doc.status === "processing") doc.status = hooks.fails?.(doc.body) ? "failed" : "ready";
  }

  return { fetch, documents, attempts, stats: () => ({ maxInFlight, listCalls }) };
}

const noWait: RetryPolicy = { attempts: 4, baseMs: 1, maxMs: 10, sleep: async () => {} };
const corpus: BeirDocument[] = Array.from({ length: 230 }, (_, i) => ({ id: `c${i}`, title: `Title ${i}`, text: `Text of document ${i}.` }));
// A real macrotask between rounds, as in production: the fake uploads wait on timers too.
const options = { concurrency: 8, pollIntervalMs: 0, sleep: () => new Promise<void>((resolve) => setTimeout(resolve, 0)) };

describe("ingestCorpus", () => {
  it("uploads title and text under <_id>.txt, waits until all are ready, and maps ids back", async () => {
    const gateway = fakeGateway();
    const client = gatewayClient({ baseUrl: "http://gw.test", token: "T", fetch: gateway.fetch, retry: noWait });
    const progress: IngestProgress[] = [];
    const outcome = await ingestCorpus(client, corpus, { ...options, onProgress: (p) => progress.push(p) });

    expect(outcome.kind).toBe("ready");
    if (outcome.kind !== "ready") return;
    expect(outcome.corpusIdOf.size).toBe(230);
    for (const doc of gateway.documents) {
      const corpusId = outcome.corpusIdOf.get(doc.id) ?? "";
      expect(doc.filename).toBe(`${corpusId}.txt`);
      expect(doc.body).toBe(`Title ${corpusId.slice(1)}\n\nText of document ${corpusId.slice(1)}.`);
      expect(doc.status).toBe("ready");
    }
    expect(gateway.stats().maxInFlight).toBe(8);
    expect(progress.at(-1)).toMatchObject({ total: 230, uploaded: 230, ready: 230, failed: 0 });
  });

  it("retries uploads answered 429 or 5xx, and does not upload twice", async () => {
    const gateway = fakeGateway({ uploadFails: (attempt, filename) => (filename === "c3.txt" && attempt < 3 ? 429 : filename === "c4.txt" && attempt === 1 ? 503 : null) });
    const retries: string[] = [];
    const client = gatewayClient({ baseUrl: "http://gw.test", token: "T", fetch: gateway.fetch, retry: { ...noWait, onRetry: (reason) => retries.push(reason) } });
    const outcome = await ingestCorpus(client, corpus.slice(0, 10), options);
    expect(outcome.kind).toBe("ready");
    expect(retries.sort()).toEqual(["HTTP 429", "HTTP 429", "HTTP 503"]);
    expect(gateway.documents).toHaveLength(10);
  });

  it("gives up on an upload that keeps failing, with the API's error", async () => {
    const gateway = fakeGateway({ uploadFails: (_attempt, filename) => (filename === "c2.txt" ? 500 : null) });
    const client = gatewayClient({ baseUrl: "http://gw.test", token: "T", fetch: gateway.fetch, retry: noWait });
    const failure = ingestCorpus(client, corpus.slice(0, 5), options);
    await expect(failure).rejects.toBeInstanceOf(ApiCallError);
    await expect(failure).rejects.toThrow("POST /v1/documents?filename=c2.txt: HTTP 500 internal: try later");
    expect(gateway.attempts.get("c2.txt")).toBe(4);
  });

  it("reports every document that failed, with its corpus id and error", async () => {
    const gateway = fakeGateway({ fails: (body) => body.includes("document 7.") || body.includes("document 150.") });
    const client = gatewayClient({ baseUrl: "http://gw.test", token: "T", fetch: gateway.fetch, retry: noWait });
    const outcome = await ingestCorpus(client, corpus, options);
    expect(outcome.kind).toBe("failed");
    if (outcome.kind !== "failed") return;
    expect(outcome.failed.map((f) => [f.corpusId, f.document.error?.code]).sort()).toEqual([
      ["c150", "extraction_failed"],
      ["c7", "extraction_failed"],
    ]);
  });

  it("keeps one document for identical bytes and records the merge", async () => {
    const gateway = fakeGateway();
    const client = gatewayClient({ baseUrl: "http://gw.test", token: "T", fetch: gateway.fetch, retry: noWait });
    const twins = [...corpus.slice(0, 3), { id: "twin", title: "Title 1", text: "Text of document 1." }];
    const outcome = await ingestCorpus(client, twins, { ...options, concurrency: 1 });
    expect(outcome).toMatchObject({ kind: "ready", merged: [{ corpusId: "twin", sameAs: "c1" }] });
  });

  it("stops waiting at the timeout and names what is still pending", async () => {
    const gateway = fakeGateway();
    const client = gatewayClient({ baseUrl: "http://gw.test", token: "T", fetch: gateway.fetch, retry: noWait });
    let clock = 0;
    const outcome = await ingestCorpus(client, corpus.slice(0, 3), { ...options, timeoutMs: 0, now: () => (clock += 10) });
    expect(outcome.kind).toBe("timeout");
    if (outcome.kind !== "timeout") return;
    expect(outcome.pending.map((p) => p.corpusId).sort()).toEqual(["c0", "c1", "c2"]);
  });

  it("uploads what uploadBody and uploadFilename say", () => {
    expect(uploadBody({ id: "x", title: "", text: "only text" })).toBe("only text");
    expect(uploadFilename({ id: "doc7", title: "", text: "" })).toBe("doc7.txt");
  });

  it("gives ids with path separators a filename the gateway stores unchanged, so --reuse-tenant finds them", () => {
    for (const id of ["<dbpedia:Apollo_Command/Service_Module>", "a\\b", "50%/x", "%2F"]) {
      const filename = uploadFilename({ id, title: "", text: "" });
      expect(cleanFilename(filename, "text/plain")).toBe(filename);
    }
    // Distinct ids stay distinct: "%" is escaped too.
    expect(uploadFilename({ id: "a/b", title: "", text: "" })).not.toBe(uploadFilename({ id: "a%2Fb", title: "", text: "" }));
  });
});

describe("gatewayClient", () => {
  it("pages through every document with the cursor", async () => {
    const gateway = fakeGateway();
    const client = gatewayClient({ baseUrl: "http://gw.test", token: "T", fetch: gateway.fetch, retry: noWait });
    await mapConcurrent(corpus, 4, (doc) => client.upload(uploadBody(doc), uploadFilename(doc)));
    expect(await client.listAll()).toHaveLength(230);
    expect(gateway.stats().listCalls).toBe(3);
  });

  it("reports a gateway that never answers, after its retries, as an ApiCallError without a status", async () => {
    let calls = 0;
    const client = gatewayClient({
      baseUrl: "http://gw.test",
      token: "T",
      retry: noWait,
      fetch: async () => {
        calls++;
        throw new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED") });
      },
    });
    const failure = client.listPage({ limit: 1 });
    await expect(failure).rejects.toMatchObject({ status: null, message: "GET /v1/documents?limit=1: no answer from http://gw.test (fetch failed: connect ECONNREFUSED)" });
    expect(calls).toBe(4);
  });

  it("turns an answer of the wrong shape into an ApiCallError naming the field", async () => {
    const client = gatewayClient({
      baseUrl: "http://gw.test",
      token: "T",
      retry: noWait,
      fetch: async () => new Response(JSON.stringify({ results: [{ documentId: 5, chunkIndex: 0, score: 1 }] })),
    });
    await expect(client.search({ query: "x", topK: 50, mode: "keyword" })).rejects.toThrow(/POST \/v1\/search: HTTP 200: unexpected answer \(results\.0\.documentId: /);
  });

  it("sends the search request as JSON and returns the results", async () => {
    let sent: unknown;
    const client = gatewayClient({
      baseUrl: "http://gw.test",
      token: "T",
      retry: noWait,
      fetch: async (request) => {
        sent = await request.json();
        return Response.json({ results: [{ documentId: "doc_1", filename: "a.txt", chunkIndex: 2, pages: [1], text: "t", score: 0.5, sources: ["keyword"] }], tookMs: 3, mode: "keyword" });
      },
    });
    expect(await client.search({ query: "tea", topK: 50, mode: "keyword" })).toMatchObject([{ documentId: "doc_1", chunkIndex: 2 }]);
    expect(sent).toEqual({ query: "tea", topK: 50, mode: "keyword" });
  });
});

describe("withRetry", () => {
  it("waits as long as Retry-After says, and returns the last answer when attempts run out", async () => {
    const waits: number[] = [];
    let calls = 0;
    const response = await withRetry(
      async () => {
        calls++;
        return new Response("busy", { status: 429, headers: { "Retry-After": "2" } });
      },
      { attempts: 3, baseMs: 100, maxMs: 60_000, sleep: async (ms) => void waits.push(ms) },
    );
    expect(calls).toBe(3);
    expect(waits).toEqual([2000, 2000]);
    expect(response.status).toBe(429);
  });

  it("backs off exponentially with full jitter, capped, and retries dropped connections", async () => {
    const waits: number[] = [];
    let calls = 0;
    const response = await withRetry(
      async () => {
        calls++;
        if (calls < 5) throw new TypeError("fetch failed");
        return new Response("ok");
      },
      { attempts: 6, baseMs: 100, maxMs: 500, random: () => 0.5, sleep: async (ms) => void waits.push(ms) },
    );
    expect(await response.text()).toBe("ok");
    expect(waits).toEqual([50, 100, 200, 250]);
  });

  it("does not retry other client errors", async () => {
    let calls = 0;
    const response = await withRetry(async () => (calls++, new Response("no", { status: 401 })), noWait);
    expect(response.status).toBe(401);
    expect(calls).toBe(1);
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = Date.parse("2026-11-05T12:00:00Z");
    expect(parseRetryAfter("7", now)).toBe(7000);
    expect(parseRetryAfter("Thu, 05 Nov 2026 12:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});
