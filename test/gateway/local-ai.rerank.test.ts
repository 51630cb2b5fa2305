// The local stand-in for @cf/baai/bge-reranker-base (local-services/rerank.ts),
// called through `env.AI` as the gateway's reranker does: relevance in [0, 1]
// from lexical overlap, in the real model's input and output shapes.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { POISON_PILL } from "../fixtures/poison";
import { settled } from "../helpers/local-ai";

const RERANKER = "@cf/baai/bge-reranker-base";

const Output = z.object({ response: z.array(z.object({ id: z.number().int(), score: z.number() }).strict()) }).strict();

async function rerank(query: string, texts: string[], topK?: number) {
  // workers-types leaves `query` out of this model's input type; the model requires it.
  const input = { query, contexts: texts.map((text) => ({ text })), ...(topK === undefined ? {} : { top_k: topK }) } as Ai_Cf_Baai_Bge_Reranker_Base_Input;
  return Output.parse(await env.AI.run(RERANKER, input)).response;
}

/** The model name typed as a plain string reaches the binding's catch-all overload. */
const run = (model: string, inputs: Record<string, unknown>) => env.AI.run(model, inputs);

const CONTEXTS = [
  "The weather in Lisbon is sunny this week.",
  "To reset your password, open the account settings page.",
  "Cats sleep for most of the day.",
  "Password resets are handled in settings.",
];

describe("local reranker: ranking", () => {
  it("ranks contexts sharing the query's content words above those that share none", async () => {
    const ranked = await rerank("How do I reset my password?", CONTEXTS);
    expect(ranked.map(({ id }) => id).slice(0, 2).sort()).toEqual([1, 3]);
    expect(ranked.map(({ id }) => id).slice(2).sort()).toEqual([0, 2]);
    const scores = ranked.map(({ score }) => score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it("returns ids that index into contexts, one per context, with scores in [0, 1]", async () => {
    const ranked = await rerank("password settings", CONTEXTS);
    expect(ranked.map(({ id }) => id).sort()).toEqual([0, 1, 2, 3]);
    for (const { score } of ranked) {
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(1);
    }
  });

  it("scores full coverage near 1, partial coverage between, and no overlap near 0", async () => {
    const ranked = await rerank("green tea temperature", [
      "Green tea is brewed at a lower temperature than black tea.",
      "Green paint dries overnight.",
      "The train leaves at noon.",
    ]);
    const score = (id: number) => ranked.find((item) => item.id === id)?.score ?? Number.NaN;
    expect(score(0)).toBeGreaterThan(0.9);
    expect(score(1)).toBeGreaterThan(score(2));
    expect(score(1)).toBeLessThan(score(0));
    expect(score(2)).toBeLessThan(0.01);
  });

  it("matches word forms through stemming", async () => {
    const ranked = await rerank("embedding documents", ["We embedded one document.", "Spreadsheets are parsed nightly."]);
    expect(ranked[0]?.id).toBe(0);
    expect(ranked[0]?.score ?? 0).toBeGreaterThan(0.5);
  });

  it("limits the result to top_k, best first", async () => {
    const all = await rerank("How do I reset my password?", CONTEXTS);
    const top = await rerank("How do I reset my password?", CONTEXTS, 2);
    expect(top).toEqual(all.slice(0, 2));
    await expect(rerank("How do I reset my password?", CONTEXTS, 10)).resolves.toHaveLength(4);
  });

  it("is deterministic", async () => {
    await expect(rerank("reset password", CONTEXTS)).resolves.toEqual(await rerank("reset password", CONTEXTS));
  });
});

describe("local reranker: input errors look like Workers AI's", () => {
  it.each([
    ["no query", { contexts: [{ text: "a" }] }],
    ["an empty query", { query: "", contexts: [{ text: "a" }] }],
    ["a non-string query", { query: 7, contexts: [{ text: "a" }] }],
    ["no contexts", { query: "q" }],
    ["contexts that are not an array", { query: "q", contexts: "a" }],
    ["empty contexts", { query: "q", contexts: [] }],
    ["a bare string as a context", { query: "q", contexts: ["a"] }],
    ["a context without text", { query: "q", contexts: [{}] }],
    ["an empty context text", { query: "q", contexts: [{ text: "" }] }],
    ["top_k 0", { query: "q", contexts: [{ text: "a" }], top_k: 0 }],
    ["a fractional top_k", { query: "q", contexts: [{ text: "a" }], top_k: 1.5 }],
  ])("rejects %s with a 5006 schema error", async (_name, inputs) => {
    await expect(settled(run(RERANKER, inputs))).rejects.toThrow(/^5006: Error: /);
  });

  it("applies LOCAL_AI_FAULTS to reranking: a context containing the poisoned text fails with 3040", async () => {
    // The gateway project's LOCAL_AI_FAULTS is "429:1@" + POISON_PILL (vitest.config.ts).
    await expect(settled(rerank("reset password", [...CONTEXTS, `chunk with ${POISON_PILL}`]))).rejects.toThrow(/^3040: /);
    await expect(settled(rerank(`query with ${POISON_PILL}`, CONTEXTS))).rejects.toThrow(/^3040: /);
  });
});
