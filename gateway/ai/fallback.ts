// Runs a request down its chain of models: each model whose provider's
// breaker admits it is tried in turn; a retryable failure (capacity, error,
// timeout) moves on to the next, a bad request stops the chain. Once a
// stream has started it belongs to its model: streams are only handed over
// after the provider accepted the call, and never restarted elsewhere.
import type { Result } from "../../shared/result";
import type { CircuitBreakers } from "./breaker";
import type { ChatModel } from "./models";
import type { FailureKind, ProviderClient, ProviderFailure } from "./providers/provider";

export interface Attempt {
  model: string;
  /** Why this model did not serve: its failure, or why it was not called. */
  failure: FailureKind | "breaker_open" | "not_configured";
  latencyMs: number;
}

export type Served<T> = { ok: true; model: ChatModel; value: T; latencyMs: number; attempts: Attempt[] } | { ok: false; failure: ProviderFailure; attempts: Attempt[] };

export interface ChainDeps {
  clients: Partial<Record<ChatModel["provider"], ProviderClient>>;
  breakers: CircuitBreakers;
  /** Called for each provider call that failed (the caller records the one that served, with its usage). */
  onFailure(model: ChatModel, latencyMs: number, failure: ProviderFailure): void;
}

export async function runChain<T>(
  deps: ChainDeps,
  chain: readonly ChatModel[],
  call: (client: ProviderClient, model: ChatModel) => Promise<Result<T, ProviderFailure>>,
): Promise<Served<T>> {
  const attempts: Attempt[] = [];
  let last: ProviderFailure = { kind: "unavailable", message: "no model could be tried", param: null };
  for (const model of chain) {
    const client = deps.clients[model.provider];
    if (!client) {
      attempts.push({ model: model.id, failure: "not_configured", latencyMs: 0 });
      continue;
    }
    if (!deps.breakers.admit(model.provider)) {
      attempts.push({ model: model.id, failure: "breaker_open", latencyMs: 0 });
      continue;
    }
    const started = Date.now();
    const result = await call(client, model);
    const latencyMs = Date.now() - started;
    if (result.ok) {
      deps.breakers.success(model.provider);
      return { ok: true, model, value: result.value, latencyMs, attempts };
    }
    deps.onFailure(model, latencyMs, result.error);
    attempts.push({ model: model.id, failure: result.error.kind, latencyMs });
    if (result.error.kind === "bad_request") {
      deps.breakers.neutral(model.provider);
      return { ok: false, failure: result.error, attempts };
    }
    deps.breakers.failure(model.provider);
    last = result.error;
  }
  return { ok: false, failure: last, attempts };
}
