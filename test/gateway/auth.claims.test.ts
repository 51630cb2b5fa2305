// What a verified token may say: the tenant is one exact string, never a
// coerced number; lifetimes, `iat`, `typ`, size and the admin role are bounded.
import { env } from "cloudflare:workers";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { app } from "../../gateway/app";
import { BASE, call, expectError, uploadOk, waitUntilSettled } from "../helpers/api";
import { secretKey, token, uniqueTenant } from "../helpers/tokens";

const now = () => Math.floor(Date.now() / 1000);

/** A token with exactly these claims (no helper defaults), validly signed. */
function raw(claims: Record<string, unknown>, header: Record<string, unknown> = { alg: "HS256" }): Promise<string> {
  return new SignJWT({ exp: now() + 600, ...claims }).setProtectedHeader({ alg: "HS256", ...header }).sign(secretKey());
}

const bearer = (jwt: string, init: RequestInit = {}) => {
  const headers = new Headers(init.headers);
  headers.set("Authorization", `Bearer ${jwt}`);
  return { ...init, headers };
};
const json = (body: unknown): RequestInit => ({ method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });

describe("the tenant a token names", () => {
  it("refuses a numeric sub everywhere instead of aliasing the tenant its coercion would name", async () => {
    // "123.0" is what SQLite made of a bound 123; "123" is what R2 keys made of it.
    for (const alias of ["123.0", "123"]) {
      const doc = await uploadOk(alias, "Aliased notes: the vault code is 4521.", { contentType: "text/plain" });
      await waitUntilSettled(alias, doc.id);
      const numeric = await raw({ sub: 123 });
      for (const [path, init] of [
        [`/v1/documents/${doc.id}`, {}],
        ["/v1/documents", {}],
        ["/v1/search", json({ query: "vault code" })],
        ["/v1/search", json({ query: "vault code", mode: "vector" })],
        ["/v1/ask", json({ question: "What is the vault code?" })],
        ["/v1/documents", { method: "POST", body: "x", headers: { "Content-Type": "text/plain" } }],
      ] as const) {
        await expectError(await call(path, bearer(numeric, init)), 401, "invalid_token");
      }
      await expectError(await call(`/v1/documents/${doc.id}`, bearer(await raw({ sub: 123.0 }))), 401, "invalid_token");
      await expectError(await call("/v1/documents", bearer(await raw({ tenant: 123 }))), 401, "invalid_token");
    }
  });

  it.each([[["acme"]], [true], [{ id: "acme" }], [null], [123]])("answers sub %j with 401, not 500, on every route", async (sub) => {
    const jwt = await raw({ sub });
    for (const [path, init] of [
      ["/v1/documents", {}],
      ["/v1/documents/doc_00000000000000000000000000000000", {}],
      ["/v1/search", json({ query: "anything", mode: "vector" })],
      ["/v1/ask", json({ question: "anything?" })],
    ] as const) {
      await expectError(await call(path, bearer(jwt, init)), 401, "invalid_token");
    }
  });

  it("refuses a non-string sub even beside a valid tenant claim", async () => {
    await expectError(await call("/v1/documents", bearer(await raw({ tenant: uniqueTenant(), sub: 7 }))), 401, "invalid_token");
  });

  it("stores a tenant under one identical string in D1, R2 and Vectorize", async () => {
    const tenant = `${uniqueTenant("n")}.1.0`;
    const doc = await uploadOk(tenant, "Identical everywhere: lanterns are lit at dusk.", { contentType: "text/plain" });
    await waitUntilSettled(tenant, doc.id);
    const row = await env.DB.prepare("SELECT tenant_id, object_key, typeof(tenant_id) AS t FROM documents WHERE id = ?").bind(doc.id).first<{ tenant_id: string; object_key: string; t: string }>();
    expect(row).toMatchObject({ tenant_id: tenant, t: "text", object_key: `tenants/${tenant}/documents/${doc.id}` });
    expect(await env.DOCUMENTS.head(`tenants/${tenant}/documents/${doc.id}`)).not.toBeNull();
    const chunks = await env.DB.prepare("SELECT id, tenant_id FROM chunks WHERE document_id = ?").bind(doc.id).all<{ id: string; tenant_id: string }>();
    expect(chunks.results.length).toBeGreaterThan(0);
    expect(chunks.results.every((c) => c.tenant_id === tenant)).toBe(true);
    const vectors = await env.VECTORIZE.getByIds(chunks.results.map((c) => c.id));
    expect(vectors.map((v) => v.namespace)).toEqual(chunks.results.map(() => tenant));
  });
});

describe("token limits", () => {
  it("refuses a token larger than 8 KiB", async () => {
    const big = await raw({ tenant: uniqueTenant(), padding: "p".repeat(8 * 1024) });
    const body = await expectError(await call("/v1/documents", bearer(big)), 401, "invalid_token");
    expect(body.error.message).toMatch(/larger than/);
    // Just under the cap still works: the cap is on size, not on extra claims.
    const fits = await raw({ tenant: uniqueTenant(), padding: "p".repeat(5 * 1024) });
    expect((await call("/v1/documents", bearer(fits))).status).toBe(200);
  });

  it("refuses a lifetime above the configured maximum, by exp - iat or exp - now", async () => {
    const tenant = uniqueTenant();
    const day = 24 * 3600;
    await expectError(await call("/v1/documents", bearer(await raw({ tenant, iat: now(), exp: now() + day + 60 }))), 401, "invalid_token");
    await expectError(await call("/v1/documents", bearer(await raw({ tenant, exp: now() + day + 60 }))), 401, "invalid_token");
    // Issued an hour ago with a day to live in total: fine.
    expect((await call("/v1/documents", bearer(await raw({ tenant, iat: now() - 3600, exp: now() + day - 3600 })))).status).toBe(200);

    const shorter = { ...env, JWT_MAX_LIFETIME_SECONDS: "300" };
    const request = (jwt: string) => app.fetch(new Request(`${BASE}/v1/documents`, bearer(jwt)), shorter);
    await expectError(await request(await raw({ tenant, iat: now(), exp: now() + 600 })), 401, "invalid_token");
    expect((await request(await raw({ tenant, iat: now(), exp: now() + 240 }))).status).toBe(200);
  });

  it("names a bad lifetime setting as a server misconfiguration", async () => {
    const broken = { ...env, JWT_MAX_LIFETIME_SECONDS: "a day" };
    const response = await app.fetch(new Request(`${BASE}/v1/documents`, bearer(await token())), broken);
    const body = await expectError(response, 500, "server_misconfigured");
    expect(body.error.message).toContain("JWT_MAX_LIFETIME_SECONDS");
  });

  it("refuses iat in the future beyond the clock skew, and tolerates it within", async () => {
    const tenant = uniqueTenant();
    await expectError(await call("/v1/documents", bearer(await raw({ tenant, iat: now() + 120 }))), 401, "invalid_token");
    expect((await call("/v1/documents", bearer(await raw({ tenant, iat: now() + 10 })))).status).toBe(200);
  });

  it("accepts typ JWT (or none) and refuses any other typ", async () => {
    const tenant = uniqueTenant();
    for (const typ of ["JWT", "jwt", "application/jwt", "at+jwt"]) {
      expect((await call("/v1/documents", bearer(await raw({ tenant }, { typ })))).status, typ).toBe(200);
    }
    expect((await call("/v1/documents", bearer(await raw({ tenant })))).status).toBe(200);
    for (const typ of ["JWE", "dpop+jwt", "secevent+jwt", "logout+jwt"]) {
      await expectError(await call("/v1/documents", bearer(await raw({ tenant }, { typ }))), 401, "invalid_token");
    }
  });
});

describe("the admin role", () => {
  it("counts only for the configured operator tenant", async () => {
    const path = "/v1/admin/dead-letters";
    // The local environment names "operator" (wrangler.gateway.toml [env.local]).
    expect((await call(path, bearer(await token({ tenant: "operator", role: "admin" })))).status).toBe(200);
    // A tenant's own backend minting admin for its users: still a member.
    await expectError(await call(path, bearer(await token({ tenant: uniqueTenant(), role: "admin" }))), 403, "forbidden");
    await expectError(await call(path, bearer(await token({ sub: "operator-impostor", role: "admin" }))), 403, "forbidden");
  });

  it("counts for nobody when no operator is configured, and for the operator issuer when one is", async () => {
    const admin = await token({ tenant: "operator", role: "admin" });
    const unset = { ...env, OPERATOR_TENANT: "", OPERATOR_ISSUER: "" };
    await expectError(await app.fetch(new Request(`${BASE}/v1/admin/dead-letters`, bearer(admin)), unset), 403, "forbidden");

    const byIssuer = { ...env, OPERATOR_TENANT: "", OPERATOR_ISSUER: "https://ops.example", JWT_ISSUER: "https://legacy.example" };
    const signed = (iss: string) =>
      new SignJWT({ tenant: uniqueTenant(), role: "admin" }).setProtectedHeader({ alg: "HS256" }).setIssuer(iss).setExpirationTime(now() + 300).sign(secretKey());
    const fetchAs = async (iss: string) => app.fetch(new Request(`${BASE}/v1/admin/dead-letters`, bearer(await signed(iss))), byIssuer);
    expect((await fetchAs("https://ops.example")).status).toBe(200);
    await expectError(await fetchAs("https://legacy.example"), 403, "forbidden");
    await expectError(await fetchAs("https://evil.example"), 401, "invalid_token");
  });
});
