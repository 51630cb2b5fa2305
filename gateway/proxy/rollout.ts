// Gradual rollout of routes served both at the edge and by the backend. Each
// user lands in a fixed bucket (a hash of the route and the verified tenant and
// subject), so a user does not flip between the two, and raising the share
// only ever moves users from the backend to the edge. The share lives in KV,
// so it changes without a deploy: a write reaches other locations within about
// a minute (KV's propagation, plus this module's 30 s read cache per location).
import type { RolloutRouteConfig } from "./config";

export interface RolloutShare {
  /** Percent (0-100) of users served at the edge. */
  percent: number;
  source: "kv" | "default";
  updatedAt: string | null;
  updatedBy: string | null;
}

interface StoredShare {
  percent: number;
  updatedAt: string;
  updatedBy: string;
}

// Cloudflare's minimum cacheTtl: reads are served from the location's cache that long.
const KV_CACHE_SECONDS = 30;

export const rolloutKey = (prefix: string) => `rollout:${prefix}`;

export async function rolloutShare(kv: KVNamespace, route: RolloutRouteConfig): Promise<RolloutShare> {
  let stored: StoredShare | null = null;
  try {
    stored = await kv.get<StoredShare>(rolloutKey(route.prefix), { type: "json", cacheTtl: KV_CACHE_SECONDS });
  } catch (error) {
    // KV unreachable or a corrupt value: keep serving with the configured default.
    console.error("rollout share unreadable", { prefix: route.prefix, error: String(error) });
  }
  if (stored && typeof stored.percent === "number" && stored.percent >= 0 && stored.percent <= 100) {
    return { percent: stored.percent, source: "kv", updatedAt: stored.updatedAt, updatedBy: stored.updatedBy };
  }
  return { percent: route.defaultPercent, source: "default", updatedAt: null, updatedBy: null };
}

export async function setRolloutShare(kv: KVNamespace, prefix: string, percent: number, by: string): Promise<void> {
  const value: StoredShare = { percent, updatedAt: new Date().toISOString(), updatedBy: by };
  await kv.put(rolloutKey(prefix), JSON.stringify(value));
}

/** The user's bucket in [0, 100), in steps of 0.01. */
export async function rolloutBucket(prefix: string, tenantId: string, subject: string): Promise<number> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${prefix}\n${tenantId}\n${subject}`));
  return (new DataView(digest).getUint32(0) % 10_000) / 100;
}

export const servedAtEdge = (bucket: number, percent: number) => bucket < percent;
