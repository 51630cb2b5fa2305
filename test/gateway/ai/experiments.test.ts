// A/B experiments: stable assignment and the configured split, the variant in
// the response header, and the operators' report per experiment and variant,
// built from the usage rollups and feedback rows (no row per request).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { assign, ExperimentsSchema, userKey } from "../../../gateway/ai/experiments";
import { signReceipt } from "../../../gateway/ai/receipt";
import type { ExperimentsReportResponse } from "../../../gateway/ai/routes/experiments-report";
import { costOf } from "../../../shared/usage/cost";
import { emptyHistogram } from "../../../shared/usage/latency-histogram";
import { emptySums, hourOf, type RollupRow } from "../../../shared/usage/rollup";
import { addRollups } from "../../../shared/usage/rollup-store";
import { OPENAI_ERROR, WORKERS_AI_ERROR } from "../../fixtures/ai-markers";
import { authed, call, expectError } from "../../helpers/api";
import { chatRequest, route } from "../../helpers/chat";
import { experiments, userInVariant } from "../../helpers/experiments";
import { token, uniqueTenant } from "../../helpers/tokens";
import { flushUsage } from "../../helpers/usage";

const split = (weights: [number, number]) =>
  ExperimentsSchema.parse([
    {
      name: "split",
      variants: [
        { name: "a", model: "routed", weight: weights[0] },
        { name: "b", model: "gpt-4.1-mini", weight: weights[1] },
      ],
    },
  ]);

async function shareOfB(weights: [number, number], users = 4000): Promise<number> {
  const list = split(weights);
  const variants = await Promise.all(Array.from({ length: users }, (_, i) => assign(list, "simple", userKey("tenant", `user-${i}`))));
  return variants.filter((v) => v?.variant === "b").length / users;
}

describe("assignment", () => {
  it("gives a user the same variant every time", async () => {
    const list = experiments();
    for (let i = 0; i < 50; i++) {
      const key = userKey("acme", `user-${i}`);
      const first = await assign(list, "simple", key);
      const again = await Promise.all(Array.from({ length: 5 }, () => assign(list, "simple", key)));
      expect(again.map((a) => a?.variant)).toEqual(Array(5).fill(first?.variant));
    }
  });

  it("splits users in proportion to the weights", async () => {
    // 4,000 users: the share's standard deviation is under 0.008, so these bounds are over 4 deviations wide.
    expect(await shareOfB([50, 50])).toBeGreaterThan(0.465);
    expect(await shareOfB([50, 50])).toBeLessThan(0.535);
    const tenPercent = await shareOfB([90, 10]);
    expect(tenPercent).toBeGreaterThan(0.08);
    expect(tenPercent).toBeLessThan(0.12);
    expect(await shareOfB([1, 0])).toBe(0);
  });

  it("applies only to the routing classes it names, and not to explicit models", async () => {
    const list = experiments();
    expect(await assign(list, "complex", userKey("acme", "u"))).toBeUndefined();
    const tenant = uniqueTenant();
    const explicit = await chatRequest(tenant, { model: "@cf/meta/llama-3.1-8b-instruct-fast", messages: [{ role: "user", content: "hi" }] });
    expect(explicit.headers.get("X-Experiment-Variant")).toBeNull();
    const complex = await chatRequest(tenant, { messages: [{ role: "user", content: "Explain step by step" }] });
    expect(complex.headers.get("X-Experiment-Variant")).toBeNull();
  });

  it("refuses experiments that cannot work", () => {
    expect(() => split([0, 0])).toThrow();
    expect(() => ExperimentsSchema.parse([{ name: "x", variants: [{ name: "a", model: "no-such-model", weight: 1 }, { name: "b", model: "routed", weight: 1 }] }])).toThrow();
    expect(() => ExperimentsSchema.parse([{ name: "x", variants: [{ name: "a", model: "routed", weight: 1 }, { name: "a", model: "routed", weight: 1 }] }])).toThrow();
  });
});

describe("variants in responses, feedback and the report", () => {
  it("serves each variant's model and says which variant in X-Experiment-Variant", async () => {
    const tenant = uniqueTenant();
    for (const [variant, model] of [
      ["control", "@cf/meta/llama-3.1-8b-instruct-fast"],
      ["glm", "@cf/zai-org/glm-4.7-flash"],
    ] as const) {
      const user = await userInVariant(tenant, variant);
      for (let i = 0; i < 3; i++) {
        const response = await chatRequest(tenant, { user, messages: [{ role: "user", content: `hello ${i}` }] });
        expect(response.status).toBe(200);
        expect(response.headers.get("X-Experiment-Variant")).toBe(`simple-model/${variant}`);
        expect(route(response).model).toBe(model);
      }
    }
  });

  it("reports requests, errors, tokens, dollars, latency and feedback per variant, from the rollups", async () => {
    const tenant = uniqueTenant();
    const control = await userInVariant(tenant, "control");
    const glm = await userInVariant(tenant, "glm");
    const ids: Record<string, string[]> = { control: [], glm: [] };
    const expected: Record<string, { input: number; output: number; usd: number }> = { control: { input: 0, output: 0, usd: 0 }, glm: { input: 0, output: 0, usd: 0 } };
    const counts = { control: 5, glm: 3 } as const;
    for (const [variant, user] of [
      ["control", control],
      ["glm", glm],
    ] as const) {
      await Promise.all(
        Array.from({ length: counts[variant] }, async (_, i) => {
          const response = await chatRequest(tenant, { user, messages: [{ role: "user", content: `question number ${i} about tea` }] });
          expect(response.status).toBe(200);
          const body = await response.json<{ id: string; usage: { prompt_tokens: number; completion_tokens: number } }>();
          ids[variant]?.push(body.id);
          const { model, provider } = route(response);
          const e = expected[variant];
          if (e) {
            e.input += body.usage.prompt_tokens;
            e.output += body.usage.completion_tokens;
            e.usd += costOf(provider === "openai" ? "openai" : "workers-ai", model ?? "", { inputTokens: body.usage.prompt_tokens, outputTokens: body.usage.completion_tokens }).usd;
          }
        }),
      );
    }
    // One request of the control group that no model could serve.
    const failed = await chatRequest(tenant, { user: control, messages: [{ role: "user", content: `x ${WORKERS_AI_ERROR} ${OPENAI_ERROR}` }] });
    expect(failed.status).toBe(503);
    // Feedback: control 1, -1, 0.5; glm 1.
    const scores: [string, number][] = [
      [ids["control"]?.[0] ?? "", 1],
      [ids["control"]?.[1] ?? "", -1],
      [ids["control"]?.[2] ?? "", 0.5],
      [ids["glm"]?.[0] ?? "", 1],
    ];
    for (const [id, score] of scores) {
      const r = await authed(tenant, "/v1/feedback", { method: "POST", body: JSON.stringify({ id, score }), headers: { "Content-Type": "application/json" } });
      expect(r.status).toBe(200);
    }
    // Usage reaches the tenant's gate after the responses (batched, in waitUntil); the report adds its unflushed sums.
    const report = await eventually(async () => {
      const body = await experimentsReport(`?tenant=${tenant}`);
      const variants = body.experiments[0]?.variants ?? [];
      return variants.reduce((n, v) => n + v.requests, 0) === 9 ? body : undefined;
    });
    expect(report.includesUnflushed).toBe(true);
    expect(report.experiments).toHaveLength(1);
    const experiment = report.experiments[0];
    expect(experiment?.experiment).toBe("simple-model");
    expect(experiment?.configured).toBe(true);
    const byName = Object.fromEntries((experiment?.variants ?? []).map((v) => [v.variant, v]));
    for (const [variant, requests, errors, feedback] of [
      ["control", 6, 1, { count: 3, mean: expect.closeTo(0.5 / 3, 6) }],
      ["glm", 3, 0, { count: 1, mean: 1 }],
    ] as const) {
      const v = byName[variant];
      const e = expected[variant];
      expect(v).toMatchObject({ requests, errors, succeeded: requests - errors, tokens: { input: e?.input, output: e?.output }, feedback });
      // To the nano-dollar, as reported.
      expect(v?.usd).toBeCloseTo(e?.usd ?? NaN, 9);
      expect(v?.usdPer1kRequests).toBeCloseTo(((e?.usd ?? NaN) / requests) * 1000, 9);
      // Every successful request is in the histogram, and the percentiles are buckets of it.
      expect(v?.latencyMs.histogram.reduce((a, b) => a + b, 0)).toBe(requests - errors);
      expect(report.latencyBucketsMs).toContain(v?.latencyMs.p50);
      expect(report.latencyBucketsMs).toContain(v?.latencyMs.p95);
    }
    // The same figures once flushed, and across tenants (stored rollups only) this tenant's are in there.
    await flushUsage(tenant);
    const stored = await experimentsReport(`?tenant=${tenant}`);
    expect(stored.experiments).toEqual(report.experiments);
    const all = await experimentsReport("");
    expect(all.includesUnflushed).toBe(false);
    const allControl = all.experiments.find((e) => e.experiment === "simple-model")?.variants.find((v) => v.variant === "control");
    expect(allControl?.requests).toBeGreaterThanOrEqual(6);
  });

  it("does the arithmetic on known rollups: sums across models and hours in the window, the cost column, percentiles from the histogram", async () => {
    const tenant = uniqueTenant("arith");
    const now = Date.now();
    const hour = hourOf(now);
    const histogram = (counts: Record<number, number>) => emptyHistogram().map((_, i) => counts[i] ?? 0);
    const row = (fields: Partial<RollupRow>): RollupRow => ({ tenantId: tenant, hour, route: "chat", provider: "workers-ai", model: "m1", variant: "arith/a", ...emptySums(), ...fields });
    await addRollups(env.DB, [
      // Variant a: 25 requests over two models, 20 succeeded (10 at <=200 ms, 5 at <=800, 5 over 25.6 s): p50 <=200, p95 >25600.
      row({ requests: 15, inputTokens: 1500, outputTokens: 300, usd: 0.2, latencyHistogram: histogram({ 2: 10, 4: 2 }) }),
      row({ model: "m2", provider: "openai", requests: 10, inputTokens: 500, outputTokens: 200, usd: 0.3, latencyHistogram: histogram({ 4: 3, 10: 5 }) }),
      // A failed fallback attempt behind a request: a call, not a request; its cost counts.
      row({ model: "m3", requests: 0, calls: 1, errors: 1, usd: 0.001 }),
      // Variant b: 4 requests, all fast.
      row({ variant: "arith/b", requests: 4, inputTokens: 40, outputTokens: 8, usd: 0, latencyHistogram: histogram({ 0: 4 }) }),
      // Outside the window, another experiment's variant of the same name, and a row from before variants named their experiment.
      row({ hour: hourOf(now - 10 * 86_400_000), requests: 1000, latencyHistogram: histogram({ 0: 1000 }) }),
      row({ variant: "other/a", requests: 7, latencyHistogram: histogram({ 1: 7 }) }),
      row({ variant: "a", requests: 50, latencyHistogram: histogram({ 0: 50 }) }),
    ]);
    // Feedback on variant a: 1, 0 and -0.5 (the middle one first sent as 1, then replaced).
    const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(env.RECEIPT_SECRET), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const receipt = (requestId: string, at = now) => signReceipt(key, tenant, { requestId, at, experiment: "arith", variant: "a", model: "m1" });
    for (const [requestId, score] of [["r1", 1], ["r2", 1], ["r2", 0], ["r3", -0.5]] as const) {
      const r = await authed(tenant, "/v1/feedback", { method: "POST", body: JSON.stringify({ id: await receipt(requestId), score }), headers: { "Content-Type": "application/json" } });
      expect(r.status).toBe(200);
    }
    // Feedback on a request older than the window does not count.
    const old = await authed(tenant, "/v1/feedback", { method: "POST", body: JSON.stringify({ id: await receipt("r0", now - 10 * 86_400_000), score: 1 }), headers: { "Content-Type": "application/json" } });
    expect(old.status).toBe(200);

    const report = await experimentsReport(`?tenant=${tenant}&days=7`);
    expect(report.since).toBe(`${hourOf(now - 7 * 86_400_000)}:00:00.000Z`);
    expect(report.latencyBucketsMs).toEqual(["<=50", "<=100", "<=200", "<=400", "<=800", "<=1600", "<=3200", "<=6400", "<=12800", "<=25600", ">25600"]);
    expect(report.experiments.map((e) => [e.experiment, e.configured])).toEqual([
      ["arith", false],
      ["other", false],
    ]);
    const [a, b] = report.experiments[0]?.variants ?? [];
    expect(a).toMatchObject({
      variant: "a",
      requests: 25,
      succeeded: 20,
      errors: 5,
      tokens: { input: 2000, output: 500 },
      latencyMs: { p50: "<=200", p95: ">25600", histogram: histogram({ 2: 10, 4: 5, 10: 5 }) },
      feedback: { count: 3, mean: expect.closeTo(0.5 / 3, 12) },
    });
    expect(a?.usd).toBe(0.501);
    expect(a?.usdPer1kRequests).toBe(20.04);
    expect(b).toMatchObject({ variant: "b", requests: 4, succeeded: 4, errors: 0, usd: 0, usdPer1kRequests: 0, latencyMs: { p50: "<=50", p95: "<=50" }, feedback: { count: 0, mean: null } });
    expect(report.experiments[1]?.variants).toMatchObject([{ variant: "a", requests: 7, latencyMs: { p50: "<=100", p95: "<=100" }, feedback: { count: 0, mean: null } }]);
  });

  it("is for operators only", async () => {
    const response = await authed(uniqueTenant(), "/v1/admin/experiments");
    await expectError(response, 403, "forbidden");
  });
});

async function experimentsReport(query: string): Promise<ExperimentsReportResponse> {
  const admin = await token({ tenant: "operator", role: "admin" });
  const response = await call(`/v1/admin/experiments${query}`, { headers: { Authorization: `Bearer ${admin}` } });
  expect(response.status).toBe(200);
  return response.json<ExperimentsReportResponse>();
}

/** Retries until `check` gives a value: usage reaches the tenant's gate after the response (waitUntil). */
async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
