// Calls the gateway worker as the runtime would, with an execution context
// whose waitUntil work (cache writes, JWKS caching) is awaited before the
// response is handed back, and with optional env overrides (e.g. low limits).
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../gateway/index";
import { BASE } from "./api";
import { token, type TokenOptions } from "./tokens";

/** Optional settings without a wrangler default are allowed too. */
export type EnvOverrides = Partial<Record<keyof GatewayEnv | "JWT_JWKS_COOLDOWN_SECONDS", unknown>>;

export async function edgeFetch(path: string, init: RequestInit = {}, overrides: EnvOverrides = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`${BASE}${path}`, init), { ...env, ...overrides } as GatewayEnv, ctx);
  const body = await response.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return new Response(body, response);
}

export async function edgeAuthed(tokenOptions: TokenOptions, path: string, init: RequestInit = {}, overrides: EnvOverrides = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("Authorization", `Bearer ${await token(tokenOptions)}`);
  return edgeFetch(path, { ...init, headers }, overrides);
}

export function postJson(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json", ...headers } };
}

export function countStatuses(responses: readonly Response[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const r of responses) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}
