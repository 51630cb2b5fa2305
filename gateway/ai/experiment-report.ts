// The A/B report per experiment and variant, from aggregates only: the usage
// rollups (requests, tokens, dollars, the latency histogram; the variant is
// stored as "experiment/variant") and the feedback rows. Latency percentiles
// are buckets of the histogram, reported by their bound.
import { addHistograms, bucketLabel, emptyHistogram, HISTOGRAM_COLUMNS, LATENCY_BUCKETS, type LatencyHistogram, percentileBucket } from "../../shared/usage/latency-histogram";
import type { RollupRow } from "../../shared/usage/rollup";
import { histogramOfRow } from "../../shared/usage/rollup-store";
import { feedbackByVariant } from "./feedback-store";
import { splitVariantKey } from "./experiments";

export interface VariantReport {
  variant: string;
  requests: number;
  /** Requests that succeeded: the ones the latency histogram counts. */
  succeeded: number;
  /** Requests that did not succeed: a failure (no model served, or the model failed) or a stream its client left. */
  errors: number;
  tokens: { input: number; output: number };
  /** Dollars at list price (before Workers AI's free daily Neurons), failed attempts of a fallback included. */
  usd: number;
  /** The cost column: usd per 1,000 requests; null without requests. */
  usdPer1kRequests: number | null;
  /** Nearest-rank percentiles of successful requests as the bucket that holds them ("<=400": at most 400 ms). */
  latencyMs: { p50: string | null; p95: string | null; histogram: number[] };
  feedback: { count: number; mean: number | null };
}

export interface ExperimentReport {
  experiment: string;
  variants: VariantReport[];
}

interface VariantSums {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  usd: number;
  histogram: LatencyHistogram;
}

export interface ReportFilter {
  fromHour: string;
  /** Epoch ms of fromHour: feedback counts by the time of the request it is on. */
  since: number;
  tenantId: string | undefined;
}

/** Labels of the histogram's buckets, in order. */
export const LATENCY_BUCKET_LABELS = Array.from({ length: LATENCY_BUCKETS }, (_, i) => bucketLabel(i));

export async function experimentReport(db: D1Database, filter: ReportFilter, unflushed: readonly RollupRow[]): Promise<ExperimentReport[]> {
  const [stored, feedback] = await Promise.all([storedSums(db, filter), feedbackByVariant(db, filter)]);
  for (const row of unflushed) if (row.hour >= filter.fromHour && splitVariantKey(row.variant)) add(stored, row.variant, { ...row, histogram: row.latencyHistogram });
  const keys = new Set([...stored.keys(), ...feedback.map((f) => `${f.experiment}/${f.variant}`)]);
  const reports = new Map<string, ExperimentReport>();
  for (const key of [...keys].sort()) {
    const names = splitVariantKey(key);
    if (!names) continue;
    const sums = stored.get(key) ?? { requests: 0, inputTokens: 0, outputTokens: 0, usd: 0, histogram: emptyHistogram() };
    const fb = feedback.find((f) => f.experiment === names.experiment && f.variant === names.variant);
    const succeeded = sums.histogram.reduce((n, c) => n + c, 0);
    const report = reports.get(names.experiment) ?? { experiment: names.experiment, variants: [] };
    report.variants.push({
      variant: names.variant,
      requests: sums.requests,
      succeeded,
      errors: Math.max(0, sums.requests - succeeded),
      tokens: { input: sums.inputTokens, output: sums.outputTokens },
      usd: nanoUsd(sums.usd),
      usdPer1kRequests: sums.requests > 0 ? nanoUsd((sums.usd / sums.requests) * 1000) : null,
      latencyMs: { p50: percentileBucket(sums.histogram, 0.5), p95: percentileBucket(sums.histogram, 0.95), histogram: [...sums.histogram] },
      feedback: { count: fb?.count ?? 0, mean: fb && fb.count > 0 ? fb.sum / fb.count : null },
    });
    reports.set(names.experiment, report);
  }
  return [...reports.values()];
}

/** Dollars to the nano-dollar: the sums of float prices carry noise below that. */
const nanoUsd = (usd: number) => Math.round(usd * 1e9) / 1e9;

function add(into: Map<string, VariantSums>, key: string, sums: VariantSums): void {
  const existing = into.get(key);
  into.set(key, {
    requests: (existing?.requests ?? 0) + sums.requests,
    inputTokens: (existing?.inputTokens ?? 0) + sums.inputTokens,
    outputTokens: (existing?.outputTokens ?? 0) + sums.outputTokens,
    usd: (existing?.usd ?? 0) + sums.usd,
    histogram: addHistograms(existing?.histogram ?? emptyHistogram(), sums.histogram),
  });
}

interface StoredSums {
  variant: string;
  requests: number;
  input_tokens: number;
  output_tokens: number;
  usd: number;
  [histogramColumn: string]: string | number;
}

/** Summed in D1 per variant key; rows written before variants carried their experiment (no "/") are left out. */
async function storedSums(db: D1Database, filter: ReportFilter): Promise<Map<string, VariantSums>> {
  const histogram = HISTOGRAM_COLUMNS.map((c) => `SUM(${c}) AS ${c}`).join(", ");
  const select = `SELECT variant, SUM(requests) AS requests, SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens, SUM(usd) AS usd, ${histogram} FROM usage_rollups`;
  // One tenant's rows are found by the primary key (tenant_id first); all tenants' by a scan.
  const statement =
    filter.tenantId === undefined
      ? db.prepare(`${select} WHERE hour >= ? AND variant LIKE '%_/_%' GROUP BY variant`).bind(filter.fromHour)
      : db.prepare(`${select} WHERE tenant_id = ? AND hour >= ? AND variant LIKE '%_/_%' GROUP BY variant`).bind(filter.tenantId, filter.fromHour);
  const { results } = await statement.all<StoredSums>();
  const sums = new Map<string, VariantSums>();
  for (const r of results) add(sums, r.variant, { requests: r.requests, inputTokens: r.input_tokens, outputTokens: r.output_tokens, usd: r.usd, histogram: histogramOfRow(r) });
  return sums;
}
