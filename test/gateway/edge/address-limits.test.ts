// The first layer, per client address: failed authentication is slowed, and
// an address over its limit is refused before its next token is verified.
// The local AUTH_FAILURE_LIMITER allows 100 failures per 60 s per address.
import { describe, expect, it } from "vitest";
import { expectError } from "../../helpers/api";
import { countStatuses, edgeAuthed, edgeFetch } from "../../helpers/edge";
import { uniqueTenant } from "../../helpers/tokens";

const LIMIT = 100;
const address = () => `198.51.100.${Math.floor(Math.random() * 250) + 1}-${crypto.randomUUID().slice(0, 6)}`;

describe("per-address limits on failed authentication", () => {
  it("turns a burst of bad tokens from one address into 429s, and then refuses its valid tokens too", async () => {
    const guesser = address();
    const bad = { headers: { Authorization: "Bearer not.a.token", "CF-Connecting-IP": guesser } };
    const responses = await Promise.all(Array.from({ length: 3 * LIMIT }, () => edgeFetch("/v1/documents", bad)));
    const counts = countStatuses(responses);
    // The binding counts in fixed periods: a burst that straddles two can get 2 x LIMIT through, never more.
    expect((counts[401] ?? 0) + (counts[429] ?? 0)).toBe(3 * LIMIT);
    expect(counts[401]).toBeGreaterThanOrEqual(LIMIT);
    expect(counts[429]).toBeGreaterThanOrEqual(LIMIT);
    const limited = responses.find((r) => r.status === 429);
    if (!limited) throw new Error("no 429");
    await expectError(limited, 429, "rate_limited");
    expect(limited.headers.get("Retry-After")).toBe("60");

    // Blocked: even a valid token from that address waits out the period.
    const tenant = uniqueTenant();
    await expectError(await edgeAuthed({ tenant }, "/v1/documents", { headers: { "CF-Connecting-IP": guesser } }), 429, "rate_limited");
    // Other addresses are not affected.
    expect((await edgeAuthed({ tenant }, "/v1/documents", { headers: { "CF-Connecting-IP": address() } })).status).toBe(200);
  });

  it("counts missing tokens as failures too", async () => {
    const caller = address();
    const responses = await Promise.all(Array.from({ length: 3 * LIMIT }, () => edgeFetch("/v1/documents", { headers: { "CF-Connecting-IP": caller } })));
    expect(countStatuses(responses)[429]).toBeGreaterThanOrEqual(LIMIT);
  });

  it("does not count successful authentication", async () => {
    const caller = address();
    const tenant = uniqueTenant();
    const responses = await Promise.all(Array.from({ length: LIMIT + 20 }, () => edgeAuthed({ tenant }, "/v1/documents", { headers: { "CF-Connecting-IP": caller } })));
    expect(countStatuses(responses)).toEqual({ 200: LIMIT + 20 });
  });
});
