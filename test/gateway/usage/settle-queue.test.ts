// Settlements leave an isolate in one batch per tenant and window, and a
// failure to send them never reaches the request that made them.
import { describe, expect, it } from "vitest";
import { SettleQueue } from "../../../gateway/usage/settle-queue";
import type { Settlement } from "../../../gateway/usage/tenant-usage";

const settlement = (usd: number): Settlement => ({ actual: { usd, neurons: 0, tokens: 0 }, records: [] });

describe("settle queue", () => {
  it("sends one batch per tenant for the settlements of one window", async () => {
    const sent: { tenant: string; usd: number[] }[] = [];
    const queue = new SettleQueue(async (tenant, batch) => {
      sent.push({ tenant, usd: batch.map((s) => s.actual.usd) });
    }, 20);
    await Promise.all([queue.enqueue("a", settlement(1)), queue.enqueue("b", settlement(2)), queue.enqueue("a", settlement(3)), queue.enqueue("a", settlement(4))]);
    expect(sent.sort((x, y) => x.tenant.localeCompare(y.tenant))).toEqual([
      { tenant: "a", usd: [1, 3, 4] },
      { tenant: "b", usd: [2] },
    ]);
    await queue.enqueue("a", settlement(5));
    expect(sent.at(-1)).toEqual({ tenant: "a", usd: [5] });
  });

  it("resolves, never rejects, when the batch cannot be sent", async () => {
    const queue = new SettleQueue(async () => {
      throw new Error("gate unreachable");
    }, 5);
    await expect(Promise.all([queue.enqueue("a", settlement(1)), queue.enqueue("a", settlement(2))])).resolves.toEqual([undefined, undefined]);
  });
});

describe("settle queue handoff to an admission call", () => {
  it("hands every waiting settlement to the tenant's next admission, and its fallback then sends nothing", async () => {
    const sent: number[][] = [];
    const queue = new SettleQueue(async (_, batch) => {
      sent.push(batch.map((s) => s.actual.usd));
    }, 20);
    const waiting = [queue.enqueue("a", settlement(1)), queue.enqueue("a", settlement(2))];
    const handoff = queue.take("a");
    expect(handoff?.settlements.map((s) => s.actual.usd)).toEqual([1, 2]);
    expect(queue.take("a")).toBeUndefined();
    await Promise.all(waiting);
    await queue.enqueue("b", settlement(3));
    // Only b's fallback went: a's batch had already been carried.
    expect(sent).toEqual([[3]]);
  });

  it("sends what a failed admission carried by the fallback instead", async () => {
    const sent: number[][] = [];
    const queue = new SettleQueue(async (_, batch) => {
      sent.push(batch.map((s) => s.actual.usd));
    }, 20);
    const waiting = queue.enqueue("a", settlement(1));
    const handoff = queue.take("a");
    if (!handoff) throw new Error("nothing handed over");
    await Promise.all([waiting, handoff.failed()]);
    expect(sent).toEqual([[1]]);
  });
});
