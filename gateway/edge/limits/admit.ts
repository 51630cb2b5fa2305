// Per-tenant limits: one RPC to the tenant's gate per authenticated request.
// It answers the rate decision (exact: one writer per tenant), the corpus
// version the cache needs and, for AI routes, reserves the request's
// estimated cost against the plan's budgets (usage/budget-request.ts); it
// also carries the tenant's usage waiting in this isolate
// (usage/admission-usage.ts). When the gate cannot be reached the request is
// served unlimited and uncached (fail open, the default) or refused with 503
// (RATE_LIMIT_FAIL_OPEN="false"), and either way logged.
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../context";
import { ApiError } from "../../errors";
import { admissionUsage } from "../../usage/admission-usage";
import { budgetRefusal, budgetRequest } from "../../usage/budget-request";
import { edgeConfig } from "../config";
import { setResponseHeaders } from "../headers";
import { ruleFor } from "./config";
import { rateLimitHeaders } from "./headers";
import { routeClassOf } from "./route-classes";
import type { Admission } from "./tenant-gate";

export const admitTenant = createMiddleware<AppEnv>(async (c, next) => {
  const { limits } = edgeConfig(c.env);
  const caller = c.get("caller");
  const routeClass = routeClassOf(c.req.method, c.req.path);
  const rule = ruleFor(limits, caller.plan, routeClass);
  // Outside the try: a misconfigured budget is a 500 naming the setting, not an unreachable gate.
  const budget = await budgetRequest(c);
  const usage = admissionUsage(c);
  let admission: Admission;
  try {
    const gate = c.env.TENANT_GATE.get(c.env.TENANT_GATE.idFromName(caller.tenantId));
    admission = await gate.admit({ routeClass, rule, budget, ...usage.fields });
    usage.admitted();
  } catch (error) {
    usage.unreachable();
    console.error(JSON.stringify({ message: "tenant gate unreachable", requestId: c.get("requestId"), tenant: caller.tenantId, failOpen: limits.failOpen, error: String(error) }));
    c.get("edge").rateLimit = "unavailable";
    if (!limits.failOpen) throw new ApiError("service_unavailable", "Rate limiting is unavailable; try again shortly.", { "Retry-After": "5" });
    c.set("corpus", undefined);
    return next();
  }
  const headers = rateLimitHeaders(routeClass, admission.rate);
  c.get("edge").rateLimitLayer = "tenant";
  if (!admission.rate.allowed) {
    c.get("edge").rateLimit = "limited";
    throw new ApiError("rate_limited", `Too many ${routeClass} requests for this tenant; retry after ${admission.rate.resetSeconds} s.`, headers);
  }
  if (admission.budget && !admission.budget.ok) throw budgetRefusal(admission.budget, headers);
  if (admission.budget?.ok) c.get("usage").reservation = admission.budget.reservation;
  c.get("edge").rateLimit = "allowed";
  c.set("corpus", admission.corpus);
  await next();
  setResponseHeaders(c, headers);
});
