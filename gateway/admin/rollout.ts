// /v1/admin/rollout: read and set the share of each rollout route served at
// the edge. PUT with percent 0 is the instant rollback to the backend (within
// KV's propagation: about a minute everywhere).
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../context";
import { ApiError } from "../errors";
import { requireRole } from "../edge/auth/require-auth";
import { proxyConfig } from "../proxy/config";
import { rolloutShare, setRolloutShare, type RolloutShare } from "../proxy/rollout";
import { validate } from "../validation";

export interface RolloutRouteJson extends RolloutShare {
  prefix: string;
  upstream: string;
}

const change = z.object({ prefix: z.string().min(1), percent: z.number().min(0).max(100) }).strict();

export const rolloutAdmin = new Hono<AppEnv>()
  .use(requireRole("admin"))
  .get("/", async (c) => {
    const routes = proxyConfig(c.env)?.rollout ?? [];
    const shares = await Promise.all(routes.map(async (r): Promise<RolloutRouteJson> => ({ prefix: r.prefix, upstream: r.upstream, ...(await rolloutShare(c.env.ROLLOUT, r)) })));
    return c.json({ routes: shares, propagation: "a change reaches every location within about 60 seconds" });
  })
  .put("/", validate("json", change), async (c) => {
    const { prefix, percent } = c.req.valid("json");
    const route = proxyConfig(c.env)?.rollout.find((r) => r.prefix === prefix);
    if (!route) throw new ApiError("invalid_request", `No rollout route ${prefix} in PROXY_CONFIG.`);
    const caller = c.get("caller");
    await setRolloutShare(c.env.ROLLOUT, prefix, percent, `${caller.subject}@${caller.tenantId}`);
    console.log("rollout changed", { prefix, percent, by: caller.subject });
    const json: RolloutRouteJson = { prefix, upstream: route.upstream, ...(await rolloutShare(c.env.ROLLOUT, route)) };
    return c.json(json);
  });
