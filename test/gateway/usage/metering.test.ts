// A usage record for every kind of AI call, summed into rollups off the hot
// path; streams charged by their real usage; recording failures never fail
// a request; the reports read the rollups back per tenant.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { AskResponse } from "../../../gateway/routes/ask";
import type { AdminUsageResponse } from "../../../gateway/usage/routes/admin-usage";
import { costOf } from "../../../shared/usage/cost";
import { expectError, uploadOk, waitUntilSettled } from "../../helpers/api";
import { parseSse } from "../../helpers/sse";
import { uniqueTenant } from "../../helpers/tokens";
import { flushUsage, json, meterOf, send, usageOf } from "../../helpers/usage";

const LLAMA = "@cf/meta/llama-3.3-70b-instruct-fp8-fast";
const BGE = "@cf/baai/bge-base-en-v1.5";
const TEA = "# Tea\n\nGreen tea is steeped at 80 degrees Celsius for two minutes. Black tea takes boiling water and four minutes.";

const isChat = (input: unknown) => typeof input === "object" && input !== null && "messages" in input;

/** Workers AI whose chat model streams a fixed answer and then reports its own usage. */
function aiStreamingWithUsage(promptTokens: number, completionTokens: number): Ai {
  const run = (model: string, input: unknown, options?: unknown) => {
    if (!isChat(input)) return (env.AI.run as (...args: unknown[]) => unknown)(model, input, options);
    const events = ['{"response":"Green tea is steeped "}', '{"response":"for two minutes [1]."}', `{"response":"","usage":{"prompt_tokens":${promptTokens},"completion_tokens":${completionTokens}}}`, "[DONE]"];
    return Promise.resolve(new Response(events.map((e) => `data: ${e}\n\n`).join("")).body);
  };
  return { run } as unknown as Ai; // Only `run` is used by the gateway.
}

describe("metering", () => {
  const tenant = uniqueTenant("meter");
  beforeAll(async () => {
    const doc = await uploadOk(tenant, TEA, { contentType: "text/markdown", filename: "tea.md" });
    await waitUntilSettled(tenant, doc.id);
  });

  it("records an ask's answer with the tokens the model reported and its query embedding as a call behind it", async () => {
    const sent = await send("/v1/ask", { ...json({ question: "How long is green tea steeped?" }), tokenOptions: { tenant, sub: "alice" } });
    expect(sent.response.status).toBe(200);
    const answer = await sent.response.json<AskResponse>();
    await sent.settled;
    const rows = await meterOf(tenant).pending();
    const chat = rows.find((r) => r.route === "ask" && r.model === LLAMA);
    const embedding = rows.find((r) => r.route === "ask" && r.model === BGE);
    expect(chat).toMatchObject({ provider: "workers-ai", requests: 1, calls: 1, inputTokens: answer.usage.inputTokens, outputTokens: answer.usage.outputTokens });
    const expected = costOf("workers-ai", LLAMA, answer.usage);
    expect(chat?.neurons).toBeCloseTo(expected.neurons, 9);
    expect(chat?.usd).toBeCloseTo(expected.usd, 12);
    expect(embedding).toMatchObject({ provider: "workers-ai", requests: 0, calls: 1 });
    expect(embedding?.inputTokens).toBeGreaterThan(0);
  });

  it("charges a streamed answer by the usage the model reported at its end, not by an estimate", async () => {
    const other = uniqueTenant("stream");
    const doc = await uploadOk(other, TEA, { contentType: "text/markdown", filename: "tea.md" });
    await waitUntilSettled(other, doc.id);
    const sent = await send("/v1/ask", { ...json({ question: "How long is green tea steeped?", stream: true }), tokenOptions: { tenant: other }, env: { AI: aiStreamingWithUsage(1234, 56) } });
    const events = parseSse(await sent.response.text());
    expect(events.at(-1)?.event).toBe("done");
    await sent.settled;
    const chat = (await meterOf(other).pending()).find((r) => r.model === LLAMA);
    expect(chat).toMatchObject({ requests: 1, inputTokens: 1234, outputTokens: 56 });
    expect(chat?.usd).toBeCloseTo(costOf("workers-ai", LLAMA, { inputTokens: 1234, outputTokens: 56 }).usd, 12);
  });

  it("records a question with nothing to answer from as served without a model", async () => {
    const empty = uniqueTenant("empty");
    const sent = await send("/v1/ask", { ...json({ question: "Who won the 1998 world cup?" }), tokenOptions: { tenant: empty } });
    expect(sent.response.status).toBe(200);
    await sent.settled;
    const rows = await meterOf(empty).pending();
    expect(rows.find((r) => r.provider === "none")).toMatchObject({ route: "ask", requests: 1, calls: 0, usd: 0 });
    expect(rows.find((r) => r.model === LLAMA)).toBeUndefined();
  });

  it("records every ingestion's embeddings with its pages, from the consumer", async () => {
    const rows = await env.DB.prepare("SELECT * FROM usage_rollups WHERE tenant_id = ? AND route = 'ingest'").bind(tenant).all<{ requests: number; pages: number; calls: number; input_tokens: number; neurons: number; model: string }>();
    const row = rows.results[0];
    expect(row).toMatchObject({ requests: 1, pages: 1, calls: 1, model: BGE });
    expect(row?.input_tokens).toBeGreaterThan(0);
    expect(row?.neurons).toBeCloseTo(((row?.input_tokens ?? 0) * 6058) / 1e6, 9);
  });

  it("keeps the sums when D1 refuses a flush, looks again, and writes them at the next look", async () => {
    const t = uniqueTenant("flush");
    const sent = await send("/v1/search", { ...json({ query: "green tea", mode: "vector" }), tokenOptions: { tenant: t } });
    expect(sent.response.status).toBe(200);
    await sent.settled;
    const stub = meterOf(t);
    await env.DB.exec("ALTER TABLE usage_rollups RENAME TO usage_rollups_away");
    try {
      // A quiet look: it would write, and D1 refuses.
      await stub.alarmAt(Date.now() + 5_000);
    } finally {
      await env.DB.exec("ALTER TABLE usage_rollups_away RENAME TO usage_rollups");
    }
    expect(await stub.pending()).toHaveLength(1);
    // Another look is armed, so the sums cannot be forgotten when the object hibernates.
    expect(await runInDurableObject(stub, (_, state) => state.storage.getAlarm())).not.toBeNull();
    await stub.alarmAt(Date.now() + 10_000);
    expect(await stub.pending()).toHaveLength(0);
    const stored = await env.DB.prepare("SELECT requests FROM usage_rollups WHERE tenant_id = ?").bind(t).all<{ requests: number }>();
    expect(stored.results).toEqual([{ requests: 1 }]);
  });

  it("flushes at a look once the tenant is quiet, and keeps summing while it is busy", async () => {
    const t = uniqueTenant("alarm");
    const sent = await send("/v1/search", { ...json({ query: "green tea", mode: "vector" }), tokenOptions: { tenant: t } });
    await sent.settled;
    const stub = meterOf(t);
    // Right after a request the tenant is busy: the look keeps the sums and arms the next one.
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await stub.pending()).toHaveLength(1);
    // A look interval later with no request since, it writes (before the object could hibernate).
    await stub.alarmAt(Date.now() + 5_000);
    expect(await stub.pending()).toHaveLength(0);
    const stored = await env.DB.prepare("SELECT requests FROM usage_rollups WHERE tenant_id = ?").bind(t).all<{ requests: number }>();
    expect(stored.results).toEqual([{ requests: 1 }]);
  });

  it("answers every request even when its usage cannot be recorded", async () => {
    const down = {
      idFromName: () => {
        throw new Error("meter down");
      },
    } as unknown as GatewayEnv["TENANT_GATE"];
    const ask = await send("/v1/ask", { ...json({ question: "How long is green tea steeped?" }), tokenOptions: { tenant }, env: { TENANT_GATE: down } });
    expect(ask.response.status).toBe(200);
    expect((await ask.response.json<AskResponse>()).answer).toMatch(/two minutes/);
    const stream = await send("/v1/ask", { ...json({ question: "How long is green tea steeped?", stream: true }), tokenOptions: { tenant }, env: { TENANT_GATE: down } });
    expect(parseSse(await stream.response.text()).at(-1)?.event).toBe("done");
    await Promise.all([ask.settled, stream.settled]);
  });

  it("reports a tenant's usage by day, model and route, and only its own", async () => {
    await flushUsage(tenant);
    const byRoute = await usageOf(tenant, "groupBy=route");
    expect(byRoute.groups.map((g) => g.key)).toEqual(expect.arrayContaining(["ask", "ingest"]));
    const byModel = await usageOf(tenant, "groupBy=model");
    expect(byModel.groups.map((g) => g.key)).toEqual(expect.arrayContaining([LLAMA, BGE]));
    const byDay = await usageOf(tenant, "groupBy=day");
    expect(byDay.groups.map((g) => g.key)).toEqual([new Date().toISOString().slice(0, 10)]);
    expect(byDay.totals.usd).toBeCloseTo(byModel.totals.usd, 12);
    // A stranger's report holds nothing of this tenant: only the report request itself, counted when admitted.
    const stranger = await usageOf(uniqueTenant("stranger"));
    expect(stranger.groups.map((g) => [g.key, g.requests])).toEqual([["other", 1]]);
    expect(stranger.totals.calls).toBe(0);
  });

  it("rejects a bad range with invalid_request", async () => {
    const bad = await send("/v1/usage?from=yesterday", { tokenOptions: { tenant } });
    await expectError(bad.response, 400, "invalid_request");
    const reversed = await send("/v1/usage?from=2026-11-20&to=2026-11-10", { tokenOptions: { tenant } });
    await expectError(reversed.response, 400, "invalid_request");
    const group = await send("/v1/usage?groupBy=user", { tokenOptions: { tenant } });
    await expectError(group.response, 400, "invalid_request");
  });

  it("gives operators the derived report across tenants, and nobody else", async () => {
    await flushUsage(tenant);
    const member = await send("/v1/admin/usage", { tokenOptions: { tenant } });
    await expectError(member.response, 403, "forbidden");
    const admin = await send(`/v1/admin/usage?tenant=${tenant}`, { tokenOptions: { tenant: "operator", role: "admin" } });
    expect(admin.response.status).toBe(200);
    const body = await admin.response.json<AdminUsageResponse>();
    expect(body.tenant).toBe(tenant);
    expect(body.byTenant.map((t) => t.key)).toEqual([tenant]);
    // The first test's question; the two asked while the meter was down were not recorded.
    expect(body.report.requests.questions).toBe(1);
    expect(body.report.ingest.pages).toBe(1);
    expect(body.report.baseline.usd).toBeGreaterThan(0);
    expect(body.pricing.usdPerNeuron).toBeCloseTo(0.000011, 12);
    // The index's size for the platform cost projection: every tenant's ready chunks, at bge-base's 768 dimensions.
    const ready = await env.DB.prepare("SELECT SUM(chunks) AS n FROM documents WHERE status = 'ready'").first<{ n: number }>();
    expect(body.deployment).toEqual({ storedVectors: ready?.n, dimensions: 768 });
    expect(body.deployment.storedVectors).toBeGreaterThanOrEqual(1);
  });
});
