// The dead-letter queue's consumer: records each message the ingest queue
// gave up on, marks its document failed (`dead_lettered`), then acks.
import { recordDeadLetter } from "../shared/dead-letters";
import { getDocument, markDocumentFailed } from "../shared/documents";
import { IngestMessage } from "../shared/ingest-message";

export async function handleDeadLetters(batch: MessageBatch<unknown>, env: ConsumerEnv): Promise<void> {
  for (const message of batch.messages) {
    try {
      await bury(env.DB, batch.queue, message);
      message.ack();
    } catch (error) {
      // The record is the only copy once the queue lets go: keep trying.
      console.error("dead letter not recorded", { id: message.id, error: String(error) });
      message.retry({ delaySeconds: 30 });
    }
  }
}

async function bury(db: D1Database, queue: string, message: Message<unknown>): Promise<void> {
  const parsed = IngestMessage.safeParse(message.body);
  if (!parsed.success) {
    await recordDeadLetter(db, {
      ingestKey: null, tenantId: null, documentId: null, queue, messageId: message.id, body: message.body,
      reason: "unreadable", lastError: "the message matches no version of the ingest contract", attempts: message.attempts,
    });
    return;
  }
  const body = parsed.data;
  const doc = await getDocument(db, body.tenantId, body.documentId);
  await recordDeadLetter(db, {
    ingestKey: body.ingestKey,
    tenantId: body.tenantId,
    documentId: body.documentId,
    queue,
    messageId: message.id,
    body,
    reason: "retries_exhausted",
    lastError: doc?.lastError ?? null,
    attempts: doc?.attempts ?? message.attempts,
  });
  if (doc) {
    await markDocumentFailed(
      db,
      doc.id,
      { code: "dead_lettered", message: `Ingestion failed after ${doc.attempts} attempts and was set aside; an operator can replay it.` },
      { ingestKey: body.ingestKey },
    );
  }
  console.warn("ingest message dead-lettered", { documentId: body.documentId, lastError: doc?.lastError });
}
