// Every fallback path: Workers AI out of capacity, erroring or too slow -> the
// next model of the chain; OpenAI failing -> Workers AI; nothing left -> 503
// with Retry-After. A caller's bad request and an explicit model are never
// moved, and a stream that has started stays with its model.
import OpenAI from "openai";
import { beforeEach, describe, expect, it } from "vitest";
import { CircuitBreakers } from "../../../gateway/ai/breaker";
import { ChatRequestSchema } from "../../../gateway/ai/chat-request";
import { runChain } from "../../../gateway/ai/fallback";
import { findChatModel, type ChatModel } from "../../../gateway/ai/models";
import type { ChatCompletionChunk } from "../../../gateway/ai/openai-types";
import type { ChatStream, ProviderClient } from "../../../gateway/ai/providers/provider";
import { pump } from "../../../gateway/ai/stream-response";
import { OPENAI_ERROR, OPENAI_RATE_LIMITED, OPENAI_SLOW, SIMPLE_MODEL, SIMPLE_MODEL_CAPACITY, WORKERS_AI_ERROR, WORKERS_AI_SLOW } from "../../fixtures/ai-markers";
import { chatRequest, route } from "../../helpers/chat";
import { userInVariant } from "../../helpers/experiments";
import { openai } from "../../helpers/openai";
import { parseSse } from "../../helpers/sse";
import { uniqueTenant } from "../../helpers/tokens";

const LARGE = "@cf/meta/llama-3.3-70b-instruct-fp8-fast";

let tenant: string;
let user: string;
/** A simple request from a user outside the experiment's glm variant, so the chain is the configured one. */
const simple = (content: string, extra: Record<string, unknown> = {}) => ({ model: "auto", user, messages: [{ role: "user", content }], ...extra });
const complex = (content: string) => ({ model: "auto", user, messages: [{ role: "user", content: `Think carefully: ${content}` }] });

beforeEach(async () => {
  tenant = uniqueTenant();
  user = await userInVariant(tenant, "control");
  // A served call to each provider resets its breaker's count of consecutive failures.
  for (const model of [SIMPLE_MODEL, "gpt-4.1-mini"]) {
    expect((await chatRequest(tenant, { model, messages: [{ role: "user", content: "warm up" }] })).status).toBe(200);
  }
});

describe("fallback down the chain", () => {
  it("moves from a Workers AI model out of capacity (3040) to the next Workers AI model", async () => {
    const response = await chatRequest(tenant, simple(`hello ${SIMPLE_MODEL_CAPACITY}`));
    expect(response.status).toBe(200);
    expect(route(response)).toEqual({ class: "simple", reason: "short", model: LARGE, provider: "workers-ai", fallback: `${SIMPLE_MODEL}:unavailable` });
    expect((await response.json<{ model: string }>()).model).toBe(LARGE);
  });

  it("moves from erroring Workers AI models to OpenAI", async () => {
    const response = await chatRequest(tenant, simple(`hello ${WORKERS_AI_ERROR}`));
    expect(response.status).toBe(200);
    expect(route(response)).toMatchObject({ model: "gpt-4.1-mini", provider: "openai", fallback: `${SIMPLE_MODEL}:error,${LARGE}:error` });
  });

  it("moves on from Workers AI models slower than the timeout", async () => {
    const response = await chatRequest(tenant, simple(`hello ${WORKERS_AI_SLOW}`));
    expect(response.status).toBe(200);
    expect(route(response)).toMatchObject({ provider: "openai", fallback: `${SIMPLE_MODEL}:timeout,${LARGE}:timeout` });
  });

  it("falls back from OpenAI to Workers AI when OpenAI is rate limited, failing or slow", async () => {
    for (const [marker, kind] of [
      [OPENAI_RATE_LIMITED, "unavailable"],
      [OPENAI_ERROR, "error"],
      [OPENAI_SLOW, "timeout"],
    ] as const) {
      const response = await chatRequest(tenant, complex(`why? ${marker}`));
      expect(response.status).toBe(200);
      expect(route(response)).toEqual({ class: "complex", reason: "reasoning_marker", model: SIMPLE_MODEL, provider: "workers-ai", fallback: `gpt-4.1-mini:${kind}` });
      // Served: the count of OpenAI failures starts again.
      await chatRequest(tenant, { model: "gpt-4.1-mini", messages: [{ role: "user", content: "ok" }] });
    }
  });

  it("falls back before a stream starts, and the stream then comes whole from the next model", async () => {
    const client = await openai(tenant);
    const { data: stream, response } = await client.chat.completions
      .create({ ...simple(`hello ${SIMPLE_MODEL_CAPACITY}`), stream: true, stream_options: { include_usage: true } } as OpenAI.Chat.ChatCompletionCreateParamsStreaming)
      .withResponse();
    expect(route(response)).toMatchObject({ model: LARGE, fallback: `${SIMPLE_MODEL}:unavailable` });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("stop");
    expect(chunks.at(-1)?.usage?.total_tokens).toBeGreaterThan(0);
  });

  it("answers 503 with Retry-After in OpenAI's shape when every model fails", async () => {
    const response = await chatRequest(tenant, simple(`hello ${WORKERS_AI_ERROR} ${OPENAI_ERROR}`));
    expect(response.status).toBe(503);
    expect(response.headers.get("Retry-After")).toBe("10");
    expect(response.headers.get("X-Request-Id")).toBeTruthy();
    expect(route(response).fallback).toBe(`${SIMPLE_MODEL}:error,${LARGE}:error,gpt-4.1-mini:error`);
    expect(await response.json()).toEqual({ error: { message: expect.any(String), type: "api_error", code: "model_unavailable", param: null } });
    // The SDK sees a 503 as a typed error (one more failing call only, below the breaker's threshold).
    const client = await openai(tenant);
    const error = await client.chat.completions.create({ model: "gpt-4.1-mini", messages: [{ role: "user", content: `again ${OPENAI_ERROR}` }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
  });

  it("does not move an explicitly named model", async () => {
    const response = await chatRequest(tenant, { model: SIMPLE_MODEL, messages: [{ role: "user", content: `hi ${WORKERS_AI_ERROR}` }] });
    expect(response.status).toBe(503);
    expect(route(response)).toEqual({ class: "explicit", reason: "requested", fallback: `${SIMPLE_MODEL}:error` });
  });

  it("does not retry a request the model refuses as invalid (over its context window) elsewhere", async () => {
    const response = await chatRequest(tenant, { model: LARGE, messages: [{ role: "user", content: "word ".repeat(20_000) }] });
    expect(response.status).toBe(400);
    expect(route(response).fallback).toBe(`${LARGE}:bad_request`);
    expect(await response.json()).toMatchObject({ error: { type: "invalid_request_error", message: expect.stringContaining("context window") } });
    // Routed too: the first model's refusal ends the chain although others follow it.
    const routed = await chatRequest(tenant, simple("word ".repeat(100_000)), { "X-Complexity": "simple" });
    expect(routed.status).toBe(400);
    expect(route(routed)).toMatchObject({ class: "simple", reason: "hint", fallback: `${SIMPLE_MODEL}:bad_request` });
  });
});

describe("a started stream stays with its model", () => {
  const model = (id: string): ChatModel => findChatModel(id) ?? (() => { throw new Error(id); })();
  const chunk = (content: string): ChatCompletionChunk => ({
    id: "chatcmpl-x",
    object: "chat.completion.chunk",
    created: 1,
    model: "m",
    system_fingerprint: null,
    choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }],
    usage: null,
  });

  it("ends with an error event after the first tokens instead of restarting on the next model", async () => {
    let secondCalled = false;
    async function* failing(): AsyncGenerator<ChatCompletionChunk> {
      yield chunk("Hello");
      throw new Error("3043: Internal server error");
    }
    const broken: ProviderClient = {
      complete: async () => ({ ok: false, error: { kind: "error", message: "x", param: null } }),
      stream: async () => ({ ok: true, value: { chunks: failing(), usage: () => undefined } satisfies ChatStream }),
      embed: async () => ({ ok: false, error: { kind: "error", message: "x", param: null } }),
    };
    const spare: ProviderClient = {
      ...broken,
      stream: async () => {
        secondCalled = true;
        return { ok: false, error: { kind: "error", message: "unused", param: null } };
      },
    };
    const breakers = new CircuitBreakers(() => ({ failures: 5, cooldownMs: 1000 }));
    const served = await runChain({ clients: { "workers-ai": broken, openai: spare }, breakers, onFailure: () => {} }, [model(SIMPLE_MODEL), model("gpt-4.1-mini")], (client, m) =>
      client.stream({ model: m, request: ChatRequestSchema.parse({ messages: [{ role: "user", content: "hi" }], stream: true }), signal: new AbortController().signal }),
    );
    if (!served.ok) throw new Error("the first model should have started");
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const [end, text] = await Promise.all([
      pump(served.value, writable.getWriter(), ChatRequestSchema.parse({ messages: [{ role: "user", content: "hi" }], stream: true })),
      new Response(readable).text(),
    ]);
    expect(secondCalled).toBe(false);
    expect(end.outcome).toBe("failed");
    const events = parseSse(text);
    expect(events.map((e) => e.data)).toEqual([expect.objectContaining({ choices: [expect.objectContaining({ delta: { content: "Hello" } })] }), { error: expect.objectContaining({ code: "stream_failed" }) }]);
    expect(text).not.toContain("[DONE]");
  });
});
