// On /v1 routes listed in PROXY_CONFIG.rollout: after the token is verified,
// the user's bucket decides whether the edge serves the request or the
// backend does (forwarded like any proxy route, with the caller's identity).
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context";
import { forwardTo } from "./app";
import { proxyConfig, type RolloutRouteConfig } from "./config";
import { rolloutBucket, rolloutShare, servedAtEdge } from "./rollout";
import { checkedPath, matchPrefix } from "./routing";

/** The rollout route this request falls under, if any: until the rollout decides, it may still go to the backend. */
export function rolloutRouteOf(c: Context<AppEnv>): RolloutRouteConfig | undefined {
  const config = proxyConfig(c.env);
  const path = checkedPath(new URL(c.req.url));
  return config && path ? matchPrefix(config.rollout, path) : undefined;
}

export const rollout = createMiddleware<AppEnv>(async (c, next) => {
  const route = rolloutRouteOf(c);
  if (!route) return next();
  const caller = c.get("caller");
  const [share, bucket] = await Promise.all([rolloutShare(c.env.ROLLOUT, route), rolloutBucket(route.prefix, caller.tenantId, caller.subject)]);
  if (servedAtEdge(bucket, share.percent)) return next();
  c.get("usage").servedByBackend();
  const websocket = c.req.header("Upgrade")?.toLowerCase() === "websocket";
  return forwardTo(c, route, caller, c.req.raw.body, websocket);
});
