// TenantGate: one Durable Object per tenant, the one place every request of
// that tenant passes through. A single RPC, `admit`, answers the rate
// decision, the corpus version the cache keys on and, for AI routes, the
// budget reservation, so the hot path costs one round trip. Logic lives in
// the modules it composes; this class only holds them and the
// single-threaded execution that makes them exact.
import { DurableObject } from "cloudflare:workers";
import type { CorpusGate, CorpusState } from "../../../shared/corpus-gate";
import type { RollupRow } from "../../../shared/usage/rollup";
import type { Admission as BudgetAdmission, Amount } from "../../usage/budget-ledger";
import type { PlanLimits } from "../../usage/config";
import { type MeterOptions, type Settlement, TenantUsage } from "../../usage/tenant-usage";
import type { Rule } from "./config";
import { CorpusVersion } from "./corpus-version";
import { FLUSH_MS, RateCounters } from "./rate-counters";
import type { RateDecision } from "./window";

export interface AdmitRequest {
  routeClass: string;
  rule: Rule;
  /** An AI request's estimated cost, reserved against the plan's budgets if the rate allows it. */
  budget?: { limits: PlanLimits; estimate: Amount } | undefined;
}

/** Extend with fields as new per-request checks join; callers read what they need. */
export interface Admission {
  rate: RateDecision;
  corpus: CorpusState;
  /** Present when a budget was asked for and the rate allowed the request. */
  budget?: BudgetAdmission | undefined;
}

export class TenantGate extends DurableObject<GatewayEnv> implements CorpusGate {
  private readonly counters: RateCounters;
  private readonly corpus: CorpusVersion;
  private readonly usage: TenantUsage;

  constructor(ctx: DurableObjectState, env: GatewayEnv) {
    super(ctx, env);
    this.counters = new RateCounters(ctx.storage.sql);
    this.corpus = new CorpusVersion(ctx.storage.sql);
    // The object's name is the tenant id (idFromName(tenantId)).
    this.usage = new TenantUsage(ctx.storage, env, ctx.id.name ?? "");
    void ctx.blockConcurrencyWhile(() => this.usage.load());
  }

  async admit(request: AdmitRequest): Promise<Admission> {
    const now = Date.now();
    const { decision, needsFlush } = this.counters.take(request.routeClass, request.rule, now);
    if (needsFlush && (await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(now + FLUSH_MS);
    const budget = request.budget && decision.allowed ? this.usage.admit(request.budget.limits, request.budget.estimate, now) : undefined;
    return { rate: decision, corpus: this.corpus.state(now), budget };
  }

  /** Off the hot path: settles budget reservations and sums the usage records of finished requests. */
  async settle(settlements: Settlement[], options: MeterOptions): Promise<void> {
    await this.usage.settle(settlements, options);
  }

  /** Usage summed but not yet written to D1. */
  pending(): RollupRow[] {
    return this.usage.pending();
  }

  budgetUsage(): ReturnType<TenantUsage["budgetUsage"]> {
    return this.usage.budgetUsage();
  }

  /** Writes the usage sums to D1 now (reports and tests that cannot wait for the alarm). */
  async flushUsage(): Promise<void> {
    await this.usage.flush();
  }

  /** The usage part of the alarm as if it ran at `now` (tests: a quiet tenant without waiting). */
  async usageAlarmAt(now: number): Promise<void> {
    await this.usage.alarm(now);
  }

  async corpusChanging(documentId: string): Promise<void> {
    this.corpus.changing(documentId, Date.now());
  }

  async corpusChanged(documentId: string): Promise<void> {
    this.corpus.settle(documentId);
  }

  override async alarm(): Promise<void> {
    this.counters.flush();
    await this.usage.alarm();
  }
}
