// The OpenAI SDK as a real client of /v1/chat/completions: whole answers,
// streams (with usage, and through the SDK's stream helper), tool calls, and
// the SDK's typed errors.
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { openai } from "../../helpers/openai";
import { uniqueTenant } from "../../helpers/tokens";

describe("chat completions through the openai SDK", () => {
  it("answers a simple question from Workers AI in OpenAI's shape", async () => {
    const client = await openai(uniqueTenant());
    const { data, response } = await client.chat.completions
      .create({ model: "auto", messages: [{ role: "user", content: "What is the capital of France?" }] })
      .withResponse();
    expect(data.object).toBe("chat.completion");
    expect(data.id).toMatch(/^chatcmpl-/);
    expect(data.choices).toHaveLength(1);
    expect(data.choices[0]?.message.role).toBe("assistant");
    expect(typeof data.choices[0]?.message.content).toBe("string");
    expect(data.choices[0]?.finish_reason).toBe("stop");
    expect(data.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(data.usage?.total_tokens).toBe((data.usage?.prompt_tokens ?? 0) + (data.usage?.completion_tokens ?? 0));
    expect(response.headers.get("X-Model-Route")).toMatch(/^class=simple; reason=short; model=@cf\/[^;]+; provider=workers-ai$/);
    expect(response.headers.get("X-Request-Id")).toBeTruthy();
  });

  it("sends complex requests to OpenAI (the local stand-in) and returns its answer unchanged", async () => {
    const client = await openai(uniqueTenant());
    const { data, response } = await client.chat.completions
      .create({ model: "auto", messages: [{ role: "user", content: "Explain step by step why the sky is blue." }] })
      .withResponse();
    expect(response.headers.get("X-Model-Route")).toBe("class=complex; reason=reasoning_marker; model=gpt-4.1-mini; provider=openai");
    expect(data.model).toBe("gpt-4.1-mini-2025-04-14");
    expect(data.choices[0]?.message.content).toContain("why the sky is blue");
    expect(data.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it("streams chunks ending with a usage chunk when include_usage is asked", async () => {
    const client = await openai(uniqueTenant());
    const stream = await client.chat.completions.create({
      model: "@cf/meta/llama-3.1-8b-instruct-fast",
      messages: [{ role: "user", content: "Say something about tea." }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.every((c) => c.object === "chat.completion.chunk")).toBe(true);
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(last?.usage?.completion_tokens).toBeGreaterThan(0);
    const finish = chunks.at(-2)?.choices[0]?.finish_reason;
    expect(finish).toBe("stop");
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
    expect(text.length).toBeGreaterThan(0);
    // Without include_usage no chunk carries usage.
    const plain = await client.chat.completions.create({
      model: "@cf/meta/llama-3.1-8b-instruct-fast",
      messages: [{ role: "user", content: "Say something about tea." }],
      stream: true,
    });
    for await (const chunk of plain) expect(chunk.usage ?? undefined).toBeUndefined();
  });

  it("works with the SDK's stream helper, from OpenAI too", async () => {
    const client = await openai(uniqueTenant());
    const stream = client.chat.completions.stream({
      model: "gpt-4.1-mini",
      messages: [{ role: "user", content: "Name three teas." }],
      stream_options: { include_usage: true },
    });
    const deltas: string[] = [];
    stream.on("content", (delta) => deltas.push(delta));
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe(deltas.join(""));
    expect(final.choices[0]?.message.content).toContain("Name three teas.");
    expect(final.choices[0]?.finish_reason).toBe("stop");
    expect(final.usage?.total_tokens).toBeGreaterThan(0);
  });

  it("carries streamed tool calls through with their own index", async () => {
    const client = await openai(uniqueTenant());
    const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
      { type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } },
      { type: "function", function: { name: "get_time", parameters: { type: "object", properties: { zone: { type: "string" } } } } },
    ];
    const stream = client.chat.completions.stream({ model: "auto", messages: [{ role: "user", content: "Weather and time in Paris?" }], tools, tool_choice: "required" });
    const final = await stream.finalChatCompletion();
    const calls = final.choices[0]?.message.tool_calls ?? [];
    expect(final.choices[0]?.finish_reason).toBe("tool_calls");
    expect(calls.map((c) => (c.type === "function" ? c.function.name : ""))).toEqual(["get_weather", "get_time"]);
    for (const call of calls) if (call.type === "function") expect(JSON.parse(call.function.arguments)).toEqual(expect.any(Object));
    expect(new Set(calls.map((c) => c.id)).size).toBe(2);
  });

  it("raises the SDK's typed errors: unknown model, unsupported parameter, bad value", async () => {
    const client = await openai(uniqueTenant());
    const unknown = await client.chat.completions.create({ model: "gpt-9-ultra", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    const notFound = unknown as InstanceType<typeof OpenAI.NotFoundError>;
    expect(notFound.code).toBe("model_not_found");
    expect(notFound.param).toBe("model");
    expect(notFound.requestID).toBeTruthy();

    const retired = await client.chat.completions.create({ model: "@cf/meta/llama-2-7b-chat-int8", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(retired).toBeInstanceOf(OpenAI.NotFoundError);

    const stop = await client.chat.completions
      .create({ model: "@cf/meta/llama-3.1-8b-instruct-fast", messages: [{ role: "user", content: "hi" }], stop: ["\n"] })
      .catch((e: unknown) => e);
    expect(stop).toBeInstanceOf(OpenAI.BadRequestError);
    expect((stop as InstanceType<typeof OpenAI.BadRequestError>).code).toBe("unsupported_parameter");
    expect((stop as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("stop");

    const temperature = await client.chat.completions.create({ model: "auto", messages: [{ role: "user", content: "hi" }], temperature: 7 }).catch((e: unknown) => e);
    expect(temperature).toBeInstanceOf(OpenAI.BadRequestError);
    expect((temperature as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("temperature");
  });

  it("rejects a bad token with the SDK's AuthenticationError", async () => {
    const client = new OpenAI({ apiKey: "not-a-token", baseURL: "http://gateway.test/v1", maxRetries: 0, fetch: (await openai("x"))["fetch"] });
    const error = await client.models.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
  });
});
