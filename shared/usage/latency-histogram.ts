// Latency of successful requests as counts in fixed buckets, so it can be
// summed like every other rollup field and still give percentiles. A
// percentile read off the histogram is a bucket, not a value: it is reported
// as the bucket's bound ("<=400" ms, or ">25600" for the last, open bucket).

/** Upper bounds (inclusive, ms) of the buckets; one more, open bucket holds everything slower. */
export const LATENCY_BOUNDS_MS = [50, 100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600] as const;

export const LATENCY_BUCKETS = LATENCY_BOUNDS_MS.length + 1;

/** Counts per bucket, LATENCY_BUCKETS long. Never mutated once made: sums make new arrays. */
export type LatencyHistogram = readonly number[];

export const emptyHistogram = (): LatencyHistogram => Array<number>(LATENCY_BUCKETS).fill(0);

export function bucketOf(latencyMs: number): number {
  const index = LATENCY_BOUNDS_MS.findIndex((bound) => latencyMs <= bound);
  return index === -1 ? LATENCY_BOUNDS_MS.length : index;
}

export function histogramOf(latencyMs: number): LatencyHistogram {
  const bucket = bucketOf(latencyMs);
  return emptyHistogram().map((_, i) => (i === bucket ? 1 : 0));
}

export const addHistograms = (a: LatencyHistogram, b: LatencyHistogram): LatencyHistogram => emptyHistogram().map((_, i) => (a[i] ?? 0) + (b[i] ?? 0));

/** "<=50" ... "<=25600", ">25600". */
export function bucketLabel(bucket: number): string {
  const bound = LATENCY_BOUNDS_MS[bucket];
  return bound === undefined ? `>${LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1]}` : `<=${bound}`;
}

/** The bucket holding the nearest-rank p-th percentile (0 < p <= 1) as its label; null for an empty histogram. */
export function percentileBucket(histogram: LatencyHistogram, p: number): string | null {
  const total = histogram.reduce((sum, n) => sum + n, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (let bucket = 0; bucket < histogram.length; bucket++) {
    seen += histogram[bucket] ?? 0;
    if (seen >= rank) return bucketLabel(bucket);
  }
  return bucketLabel(histogram.length - 1);
}

/** The D1 column of each bucket (migrations/0006): latency_le_50 ... latency_le_25600, latency_over_25600. */
export const HISTOGRAM_COLUMNS: readonly string[] = [...LATENCY_BOUNDS_MS.map((b) => `latency_le_${b}`), `latency_over_${LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1]}`];
