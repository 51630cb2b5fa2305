// Runs the ingest consumer's Cron Trigger the way the runtime would.
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../ingest-consumer/index";

export async function runSweep(overrides: Partial<ConsumerEnv> = {}): Promise<void> {
  await worker.scheduled(createScheduledController({ cron: "*/5 * * * *", scheduledTime: new Date() }), { ...env, ...overrides });
}

/** Makes a document look untouched for `ms`, as if its message had been lost that long ago. */
export async function age(documentId: string, ms: number): Promise<void> {
  await env.DB.prepare("UPDATE documents SET updated_at = ? WHERE id = ?").bind(Date.now() - ms, documentId).run();
}

/** A queue that loses every message sent to it, and remembers what it lost. */
export function losingQueue(): { queue: Queue; lost: unknown[] } {
  const lost: unknown[] = [];
  const queue = {
    send: async (body: unknown) => void lost.push(body),
    sendBatch: async (messages: Iterable<MessageSendRequest>) => void lost.push(...[...messages].map((m) => m.body)),
  } as unknown as Queue; // The sweeper only sends.
  return { queue, lost };
}
