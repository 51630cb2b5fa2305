// Drives the consumer's queue handler the way Queues would.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { vi } from "vitest";
import worker from "../../ingest-consumer/index";

let sequence = 0;

export async function deliver(
  bodies: unknown[],
  options: { attempts?: number; queue?: string; env?: Partial<ConsumerEnv> } = {},
) {
  const batch = createMessageBatch(
    options.queue ?? "rag-ingest",
    bodies.map((body) => ({ id: `msg-${++sequence}`, timestamp: new Date(), attempts: options.attempts ?? 1, body })),
  );
  // getQueueResult reports which messages were retried but not their delays: watch retry() for those.
  const retries = batch.messages.map((message) => vi.spyOn(message, "retry"));
  const ctx = createExecutionContext();
  await worker.queue(batch, { ...env, ...options.env });
  const result = await getQueueResult(batch, ctx);
  const delays = new Map<string, number | undefined>();
  batch.messages.forEach((message, i) => {
    const call = retries[i]?.mock.calls[0];
    if (call) delays.set(message.id, call[0]?.delaySeconds);
  });
  return { ...result, ids: batch.messages.map((m) => m.id), delays };
}
