// GET /health/ready: can this gateway serve? Its bindings (D1, R2, KV, the
// breaker's Durable Objects) answer, its proxy config parses, and each
// upstream's targets' breaker states. 503 when a binding or the config is
// broken; an upstream that is down makes the answer "degraded", not 503,
// since the edge's own routes still work. Nothing secret for anonymous
// callers; an admin token adds target URLs and last failures.
import type { Context } from "hono";
import type { AppEnv } from "../context";
import { ApiError } from "../errors";
import { requireAuth } from "../edge/auth/require-auth";
import { proxyConfig, type ProxyConfig } from "../proxy/config";
import { upstreamStatuses, type UpstreamStatus } from "../proxy/upstream-status";

const CHECK_TIMEOUT_MS = 2_000;

export async function ready(c: Context<AppEnv>): Promise<Response> {
  const detailed = await isAdmin(c);
  const bindings = {
    db: await check(() => c.env.DB.prepare("SELECT 1").first()),
    documents: await check(() => c.env.DOCUMENTS.head("readiness-probe")),
    rollout: await check(() => c.env.ROLLOUT.get("readiness-probe")),
  };
  let config: ProxyConfig | null = null;
  let proxy: "ok" | "off" | "misconfigured" = "off";
  try {
    config = proxyConfig(c.env);
    proxy = config ? "ok" : "off";
  } catch {
    proxy = "misconfigured";
  }
  const upstreams: Record<string, UpstreamStatus> = config ? await upstreamStatuses(config, c.env.UPSTREAM_HEALTH, detailed) : {};
  const broken = Object.values(bindings).some((s) => s !== "ok") || proxy === "misconfigured";
  const degraded = Object.values(upstreams).some((u) => u.status !== "up");
  const body = { status: broken ? "unavailable" : degraded ? "degraded" : "ready", bindings, proxy, upstreams };
  return c.json(body, broken ? 503 : 200, broken ? { "Retry-After": "10", "Cache-Control": "no-store" } : { "Cache-Control": "no-store" });
}

async function check(probe: () => Promise<unknown>): Promise<"ok" | "error"> {
  try {
    await Promise.race([probe(), new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), CHECK_TIMEOUT_MS))]);
    return "ok";
  } catch {
    return "error";
  }
}

async function isAdmin(c: Context<AppEnv>): Promise<boolean> {
  if (!c.req.header("Authorization")) return false;
  try {
    await requireAuth(c, async () => {});
    return c.get("caller").role === "admin";
  } catch (error) {
    if (error instanceof ApiError) return false;
    throw error;
  }
}
