// The spec's cost table projected from a recorded mix, on figures worked out by hand.
import { describe, expect, it } from "vitest";
import { deriveReport } from "../../../shared/usage/derive";
import { type Deployment, project } from "../../../shared/usage/projection";
import { emptySums, type RollupRow } from "../../../shared/usage/rollup";

const row = (fields: Partial<RollupRow> & Pick<RollupRow, "route" | "provider" | "model">): RollupRow => ({ tenantId: "a", hour: "2026-11-02T10", variant: "", ...emptySums(), ...fields });

describe("projection to a monthly volume", () => {
  // 1,000 requests: 100 searches on Workers AI (1 Neuron each), 10 chats on OpenAI ($0.001 each), 890 without AI.
  const report = deriveReport([
    row({ route: "search", provider: "workers-ai", model: "@cf/baai/bge-base-en-v1.5", requests: 100, calls: 100, inputTokens: 1000, neurons: 100, usd: 100 * 0.000011 }),
    row({ route: "chat", provider: "openai", model: "gpt-4o-mini", requests: 10, calls: 10, inputTokens: 10_000, outputTokens: 2_000, usd: 0.01 }),
    row({ route: "other", provider: "none", model: "", requests: 890 }),
  ]);

  const deployment: Deployment = { storedVectors: 50_000, dimensions: 768, durableObjectRequestsPerRequest: 1 };

  it("scales Neurons per day against the free allocation, OpenAI per request, and Workers by its plan", () => {
    const p = project(report, 10_000_000, deployment);
    expect(p.neuronsPerRequest).toBeCloseTo(0.1, 12);
    expect(p.neuronsPerDay).toBeCloseTo(100_000 / 3, 6);
    expect(p.edge.workersAi).toBeCloseTo((100_000 / 3 - 10_000) * 30 * 0.000011, 9);
    expect(p.edge.openai).toBeCloseTo(100, 9);
    expect(p.edge.workers).toBe(5);
    expect(p.edge.total).toBeCloseTo(5 + (100_000 / 3 - 10_000) * 30 * 0.000011 + 100 + p.edge.vectorize + p.edge.durableObjects + p.edge.kv + 20 + 10 + 5, 9);
    // Every AI request at OpenAI: 1,000 embedding tokens at $0.02/M plus the chats at gpt-4o-mini, per 1,000 requests.
    const baselinePerRequest = (1000 * 0.02e-6 + 10_000 * 0.15e-6 + 2_000 * 0.6e-6) / 1000;
    expect(p.allOpenAi.openai).toBeCloseTo(baselinePerRequest * 10_000_000, 9);
    expect(p.allOpenAi.total).toBeCloseTo(baselinePerRequest * 10_000_000 + 30 + 10 + 5, 9);
    // 890 without AI, and the searches free in the share of Neurons the allocation covers (30%).
    expect(p.freeShare).toBeCloseTo((890 + 100 * 0.3) / 1000, 12);
  });

  it("charges Workers requests beyond the ten million included", () => {
    expect(project(report, 30_000_000, deployment).edge.workers).toBeCloseTo(5 + 20 * 0.3, 12);
    expect(project(report, 1_000_000, deployment).edge.workersAi).toBe(0);
  });

  it("prices the platform lines: Vectorize by queried and stored dimensions, the gate's Durable Object requests, KV reads and writes, each beyond its allowance", () => {
    // 10M requests: 1M searches, each one Vectorize query and one cache look-up, all answered fresh.
    const p = project(report, 10_000_000, deployment);
    expect(p.platform).toEqual({ vectorQueries: 1_000_000, durableObjectRequests: 10_000_000, kvReads: 1_000_000, kvWrites: 1_000_000 });
    // Queried: (1M + 50k) x 768 = 806.4M, 50M included, $0.01/M; stored 38.4M, 10M included, $0.05 per 100M.
    expect(p.edge.vectorize).toBeCloseTo(756.4 * 0.01 + 0.284 * 0.05, 9);
    // 10M gate admissions, 1M included, $0.15/M.
    expect(p.edge.durableObjects).toBeCloseTo(9 * 0.15, 9);
    // 1M reads (10M included) and 1M writes (1M included).
    expect(p.edge.kv).toBe(0);
    const big = project(report, 30_000_000, deployment);
    expect(big.edge.kv).toBeCloseTo(2 * 5, 9);
    expect(big.edge.vectorize).toBeCloseTo(((3_050_000 * 768 - 50e6) / 1e6) * 0.01 + 0.284 * 0.05, 9);
    // The all-OpenAI stack has none of these.
    expect(big.allOpenAi.vectorize + big.allOpenAi.durableObjects + big.allOpenAi.kv).toBe(0);
  });
});
