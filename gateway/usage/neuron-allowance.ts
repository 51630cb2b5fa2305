// NeuronAllowance: one for the whole deployment (idFromName("account")).
// Counts Workers AI Neurons per UTC day, as the tenants' meters flush, so the
// optional guard can route away from Workers AI once the free daily
// allocation is spent. It lags by at most one flush interval: the guard keeps
// usage near the allocation, not exactly under it.
import { DurableObject } from "cloudflare:workers";

export class NeuronAllowance extends DurableObject<GatewayEnv> {
  constructor(ctx: DurableObjectState, env: GatewayEnv) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS neurons_by_day (day TEXT PRIMARY KEY, neurons REAL NOT NULL)");
  }

  /** One row written per tenant flush that used Workers AI. */
  add(day: string, neurons: number): number {
    const sql = this.ctx.storage.sql;
    sql.exec("INSERT INTO neurons_by_day (day, neurons) VALUES (?, ?) ON CONFLICT (day) DO UPDATE SET neurons = neurons + excluded.neurons", day, neurons);
    sql.exec("DELETE FROM neurons_by_day WHERE day < ?", new Date(Date.now() - 7 * 86400_000).toISOString().slice(0, 10));
    return this.used(day);
  }

  used(day: string): number {
    return this.ctx.storage.sql.exec<{ neurons: number }>("SELECT neurons FROM neurons_by_day WHERE day = ?", day).toArray()[0]?.neurons ?? 0;
  }
}
