// Puts a document where the gateway would have put it (R2 + a queued row),
// so consumer tests can drive the queue handler directly.
import { env } from "cloudflare:workers";
import { insertDocument } from "../../shared/documents";
import { documentObjectKey, newDocumentId, newIngestKey } from "../../shared/ids";
import { type IngestMessage, ingestMessage } from "../../shared/ingest-message";
import { sha256Hex } from "../../shared/sha256";

export async function seedDocument(
  tenantId: string,
  bytes: Uint8Array | string,
  contentType = "text/plain",
): Promise<{ id: string; message: IngestMessage }> {
  const data = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
  const id = newDocumentId();
  const objectKey = documentObjectKey(tenantId, id);
  await env.DOCUMENTS.put(objectKey, data);
  const sha256 = await sha256Hex(data);
  const doc = await insertDocument(env.DB, { id, tenantId, filename: "seed", contentType, bytes: data.byteLength, sha256, objectKey, ingestKey: newIngestKey() });
  if (!doc) throw new Error("seed collided with an existing document");
  return { id, message: ingestMessage({ documentId: id, tenantId, objectKey, ingestKey: doc.ingestKey }) };
}

/** Text with one distinctive marker word per paragraph, long enough for `paragraphs` chunks or so. */
export function markedText(paragraphs: number): string {
  const filler = "The committee reviewed the figures carefully and agreed to revisit them after the audit concluded in spring.";
  return Array.from({ length: paragraphs }, (_, i) => `Section marker${i} notes. ${filler.repeat(14)}`).join("\n\n");
}
