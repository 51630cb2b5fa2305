// A circuit breaker per provider. After `failures` consecutive failed calls
// (capacity, errors, timeouts; never a caller's bad request) the provider is
// skipped for `cooldownMs`; then one trial call is let through (half-open):
// success closes the breaker, failure opens it for another cooldown.
//
// State is per isolate, on purpose: a breaker saves latency by not calling a
// provider that is failing right now, and each isolate learns that within a
// few calls. A shared Durable Object would put a network hop and a single
// hot object in front of every AI request to save those few calls.
import type { Provider } from "./models";

export interface BreakerSettings {
  failures: number;
  cooldownMs: number;
}

export type BreakerState = "closed" | "open" | "half-open";

interface State {
  consecutiveFailures: number;
  openedAt: number | undefined;
  trialInFlight: boolean;
}

export class CircuitBreakers {
  readonly #states = new Map<Provider, State>();

  constructor(
    private readonly settings: () => BreakerSettings,
    private readonly clock: () => number = Date.now,
  ) {}

  state(provider: Provider): BreakerState {
    const { openedAt } = this.#of(provider);
    if (openedAt === undefined) return "closed";
    return this.clock() - openedAt >= this.settings().cooldownMs ? "half-open" : "open";
  }

  /** Whether a call may go to the provider now; when half-open, one trial at a time. */
  admit(provider: Provider): boolean {
    const current = this.state(provider);
    if (current === "closed") return true;
    if (current === "open") return false;
    const state = this.#of(provider);
    if (state.trialInFlight) return false;
    state.trialInFlight = true;
    return true;
  }

  success(provider: Provider): void {
    this.#states.set(provider, { consecutiveFailures: 0, openedAt: undefined, trialInFlight: false });
  }

  failure(provider: Provider): void {
    const state = this.#of(provider);
    state.consecutiveFailures += 1;
    if (state.trialInFlight || state.consecutiveFailures >= this.settings().failures) state.openedAt = this.clock();
    state.trialInFlight = false;
  }

  /** An admitted call that decided nothing (the caller's own bad request): frees a half-open trial. */
  neutral(provider: Provider): void {
    this.#of(provider).trialInFlight = false;
  }

  #of(provider: Provider): State {
    let state = this.#states.get(provider);
    if (!state) {
      state = { consecutiveFailures: 0, openedAt: undefined, trialInFlight: false };
      this.#states.set(provider, state);
    }
    return state;
  }
}

let current: BreakerSettings = { failures: 5, cooldownMs: 30_000 };

/** The isolate's breakers; their settings follow the latest parsed configuration. */
export const breakers = new CircuitBreakers(() => current);

export function useBreakerSettings(settings: BreakerSettings): CircuitBreakers {
  current = settings;
  return breakers;
}
