// The cheap first layer, per client address (CF-Connecting-IP), with the
// Workers Rate Limiting binding: it counts per Cloudflare location and is
// permissive by design, which is enough to slow floods and token guessing.
// - Requests that carry no tenant (routes outside /v1) count against ADDRESS_LIMITER.
// - Failed authentication counts against AUTH_FAILURE_LIMITER; an address over
//   it is refused before its next token is even verified, until the period
//   ends, so guessing tokens costs a period per batch of guesses.
// Off Cloudflare (local dev without the header, tests) there is no address
// and this layer does nothing: Cloudflare always sets the header, and a
// client cannot set it through Cloudflare.
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../context";
import { ApiError } from "../../errors";

/** The binding's periods are 10 or 60 s; the wrangler files use 60. */
const PERIOD_SECONDS = 60;

// Per isolate: the binding has no "peek", so an address seen over the limit is remembered here.
const blockedUntil = new Map<string, number>();
const MAX_BLOCKED = 10_000;

export function clientAddress(c: Context<AppEnv>): string | undefined {
  return c.req.header("CF-Connecting-IP") || undefined;
}

function limited(c: Context<AppEnv>, layer: "address" | "auth_failure"): ApiError {
  c.get("edge").rateLimit = "limited";
  c.get("edge").rateLimitLayer = layer;
  return new ApiError("rate_limited", "Too many requests from this address; slow down.", { "Retry-After": String(PERIOD_SECONDS) });
}

/** For routes without a tenant. */
export const limitAddress = createMiddleware<AppEnv>(async (c, next) => {
  const address = clientAddress(c);
  if (address !== undefined) {
    const { success } = await c.env.ADDRESS_LIMITER.limit({ key: address });
    if (!success) throw limited(c, "address");
    c.get("edge").rateLimit = "allowed";
    c.get("edge").rateLimitLayer = "address";
  }
  await next();
});

/** Before verifying a token: refuses an address that recently failed too often. */
export function refuseBlockedAddress(c: Context<AppEnv>): void {
  const address = clientAddress(c);
  if (address === undefined) return;
  const until = blockedUntil.get(address);
  if (until === undefined) return;
  if (until > Date.now()) throw limited(c, "auth_failure");
  blockedUntil.delete(address);
}

/** After a failed verification: counts it, and answers 429 instead once the address is over its limit. */
export async function countAuthFailure(c: Context<AppEnv>): Promise<void> {
  const address = clientAddress(c);
  if (address === undefined) return;
  const { success } = await c.env.AUTH_FAILURE_LIMITER.limit({ key: address });
  if (success) return;
  if (blockedUntil.size >= MAX_BLOCKED) blockedUntil.clear();
  blockedUntil.set(address, Date.now() + PERIOD_SECONDS * 1000);
  throw limited(c, "auth_failure");
}
