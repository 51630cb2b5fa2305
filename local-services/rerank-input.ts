// The input schema of @cf/baai/bge-reranker-base on Workers AI
// (cloudflare-docs src/content/workers-ai-models/bge-reranker-base.json):
//   { query: string (minLength 1), contexts: [{ text: string (minLength 1) }], top_k?: integer >= 1 }
// `query` and `contexts` are required. workers-types leaves `query` out of
// Ai_Cf_Baai_Bge_Reranker_Base_Input; the service rejects a call without it.
import { AiErrors } from "./ai-errors";
import { isRecord, jsonType } from "./json-type";

export interface RerankRequest {
  query: string;
  contexts: string[];
  topK: number | undefined;
}

export function parseRerankInput(inputs: unknown): RerankRequest {
  if (!isRecord(inputs)) throw AiErrors.schema(`Type mismatch of '/', '${jsonType(inputs)}' not in 'object'`);
  const { query, contexts, top_k } = inputs;
  for (const [name, value] of [["query", query], ["contexts", contexts]] as const) {
    if (value === undefined) throw AiErrors.schema(`required properties at '/' are '${name}'`);
  }
  return { query: nonEmptyString(query, "/query"), contexts: texts(contexts), topK: topK(top_k) };
}

function texts(contexts: unknown): string[] {
  if (!Array.isArray(contexts)) throw AiErrors.schema(`Type mismatch of '/contexts', '${jsonType(contexts)}' not in 'array'`);
  // The schema allows [], but reranking nothing is a caller's bug (as an empty embedding batch is).
  if (contexts.length === 0) throw AiErrors.schema("Array at '/contexts' has no items");
  return contexts.map((context: unknown, i) => {
    const path = `/contexts/${i}`;
    if (!isRecord(context)) throw AiErrors.schema(`Type mismatch of '${path}', '${jsonType(context)}' not in 'object'`);
    // Optional in the schema, but a context without text has nothing to score: fail rather than guess.
    if (context.text === undefined) throw AiErrors.schema(`required properties at '${path}' are 'text'`);
    return nonEmptyString(context.text, `${path}/text`);
  });
}

function topK(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw AiErrors.schema(`Type mismatch of '/top_k', '${jsonType(value)}' not in 'integer'`);
  }
  if (value < 1) throw AiErrors.schema(`Value at '/top_k' is less than minimum 1`);
  return value;
}

function nonEmptyString(value: unknown, path: string): string {
  if (typeof value !== "string") throw AiErrors.schema(`Type mismatch of '${path}', '${jsonType(value)}' not in 'string'`);
  if (value.length === 0) throw AiErrors.schema(`String at '${path}' is shorter than minLength 1`);
  return value;
}
