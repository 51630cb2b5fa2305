// Middleware: every /v1 request gets a RequestMeter; when it ends, its
// records and the settlement of its budget reservation go to the tenant's
// gate (TenantGate), after the response (waitUntil), batched per tenant.
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { UsageRoute } from "../../shared/usage/record";
import type { AppEnv } from "../context";
import { usageConfig } from "./config";
import { RequestMeter } from "./request-meter";
import { SettleQueue } from "./settle-queue";

const ROUTES: [RegExp, UsageRoute][] = [
  [/^\/v1\/chat\/completions\/?$/, "chat"],
  [/^\/v1\/embeddings\/?$/, "embeddings"],
  [/^\/v1\/search\/?$/, "search"],
  [/^\/v1\/ask\/?$/, "ask"],
];

export const usageRouteOf = (path: string): UsageRoute => ROUTES.find(([pattern]) => pattern.test(path))?.[1] ?? "other";

// One queue per meter namespace and configuration (tests run several configurations in one isolate).
const queues = new WeakMap<GatewayEnv["TENANT_GATE"], Map<string, SettleQueue>>();

function queueFor(env: GatewayEnv): SettleQueue {
  const byConfig = queues.get(env.TENANT_GATE) ?? new Map<string, SettleQueue>();
  queues.set(env.TENANT_GATE, byConfig);
  let queue = byConfig.get(env.USAGE_CONFIG ?? "");
  if (!queue) {
    const namespace = env.TENANT_GATE;
    const config = usageConfig(env);
    const options = { flushSeconds: config.flushSeconds, reportNeurons: config.freeNeuronGuard.enabled };
    queue = new SettleQueue((tenantId, batch) => namespace.get(namespace.idFromName(tenantId)).settle(batch, options));
    byConfig.set(env.USAGE_CONFIG ?? "", queue);
  }
  return queue;
}

export const meterRequests = createMiddleware<AppEnv>(async (c, next) => {
  const started = Date.now();
  const caller = c.get("caller");
  const meter = new RequestMeter(caller.tenantId, caller.subject, usageRouteOf(c.req.path));
  c.set("usage", meter);
  try {
    await next();
  } finally {
    // A streamed response meters itself when its stream ends (see settle).
    if (!meter.streaming) settle(c, meter, c.res.status, Date.now() - started);
  }
});

/** Sends the request's records and settlement; for streams, called when the stream ends. */
export function settle(c: Context<AppEnv>, meter: RequestMeter, status: number, latencyMs: number): void {
  meter.finish(status, latencyMs);
  let sent: Promise<void>;
  try {
    sent = queueFor(c.env).enqueue(meter.tenantId, { reservation: meter.reservation, actual: meter.actual(), records: meter.records });
  } catch (error) {
    console.error("usage not recorded", { error: String(error) });
    return;
  }
  try {
    c.executionCtx.waitUntil(sent);
  } catch {
    // No execution context (the app called directly): the promise runs on its own.
  }
}
