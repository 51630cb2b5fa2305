// Passive health (the shared circuit breaker), active health checks (the Cron
// Trigger's scheduled()), and GET /health/ready.
import { env, exports } from "cloudflare:workers";
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../../gateway/index";
import { call } from "../../helpers/api";
import { backend, uniquePath } from "../../helpers/backends";
import { token } from "../../helpers/tokens";

const auth = async () => ({ Authorization: `Bearer ${await token({ tenant: "acme" })}` });
const servedBy = async (path: string) => {
  const response = await call(path, { headers: await auth() });
  return { status: response.status, server: (await response.json<{ server?: string }>()).server };
};
const breakerState = (upstream: string) => env.UPSTREAM_HEALTH.get(env.UPSTREAM_HEALTH.idFromName(upstream)).snapshot();

describe("circuit breaker", () => {
  it("opens after consecutive failures, skips the target, and closes after a successful trial", async () => {
    const a = backend("breaker-a");
    const b = backend("breaker-b");
    const prefix = uniquePath("/api/breaker");
    await a.faults(`503:1@${prefix}`);
    // failureThreshold 2, retries 0: two failures reach breaker-a and open it.
    for (let i = 0; i < 2; i++) expect((await servedBy(`${prefix}/fail-${i}`)).status).toBe(503);
    const state = await breakerState("breaker");
    expect(state[a.url]).toMatchObject({ state: "open", failures: 2 });

    // Open: requests go straight to breaker-b; breaker-a sees none of them.
    const during = await Promise.all(Array.from({ length: 5 }, (_, i) => servedBy(`${prefix}/open-${i}`)));
    expect(during.every((r) => r.server === "breaker-b")).toBe(true);
    expect(await a.requests(`${prefix}/open-`)).toEqual([]);

    // breaker-a recovers; once openMs (1 s) has passed, one trial goes to it and closes the breaker.
    await a.faults("");
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await servedBy(`${prefix}/trial`)).toEqual({ status: 404, server: "breaker-a" });
    expect((await breakerState("breaker"))[a.url]).toMatchObject({ state: "closed", failures: 0 });
    expect((await servedBy(`${prefix}/after`)).server).toBe("breaker-a");
  });

  it("keeps its state in the UpstreamHealth object, not in the isolate", async () => {
    const a = backend("breaker-a");
    const prefix = uniquePath("/api/breaker");
    await a.faults(`reset:1@${prefix}`);
    await Promise.all([servedBy(`${prefix}/x`), servedBy(`${prefix}/y`)]);
    // Another isolate would read exactly this.
    expect((await breakerState("breaker"))[a.url]?.state).toBe("open");
    await a.faults("");
  });
});

describe("active health checks", () => {
  const runCron = async () => {
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: new Date() }), env, ctx);
    await waitOnExecutionContext(ctx);
  };

  it("takes a target whose health path fails out of rotation, and puts it back when it recovers", async () => {
    const a = backend("probe-a");
    await a.health(false);
    await runCron();
    expect((await breakerState("probe"))[a.url]).toMatchObject({ state: "open", lastProbe: { ok: false } });
    const path = uniquePath("/api/probe");
    expect((await servedBy(path)).server).toBe("probe-b");
    expect(await a.requests(path)).toEqual([]);

    await a.health(true);
    await runCron();
    expect((await breakerState("probe"))[a.url]).toMatchObject({ state: "closed", lastProbe: { ok: true } });
    expect((await servedBy(uniquePath("/api/probe"))).server).toBe("probe-a");
  });
});

describe("GET /health/ready", () => {
  it("reports bindings and upstream states to anyone, without URLs", async () => {
    const response = await call("/health/ready");
    const text = await response.text();
    expect(response.status).toBe(200);
    const body = JSON.parse(text) as { status: string; bindings: Record<string, string>; proxy: string; upstreams: Record<string, { status: string; targets: unknown[] }> };
    expect(body.bindings).toEqual({ db: "ok", documents: "ok", rollout: "ok" });
    expect(body.proxy).toBe("ok");
    expect(body.upstreams["main"]).toEqual({ status: "up", targets: [{ target: 0, state: "closed" }] });
    // The dead upstream has never been tried in this file's storage: closed, until requests fail.
    expect(text).not.toMatch(/127\.0\.0\.1|http:|secret/i);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
  });

  it("shows a down upstream as such, and target URLs only to an admin", async () => {
    // failureThreshold 2, one retry: two requests open both targets' breakers.
    for (let i = 0; i < 2; i++) await call(uniquePath("/api/dead"), { headers: await auth() });
    // Then the answer is immediate, and says when to come back.
    const refused = await call(uniquePath("/api/dead"), { headers: await auth() });
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(50);
    const anonymous = await (await call("/health/ready")).json<{ status: string; upstreams: Record<string, { status: string }> }>();
    expect(anonymous.status).toBe("degraded");
    expect(anonymous.upstreams["dead"]?.status).toBe("down");

    const admin = await call("/health/ready", { headers: { Authorization: `Bearer ${await token({ sub: "ops", tenant: "operator", role: "admin" })}` } });
    const detailed = await admin.json<{ upstreams: Record<string, { targets: Array<{ url?: string; lastFailure?: string }> }> }>();
    expect(detailed.upstreams["dead"]?.targets[0]?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(detailed.upstreams["dead"]?.targets[0]?.lastFailure).toContain("connection failed");
    // A member's token is no key to the details.
    const member = await (await call("/health/ready", { headers: await auth() })).text();
    expect(member).not.toContain("127.0.0.1");
  });
});

void exports;
