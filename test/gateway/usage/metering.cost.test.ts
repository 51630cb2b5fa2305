// What metering costs, counted rather than timed: a tenant's settlements ride
// on its next admission call from the same isolate, one fallback call takes
// what no admission carried, requests without AI calls are counted at
// admission, and the gate's one alarm ("a look") serves the rate counters'
// write-behind and the usage's, adding one look per burst of activity.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { Looks } from "../../../gateway/edge/limits/looks";
import { FLUSH_MS } from "../../../gateway/edge/limits/rate-counters";
import type { AdmitRequest } from "../../../gateway/edge/limits/tenant-gate";
import { toUnits } from "../../../gateway/usage/budget-ledger";
import { embeddingEstimate } from "../../../gateway/usage/estimate";
import { estimateRequest } from "../../../gateway/usage/estimators";
import type { AdminUsageResponse } from "../../../gateway/usage/routes/admin-usage";
import type { MeterOptions, Settlement } from "../../../gateway/usage/tenant-usage";
import { backend, uniquePath } from "../../helpers/backends";
import { edgeAuthed } from "../../helpers/edge";
import { uniqueTenant } from "../../helpers/tokens";
import { flushUsage, json, meterOf, send, usageConfig } from "../../helpers/usage";

const BGE = "@cf/baai/bge-base-en-v1.5";
const QUERY = "how long is green tea steeped";
const estimate = toUnits(embeddingEstimate(BGE, [QUERY]));

// no-store: every request runs (and meters) its query embedding.
const search = (tenant: string, config: Partial<GatewayEnv>) =>
  send("/v1/search", { ...json({ query: QUERY, mode: "vector" }), headers: { "Cache-Control": "no-store" }, tokenOptions: { tenant }, env: config });

const pendingRow = async (tenant: string, route: string) => (await meterOf(tenant).pending()).find((r) => r.route === route);

/** Requests and calls of a route, written to D1 or still summed in the gate. */
async function recorded(tenant: string, route: string): Promise<{ requests: number; calls: number }> {
  const stored = await env.DB.prepare("SELECT COALESCE(SUM(requests), 0) AS requests, COALESCE(SUM(calls), 0) AS calls FROM usage_rollups WHERE tenant_id = ? AND route = ?")
    .bind(tenant, route)
    .first<{ requests: number; calls: number }>();
  const pending = await pendingRow(tenant, route);
  return { requests: (stored?.requests ?? 0) + (pending?.requests ?? 0), calls: (stored?.calls ?? 0) + (pending?.calls ?? 0) };
}
const alarmOf = (tenant: string) => runInDurableObject(meterOf(tenant), (_, state) => state.storage.getAlarm());

describe("settlements ride on the next admission", () => {
  it("settles a steady trickle of one tenant's requests with its next admissions, and the last one by one fallback call", async () => {
    const tenant = uniqueTenant("trickle");
    // A budget, so every request holds a reservation until its settlement arrives.
    const config = usageConfig({ settleDelayMs: 5_000, plans: { default: { dailyUsd: 1 } } });
    const n = 12;
    const sent = [];
    for (let i = 0; i < n; i++) {
      const s = await search(tenant, config);
      expect(s.response.status).toBe(200);
      sent.push(s);
    }
    const during = await meterOf(tenant).meterStats();
    expect(during.settleCalls).toBe(0);
    expect(during.carried).toBe(n - 1);
    // No admission follows the last request: the fallback brings its settlement.
    await Promise.all(sent.map((s) => s.settled));
    const after = await meterOf(tenant).meterStats();
    expect(after.settleCalls).toBe(1);
    expect(await recorded(tenant, "search")).toEqual({ requests: n, calls: n });
    // Every reservation was settled at what its call cost, none left holding budget.
    expect((await meterOf(tenant).budgetUsage()).day.nanoUsd).toBe(n * estimate.nanoUsd);
  }, 20_000);

  it("settles the request it carries before deciding the new one, so the new one can use the budget the old one gave back", async () => {
    const tenant = uniqueTenant("freed");
    // Nothing to answer from: the ask costs its query embedding, far below its estimate.
    const body = { question: "Who won the 1998 world cup?" };
    const estimate = estimateRequest("ask", body, env);
    if (!estimate) throw new Error("no estimate");
    // Room for one estimate, not two; no fallback within the test: only the second admission can bring the first settlement.
    const config = usageConfig({ settleDelayMs: 5_000, plans: { default: { dailyUsd: 1.5 * estimate.usd } } });
    const ask = () => send("/v1/ask", { ...json(body), headers: { "Cache-Control": "no-store" }, tokenOptions: { tenant }, env: config });
    const first = await ask();
    expect(first.response.status).toBe(200);
    const second = await ask();
    expect(second.response.status).toBe(200);
    await Promise.all([first.settled, second.settled]);
    expect((await meterOf(tenant).meterStats()).carried).toBe(1);
  }, 20_000);

  it("costs far fewer settle calls than requests when many of one tenant's requests run at once, and loses none", async () => {
    const tenant = uniqueTenant("burst");
    const n = 40;
    const sent = await Promise.all(Array.from({ length: n }, () => search(tenant, usageConfig({ settleDelayMs: 2_000 }))));
    expect(sent.every((s) => s.response.status === 200)).toBe(true);
    await Promise.all(sent.map((s) => s.settled));
    const stats = await meterOf(tenant).meterStats();
    expect(stats.settleCalls).toBeGreaterThanOrEqual(1);
    expect(stats.settleCalls).toBeLessThan(n / 4);
    expect(await recorded(tenant, "search")).toEqual({ requests: n, calls: n });
  });

  it("gives the settlements an admission carried back to wait again when that admission fails", async () => {
    const tenant = uniqueTenant("flaky");
    const real = env.TENANT_GATE;
    let failNextAdmit = false;
    // The real gate, except that one admission call fails the way an unreachable object does.
    const flaky = {
      idFromName: (name: string) => real.idFromName(name),
      get: (id: DurableObjectId) => {
        const stub = real.get(id);
        return {
          admit: (request: AdmitRequest) => {
            if (!failNextAdmit) return stub.admit(request);
            failNextAdmit = false;
            return Promise.reject(new Error("gate unreachable"));
          },
          settle: (batch: Settlement[], options: MeterOptions) => stub.settle(batch, options),
        };
      },
    } as unknown as GatewayEnv["TENANT_GATE"];
    const config = { ...usageConfig({ settleDelayMs: 200 }), TENANT_GATE: flaky };
    const first = await search(tenant, config);
    failNextAdmit = true;
    const second = await search(tenant, config);
    expect(second.response.status).toBe(200);
    await Promise.all([first.settled, second.settled]);
    expect(await recorded(tenant, "search")).toEqual({ requests: 2, calls: 2 });
  });
});

describe("requests without AI calls are counted at admission", () => {
  // /v1/models: a route of the edge with no AI call and no rollout in the test configuration.
  const main = backend("main");

  it("counts a request to a non-AI route and a proxied one, allowed or refused, without settling either, and reports the proxied one as served by the backend", async () => {
    const tenant = uniqueTenant("count");
    const models = await send("/v1/models", { tokenOptions: { tenant } });
    expect(models.response.status).toBe(200);
    await models.settled;
    const path = uniquePath("/api/echo");
    const limits = { RATE_LIMITS: JSON.stringify({ default: { proxy: { requests: 1, windowSeconds: 3600 } } }) };
    const proxied = await edgeAuthed({ tenant }, path, {}, limits);
    expect(proxied.status).toBe(200);
    expect(proxied.headers.get("X-Served-By")).toBe("backend");
    const refused = await edgeAuthed({ tenant }, `${path}/again`, {}, limits);
    expect(refused.status).toBe(429);
    expect(await main.requests(path)).toHaveLength(1);

    const stats = await meterOf(tenant).meterStats();
    expect(stats.settleCalls).toBe(0);
    expect(stats.carried).toBe(0);
    expect(await pendingRow(tenant, "other")).toMatchObject({ requests: 1, rejected: 0, calls: 0 });
    expect(await pendingRow(tenant, "proxy")).toMatchObject({ requests: 2, rejected: 1, calls: 0 });
    // Their latency is not known at admission: none is made up.
    expect((await pendingRow(tenant, "other"))?.latencyHistogram.every((n) => n === 0)).toBe(true);

    await flushUsage(tenant);
    const admin = await send(`/v1/admin/usage?tenant=${tenant}`, { tokenOptions: { tenant: "operator", role: "admin" } });
    const report = (await admin.response.json<AdminUsageResponse>()).report;
    expect(report.requests.servedBy.backend).toBe(2);
    expect(report.requests.servedBy.other).toBe(1);
    expect(report.requests.total).toBe(3);
  });

  it("records a /v1 request the rollout hands to the backend as served by the backend, once it is known", async () => {
    const tenant = uniqueTenant("rollout");
    const proxy = JSON.parse(env.PROXY_CONFIG) as { rollout: unknown[] };
    // Nobody at the edge for /v1/models: every request goes to the backend.
    const config = { ...usageConfig({ settleDelayMs: 200 }), PROXY_CONFIG: JSON.stringify({ ...proxy, rollout: [...proxy.rollout, { prefix: "/v1/models", upstream: "main", defaultPercent: 0 }] }) };
    const forwarded = await send("/v1/models", { tokenOptions: { tenant }, env: config });
    expect(forwarded.response.headers.get("X-Served-By")).toBe("backend");
    await forwarded.settled;
    expect(await recorded(tenant, "proxy")).toEqual({ requests: 1, calls: 0 });
    expect(await recorded(tenant, "other")).toEqual({ requests: 0, calls: 0 });
  });
});

describe("one look cadence for the gate's counters and usage", () => {
  it("rides the usage on the counters' looks while the tenant is busy and adds one look, the final quiet one, per burst", async () => {
    const tenant = uniqueTenant("looks");
    const stub = meterOf(tenant);
    const rounds = 3;
    for (let i = 0; i < rounds; i++) {
      const s = await search(tenant, usageConfig({}));
      await s.settled;
      // The look the rate counters need within FLUSH_MS: the tenant is busy, so the sums wait...
      const now = Date.now();
      await stub.alarmAt(now);
      expect(await pendingRow(tenant, "search")).toMatchObject({ requests: i + 1 });
      // ...and the next look is armed within the counters' bound, before the object could hibernate.
      expect(await alarmOf(tenant)).toBe(now + FLUSH_MS);
    }
    // A look interval with no request: the final look writes, and arms nothing more.
    await stub.alarmAt(Date.now() + FLUSH_MS);
    expect(await stub.pending()).toEqual([]);
    expect(await alarmOf(tenant)).toBeNull();
    const stats = await stub.meterStats();
    // The counters alone: a look and an alarm write per round. Metering: one more of each, and one D1 write.
    expect(stats.looks).toBe(rounds + 1);
    expect(stats.armed).toBe(rounds + 1);
    expect(stats.flushes).toBe(1);
    const stored = await env.DB.prepare("SELECT requests FROM usage_rollups WHERE tenant_id = ? AND route = 'search'").bind(tenant).all<{ requests: number }>();
    expect(stored.results).toEqual([{ requests: rounds }]);
  });

  it("writes a settlement that arrives after the tenant went quiet at once, without arming a look for it", async () => {
    const tenant = uniqueTenant("late");
    // The fallback comes after a whole look interval without a request.
    const s = await search(tenant, usageConfig({ settleDelayMs: FLUSH_MS + 500 }));
    expect(s.response.status).toBe(200);
    await s.settled;
    expect(await meterOf(tenant).pending()).toEqual([]);
    const stats = await meterOf(tenant).meterStats();
    expect(stats.settleCalls).toBe(1);
    expect(stats.flushes).toBe(1);
    // The one alarm write is the rate counters' own, armed by the admission.
    expect(stats.armed).toBe(1);
    const stored = await env.DB.prepare("SELECT requests FROM usage_rollups WHERE tenant_id = ?").bind(tenant).all<{ requests: number }>();
    expect(stored.results).toEqual([{ requests: 1 }]);
  }, 20_000);

  it("only ever moves an armed look earlier", async () => {
    const tenant = uniqueTenant("arm");
    const armed = await runInDurableObject(meterOf(tenant), async (_, state) => {
      const looks = new Looks(state.storage);
      const t = Date.now() + 60_000;
      await looks.by(t + 9_000);
      await looks.by(t + 5_000);
      await looks.by(t + 7_000);
      const at = await state.storage.getAlarm();
      await state.storage.deleteAlarm();
      return { at: at === null ? null : at - t, writes: looks.stats.armed };
    });
    expect(armed).toEqual({ at: 5_000, writes: 2 });
  });
});
