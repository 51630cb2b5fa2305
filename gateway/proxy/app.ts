// The reverse proxy: every request that no gateway route answered and whose
// path matches a PROXY_CONFIG route goes to that route's upstream, after the
// route's auth rule. Mounted last in gateway/app.ts, so the edge's own routes
// always win and the edge's middleware (request id, logs, limits) runs first.
import { Hono, type Context } from "hono";
import type { AppEnv, Caller } from "../context";
import { ApiError } from "../errors";
import { requireAuth } from "../edge/auth/require-auth";
import { admitTenant } from "../edge/limits/admit";
import { RequestMeter } from "../usage/request-meter";
import { proxyConfig, type RouteConfig } from "./config";
import { forward } from "./forward";
import { upstreamRequestHeaders } from "./headers";
import { checkedPath, matchPrefix } from "./routing";
import { checkedStripeWebhook } from "./stripe-webhook";
import { resolveUpstream } from "./upstream";

export const proxy = new Hono<AppEnv>().all("*", async (c) => {
  const config = proxyConfig(c.env);
  const url = new URL(c.req.url);
  const path = checkedPath(url);
  if (path === null) throw new ApiError("invalid_request", "The path contains an encoded separator, dot segment or empty segment.");
  const route = config ? matchPrefix(config.routes, path) : undefined;
  if (!config || !route) return c.notFound();

  const caller = await authenticate(c, route);
  const websocket = c.req.header("Upgrade")?.toLowerCase() === "websocket";
  if (websocket && !route.websocket) throw new ApiError("invalid_request", "This route does not accept WebSocket upgrades.");
  const webhookBody = await checkedStripeWebhook(c.req.raw, path, config, c.env.STRIPE_WEBHOOK_SECRET);

  // The request log names the proxy route, not the raw path (ids stay out of logs).
  c.get("edge").route = `${route.prefix}/*`;
  const send = () => forwardTo(c, route, caller, webhookBody ?? c.req.raw.body, websocket, url);
  if (!caller) return send();
  // An identified caller counts against its tenant's `proxy` limit, like /v1
  // requests against theirs, and its tenant's gate counts it as served by the backend.
  c.set("usage", new RequestMeter(caller.tenantId, caller.subject, "proxy"));
  await admitTenant(c, async () => {
    c.res = await send();
  });
  return c.res;
});

export async function forwardTo(
  c: Context<AppEnv>,
  route: Omit<RouteConfig, "auth" | "websocket" | "prefix">,
  caller: Caller | null,
  body: ReadableStream | ArrayBuffer | null,
  websocket: boolean,
  url = new URL(c.req.url),
): Promise<Response> {
  const config = proxyConfig(c.env);
  if (!config) throw new ApiError("server_misconfigured", "PROXY_CONFIG is empty.");
  const upstream = resolveUpstream(config, route.upstream, c.env);
  const requestId = c.get("requestId");
  const headers = upstreamRequestHeaders(c.req.raw.headers, { requestId, clientIp: c.req.header("CF-Connecting-IP") ?? null, url, caller }, { websocket });
  return forward({ method: c.req.method, url, headers, body }, upstream.targets, route, upstream.breaker, requestId);
}

async function authenticate(c: Context<AppEnv>, route: RouteConfig): Promise<Caller | null> {
  if (route.auth === "none") return null;
  if (route.auth === "optional" && !c.req.header("Authorization")) return null;
  // The one verifier of the gateway; a bad token on an optional route is still 401.
  await requireAuth(c, async () => {});
  return c.get("caller");
}
