// Each provider transform on recorded outputs (test/fixtures/ai/): Workers AI
// in both of its shapes, whole and streamed, and OpenAI passed through.
import { describe, expect, it } from "vitest";
import type { ChatRequest } from "../../../gateway/ai/chat-request";
import { ChatRequestSchema } from "../../../gateway/ai/chat-request";
import { findChatModel, type ChatModel } from "../../../gateway/ai/models";
import type { ChatCompletionChunk } from "../../../gateway/ai/openai-types";
import { openAiProvider } from "../../../gateway/ai/providers/openai";
import type { ChatStream } from "../../../gateway/ai/providers/provider";
import { workersAiProvider } from "../../../gateway/ai/providers/workers-ai";
import { workersAiInput } from "../../../gateway/ai/providers/workers-ai-input";
import glmResponse from "../../fixtures/ai/workers-ai-glm-response.json";
import glmStream from "../../fixtures/ai/workers-ai-glm-stream.txt?raw";
import glmStreamTools from "../../fixtures/ai/workers-ai-glm-stream-tools.txt?raw";
import glmToolCalls from "../../fixtures/ai/workers-ai-glm-tool-calls.json";
import llamaJsonMode from "../../fixtures/ai/workers-ai-llama-json-mode.json";
import llamaNoUsage from "../../fixtures/ai/workers-ai-llama-no-usage.json";
import llamaResponse from "../../fixtures/ai/workers-ai-llama-response.json";
import llamaStream from "../../fixtures/ai/workers-ai-llama-stream.txt?raw";
import llamaStreamTools from "../../fixtures/ai/workers-ai-llama-stream-tools.txt?raw";
import llamaToolCalls from "../../fixtures/ai/workers-ai-llama-tool-calls.json";
import openAiResponse from "../../fixtures/ai/openai-response.json";
import openAiStream from "../../fixtures/ai/openai-stream.txt?raw";

const LLAMA = model("@cf/meta/llama-3.3-70b-instruct-fp8-fast");
const GLM = model("@cf/zai-org/glm-4.7-flash");
const GPT = model("gpt-4.1-mini");

function model(id: string): ChatModel {
  const found = findChatModel(id);
  if (!found) throw new Error(`no model ${id}`);
  return found;
}

const request = (body: Record<string, unknown> = {}): ChatRequest =>
  ChatRequestSchema.parse({ messages: [{ role: "user", content: "What is the capital of France?" }], ...body });

/** The recorded bytes, delivered in awkward pieces (events split across reads) as a network would. */
function bytes(text: string, piece = 37): ReadableStream<Uint8Array> {
  const all = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= all.length) return controller.close();
      controller.enqueue(all.slice(offset, offset + piece));
      offset += piece;
    },
  });
}

/** A Workers AI binding that answers with a recording. */
const recordedAi = (output: unknown) => ({ run: async () => output }) as unknown as Ai;

async function collect(stream: ChatStream): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream.chunks) chunks.push(chunk);
  return chunks;
}

const signal = new AbortController().signal;

async function complete(output: unknown, chat: ChatModel, body: Record<string, unknown> = {}) {
  const result = await workersAiProvider(recordedAi(output), 1000).complete({ model: chat, request: request(body), signal });
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

async function stream(text: string, chat: ChatModel, body: Record<string, unknown> = {}) {
  const result = await workersAiProvider(recordedAi(bytes(text)), 1000).stream({ model: chat, request: request(body), signal });
  if (!result.ok) throw new Error(result.error.message);
  return { chunks: await collect(result.value), usage: result.value.usage() };
}

describe("Workers AI -> chat.completion", () => {
  it("maps { response, usage } to a completion with finish_reason and the reported usage", async () => {
    const { completion, estimated } = await complete(llamaResponse, LLAMA);
    expect(completion).toMatchObject({
      object: "chat.completion",
      model: LLAMA.id,
      choices: [{ index: 0, message: { role: "assistant", content: "The capital of France is Paris.", refusal: null }, logprobs: null, finish_reason: "stop" }],
      usage: { prompt_tokens: 42, completion_tokens: 8, total_tokens: 50 },
    });
    expect(completion.choices[0]?.message.tool_calls).toBeUndefined();
    expect(estimated).toBe(false);
  });

  it("turns Workers AI tool calls ({ name, arguments: object }) into OpenAI tool calls", async () => {
    const { completion } = await complete(llamaToolCalls, LLAMA);
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    expect(choice?.message.content).toBeNull();
    expect(choice?.message.tool_calls?.map((c) => [c.type, c.function.name, JSON.parse(c.function.arguments)])).toEqual([
      ["function", "get_weather", { city: "Paris", unit: "celsius" }],
      ["function", "get_time", { zone: "Europe/Paris" }],
    ]);
    expect(choice?.message.tool_calls?.every((c) => /^call_/.test(c.id))).toBe(true);
  });

  it("serialises a JSON-mode object answer as the message content", async () => {
    const { completion } = await complete(llamaJsonMode, LLAMA, { response_format: { type: "json_object" } });
    expect(JSON.parse(completion.choices[0]?.message.content ?? "")).toEqual({ city: "Paris", country: "France" });
  });

  it("estimates usage when the model reports none, and says so", async () => {
    const { completion, estimated } = await complete(llamaNoUsage, LLAMA);
    expect(estimated).toBe(true);
    expect(completion.usage.prompt_tokens).toBeGreaterThan(0);
    expect(completion.usage.completion_tokens).toBeGreaterThan(0);
    expect(completion.usage.total_tokens).toBe(completion.usage.prompt_tokens + completion.usage.completion_tokens);
  });

  it("marks an answer that used all of max_tokens as cut off (length)", async () => {
    const { completion } = await complete(llamaResponse, LLAMA, { max_tokens: 8 });
    expect(completion.choices[0]?.finish_reason).toBe("length");
  });

  it("reads the chat.completion shape (GLM), dropping reasoning_content", async () => {
    const { completion } = await complete(glmResponse, GLM);
    expect(completion.choices[0]?.message).toEqual({ role: "assistant", content: "Paris.", refusal: null });
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    expect(completion.usage).toEqual({ prompt_tokens: 13, completion_tokens: 21, total_tokens: 34 });
    const tools = await complete(glmToolCalls, GLM);
    expect(tools.completion.choices[0]?.finish_reason).toBe("tool_calls");
    expect(tools.completion.choices[0]?.message.tool_calls).toEqual([
      { id: "chatcmpl-tool-5d2a9b7c3e1f4a6b", type: "function", function: { name: "get_weather", arguments: '{"city": "Paris"}' } },
    ]);
  });

  it("fails (for the fallback chain) on an output in neither shape", async () => {
    const result = await workersAiProvider(recordedAi({ something: "else" }), 1000).complete({ model: LLAMA, request: request(), signal });
    expect(result.ok).toBe(false);
  });
});

describe("Workers AI stream -> chat.completion.chunk", () => {
  it("turns `response` events into a role chunk, content deltas and a finish chunk; usage from the closing event", async () => {
    const { chunks, usage } = await stream(llamaStream, LLAMA);
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: "assistant", content: "" });
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("The capital of France is Paris.");
    expect(chunks.at(-1)?.choices[0]).toEqual({ index: 0, delta: {}, logprobs: null, finish_reason: "stop" });
    expect(chunks.slice(0, -1).every((c) => c.choices[0]?.finish_reason === null)).toBe(true);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(usage).toEqual({ prompt_tokens: 42, completion_tokens: 8, total_tokens: 50 });
  });

  it("gives each streamed Workers AI tool call its own index", async () => {
    const { chunks } = await stream(llamaStreamTools, LLAMA);
    const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(calls.map((c) => [c.index, c.function?.name, c.function?.arguments])).toEqual([
      [0, "get_weather", '{"city":"Paris"}'],
      [1, "get_time", '{"zone":"Europe/Paris"}'],
    ]);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it("passes chat.completion.chunk deltas through (GLM) and keeps their finish_reason", async () => {
    const { chunks, usage } = await stream(glmStream, GLM);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("Paris.");
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("length");
    expect(usage).toEqual({ prompt_tokens: 13, completion_tokens: 7, total_tokens: 20 });
  });

  it("keeps OpenAI-shaped tool-call deltas and their indexes (GLM)", async () => {
    const { chunks } = await stream(glmStreamTools, GLM);
    const deltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(deltas.map((d) => d.index)).toEqual([0, 0, 0, 1]);
    expect(deltas[0]).toEqual({ index: 0, id: "chatcmpl-tool-aa11", type: "function", function: { name: "get_weather", arguments: "" } });
    expect(deltas.filter((d) => d.index === 0).map((d) => d.function?.arguments ?? "").join("")).toBe('{"city": "Paris"}');
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("tool_calls");
  });
});

describe("OpenAI request -> Workers AI input", () => {
  it("maps roles, parameters, tool history and JSON mode", () => {
    const input = workersAiInput(
      LLAMA,
      request({
        messages: [
          { role: "developer", content: "Be brief." },
          { role: "user", content: [{ type: "text", text: "Weather" }, { type: "text", text: "in Paris?" }] },
          { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }] },
          { role: "tool", tool_call_id: "call_1", content: "18C" },
        ],
        max_completion_tokens: 100,
        temperature: 0.3,
        seed: 7,
        response_format: { type: "json_schema", json_schema: { name: "w", schema: { type: "object" } } },
      }),
      true,
    );
    expect(input).toEqual({
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Weather\nin Paris?" },
        { role: "assistant", content: JSON.stringify({ name: "get_weather", arguments: { city: "Paris" } }) },
        { role: "tool", content: "18C", tool_call_id: "call_1" },
      ],
      max_tokens: 100,
      temperature: 0.3,
      seed: 7,
      response_format: { type: "json_schema", json_schema: { type: "object" } },
      stream: true,
    });
    // OpenAI-shaped models take the tool calls as they are.
    const glm = workersAiInput(GLM, request({ messages: [{ role: "assistant", content: "", tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{}" } }] }] }), false);
    expect(glm.messages[0]?.tool_calls).toEqual([{ id: "c", type: "function", function: { name: "f", arguments: "{}" } }]);
  });
});

describe("OpenAI passthrough", () => {
  const recorded = (body: BodyInit, contentType: string, seen: Request[] = []) =>
    openAiProvider({ baseUrl: "https://api.openai.example/v1/", apiKey: "sk-test", timeoutMs: 1000 }, async (input, init) => {
      seen.push(new Request(input, init));
      return new Response(body, { headers: { "Content-Type": contentType } });
    });

  it("sends the request with the deployment's key and returns OpenAI's completion as it is", async () => {
    const seen: Request[] = [];
    const result = await recorded(JSON.stringify(openAiResponse), "application/json", seen).complete({ model: GPT, request: request({ user: "u1" }), signal });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.completion).toEqual(openAiResponse);
    expect(result.value.estimated).toBe(false);
    expect(seen[0]?.url).toBe("https://api.openai.example/v1/chat/completions");
    expect(seen[0]?.headers.get("Authorization")).toBe("Bearer sk-test");
    expect(await seen[0]?.json()).toMatchObject({ model: "gpt-4.1-mini", user: "u1", stream: false });
  });

  it("streams OpenAI's chunks, always asking for usage and holding the usage chunk back", async () => {
    const seen: Request[] = [];
    const result = await recorded(bytes(openAiStream, 53), "text/event-stream", seen).stream({ model: GPT, request: request({ stream: true }), signal });
    if (!result.ok) throw new Error(result.error.message);
    const chunks = await collect(result.value);
    expect(await seen[0]?.json()).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(chunks).toHaveLength(4);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("Rayleigh scattering.");
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("stop");
    expect(result.value.usage()).toEqual({ prompt_tokens: 19, completion_tokens: 3, total_tokens: 22 });
  });

  it("turns a malformed upstream answer into a provider failure, whole or streamed", async () => {
    const whole = await recorded(JSON.stringify({ object: "chat.completion", choices: "nope" }), "application/json").complete({ model: GPT, request: request(), signal });
    expect(whole.ok ? "ok" : whole.error.kind).toBe("error");
    const broken = 'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}\n\ndata: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0}]}\n\ndata: [DONE]\n\n';
    const result = await recorded(bytes(broken), "text/event-stream").stream({ model: GPT, request: request({ stream: true }), signal });
    if (!result.ok) throw new Error(result.error.message);
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const chunk of result.value.chunks) seen.push(chunk.choices[0]?.delta.content ?? "");
      })(),
    ).rejects.toThrow(/unknown shape/);
    expect(seen).toEqual(["Hi"]);
  });

  it("classifies upstream failures: 429 unavailable, 5xx error, 400 the caller's", async () => {
    const failing = (status: number) =>
      openAiProvider({ baseUrl: "https://api.openai.example/v1", apiKey: "k", timeoutMs: 1000 }, async () =>
        Response.json({ error: { message: "nope", type: "x", param: "messages", code: null } }, { status }),
      );
    const kinds = await Promise.all(
      [429, 500, 503, 400, 401].map(async (status) => {
        const result = await failing(status).complete({ model: GPT, request: request(), signal });
        return result.ok ? "ok" : result.error.kind;
      }),
    );
    expect(kinds).toEqual(["unavailable", "error", "error", "bad_request", "error"]);
  });
});
