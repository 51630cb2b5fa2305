// /v1/ask: cited answers from the caller's documents, as JSON or a stream.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../gateway/app";
import type { AskResponse } from "../../gateway/routes/ask";
import { NO_ANSWER } from "../../gateway/answer/prompt";
import { BASE, authed, expectError, uploadOk, waitUntilSettled } from "../helpers/api";
import { parseSse } from "../helpers/sse";
import { token, uniqueTenant } from "../helpers/tokens";

const TEA = "# Tea\n\nGreen tea is steeped at 80 degrees Celsius for two minutes. Black tea takes boiling water and four minutes.";
const BIKES = "# Bicycles\n\nA chain should be cleaned and oiled every 300 kilometres.";

const askRequest = (tenant: string, body: unknown) =>
  authed(tenant, "/v1/ask", { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });

/**
 * Calls the gateway app directly with Workers AI wrapped, to watch or break the answer model.
 * `no-store`: the cache cannot know the model was swapped, and these tests are about the model.
 */
async function askWithAi(tenant: string, body: unknown, wrap: (run: Ai["run"]) => Ai["run"]): Promise<Response> {
  const ai = { run: wrap(((...args: Parameters<Ai["run"]>) => env.AI.run(...args)) as Ai["run"]) } as unknown as Ai; // Only `run` is used by the gateway.
  const request = new Request(`${BASE}/v1/ask`, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "Content-Type": "application/json", "Cache-Control": "no-store", Authorization: `Bearer ${await token({ tenant })}` },
  });
  return app.fetch(request, { ...env, AI: ai });
}

const isChat = (input: unknown) => typeof input === "object" && input !== null && "messages" in input;

describe("ask", () => {
  const tenant = uniqueTenant();
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    ids["tea"] = (await uploadOk(tenant, TEA, { contentType: "text/markdown", filename: "tea.md" })).id;
    ids["bikes"] = (await uploadOk(tenant, BIKES, { contentType: "text/markdown", filename: "bikes.md" })).id;
    for (const id of Object.values(ids)) await waitUntilSettled(tenant, id);
  });

  it("answers from the documents with citations that all resolve", async () => {
    const response = await askRequest(tenant, { question: "How long should green tea be steeped?" });
    expect(response.status, await response.clone().text()).toBe(200);
    const body = await response.json<AskResponse>();
    expect(body.answer).toMatch(/two minutes/);
    expect(body.citations.length).toBeGreaterThan(0);
    expect(body.citations[0]).toMatchObject({ documentId: ids["tea"], filename: "tea.md", chunkIndex: 0, pages: [1] });
    expect(body.citations[0]?.text).toContain("80 degrees");
    const markers = [...body.answer.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
    expect(markers.length).toBeGreaterThan(0);
    const cited = new Set(body.citations.map((c) => c.index));
    for (const n of markers) expect(cited.has(n)).toBe(true);
    expect(body.model).toEqual(expect.any(String));
    expect(body.usage.inputTokens).toBeGreaterThan(0);
    expect(body.usage.outputTokens).toBeGreaterThan(0);
  });

  it("says the documents do not contain it, without calling the model, when nothing relevant is found", async () => {
    let chatCalls = 0;
    const response = await askWithAi(tenant, { question: "Who won the 1998 football world cup?" }, (run) =>
      ((model: string, input: unknown, options?: unknown) => {
        if (isChat(input)) chatCalls++;
        return (run as (...args: unknown[]) => unknown)(model, input, options);
      }) as Ai["run"],
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ answer: NO_ANSWER, citations: [], model: null, usage: { inputTokens: 0, outputTokens: 0 }, degraded: [] });
    expect(chatCalls).toBe(0);
  });

  it("never answers from another tenant's documents, even when the vector index hands them over", async () => {
    // The other tenant has documents of its own, so retrieval runs for real in its namespace.
    const other = uniqueTenant("other");
    const own = await uploadOk(other, "# Coffee\n\nEspresso is brewed at 9 bar in about 25 seconds. Green beans are roasted first.", { contentType: "text/markdown" });
    await waitUntilSettled(other, own.id);
    // As if the index leaked: the owner's tea vectors planted in the other tenant's namespace.
    const chunks = await env.DB.prepare("SELECT id FROM chunks WHERE document_id = ?").bind(ids["tea"]).all<{ id: string }>();
    const planted = await env.VECTORIZE.getByIds(chunks.results.map((r) => r.id));
    await env.VECTORIZE.upsert(planted.map((v) => ({ id: v.id, values: [...v.values], namespace: other, metadata: v.metadata ?? {} })));
    const plantedIds = new Set(planted.map((v) => v.id));
    await expect
      .poll(async () => (await env.VECTORIZE.query([...(planted[0]?.values ?? [])], { namespace: other, topK: 5 })).matches.some((m) => plantedIds.has(m.id)), { timeout: 5_000 })
      .toBe(true);

    // Worded like the owner's chunk, so a leaked chunk would be close enough in meaning to use.
    const question = "How long is green tea steeped at 80 degrees Celsius, and black tea in boiling water?";
    for (const stream of [false, true]) {
      const text = await (await askRequest(other, { question, stream })).text();
      expect(text).not.toContain(ids["tea"]);
      expect(text).not.toContain("two minutes");
    }
  });

  it("streams sources first, then deltas, then done with the checked citations", async () => {
    const response = await askRequest(tenant, { question: "How often should a bicycle chain be oiled?", stream: true });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^text\/event-stream/);
    const events = parseSse(await response.text());
    const names = events.map((e) => e.event);
    expect(names[0]).toBe("sources");
    expect(names.at(-1)).toBe("done");
    expect(names.slice(1, -1).length).toBeGreaterThan(0);
    expect(names.slice(1, -1).every((n) => n === "delta")).toBe(true);

    const sources = (events[0]?.data as { sources: { index: number; documentId: string }[] }).sources;
    expect(sources.some((s) => s.documentId === ids["bikes"])).toBe(true);
    const streamed = events.slice(1, -1).map((e) => (e.data as { text: string }).text).join("");
    const done = events.at(-1)?.data as AskResponse;
    expect(done.answer).toBe(streamed.trim());
    expect(done.answer).toMatch(/300 kilometres/);
    expect(done.citations.map((c) => c.documentId)).toContain(ids["bikes"]);
    for (const c of done.citations) expect(sources.map((s) => s.index)).toContain(c.index);
  });

  it("streams a no-answer as sources then done", async () => {
    const response = await askRequest(tenant, { question: "Who won the 1998 football world cup?", stream: true });
    const events = parseSse(await response.text());
    expect(events.map((e) => e.event)).toEqual(["sources", "done"]);
    expect((events[1]?.data as AskResponse).answer).toBe(NO_ANSWER);
  });

  it("maps an overloaded model to 503 and a failing one to 502, in the error envelope", async () => {
    const failing = (message: string) => (run: Ai["run"]) =>
      ((model: string, input: unknown, options?: unknown) => {
        if (isChat(input)) return Promise.reject(new Error(message));
        return (run as (...args: unknown[]) => unknown)(model, input, options);
      }) as Ai["run"];
    const busy = await askWithAi(tenant, { question: "How long should green tea be steeped?" }, failing("3040: Capacity temporarily exceeded, please try again."));
    await expectError(busy, 503, "model_unavailable");
    expect(busy.headers.get("Retry-After")).toBe("10");
    await expectError(await askWithAi(tenant, { question: "How long should green tea be steeped?" }, failing("5023: model crashed")), 502, "model_error");

    const streamed = await askWithAi(tenant, { question: "How long should green tea be steeped?", stream: true }, failing("3040: Capacity temporarily exceeded"));
    const events = parseSse(await streamed.text());
    expect(events.map((e) => e.event)).toEqual(["sources", "error"]);
    expect(events[1]?.data).toMatchObject({ error: { code: "model_unavailable" } });
  });

  it("stops the model's stream when the client disconnects", async () => {
    let cancelled = false;
    let pulled = 0;
    const endless = (run: Ai["run"]) =>
      ((model: string, input: unknown, options?: unknown) => {
        if (!isChat(input)) return (run as (...args: unknown[]) => unknown)(model, input, options);
        const encoder = new TextEncoder();
        return Promise.resolve(
          new ReadableStream<Uint8Array>({
            async pull(controller) {
              pulled++;
              await new Promise((resolve) => setTimeout(resolve, 5));
              controller.enqueue(encoder.encode(`data: {"response":"word${pulled} "}\n\n`));
            },
            cancel() {
              cancelled = true;
            },
          }),
        );
      }) as Ai["run"];
    const response = await askWithAi(tenant, { question: "How long should green tea be steeped?", stream: true }, endless);
    const reader = response.body?.getReader();
    if (!reader) throw new Error("no body");
    await reader.read();
    await reader.read();
    await reader.cancel();
    await expect.poll(() => cancelled, { timeout: 2_000 }).toBe(true);
    const pulledAtCancel = pulled;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(pulled - pulledAtCancel).toBeLessThanOrEqual(1);
  });

  it.each([false, true])("reads chat-completion shaped models too (glm-4.7-flash, stream %s)", async (stream) => {
    const request = new Request(`${BASE}/v1/ask`, {
      method: "POST",
      body: JSON.stringify({ question: "How long should green tea be steeped?", stream }),
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${await token({ tenant })}` },
    });
    const response = await app.fetch(request, { ...env, ANSWER_MODEL: "@cf/zai-org/glm-4.7-flash" });
    expect(response.status).toBe(200);
    const answer = stream ? (parseSse(await response.text()).at(-1)?.data as AskResponse) : await response.json<AskResponse>();
    expect(answer.answer).toMatch(/two minutes \[1\]/);
    expect(answer.citations.map((c) => c.documentId)).toEqual([ids["tea"]]);
  });

  it("refuses a retired answer model as a server misconfiguration", async () => {
    const request = new Request(`${BASE}/v1/ask`, {
      method: "POST",
      body: JSON.stringify({ question: "tea?" }),
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${await token({ tenant })}` },
    });
    await expectError(await app.fetch(request, { ...env, ANSWER_MODEL: "@cf/meta/llama-3.1-8b-instruct" }), 500, "server_misconfigured");
  });

  it("rejects bad requests with 400", async () => {
    for (const body of [{}, { question: "" }, { question: "x".repeat(2001) }, { question: "ok", topK: 21 }, { question: "ok", stream: "yes" }]) {
      await expectError(await askRequest(tenant, body), 400, "invalid_request");
    }
  });
});
