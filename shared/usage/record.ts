// One AI call (or one request that needed none), as metered. Records are
// never stored one by one: they are summed into rollups (rollup.ts).
import type { Provider } from "./prices";

/**
 * What the call served. `other` is any request the edge served outside the AI
 * routes (documents, admin, reports); `proxy` a request the legacy backend
 * served (a proxied route, or a /v1 route the rollout handed to the backend).
 */
export type UsageRoute = "chat" | "embeddings" | "search" | "ask" | "ingest" | "other" | "proxy";
export const USAGE_ROUTES = ["chat", "embeddings", "search", "ask", "ingest", "other", "proxy"] as const satisfies readonly UsageRoute[];

/** `hit`: an exact cache (edge); `semantic`: a similar question already answered. */
export type CacheResult = "miss" | "hit" | "semantic";

export type CallOutcome = "ok" | "error" | "rejected" | "cancelled";

export interface UsageRecord {
  /** Epoch milliseconds of the call. */
  at: number;
  tenantId: string;
  userId: string;
  route: UsageRoute;
  /** `none`: answered without a model (cache hit, nothing to answer from, non-AI route). */
  provider: Provider | "none";
  /** "" when no model ran. */
  model: string;
  /** The experiment variant that chose the model, as "experiment/variant"; "" when none. */
  variant: string;
  inputTokens: number;
  outputTokens: number;
  neurons: number;
  /** List price, before Workers AI's free daily Neurons. */
  usd: number;
  cache: CacheResult;
  latencyMs: number;
  outcome: CallOutcome;
  /**
   * 1 for the call that stands for its request (an ask's answer, a search's
   * query embedding), 0 for the calls behind it (an ask's query embedding, a
   * rerank): requests are counted once, calls each time.
   */
  requests: 0 | 1;
  /** Pages ingested (ingest only). */
  pages: number;
}

/** Fields a caller does not have to set for a plain successful call. */
export function usageRecord(
  fields: Pick<UsageRecord, "tenantId" | "userId" | "route" | "provider" | "model"> & Partial<UsageRecord>,
): UsageRecord {
  return {
    at: Date.now(),
    variant: "",
    inputTokens: 0,
    outputTokens: 0,
    neurons: 0,
    usd: 0,
    cache: "miss",
    latencyMs: 0,
    outcome: "ok",
    requests: 1,
    pages: 0,
    ...fields,
  };
}
