// Middleware: every /v1 request gets a RequestMeter. When it ends, its
// records and the settlement of its budget reservation wait in the isolate
// for the tenant's next admission call (settle-queue.ts), after the response
// (waitUntil). A request the gate already counted at admission (a route with
// no AI calls) sends nothing.
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { UsageRoute } from "../../shared/usage/record";
import type { AppEnv } from "../context";
import { waitUntil } from "../edge/wait-until";
import { usageConfig } from "./config";
import { RequestMeter } from "./request-meter";
import { SettleQueue } from "./settle-queue";
import type { MeterOptions } from "./tenant-usage";

const ROUTES: [RegExp, UsageRoute][] = [
  [/^\/v1\/chat\/completions\/?$/, "chat"],
  [/^\/v1\/embeddings\/?$/, "embeddings"],
  [/^\/v1\/search\/?$/, "search"],
  [/^\/v1\/ask\/?$/, "ask"],
];

export const usageRouteOf = (path: string): UsageRoute => ROUTES.find(([pattern]) => pattern.test(path))?.[1] ?? "other";

// One queue per gate namespace and configuration (tests run several configurations in one isolate).
const queues = new WeakMap<GatewayEnv["TENANT_GATE"], Map<string, SettleQueue>>();

/** What the tenant's gate needs from the gateway's configuration to sum and flush usage. */
export function meterOptions(env: Pick<GatewayEnv, "USAGE_CONFIG">): MeterOptions {
  const config = usageConfig(env);
  return { flushSeconds: config.flushSeconds, reportNeurons: config.freeNeuronGuard.enabled };
}

/** The isolate's waiting settlements for this gate namespace and configuration. */
export function settleQueueOf(env: GatewayEnv): SettleQueue {
  const byConfig = queues.get(env.TENANT_GATE) ?? new Map<string, SettleQueue>();
  queues.set(env.TENANT_GATE, byConfig);
  let queue = byConfig.get(env.USAGE_CONFIG ?? "");
  if (!queue) {
    const namespace = env.TENANT_GATE;
    const options = meterOptions(env);
    queue = new SettleQueue((tenantId, batch) => namespace.get(namespace.idFromName(tenantId)).settle(batch, options), usageConfig(env).settleDelayMs);
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

/** Leaves the request's records and settlement to go with the tenant's next admission; for streams, called when the stream ends. */
export function settle(c: Context<AppEnv>, meter: RequestMeter, status: number, latencyMs: number): void {
  if (meter.countedAtAdmit && meter.reservation === undefined && meter.records.length === 0) return;
  meter.finish(status, latencyMs);
  let sent: Promise<void>;
  try {
    sent = settleQueueOf(c.env).enqueue(meter.tenantId, { reservation: meter.reservation, actual: meter.actual(), records: meter.records });
  } catch (error) {
    console.error("usage not recorded", { error: String(error) });
    return;
  }
  waitUntil(c, sent);
}
