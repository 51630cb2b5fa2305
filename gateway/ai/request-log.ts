// The AI request log in D1 (migrations/0004_ai_requests.sql): one row per
// request, the caller's feedback on it, and the per-experiment report.
// A row per request is cheap beside the model call it records (a D1 row is
// $1 per million; a chat completion costs orders of magnitude more).

export interface AiRequestRow {
  requestId: string;
  tenantId: string;
  kind: "chat" | "embeddings";
  model: string | null;
  provider: string | null;
  route: string;
  experiment: string | null;
  variant: string | null;
  status: "ok" | "error";
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
}

export async function insertAiRequest(db: D1Database, row: AiRequestRow, now = Date.now()): Promise<void> {
  await db
    .prepare(
      `INSERT INTO ai_requests (request_id, tenant_id, kind, model, provider, route, experiment, variant, status, latency_ms, input_tokens, output_tokens, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (request_id) DO NOTHING`,
    )
    .bind(row.requestId, row.tenantId, row.kind, row.model, row.provider, row.route, row.experiment, row.variant, row.status, row.latencyMs, row.inputTokens, row.outputTokens, now)
    .run();
}

/** Records feedback on one of the tenant's requests; false when the tenant has no such request. */
export async function recordFeedback(db: D1Database, tenantId: string, requestId: string, score: number, comment: string | null, now = Date.now()): Promise<boolean> {
  const result = await db
    .prepare("UPDATE ai_requests SET feedback_score = ?, feedback_comment = ?, feedback_at = ? WHERE request_id = ? AND tenant_id = ?")
    .bind(score, comment, now, requestId, tenantId)
    .run();
  return result.meta.changes > 0;
}

export interface VariantReport {
  variant: string;
  requests: number;
  errors: number;
  latencyMs: { p50: number | null; p95: number | null };
  tokens: { input: number; output: number };
  feedback: { count: number; mean: number | null };
}

export interface ExperimentReport {
  experiment: string;
  variants: VariantReport[];
}

interface VariantRow {
  experiment: string;
  variant: string;
  requests: number;
  errors: number;
  input: number;
  output: number;
  feedback_count: number;
  feedback_mean: number | null;
}

export interface ReportFilter {
  since: number;
  /** One tenant's requests only. */
  tenantId: string | undefined;
}

export async function experimentReport(db: D1Database, filter: ReportFilter): Promise<ExperimentReport[]> {
  const tenant = filter.tenantId ?? null;
  const { results } = await db
    .prepare(
      `SELECT experiment, variant, COUNT(*) AS requests, SUM(status = 'error') AS errors,
              SUM(input_tokens) AS input, SUM(output_tokens) AS output,
              COUNT(feedback_score) AS feedback_count, AVG(feedback_score) AS feedback_mean
       FROM ai_requests WHERE experiment IS NOT NULL AND created_at >= ?1 AND (?2 IS NULL OR tenant_id = ?2)
       GROUP BY experiment, variant ORDER BY experiment, variant`,
    )
    .bind(filter.since, tenant)
    .all<VariantRow>();
  const reports = new Map<string, ExperimentReport>();
  for (const row of results) {
    const [p50, p95] = await Promise.all([percentile(db, row, filter, 0.5), percentile(db, row, filter, 0.95)]);
    const report = reports.get(row.experiment) ?? { experiment: row.experiment, variants: [] };
    report.variants.push({
      variant: row.variant,
      requests: row.requests,
      errors: row.errors,
      latencyMs: { p50, p95 },
      tokens: { input: row.input, output: row.output },
      feedback: { count: row.feedback_count, mean: row.feedback_mean },
    });
    reports.set(row.experiment, report);
  }
  return [...reports.values()];
}

/** Nearest-rank percentile of successful requests' latency, read off the index. */
async function percentile(db: D1Database, row: VariantRow, filter: ReportFilter, p: number): Promise<number | null> {
  const ok = row.requests - row.errors;
  if (ok === 0) return null;
  const offset = Math.max(0, Math.ceil(p * ok) - 1);
  const found = await db
    .prepare(
      `SELECT latency_ms FROM ai_requests WHERE experiment = ?1 AND variant = ?2 AND status = 'ok' AND created_at >= ?3 AND (?4 IS NULL OR tenant_id = ?4)
       ORDER BY latency_ms LIMIT 1 OFFSET ?5`,
    )
    .bind(row.experiment, row.variant, filter.since, filter.tenantId ?? null, offset)
    .first<{ latency_ms: number }>();
  return found?.latency_ms ?? null;
}
