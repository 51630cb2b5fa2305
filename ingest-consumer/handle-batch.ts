// Each message is handled on its own: its outcome decides its ack or retry,
// and one message's failure never sends the others back to the queue.
import { markDocumentFailed } from "../shared/documents";
import { workersAiEmbedder } from "../shared/embeddings";
import { IngestMessage } from "../shared/ingest-message";
import { retryDelaySeconds } from "./backoff";
import { readConfig } from "./config";
import { type IngestDeps, ingest } from "./pipeline";

export async function handleBatch(batch: MessageBatch<unknown>, env: ConsumerEnv): Promise<void> {
  const config = readConfig(env);
  const deps: IngestDeps = {
    db: env.DB,
    bucket: env.DOCUMENTS,
    index: env.VECTORIZE,
    embed: workersAiEmbedder(env.AI, config.embeddingModel),
    config,
  };
  for (const message of batch.messages) await handleMessage(deps, message);
}

async function handleMessage(deps: IngestDeps, message: Message<unknown>): Promise<void> {
  const parsed = IngestMessage.safeParse(message.body);
  if (!parsed.success) {
    // No version of the contract reads it; retrying cannot help. It is logged whole.
    console.error("ingest message rejected: unknown shape", { id: message.id, body: message.body, issues: parsed.error.issues });
    message.ack();
    return;
  }
  const body = parsed.data;
  const backoff = () => retryDelaySeconds(message.attempts, deps.config.retryBaseSeconds, deps.config.retryMaxSeconds);
  try {
    const outcome = await ingest(deps, body);
    switch (outcome.kind) {
      case "ready":
      case "skipped":
        console.log("ingest", { documentId: body.documentId, outcome });
        message.ack();
        return;
      case "failed":
        await markDocumentFailed(deps.db, body.documentId, { code: outcome.code, message: outcome.message });
        console.warn("ingest failed permanently", { documentId: body.documentId, code: outcome.code });
        message.ack();
        return;
      case "retry":
        message.retry({ delaySeconds: outcome.delaySeconds ?? backoff() });
        return;
    }
  } catch (error) {
    // Unknown errors are transient until the queue's retries run out.
    console.error("ingest attempt failed", { documentId: body.documentId, attempt: message.attempts, error: String(error) });
    message.retry({ delaySeconds: backoff() });
  }
}
