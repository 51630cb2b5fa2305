// The windows budgets are counted in, UTC: the day, the month, the minute.
// A window's key names it; its end is when a refused request may try again.

export type WindowKind = "day" | "month" | "minute";

export interface Window {
  kind: WindowKind;
  key: string;
  endsAt: number;
}

export function windowOf(kind: WindowKind, now: number): Window {
  const d = new Date(now);
  switch (kind) {
    case "day":
      return { kind, key: `d:${d.toISOString().slice(0, 10)}`, endsAt: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1) };
    case "month":
      return { kind, key: `m:${d.toISOString().slice(0, 7)}`, endsAt: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) };
    case "minute": {
      const start = Math.floor(now / 60_000) * 60_000;
      return { kind, key: `t:${start}`, endsAt: start + 60_000 };
    }
  }
}

/** Whole seconds until the window ends, at least 1 (Retry-After: 0 would invite a hot loop). */
export const secondsUntil = (endsAt: number, now: number) => Math.max(1, Math.ceil((endsAt - now) / 1000));
