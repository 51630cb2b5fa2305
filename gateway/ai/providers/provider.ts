// What every provider offers the router: one chat call, whole or streamed,
// and one embeddings call, each answering in OpenAI's shapes. Expected
// failures are values; `retryable` ones let the router try the next model.
import type { Result } from "../../../shared/result";
import type { ChatRequest } from "../chat-request";
import type { ChatModel, EmbeddingModel } from "../models";
import type { ChatCompletion, ChatCompletionChunk, Usage } from "../openai-types";

export type FailureKind =
  /** Out of capacity or rate limited (Workers AI 3040/3036/429, OpenAI 429). */
  | "unavailable"
  /** The provider failed (5xx, a broken answer, a misconfigured key). */
  | "error"
  /** No answer within the timeout. */
  | "timeout"
  /** The request itself is wrong for this model: the caller's to fix, never retried elsewhere. */
  | "bad_request";

export interface ProviderFailure {
  kind: FailureKind;
  message: string;
  /** bad_request: which parameter, when the provider said. */
  param?: string | null;
}

export const failure = (kind: FailureKind, message: string, param?: string | null): ProviderFailure => ({ kind, message, param: param ?? null });

export const isRetryable = (f: ProviderFailure) => f.kind !== "bad_request";

export interface ChatCall {
  model: ChatModel;
  request: ChatRequest;
  signal: AbortSignal;
}

/** A stream already started: chunks in OpenAI's shape (each with usage null), then the usage the provider reported, if any. */
export interface ChatStream {
  chunks: AsyncGenerator<ChatCompletionChunk>;
  /** Read after the chunks are exhausted. */
  usage(): Usage | undefined;
}

/** Raised inside a started stream: it cannot move to another model any more. */
export class StreamFailure extends Error {
  override name = "StreamFailure";
  constructor(readonly failure: ProviderFailure) {
    super(failure.message);
  }
}

export interface EmbeddingCall {
  model: EmbeddingModel;
  input: string[];
  dimensions: number | undefined;
  signal: AbortSignal;
}

export interface Embeddings {
  vectors: number[][];
  /** Tokens the provider counted, if it reports them. */
  promptTokens: number | undefined;
}

export interface Answer {
  completion: ChatCompletion;
  /** True when the provider reported no usage and completion.usage is an estimate. */
  estimated: boolean;
}

export interface ProviderClient {
  complete(call: ChatCall): Promise<Result<Answer, ProviderFailure>>;
  stream(call: ChatCall): Promise<Result<ChatStream, ProviderFailure>>;
  embed(call: EmbeddingCall): Promise<Result<Embeddings, ProviderFailure>>;
}
