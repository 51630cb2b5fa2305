// The IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers,
// structured-field form): the policy in force and what is left of it.
import type { RateDecision } from "./window";

export function rateLimitHeaders(policy: string, decision: RateDecision): Record<string, string> {
  const headers: Record<string, string> = {
    "RateLimit-Policy": `"${policy}";q=${decision.limit};w=${decision.windowSeconds}`,
    RateLimit: `"${policy}";r=${decision.remaining};t=${decision.resetSeconds}`,
  };
  if (!decision.allowed) headers["Retry-After"] = String(decision.resetSeconds);
  return headers;
}
