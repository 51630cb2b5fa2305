// The edge layer applies to proxied routes too: the tenant's `proxy` limit
// (exact under concurrency), CORS, and the request log naming the proxy route.
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import type { RequestLogLine } from "../../../gateway/edge/request-log";
import { expectError } from "../../helpers/api";
import { backend, uniquePath } from "../../helpers/backends";
import { countStatuses, edgeAuthed, edgeFetch } from "../../helpers/edge";
import { uniqueTenant } from "../../helpers/tokens";

const main = backend("main");

describe("per-tenant limits on proxied routes", () => {
  it("lets exactly 10 of 30 concurrent requests reach the backend at a proxy limit of 10", async () => {
    const tenant = uniqueTenant("prx");
    const prefix = uniquePath("/api/echo");
    const overrides = { RATE_LIMITS: JSON.stringify({ default: { proxy: { requests: 10, windowSeconds: 3600 } } }) };
    const responses = await Promise.all(Array.from({ length: 30 }, (_, i) => edgeAuthed({ tenant }, `${prefix}/${i}`, {}, overrides)));
    expect(countStatuses(responses)).toEqual({ 200: 10, 429: 20 });
    expect(await main.requests(prefix)).toHaveLength(10);
    const allowed = responses.find((r) => r.status === 200);
    expect(allowed?.headers.get("RateLimit-Policy")).toBe('"proxy";q=10;w=3600');
    expect(allowed?.headers.get("X-Served-By")).toBe("backend");
    const limited = responses.find((r) => r.status === 429);
    if (!limited) throw new Error("no 429");
    await expectError(limited, 429, "rate_limited");
    // Another tenant is untouched.
    expect((await edgeAuthed({ tenant: uniqueTenant("prx") }, `${prefix}/other`, {}, overrides)).status).toBe(200);
  });
});

describe("CORS on proxied routes", () => {
  const overrides = { CORS_ALLOWED_ORIGINS: "https://app.example" };

  it("answers the preflight at the edge and marks the backend's answer for an allowed origin", async () => {
    const path = uniquePath("/api/echo");
    const preflight = await edgeFetch(path, { method: "OPTIONS", headers: { Origin: "https://app.example", "Access-Control-Request-Method": "POST" } }, overrides);
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("Access-Control-Allow-Origin")).toBe("https://app.example");
    expect(await main.requests(path)).toEqual([]);

    const response = await edgeAuthed({ tenant: uniqueTenant("cors") }, path, { headers: { Origin: "https://app.example" } }, overrides);
    expect(response.status).toBe(200);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("https://app.example");
    const denied = await edgeAuthed({ tenant: uniqueTenant("cors") }, path, { headers: { Origin: "https://evil.example" } }, overrides);
    expect(denied.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });
});

describe("request log on proxied routes", () => {
  let log: MockInstance<typeof console.log>;
  beforeEach(() => {
    log = vi.spyOn(console, "log");
  });
  afterEach(() => log.mockRestore());

  it("writes one line naming the proxy route, not the raw path", async () => {
    const tenant = uniqueTenant("log");
    const path = uniquePath("/api/billing");
    const response = await edgeAuthed({ tenant }, path);
    const lines = log.mock.calls.flatMap(([first]) => (typeof first === "string" && first.startsWith("{") && first.includes('"route"') ? [JSON.parse(first) as RequestLogLine] : []));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ route: "/api/*", status: response.status, tenant, rateLimit: "allowed", rateLimitLayer: "tenant" });
    expect(JSON.stringify(lines[0])).not.toContain(path);
  });
});
