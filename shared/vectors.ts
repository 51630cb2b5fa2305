// Chunk vectors in Vectorize: one namespace per tenant, deterministic ids.
import { inBatches } from "./batching";
import { chunkVectorId, chunkVectorIds } from "./ids";

// Vectorize accepts at most 1,000 vectors per upsert from a Worker, and 100 ids per delete.
const MAX_VECTORS_PER_WRITE = 1000;
const MAX_IDS_PER_DELETE = 100;

export interface ChunkVector {
  chunkIndex: number;
  values: number[];
}

/** Upserts chunk vectors in the tenant's namespace; writing the same chunks again replaces them. */
export async function upsertChunkVectors(index: Vectorize, tenantId: string, documentId: string, vectors: readonly ChunkVector[]): Promise<void> {
  for (const batch of inBatches(vectors, MAX_VECTORS_PER_WRITE)) {
    await index.upsert(
      batch.map((v) => ({
        id: chunkVectorId(documentId, v.chunkIndex),
        values: v.values,
        namespace: tenantId,
        metadata: { documentId, chunkIndex: v.chunkIndex },
      })),
    );
  }
}

/** Deletes the vectors of chunks [from, to) of a document. Deleting ids that do not exist is harmless. */
export async function deleteChunkVectors(index: Vectorize, documentId: string, from: number, to: number): Promise<void> {
  for (const ids of inBatches(chunkVectorIds(documentId, from, to), MAX_IDS_PER_DELETE)) {
    await index.deleteByIds(ids);
  }
}

export type VisibilityOutcome = "visible" | "timeout" | "abandoned";

/**
 * Vectorize applies writes asynchronously. Polls until every given id can be
 * read back ("visible"), the time is up ("timeout"), or `stillWanted` says the
 * wait is pointless ("abandoned": the document was deleted or requeued), which
 * it is asked between polls.
 */
export async function waitForVectors(
  index: Vectorize,
  ids: readonly string[],
  { timeoutMs, intervalMs, stillWanted }: { timeoutMs: number; intervalMs: number; stillWanted?: () => Promise<boolean> },
): Promise<VisibilityOutcome> {
  const deadline = Date.now() + timeoutMs;
  // getByIds returns at most 20 vectors with values; the ids are probes, not a census.
  for (const probe of inBatches(ids, 20)) {
    for (;;) {
      const found = await index.getByIds(probe);
      if (found.length === probe.length) break;
      if (Date.now() + intervalMs > deadline) return "timeout";
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
      if (stillWanted && !(await stillWanted())) return "abandoned";
    }
  }
  return "visible";
}
