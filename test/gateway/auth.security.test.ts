// Every /v1 route demands a verified token; the tenant comes only from it.
import { env } from "cloudflare:workers";
import { SignJWT, UnsecuredJWT, base64url } from "jose";
import { describe, expect, it } from "vitest";
import { app } from "../../gateway/app";
import { BASE, call, expectError } from "../helpers/api";
import { secretKey, token, uniqueTenant } from "../helpers/tokens";

const ROUTES: [string, string][] = [
  ["POST", "/v1/documents"],
  ["GET", "/v1/documents"],
  ["GET", "/v1/documents/doc_x"],
  ["DELETE", "/v1/documents/doc_x"],
];

const withToken = (method: string, path: string, jwt: string) => call(path, { method, headers: { Authorization: `Bearer ${jwt}` } });

describe("authentication", () => {
  it.each(ROUTES)("%s %s without a token is 401 missing_token", async (method, path) => {
    const response = await call(path, { method });
    await expectError(response, 401, "missing_token");
    expect(response.headers.get("WWW-Authenticate")).toBe("Bearer");
  });

  it.each(ROUTES)("%s %s with a garbage token is 401 invalid_token", async (method, path) => {
    const response = await withToken(method, path, "not.a.jwt");
    await expectError(response, 401, "invalid_token");
    expect(response.headers.get("WWW-Authenticate")).toContain('error="invalid_token"');
  });

  it("rejects a non-Bearer scheme", async () => {
    await expectError(await call("/v1/documents", { headers: { Authorization: `Basic ${btoa("a:b")}` } }), 401, "missing_token");
  });

  it("rejects a token signed with another secret", async () => {
    const forged = await token({ tenant: "acme", secret: new TextEncoder().encode("another-secret-another-secret-another-secret") });
    await expectError(await withToken("GET", "/v1/documents", forged), 401, "invalid_token");
  });

  it("rejects an expired token (beyond the clock tolerance)", async () => {
    const expired = await token({ tenant: "acme", expiresIn: -120 });
    const body = await expectError(await withToken("GET", "/v1/documents", expired), 401, "invalid_token");
    expect(body.error.message).toMatch(/expired/);
  });

  it("rejects a token without exp", async () => {
    const noExp = await new SignJWT({ tenant: "acme" }).setProtectedHeader({ alg: "HS256" }).setSubject("u").sign(secretKey());
    await expectError(await withToken("GET", "/v1/documents", noExp), 401, "invalid_token");
  });

  it("rejects alg none", async () => {
    const unsecured = new UnsecuredJWT({ tenant: "acme", sub: "u" }).setExpirationTime("5m").encode();
    await expectError(await withToken("GET", "/v1/documents", unsecured), 401, "invalid_token");
  });

  it("rejects other algorithms keyed with the secret (algorithm confusion)", async () => {
    const hs512 = await new SignJWT({ tenant: "acme" }).setProtectedHeader({ alg: "HS512" }).setSubject("u").setExpirationTime("5m").sign(secretKey());
    await expectError(await withToken("GET", "/v1/documents", hs512), 401, "invalid_token");
    // An RS256 header over an HMAC signature: the classic public-key-as-secret confusion.
    const [, payload, signature] = (await token({ tenant: "acme" })).split(".");
    const header = base64url.encode(JSON.stringify({ alg: "RS256", typ: "JWT" }));
    await expectError(await withToken("GET", "/v1/documents", `${header}.${payload}.${signature}`), 401, "invalid_token");
  });

  it("rejects a tampered payload", async () => {
    const [header, , signature] = (await token({ tenant: "acme" })).split(".");
    const payload = base64url.encode(JSON.stringify({ tenant: "other", sub: "u", exp: Math.floor(Date.now() / 1000) + 600 }));
    await expectError(await withToken("GET", "/v1/documents", `${header}.${payload}.${signature}`), 401, "invalid_token");
  });

  it("rejects tenant ids that could escape a storage prefix", async () => {
    for (const tenant of ["../acme", "acme/other", "", "a".repeat(65)]) {
      const jwt = await token({ tenant: tenant || undefined, sub: tenant });
      await expectError(await withToken("GET", "/v1/documents", jwt), 401, "invalid_token");
    }
  });

  it("rejects a tenant claim that is not a string instead of falling back to sub", async () => {
    for (const tenant of [42, ["acme"], { id: "acme" }, null]) {
      const jwt = await token({ sub: uniqueTenant("sub"), claims: { tenant } });
      await expectError(await withToken("GET", "/v1/documents", jwt), 401, "invalid_token");
    }
  });

  it("falls back to sub when there is no tenant claim", async () => {
    const sub = uniqueTenant("sub");
    const response = await withToken("GET", "/v1/documents", await token({ sub }));
    expect(response.status).toBe(200);
  });

  it("checks iss and aud when they are configured", async () => {
    const configured = { ...env, JWT_ISSUER: "https://legacy.example", JWT_AUDIENCE: "rag-gateway" };
    const request = (jwt: string) => app.fetch(new Request(`${BASE}/v1/documents`, { headers: { Authorization: `Bearer ${jwt}` } }), configured);
    const now = Math.floor(Date.now() / 1000);
    const sign = (iss: string, aud: string) =>
      new SignJWT({ tenant: uniqueTenant() }).setProtectedHeader({ alg: "HS256" }).setSubject("u").setIssuer(iss).setAudience(aud).setExpirationTime(now + 300).sign(secretKey());

    expect((await request(await sign("https://legacy.example", "rag-gateway"))).status).toBe(200);
    await expectError(await request(await sign("https://evil.example", "rag-gateway")), 401, "invalid_token");
    await expectError(await request(await sign("https://legacy.example", "other-api")), 401, "invalid_token");
    await expectError(await request(await token({ tenant: "acme" })), 401, "invalid_token");
  });

  it("refuses to run with a missing or short secret rather than accept weak tokens", async () => {
    const weak = { ...env, JWT_SECRET: "short" };
    const response = await app.fetch(new Request(`${BASE}/v1/documents`, { headers: { Authorization: `Bearer ${await token()}` } }), weak);
    await expectError(response, 500, "server_misconfigured");
  });
});
