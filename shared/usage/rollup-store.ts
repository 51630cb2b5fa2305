// Rollups in D1: added to by upsert (one row written per rollup row, whatever
// it sums), read back by time range.
import { HISTOGRAM_COLUMNS, type LatencyHistogram } from "./latency-histogram";
import type { RollupRow } from "./rollup";

const KEY_COLUMNS = ["tenant_id", "hour", "route", "provider", "model", "variant"];
/** The summed columns; the SELECT of every reader is KEY_COLUMNS then these, in this order. */
export const SUM_COLUMNS = ["requests", "calls", "cache_hits", "semantic_hits", "errors", "rejected", "input_tokens", "output_tokens", "neurons", "usd", "latency_ms", "pages", ...HISTOGRAM_COLUMNS];
const COLUMNS = [...KEY_COLUMNS, ...SUM_COLUMNS].join(", ");

const UPSERT = `INSERT INTO usage_rollups (${COLUMNS}) VALUES (${[...KEY_COLUMNS, ...SUM_COLUMNS].map(() => "?").join(", ")})
  ON CONFLICT (${KEY_COLUMNS.join(", ")}) DO UPDATE SET ${SUM_COLUMNS.map((c) => `${c} = ${c} + excluded.${c}`).join(", ")}`;

export function addRollupStatements(db: D1Database, rows: readonly RollupRow[]): D1PreparedStatement[] {
  return rows.map((r) =>
    db
      .prepare(UPSERT)
      .bind(r.tenantId, r.hour, r.route, r.provider, r.model, r.variant, r.requests, r.calls, r.cacheHits, r.semanticHits, r.errors, r.rejected,
        r.inputTokens, r.outputTokens, r.neurons, r.usd, r.latencyMs, r.pages, ...r.latencyHistogram),
  );
}

/** Adds the rows in one transaction: all or none, so a failed flush can be retried whole. */
export async function addRollups(db: D1Database, rows: readonly RollupRow[]): Promise<void> {
  if (rows.length > 0) await db.batch(addRollupStatements(db, rows));
}

interface StoredRow {
  tenant_id: string;
  hour: string;
  route: RollupRow["route"];
  provider: RollupRow["provider"];
  model: string;
  variant: string;
  requests: number;
  calls: number;
  cache_hits: number;
  semantic_hits: number;
  errors: number;
  rejected: number;
  input_tokens: number;
  output_tokens: number;
  neurons: number;
  usd: number;
  latency_ms: number;
  pages: number;
  [histogramColumn: string]: string | number;
}

/** The histogram of a stored row (or a SUM of rows with the same column names). */
export const histogramOfRow = (row: Record<string, unknown>): LatencyHistogram => HISTOGRAM_COLUMNS.map((c) => Number(row[c] ?? 0));

/** Rows whose hour is in [fromHour, toHour] ("YYYY-MM-DDTHH"), for one tenant or all. */
export async function readRollups(db: D1Database, range: { fromHour: string; toHour: string; tenantId?: string | undefined }): Promise<RollupRow[]> {
  const statement = range.tenantId
    ? db.prepare(`SELECT ${COLUMNS} FROM usage_rollups WHERE tenant_id = ? AND hour >= ? AND hour <= ?`).bind(range.tenantId, range.fromHour, range.toHour)
    : db.prepare(`SELECT ${COLUMNS} FROM usage_rollups WHERE hour >= ? AND hour <= ?`).bind(range.fromHour, range.toHour);
  const { results } = await statement.all<StoredRow>();
  return results.map((r) => ({
    tenantId: r.tenant_id,
    hour: r.hour,
    route: r.route,
    provider: r.provider,
    model: r.model,
    variant: r.variant,
    requests: r.requests,
    calls: r.calls,
    cacheHits: r.cache_hits,
    semanticHits: r.semantic_hits,
    errors: r.errors,
    rejected: r.rejected,
    inputTokens: r.input_tokens,
    outputTokens: r.output_tokens,
    neurons: r.neurons,
    usd: r.usd,
    latencyMs: r.latency_ms,
    pages: r.pages,
    latencyHistogram: histogramOfRow(r),
  }));
}

/** A tenant's dollars and Neurons since `fromHour`, in total and on `day` (YYYY-MM-DD). */
export async function sumSince(db: D1Database, tenantId: string, fromHour: string, day: string): Promise<{ total: { usd: number; neurons: number }; day: { usd: number; neurons: number } }> {
  const row = await db
    .prepare(
      `SELECT COALESCE(SUM(usd), 0) AS usd, COALESCE(SUM(neurons), 0) AS neurons,
        COALESCE(SUM(CASE WHEN hour >= ?3 THEN usd END), 0) AS day_usd, COALESCE(SUM(CASE WHEN hour >= ?3 THEN neurons END), 0) AS day_neurons
       FROM usage_rollups WHERE tenant_id = ?1 AND hour >= ?2`,
    )
    .bind(tenantId, fromHour, `${day}T00`)
    .first<{ usd: number; neurons: number; day_usd: number; day_neurons: number }>();
  return { total: { usd: row?.usd ?? 0, neurons: row?.neurons ?? 0 }, day: { usd: row?.day_usd ?? 0, neurons: row?.day_neurons ?? 0 } };
}
