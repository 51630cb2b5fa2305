// Identifiers and storage keys. Document ids are random; everything derived
// from them is deterministic, which is what makes redelivered messages idempotent.

export function newDocumentId(): string {
  return `doc_${crypto.randomUUID().replaceAll("-", "")}`;
}

export function newIngestKey(): string {
  return `ing_${crypto.randomUUID().replaceAll("-", "")}`;
}

/** R2 key of a document's original bytes. Tenant ids are restricted to [A-Za-z0-9._-] by auth. */
export function documentObjectKey(tenantId: string, documentId: string): string {
  return `tenants/${tenantId}/documents/${documentId}`;
}

/** Vectorize id of a chunk (<= 64 bytes: "doc_" + 32 hex + ":" + index). */
export function chunkVectorId(documentId: string, chunkIndex: number): string {
  return `${documentId}:${chunkIndex}`;
}

export function chunkVectorIds(documentId: string, from: number, to: number): string[] {
  const ids: string[] = [];
  for (let i = from; i < to; i++) ids.push(chunkVectorId(documentId, i));
  return ids;
}
