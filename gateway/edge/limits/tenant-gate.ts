// TenantGate: one Durable Object per tenant, the one place every request of
// that tenant passes through. A single RPC, `admit`, answers both the rate
// decision and the corpus version the cache keys on, so the hot path costs
// one round trip. Logic lives in the modules it composes; this class only
// holds them and the single-threaded execution that makes them exact.
import { DurableObject } from "cloudflare:workers";
import type { CorpusGate, CorpusState } from "../../../shared/corpus-gate";
import type { Rule } from "./config";
import { CorpusVersion } from "./corpus-version";
import { FLUSH_MS, RateCounters } from "./rate-counters";
import type { RateDecision } from "./window";

export interface AdmitRequest {
  routeClass: string;
  rule: Rule;
}

/** Extend with fields (e.g. budgets) as new per-request checks join; callers read what they need. */
export interface Admission {
  rate: RateDecision;
  corpus: CorpusState;
}

export class TenantGate extends DurableObject<GatewayEnv> implements CorpusGate {
  private readonly counters: RateCounters;
  private readonly corpus: CorpusVersion;

  constructor(ctx: DurableObjectState, env: GatewayEnv) {
    super(ctx, env);
    this.counters = new RateCounters(ctx.storage.sql);
    this.corpus = new CorpusVersion(ctx.storage.sql);
  }

  async admit(request: AdmitRequest): Promise<Admission> {
    const now = Date.now();
    const { decision, needsFlush } = this.counters.take(request.routeClass, request.rule, now);
    if (needsFlush && (await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(now + FLUSH_MS);
    return { rate: decision, corpus: this.corpus.state(now) };
  }

  async corpusChanging(documentId: string): Promise<void> {
    this.corpus.changing(documentId, Date.now());
  }

  async corpusChanged(documentId: string): Promise<void> {
    this.corpus.settle(documentId);
  }

  override async alarm(): Promise<void> {
    this.counters.flush();
  }
}
