// What an AI request asks of its tenant's budgets, for the admission call:
// the plan's limits and the request's estimated cost, estimated from its JSON
// body (estimators.ts). Nothing for non-AI routes, for plans without limits,
// or for a body the route will reject anyway.
import type { Context } from "hono";
import type { AppEnv } from "../context";
import { ApiError } from "../errors";
import type { Admission, Amount } from "./budget-ledger";
import { type PlanLimits, planLimits, usageConfig } from "./config";
import { estimateRequest } from "./estimators";
import { usageRouteOf } from "./meter-requests";

export async function budgetRequest(c: Context<AppEnv>): Promise<{ limits: PlanLimits; estimate: Amount } | undefined> {
  // By path: the backend proxy's routes are admitted by the same gate without a meter.
  const route = usageRouteOf(c.req.path);
  if (c.req.method !== "POST" || route === "other") return undefined;
  const limits = planLimits(usageConfig(c.env), c.get("caller").plan);
  const { semanticCache: _, ...amounts } = limits;
  if (Object.values(amounts).every((v) => v === null)) return undefined;
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return undefined;
  }
  const estimate = estimateRequest(route, body, c.env);
  return estimate ? { limits, estimate } : undefined;
}

/** 429 budget_exceeded / tokens_rate_limited, Retry-After at the end of the window that refused. */
export function budgetRefusal(refused: Extract<Admission, { ok: false }>, headers: Record<string, string> = {}): ApiError {
  const message =
    refused.code === "tokens_rate_limited"
      ? `This request would exceed the plan's tokens per minute; retry in ${refused.retryAfterSeconds} s.`
      : `This request would exceed the plan's ${refused.limit} budget; it resets in ${refused.retryAfterSeconds} s.`;
  return new ApiError(refused.code, message, { ...headers, "Retry-After": String(refused.retryAfterSeconds) });
}
