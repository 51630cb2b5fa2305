// Per-tenant limits in the tenant's gate: exact under concurrency, per route
// class and plan, with the RateLimit header fields; fail open or closed.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { expectError } from "../../helpers/api";
import { countStatuses, edgeAuthed, type EnvOverrides, postJson } from "../../helpers/edge";
import { uniqueTenant } from "../../helpers/tokens";

const limits = (rows: Record<string, Record<string, { requests: number; windowSeconds: number }>>): EnvOverrides => ({ RATE_LIMITS: JSON.stringify(rows) });

describe("per-tenant rate limits", () => {
  it("lets exactly 50 of 100 concurrent requests through at a limit of 50", async () => {
    const tenant = uniqueTenant("lim");
    const overrides = limits({ default: { read: { requests: 50, windowSeconds: 3600 } } });
    const responses = await Promise.all(Array.from({ length: 100 }, () => edgeAuthed({ tenant }, "/v1/documents", {}, overrides)));
    expect(countStatuses(responses)).toEqual({ 200: 50, 429: 50 });

    const limited = responses.filter((r) => r.status === 429);
    for (const response of limited) {
      const body = await expectError(response, 429, "rate_limited");
      expect(body.error.message).toMatch(/read/);
      expect(Number(response.headers.get("Retry-After"))).toBeGreaterThan(0);
      expect(response.headers.get("RateLimit-Policy")).toBe('"read";q=50;w=3600');
      expect(response.headers.get("RateLimit")).toMatch(/^"read";r=0;t=\d+$/);
    }
    // Allowed responses count down: each remaining value from 49 to 0 appears once.
    const remaining = responses
      .filter((r) => r.status === 200)
      .map((r) => Number(/;r=(\d+);/.exec(r.headers.get("RateLimit") ?? "")?.[1]))
      .sort((a, b) => a - b);
    expect(remaining).toEqual(Array.from({ length: 50 }, (_, i) => i));
    for (const r of responses.filter((x) => x.status === 200)) {
      expect(r.headers.get("RateLimit-Policy")).toBe('"read";q=50;w=3600');
      expect(r.headers.get("Retry-After")).toBeNull();
    }
  });

  it("counts route classes separately and tenants separately", async () => {
    const tenant = uniqueTenant("lim");
    const other = uniqueTenant("lim");
    const overrides = limits({ default: { read: { requests: 2, windowSeconds: 3600 }, query: { requests: 1, windowSeconds: 3600 } } });
    const reads = await Promise.all([1, 2, 3].map(() => edgeAuthed({ tenant }, "/v1/documents", {}, overrides)));
    expect(countStatuses(reads)).toEqual({ 200: 2, 429: 1 });
    // Search is another class: its own budget of 1.
    const search = await edgeAuthed({ tenant }, "/v1/search", postJson({ query: "anything" }), overrides);
    expect(search.status).toBe(200);
    expect(search.headers.get("RateLimit-Policy")).toBe('"query";q=1;w=3600');
    await expectError(await edgeAuthed({ tenant }, "/v1/search", postJson({ query: "anything" }), overrides), 429, "rate_limited");
    // Another tenant is untouched.
    expect((await edgeAuthed({ tenant: other }, "/v1/documents", {}, overrides)).status).toBe(200);
  });

  it("picks the row of the token's plan, and the default row for an unknown or missing plan", async () => {
    const overrides = limits({
      default: { read: { requests: 3, windowSeconds: 3600 } },
      free: { read: { requests: 1, windowSeconds: 3600 } },
      pro: { read: { requests: 6, windowSeconds: 3600 } },
    });
    const passed = async (plan: string | undefined) => {
      const tenant = uniqueTenant("plan");
      const claims = plan === undefined ? {} : { plan };
      const responses = await Promise.all(Array.from({ length: 10 }, () => edgeAuthed({ tenant, claims }, "/v1/documents", {}, overrides)));
      return countStatuses(responses)[200];
    };
    expect(await passed("free")).toBe(1);
    expect(await passed("pro")).toBe(6);
    expect(await passed("enterprise")).toBe(3);
    expect(await passed(undefined)).toBe(3);
  });

  it("starts a new window once the old one has ended", async () => {
    const tenant = uniqueTenant("lim");
    const overrides = limits({ default: { read: { requests: 1, windowSeconds: 1 } } });
    expect((await edgeAuthed({ tenant }, "/v1/documents", {}, overrides)).status).toBe(200);
    const limited = await edgeAuthed({ tenant }, "/v1/documents", {}, overrides);
    expect(limited.status).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, Number(limited.headers.get("Retry-After")) * 1000 + 50));
    expect((await edgeAuthed({ tenant }, "/v1/documents", {}, overrides)).status).toBe(200);
  });

  it("refuses a misconfigured RATE_LIMITS with server_misconfigured, never unlimited", async () => {
    for (const RATE_LIMITS of ["{not json", JSON.stringify({ default: { read: { requests: -1, windowSeconds: 60 } } }), JSON.stringify({ default: { search: { requests: 1, windowSeconds: 60 } } })]) {
      await expectError(await edgeAuthed({ tenant: uniqueTenant() }, "/v1/documents", {}, { RATE_LIMITS }), 500, "server_misconfigured");
    }
  });

  describe("when the tenant gate cannot be reached", () => {
    const unreachable: EnvOverrides = {
      TENANT_GATE: {
        idFromName: (name: string) => env.TENANT_GATE.idFromName(name),
        get: () => ({ admit: () => Promise.reject(new Error("Durable Object reset because its code was updated.")) }),
      },
    };

    it("keeps serving, uncached and without limit headers, when failing open (the default)", async () => {
      const response = await edgeAuthed({ tenant: uniqueTenant() }, "/v1/search", postJson({ query: "tea" }), unreachable);
      expect(response.status).toBe(200);
      expect(response.headers.get("RateLimit")).toBeNull();
      expect(response.headers.get("X-Cache")).toBe("BYPASS");
    });

    it("answers 503 with Retry-After when RATE_LIMIT_FAIL_OPEN is false", async () => {
      const response = await edgeAuthed({ tenant: uniqueTenant() }, "/v1/documents", {}, { ...unreachable, RATE_LIMIT_FAIL_OPEN: "false" });
      await expectError(response, 503, "service_unavailable");
      expect(response.headers.get("Retry-After")).toBe("5");
    });
  });
});
