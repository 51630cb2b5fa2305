// The OpenAI-compatible routes are metered and budgeted like the rest: a
// record per provider call with the tokens the response reports (a stream by
// its final usage), a budget refusal in OpenAI's error shape, and the
// free-Neuron guard sending `auto` off Workers AI once the Neurons are spent.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { forgetNeuronAllowance } from "../../../gateway/usage/free-neuron-guard";
import { costOf } from "../../../shared/usage/cost";
import { uniqueTenant } from "../../helpers/tokens";
import { json, meterOf, send, usageConfig } from "../../helpers/usage";

const LLAMA_8B = "@cf/meta/llama-3.1-8b-instruct-fast";
const chat = (extra: Record<string, unknown> = {}) => json({ model: LLAMA_8B, messages: [{ role: "user", content: "Say hello in five words." }], ...extra });

interface Completion {
  model: string;
  usage: { prompt_tokens: number; completion_tokens: number };
}

describe("AI routes: metering and budgets", () => {
  afterEach(() => forgetNeuronAllowance());

  it("records a chat completion with the tokens its response reports", async () => {
    const tenant = uniqueTenant("chat");
    const sent = await send("/v1/chat/completions", { ...chat(), tokenOptions: { tenant } });
    expect(sent.response.status).toBe(200);
    const completion = await sent.response.json<Completion>();
    await sent.settled;
    const row = (await meterOf(tenant).pending()).find((r) => r.route === "chat");
    expect(row).toMatchObject({ provider: "workers-ai", model: LLAMA_8B, requests: 1, calls: 1, inputTokens: completion.usage.prompt_tokens, outputTokens: completion.usage.completion_tokens });
    expect(row?.usd).toBeCloseTo(costOf("workers-ai", LLAMA_8B, { inputTokens: completion.usage.prompt_tokens, outputTokens: completion.usage.completion_tokens }).usd, 12);
  });

  it("charges a streamed chat by the usage of its last chunk, once the stream has ended", async () => {
    const tenant = uniqueTenant("chatstream");
    const sent = await send("/v1/chat/completions", { ...chat({ stream: true, stream_options: { include_usage: true } }), tokenOptions: { tenant } });
    const text = await sent.response.text();
    const usage = text
      .split("\n")
      .filter((line) => line.startsWith("data: {"))
      .map((line) => JSON.parse(line.slice(6)) as { usage?: Completion["usage"] | null })
      .findLast((chunk) => chunk.usage)?.usage;
    expect(usage).toBeDefined();
    await sent.settled;
    const row = (await meterOf(tenant).pending()).find((r) => r.route === "chat");
    expect(row).toMatchObject({ requests: 1, inputTokens: usage?.prompt_tokens, outputTokens: usage?.completion_tokens });
  });

  it("records embeddings with the prompt tokens it reports", async () => {
    const tenant = uniqueTenant("emb");
    const sent = await send("/v1/embeddings", { ...json({ model: "@cf/baai/bge-base-en-v1.5", input: ["green tea", "black tea"] }), tokenOptions: { tenant } });
    expect(sent.response.status).toBe(200);
    const body = await sent.response.json<{ usage: { prompt_tokens: number } }>();
    await sent.settled;
    const row = (await meterOf(tenant).pending()).find((r) => r.route === "embeddings");
    expect(row).toMatchObject({ provider: "workers-ai", requests: 1, inputTokens: body.usage.prompt_tokens });
  });

  it("refuses a chat beyond the plan's budget with 429 budget_exceeded in OpenAI's error shape", async () => {
    const tenant = uniqueTenant("chatbudget");
    const config = usageConfig({ plans: { default: { dailyUsd: 0.000001 } } });
    const sent = await send("/v1/chat/completions", { ...chat({ max_tokens: 2000 }), tokenOptions: { tenant }, env: config });
    expect(sent.response.status).toBe(429);
    expect(Number(sent.response.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await sent.response.json()).toMatchObject({ error: { type: "rate_limit_error", code: "budget_exceeded" } });
    await sent.settled;
  });

  it("sends auto requests off Workers AI once the free Neurons are spent and the guard is on", async () => {
    const today = new Date().toISOString().slice(0, 10);
    const allowance = env.NEURON_ALLOWANCE.get(env.NEURON_ALLOWANCE.idFromName("account"));
    const used = await allowance.add(today, 1);
    const simple = json({ model: "auto", messages: [{ role: "user", content: "hi" }] });
    const free = await send("/v1/chat/completions", { ...simple, tokenOptions: { tenant: uniqueTenant("guard") }, env: usageConfig({ freeNeuronGuard: { enabled: true, dailyNeurons: used + 1e9 } }) });
    expect(free.response.headers.get("X-Model-Route")).toMatch(/provider=workers-ai/);
    await free.settled;
    forgetNeuronAllowance();
    const spent = await send("/v1/chat/completions", { ...simple, tokenOptions: { tenant: uniqueTenant("guard") }, env: usageConfig({ freeNeuronGuard: { enabled: true, dailyNeurons: used } }) });
    expect(spent.response.status).toBe(200);
    expect(spent.response.headers.get("X-Model-Route")).toMatch(/provider=openai/);
    await spent.settled;
  });
});
