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

const states = new Map<Provider, State>();

const stateOf = (provider: Provider): State => {
  let state = states.get(provider);
  if (!state) {
    state = { consecutiveFailures: 0, openedAt: undefined, trialInFlight: false };
    states.set(provider, state);
  }
  return state;
};

export function breakerState(provider: Provider, settings: BreakerSettings, now = Date.now()): BreakerState {
  const state = stateOf(provider);
  if (state.openedAt === undefined) return "closed";
  return now - state.openedAt >= settings.cooldownMs ? "half-open" : "open";
}

/** Whether a call may go to the provider now; in half-open, only one trial at a time. */
export function admit(provider: Provider, settings: BreakerSettings, now = Date.now()): boolean {
  const current = breakerState(provider, settings, now);
  if (current === "closed") return true;
  if (current === "open") return false;
  const state = stateOf(provider);
  if (state.trialInFlight) return false;
  state.trialInFlight = true;
  return true;
}

export function recordSuccess(provider: Provider): void {
  const state = stateOf(provider);
  state.consecutiveFailures = 0;
  state.openedAt = undefined;
  state.trialInFlight = false;
}

export function recordFailure(provider: Provider, settings: BreakerSettings, now = Date.now()): void {
  const state = stateOf(provider);
  state.consecutiveFailures += 1;
  if (state.trialInFlight || state.consecutiveFailures >= settings.failures) state.openedAt = now;
  state.trialInFlight = false;
}

/** A call that was admitted but decided nothing (the caller's own bad request): release a half-open trial. */
export function recordNeutral(provider: Provider): void {
  stateOf(provider).trialInFlight = false;
}
