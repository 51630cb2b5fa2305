// The queue message between gateway and ingest consumer. It carries keys,
// never document bytes. Versioned: a new shape gets a new `v` and joins the
// union, so messages already in the queue (or the dead-letter queue) still parse.
import { z } from "zod";

const IngestMessageV1 = z.object({
  v: z.literal(1),
  documentId: z.string().min(1).max(64),
  tenantId: z.string().min(1).max(64),
  objectKey: z.string().min(1).max(1024),
  // Names one ingestion of the document; a redelivery carries the same key.
  ingestKey: z.string().min(1).max(128),
  enqueuedAt: z.number().int(),
});

export const IngestMessage = z.discriminatedUnion("v", [IngestMessageV1]);
export type IngestMessage = z.infer<typeof IngestMessage>;

export function ingestMessage(fields: Omit<IngestMessage, "v" | "enqueuedAt">, now = Date.now()): IngestMessage {
  return { v: 1, ...fields, enqueuedAt: now };
}
