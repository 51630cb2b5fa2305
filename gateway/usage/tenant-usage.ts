// A tenant's budgets and usage sums, for the Durable Object that hosts it
// (one per tenant, single-threaded: reserve-check-add is atomic). Budgets:
// reserve an estimate before an AI call, settle the real usage after. Usage:
// summed in memory per hour and key, flushed into D1 rollups at the host's
// looks (its alarm) once `flushSeconds` old or when the tenant goes quiet;
// nothing is written per request. Budget totals are not stored separately:
// after a restart they are summed back from the tenant's rollups (load()).
import { type UsageRecord, usageRecord } from "../../shared/usage/record";
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

export class TenantUsage {
  private ledger = new BudgetLedger();
  private readonly rollups = new RollupAccumulator();
  private options: MeterOptions = { flushSeconds: 300, reportNeurons: false };
  private firstUnflushedAt: number | undefined;
  /** D1 writes attempted (each writes one row per key), for tests and the cost arithmetic. */
  flushes = 0;

  constructor(
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
    return this.ledger.reserve(limits, estimate, now);
  }

  /** The gateway's settings, which come with every call that brings usage. */
  configure(options: MeterOptions): void {
    this.options = options;
  }

  /** Real usage replaces estimates, and records are summed. */
  settle(settlements: readonly Settlement[], now = Date.now()): void {
    for (const s of settlements) {
      this.ledger.settle(s.reservation, s.actual, now);
      for (const record of s.records) this.rollups.add(record);
    }
    this.noteUnflushed(now);
  }

  /** A request without AI calls, counted when it is admitted (or refused) instead of settled after. */
  count(route: "other" | "proxy", allowed: boolean, now = Date.now()): void {
    const record = usageRecord({ at: now, tenantId: this.tenantId, userId: "", route, provider: "none", model: "", outcome: allowed ? "ok" : "rejected" });
    // Its latency is not known at admission: it stays out of the latency histogram.
    this.rollups.add(record, false);
    this.noteUnflushed(now);
  }

  get hasUnflushed(): boolean {
    return this.rollups.size > 0;
  }

  /**
   * At one of the host's looks: writes the sums when they are `flushSeconds`
   * old, or when the host says the tenant is quiet (no look would follow
   * before the object may hibernate). True while sums remain to be written.
   */
  async look(now: number, quiet: boolean): Promise<boolean> {
    const first = this.firstUnflushedAt;
    if (first === undefined) return false;
    if (quiet || now >= first + this.options.flushSeconds * 1000) await this.flush();
    return this.hasUnflushed;
  }

  /** Sums not yet flushed to D1, to show with the stored rollups. */
  pending(): RollupRow[] {
    return this.rollups.peek();
  }

  budgetUsage(): ReturnType<BudgetLedger["usage"]> {
    return this.ledger.usage(Date.now());
  }

  /** Writes the sums to D1; on failure keeps them (the host looks again). */
  async flush(): Promise<void> {
    const rows = this.rollups.drain();
    if (rows.length === 0) return;
    const first = this.firstUnflushedAt;
    this.firstUnflushedAt = undefined;
    this.flushes++;
    try {
      await addRollups(this.env.DB, rows);
    } catch (error) {
      for (const row of rows) this.rollups.merge(row);
      this.firstUnflushedAt = first;
      console.error("usage flush failed; kept for the next look", { rows: rows.length, error: String(error) });
      return;
    }
    await this.reportNeurons(rows);
  }

  private noteUnflushed(now: number): void {
    if (this.firstUnflushedAt === undefined && this.rollups.size > 0) this.firstUnflushedAt = now;
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
