// Each upstream's state as /health/ready reports it. Anonymous callers see
// target positions and breaker states only; operators (an admin token) also
// see each target's base URL and last failure.
import { Breaker } from "./breaker";
import type { ProxyConfig } from "./config";
import { breakerOf } from "./upstream";
import type { BreakerState } from "./upstream-health";

export interface TargetStatus {
  target: number;
  state: BreakerState;
  url?: string;
  lastFailure?: string | null;
  lastProbe?: { ok: boolean; at: string } | null;
}

export interface UpstreamStatus {
  /** up: every target closed; degraded: some out; down: none can take a request now. */
  status: "up" | "degraded" | "down";
  targets: TargetStatus[];
}

export async function upstreamStatuses(config: ProxyConfig, namespace: GatewayEnv["UPSTREAM_HEALTH"], detailed: boolean): Promise<Record<string, UpstreamStatus>> {
  const entries = await Promise.all(
    Object.entries(config.upstreams).map(async ([name, upstream]) => {
      // Fresh, not the isolate's copy: readiness must not lag.
      const states = await new Breaker(namespace, name, { ...breakerOf(config, name), cacheMs: 0 }).states();
      const now = Date.now();
      const targets = upstream.targets.map((target, index): TargetStatus => {
        const key = "url" in target ? target.url : `service:${target.service}`;
        const health = states[key];
        const open = health?.state === "open" && now < health.openUntil;
        const state: BreakerState = health?.state === "open" && !open ? "half_open" : (health?.state ?? "closed");
        if (!detailed) return { target: index, state };
        return {
          target: index,
          state,
          url: "url" in target ? target.url : `service binding ${target.service}`,
          lastFailure: health?.lastFailure ?? null,
          lastProbe: health?.lastProbe ? { ok: health.lastProbe.ok, at: new Date(health.lastProbe.at).toISOString() } : null,
        };
      });
      const out = targets.filter((t) => t.state === "open").length;
      const status: UpstreamStatus["status"] = out === 0 ? "up" : out === targets.length ? "down" : "degraded";
      return [name, { status, targets }] as const;
    }),
  );
  return Object.fromEntries(entries);
}
