// Budgets as a ledger: a request reserves its estimate before its AI call and
// settles its real usage after. Amounts are integers (nano-dollars,
// milli-Neurons, tokens) so that sums are exact; the ledger lives in the
// tenant's Durable Object, whose single thread makes reserve-check-add atomic.
import type { PlanLimits } from "./config";
import { secondsUntil, type Window, type WindowKind, windowOf } from "./budget-windows";

export interface Amount {
  usd: number;
  neurons: number;
  tokens: number;
}

interface Units {
  nanoUsd: number;
  milliNeurons: number;
  tokens: number;
}

export type Admission =
  | { ok: true; reservation: string }
  | { ok: false; code: "budget_exceeded" | "tokens_rate_limited"; limit: string; retryAfterSeconds: number };

// A reservation whose settlement never came (an isolate died mid-request)
// stops holding budget after this long; a streamed answer rarely runs longer.
const RESERVATION_TTL_MS = 10 * 60_000;

// Estimates round up, so many small calls can never slip under a limit.
export const toUnits = (a: Amount): Units => ({
  nanoUsd: Math.ceil(a.usd * 1e9),
  milliNeurons: Math.ceil(a.neurons * 1e3),
  tokens: Math.ceil(a.tokens),
});
const zero = (): Units => ({ nanoUsd: 0, milliNeurons: 0, tokens: 0 });

interface Check {
  kind: WindowKind;
  field: keyof Units;
  limit: number;
  name: string;
}

function checksFor(limits: PlanLimits): Check[] {
  const checks: Check[] = [];
  const add = (kind: WindowKind, field: keyof Units, limit: number | null, scale: number, name: string) => {
    if (limit !== null) checks.push({ kind, field, limit: Math.round(limit * scale), name });
  };
  add("day", "nanoUsd", limits.dailyUsd, 1e9, "dailyUsd");
  add("month", "nanoUsd", limits.monthlyUsd, 1e9, "monthlyUsd");
  add("day", "milliNeurons", limits.dailyNeurons, 1e3, "dailyNeurons");
  add("month", "milliNeurons", limits.monthlyNeurons, 1e3, "monthlyNeurons");
  add("minute", "tokens", limits.tokensPerMinute, 1, "tokensPerMinute");
  return checks;
}

interface Reservation {
  units: Units;
  windows: Window[];
  at: number;
}

export class BudgetLedger {
  /** Settled usage per window key. */
  private readonly settled = new Map<string, Units>();
  /** Estimates held per window key by reservations not yet settled. */
  private readonly held = new Map<string, Units>();
  private readonly reservations = new Map<string, Reservation>();

  constructor(initial: Iterable<[string, Units]> = []) {
    for (const [key, units] of initial) this.settled.set(key, { ...units });
  }

  reserve(limits: PlanLimits, estimate: Amount, now: number): Admission {
    this.expire(now);
    const units = toUnits(estimate);
    const refusals: { check: Check; window: Window }[] = [];
    for (const check of checksFor(limits)) {
      const window = windowOf(check.kind, now);
      const used = (this.settled.get(window.key)?.[check.field] ?? 0) + (this.held.get(window.key)?.[check.field] ?? 0);
      if (used >= check.limit || used + units[check.field] > check.limit) refusals.push({ check, window });
    }
    if (refusals.length > 0) {
      // The request can go once every refusing window has ended.
      const last = refusals.reduce((a, b) => (b.window.endsAt > a.window.endsAt ? b : a));
      const onlyRate = refusals.every((r) => r.check.kind === "minute");
      return { ok: false, code: onlyRate ? "tokens_rate_limited" : "budget_exceeded", limit: last.check.name, retryAfterSeconds: secondsUntil(last.window.endsAt, now) };
    }
    const windows = (["day", "month", "minute"] as const).map((kind) => windowOf(kind, now));
    for (const w of windows) addTo(this.held, w.key, units, 1);
    const id = crypto.randomUUID();
    this.reservations.set(id, { units, windows, at: now });
    return { ok: true, reservation: id };
  }

  /** Replaces a reservation's estimate by what was really used, in the windows it was made in. */
  settle(reservation: string | undefined, actual: Amount, now: number): void {
    const held = reservation === undefined ? undefined : this.reservations.get(reservation);
    const windows = held?.windows ?? (["day", "month", "minute"] as const).map((kind) => windowOf(kind, now));
    if (held && reservation !== undefined) {
      this.reservations.delete(reservation);
      for (const w of windows) addTo(this.held, w.key, held.units, -1);
    }
    const units = toUnits(actual);
    for (const w of windows) addTo(this.settled, w.key, units, 1);
  }

  /** Settled totals of the windows `now` falls in, for reports and tests. */
  usage(now: number): Record<WindowKind, Units> {
    const of = (kind: WindowKind) => ({ ...(this.settled.get(windowOf(kind, now).key) ?? zero()) });
    return { day: of("day"), month: of("month"), minute: of("minute") };
  }

  private expire(now: number): void {
    for (const [id, r] of this.reservations) {
      if (now - r.at < RESERVATION_TTL_MS) continue;
      this.reservations.delete(id);
      for (const w of r.windows) addTo(this.held, w.key, r.units, -1);
    }
    // Minute windows of the past are never read again.
    const minute = windowOf("minute", now).key;
    for (const key of [...this.settled.keys()]) if (key.startsWith("t:") && key < minute && key.length === minute.length) this.settled.delete(key);
  }
}

function addTo(map: Map<string, Units>, key: string, units: Units, sign: 1 | -1): void {
  const current = map.get(key) ?? zero();
  current.nanoUsd += sign * units.nanoUsd;
  current.milliNeurons += sign * units.milliNeurons;
  current.tokens += sign * units.tokens;
  if (current.nanoUsd === 0 && current.milliNeurons === 0 && current.tokens === 0) map.delete(key);
  else map.set(key, current);
}

export type { Units };
