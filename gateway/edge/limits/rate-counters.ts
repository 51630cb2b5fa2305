// Rate-limit windows per route class, counted in memory (the gate is
// single-threaded, so the count is exact) and written behind to SQLite at
// most every FLUSH_MS: a row per request would cost as much as the request.
// A crash forgets at most FLUSH_MS of counts; eviction only follows idleness,
// long after the flush.
import type { Rule } from "./config";
import { type RateDecision, take, type WindowState } from "./window";

export const FLUSH_MS = 5_000;

export class RateCounters {
  private readonly windows = new Map<string, WindowState>();
  private readonly dirty = new Set<string>();

  constructor(private readonly sql: SqlStorage) {
    sql.exec("CREATE TABLE IF NOT EXISTS rate_windows (route_class TEXT PRIMARY KEY, start INTEGER NOT NULL, window_seconds INTEGER NOT NULL, count INTEGER NOT NULL)");
    for (const row of sql.exec<{ route_class: string; start: number; window_seconds: number; count: number }>("SELECT * FROM rate_windows")) {
      this.windows.set(row.route_class, { start: row.start, windowSeconds: row.window_seconds, count: row.count });
    }
  }

  /** Counts one request against the route class's window; true when a flush should be scheduled. */
  take(routeClass: string, rule: Rule, now: number): { decision: RateDecision; needsFlush: boolean } {
    const { state, decision } = take(this.windows.get(routeClass), rule, now);
    this.windows.set(routeClass, state);
    const needsFlush = this.dirty.size === 0;
    this.dirty.add(routeClass);
    return { decision, needsFlush };
  }

  flush(): void {
    for (const routeClass of this.dirty) {
      const state = this.windows.get(routeClass);
      if (!state) continue;
      this.sql.exec(
        "INSERT OR REPLACE INTO rate_windows (route_class, start, window_seconds, count) VALUES (?, ?, ?, ?)",
        routeClass,
        state.start,
        state.windowSeconds,
        state.count,
      );
    }
    this.dirty.clear();
  }
}
