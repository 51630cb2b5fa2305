// The consumer's configuration, from its vars, with production defaults.
import { type EmbeddingModel, isEmbeddingModel } from "../shared/embeddings";

export interface ConsumerConfig {
  embeddingModel: EmbeddingModel;
  maxPages: number;
  maxChunks: number;
  retryBaseSeconds: number;
  retryMaxSeconds: number;
  /** How long one attempt waits for Vectorize to make its writes queryable before retrying later. */
  visibilityTimeoutMs: number;
  /** A Workers AI call slower than this counts as failed (and is retried). */
  aiTimeoutMs: number;
  /** A queued / processing document untouched this long has lost its message (ingest-consumer/sweep.ts). */
  stalledAfterSeconds: number;
  /** Re-sends of one ingestion's message before the document is marked failed (`stalled`). */
  stalledMaxResends: number;
}

type ConfigVars = Partial<Record<"EMBEDDING_MODEL" | "MAX_PAGES" | "MAX_CHUNKS" | "RETRY_BASE_SECONDS" | "RETRY_MAX_SECONDS" | "VISIBILITY_TIMEOUT_MS" | "AI_TIMEOUT_MS" | "STALLED_AFTER_SECONDS" | "STALLED_MAX_RESENDS", string>>;

export function readConfig(vars: ConfigVars): ConsumerConfig {
  const model = vars.EMBEDDING_MODEL || "@cf/baai/bge-base-en-v1.5";
  if (!isEmbeddingModel(model)) throw new Error(`EMBEDDING_MODEL ${model} is not a supported embedding model`);
  const retryMaxSeconds = positive(vars.RETRY_MAX_SECONDS, 600, "RETRY_MAX_SECONDS");
  const stalledAfterSeconds = positive(vars.STALLED_AFTER_SECONDS, 1800, "STALLED_AFTER_SECONDS");
  // A document waiting out a retry delay is untouched for up to RETRY_MAX_SECONDS: that is not a stall.
  if (stalledAfterSeconds <= retryMaxSeconds) {
    throw new Error(`STALLED_AFTER_SECONDS (${stalledAfterSeconds}) must be longer than RETRY_MAX_SECONDS (${retryMaxSeconds})`);
  }
  return {
    embeddingModel: model,
    maxPages: positive(vars.MAX_PAGES, 2000, "MAX_PAGES"),
    maxChunks: positive(vars.MAX_CHUNKS, 5000, "MAX_CHUNKS"),
    retryBaseSeconds: positive(vars.RETRY_BASE_SECONDS, 10, "RETRY_BASE_SECONDS"),
    retryMaxSeconds,
    visibilityTimeoutMs: positive(vars.VISIBILITY_TIMEOUT_MS, 30000, "VISIBILITY_TIMEOUT_MS"),
    aiTimeoutMs: positive(vars.AI_TIMEOUT_MS, 60000, "AI_TIMEOUT_MS"),
    stalledAfterSeconds,
    stalledMaxResends: positive(vars.STALLED_MAX_RESENDS, 3, "STALLED_MAX_RESENDS"),
  };
}

function positive(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got ${value}`);
  return n;
}
