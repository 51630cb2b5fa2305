// Drives the consumer's queue handler the way Queues would.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../ingest-consumer/index";

let sequence = 0;

export async function deliver(bodies: unknown[], options: { attempts?: number; env?: Partial<ConsumerEnv> } = {}) {
  const batch = createMessageBatch(
    "rag-ingest",
    bodies.map((body) => ({ id: `msg-${++sequence}`, timestamp: new Date(), attempts: options.attempts ?? 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, { ...env, ...options.env });
  const result = await getQueueResult(batch, ctx);
  return { ...result, ids: batch.messages.map((m) => m.id) };
}
