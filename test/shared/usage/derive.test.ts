// The report's arithmetic on rollups whose figures are worked out by hand.
import { describe, expect, it } from "vitest";
import { deriveReport, freeFraction, neuronsByDay } from "../../../shared/usage/derive";
import { emptySums, type RollupRow } from "../../../shared/usage/rollup";

const LLAMA = "@cf/meta/llama-3.3-70b-instruct-fp8-fast";
const BGE = "@cf/baai/bge-base-en-v1.5";
const USD_PER_NEURON = 0.000011;

function row(fields: Partial<RollupRow> & Pick<RollupRow, "hour" | "route" | "provider" | "model">): RollupRow {
  const base: RollupRow = { tenantId: "a", variant: "", ...emptySums(), ...fields };
  if (base.provider === "workers-ai" && base.usd === 0) base.usd = base.neurons * USD_PER_NEURON;
  return base;
}

// Day 1 stays within the free 10,000 Neurons; day 2 goes over.
const day1Llama = 20_000 * 0.026668 + 2_000 * 0.204805; // 942.97
const day2Llama = 400_000 * 0.026668 + 20_000 * 0.204805; // 14,763.3
const rows: RollupRow[] = [
  row({ hour: "2026-11-02T09", route: "ask", provider: "workers-ai", model: LLAMA, requests: 10, calls: 10, inputTokens: 20_000, outputTokens: 2_000, neurons: day1Llama }),
  row({ hour: "2026-11-02T09", route: "ask", provider: "workers-ai", model: BGE, requests: 0, calls: 12, inputTokens: 120, neurons: 120 * 0.006058 }),
  row({ hour: "2026-11-02T09", route: "ask", provider: "none", model: LLAMA, requests: 2, semanticHits: 2 }),
  row({ hour: "2026-11-02T10", route: "ask", provider: "none", model: "", requests: 3 }),
  row({ hour: "2026-11-02T10", route: "search", provider: "workers-ai", model: BGE, requests: 20, calls: 20, inputTokens: 200, neurons: 200 * 0.006058 }),
  row({ hour: "2026-11-02T10", route: "search", provider: "none", model: "", requests: 5, cacheHits: 5 }),
  row({ hour: "2026-11-02T11", route: "chat", provider: "openai", model: "gpt-4o-mini", requests: 4, calls: 4, inputTokens: 4_000, outputTokens: 1_000, usd: 0.0012 }),
  row({ hour: "2026-11-02T11", route: "other", provider: "none", model: "", requests: 50 }),
  row({ hour: "2026-11-02T11", route: "proxy", provider: "none", model: "", requests: 30, rejected: 2 }),
  row({ hour: "2026-11-02T12", route: "ingest", provider: "workers-ai", model: BGE, requests: 2, calls: 3, pages: 10, inputTokens: 50_000, neurons: 50_000 * 0.006058 }),
  row({ hour: "2026-11-03T08", route: "ask", provider: "workers-ai", model: LLAMA, requests: 100, calls: 100, inputTokens: 400_000, outputTokens: 20_000, neurons: day2Llama }),
];

describe("the usage report", () => {
  const report = deriveReport(rows);
  const f2 = 10_000 / day2Llama;

  it("applies the free daily Neurons per day, account-wide", () => {
    const days = neuronsByDay(rows);
    expect(days.get("2026-11-02")).toBeCloseTo(day1Llama + 120 * 0.006058 + 200 * 0.006058 + 50_000 * 0.006058, 9);
    expect(days.get("2026-11-03")).toBeCloseTo(day2Llama, 9);
    expect(freeFraction(9_999)).toBe(1);
    expect(freeFraction(20_000)).toBe(0.5);
    expect(report.neurons.billable).toBeCloseTo(day2Llama - 10_000, 6);
    expect(report.usd.workersAi).toBeCloseTo((day2Llama - 10_000) * USD_PER_NEURON, 12);
    expect(report.usd.openai).toBeCloseTo(0.0012, 12);
    expect(report.usd.billed).toBeCloseTo(0.0012 + (day2Llama - 10_000) * USD_PER_NEURON, 12);
  });

  it("counts requests by where they were served", () => {
    expect(report.requests.servedBy.cache).toBe(7);
    expect(report.requests.servedBy.noModel).toBe(3);
    expect(report.requests.servedBy.workersAiFree).toBeCloseTo(10 + 20 + 100 * f2, 9);
    expect(report.requests.servedBy.workersAiPaid).toBeCloseTo(100 * (1 - f2), 9);
    expect(report.requests.servedBy.openai).toBe(4);
    expect(report.requests.servedBy.other).toBe(50);
    expect(report.requests.servedBy.backend).toBe(30);
    expect(report.requests.ai).toBeCloseTo(144, 9);
    expect(report.requests.total).toBeCloseTo(224, 9);
    expect(report.requests.questions).toBe(115);
    expect(report.ingest).toEqual({ ingestions: 2, pages: 10, usd: 0 });
  });

  it("derives the shares and unit costs", () => {
    const billed = 0.0012 + (day2Llama - 10_000) * USD_PER_NEURON;
    // Requests the backend served are not on the free tier: only the edge's own are.
    expect(report.freeShare).toBeCloseTo((7 + 3 + 30 + 100 * f2 + 50) / 224, 12);
    expect(report.aiFreeShare).toBeCloseTo((7 + 3 + 30 + 100 * f2) / 144, 12);
    expect(report.cacheHitRate).toBeCloseTo(7 / 144, 12);
    expect(report.usdPer1kRequests).toBeCloseTo((billed / 224) * 1000, 12);
    expect(report.usdPer1kQuestions).toBeCloseTo((((day2Llama - 10_000) * USD_PER_NEURON) / 115) * 1000, 12);
    expect(report.usdPerIngestedPage).toBe(0);
  });

  it("prices the all-OpenAI baseline from the recorded tokens, cache hits at the route's average", () => {
    const askTokens = 20_000 * 0.15e-6 + 2_000 * 0.6e-6 + 120 * 0.02e-6 + 400_000 * 0.15e-6 + 20_000 * 0.6e-6;
    const ask = askTokens + 2 * (askTokens / 113);
    const search = 200 * 0.02e-6 + 5 * ((200 * 0.02e-6) / 20);
    const chat = 4_000 * 0.15e-6 + 1_000 * 0.6e-6;
    const ingest = 50_000 * 0.02e-6;
    const baseline = ask + search + chat + ingest;
    expect(report.baseline.usd).toBeCloseTo(baseline, 12);
    const billed = 0.0012 + (day2Llama - 10_000) * USD_PER_NEURON;
    expect(report.baseline.savingsUsd).toBeCloseTo(baseline - billed, 12);
    expect(report.baseline.savingsShare).toBeCloseTo((baseline - billed) / baseline, 12);
  });

  it("decides what was free from the account's Neurons, not the rows reported on", () => {
    // Tenant b's few Neurons on day 2 were not free: the account was over the allocation.
    const tenantB = [row({ tenantId: "b", hour: "2026-11-03T09", route: "search", provider: "workers-ai", model: BGE, requests: 1, calls: 1, inputTokens: 10, neurons: 100 })];
    const alone = deriveReport(tenantB);
    const inAccount = deriveReport(tenantB, neuronsByDay([...rows, ...tenantB]));
    expect(alone.usd.billed).toBe(0);
    const f = 10_000 / (day2Llama + 100);
    expect(inAccount.usd.billed).toBeCloseTo(100 * USD_PER_NEURON * (1 - f), 12);
    expect(inAccount.requests.servedBy.workersAiPaid).toBeCloseTo(1 - f, 12);
  });

  it("answers an empty range with zeros, not NaN", () => {
    const empty = deriveReport([]);
    expect(empty.freeShare).toBe(0);
    expect(empty.usdPer1kRequests).toBe(0);
    expect(empty.usdPer1kQuestions).toBeNull();
    expect(empty.usdPerIngestedPage).toBeNull();
    expect(empty.baseline.savingsShare).toBeNull();
  });
});

describe("what the platform was asked for", () => {
  it("counts a Vectorize query per query embedding of a search or question, less semantic hits; cache reads per search or question, stores per fresh answer", () => {
    const p = deriveReport(rows).platform;
    // Embedding calls: ask 12 + search 20 (ingest and chat query nothing); the 2 semantic hits queried nothing.
    expect(p.vectorQueries).toBe(12 + 20 - 2);
    // Searches and questions: ask 10 + 2 + 3 + 100, search 20 + 5.
    expect(p.cacheable).toBe(140);
    // Less the 5 exact hits and the 2 semantic hits.
    expect(p.cacheStores).toBe(133);
  });
});
