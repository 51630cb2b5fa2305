// Budgets enforced through the API: exact under 100 concurrent requests
// (reserve, then settle), per-plan rows, Retry-After at the window's end,
// and a meter outage that does not become an outage of the product.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { TenantUsage } from "../../../gateway/usage/tenant-usage";
import { PlanLimits } from "../../../gateway/usage/config";
import { emptySums } from "../../../shared/usage/rollup";
import { addRollups } from "../../../shared/usage/rollup-store";
import { describe, expect, it } from "vitest";
import { toUnits } from "../../../gateway/usage/budget-ledger";
import { embeddingEstimate } from "../../../gateway/usage/estimate";
import { expectError } from "../../helpers/api";
import { uniqueTenant } from "../../helpers/tokens";
import { flushUsage, json, meterOf, send, usageConfig, usageOf } from "../../helpers/usage";

const BGE = "@cf/baai/bge-base-en-v1.5";
const QUERY = "how long is green tea steeped";
const estimate = toUnits(embeddingEstimate(BGE, [QUERY]));

// no-store: every request runs (and costs) its search; a cache hit would settle at $0.
const search = (tenant: string, config: Partial<GatewayEnv>, claims: Record<string, unknown> = {}) =>
  send("/v1/search", { ...json({ query: QUERY, mode: "vector" }), headers: { "Cache-Control": "no-store" }, tokenOptions: { tenant, claims }, env: config });

const secondsToMidnight = () => Math.ceil((Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() + 1) - Date.now()) / 1000);

/** Minute windows: start a test early in a minute so the window cannot roll over while it runs. */
async function earlyInAMinute(): Promise<void> {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 45_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute + 100));
}

describe("budgets", () => {
  it("admits exactly the 50 of 100 concurrent requests that fit the daily dollar budget, and settles them exactly", async () => {
    const tenant = uniqueTenant("budget");
    const config = usageConfig({ plans: { default: { dailyUsd: (50 * estimate.nanoUsd) / 1e9 } } });
    const before = secondsToMidnight();
    const sent = await Promise.all(Array.from({ length: 100 }, () => search(tenant, config)));
    const after = secondsToMidnight();
    const statuses = sent.map((s) => s.response.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(50);
    expect(statuses.filter((s) => s === 429)).toHaveLength(50);
    const refused = sent.find((s) => s.response.status === 429);
    if (!refused) throw new Error("no refusal");
    const retryAfter = Number(refused.response.headers.get("Retry-After"));
    expect(retryAfter).toBeLessThanOrEqual(before);
    expect(retryAfter).toBeGreaterThanOrEqual(after);
    const body = await expectError(refused.response, 429, "budget_exceeded");
    expect(body.error.message).toMatch(/dailyUsd/);

    await Promise.all(sent.map((s) => s.settled));
    const used = await meterOf(tenant).budgetUsage();
    // What was reserved was settled at what the calls really cost: the same 50 estimates, exactly.
    expect(used.day.nanoUsd).toBe(50 * estimate.nanoUsd);
    expect(used.month.nanoUsd).toBe(50 * estimate.nanoUsd);

    await flushUsage(tenant);
    const usage = await usageOf(tenant);
    expect(usage.includesUnflushed).toBe(true);
    const searches = usage.groups.find((g) => g.key === "search");
    expect(searches?.requests).toBe(100);
    expect(searches?.rejected).toBe(50);
    expect(searches?.calls).toBe(50);
  });

  it("limits tokens per minute exactly under 100 concurrent requests, with tokens_rate_limited until the minute ends", async () => {
    await earlyInAMinute();
    const tenant = uniqueTenant("tpm");
    const config = usageConfig({ plans: { default: { tokensPerMinute: 50 * estimate.tokens } } });
    const sent = await Promise.all(Array.from({ length: 100 }, () => search(tenant, config)));
    const statuses = sent.map((s) => s.response.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(50);
    const refused = sent.filter((s) => s.response.status === 429);
    expect(refused).toHaveLength(50);
    for (const r of refused) {
      const retryAfter = Number(r.response.headers.get("Retry-After"));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
    }
    await expectError(refused[0]?.response ?? new Response(), 429, "tokens_rate_limited");
    await Promise.all(sent.map((s) => s.settled));
  }, 30_000);

  it("gives each plan its own row, and an unknown plan the default row", async () => {
    const config = usageConfig({ plans: { default: { dailyUsd: estimate.nanoUsd / 1e9 }, pro: { dailyUsd: (3 * estimate.nanoUsd) / 1e9 } } });
    const outcomes = async (tenant: string, plan: string | undefined, n: number) => {
      const statuses: number[] = [];
      for (let i = 0; i < n; i++) {
        const s = await search(tenant, config, plan === undefined ? {} : { plan });
        statuses.push(s.response.status);
        await s.settled;
      }
      return statuses;
    };
    expect(await outcomes(uniqueTenant("free"), undefined, 2)).toEqual([200, 429]);
    expect(await outcomes(uniqueTenant("pro"), "pro", 4)).toEqual([200, 200, 200, 429]);
    expect(await outcomes(uniqueTenant("odd"), "platinum", 2)).toEqual([200, 429]);
  });

  it("keeps serving when the meter cannot be reached, and the request's usage is simply not recorded", async () => {
    const broken = {
      idFromName: () => {
        throw new Error("meter down");
      },
    } as unknown as GatewayEnv["TENANT_GATE"];
    const tenant = uniqueTenant("down");
    const sent = await search(tenant, { ...usageConfig({ plans: { default: { dailyUsd: 1 } } }), TENANT_GATE: broken });
    expect(sent.response.status).toBe(200);
    await sent.settled;
    expect(env.TENANT_GATE).toBeDefined();
  });

  it("sums the day's and the month's spend back from the rollups when its object restarts", async () => {
    const tenant = uniqueTenant("restart");
    const now = Date.now();
    const hour = new Date(now).toISOString().slice(0, 13);
    await addRollups(env.DB, [{ tenantId: tenant, hour, route: "ask", provider: "workers-ai", model: "m", variant: "", ...emptySums(), requests: 1, usd: 0.05, neurons: 4545 }]);
    const admitted = await runInDurableObject(meterOf(tenant), async () => {
      const restarted = new TenantUsage(env, tenant);
      await restarted.load(now);
      const small = { usd: 0.001, neurons: 1, tokens: 10 };
      return {
        day: restarted.admit(PlanLimits.parse({ dailyUsd: 0.05 }), small, now).ok,
        month: restarted.admit(PlanLimits.parse({ monthlyNeurons: 4545 }), small, now).ok,
        roomy: restarted.admit(PlanLimits.parse({ dailyUsd: 0.06 }), small, now).ok,
      };
    });
    expect(admitted).toEqual({ day: false, month: false, roomy: true });
  });

  it("refuses to guess a budget from a configuration that does not parse, and names the setting", async () => {
    const bad = { USAGE_CONFIG: JSON.stringify({ plans: { default: { dailyUsd: -1 } } }) };
    const sent = await search(uniqueTenant("badconfig"), bad);
    const body = await expectError(sent.response, 500, "server_misconfigured");
    expect(body.error.message).toMatch(/plans\.default\.dailyUsd/);
    const list = await send("/v1/documents", { tokenOptions: { tenant: uniqueTenant("badconfig") }, env: bad });
    expect(list.response.status).toBe(200);
  });
});
