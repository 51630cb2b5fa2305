// A/B experiments: stable assignment and the configured split, the variant in
// the response header and the request log, feedback by request id, and the
// operators' report per experiment and variant.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { assign, ExperimentsSchema, userKey } from "../../../gateway/ai/experiments";
import type { ExperimentsReportResponse } from "../../../gateway/ai/routes/experiments-report";
import { OPENAI_ERROR, WORKERS_AI_ERROR } from "../../fixtures/ai-markers";
import { authed, call, expectError } from "../../helpers/api";
import { chatRequest, route } from "../../helpers/chat";
import { experiments, userInVariant } from "../../helpers/experiments";
import { token, uniqueTenant } from "../../helpers/tokens";

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

  it("records feedback for the caller's own requests only", async () => {
    const tenant = uniqueTenant();
    const response = await chatRequest(tenant, { messages: [{ role: "user", content: "hello" }] });
    const requestId = response.headers.get("X-Request-Id") ?? "";
    const send = async (who: string, body: unknown) =>
      authed(who, "/v1/feedback", { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
    const ok = await eventually(async () => {
      const r = await send(tenant, { requestId, score: 1, comment: "great" });
      return r.status === 200 ? r : undefined;
    });
    expect(await ok.json()).toEqual({ requestId, score: 1, recorded: true });
    await expectError(await send(uniqueTenant(), { requestId, score: -1 }), 404, "request_not_found");
    await expectError(await send(tenant, { requestId, score: 2 }), 400, "invalid_request");
    await expectError(await send(tenant, { requestId: "req-unknown", score: 0 }), 404, "request_not_found");
    const row = await env.DB.prepare("SELECT feedback_score, feedback_comment FROM ai_requests WHERE request_id = ?").bind(requestId).first();
    expect(row).toEqual({ feedback_score: 1, feedback_comment: "great" });
  });

  it("reports requests, errors, latency percentiles, tokens and feedback per variant", async () => {
    const tenant = uniqueTenant();
    const control = await userInVariant(tenant, "control");
    const glm = await userInVariant(tenant, "glm");
    const ids: Record<string, string[]> = { control: [], glm: [] };
    const tokens: Record<string, { input: number; output: number }> = { control: { input: 0, output: 0 }, glm: { input: 0, output: 0 } };
    const counts = { control: 5, glm: 3 } as const;
    for (const [variant, user] of [
      ["control", control],
      ["glm", glm],
    ] as const) {
      await Promise.all(
        Array.from({ length: counts[variant] }, async (_, i) => {
          const response = await chatRequest(tenant, { user, messages: [{ role: "user", content: `question number ${i} about tea` }] });
          expect(response.status).toBe(200);
          const body = await response.json<{ usage: { prompt_tokens: number; completion_tokens: number } }>();
          ids[variant]?.push(response.headers.get("X-Request-Id") ?? "");
          const t = tokens[variant];
          if (t) {
            t.input += body.usage.prompt_tokens;
            t.output += body.usage.completion_tokens;
          }
        }),
      );
    }
    // One request of the control group that no model could serve.
    const failed = await chatRequest(tenant, { user: control, messages: [{ role: "user", content: `x ${WORKERS_AI_ERROR} ${OPENAI_ERROR}` }] });
    expect(failed.status).toBe(503);
    // Feedback: control 1, -1, 0.5; glm 1.
    const admin = await token({ tenant: "operator", role: "admin" });
    const scores: [string, number][] = [
      [ids["control"]?.[0] ?? "", 1],
      [ids["control"]?.[1] ?? "", -1],
      [ids["control"]?.[2] ?? "", 0.5],
      [ids["glm"]?.[0] ?? "", 1],
    ];
    for (const [requestId, score] of scores) {
      await eventually(async () => {
        const r = await authed(tenant, "/v1/feedback", { method: "POST", body: JSON.stringify({ requestId, score }), headers: { "Content-Type": "application/json" } });
        return r.status === 200 ? r : undefined;
      });
    }
    const report = await eventually(async () => {
      const response = await call(`/v1/admin/experiments?tenant=${tenant}`, { headers: { Authorization: `Bearer ${admin}` } });
      expect(response.status).toBe(200);
      const body = await response.json<ExperimentsReportResponse>();
      const variants = body.experiments[0]?.variants ?? [];
      return variants.reduce((n, v) => n + v.requests, 0) === 9 ? body : undefined;
    });
    expect(report.experiments).toHaveLength(1);
    const experiment = report.experiments[0];
    expect(experiment?.experiment).toBe("simple-model");
    expect(experiment?.configured).toBe(true);
    const byName = Object.fromEntries((experiment?.variants ?? []).map((v) => [v.variant, v]));
    expect(byName["control"]).toMatchObject({ requests: 6, errors: 1, tokens: tokens["control"], feedback: { count: 3, mean: expect.closeTo(0.5 / 3, 6) } });
    expect(byName["glm"]).toMatchObject({ requests: 3, errors: 0, tokens: tokens["glm"], feedback: { count: 1, mean: 1 } });
    // Percentiles are the nearest-rank ones of the recorded latencies of successful requests.
    for (const variant of ["control", "glm"]) {
      const { results } = await env.DB.prepare("SELECT latency_ms FROM ai_requests WHERE tenant_id = ? AND variant = ? AND status = 'ok' ORDER BY latency_ms")
        .bind(tenant, variant)
        .all<{ latency_ms: number }>();
      const latencies = results.map((r) => r.latency_ms);
      const rank = (p: number) => latencies[Math.max(0, Math.ceil(p * latencies.length) - 1)];
      expect(byName[variant]?.latencyMs).toEqual({ p50: rank(0.5), p95: rank(0.95) });
    }
  });

  it("is for operators only", async () => {
    const response = await authed(uniqueTenant(), "/v1/admin/experiments");
    await expectError(response, 403, "forbidden");
  });
});

/** Retries until `check` gives a value: request-log rows are written after the response (waitUntil). */
async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
