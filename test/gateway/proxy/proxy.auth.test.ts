// Each proxy route's auth rule (required / optional / none), and the local
// walk-through: log in through the gateway, then use the backend's token on /v1.
import { describe, expect, it } from "vitest";
import { call, expectError } from "../../helpers/api";
import { backend, uniquePath } from "../../helpers/backends";
import { token } from "../../helpers/tokens";

const main = backend("main");
const bearer = async (options: Parameters<typeof token>[0] = {}) => ({ Authorization: `Bearer ${await token(options)}` });

describe("auth: required", () => {
  it("refuses a request without a token or with a bad one, before the backend sees it", async () => {
    const path = uniquePath("/api/echo");
    await expectError(await call(path), 401, "missing_token");
    await expectError(await call(path, { headers: await bearer({ secret: new TextEncoder().encode("another-secret-0123456789abcdef0123") }) }), 401, "invalid_token");
    await expectError(await call(path, { headers: await bearer({ expiresIn: -120 }) }), 401, "invalid_token");
    expect(await main.requests(path)).toEqual([]);
  });

  it("forwards a verified request with the caller's identity", async () => {
    const path = uniquePath("/api/echo");
    const response = await call(path, { headers: await bearer({ sub: "bob", tenant: "acme" }) });
    expect(response.status).toBe(200);
    const [seen] = await main.requests(path);
    expect(seen?.headers["x-auth-user"]).toBe("bob");
    expect(seen?.headers["x-auth-tenant"]).toBe("acme");
  });
});

describe("auth: optional", () => {
  it("forwards an anonymous request without identity headers", async () => {
    const path = uniquePath("/api/open");
    expect((await call(path, { headers: { "X-Auth-User": "mallory" } })).status).toBe(404);
    const [seen] = await main.requests(path);
    expect(seen?.headers["x-auth-user"]).toBeUndefined();
  });

  it("adds the identity of a valid token and refuses an invalid one", async () => {
    const path = uniquePath("/api/open");
    await call(path, { headers: await bearer({ sub: "carol", tenant: "acme" }) });
    expect((await main.requests(path))[0]?.headers["x-auth-user"]).toBe("carol");
    const bad = uniquePath("/api/open");
    await expectError(await call(bad, { headers: { Authorization: "Bearer not.a.token" } }), 401, "invalid_token");
    expect(await main.requests(bad)).toEqual([]);
  });
});

describe("auth: none", () => {
  it("forwards login without a token; the backend's token then works on /v1", async () => {
    const login = await call("/api/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: "demo@example.com", password: "demo-password" }),
    });
    expect(login.status).toBe(200);
    expect(login.headers.getSetCookie()).toHaveLength(2);
    const { token: jwt } = await login.json<{ token: string }>();
    const documents = await call("/v1/documents", { headers: { Authorization: `Bearer ${jwt}` } });
    expect(documents.status).toBe(200);
    expect(documents.headers.get("X-Served-By")).toBe("edge");
    // And on a required proxy route, with the backend seeing who it is.
    const subscription = await call("/api/billing/subscription", { headers: { Authorization: `Bearer ${jwt}` } });
    expect(await subscription.json()).toMatchObject({ user: "demo-user", tenant: "demo", plan: "pro" });
  });

  it("passes the backend's refusal of bad credentials through", async () => {
    const login = await call("/api/auth/login", { method: "POST", body: JSON.stringify({ email: "demo@example.com", password: "wrong" }) });
    expect(login.status).toBe(401);
    expect(await login.json()).toEqual({ error: "invalid_credentials" });
  });
});

describe("routes outside the config", () => {
  it("answers 404 for a path no route covers, without forwarding", async () => {
    await expectError(await call("/not-configured/anything"), 404, "not_found");
    await expectError(await call("/apix"), 404, "not_found");
  });
});
