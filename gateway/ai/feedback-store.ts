// Feedback in D1 (migrations/0006): one row per request that got feedback,
// never one per request. Sending feedback again replaces the row, so a
// request counts once in the report whatever its history.
import type { Receipt } from "./receipt";

export interface Feedback {
  score: number;
  comment: string | null;
}

export async function saveFeedback(db: D1Database, tenantId: string, receipt: Receipt, feedback: Feedback, now = Date.now()): Promise<void> {
  await db
    .prepare(
      `INSERT INTO ai_feedback (tenant_id, request_id, experiment, variant, model, request_at, score, comment, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (tenant_id, request_id) DO UPDATE SET score = excluded.score, comment = excluded.comment, updated_at = excluded.updated_at`,
    )
    .bind(tenantId, receipt.requestId, receipt.experiment, receipt.variant, receipt.model, receipt.at, feedback.score, feedback.comment, now)
    .run();
}

export interface VariantFeedback {
  experiment: string;
  variant: string;
  count: number;
  sum: number;
}

/** Feedback on experiment requests made since `since` (epoch ms), per experiment and variant. */
export async function feedbackByVariant(db: D1Database, filter: { since: number; tenantId: string | undefined }): Promise<VariantFeedback[]> {
  const select = "SELECT experiment, variant, COUNT(*) AS count, SUM(score) AS sum FROM ai_feedback";
  const group = "AND experiment != '' AND request_at >= ? GROUP BY experiment, variant";
  // One tenant's rows are found by the primary key (tenant_id first); all tenants' by a scan.
  const statement =
    filter.tenantId === undefined
      ? db.prepare(`${select} WHERE 1 ${group}`).bind(filter.since)
      : db.prepare(`${select} WHERE tenant_id = ? ${group}`).bind(filter.tenantId, filter.since);
  const { results } = await statement.all<VariantFeedback>();
  return results;
}
