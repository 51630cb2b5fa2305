// Estimates reserved before an AI call: generous, since the settlement
// returns what was not used, and a low estimate lets concurrent requests
// overshoot a budget.
import { estimateTokens } from "../../shared/token-estimate";
import { costOf } from "../../shared/usage/cost";
import type { Provider } from "../../shared/usage/prices";
import type { Amount } from "./budget-ledger";

export function embeddingEstimate(model: string, texts: readonly string[]): Amount {
  const tokens = texts.reduce((n, t) => n + estimateTokens(t), 0);
  return { ...costOf("workers-ai", model, { inputTokens: tokens, outputTokens: 0 }), tokens };
}

export function chatEstimate(provider: Provider, model: string, inputTokens: number, maxOutputTokens: number): Amount {
  return { ...costOf(provider, model, { inputTokens, outputTokens: maxOutputTokens }), tokens: inputTokens + maxOutputTokens };
}

export function plus(a: Amount, b: Amount): Amount {
  return { usd: a.usd + b.usd, neurons: a.neurons + b.neurons, tokens: a.tokens + b.tokens };
}
