// The budget ledger on its own: windows, Retry-After at the window's end,
// settlement replacing estimates, and reservations that are never settled.
import { describe, expect, it } from "vitest";
import { BudgetLedger } from "../../../gateway/usage/budget-ledger";
import { PlanLimits, parseUsageConfig, planLimits } from "../../../gateway/usage/config";

const limits = (fields: Partial<PlanLimits>) => PlanLimits.parse(fields);
const NOON = Date.parse("2026-11-29T12:00:00Z");
const cents = (n: number) => ({ usd: n / 100, neurons: 0, tokens: 0 });

describe("budget ledger", () => {
  it("admits up to the daily budget and refuses with Retry-After at the next UTC midnight", () => {
    const ledger = new BudgetLedger();
    const plan = limits({ dailyUsd: 0.05 });
    for (let i = 0; i < 5; i++) expect(ledger.reserve(plan, cents(1), NOON).ok).toBe(true);
    const refused = ledger.reserve(plan, cents(1), NOON);
    expect(refused).toEqual({ ok: false, code: "budget_exceeded", limit: "dailyUsd", retryAfterSeconds: 12 * 3600 });
    // The next day starts empty.
    expect(ledger.reserve(plan, cents(1), Date.parse("2026-11-30T00:00:00Z")).ok).toBe(true);
  });

  it("counts the month across days and resets on the first of the next month", () => {
    const ledger = new BudgetLedger();
    const plan = limits({ monthlyUsd: 0.02 });
    for (const day of ["2026-11-01", "2026-11-15"]) {
      const at = Date.parse(`${day}T10:00:00Z`);
      const r = ledger.reserve(plan, cents(1), at);
      expect(r.ok).toBe(true);
      ledger.settle(r.ok ? r.reservation : undefined, cents(1), at);
    }
    const refused = ledger.reserve(plan, cents(1), Date.parse("2026-11-30T23:59:00Z"));
    expect(refused).toMatchObject({ ok: false, code: "budget_exceeded", limit: "monthlyUsd", retryAfterSeconds: 60 });
    expect(ledger.reserve(plan, cents(1), Date.parse("2026-12-01T00:00:01Z")).ok).toBe(true);
  });

  it("limits tokens per minute with tokens_rate_limited until the minute ends", () => {
    const ledger = new BudgetLedger();
    const plan = limits({ tokensPerMinute: 1000 });
    const at = Date.parse("2026-11-29T12:00:45Z");
    expect(ledger.reserve(plan, { usd: 0, neurons: 0, tokens: 600 }, at).ok).toBe(true);
    expect(ledger.reserve(plan, { usd: 0, neurons: 0, tokens: 600 }, at)).toEqual({ ok: false, code: "tokens_rate_limited", limit: "tokensPerMinute", retryAfterSeconds: 15 });
    expect(ledger.reserve(plan, { usd: 0, neurons: 0, tokens: 600 }, at + 15_000).ok).toBe(true);
  });

  it("budgets Neurons as well as dollars", () => {
    const ledger = new BudgetLedger();
    const plan = limits({ dailyNeurons: 100 });
    expect(ledger.reserve(plan, { usd: 0, neurons: 60, tokens: 0 }, NOON).ok).toBe(true);
    expect(ledger.reserve(plan, { usd: 0, neurons: 60, tokens: 0 }, NOON)).toMatchObject({ ok: false, code: "budget_exceeded", limit: "dailyNeurons" });
  });

  it("settles a reservation at what was really used, freeing the rest of the estimate", () => {
    const ledger = new BudgetLedger();
    const plan = limits({ dailyUsd: 0.1 });
    const big = ledger.reserve(plan, cents(8), NOON);
    expect(big.ok).toBe(true);
    expect(ledger.reserve(plan, cents(5), NOON).ok).toBe(false);
    ledger.settle(big.ok ? big.reservation : undefined, cents(2), NOON);
    expect(ledger.usage(NOON).day.nanoUsd).toBe(20_000_000);
    expect(ledger.reserve(plan, cents(5), NOON).ok).toBe(true);
    // Usage beyond the estimate counts in full: the next request sees it.
    const small = ledger.reserve(plan, cents(1), NOON);
    ledger.settle(small.ok ? small.reservation : undefined, cents(20), NOON);
    expect(ledger.reserve(plan, cents(1), NOON)).toMatchObject({ ok: false, code: "budget_exceeded" });
  });

  it("stops holding a reservation that is never settled after ten minutes", () => {
    const ledger = new BudgetLedger();
    const plan = limits({ dailyUsd: 0.01 });
    expect(ledger.reserve(plan, cents(1), NOON).ok).toBe(true);
    expect(ledger.reserve(plan, cents(1), NOON + 60_000).ok).toBe(false);
    expect(ledger.reserve(plan, cents(1), NOON + 10 * 60_000).ok).toBe(true);
  });

  it("starts from the totals it is given (a restart sums them back from the rollups)", () => {
    const plan = limits({ dailyUsd: 0.02, monthlyUsd: 0.05 });
    const restarted = new BudgetLedger([["d:2026-11-29", { nanoUsd: 20_000_000, milliNeurons: 0, tokens: 0 }]]);
    expect(restarted.reserve(plan, cents(1), NOON)).toMatchObject({ ok: false, code: "budget_exceeded", limit: "dailyUsd" });
    const month = new BudgetLedger([["m:2026-11", { nanoUsd: 50_000_000, milliNeurons: 0, tokens: 0 }]]);
    expect(month.reserve(plan, cents(1), NOON)).toMatchObject({ ok: false, code: "budget_exceeded", limit: "monthlyUsd" });
  });

  it("picks the plan's row by the `plan` claim, the default row otherwise", () => {
    const config = parseUsageConfig(JSON.stringify({ plans: { default: { dailyUsd: 1 }, pro: { dailyUsd: 50, tokensPerMinute: 10 } } }));
    expect(planLimits(config, "pro")).toMatchObject({ dailyUsd: 50, tokensPerMinute: 10 });
    expect(planLimits(config, "enterprise")).toMatchObject({ dailyUsd: 1, tokensPerMinute: null });
    expect(planLimits(config, undefined)).toMatchObject({ dailyUsd: 1 });
    expect(planLimits(config, "constructor")).toMatchObject({ dailyUsd: 1 });
    expect(() => parseUsageConfig(JSON.stringify({ plans: { pro: {} } }))).toThrow(/usage configuration/);
    expect(() => parseUsageConfig(JSON.stringify({ plans: { default: { dailyUsd: -1 } } }))).toThrow();
    expect(() => parseUsageConfig("{not json")).toThrow();
  });
});
