// UpstreamHealth: the circuit breaker of one upstream's targets, one Durable
// Object per upstream name. Every isolate of the gateway, in every data
// center, reads and updates the same state, so a target that fails is taken
// out everywhere at once rather than once per isolate. Isolates keep a copy
// for a second (breaker.ts); this object sees only failures, state changes
// and trial claims, never every request.
import { DurableObject } from "cloudflare:workers";

export type BreakerState = "closed" | "open" | "half_open";

export interface TargetHealth {
  state: BreakerState;
  /** Consecutive failures (requests or probes) since the last success. */
  failures: number;
  /** While open: skipped until then. */
  openUntil: number;
  /** While half open: the one trial request's lease ends then. */
  trialUntil: number;
  lastFailure: string | null;
  lastProbe: { ok: boolean; at: number } | null;
  changedAt: number;
}

export interface BreakerSettings {
  failureThreshold: number;
  openMs: number;
}

const fresh = (): TargetHealth => ({ state: "closed", failures: 0, openUntil: 0, trialUntil: 0, lastFailure: null, lastProbe: null, changedAt: 0 });

export class UpstreamHealth extends DurableObject<GatewayEnv> {
  #targets = new Map<string, TargetHealth>();

  constructor(ctx: DurableObjectState, env: GatewayEnv) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      const stored = await ctx.storage.get<Record<string, TargetHealth>>("targets");
      for (const [key, health] of Object.entries(stored ?? {})) this.#targets.set(key, health);
    });
  }

  snapshot(): Record<string, TargetHealth> {
    return Object.fromEntries(this.#targets);
  }

  /** A request or probe failed; the threshold-th failure in a row (or a failed trial) opens the breaker. */
  async recordFailure(key: string, settings: BreakerSettings, reason: string): Promise<TargetHealth> {
    const now = Date.now();
    const current = this.#get(key);
    const failures = current.failures + 1;
    const opens = current.state === "half_open" || failures >= settings.failureThreshold;
    const next: TargetHealth = opens
      ? { ...current, state: "open", failures, openUntil: now + settings.openMs, trialUntil: 0, lastFailure: reason, changedAt: current.state === "open" ? current.changedAt : now }
      : { ...current, failures, lastFailure: reason };
    return this.#put(key, next);
  }

  async recordSuccess(key: string): Promise<TargetHealth> {
    const current = this.#get(key);
    if (current.state === "closed" && current.failures === 0) return current;
    return this.#put(key, { ...current, state: "closed", failures: 0, openUntil: 0, trialUntil: 0, changedAt: current.state === "closed" ? current.changedAt : Date.now() });
  }

  /**
   * Once an open target's time is up, one caller (in any isolate) may send a
   * trial request; its result closes or reopens the breaker. A trial whose
   * caller vanished expires after `leaseMs`.
   */
  async claimTrial(key: string, leaseMs: number): Promise<boolean> {
    const now = Date.now();
    const current = this.#get(key);
    if (current.state === "closed") return true;
    if (current.state === "open" && now < current.openUntil) return false;
    if (current.state === "half_open" && now < current.trialUntil) return false;
    await this.#put(key, { ...current, state: "half_open", trialUntil: now + leaseMs, changedAt: now });
    return true;
  }

  /** An active health check (Cron Trigger): a failed probe opens the breaker at once, a passing one closes it. */
  async recordProbe(key: string, ok: boolean, settings: BreakerSettings, detail: string): Promise<TargetHealth> {
    const probe = { ok, at: Date.now() };
    const updated = ok ? await this.recordSuccess(key) : await this.recordFailure(key, { ...settings, failureThreshold: 1 }, `health check: ${detail}`);
    return this.#put(key, { ...updated, lastProbe: probe });
  }

  #get(key: string): TargetHealth {
    return this.#targets.get(key) ?? fresh();
  }

  async #put(key: string, health: TargetHealth): Promise<TargetHealth> {
    this.#targets.set(key, health);
    await this.ctx.storage.put("targets", Object.fromEntries(this.#targets));
    return health;
  }
}
