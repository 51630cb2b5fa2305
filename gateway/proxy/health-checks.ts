// Active health checks, run by the Cron Trigger: every target of every
// upstream with a healthPath is probed with a GET; a target that does not
// answer 2xx within healthTimeoutMs is taken out (its breaker opens) and one
// that does is put back. Requests then skip a dead target without first
// paying for a failed attempt.
import { proxyConfig, type ProxyConfig } from "./config";
import { breakerOf, resolveUpstream } from "./upstream";
import { upstreamUrl } from "./routing";

export interface ProbeResult {
  upstream: string;
  target: number;
  ok: boolean;
}

export async function runHealthChecks(env: GatewayEnv): Promise<ProbeResult[]> {
  let config: ProxyConfig | null;
  try {
    config = proxyConfig(env);
  } catch (error) {
    console.error("health checks skipped: PROXY_CONFIG is invalid", { error: String(error) });
    return [];
  }
  if (!config) return [];
  const probes = Object.entries(config.upstreams).flatMap(([name, upstream]) => {
    if (!upstream.healthPath) return [];
    const { targets } = resolveUpstream(config, name, env);
    const stub = env.UPSTREAM_HEALTH.get(env.UPSTREAM_HEALTH.idFromName(name));
    return targets.map(async (target): Promise<ProbeResult> => {
      const detail = await probe(target.send, upstreamUrl(target.base, new URL(upstream.healthPath ?? "/", "http://probe")), upstream.healthTimeoutMs);
      await stub.recordProbe(target.key, detail === null, breakerOf(config, name), detail ?? "ok");
      return { upstream: name, target: target.index, ok: detail === null };
    });
  });
  const results = await Promise.all(probes);
  console.log("health checks", { results });
  return results;
}

/** null when healthy, else why not. */
async function probe(send: (request: Request) => Promise<Response>, url: URL, timeoutMs: number): Promise<string | null> {
  try {
    const response = await send(new Request(url, { headers: { "User-Agent": "rag-gateway-health-check" }, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) }));
    await response.body?.cancel();
    return response.ok ? null : `status ${response.status}`;
  } catch (error) {
    return error instanceof DOMException && error.name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : "connection failed";
  }
}
