// Loads candidate chunks from D1, keeping only the caller's tenant and ready
// documents: the indexes may still hold chunks of deleted or re-ingesting
// documents (Vectorize deletes are asynchronous), and D1 has the final word.
import { inBatches } from "../../shared/batching";

export interface ChunkRecord {
  id: string;
  documentId: string;
  filename: string;
  chunkIndex: number;
  text: string;
  pageStart: number;
  pageEnd: number;
}

// D1 binds at most 100 parameters; two go to the tenant.
const IDS_PER_QUERY = 90;

export async function loadReadyChunks(db: D1Database, tenantId: string, ids: readonly string[]): Promise<Map<string, ChunkRecord>> {
  const batches = inBatches([...new Set(ids)], IDS_PER_QUERY);
  if (batches.length === 0) return new Map();
  const statements = batches.map((batch) =>
    db
      .prepare(
        `SELECT c.id AS id, c.document_id AS documentId, d.filename AS filename, c.chunk_index AS chunkIndex,
                c.text AS text, c.page_start AS pageStart, c.page_end AS pageEnd
         FROM chunks c JOIN documents d ON d.id = c.document_id
         WHERE c.tenant_id = ? AND d.tenant_id = ? AND d.status = 'ready' AND c.id IN (${batch.map(() => "?").join(", ")})`,
      )
      .bind(tenantId, tenantId, ...batch),
  );
  const results = await db.batch<ChunkRecord>(statements);
  return new Map(results.flatMap((r) => r.results).map((chunk) => [chunk.id, chunk]));
}
