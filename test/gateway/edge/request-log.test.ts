// One JSON line per request: route pattern, status, latency, tenant, cache,
// rate-limit decision, error code; never a token, a body or the raw path.
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import type { RequestLogLine } from "../../../gateway/edge/request-log";
import { edgeFetch, postJson } from "../../helpers/edge";
import { token, uniqueTenant } from "../../helpers/tokens";

describe("request log", () => {
  let log: MockInstance<typeof console.log>;
  beforeEach(() => {
    log = vi.spyOn(console, "log");
  });
  afterEach(() => log.mockRestore());

  const lines = (): RequestLogLine[] =>
    log.mock.calls.flatMap(([first]) => {
      if (typeof first !== "string" || !first.startsWith("{")) return [];
      const parsed = JSON.parse(first) as Partial<RequestLogLine>;
      return parsed.requestId && parsed.route ? [parsed as RequestLogLine] : [];
    });

  it("writes exactly one line per request, with the route pattern and no secret", async () => {
    const tenant = uniqueTenant("log");
    const jwt = await token({ tenant });
    const secretQuery = "my confidential question about salaries";
    const search = await edgeFetch("/v1/search", { ...postJson({ query: secretQuery }, { Authorization: `Bearer ${jwt}`, "X-Request-Id": "req-log-1" }) });
    const missing = await edgeFetch("/v1/documents/doc_0123456789abcdef0123456789abcdef", { headers: { Authorization: `Bearer ${jwt}` } });
    const denied = await edgeFetch("/v1/documents", { headers: { Authorization: "Bearer not.a.token" } });

    const written = lines();
    expect(written).toHaveLength(3);
    const [first, second, third] = written;
    expect(first).toMatchObject({ requestId: "req-log-1", method: "POST", route: "/v1/search", status: 200, tenant, cache: "MISS", rateLimit: "allowed", rateLimitLayer: "tenant", errorCode: null });
    expect(first?.requestId).toBe(search.headers.get("X-Request-Id"));
    expect(first?.latencyMs).toEqual(expect.any(Number));
    expect(Date.parse(first?.time ?? "")).not.toBeNaN();
    expect(second).toMatchObject({ method: "GET", route: "/v1/documents/:id", status: 404, tenant, errorCode: "document_not_found" });
    expect(missing.status).toBe(404);
    expect(third).toMatchObject({ route: "/v1/documents", status: 401, tenant: null, errorCode: "invalid_token", rateLimit: null });
    expect(denied.status).toBe(401);

    const all = log.mock.calls.map((args) => args.map(String).join(" ")).join("\n");
    expect(all).not.toContain(jwt);
    expect(all).not.toContain(jwt.split(".")[2]);
    expect(all).not.toContain("not.a.token");
    expect(all).not.toContain(secretQuery);
    expect(all).not.toContain("doc_0123456789abcdef0123456789abcdef");
  });

  it("logs unrouted paths as unmatched", async () => {
    await edgeFetch("/nowhere/secret-path-segment");
    expect(lines()).toEqual([expect.objectContaining({ route: "unmatched", status: 404, errorCode: "not_found" })]);
    expect(JSON.stringify(lines())).not.toContain("secret-path-segment");
  });
});
