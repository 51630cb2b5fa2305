// The OpenAI SDK as a client of /v1/embeddings and /v1/models.
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { authed } from "../../helpers/api";
import { openai } from "../../helpers/openai";
import { uniqueTenant } from "../../helpers/tokens";

const cosine = (a: readonly number[], b: readonly number[]) => a.reduce((sum, x, i) => sum + x * (b[i] ?? 0), 0);

describe("embeddings through the openai SDK", () => {
  it("decodes the base64 the SDK asks for by default into the same vectors as float", async () => {
    const client = await openai(uniqueTenant());
    const texts = ["green tea is steeped at 80 degrees", "black tea wants boiling water"];
    // No encoding_format: the SDK sends "base64" and decodes float32 itself.
    const viaBase64 = await client.embeddings.create({ model: "@cf/baai/bge-base-en-v1.5", input: texts });
    const viaFloat = await client.embeddings.create({ model: "@cf/baai/bge-base-en-v1.5", input: texts, encoding_format: "float" });
    expect(viaBase64.object).toBe("list");
    expect(viaBase64.model).toBe("@cf/baai/bge-base-en-v1.5");
    expect(viaBase64.data.map((d) => d.index)).toEqual([0, 1]);
    for (const [i, row] of viaFloat.data.entries()) {
      expect(row.embedding).toHaveLength(768);
      const decoded = viaBase64.data[i]?.embedding ?? [];
      expect(decoded).toHaveLength(768);
      // float32 rounding only
      decoded.forEach((x, j) => expect(x).toBeCloseTo(row.embedding[j] ?? NaN, 6));
    }
    expect(viaFloat.usage.prompt_tokens).toBeGreaterThan(0);
    expect(viaFloat.usage.total_tokens).toBe(viaFloat.usage.prompt_tokens);
  });

  it("batches more than 100 inputs and keeps their order", async () => {
    const client = await openai(uniqueTenant());
    const texts = Array.from({ length: 250 }, (_, i) => `document number ${i} about topic ${i % 7}`);
    const all = await client.embeddings.create({ model: "auto", input: texts, encoding_format: "float" });
    expect(all.data).toHaveLength(250);
    expect(all.data.map((d) => d.index)).toEqual(texts.map((_, i) => i));
    // Each vector is the one of its own text, wherever its batch fell.
    for (const i of [0, 99, 100, 199, 249]) {
      const single = await client.embeddings.create({ model: "auto", input: texts[i] ?? "", encoding_format: "float" });
      expect(cosine(all.data[i]?.embedding ?? [], single.data[0]?.embedding ?? [])).toBeCloseTo(1, 5);
    }
  });

  it("serves OpenAI's embedding models, with dimensions, from the OpenAI upstream", async () => {
    const client = await openai(uniqueTenant());
    const result = await client.embeddings.create({ model: "text-embedding-3-small", input: ["a", "b c"], dimensions: 256 });
    expect(result.model).toBe("text-embedding-3-small");
    expect(result.data.map((d) => d.embedding.length)).toEqual([256, 256]);
  });

  it("refuses dimensions a model cannot produce, unknown models and empty texts with typed errors", async () => {
    const client = await openai(uniqueTenant());
    const dims = await client.embeddings.create({ model: "@cf/baai/bge-base-en-v1.5", input: "x", dimensions: 256 }).catch((e: unknown) => e);
    expect(dims).toBeInstanceOf(OpenAI.BadRequestError);
    expect((dims as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("dimensions");
    expect((dims as InstanceType<typeof OpenAI.BadRequestError>).code).toBe("unsupported_parameter");
    const same = await client.embeddings.create({ model: "@cf/baai/bge-base-en-v1.5", input: "x", dimensions: 768, encoding_format: "float" });
    expect(same.data[0]?.embedding).toHaveLength(768);
    const unknown = await client.embeddings.create({ model: "text-embedding-ada-001", input: "x" }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    const chatModel = await client.embeddings.create({ model: "gpt-4.1-mini", input: "x" }).catch((e: unknown) => e);
    expect(chatModel).toBeInstanceOf(OpenAI.NotFoundError);
    const empty = await client.embeddings.create({ model: "auto", input: ["ok", ""] }).catch((e: unknown) => e);
    expect(empty).toBeInstanceOf(OpenAI.BadRequestError);
    expect((empty as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("input");
  });
});

describe("models", () => {
  it("lists what this deployment serves, with aliases, and finds a model by id", async () => {
    const client = await openai(uniqueTenant());
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(expect.arrayContaining(["auto", "@cf/meta/llama-3.1-8b-instruct-fast", "gpt-4.1-mini", "@cf/baai/bge-base-en-v1.5", "text-embedding-3-small"]));
    expect(ids).not.toContain("@cf/meta/llama-2-7b-chat-int8");
    const model = await client.models.retrieve("@cf/meta/llama-3.3-70b-instruct-fp8-fast");
    expect(model).toMatchObject({ id: "@cf/meta/llama-3.3-70b-instruct-fp8-fast", object: "model", owned_by: "workers-ai", aliases: ["llama-3.3-70b"] });
    const missing = await client.models.retrieve("nope").catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
  });

  it("keeps OpenAI's error shape and the request id on these routes only", async () => {
    const tenant = uniqueTenant();
    const response = await authed(tenant, "/v1/chat/completions", { method: "POST", body: "{not json", headers: { "Content-Type": "application/json" } });
    expect(response.status).toBe(400);
    const body = await response.json<{ error: Record<string, unknown> }>();
    expect(Object.keys(body.error).sort()).toEqual(["code", "message", "param", "type"]);
    expect(body.error["type"]).toBe("invalid_request_error");
    expect(response.headers.get("X-Request-Id")).toBeTruthy();
    const unknownArg = await authed(tenant, "/v1/chat/completions", {
      method: "POST",
      body: JSON.stringify({ messages: [{ role: "user", content: "hi" }], temprature: 1 }),
    });
    expect(unknownArg.status).toBe(400);
    expect(await unknownArg.json()).toMatchObject({ error: { code: "unknown_parameter", param: "temprature" } });
    const huge = await authed(tenant, "/v1/embeddings", { method: "POST", body: JSON.stringify({ input: "x".repeat(5 * 1024 * 1024) }), headers: { "Content-Type": "application/json" } });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ error: { type: "invalid_request_error", code: "request_too_large", param: null } });
    // The rest of the gateway keeps its own envelope.
    const feedback = await authed(tenant, "/v1/feedback", {
      method: "POST",
      body: JSON.stringify({ id: "nope", score: 1 }),
      headers: { "Content-Type": "application/json" },
    });
    expect(await feedback.json()).toMatchObject({ error: { code: "request_not_found", requestId: expect.any(String) } });
  });
});
