// The documents table: one row per uploaded document, the state a client polls.
// Every read and write is scoped by tenant or by an id that came from a
// tenant-scoped read; callers never see rows of another tenant.

export const DOCUMENT_STATUSES = ["queued", "processing", "ready", "failed"] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

export interface DocumentRecord {
  id: string;
  tenantId: string;
  filename: string;
  contentType: string;
  bytes: number;
  sha256: string;
  objectKey: string;
  status: DocumentStatus;
  pages: number | null;
  chunks: number | null;
  progress: { done: number; total: number };
  error: { code: string; message: string } | null;
  attempts: number;
  /** Why the latest attempt failed, for operators (never shown to the tenant). */
  lastError: string | null;
  /** Times the sweeper re-sent this ingestion's message (shared/stalled.ts). */
  resends: number;
  ingestKey: string;
  createdAt: number;
  updatedAt: number;
}

export interface DocumentRow {
  id: string;
  tenant_id: string;
  filename: string;
  content_type: string;
  bytes: number;
  sha256: string;
  object_key: string;
  status: DocumentStatus;
  pages: number | null;
  chunks: number | null;
  progress_done: number;
  progress_total: number;
  error_code: string | null;
  error_message: string | null;
  attempts: number;
  last_error: string | null;
  resends: number;
  ingest_key: string;
  created_at: number;
  updated_at: number;
}

export function fromRow(row: DocumentRow): DocumentRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    filename: row.filename,
    contentType: row.content_type,
    bytes: row.bytes,
    sha256: row.sha256,
    objectKey: row.object_key,
    status: row.status,
    pages: row.pages,
    chunks: row.chunks,
    progress: { done: row.progress_done, total: row.progress_total },
    error: row.error_code === null ? null : { code: row.error_code, message: row.error_message ?? "" },
    attempts: row.attempts,
    lastError: row.last_error,
    resends: row.resends,
    ingestKey: row.ingest_key,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export type NewDocument = Pick<
  DocumentRecord,
  "id" | "tenantId" | "filename" | "contentType" | "bytes" | "sha256" | "objectKey" | "ingestKey"
>;

/** Inserts a queued document; returns null when the tenant already has these bytes (a concurrent upload won). */
export async function insertDocument(db: D1Database, doc: NewDocument, now = Date.now()): Promise<DocumentRecord | null> {
  const row = await db
    .prepare(
      `INSERT INTO documents (id, tenant_id, filename, content_type, bytes, sha256, object_key, status, ingest_key, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)
       ON CONFLICT (tenant_id, sha256) DO NOTHING
       RETURNING *`,
    )
    .bind(doc.id, doc.tenantId, doc.filename, doc.contentType, doc.bytes, doc.sha256, doc.objectKey, doc.ingestKey, now, now)
    .first<DocumentRow>();
  return row ? fromRow(row) : null;
}

export async function getDocument(db: D1Database, tenantId: string, id: string): Promise<DocumentRecord | null> {
  const row = await db
    .prepare("SELECT * FROM documents WHERE tenant_id = ? AND id = ?")
    .bind(tenantId, id)
    .first<DocumentRow>();
  return row ? fromRow(row) : null;
}

/** Chunks of every tenant's ready documents: the vectors the index holds (for the platform cost projection). */
export async function readyChunkCount(db: D1Database): Promise<number> {
  const row = await db.prepare("SELECT COALESCE(SUM(chunks), 0) AS n FROM documents WHERE status = 'ready'").first<{ n: number }>();
  return row?.n ?? 0;
}

export async function findDocumentBySha256(db: D1Database, tenantId: string, sha256: string): Promise<DocumentRecord | null> {
  const row = await db
    .prepare("SELECT * FROM documents WHERE tenant_id = ? AND sha256 = ?")
    .bind(tenantId, sha256)
    .first<DocumentRow>();
  return row ? fromRow(row) : null;
}

export interface ListPosition {
  createdAt: number;
  id: string;
}

export async function listDocuments(
  db: D1Database,
  tenantId: string,
  options: { status?: DocumentStatus | undefined; limit: number; after?: ListPosition | undefined },
): Promise<{ documents: DocumentRecord[]; next: ListPosition | null }> {
  const where = ["tenant_id = ?"];
  const params: (string | number)[] = [tenantId];
  if (options.status) {
    where.push("status = ?");
    params.push(options.status);
  }
  if (options.after) {
    where.push("(created_at < ? OR (created_at = ? AND id < ?))");
    params.push(options.after.createdAt, options.after.createdAt, options.after.id);
  }
  // One row more than asked tells whether there is a next page.
  const { results } = await db
    .prepare(`SELECT * FROM documents WHERE ${where.join(" AND ")} ORDER BY created_at DESC, id DESC LIMIT ?`)
    .bind(...params, options.limit + 1)
    .all<DocumentRow>();
  const documents = results.slice(0, options.limit).map(fromRow);
  const last = documents.at(-1);
  const next = results.length > options.limit && last ? { createdAt: last.createdAt, id: last.id } : null;
  return { documents, next };
}

/**
 * Puts a document back in the queue under `ingestKey`: a new key for a fresh
 * ingestion, or its current key to replay one (then only if it still has it).
 */
export async function requeueDocument(
  db: D1Database,
  id: string,
  ingestKey: string,
  options: { onlyIfKey?: string } = {},
  now = Date.now(),
): Promise<DocumentRecord | null> {
  const row = await db
    .prepare(
      `UPDATE documents SET status = 'queued', ingest_key = ?, error_code = NULL, error_message = NULL,
         progress_done = 0, resends = 0, updated_at = ? WHERE id = ? AND (?4 IS NULL OR ingest_key = ?4) RETURNING *`,
    )
    .bind(ingestKey, now, id, options.onlyIfKey ?? null)
    .first<DocumentRow>();
  return row ? fromRow(row) : null;
}

const TOMBSTONE_PREFIX = "deleted:";

/**
 * First step of a delete: the document's ingest key becomes a tombstone, so
 * an ingestion still running sees its writes refused and cleans up after
 * itself. Returns the row as it stands now, with the latest chunk plan.
 */
export async function tombstoneDocument(db: D1Database, tenantId: string, id: string, now = Date.now()): Promise<DocumentRecord | null> {
  const row = await db
    .prepare("UPDATE documents SET ingest_key = ?, updated_at = ? WHERE tenant_id = ? AND id = ? RETURNING *")
    .bind(`${TOMBSTONE_PREFIX}${id}`, now, tenantId, id)
    .first<DocumentRow>();
  return row ? fromRow(row) : null;
}

export function isBeingDeleted(doc: DocumentRecord): boolean {
  return doc.ingestKey.startsWith(TOMBSTONE_PREFIX);
}

/** The statements that remove a document's rows; its chunks' FTS entries go with them (triggers). */
export function deleteDocumentStatements(db: D1Database, id: string): D1PreparedStatement[] {
  return [
    db.prepare("DELETE FROM chunks WHERE document_id = ?").bind(id),
    db.prepare("DELETE FROM documents WHERE id = ?").bind(id),
  ];
}

/**
 * Marks a document failed for good (until it is requeued), with a stable code
 * and a message for people; with `ingestKey`, only if it still belongs to that
 * ingestion. A ready document stays ready: a late duplicate cannot fail it.
 */
export async function markDocumentFailed(
  db: D1Database,
  id: string,
  error: { code: string; message: string },
  options: { ingestKey?: string } = {},
  now = Date.now(),
): Promise<boolean> {
  const result = await db
    .prepare(
      `UPDATE documents SET status = 'failed', error_code = ?, error_message = ?, updated_at = ?
       WHERE id = ? AND status <> 'ready' AND (?5 IS NULL OR ingest_key = ?5)`,
    )
    .bind(error.code, error.message, now, id, options.ingestKey ?? null)
    .run();
  return result.meta.changes > 0;
}
