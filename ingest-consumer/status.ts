// The consumer's side of the documents table. Every write names the ingest
// key it works for: once a document is deleted or requeued under a new key,
// the writes of the old ingestion match no row and it knows to stop.

export async function markProcessing(db: D1Database, id: string, ingestKey: string, now = Date.now()): Promise<boolean> {
  const result = await db
    .prepare(
      `UPDATE documents SET status = 'processing', attempts = attempts + 1, updated_at = ?
       WHERE id = ? AND ingest_key = ? AND status IN ('queued', 'processing')`,
    )
    .bind(now, id, ingestKey)
    .run();
  return result.meta.changes > 0;
}

export async function recordPlan(db: D1Database, id: string, ingestKey: string, plan: { pages: number; chunks: number }, now = Date.now()): Promise<boolean> {
  const result = await db
    .prepare("UPDATE documents SET pages = ?, progress_total = ?, progress_done = 0, updated_at = ? WHERE id = ? AND ingest_key = ?")
    .bind(plan.pages, plan.chunks, now, id, ingestKey)
    .run();
  return result.meta.changes > 0;
}

/** Runs last in the batch that stores chunks, so progress never counts chunks that are not stored. */
export function progressStatement(db: D1Database, id: string, ingestKey: string, done: number, now = Date.now()): D1PreparedStatement {
  return db
    .prepare("UPDATE documents SET progress_done = ?, updated_at = ? WHERE id = ? AND ingest_key = ?")
    .bind(done, now, id, ingestKey);
}

export async function markReady(db: D1Database, id: string, ingestKey: string, chunks: number, now = Date.now()): Promise<boolean> {
  const result = await db
    .prepare(
      `UPDATE documents SET status = 'ready', chunks = ?, progress_done = progress_total, error_code = NULL, error_message = NULL, updated_at = ?
       WHERE id = ? AND ingest_key = ?`,
    )
    .bind(chunks, now, id, ingestKey)
    .run();
  return result.meta.changes > 0;
}

/** Remembers why an attempt failed; the document stays `processing` while the queue retries it. */
export async function recordAttemptError(db: D1Database, id: string, ingestKey: string, error: string, now = Date.now()): Promise<void> {
  await db
    .prepare("UPDATE documents SET last_error = ?, updated_at = ? WHERE id = ? AND ingest_key = ?")
    .bind(error, now, id, ingestKey)
    .run();
}
