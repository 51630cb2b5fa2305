// Tokens from an identity provider: RS256, ES256 and EdDSA verified against a
// JWK set served over HTTP by a stand-in provider (test/fixtures/identity-provider.ts),
// with keys generated here; rotation, bounded refetch, the KV copy, and the attacks.
import { env } from "cloudflare:workers";
import { base64url, exportJWK, exportSPKI, generateKeyPair, type JWK, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import type { DocumentJson } from "../../../gateway/routes/documents";
import { expectError } from "../../helpers/api";
import { countStatuses, edgeFetch, type EnvOverrides } from "../../helpers/edge";
import { uniqueTenant } from "../../helpers/tokens";

type Alg = "RS256" | "ES256" | "EdDSA";
interface Key {
  kid: string;
  alg: Alg;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  jwk: JWK;
}

async function newKey(alg: Alg): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = `${alg}-${crypto.randomUUID().slice(0, 8)}`;
  return { kid, alg, privateKey, publicKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: "sig" } };
}

/** Publishes a key set at the stand-in provider; returns its URL. */
async function publish(set: string, keys: readonly Key[]): Promise<string> {
  const url = `http://idp.test/${set}/jwks`;
  const response = await fetch(url, { method: "PUT", body: JSON.stringify({ keys: keys.map((k) => k.jwk) }) });
  expect(response.status).toBe(204);
  return url;
}

async function fetchesOf(set: string): Promise<number> {
  return (await (await fetch(`http://idp.test/${set}/fetches`)).json<{ fetches: number }>()).fetches;
}

const newSet = () => `set-${crypto.randomUUID().slice(0, 12)}`;

async function sign(key: Key, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}, expiresIn = 600): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ tenant: uniqueTenant("idp"), ...claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "JWT", ...header })
    .setSubject("user-1")
    .setIssuedAt(now)
    .setExpirationTime(now + expiresIn)
    .sign(key.privateKey);
}

const list = (jwt: string, overrides: EnvOverrides) => edgeFetch("/v1/documents", { headers: { Authorization: `Bearer ${jwt}` } }, overrides);

describe("JWKS tokens", () => {
  it.each<Alg>(["RS256", "ES256", "EdDSA"])("accepts %s tokens signed by a key in the provider's set, with the tenant from the claims", async (alg) => {
    const key = await newKey(alg);
    const set = newSet();
    const url = await publish(set, [key]);
    const tenant = uniqueTenant(alg.toLowerCase());
    const response = await list(await sign(key, { tenant }), { JWT_JWKS_URL: url });
    expect(response.status, await response.clone().text()).toBe(200);
    expect((await response.json<{ documents: DocumentJson[] }>()).documents).toEqual([]);
    expect(await fetchesOf(set)).toBe(1);
  });

  it("still accepts HS256 tokens from the shared secret beside the provider's", async () => {
    const url = await publish(newSet(), [await newKey("ES256")]);
    const { token } = await import("../../helpers/tokens");
    expect((await list(await token({ tenant: uniqueTenant() }), { JWT_JWKS_URL: url })).status).toBe(200);
  });

  it("follows key rotation: an unknown kid refetches the set once the cooldown has passed", async () => {
    const set = newSet();
    const old = await newKey("RS256");
    const url = await publish(set, [old]);
    const overrides = { JWT_JWKS_URL: url, JWT_JWKS_COOLDOWN_SECONDS: "0" };
    expect((await list(await sign(old), overrides)).status).toBe(200);
    const rotated = await newKey("RS256");
    await publish(set, [old, rotated]);
    expect((await list(await sign(rotated), overrides)).status).toBe(200);
    expect(await fetchesOf(set)).toBe(2);
    // Known keys do not refetch.
    expect((await list(await sign(old), overrides)).status).toBe(200);
    expect(await fetchesOf(set)).toBe(2);
  });

  it("bounds refetching: a flood of unknown kids within the cooldown fetches nothing more", async () => {
    const set = newSet();
    const known = await newKey("ES256");
    const url = await publish(set, [known]);
    const overrides = { JWT_JWKS_URL: url, JWT_JWKS_COOLDOWN_SECONDS: "30" };
    expect((await list(await sign(known), overrides)).status).toBe(200);
    const strangers = await Promise.all(Array.from({ length: 20 }, () => newKey("ES256")));
    const responses = await Promise.all(strangers.map(async (k) => list(await sign(k), overrides)));
    expect(countStatuses(responses)).toEqual({ 401: 20 });
    await expectError(responses[0] ?? new Response(), 401, "invalid_token");
    expect(await fetchesOf(set)).toBe(1);
  });

  it("keeps the fetched set in KV, and a fresh isolate verifies from KV without fetching", async () => {
    const key = await newKey("EdDSA");
    const fetchedSet = newSet();
    const url = await publish(fetchedSet, [key]);
    expect((await list(await sign(key), { JWT_JWKS_URL: url })).status).toBe(200);
    const stored = await env.EDGE_CACHE.get<{ jwks: { keys: JWK[] }; uat: number }>(`jwks:${url}`, "json");
    expect(stored?.jwks.keys.map((k) => k.kid)).toEqual([key.kid]);

    // A URL this isolate has never resolved, whose provider serves nothing: only KV can know its keys.
    const kvOnlySet = newSet();
    const kvOnlyUrl = `http://idp.test/${kvOnlySet}/jwks`;
    await env.EDGE_CACHE.put(`jwks:${kvOnlyUrl}`, JSON.stringify({ jwks: { keys: [key.jwk] }, uat: Date.now() }));
    expect((await list(await sign(key), { JWT_JWKS_URL: kvOnlyUrl })).status).toBe(200);
    expect(await fetchesOf(kvOnlySet)).toBe(0);
  });

  it("answers 503 with Retry-After, not 401, when the provider's key set cannot be fetched", async () => {
    const key = await newKey("RS256");
    const unpublished = `http://idp.test/${newSet()}/jwks`;
    const response = await list(await sign(key), { JWT_JWKS_URL: unpublished });
    await expectError(response, 503, "service_unavailable");
    expect(response.headers.get("Retry-After")).toBe("10");
  });

  describe("rejects attacks with invalid_token", () => {
    it("algorithm confusion: HS256 signed with the provider's public key bytes", async () => {
      const key = await newKey("RS256");
      const url = await publish(newSet(), [key]);
      const pem = new TextEncoder().encode(await exportSPKI(key.publicKey));
      const forged = await new SignJWT({ tenant: "victim" }).setProtectedHeader({ alg: "HS256", kid: key.kid }).setSubject("u").setExpirationTime("5m").sign(pem);
      await expectError(await list(forged, { JWT_JWKS_URL: url }), 401, "invalid_token");
      // Without a shared secret configured at all, too.
      await expectError(await list(forged, { JWT_JWKS_URL: url, JWT_SECRET: "" }), 401, "invalid_token");
      // HS256 keyed with the JWK's modulus bytes, another variant.
      const modulus = base64url.decode(key.jwk.n ?? "");
      const forged2 = await new SignJWT({ tenant: "victim" }).setProtectedHeader({ alg: "HS256" }).setSubject("u").setExpirationTime("5m").sign(modulus);
      await expectError(await list(forged2, { JWT_JWKS_URL: url }), 401, "invalid_token");
    });

    it("alg none", async () => {
      const key = await newKey("ES256");
      const url = await publish(newSet(), [key]);
      const header = base64url.encode(JSON.stringify({ alg: "none", kid: key.kid, typ: "JWT" }));
      const payload = base64url.encode(JSON.stringify({ tenant: "victim", sub: "u", exp: Math.floor(Date.now() / 1000) + 600 }));
      await expectError(await list(`${header}.${payload}.`, { JWT_JWKS_URL: url }), 401, "invalid_token");
    });

    it("an unknown crit header", async () => {
      const key = await newKey("RS256");
      const url = await publish(newSet(), [key]);
      // jose will not sign an extension it does not know either: sign by hand.
      const header = base64url.encode(JSON.stringify({ alg: "RS256", kid: key.kid, typ: "JWT", crit: ["x-must-understand"], "x-must-understand": true }));
      const payload = base64url.encode(JSON.stringify({ tenant: uniqueTenant(), sub: "u", exp: Math.floor(Date.now() / 1000) + 600 }));
      const signature = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", key.privateKey, new TextEncoder().encode(`${header}.${payload}`));
      const jwt = `${header}.${payload}.${base64url.encode(new Uint8Array(signature))}`;
      // The same token without `crit` passes: only the unknown extension is refused.
      const plain = base64url.encode(JSON.stringify({ alg: "RS256", kid: key.kid, typ: "JWT" }));
      const plainSignature = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", key.privateKey, new TextEncoder().encode(`${plain}.${payload}`));
      expect((await list(`${plain}.${payload}.${base64url.encode(new Uint8Array(plainSignature))}`, { JWT_JWKS_URL: url })).status).toBe(200);
      await expectError(await list(jwt, { JWT_JWKS_URL: url }), 401, "invalid_token");
    });

    it("an expired token", async () => {
      const key = await newKey("EdDSA");
      const url = await publish(newSet(), [key]);
      const body = await expectError(await list(await sign(key, {}, {}, -120), { JWT_JWKS_URL: url }), 401, "invalid_token");
      expect(body.error.message).toMatch(/expired/);
    });

    it("a key used with another key type's algorithm, and a signature by a key outside the set", async () => {
      const ec = await newKey("ES256");
      const rsa = await newKey("RS256");
      const url = await publish(newSet(), [ec, rsa]);
      // An RS256 header naming the EC key's kid, signed with the RSA key.
      const mismatched = await sign(rsa, {}, { kid: ec.kid });
      await expectError(await list(mismatched, { JWT_JWKS_URL: url }), 401, "invalid_token");
      // The right kid, but signed by an impostor's key.
      const impostor = await newKey("ES256");
      const forged = await sign({ ...impostor, kid: ec.kid });
      await expectError(await list(forged, { JWT_JWKS_URL: url }), 401, "invalid_token");
    });

    it("the tenant rules of HS256 tokens: a non-string tenant claim", async () => {
      const key = await newKey("ES256");
      const url = await publish(newSet(), [key]);
      await expectError(await list(await sign(key, { tenant: 42 }), { JWT_JWKS_URL: url }), 401, "invalid_token");
    });
  });
});
