// A tenant's budgets and usage sums, for the Durable Object that hosts it
// (one per tenant, single-threaded: reserve-check-add is atomic). Budgets:
// reserve an estimate before an AI call, settle the real usage after. Usage:
// summed in memory per hour and key, flushed into D1 rollups by the host's
// alarm within `flushSeconds` of the first unflushed record; nothing is
// written per request. Budget totals are not stored separately: after a
// restart they are summed back from the tenant's rollups (load()).
import type { UsageRecord } from "../../shared/usage/record";
import { RollupAccumulator, type RollupRow } from "../../shared/usage/rollup";
import { addRollups, sumSince } from "../../shared/usage/rollup-store";
import { type Admission, type Amount, BudgetLedger, type Units } from "./budget-ledger";
import type { PlanLimits } from "./config";

export interface Settlement {
  /** The reservation this settles; absent for calls that reserved nothing. */
  reservation?: string | undefined;
  actual: Amount;
  records: UsageRecord[];
}

/** From the gateway's configuration, which the object has no other way to read per deployment. */
export interface MeterOptions {
  flushSeconds: number;
  /** Only the free-Neuron guard needs the deployment's daily Neurons: skip the writes otherwise. */
  reportNeurons: boolean;
}

// A Durable Object may hibernate (and lose its memory) 10 s after its last
// request or event. The alarm therefore looks in at most QUIET_MS after the
// first unflushed record and after each look: if the object has been quiet
// that long it flushes now, otherwise it keeps summing, up to flushSeconds.
const QUIET_MS = 9_000;

export class TenantUsage {
  private ledger = new BudgetLedger();
  private readonly rollups = new RollupAccumulator();
  private options: MeterOptions = { flushSeconds: 60, reportNeurons: false };
  private firstUnflushedAt: number | undefined;
  private lastEventAt = 0;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly env: Pick<GatewayEnv, "DB" | "NEURON_ALLOWANCE">,
    private readonly tenantId: string,
  ) {}

  /** The day's and month's spend so far, from the rollups (host: in blockConcurrencyWhile, once). */
  async load(now = Date.now()): Promise<void> {
    const day = new Date(now).toISOString().slice(0, 10);
    const month = day.slice(0, 7);
    try {
      const sums = await sumSince(this.env.DB, this.tenantId, `${month}-01T00`, day);
      const units = (s: { usd: number; neurons: number }): Units => ({ nanoUsd: Math.ceil(s.usd * 1e9), milliNeurons: Math.ceil(s.neurons * 1e3), tokens: 0 });
      this.ledger = new BudgetLedger([
        [`d:${day}`, units(sums.day)],
        [`m:${month}`, units(sums.total)],
      ]);
    } catch (error) {
      // Budgets then count from zero until the next restart: logged, never fatal.
      console.error("budget totals not loaded", { tenantId: this.tenantId, error: String(error) });
    }
  }

  /** On the hot path: refuses, or holds the estimate until settle(). */
  admit(limits: PlanLimits, estimate: Amount, now = Date.now()): Admission {
    this.lastEventAt = now;
    return this.ledger.reserve(limits, estimate, now);
  }

  /** Off the hot path: real usage replaces estimates, and records are summed. */
  async settle(settlements: readonly Settlement[], options: MeterOptions): Promise<void> {
    const now = Date.now();
    for (const s of settlements) {
      this.ledger.settle(s.reservation, s.actual, now);
      for (const record of s.records) this.rollups.add(record);
    }
    this.options = options;
    this.lastEventAt = now;
    if (this.firstUnflushedAt === undefined && this.rollups.size > 0) {
      this.firstUnflushedAt = now;
      // The host may share its one alarm with other work: make sure it comes soon enough.
      const at = now + Math.min(QUIET_MS, options.flushSeconds * 1000);
      const current = await this.storage.getAlarm();
      if (current === null || current > at) await this.storage.setAlarm(at);
    }
  }

  /** The host's alarm: flush if the sums are old enough or the object has gone quiet, else look again soon. */
  async alarm(now = Date.now()): Promise<void> {
    const first = this.firstUnflushedAt;
    if (first === undefined) return;
    const due = first + this.options.flushSeconds * 1000;
    if (now < due && now - this.lastEventAt < QUIET_MS) {
      await this.storage.setAlarm(Math.min(due, now + QUIET_MS));
      return;
    }
    await this.flush();
  }

  /** Sums not yet flushed to D1, to show with the stored rollups. */
  pending(): RollupRow[] {
    return this.rollups.peek();
  }

  budgetUsage(): ReturnType<BudgetLedger["usage"]> {
    return this.ledger.usage(Date.now());
  }

  /** Writes the sums to D1 and the budget totals to storage; on failure keeps the sums for the next alarm. */
  async flush(): Promise<void> {
    const rows = this.rollups.drain();
    this.firstUnflushedAt = undefined;
    try {
      await addRollups(this.env.DB, rows);
    } catch (error) {
      for (const row of rows) this.rollups.merge(row);
      console.error("usage flush failed; kept for the next alarm", { rows: rows.length, error: String(error) });
    }
    await this.reportNeurons(rows);
    if (this.rollups.size > 0) {
      // Kept after a failed write: try again within the quiet window, before the object may hibernate.
      this.firstUnflushedAt = Date.now();
      await this.storage.setAlarm(Date.now() + Math.min(QUIET_MS, this.options.flushSeconds * 1000));
    }
  }

  /** The deployment-wide free-Neuron guard counts every tenant's Workers AI Neurons per day. */
  private async reportNeurons(rows: readonly RollupRow[]): Promise<void> {
    if (!this.options.reportNeurons) return;
    const byDay = new Map<string, number>();
    for (const r of rows) if (r.provider === "workers-ai" && r.neurons > 0) byDay.set(r.hour.slice(0, 10), (byDay.get(r.hour.slice(0, 10)) ?? 0) + r.neurons);
    if (byDay.size === 0) return;
    try {
      const allowance = this.env.NEURON_ALLOWANCE.get(this.env.NEURON_ALLOWANCE.idFromName("account"));
      for (const [day, neurons] of byDay) await allowance.add(day, neurons);
    } catch (error) {
      console.error("neuron allowance not updated", { error: String(error) });
    }
  }
}
