// Chunk rows in D1 (and, through triggers, the FTS5 index over their text).
import { inBatches } from "./batching";
import type { Chunk } from "./chunking";
import { chunkVectorId } from "./ids";

const COLUMNS = ["id", "document_id", "tenant_id", "chunk_index", "text", "page_start", "page_end", "char_start", "char_end"] as const;
// D1 binds at most 100 parameters per statement.
const ROWS_PER_STATEMENT = Math.floor(100 / COLUMNS.length);

/**
 * Statements that write chunks idempotently: a chunk written again (a
 * redelivered message) replaces its row in place, so its FTS entry is
 * replaced too, never duplicated.
 */
export function upsertChunkStatements(db: D1Database, tenantId: string, documentId: string, chunks: readonly Chunk[]): D1PreparedStatement[] {
  return inBatches(chunks, ROWS_PER_STATEMENT).map((rows) => {
    const placeholders = rows.map(() => `(${COLUMNS.map(() => "?").join(", ")})`).join(", ");
    const values = rows.flatMap((c) => [
      chunkVectorId(documentId, c.index),
      documentId,
      tenantId,
      c.index,
      c.text,
      c.pageStart,
      c.pageEnd,
      c.charStart,
      c.charEnd,
    ]);
    return db
      .prepare(
        `INSERT INTO chunks (${COLUMNS.join(", ")}) VALUES ${placeholders}
         ON CONFLICT (document_id, chunk_index) DO UPDATE SET
           text = excluded.text, page_start = excluded.page_start, page_end = excluded.page_end,
           char_start = excluded.char_start, char_end = excluded.char_end`,
      )
      .bind(...values);
  });
}

/** Removes chunks at or beyond `fromIndex`: left over when a document re-chunks into fewer pieces. */
export function deleteChunksFromStatement(db: D1Database, documentId: string, fromIndex: number): D1PreparedStatement {
  return db.prepare("DELETE FROM chunks WHERE document_id = ? AND chunk_index >= ?").bind(documentId, fromIndex);
}
