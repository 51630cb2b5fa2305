// The latency histogram on known inputs: which bucket a latency falls in,
// nearest-rank percentiles read off the counts, and summing through rollups
// (only successful requests are counted).
import { describe, expect, it } from "vitest";
import { bucketLabel, bucketOf, emptyHistogram, LATENCY_BUCKETS, percentileBucket } from "../../../shared/usage/latency-histogram";
import { usageRecord } from "../../../shared/usage/record";
import { RollupAccumulator } from "../../../shared/usage/rollup";

const histogram = (counts: Record<number, number>) => emptyHistogram().map((_, i) => counts[i] ?? 0);

describe("latency histogram", () => {
  it("puts a latency in the first bucket whose bound it does not exceed; the last bucket is open", () => {
    expect([0, 50, 51, 100, 400, 401, 25_600, 25_601, 1e9].map(bucketOf)).toEqual([0, 0, 1, 1, 3, 4, 9, 10, 10]);
    expect(LATENCY_BUCKETS).toBe(11);
    expect([0, 3, 9, 10].map(bucketLabel)).toEqual(["<=50", "<=400", "<=25600", ">25600"]);
  });

  it("reads nearest-rank percentiles as the bucket holding that rank", () => {
    // 20 requests: 10 at <=200, 5 at <=800, 5 over 25.6 s. Rank 10 (p50) is the last of the first group;
    // rank 11 (p55) the first of the second; rank 19 (p95) in the open bucket.
    const h = histogram({ 2: 10, 4: 5, 10: 5 });
    expect(percentileBucket(h, 0.5)).toBe("<=200");
    expect(percentileBucket(h, 0.55)).toBe("<=800");
    expect(percentileBucket(h, 0.75)).toBe("<=800");
    expect(percentileBucket(h, 0.76)).toBe(">25600");
    expect(percentileBucket(h, 0.95)).toBe(">25600");
    expect(percentileBucket(histogram({ 5: 1 }), 0.5)).toBe("<=1600");
    expect(percentileBucket(emptyHistogram(), 0.5)).toBeNull();
  });

  it("is summed by the rollups, counting successful requests only", () => {
    const rollups = new RollupAccumulator();
    const at = Date.parse("2026-11-29T10:15:00Z");
    const base = { at, tenantId: "t", userId: "u", route: "chat", provider: "workers-ai", model: "m", variant: "exp/a" } as const;
    for (const latencyMs of [10, 60, 60, 300]) rollups.add(usageRecord({ ...base, latencyMs }));
    rollups.add(usageRecord({ ...base, latencyMs: 70, outcome: "error" }));
    rollups.add(usageRecord({ ...base, latencyMs: 80, requests: 0 }));
    const [row, ...rest] = rollups.drain();
    expect(rest).toEqual([]);
    expect(row?.requests).toBe(5);
    expect(row?.latencyHistogram).toEqual(histogram({ 0: 1, 1: 2, 3: 1 }));
  });
});
