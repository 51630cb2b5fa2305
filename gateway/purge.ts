// Deleting a document everywhere it lives. Each step is idempotent, and the
// D1 row goes last, so a failure half way leaves a document that a repeated
// DELETE finishes off rather than orphans nobody can see. The tombstone comes
// first, so an ingestion still running stops and removes what it wrote.
import { type DocumentRecord, deleteDocumentStatements, tombstoneDocument } from "../shared/documents";
import { deleteChunkVectors } from "../shared/vectors";
import { dependencyError, dependencyFailure } from "./dependency-failure";

export interface PurgeDeps {
  db: D1Database;
  bucket: R2Bucket;
  index: Vectorize;
}

export async function purgeDocument(deps: PurgeDeps, found: DocumentRecord): Promise<void> {
  const document = (await tombstoneDocument(deps.db, found.tenantId, found.id)) ?? found;
  // Vector ids are `${id}:${i}` for every chunk the consumer planned, even ones it never finished.
  const planned = Math.max(document.progress.total, document.chunks ?? 0);
  try {
    await deleteChunkVectors(deps.index, document.id, 0, planned);
  } catch (error) {
    // The tombstone stands and the row stays: the client's retry finishes the job.
    throw dependencyError(dependencyFailure("vector index", error));
  }
  await deps.bucket.delete(document.objectKey);
  await deps.db.batch(deleteDocumentStatements(deps.db, document.id));
}
