// What one request's AI calls used, collected while it runs: each call
// becomes a usage record, priced from the table in shared/usage/prices.ts.
// Adding a record never throws: metering must not fail a request.
import { costOf } from "../../shared/usage/cost";
import type { Provider } from "../../shared/usage/prices";
import { type CacheResult, type CallOutcome, type UsageRecord, type UsageRoute, usageRecord } from "../../shared/usage/record";
import type { Amount } from "./budget-ledger";

export interface CallUsage {
  provider: Provider;
  model: string;
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
  outcome?: CallOutcome;
  variant?: string;
  /** False for calls behind the one that answers (an ask's query embedding, a rerank). */
  answers: boolean;
}

export class RequestMeter {
  readonly records: UsageRecord[] = [];
  /** The budget reservation this request holds, settled when it ends. */
  reservation: string | undefined;
  /** Set by a route that streams: the stream's end settles, not the handler's return. */
  streaming = false;
  /** The experiment variant ("experiment/variant") the request is in, once a route knows it: its records carry it. */
  variant = "";
  /** The tenant's gate counted this request when it admitted it (a route without AI calls): nothing to settle. */
  countedAtAdmit = false;

  constructor(
    readonly tenantId: string,
    readonly userId: string,
    public route: UsageRoute,
  ) {}

  /** The rollout handed the request to the backend: it is recorded as served there. */
  servedByBackend(): void {
    this.route = "proxy";
  }

  call(usage: CallUsage): void {
    try {
      const cost = costOf(usage.provider, usage.model, usage);
      this.records.push(
        usageRecord({
          tenantId: this.tenantId,
          userId: this.userId,
          route: this.route,
          provider: usage.provider,
          model: usage.model,
          variant: usage.variant ?? this.variant,
          inputTokens: usage.inputTokens,
          outputTokens: usage.outputTokens,
          neurons: cost.neurons,
          usd: cost.usd,
          latencyMs: usage.latencyMs,
          outcome: usage.outcome ?? "ok",
          requests: usage.answers ? 1 : 0,
        }),
      );
    } catch (error) {
      console.error("usage not metered", { route: this.route, model: usage.model, error: String(error) });
    }
  }

  /** The request was answered without a model: from a cache, or with nothing to answer from. */
  answeredWithoutModel(cache: CacheResult, model = ""): void {
    this.records.push(usageRecord({ tenantId: this.tenantId, userId: this.userId, route: this.route, provider: "none", model, cache, variant: this.variant }));
  }

  /** A request that ended without a record of its own (failed before any call, or a non-AI route). */
  finish(status: number, latencyMs: number): void {
    if (this.records.some((r) => r.requests === 1)) return;
    const outcome: CallOutcome = status === 429 ? "rejected" : status >= 400 ? "error" : "ok";
    this.records.push(usageRecord({ tenantId: this.tenantId, userId: this.userId, route: this.route, provider: "none", model: "", outcome, latencyMs, variant: this.variant }));
  }

  /** What the request really used, to settle its reservation with. */
  actual(): Amount {
    return this.records.reduce(
      (sum, r) => ({ usd: sum.usd + r.usd, neurons: sum.neurons + r.neurons, tokens: sum.tokens + r.inputTokens + r.outputTokens }),
      { usd: 0, neurons: 0, tokens: 0 },
    );
  }
}
