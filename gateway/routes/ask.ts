// POST /v1/ask: an answer grounded in the caller's documents, with checked
// citations, as JSON or as server-sent events. Every AI call is metered (the
// budget was reserved at admission); an exact cache hit, or for tenants that
// opt in a semantic one, answers without a model.
import { type Context, Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import type { Embed } from "../../shared/embeddings";
import { type Answer, finishAnswer, noAnswer, retrieveSources } from "../answer/ask";
import { estimateUsage, ModelError, type Usage } from "../answer/chat-model";
import { askDeps, askSettings } from "../answer/configure";
import { buildMessages, type Source } from "../answer/prompt";
import { semanticCacheFor } from "../answer/semantic-cache";
import type { AppEnv } from "../context";
import { dependencyError } from "../dependency-failure";
import { openCacheEntry } from "../edge/cache/cache-entry";
import { waitUntil } from "../edge/wait-until";
import { ApiError, errorBody } from "../errors";
import type { Degraded } from "../retrieval/types";
import { requireJsonBody } from "../middleware/json-content-type";
import { meteredEmbed, meteredRerank } from "../usage/metered";
import { settle } from "../usage/meter-requests";
import { validate } from "../validation";
import { DEGRADED_HEADER, DocumentId, MAX_QUERY_LENGTH } from "./search";

const AskBody = z.object({
  question: z.string().trim().min(1, "must not be empty").max(MAX_QUERY_LENGTH, `must be at most ${MAX_QUERY_LENGTH} characters`),
  topK: z.number().int().min(1).max(20).default(6),
  documentIds: z.array(DocumentId).min(1).max(50).optional(),
  stream: z.boolean().default(false),
});

export type AskResponse = Answer & {
  /** Parts of retrieval that failed and were left out ("vector", "rerank"); empty when none. */
  degraded: Degraded[];
};

/** What the caches keep of an ask: enough to answer as JSON or to replay the stream. */
interface CachedAsk {
  sources: Source[];
  answer: AskResponse;
}

function modelFailure(error: unknown): ApiError | undefined {
  return error instanceof ModelError ? dependencyError(error.failure, "ANSWER_MODEL") : undefined;
}

export const askRoute = new Hono<AppEnv>().post("/", requireJsonBody, validate("json", AskBody), async (c) => {
  const started = Date.now();
  const { stream: streamed, ...question } = c.req.valid("json");
  const request = { ...question, stream: streamed };
  const deps = askDeps(c.env);
  const caller = c.get("caller");
  const meter = c.get("usage");
  // JSON and streamed asks of the same question share an entry.
  const cache = await openCacheEntry<CachedAsk>(c, { route: "POST /v1/ask", body: question, settings: askSettings(c.env) });
  if (cache.hit) {
    meter.answeredWithoutModel("hit", cache.hit.value.answer.model ?? "");
    return request.stream ? replay(c, cache.hit.value, cache.headers()) : c.json<AskResponse>(cache.hit.value.answer, 200, cache.headers());
  }

  const embeddingModel = c.env.EMBEDDING_MODEL || "@cf/baai/bge-base-en-v1.5";
  let embed: Embed = meteredEmbed(deps.search.embed, meter, embeddingModel, { answers: false });
  const similar = semanticCacheFor<CachedAsk>(c.env, caller, c.get("corpus"), { ...question, model: deps.model.name }, c.req.header("Cache-Control"));
  let questionVector: number[] | undefined;
  if (similar) {
    questionVector = (await embed([request.question]))[0];
    const hit = questionVector && (await similar.lookup(questionVector));
    if (hit) {
      meter.answeredWithoutModel("semantic", hit.answer.model ?? "");
      c.get("edge").cache = "HIT-SEMANTIC";
      const headers = { ...cache.headers(), "X-Cache": "HIT-SEMANTIC" };
      return request.stream ? replay(c, hit, headers) : c.json<AskResponse>(hit.answer, 200, headers);
    }
    // Retrieval embeds the same question: reuse the vector instead of paying twice.
    const known = questionVector;
    const inner = embed;
    if (known) embed = (texts) => (texts.length === 1 && texts[0] === request.question ? Promise.resolve([known]) : inner(texts));
  }
  const search = { ...deps.search, embed, rerank: deps.search.rerank && meteredRerank(deps.search.rerank, meter, c.env.RERANK_MODEL) };
  const { sources, degraded } = await retrieveSources({ ...deps, search }, caller.tenantId, request);
  // A degraded answer is a partial one: served, never cached.
  const keep = (answer: AskResponse) => {
    if (degraded.length > 0) return;
    cache.save({ sources, answer });
    if (similar && questionVector && answer.model !== null) waitUntil(c, similar.store(request.question, questionVector, { sources, answer }));
  };
  const messages = buildMessages(request.question, sources);
  if (degraded.length > 0) c.header(DEGRADED_HEADER, degraded.join(", "));
  const meterAnswer = (usage: Usage, outcome: "ok" | "error" | "cancelled", modelStarted: number) =>
    meter.call({ provider: "workers-ai", model: deps.model.name, ...usage, latencyMs: Date.now() - modelStarted, outcome, answers: true });

  if (!request.stream) {
    let answer: AskResponse;
    if (sources.length === 0) {
      meter.answeredWithoutModel("miss");
      answer = { ...noAnswer(), degraded };
    } else {
      const modelStarted = Date.now();
      try {
        const completion = await deps.model.complete(messages);
        meterAnswer(completion.usage, "ok", modelStarted);
        answer = { ...finishAnswer(completion.text, sources, completion.model, completion.usage), degraded };
      } catch (error) {
        if (error instanceof ModelError) meterAnswer({ inputTokens: 0, outputTokens: 0 }, "error", modelStarted);
        throw modelFailure(error) ?? error;
      }
    }
    keep(answer);
    return c.json<AskResponse>(answer, 200, cache.headers());
  }

  for (const [name, value] of Object.entries(cache.headers())) c.header(name, value);
  // The stream meters itself when it ends, with the usage it really had.
  meter.streaming = true;
  return streamSSE(c, async (stream) => {
    let status = 200;
    try {
      status = await streamAnswer();
    } finally {
      settle(c, meter, status, Date.now() - started);
    }

    async function streamAnswer(): Promise<number> {
      await stream.writeSSE({ event: "sources", data: JSON.stringify({ sources, degraded }) });
      if (sources.length === 0) {
        meter.answeredWithoutModel("miss");
        const answer: AskResponse = { ...noAnswer(), degraded };
        await stream.writeSSE({ event: "done", data: JSON.stringify(answer) });
        keep(answer);
        return 200;
      }
      const modelStarted = Date.now();
      let text = "";
      let usage: Usage | undefined;
      let model = deps.model.name;
      try {
        const events = await deps.model.stream(messages);
        // A client that goes away ends the loop, and leaving it cancels the model's stream.
        for await (const event of events) {
          if (stream.aborted) break;
          if (event.type === "usage") usage = event.usage;
          else if (event.type === "model") model = event.model;
          else {
            text += event.text;
            await stream.writeSSE({ event: "delta", data: JSON.stringify({ text: event.text }) });
          }
        }
      } catch (error) {
        meterAnswer(estimateUsage(messages, text), "error", modelStarted);
        const failure = modelFailure(error) ?? new ApiError("internal_error", "Something went wrong on our side.");
        if (!(error instanceof ModelError)) console.error("ask stream failed", { error: String(error) });
        await stream.writeSSE({ event: "error", data: JSON.stringify(errorBody(failure.code, failure.message, c.get("requestId"))) });
        return failure.status;
      }
      // Charged by what was generated: the model's own count, else an estimate of the text so far.
      const charged = usage ?? estimateUsage(messages, text);
      if (stream.aborted) {
        meterAnswer(charged, "cancelled", modelStarted);
        return 499;
      }
      meterAnswer(charged, "ok", modelStarted);
      const answer: AskResponse = { ...finishAnswer(text, sources, model, charged), degraded };
      await stream.writeSSE({ event: "done", data: JSON.stringify(answer) });
      // Only a stream that reached its end is worth replaying.
      if (!stream.aborted) keep(answer);
      return 200;
    }
  });
});

/** A cached ask as the same events a live one sends: sources, the whole answer as one delta, done. */
function replay(c: Context<AppEnv>, cached: CachedAsk, headers: Record<string, string>) {
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  return streamSSE(c, async (stream) => {
    await stream.writeSSE({ event: "sources", data: JSON.stringify({ sources: cached.sources, degraded: [] }) });
    if (cached.sources.length > 0) await stream.writeSSE({ event: "delta", data: JSON.stringify({ text: cached.answer.answer }) });
    await stream.writeSSE({ event: "done", data: JSON.stringify(cached.answer) });
  });
}
