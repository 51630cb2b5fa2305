// One JSON line per request, written when the response is ready (for a
// stream: when its headers are sent). Workers Logs indexes the fields. It
// names the route pattern, never the raw path (ids stay out of the index),
// and never a header, token or body.
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context";

export interface RequestLogLine {
  time: string;
  requestId: string;
  method: string;
  route: string;
  status: number;
  latencyMs: number;
  tenant: string | null;
  cache: string | null;
  rateLimit: string | null;
  rateLimitLayer: string | null;
  errorCode: string | null;
  model: string | null;
  variant: string | null;
}

/** The pattern of the handler that answered (e.g. /v1/documents/:id), or "unmatched". */
function routePattern(c: Context<AppEnv>): string {
  const handlers = c.req.matchedRoutes.filter((route) => route.method !== "ALL");
  return handlers.at(-1)?.path ?? "unmatched";
}

export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const started = Date.now();
  c.set("edge", {});
  await next();
  const edge = c.get("edge");
  const line: RequestLogLine = {
    time: new Date(started).toISOString(),
    requestId: c.get("requestId"),
    method: c.req.method,
    route: edge.route ?? routePattern(c),
    status: c.res.status,
    latencyMs: Date.now() - started,
    tenant: c.get("caller")?.tenantId ?? null,
    cache: edge.cache ?? null,
    rateLimit: edge.rateLimit ?? null,
    rateLimitLayer: edge.rateLimitLayer ?? null,
    errorCode: edge.errorCode ?? null,
    model: edge.model ?? null,
    variant: edge.variant ?? null,
  };
  console.log(JSON.stringify(line));
});
