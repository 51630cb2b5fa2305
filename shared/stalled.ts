// Documents that stopped moving: `queued` or `processing` and untouched for a
// while, typically because their queue message was lost (expired, or dropped
// by a local restart). Every step of an ingestion touches `updated_at`, so an
// old one means nobody is working on the document.
import { type DocumentRecord, type DocumentRow, fromRow, isBeingDeleted } from "./documents";

/** Oldest first, at most `limit`; documents being deleted are left to their DELETE. */
export async function findStalledDocuments(db: D1Database, untouchedSince: number, limit: number): Promise<DocumentRecord[]> {
  const { results } = await db
    .prepare("SELECT * FROM documents WHERE status IN ('queued', 'processing') AND updated_at < ? ORDER BY updated_at LIMIT ?")
    .bind(untouchedSince, limit)
    .all<DocumentRow>();
  return results.map(fromRow).filter((doc) => !isBeingDeleted(doc));
}

/**
 * Counts one more re-send of the document's message, only if it is still the
 * stalled document that was read (same ingestion, no progress since): two
 * sweeps at once re-send it once.
 */
export async function claimResend(db: D1Database, doc: DocumentRecord, now = Date.now()): Promise<boolean> {
  const result = await db
    .prepare(
      `UPDATE documents SET resends = resends + 1, updated_at = ?
       WHERE id = ? AND ingest_key = ? AND updated_at = ? AND status IN ('queued', 'processing')`,
    )
    .bind(now, doc.id, doc.ingestKey, doc.updatedAt)
    .run();
  return result.meta.changes > 0;
}

/** Gives back a claim whose message could not be sent, so the next sweep tries again. */
export async function releaseResend(db: D1Database, doc: DocumentRecord): Promise<void> {
  await db
    .prepare("UPDATE documents SET resends = max(resends - 1, 0), updated_at = ? WHERE id = ? AND ingest_key = ?")
    .bind(doc.updatedAt, doc.id, doc.ingestKey)
    .run();
}

/** Whether a re-upload should send the message again: the document has not moved for `afterMs`. */
export function isStalled(doc: DocumentRecord, afterMs: number, now = Date.now()): boolean {
  return (doc.status === "queued" || doc.status === "processing") && !isBeingDeleted(doc) && now - doc.updatedAt >= afterMs;
}
