// One place that turns a route's upstream name into what forward() needs:
// its targets and its shared breaker.
import { Breaker } from "./breaker";
import type { ProxyConfig } from "./config";
import { targetsOf, type Target } from "./targets";

export interface ResolvedUpstream {
  name: string;
  targets: Target[];
  breaker: Breaker;
}

export function resolveUpstream(config: ProxyConfig, name: string, env: GatewayEnv): ResolvedUpstream {
  const upstream = config.upstreams[name];
  // The schema refuses routes naming an unknown upstream; this guards the type.
  if (!upstream) throw new Error(`unknown upstream ${name}`);
  return { name, targets: targetsOf(upstream, env), breaker: new Breaker(env.UPSTREAM_HEALTH, name, breakerOf(config, name)) };
}

export function breakerOf(config: ProxyConfig, name: string): ProxyConfig["breaker"] {
  return config.upstreams[name]?.breaker ?? config.breaker;
}
