// One ingestion: extract -> chunk -> embed -> Vectorize + D1 (FTS5) -> ready.
// Every effect is keyed deterministically (chunk index, vector id), so running
// it again for the same message (redelivery, retry after a crash) rewrites
// the same rows and vectors instead of adding copies.
import { inBatches } from "../shared/batching";
import type { CorpusGate } from "../shared/corpus-gate";
import { deleteChunksFromStatement, upsertChunkStatements } from "../shared/chunk-store";
import { type Chunk, chunkDocumentCooperatively } from "../shared/chunking";
import { getDocument, isBeingDeleted } from "../shared/documents";
import type { Embed } from "../shared/embeddings";
import { chunkVectorId } from "../shared/ids";
import type { IngestMessage } from "../shared/ingest-message";
import { deleteChunkVectors, upsertChunkVectors, waitForVectors } from "../shared/vectors";
import type { ConsumerConfig } from "./config";
import { extractPages } from "./extract";
import { markProcessing, markReady, progressStatement, recordPlan } from "./status";
import { yieldToEventLoop } from "./yield-to-loop";

export interface IngestDeps {
  db: D1Database;
  bucket: R2Bucket;
  index: Vectorize;
  embed: Embed;
  config: ConsumerConfig;
  /** The tenant's gate in the gateway, told when a document becomes searchable (cached answers change). */
  corpusGate: (tenantId: string) => CorpusGate;
}

export type Outcome =
  | { kind: "ready"; chunks: number; pages: number }
  /** Nothing to do: the document is gone, finished, or now belongs to a newer ingestion. */
  | { kind: "skipped"; reason: string }
  /** Permanent: retrying cannot help. */
  | { kind: "failed"; code: string; message: string }
  | { kind: "retry"; reason: string };

// Chunks embedded and stored per step; also the unit of progress.
const STEP = 100;
// Vectorize usually applies writes within seconds; poll at this pace.
const VISIBILITY_POLL_MS = 250;

export async function ingest(deps: IngestDeps, message: IngestMessage): Promise<Outcome> {
  const { db, config } = deps;
  const doc = await getDocument(db, message.tenantId, message.documentId);
  if (!doc) return { kind: "skipped", reason: "document deleted" };
  if (doc.ingestKey !== message.ingestKey) return { kind: "skipped", reason: "superseded by a newer ingestion" };
  if (doc.status === "ready" || doc.status === "failed") return { kind: "skipped", reason: `already ${doc.status}` };
  if (!(await markProcessing(db, doc.id, doc.ingestKey))) return { kind: "skipped", reason: "document changed under us" };

  const object = await deps.bucket.get(doc.objectKey);
  if (!object) return { kind: "failed", code: "document_missing", message: "The uploaded file is no longer in storage; upload it again." };
  const bytes = new Uint8Array(await object.arrayBuffer());
  const pages = await extractPages(bytes, doc.contentType === "application/pdf" ? "pdf" : "text", { maxPages: config.maxPages });
  if (!pages.ok) return { kind: "failed", ...pages.error };

  // In slices: a large document takes seconds to chunk, and locally the gateway shares this thread.
  const chunks = await chunkDocumentCooperatively(pages.value, { pause: yieldToEventLoop });
  if (chunks.length === 0) return { kind: "failed", code: "document_empty", message: "No text was left after extraction." };
  if (chunks.length > config.maxChunks) {
    return { kind: "failed", code: "document_too_large", message: `The document has ${chunks.length} chunks; the limit is ${config.maxChunks}.` };
  }

  // What an earlier ingestion of this document may have written beyond our
  // chunks goes first: recordPlan overwrites the count that remembers it.
  const previous = Math.max(doc.progress.total, doc.chunks ?? 0);
  if (previous > chunks.length) {
    await deleteChunkVectors(deps.index, doc.id, chunks.length, previous);
    await deleteChunksFromStatement(db, doc.id, chunks.length).run();
  }
  const pageCount = pages.value.at(-1)?.page ?? pages.value.length;
  if (!(await recordPlan(db, doc.id, doc.ingestKey, { pages: pageCount, chunks: chunks.length }))) {
    return abandon(deps, message, Math.max(previous, chunks.length));
  }

  let done = 0;
  for (const step of inBatches(chunks, STEP)) {
    if (!(await storeStep(deps, message, step, done + step.length))) return abandon(deps, message, Math.max(previous, chunks.length));
    done += step.length;
    await yieldToEventLoop();
  }

  // `ready` promises that search finds the document: wait until Vectorize serves its vectors.
  const probes = [...new Set([0, chunks.length - 1])].map((i) => chunkVectorId(doc.id, i));
  // A DELETE (or a re-upload) during the wait ends it: waiting out the timeout
  // and a retry for a document that is gone would only delay the clean-up.
  const stillWanted = async () => (await getDocument(db, message.tenantId, message.documentId))?.ingestKey === message.ingestKey;
  const visibility = await waitForVectors(deps.index, probes, { timeoutMs: config.visibilityTimeoutMs, intervalMs: VISIBILITY_POLL_MS, stillWanted });
  if (visibility === "abandoned") return abandon(deps, message, Math.max(previous, chunks.length));
  if (visibility === "timeout") return { kind: "retry", reason: "vectors not yet queryable" };
  // Bracketed, so that no answer computed before `ready` is cached under the new corpus version.
  const gate = deps.corpusGate(message.tenantId);
  await gate.corpusChanging(doc.id);
  let marked: boolean;
  try {
    marked = await markReady(db, doc.id, doc.ingestKey, chunks.length);
  } finally {
    // If this fails the change closes itself after a timeout; until then the tenant is served uncached.
    await gate.corpusChanged(doc.id).catch((error: unknown) => console.error("corpus change not settled", { documentId: doc.id, error: String(error) }));
  }
  if (!marked) return abandon(deps, message, Math.max(previous, chunks.length));
  return { kind: "ready", chunks: chunks.length, pages: pageCount };
}

/** Embeds and stores one step of chunks; false when the document is no longer this ingestion's. */
async function storeStep(deps: IngestDeps, message: IngestMessage, step: Chunk[], doneAfter: number): Promise<boolean> {
  const vectors = await deps.embed(step.map((c) => c.text));
  await upsertChunkVectors(
    deps.index,
    message.tenantId,
    message.documentId,
    step.map((c, i) => ({ chunkIndex: c.index, values: vectors[i] ?? [] })),
  );
  const results = await deps.db.batch([
    ...upsertChunkStatements(deps.db, message.tenantId, message.documentId, step),
    progressStatement(deps.db, message.documentId, message.ingestKey, doneAfter),
  ]);
  return (results.at(-1)?.meta.changes ?? 0) > 0;
}

/**
 * The document was deleted (or is being deleted) or requeued while we worked.
 * If deleted, remove what we wrote, since the DELETE may have run before our
 * writes; if requeued, leave everything to the newer ingestion, which rewrites
 * the same ids.
 */
async function abandon(deps: IngestDeps, message: IngestMessage, written: number): Promise<Outcome> {
  const doc = await getDocument(deps.db, message.tenantId, message.documentId);
  if (doc && !isBeingDeleted(doc)) return { kind: "skipped", reason: "superseded by a newer ingestion" };
  await deleteChunkVectors(deps.index, message.documentId, 0, written);
  await deleteChunksFromStatement(deps.db, message.documentId, 0).run();
  return { kind: "skipped", reason: "document deleted during ingestion" };
}
