// The input schema of the bge text-embedding models on Workers AI
// (cloudflare-docs src/content/workers-ai-models/bge-base-en-v1.5.json):
//   { text: string (minLength 1) | string[] (items minLength 1, maxItems 100), pooling?: "mean" | "cls" }
// or { requests: [...] } for the asynchronous batch API, which is not emulated.
import { AiErrors } from "./ai-errors";
import type { Pooling } from "./embedding";
import { jsonType as typeOf } from "./json-type";

export interface EmbeddingRequest {
  texts: string[];
  pooling: Pooling;
}

export const MAX_TEXTS_PER_CALL = 100;

export function parseEmbeddingInput(inputs: unknown): EmbeddingRequest {
  if (typeof inputs !== "object" || inputs === null || Array.isArray(inputs)) {
    throw AiErrors.badInput(`Type mismatch of '/', '${typeOf(inputs)}' not in 'object'`);
  }
  const { text, pooling, requests } = inputs as Partial<Record<"text" | "pooling" | "requests", unknown>>;
  if (requests !== undefined && text === undefined) {
    throw new Error("local-services: the asynchronous batch API ({ requests: [...] }, queueRequest) is not emulated; send { text } instead");
  }
  return { texts: texts(text), pooling: poolingOf(pooling) };
}

function texts(text: unknown): string[] {
  if (text === undefined) throw AiErrors.badInput("required properties at '/' are 'text'");
  if (typeof text === "string") {
    if (text.length === 0) throw AiErrors.badInput("String at '/text' is shorter than minLength 1");
    return [text];
  }
  if (!Array.isArray(text)) throw AiErrors.badInput(`Type mismatch of '/text', '${typeOf(text)}' not in 'string,array'`);
  if (text.length > MAX_TEXTS_PER_CALL) {
    throw AiErrors.badInput(`Array at '/text' has ${text.length} items, more than maxItems ${MAX_TEXTS_PER_CALL}`);
  }
  // The schema allows [], but an empty batch is a caller's bug: reject it here rather than embed nothing.
  if (text.length === 0) throw AiErrors.badInput("Array at '/text' has no items");
  return text.map((item: unknown, i) => {
    if (typeof item !== "string") throw AiErrors.badInput(`Type mismatch of '/text/${i}', '${typeOf(item)}' not in 'string'`);
    if (item.length === 0) throw AiErrors.badInput(`String at '/text/${i}' is shorter than minLength 1`);
    return item;
  });
}

function poolingOf(pooling: unknown): Pooling {
  if (pooling === undefined || pooling === "mean") return "mean";
  if (pooling === "cls") return "cls";
  throw AiErrors.badInput(`Value at '/pooling' is not one of enum 'mean,cls'`);
}
