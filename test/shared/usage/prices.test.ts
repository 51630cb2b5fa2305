// The price table and the cost of a call, on figures worked out by hand from the published prices.
import { describe, expect, it } from "vitest";
import { baselineUsd, costOf } from "../../../shared/usage/cost";
import { FREE_NEURONS_PER_DAY, MODEL_PRICES, USD_PER_NEURON } from "../../../shared/usage/prices";

describe("prices", () => {
  it("charges Workers AI in Neurons at $0.011 per 1,000", () => {
    expect(USD_PER_NEURON).toBeCloseTo(0.000011, 12);
    expect(FREE_NEURONS_PER_DAY).toBe(10_000);
    // bge-base: 6,058 Neurons per million input tokens.
    const embedding = costOf("workers-ai", "@cf/baai/bge-base-en-v1.5", { inputTokens: 1_000_000, outputTokens: 0 });
    expect(embedding.neurons).toBeCloseTo(6058, 6);
    expect(embedding.usd).toBeCloseTo(0.066638, 9);
    // llama-3.3-70b: 26,668 in + 204,805 out per million; 2,000 in and 500 out.
    const chat = costOf("workers-ai", "@cf/meta/llama-3.3-70b-instruct-fp8-fast", { inputTokens: 2000, outputTokens: 500 });
    expect(chat.neurons).toBeCloseTo(2000 * 0.026668 + 500 * 0.204805, 9);
    expect(chat.usd).toBeCloseTo(chat.neurons * 0.000011, 12);
  });

  it("charges OpenAI in dollars per million tokens, with no Neurons", () => {
    const call = costOf("openai", "gpt-4o-mini", { inputTokens: 1_000_000, outputTokens: 1_000_000 });
    expect(call).toEqual({ neurons: 0, usd: 0.75 });
    expect(baselineUsd("embedding", { inputTokens: 1_000_000, outputTokens: 0 })).toBeCloseTo(0.02, 12);
    expect(baselineUsd("chat", { inputTokens: 1000, outputTokens: 1000 })).toBeCloseTo(0.00075, 12);
  });

  it("never prices an unknown model as free: it costs what the provider's dearest common model does", () => {
    const unknown = costOf("workers-ai", "@cf/someone/new-model", { inputTokens: 1000, outputTokens: 1000 });
    const dearest = costOf("workers-ai", "@cf/meta/llama-3.3-70b-instruct-fp8-fast", { inputTokens: 1000, outputTokens: 1000 });
    expect(unknown).toEqual(dearest);
    expect(costOf("openai", "gpt-99", { inputTokens: 1000, outputTokens: 0 }).usd).toBeGreaterThan(0);
    // A Workers AI name billed as OpenAI (or the reverse) is not taken from the wrong row.
    expect(costOf("openai", "@cf/baai/bge-base-en-v1.5", { inputTokens: 1000, outputTokens: 0 }).neurons).toBe(0);
  });

  it("prices every model of the table with non-negative figures for its provider", () => {
    for (const [model, price] of Object.entries(MODEL_PRICES)) {
      expect(price.perMillionInput, model).toBeGreaterThan(0);
      expect(price.perMillionOutput, model).toBeGreaterThanOrEqual(0);
      expect(model.startsWith("@cf/"), model).toBe(price.provider === "workers-ai");
    }
  });
});
