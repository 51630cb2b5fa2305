// The cost of one AI call at list price: Neurons and dollars for Workers AI,
// dollars for OpenAI. The free daily Neurons are not applied here: they are an
// account-wide allowance, known only once a day's calls are summed.
import { OPENAI_BASELINE, priceOf, type Provider, USD_PER_NEURON } from "./prices";

export interface Tokens {
  inputTokens: number;
  outputTokens: number;
}

export interface Cost {
  neurons: number;
  usd: number;
}

export function costOf(provider: Provider, model: string, tokens: Tokens): Cost {
  const price = priceOf(provider, model);
  const units = (tokens.inputTokens * price.perMillionInput + tokens.outputTokens * price.perMillionOutput) / 1_000_000;
  return provider === "workers-ai" ? { neurons: units, usd: units * USD_PER_NEURON } : { neurons: 0, usd: units };
}

/** What the same tokens would have cost at OpenAI, by the kind of request. */
export function baselineUsd(kind: "chat" | "embedding", tokens: Tokens): number {
  return costOf("openai", OPENAI_BASELINE[kind], tokens).usd;
}
