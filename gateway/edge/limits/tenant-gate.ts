// TenantGate: one Durable Object per tenant, the one place every request of
// that tenant passes through. A single RPC, `admit`, answers the rate
// decision, the corpus version the cache keys on and, for AI routes, the
// budget reservation, so the hot path costs one round trip; the same call
// brings the settlements of the tenant's finished requests and counts the
// requests that have no AI usage. Logic lives in the modules it composes;
// this class holds them, the single-threaded execution that makes them
// exact, and the one alarm ("a look") that writes both write-behinds.
import { DurableObject } from "cloudflare:workers";
import type { CorpusGate, CorpusState } from "../../../shared/corpus-gate";
import type { RollupRow } from "../../../shared/usage/rollup";
import type { Admission as BudgetAdmission, Amount } from "../../usage/budget-ledger";
import type { PlanLimits } from "../../usage/config";
import { type MeterOptions, type Settlement, TenantUsage } from "../../usage/tenant-usage";
import type { Rule } from "./config";
import { CorpusVersion } from "./corpus-version";
import { type LookStats, Looks } from "./looks";
import { FLUSH_MS, RateCounters } from "./rate-counters";
import type { RateDecision } from "./window";

export interface AdmitRequest {
  routeClass: string;
  rule: Rule;
  /** An AI request's estimated cost, reserved against the plan's budgets if the rate allows it. */
  budget?: { limits: PlanLimits; estimate: Amount } | undefined;
  /** Finished requests of this tenant from the caller's isolate: settled before this one is decided. */
  settlements?: Settlement[] | undefined;
  /** A request without AI calls (documents, admin, proxied): counted now, as allowed or refused, instead of settled later. */
  count?: "other" | "proxy" | undefined;
  /** The gateway's metering settings; sent with settlements or a count. */
  meter?: MeterOptions | undefined;
}

/** Extend with fields as new per-request checks join; callers read what they need. */
export interface Admission {
  rate: RateDecision;
  corpus: CorpusState;
  /** Present when a budget was asked for and the rate allowed the request. */
  budget?: BudgetAdmission | undefined;
}

/** What metering cost this object so far (since it last started): tests count these, not time. */
export interface MeterStats extends LookStats {
  /** settle() calls: the fallback for settlements no admission carried. */
  settleCalls: number;
  /** Settlements that came with an admission call instead. */
  carried: number;
  flushes: number;
}

// With no request for a whole look interval the counters arm no further look:
// the usage then writes at once rather than paying looks to wait.
const QUIET_MS = FLUSH_MS;

export class TenantGate extends DurableObject<GatewayEnv> implements CorpusGate {
  private readonly counters: RateCounters;
  private readonly corpus: CorpusVersion;
  private readonly usage: TenantUsage;
  private readonly looks: Looks;
  private lastAdmitAt = 0;
  private settleCalls = 0;
  private carried = 0;

  constructor(ctx: DurableObjectState, env: GatewayEnv) {
    super(ctx, env);
    this.counters = new RateCounters(ctx.storage.sql);
    this.corpus = new CorpusVersion(ctx.storage.sql);
    this.looks = new Looks(ctx.storage);
    // The object's name is the tenant id (idFromName(tenantId)).
    this.usage = new TenantUsage(env, ctx.id.name ?? "");
    void ctx.blockConcurrencyWhile(() => this.usage.load());
  }

  async admit(request: AdmitRequest): Promise<Admission> {
    const now = Date.now();
    this.lastAdmitAt = now;
    if (request.meter) this.usage.configure(request.meter);
    // Before the decision: a finished request's real cost frees the rest of its estimate.
    if (request.settlements && request.settlements.length > 0) {
      this.usage.settle(request.settlements, now);
      this.carried += request.settlements.length;
    }
    const { decision, needsFlush } = this.counters.take(request.routeClass, request.rule, now);
    if (request.count) this.usage.count(request.count, decision.allowed, now);
    const budget = request.budget && decision.allowed ? this.usage.admit(request.budget.limits, request.budget.estimate, now) : undefined;
    // Every admission dirties the counters, whose look comes within FLUSH_MS: usage rides on it.
    if (needsFlush) await this.looks.by(now + FLUSH_MS);
    return { rate: decision, corpus: this.corpus.state(now), budget };
  }

  /** The fallback for settlements that no admission carried within the gateway's delay. */
  async settle(settlements: Settlement[], options: MeterOptions): Promise<void> {
    const now = Date.now();
    this.settleCalls++;
    this.usage.configure(options);
    this.usage.settle(settlements, now);
    // A quiet tenant's looks are over: write now rather than arm a look for these alone.
    if (this.quiet(now)) await this.usage.flush();
    if (this.usage.hasUnflushed) await this.looks.by(now + FLUSH_MS);
  }

  /** Usage summed but not yet written to D1. */
  pending(): RollupRow[] {
    return this.usage.pending();
  }

  budgetUsage(): ReturnType<TenantUsage["budgetUsage"]> {
    return this.usage.budgetUsage();
  }

  meterStats(): MeterStats {
    return { ...this.looks.stats, settleCalls: this.settleCalls, carried: this.carried, flushes: this.usage.flushes };
  }

  /** Writes the usage sums to D1 now (reports and tests that cannot wait for a look). */
  async flushUsage(): Promise<void> {
    await this.usage.flush();
    if (this.usage.hasUnflushed) await this.looks.by(Date.now() + FLUSH_MS);
  }

  /** The alarm as if it fired at `now` (tests: a quiet tenant without waiting); the armed one is dropped. */
  async alarmAt(now: number): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.look(now);
  }

  async corpusChanging(documentId: string): Promise<void> {
    this.corpus.changing(documentId, Date.now());
  }

  async corpusChanged(documentId: string): Promise<void> {
    this.corpus.settle(documentId);
  }

  override async alarm(): Promise<void> {
    await this.look(Date.now());
  }

  /**
   * Writes the counters, and the usage if old enough or the tenant quiet.
   * Usage left unwritten arms the next look FLUSH_MS on, well before the
   * object could hibernate (10 s after this look); while requests come, that
   * is the look the counters would arm anyway.
   */
  private async look(now: number): Promise<void> {
    this.looks.ran();
    this.counters.flush();
    if (await this.usage.look(now, this.quiet(now))) await this.looks.by(now + FLUSH_MS);
  }

  private quiet(now: number): boolean {
    return now - this.lastAdmitAt >= QUIET_MS;
  }
}
