// A fixed window per tenant and route class, anchored at the first request
// after the previous window ended (not at wall-clock boundaries), so a burst
// never straddles two windows and gets twice the limit. Pure: the tenant gate
// holds the state and calls this under its single-threaded execution.
import type { Rule } from "./config";

export interface WindowState {
  start: number;
  windowSeconds: number;
  count: number;
}

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  windowSeconds: number;
  /** Seconds until the window ends and the count starts again. */
  resetSeconds: number;
}

export function take(state: WindowState | undefined, rule: Rule, now: number): { state: WindowState; decision: RateDecision } {
  const expired = !state || state.windowSeconds !== rule.windowSeconds || now >= state.start + state.windowSeconds * 1000;
  const current: WindowState = expired ? { start: now, windowSeconds: rule.windowSeconds, count: 0 } : state;
  const allowed = current.count < rule.requests;
  const next: WindowState = allowed ? { ...current, count: current.count + 1 } : current;
  const resetSeconds = Math.max(1, Math.ceil((next.start + next.windowSeconds * 1000 - now) / 1000));
  return {
    state: next,
    decision: { allowed, limit: rule.requests, remaining: Math.max(0, rule.requests - next.count), windowSeconds: rule.windowSeconds, resetSeconds },
  };
}
