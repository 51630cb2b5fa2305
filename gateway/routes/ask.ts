// POST /v1/ask: an answer grounded in the caller's documents, with checked
// citations, as JSON or as server-sent events.
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import { type Answer, finishAnswer, noAnswer, retrieveSources } from "../answer/ask";
import { estimateUsage, ModelError, type Usage } from "../answer/chat-model";
import { askDeps } from "../answer/configure";
import { buildMessages } from "../answer/prompt";
import type { AppEnv } from "../context";
import { ApiError, errorBody } from "../errors";
import { validate } from "../validation";
import { DocumentId, MAX_QUERY_LENGTH } from "./search";

const AskBody = z.object({
  question: z.string().trim().min(1, "must not be empty").max(MAX_QUERY_LENGTH, `must be at most ${MAX_QUERY_LENGTH} characters`),
  topK: z.number().int().min(1).max(20).default(6),
  documentIds: z.array(DocumentId).min(1).max(50).optional(),
  stream: z.boolean().default(false),
});

export type AskResponse = Answer;

function modelFailure(error: unknown): ApiError | undefined {
  if (!(error instanceof ModelError)) return undefined;
  return error.kind === "unavailable"
    ? new ApiError("model_unavailable", "The answer model is busy; try again shortly.", { "Retry-After": "10" })
    : new ApiError("model_error", "The answer model failed to answer.");
}

export const askRoute = new Hono<AppEnv>().post("/", validate("json", AskBody), async (c) => {
  const request = c.req.valid("json");
  const deps = askDeps(c.env);
  const sources = await retrieveSources(deps, c.get("caller").tenantId, request);
  const messages = buildMessages(request.question, sources);

  if (!request.stream) {
    if (sources.length === 0) return c.json<AskResponse>(noAnswer());
    try {
      const completion = await deps.model.complete(messages);
      return c.json<AskResponse>(finishAnswer(completion.text, sources, completion.model, completion.usage));
    } catch (error) {
      throw modelFailure(error) ?? error;
    }
  }

  return streamSSE(c, async (stream) => {
    await stream.writeSSE({ event: "sources", data: JSON.stringify({ sources }) });
    if (sources.length === 0) {
      await stream.writeSSE({ event: "done", data: JSON.stringify(noAnswer()) });
      return;
    }
    let text = "";
    let usage: Usage | undefined;
    try {
      const events = await deps.model.stream(messages);
      // A client that goes away ends the loop, and leaving it cancels the model's stream.
      for await (const event of events) {
        if (stream.aborted) break;
        if (event.type === "usage") usage = event.usage;
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
    const answer = finishAnswer(text, sources, deps.model.name, usage ?? estimateUsage(messages, text));
    await stream.writeSSE({ event: "done", data: JSON.stringify(answer) });
  });
});
