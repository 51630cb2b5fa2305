// The gateway side of the shared circuit breaker: which targets may be tried
// now, and what happened when they were. Reads come from an isolate copy of
// the UpstreamHealth object's state, refreshed every `cacheMs`; the object is
// called on failures, recoveries and trial claims only. If the object cannot
// be reached, every target counts as closed: losing the breaker must not
// take the proxy down with it.
import type { BreakerSettings, TargetHealth } from "./upstream-health";

export interface BreakerOptions extends BreakerSettings {
  cacheMs: number;
}

const copies = new Map<string, { at: number; targets: Record<string, TargetHealth> }>();

export class Breaker {
  constructor(
    private readonly namespace: GatewayEnv["UPSTREAM_HEALTH"],
    private readonly upstream: string,
    private readonly options: BreakerOptions,
  ) {}

  async states(): Promise<Record<string, TargetHealth>> {
    const copy = copies.get(this.upstream);
    if (copy && Date.now() - copy.at < this.options.cacheMs) return copy.targets;
    try {
      const targets = await this.#stub().snapshot();
      copies.set(this.upstream, { at: Date.now(), targets });
      return targets;
    } catch (error) {
      console.error("breaker state unavailable", { upstream: this.upstream, error: String(error) });
      return {};
    }
  }

  /** May a request go to this target now? A closed one always; an open one only as the single trial once its time is up. */
  async admit(key: string, leaseMs: number): Promise<boolean> {
    const health = (await this.states())[key];
    if (!health || health.state === "closed") return true;
    const now = Date.now();
    if (health.state === "open" && now < health.openUntil) return false;
    if (health.state === "half_open" && now < health.trialUntil) return false;
    try {
      return await this.#stub().claimTrial(key, leaseMs);
    } catch {
      return true;
    }
  }

  async report(key: string, ok: boolean, reason = ""): Promise<void> {
    const health = (await this.states())[key];
    if (ok && (!health || (health.state === "closed" && health.failures === 0))) return;
    try {
      const updated = ok ? await this.#stub().recordSuccess(key) : await this.#stub().recordFailure(key, this.options, reason);
      this.#remember(key, updated);
    } catch (error) {
      console.error("breaker update failed", { upstream: this.upstream, error: String(error) });
    }
  }

  /** Earliest time an open target may be tried again, for Retry-After. */
  async reopensAt(): Promise<number | null> {
    const times = Object.values(await this.states()).filter((h) => h.state === "open").map((h) => h.openUntil);
    return times.length > 0 ? Math.min(...times) : null;
  }

  #remember(key: string, health: TargetHealth): void {
    const copy = copies.get(this.upstream);
    // Without a copy, the next read fetches the whole state anyway.
    if (copy) copy.targets = { ...copy.targets, [key]: health };
    else copies.set(this.upstream, { at: 0, targets: { [key]: health } });
  }

  #stub() {
    return this.namespace.get(this.namespace.idFromName(this.upstream));
  }
}
