// What AI calls cost: one table, with where each figure comes from and when it
// was read. Workers AI bills Neurons; OpenAI bills dollars per million tokens.
// Figures are list prices; Workers AI's free daily Neurons are applied where
// spend is summed per day (shared/usage-derive.ts), never per call.

/** When the figures below were last checked against their sources. */
export const PRICES_CHECKED_ON = "2026-11-29";

export const SOURCES = {
  workersAi: "https://developers.cloudflare.com/workers-ai/platform/pricing/ (model pages for models launched later)",
  openAi: "https://openai.com/api/pricing/",
} as const;

/** Workers AI: $0.011 per 1,000 Neurons beyond the free allocation (Workers Paid). */
export const USD_PER_NEURON = 0.011 / 1000;
/** Workers AI's free allocation per account, reset daily at 00:00 UTC. */
export const FREE_NEURONS_PER_DAY = 10_000;

export type Provider = "workers-ai" | "openai";

export interface ModelPrice {
  provider: Provider;
  kind: "chat" | "embedding" | "rerank";
  /** Neurons per million tokens (Workers AI) or dollars per million tokens (OpenAI). */
  perMillionInput: number;
  perMillionOutput: number;
  /** Where the figure comes from when not the provider's main pricing page. */
  note?: string;
}

// Workers AI models published in dollars only are converted at $0.011 per 1,000 Neurons.
const neurons = (usdPerMillion: number): number => Math.round(usdPerMillion / USD_PER_NEURON);

export const MODEL_PRICES: Readonly<Record<string, ModelPrice>> = {
  // Workers AI text generation (Neurons per million tokens).
  "@cf/meta/llama-3.3-70b-instruct-fp8-fast": { provider: "workers-ai", kind: "chat", perMillionInput: 26_668, perMillionOutput: 204_805 },
  "@cf/meta/llama-3.1-8b-instruct-fp8-fast": { provider: "workers-ai", kind: "chat", perMillionInput: 4_119, perMillionOutput: 34_868 },
  "@cf/meta/llama-3.1-8b-instruct-fast": {
    provider: "workers-ai",
    kind: "chat",
    perMillionInput: 4_119,
    perMillionOutput: 34_868,
    note: "not listed separately; priced as llama-3.1-8b-instruct-fp8-fast",
  },
  "@cf/meta/llama-3.1-8b-instruct-fp8": { provider: "workers-ai", kind: "chat", perMillionInput: 13_778, perMillionOutput: 26_128 },
  "@cf/meta/llama-3.2-3b-instruct": { provider: "workers-ai", kind: "chat", perMillionInput: 4_625, perMillionOutput: 30_475 },
  "@cf/meta/llama-3.2-1b-instruct": { provider: "workers-ai", kind: "chat", perMillionInput: 2_457, perMillionOutput: 18_252 },
  "@cf/mistralai/mistral-small-3.1-24b-instruct": { provider: "workers-ai", kind: "chat", perMillionInput: 31_876, perMillionOutput: 50_488 },
  "@cf/qwen/qwen3-30b-a3b-fp8": { provider: "workers-ai", kind: "chat", perMillionInput: 4_625, perMillionOutput: 30_475 },
  "@cf/zai-org/glm-4.7-flash": { provider: "workers-ai", kind: "chat", perMillionInput: neurons(0.0605), perMillionOutput: neurons(0.4), note: "model page: $0.0605 / $0.40 per M" },
  "@cf/google/gemma-4-26b-a4b-it": { provider: "workers-ai", kind: "chat", perMillionInput: neurons(0.1), perMillionOutput: neurons(0.3), note: "model page: $0.10 / $0.30 per M" },
  // Workers AI embeddings and reranking (input tokens only).
  "@cf/baai/bge-small-en-v1.5": { provider: "workers-ai", kind: "embedding", perMillionInput: 1_841, perMillionOutput: 0 },
  "@cf/baai/bge-base-en-v1.5": { provider: "workers-ai", kind: "embedding", perMillionInput: 6_058, perMillionOutput: 0 },
  "@cf/baai/bge-large-en-v1.5": { provider: "workers-ai", kind: "embedding", perMillionInput: 18_582, perMillionOutput: 0 },
  "@cf/baai/bge-reranker-base": { provider: "workers-ai", kind: "rerank", perMillionInput: neurons(0.003), perMillionOutput: 0, note: "$0.003 per M input tokens" },
  // OpenAI (dollars per million tokens, standard tier).
  "gpt-4o-mini": { provider: "openai", kind: "chat", perMillionInput: 0.15, perMillionOutput: 0.6 },
  "gpt-4o": { provider: "openai", kind: "chat", perMillionInput: 2.5, perMillionOutput: 10 },
  "gpt-4.1": { provider: "openai", kind: "chat", perMillionInput: 2, perMillionOutput: 8 },
  "gpt-4.1-mini": { provider: "openai", kind: "chat", perMillionInput: 0.4, perMillionOutput: 1.6 },
  "gpt-4.1-nano": { provider: "openai", kind: "chat", perMillionInput: 0.1, perMillionOutput: 0.4 },
  "gpt-3.5-turbo": { provider: "openai", kind: "chat", perMillionInput: 0.5, perMillionOutput: 1.5 },
  "text-embedding-3-small": { provider: "openai", kind: "embedding", perMillionInput: 0.02, perMillionOutput: 0 },
  "text-embedding-3-large": { provider: "openai", kind: "embedding", perMillionInput: 0.13, perMillionOutput: 0 },
};

// A model missing from the table is charged as the dearest common model of its
// provider, so an unpriced model can never look free to a budget.
const FALLBACK: Record<Provider, string> = { "workers-ai": "@cf/meta/llama-3.3-70b-instruct-fp8-fast", openai: "gpt-4o" };

export function priceOf(provider: Provider, model: string): ModelPrice {
  const price = Object.hasOwn(MODEL_PRICES, model) ? MODEL_PRICES[model] : undefined;
  if (price && price.provider === provider) return price;
  const fallback = MODEL_PRICES[FALLBACK[provider]];
  if (!fallback) throw new Error(`price table lacks the ${provider} fallback`);
  return fallback;
}

/**
 * The baseline the savings are measured against: every AI request sent to
 * OpenAI. Chat-like requests (chat, ask) priced as `chat`, embeddings and the
 * query embedding of a search as `embedding`.
 */
export const OPENAI_BASELINE = { chat: "gpt-4o-mini", embedding: "text-embedding-3-small" } as const;
