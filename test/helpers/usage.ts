// Calling the gateway with a chosen USAGE_CONFIG (or broken bindings) and
// waiting until its usage has been settled and flushed.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { app } from "../../gateway/app";
import type { UsageResponse } from "../../gateway/usage/routes/usage";
import { BASE } from "./api";
import { type TokenOptions, token } from "./tokens";

export interface Sent {
  response: Response;
  /** Resolves once everything the request left for after its response (settlement, cache store) is done. */
  settled: Promise<void>;
}

export async function send(path: string, init: RequestInit & { tokenOptions: TokenOptions; env?: Partial<GatewayEnv> }): Promise<Sent> {
  const headers = new Headers(init.headers);
  headers.set("Authorization", `Bearer ${await token(init.tokenOptions)}`);
  if (init.body !== undefined) headers.set("Content-Type", "application/json");
  const ctx = createExecutionContext();
  const response = await app.fetch(new Request(`${BASE}${path}`, { ...init, headers }), { ...env, ...init.env }, ctx);
  // A streamed body settles only when it ends: read the body before awaiting `settled`.
  return {
    response,
    get settled() {
      return waitOnExecutionContext(ctx);
    },
  };
}

export const json = (body: unknown) => ({ method: "POST", body: JSON.stringify(body) });

/** A USAGE_CONFIG for one test; settlements go after 200 ms unless it says otherwise, as on the local stack. */
export const usageConfig = (config: Record<string, unknown>): Partial<GatewayEnv> => ({ USAGE_CONFIG: JSON.stringify({ settleDelayMs: 200, ...config }) });

export const meterOf = (tenant: string) => env.TENANT_GATE.get(env.TENANT_GATE.idFromName(tenant));

/** The tenant meter writes its sums to D1 now (what its alarm does once the sums are old enough or the tenant quiet). */
export async function flushUsage(tenant: string): Promise<void> {
  await meterOf(tenant).flushUsage();
}

export async function usageOf(tenant: string, query = "groupBy=route"): Promise<UsageResponse> {
  const { response } = await send(`/v1/usage?${query}`, { tokenOptions: { tenant } });
  if (response.status !== 200) throw new Error(`usage ${response.status}: ${await response.text()}`);
  return response.json<UsageResponse>();
}
