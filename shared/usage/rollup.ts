// Usage summed per tenant, hour, route, provider, model and variant: the unit
// that is written to D1. Summing is associative, so partial rollups (a
// tenant's minute, an ingestion) merge into the stored rows by addition.
import { addHistograms, emptyHistogram, histogramOf, type LatencyHistogram } from "./latency-histogram";
import type { UsageRecord, UsageRoute } from "./record";

export interface RollupKey {
  tenantId: string;
  /** UTC hour, "YYYY-MM-DDTHH". */
  hour: string;
  route: UsageRoute;
  provider: UsageRecord["provider"];
  model: string;
  variant: string;
}

export interface RollupSums {
  requests: number;
  calls: number;
  cacheHits: number;
  semanticHits: number;
  errors: number;
  rejected: number;
  inputTokens: number;
  outputTokens: number;
  neurons: number;
  usd: number;
  latencyMs: number;
  pages: number;
  /** Successful requests (requests: 1, outcome ok) by latency bucket (latency-histogram.ts). */
  latencyHistogram: LatencyHistogram;
}

export type RollupRow = RollupKey & RollupSums;

export const emptySums = (): RollupSums => ({
  requests: 0,
  calls: 0,
  cacheHits: 0,
  semanticHits: 0,
  errors: 0,
  rejected: 0,
  inputTokens: 0,
  outputTokens: 0,
  neurons: 0,
  usd: 0,
  latencyMs: 0,
  pages: 0,
  latencyHistogram: emptyHistogram(),
});

export const hourOf = (epochMs: number): string => new Date(epochMs).toISOString().slice(0, 13);

type CountField = Exclude<keyof RollupSums, "latencyHistogram">;
const COUNT_FIELDS = Object.keys(emptySums()).filter((f): f is CountField => f !== "latencyHistogram");

export function addSums(into: RollupSums, from: RollupSums): void {
  for (const field of COUNT_FIELDS) into[field] += from[field];
  // A new array: rows copied with a spread share theirs.
  into.latencyHistogram = addHistograms(into.latencyHistogram, from.latencyHistogram);
}

/** `timed`: false for a record whose latency is not known (counted at admission): it stays out of the histogram. */
export function sumsOf(record: UsageRecord, timed = true): RollupSums {
  return {
    requests: record.requests,
    // A request answered without a model made no call.
    calls: record.provider === "none" ? 0 : 1,
    cacheHits: record.cache === "hit" ? 1 : 0,
    semanticHits: record.cache === "semantic" ? 1 : 0,
    errors: record.outcome === "error" ? 1 : 0,
    rejected: record.outcome === "rejected" ? 1 : 0,
    inputTokens: record.inputTokens,
    outputTokens: record.outputTokens,
    neurons: record.neurons,
    usd: record.usd,
    latencyMs: record.latencyMs,
    pages: record.pages,
    latencyHistogram: timed && record.requests === 1 && record.outcome === "ok" ? histogramOf(record.latencyMs) : emptyHistogram(),
  };
}

/** Sums records in memory; `drain()` hands the rows over and starts again. */
export class RollupAccumulator {
  private rows = new Map<string, RollupRow>();

  add(record: UsageRecord, timed = true): void {
    const key: RollupKey = {
      tenantId: record.tenantId,
      hour: hourOf(record.at),
      route: record.route,
      provider: record.provider,
      model: record.model,
      variant: record.variant,
    };
    this.merge({ ...key, ...sumsOf(record, timed) });
  }

  merge(row: RollupRow): void {
    const id = [row.tenantId, row.hour, row.route, row.provider, row.model, row.variant].join("\u0000");
    const existing = this.rows.get(id);
    if (existing) addSums(existing, row);
    else this.rows.set(id, { ...row });
  }

  get size(): number {
    return this.rows.size;
  }

  peek(): RollupRow[] {
    return [...this.rows.values()].map((row) => ({ ...row }));
  }

  drain(): RollupRow[] {
    const rows = [...this.rows.values()];
    this.rows = new Map();
    return rows;
  }
}
