// Accepting an upload: bytes to R2, a `queued` row in D1, a message with the
// keys in the queue. Identical bytes from the same tenant are not ingested twice.
import { type DocumentRecord, deleteDocumentStatements, findDocumentBySha256, insertDocument, markDocumentFailed, requeueDocument } from "../shared/documents";
import { documentObjectKey, newDocumentId, newIngestKey } from "../shared/ids";
import { type IngestMessage, ingestMessage } from "../shared/ingest-message";
import { sha256Hex } from "../shared/sha256";
import { claimResend, isStalled, releaseResend } from "../shared/stalled";
import type { AcceptedType } from "./document-type";
import { ApiError } from "./errors";

export interface IntakeDeps {
  db: D1Database;
  bucket: R2Bucket;
  queue: Queue<IngestMessage>;
}

export interface Intake {
  document: DocumentRecord;
  /** The tenant had uploaded these bytes before. */
  duplicate: boolean;
  /** Whether this request put the document in the queue. */
  enqueued: boolean;
}

export async function acceptDocument(
  deps: IntakeDeps,
  tenantId: string,
  file: { bytes: Uint8Array; filename: string; contentType: AcceptedType },
): Promise<Intake> {
  const sha256 = await sha256Hex(file.bytes);
  const existing = await findDocumentBySha256(deps.db, tenantId, sha256);
  if (existing) return reuse(deps, existing);

  const id = newDocumentId();
  const objectKey = documentObjectKey(tenantId, id);
  await deps.bucket.put(objectKey, file.bytes, {
    httpMetadata: { contentType: file.contentType },
    customMetadata: { tenantId, documentId: id, filename: file.filename },
    sha256,
  });
  const document = await insertDocument(deps.db, {
    id,
    tenantId,
    filename: file.filename,
    contentType: file.contentType,
    bytes: file.bytes.byteLength,
    sha256,
    objectKey,
    ingestKey: newIngestKey(),
  });
  if (!document) {
    // A concurrent upload of the same bytes won the insert; its object stands.
    await deps.bucket.delete(objectKey);
    const winner = await findDocumentBySha256(deps.db, tenantId, sha256);
    if (!winner) throw new Error("document vanished between a conflicting insert and its read");
    return { document: winner, duplicate: true, enqueued: false };
  }
  try {
    await deps.queue.send(queueMessage(document), { contentType: "json" });
  } catch (error) {
    // Without its message the document would stay queued forever: undo it.
    console.error("ingest queue send failed", { documentId: id, error: String(error) });
    await deps.db.batch(deleteDocumentStatements(deps.db, id));
    await deps.bucket.delete(objectKey);
    throw queueUnavailable();
  }
  return { document, duplicate: false, enqueued: true };
}

// A re-upload of a queued / processing document untouched this long sends its
// message again (same ingest key, so a message that was only slow costs a
// duplicate run, not a wrong result): its message was most likely lost.
export const RESEND_ON_REUPLOAD_AFTER_MS = 60_000;

/** Uploading the same bytes again returns the document; a failed or stalled one is given another go. */
async function reuse(deps: IntakeDeps, existing: DocumentRecord): Promise<Intake> {
  if (isStalled(existing, RESEND_ON_REUPLOAD_AFTER_MS)) return resend(deps, existing);
  if (existing.status !== "failed") return { document: existing, duplicate: true, enqueued: false };
  const requeued = await requeueDocument(deps.db, existing.id, newIngestKey());
  if (!requeued) throw new Error("document vanished while being requeued");
  try {
    await deps.queue.send(queueMessage(requeued), { contentType: "json" });
  } catch (error) {
    console.error("ingest queue send failed", { documentId: existing.id, error: String(error) });
    if (existing.error) await markDocumentFailed(deps.db, existing.id, existing.error);
    throw queueUnavailable();
  }
  return { document: requeued, duplicate: true, enqueued: true };
}

async function resend(deps: IntakeDeps, stalled: DocumentRecord): Promise<Intake> {
  // Claimed first: concurrent re-uploads send one message.
  if (!(await claimResend(deps.db, stalled))) return { document: stalled, duplicate: true, enqueued: false };
  try {
    await deps.queue.send(queueMessage(stalled), { contentType: "json" });
  } catch (error) {
    console.error("ingest queue send failed", { documentId: stalled.id, error: String(error) });
    await releaseResend(deps.db, stalled);
    throw queueUnavailable();
  }
  return { document: stalled, duplicate: true, enqueued: true };
}

const queueUnavailable = () =>
  new ApiError("service_unavailable", "The ingest queue is unavailable; try again shortly.", { "Retry-After": "5" });

function queueMessage(document: DocumentRecord): IngestMessage {
  return ingestMessage({
    documentId: document.id,
    tenantId: document.tenantId,
    objectKey: document.objectKey,
    ingestKey: document.ingestKey,
  });
}
