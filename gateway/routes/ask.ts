// POST /v1/ask: an answer grounded in the caller's documents, with checked
// citations, as JSON or as server-sent events.
import { type Context, Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import { type Answer, finishAnswer, noAnswer, retrieveSources } from "../answer/ask";
import { estimateUsage, ModelError, type Usage } from "../answer/chat-model";
import { askDeps, askSettings } from "../answer/configure";
import { buildMessages, type Source } from "../answer/prompt";
import type { AppEnv } from "../context";
import { dependencyError } from "../dependency-failure";
import { type CacheEntry, openCacheEntry } from "../edge/cache/cache-entry";
import { ApiError, errorBody } from "../errors";
import type { Degraded } from "../retrieval/types";
import { requireJsonBody } from "../middleware/json-content-type";
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

/** What the cache keeps of an ask: enough to answer as JSON or to replay the stream. */
interface CachedAsk {
  sources: Source[];
  answer: AskResponse;
}

function modelFailure(error: unknown): ApiError | undefined {
  return error instanceof ModelError ? dependencyError(error.failure, "ANSWER_MODEL") : undefined;
}

export const askRoute = new Hono<AppEnv>().post("/", requireJsonBody, validate("json", AskBody), async (c) => {
  const { stream: streamed, ...question } = c.req.valid("json");
  const request = { ...question, stream: streamed };
  const deps = askDeps(c.env);
  // JSON and streamed asks of the same question share an entry.
  const cache = await openCacheEntry<CachedAsk>(c, { route: "POST /v1/ask", body: question, settings: askSettings(c.env) });
  if (cache.hit) return request.stream ? replay(c, cache.hit.value, cache) : c.json<AskResponse>(cache.hit.value.answer, 200, cache.headers());
  const { sources, degraded } = await retrieveSources(deps, c.get("caller").tenantId, request);
  // A degraded answer is a partial one: served, never cached.
  const keep = (answer: AskResponse) => {
    if (degraded.length === 0) cache.save({ sources, answer });
  };
  const messages = buildMessages(request.question, sources);
  if (degraded.length > 0) c.header(DEGRADED_HEADER, degraded.join(", "));

  if (!request.stream) {
    let answer: AskResponse;
    if (sources.length === 0) answer = { ...noAnswer(), degraded };
    else {
      try {
        const completion = await deps.model.complete(messages);
        answer = { ...finishAnswer(completion.text, sources, completion.model, completion.usage), degraded };
      } catch (error) {
        throw modelFailure(error) ?? error;
      }
    }
    keep(answer);
    return c.json<AskResponse>(answer, 200, cache.headers());
  }

  for (const [name, value] of Object.entries(cache.headers())) c.header(name, value);
  return streamSSE(c, async (stream) => {
    await stream.writeSSE({ event: "sources", data: JSON.stringify({ sources, degraded }) });
    if (sources.length === 0) {
      const answer: AskResponse = { ...noAnswer(), degraded };
      await stream.writeSSE({ event: "done", data: JSON.stringify(answer) });
      keep(answer);
      return;
    }
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
      const failure = modelFailure(error) ?? new ApiError("internal_error", "Something went wrong on our side.");
      if (!(error instanceof ModelError)) console.error("ask stream failed", { error: String(error) });
      await stream.writeSSE({ event: "error", data: JSON.stringify(errorBody(failure.code, failure.message, c.get("requestId"))) });
      return;
    }
    if (stream.aborted) return;
    const answer: AskResponse = { ...finishAnswer(text, sources, model, usage ?? estimateUsage(messages, text)), degraded };
    await stream.writeSSE({ event: "done", data: JSON.stringify(answer) });
    // Only a stream that reached its end is worth replaying.
    if (!stream.aborted) keep(answer);
  });
});

/** A cached ask as the same events a live one sends: sources, the whole answer as one delta, done. */
function replay(c: Context<AppEnv>, cached: CachedAsk, cache: CacheEntry<CachedAsk>) {
  for (const [name, value] of Object.entries(cache.headers())) c.header(name, value);
  return streamSSE(c, async (stream) => {
    await stream.writeSSE({ event: "sources", data: JSON.stringify({ sources: cached.sources, degraded: [] }) });
    if (cached.sources.length > 0) await stream.writeSSE({ event: "delta", data: JSON.stringify({ text: cached.answer.answer }) });
    await stream.writeSSE({ event: "done", data: JSON.stringify(cached.answer) });
  });
}
