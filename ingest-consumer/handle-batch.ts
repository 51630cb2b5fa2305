// Each message is handled on its own: its outcome decides its ack or retry,
// and one message's failure never sends the others back to the queue.
import { corpusGateFor } from "../shared/corpus-gate";
import { recordDeadLetter } from "../shared/dead-letters";
import { markDocumentFailed } from "../shared/documents";
import { workersAiEmbedder } from "../shared/embeddings";
import { IngestMessage } from "../shared/ingest-message";
import { retryDelaySeconds } from "./backoff";
import { type ConsumerConfig, readConfig } from "./config";
import { describeFailure, withTimeout } from "./failures";
import { type IngestDeps, ingest } from "./pipeline";
import { recordAttemptError } from "./status";
import { IngestUsage } from "./usage";

export async function handleBatch(batch: MessageBatch<unknown>, env: ConsumerEnv): Promise<void> {
  const config = readConfig(env);
  const embed = workersAiEmbedder(env.AI, config.embeddingModel);
  const deps: IngestDeps = {
    db: env.DB,
    bucket: env.DOCUMENTS,
    index: env.VECTORIZE,
    // A call that never answers must not hold the message until the invocation dies.
    embed: (texts) => withTimeout(embed(texts), config.aiTimeoutMs, "Workers AI"),
    config,
    corpusGate: (tenantId) => corpusGateFor(env.TENANT_GATE, tenantId),
  };
  // Concurrently: most of an ingestion is waiting on Workers AI and Vectorize.
  // handleMessage never throws; each message settles on its own.
  await Promise.all(batch.messages.map((message) => handleMessage(deps, batch.queue, message)));
}

async function handleMessage(deps: IngestDeps, queue: string, message: Message<unknown>): Promise<void> {
  const parsed = IngestMessage.safeParse(message.body);
  if (!parsed.success) {
    // No version of the contract reads it and retrying cannot change that: keep it for a person.
    console.error("ingest message unreadable", { id: message.id, issues: parsed.error.issues });
    try {
      await recordDeadLetter(deps.db, {
        ingestKey: null,
        tenantId: null,
        documentId: null,
        queue,
        messageId: message.id,
        body: message.body,
        reason: "unreadable",
        lastError: parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ").slice(0, 500),
        attempts: message.attempts,
      });
    } catch (error) {
      console.error("unreadable message not recorded", { id: message.id, error: String(error) });
      message.retry({ delaySeconds: delay(deps.config, message.attempts) });
      return;
    }
    message.ack();
    return;
  }
  const body = parsed.data;
  const usage = new IngestUsage(body.tenantId, deps.config.embeddingModel);
  let recorded: { ready: boolean; pages: number } = { ready: false, pages: 0 };
  try {
    const outcome = await ingest({ ...deps, embed: usage.meter(deps.embed) }, body);
    if (outcome.kind === "ready") recorded = { ready: true, pages: outcome.pages };
    switch (outcome.kind) {
      case "ready":
      case "skipped":
        console.log("ingest", { documentId: body.documentId, outcome });
        message.ack();
        return;
      case "failed":
        await markDocumentFailed(deps.db, body.documentId, outcome, { ingestKey: body.ingestKey });
        console.warn("ingest failed permanently", { documentId: body.documentId, code: outcome.code });
        message.ack();
        return;
      case "retry":
        await recordAttemptError(deps.db, body.documentId, body.ingestKey, outcome.reason);
        message.retry({ delaySeconds: delay(deps.config, message.attempts) });
        return;
    }
  } catch (error) {
    // Unknown errors are transient until the queue's retries run out; then the dead-letter queue has it.
    const failure = describeFailure(error);
    console.error("ingest attempt failed", { documentId: body.documentId, attempt: message.attempts, ...failure });
    await recordAttemptError(deps.db, body.documentId, body.ingestKey, `${failure.code}: ${failure.detail}`).catch(() => {});
    message.retry({ delaySeconds: delay(deps.config, message.attempts, failure.minDelaySeconds) });
  } finally {
    await usage.record(deps.db, recorded);
  }
}

function delay(config: ConsumerConfig, attempt: number, minSeconds = 0): number {
  const backoff = retryDelaySeconds(attempt, config.retryBaseSeconds, config.retryMaxSeconds);
  return Math.max(backoff, Math.min(minSeconds, config.retryMaxSeconds));
}
