// Stripe webhooks, signed as Stripe signs them (the official package's test
// header generator): verified at the edge, then forwarded byte for byte.
import { env } from "cloudflare:workers";
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { call, expectError } from "../../helpers/api";
import { backend } from "../../helpers/backends";
import { trackedBody } from "../../helpers/tracked-body";

const PATH = "/api/billing/webhooks/stripe";
const stripe = new Stripe("sk_test_not_used_for_network");
const main = backend("main");

// Odd spacing and non-ASCII: any re-serialisation on the way would change the bytes.
const event = (id: string) => `{"id":"${id}",  "type":"invoice.paid","data":{"object":{"customer":"cus_123","note":"café ✓"}}}\n`;
const sha256 = async (text: string) =>
  [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)))].map((b) => b.toString(16).padStart(2, "0")).join("");
const header = (payload: string, options: { secret?: string; timestamp?: number } = {}) =>
  stripe.webhooks.generateTestHeaderStringAsync({ payload, secret: options.secret ?? env.STRIPE_WEBHOOK_SECRET, ...(options.timestamp ? { timestamp: options.timestamp } : {}) });
const send = (payload: string, signature: string | null) =>
  call(PATH, { method: "POST", body: payload, headers: { "Content-Type": "application/json", ...(signature ? { "Stripe-Signature": signature } : {}) } });
const v1 = (signature: string) => signature.split(",").find((p) => p.startsWith("v1="))?.slice(3) ?? "";

describe("a valid event", () => {
  it("reaches the billing backend byte for byte, with its Stripe-Signature untouched", async () => {
    const payload = event(`evt_${crypto.randomUUID()}`);
    const signature = await header(payload);
    const response = await send(payload, signature);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, bytes: new TextEncoder().encode(payload).byteLength, sha256: await sha256(payload), signature });
  });

  it("is accepted when any of several v1 signatures matches (secret rotation)", async () => {
    const payload = event(`evt_${crypto.randomUUID()}`);
    const timestamp = Math.floor(Date.now() / 1000);
    const old = await header(payload, { secret: "whsec_old_secret_rotated_away_0000000000", timestamp });
    const current = await header(payload, { timestamp });
    const response = await send(payload, `t=${timestamp},v1=${v1(old)},v1=${v1(current)},v0=deadbeef`);
    expect(response.status).toBe(200);
    await response.body?.cancel();
  });
});

describe("refused at the edge with 400, never reaching the backend", () => {
  const refused = async (payload: string, signature: string | null) => {
    const before = (await main.requests(PATH)).length;
    await expectError(await send(payload, signature), 400, "invalid_webhook_signature");
    expect((await main.requests(PATH)).length).toBe(before);
  };

  it("a signature made with another secret", async () => {
    const payload = event("evt_forged");
    await refused(payload, await header(payload, { secret: "whsec_attacker_0000000000000000000000" }));
  });

  it("a body changed after signing", async () => {
    const payload = event("evt_tampered");
    await refused(payload.replace("cus_123", "cus_999"), await header(payload));
  });

  it("an event replayed after the five-minute tolerance, and one dated in the future", async () => {
    const payload = event("evt_stale");
    const now = Math.floor(Date.now() / 1000);
    await refused(payload, await header(payload, { timestamp: now - 301 }));
    await refused(payload, await header(payload, { timestamp: now + 301 }));
  });

  it("no header, no v1 signature, or a malformed one", async () => {
    const payload = event("evt_unsigned");
    await refused(payload, null);
    await refused(payload, `t=${Math.floor(Date.now() / 1000)},v0=abc`);
    await refused(payload, "v1=nothex");
  });
});


describe("a webhook body over stripeWebhook.maxBytes (1 MiB by default)", () => {
  const LIMIT = 1024 * 1024;

  it("sent chunked: 413, read to its end rather than left half read, never reaching the backend; the next request is served", async () => {
    const before = (await main.requests(PATH)).length;
    const { stream, state } = trackedBody(LIMIT * 4);
    const response = await call(PATH, { method: "POST", body: stream, headers: { "Content-Type": "application/json", "Stripe-Signature": "t=1,v1=00" } });
    await expectError(response, 413, "request_too_large");
    await expect.poll(() => state.finished, { timeout: 5_000 }).toBe(true);
    expect((await main.requests(PATH)).length).toBe(before);
    const payload = event(`evt_${crypto.randomUUID()}`);
    expect((await send(payload, await header(payload))).status).toBe(200);
  });

  it("declared by Content-Length: 413 before reading, never reaching the backend", async () => {
    const before = (await main.requests(PATH)).length;
    const body = "x".repeat(LIMIT + 1);
    await expectError(await send(body, await header(body)), 413, "request_too_large");
    expect((await main.requests(PATH)).length).toBe(before);
  });
});
