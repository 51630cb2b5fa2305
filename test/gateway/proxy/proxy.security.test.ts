// The proxy is not an open proxy: it forwards only to configured targets, a
// bad config fails loudly naming the field, and nothing in a request (Host,
// forwarding headers, encoded separators) can change where it goes or which
// auth rule applies.
import { describe, expect, it } from "vitest";
import { proxyConfig } from "../../../gateway/proxy/config";
import { ApiError } from "../../../gateway/errors";
import { call, expectError } from "../../helpers/api";
import { backend, uniquePath } from "../../helpers/backends";
import { token } from "../../helpers/tokens";

const main = backend("main");
const auth = async () => ({ Authorization: `Bearer ${await token({ tenant: "acme" })}` });

describe("no forwarding outside the config", () => {
  it("ignores Host and X-Forwarded-Host when choosing where to send a request", async () => {
    const path = uniquePath("/api/echo");
    const response = await call(path, { headers: { ...(await auth()), Host: "169.254.169.254", "X-Forwarded-Host": "internal.example", "X-Original-URL": "http://169.254.169.254/" } });
    expect(response.status).toBe(200);
    const echo = await response.json<{ server: string; headers: Record<string, string> }>();
    expect(echo.server).toBe("main");
    expect(echo.headers["host"]).toBe(new URL(main.url).host);
  });

  it("refuses encoded separators and dot segments that could slip past a route's auth rule", async () => {
    for (const path of ["/api/auth/..%2Fecho", "/api/auth/x%5C..%5Cecho", "/api/auth//echo", "/api/auth/%2E%2E%2fecho"]) {
      await expectError(await call(path), 400, "invalid_request");
    }
    expect(await main.requests("/api/auth/..")).toEqual([]);
  });

  it("resolves dot segments (plain or encoded) before matching, so they cannot reach a protected route unauthenticated", async () => {
    await expectError(await call("/api/auth/../echo/x"), 401, "missing_token");
    await expectError(await call("/api/auth/%2e%2e/echo/x"), 401, "missing_token");
  });

  it("never lets the query or an absolute-looking path choose the host", async () => {
    const path = uniquePath("/api/echo");
    const response = await call(`${path}/http:/evil.example/?url=http://evil.example`, { headers: await auth() });
    const echo = await response.json<{ server: string; path: string }>();
    expect(echo.server).toBe("main");
    expect(echo.path).toBe(`${path}/http:/evil.example/?url=http://evil.example`);
    // And a path starting with two slashes (a scheme-relative URL to some parsers) is refused outright.
    await expectError(await call(`//evil.example/api/echo`, { headers: await auth() }), 400, "invalid_request");
  });
});

describe("config validation", () => {
  const base = { upstreams: { main: { targets: [{ url: "https://backend.example" }] } }, routes: [{ prefix: "/api", upstream: "main", auth: "required" }] };
  const failure = (config: unknown): string => {
    try {
      proxyConfig({ PROXY_CONFIG: JSON.stringify(config) });
    } catch (error) {
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).code).toBe("server_misconfigured");
      return (error as ApiError).message;
    }
    throw new Error("config accepted");
  };

  it("accepts a minimal config and fills the defaults", () => {
    const config = proxyConfig({ PROXY_CONFIG: JSON.stringify(base) });
    expect(config?.routes[0]).toMatchObject({ timeoutMs: 30_000, retries: 1, websocket: false });
    expect(config?.breaker).toEqual({ failureThreshold: 5, openMs: 30_000, cacheMs: 1_000 });
  });

  it.each([
    [{ ...base, routes: [{ prefix: "/api", upstream: "billing", auth: "required" }] }, "routes[0].upstream"],
    [{ ...base, routes: [{ prefix: "/api", upstream: "main", auth: "sometimes" }] }, "routes[0].auth"],
    [{ ...base, routes: [{ prefix: "/v1/documents", upstream: "main", auth: "none" }] }, "routes[0].prefix"],
    [{ ...base, routes: [{ prefix: "/api/%2e%2e", upstream: "main", auth: "none" }] }, "routes[0].prefix"],
    [{ ...base, upstreams: { main: { targets: [{ url: "ftp://backend.example" }] } } }, "upstreams.main.targets[0]"],
    [{ ...base, upstreams: { main: { targets: [{ url: "https://user:pw@backend.example" }] } } }, "upstreams.main.targets[0]"],
    [{ ...base, upstreams: { main: { targets: [] } } }, "upstreams.main.targets"],
    [{ ...base, upstreams: { main: { targets: [{ service: "NO_SUCH_BINDING" }] } } }, "upstreams.main.targets[0].service"],
    [{ ...base, rollout: [{ prefix: "/v1/admin", upstream: "main" }] }, "rollout[0].prefix"],
    [{ ...base, surprise: true }, "(root)"],
  ])("refuses %j naming %s", (config, field) => {
    expect(failure(config)).toContain(field);
  });

  it("refuses text that is not JSON", () => {
    expect(() => proxyConfig({ PROXY_CONFIG: "{upstreams:" })).toThrow(/not valid JSON/);
  });

  it("treats an empty config as no proxy at all", () => {
    expect(proxyConfig({ PROXY_CONFIG: "" })).toBeNull();
  });
});
