// The edge's response cache on the AI routes: embeddings and chat at
// temperature 0 are answered from it; anything else is not.
import { describe, expect, it } from "vitest";
import { authed } from "../../helpers/api";
import { chatRequest, route } from "../../helpers/chat";
import { uniqueTenant } from "../../helpers/tokens";

const embed = (tenant: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  authed(tenant, "/v1/embeddings", { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json", ...headers } });

describe("AI answers from the edge cache", () => {
  it("serves repeated embeddings from the cache, in either encoding, and not across tenants", async () => {
    const tenant = uniqueTenant();
    const body = { model: "@cf/baai/bge-base-en-v1.5", input: ["green tea", "black tea"] };
    const first = await embed(tenant, { ...body, encoding_format: "float" });
    expect(first.headers.get("X-Cache")).toBe("MISS");
    const vectors = await first.json<{ data: { embedding: number[] }[]; usage: { prompt_tokens: number } }>();
    const again = await embed(tenant, { ...body, encoding_format: "float" });
    expect(again.headers.get("X-Cache")).toMatch(/^HIT/);
    expect(await again.json()).toEqual(vectors);
    const base64 = await embed(tenant, { ...body, encoding_format: "base64" });
    expect(base64.headers.get("X-Cache")).toMatch(/^HIT/);
    expect((await embed(uniqueTenant(), body)).headers.get("X-Cache")).toBe("MISS");
    expect((await embed(tenant, body, { "Cache-Control": "no-store" })).headers.get("X-Cache")).toBe("BYPASS");
  });

  it("caches chat completions at temperature 0 only, with the route they were served by", async () => {
    const tenant = uniqueTenant();
    const body = { messages: [{ role: "user", content: "Explain step by step how tea is made." }], temperature: 0 };
    const first = await chatRequest(tenant, body);
    expect(first.status).toBe(200);
    expect(first.headers.get("X-Cache")).toBe("MISS");
    const answer = await first.json<{ id: string }>();
    const second = await chatRequest(tenant, body);
    expect(second.headers.get("X-Cache")).toMatch(/^HIT/);
    // The same answer, under this request's own receipt (the id feedback names a request by).
    const cached = await second.json<{ id: string }>();
    expect({ ...cached, id: undefined }).toEqual({ ...answer, id: undefined });
    expect(cached.id).not.toBe(answer.id);
    expect(route(second)).toEqual(route(first));
    const warm = await chatRequest(tenant, { ...body, temperature: 0.7 });
    expect(warm.headers.get("X-Cache")).toBeNull();
    const streamed = await chatRequest(tenant, { ...body, stream: true });
    expect(streamed.headers.get("X-Cache")).toBeNull();
    await streamed.text();
  });
});
