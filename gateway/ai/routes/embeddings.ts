// POST /v1/embeddings: OpenAI's embeddings API. Texts go to the provider in
// batches of its limit (100 for Workers AI); vectors come back as floats or,
// as the SDKs ask by default, base64 of little-endian float32. There is no
// fallback to another model: vectors of different models cannot be compared.
import { Hono } from "hono";
import { z } from "zod";
import { estimateTokens } from "../../../shared/token-estimate";
import type { AppEnv } from "../../context";
import { openCacheEntry } from "../../edge/cache/cache-entry";
import { aiDeps } from "../configure";
import { findEmbeddingModel } from "../models";
import { invalidParam, modelNotFound, modelsUnavailable, OpenAiError, unsupportedParam } from "../openai-error";
import { parseBody } from "../parse-body";
import { logOutcome } from "../outcome";
import { meterProviderCall } from "../../usage/meter-provider-call";

/** OpenAI's own limit on inputs per request. */
const MAX_INPUTS = 2048;

const EmbeddingsRequest = z.strictObject({
  model: z.string().min(1).default("auto"),
  input: z.union([z.string(), z.array(z.string()).min(1).max(MAX_INPUTS, `must hold at most ${MAX_INPUTS} texts`), z.array(z.number()), z.array(z.array(z.number()))]),
  encoding_format: z.enum(["float", "base64"]).default("float"),
  dimensions: z.number().int().min(1).optional(),
  user: z.string().max(256).optional(),
});

export interface EmbeddingsResponse {
  object: "list";
  data: { object: "embedding"; index: number; embedding: number[] | string }[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

export const embeddings = new Hono<AppEnv>().post("/", async (c) => {
  const request = await parseBody(c, EmbeddingsRequest);
  const deps = aiDeps(c.env);
  const name = request.model === "auto" ? deps.config.embeddingModel : request.model;
  const model = findEmbeddingModel(name);
  const client = model ? deps.clients[model.provider] : undefined;
  if (!model || !client) throw modelNotFound(name, "embedding");
  const input = textsOf(request.input);
  if (input.some((text) => text === "")) throw invalidParam("input", "Invalid value for 'input': texts must not be empty.");
  if (request.dimensions !== undefined && request.dimensions !== model.dimensions) {
    if (!model.shortenable) throw unsupportedParam("dimensions", model.id);
    if (request.dimensions > model.dimensions) throw invalidParam("dimensions", `dimensions must be at most ${model.dimensions} for ${model.id}.`);
  }
  c.get("edge").model = model.id;
  // A request's vectors are a pure function of model and texts: small requests go through the
  // edge's response cache (large ones would not fit a cache entry).
  const cache =
    input.length <= MAX_CACHED_INPUTS
      ? await openCacheEntry<CachedEmbeddings>(c, { route: "POST /v1/embeddings", body: { input, dimensions: request.dimensions ?? null }, settings: { model: model.id } })
      : undefined;
  if (cache?.hit) {
    c.get("usage").answeredWithoutModel("hit", model.id);
    return c.json(responseOf(cache.hit.value, model.id, request.encoding_format), 200, cache.headers());
  }
  const { breakers } = deps;
  if (!breakers.admit(model.provider)) throw modelsUnavailable(10);

  const started = Date.now();
  const result = await client.embed({ model, input, dimensions: request.dimensions, signal: c.req.raw.signal });
  const latencyMs = Date.now() - started;
  const promptTokens = result.ok && result.value.promptTokens !== undefined ? result.value.promptTokens : input.reduce((sum, text) => sum + estimateTokens(text), 0);
  logOutcome({
    requestId: c.get("requestId"),
    tenantId: c.get("caller").tenantId,
    kind: "embeddings",
    provider: model.provider,
    model: model.id,
    stream: false,
    experiment: null,
    variant: null,
    inputTokens: result.ok ? promptTokens : 0,
    outputTokens: 0,
    tokensEstimated: !result.ok || result.value.promptTokens === undefined,
    latencyMs,
    outcome: result.ok ? "ok" : "failed",
    failure: result.ok ? null : result.error.kind,
  });
  meterProviderCall(c.get("usage"), { provider: model.provider, model: model.id, variant: null, inputTokens: result.ok ? promptTokens : 0, outputTokens: 0, latencyMs, outcome: result.ok ? "ok" : "failed" }, true);
  if (!result.ok) {
    if (result.error.kind === "bad_request") {
      breakers.neutral(model.provider);
      throw new OpenAiError(400, "invalid_request_error", "invalid_request", `The model refused the request: ${result.error.message}`, result.error.param ?? null);
    }
    breakers.failure(model.provider);
    throw modelsUnavailable(10);
  }
  breakers.success(model.provider);
  const computed: CachedEmbeddings = { vectors: result.value.vectors, promptTokens };
  cache?.save(computed);
  return c.json(responseOf(computed, model.id, request.encoding_format), 200, cache?.headers() ?? {});
});

/** Texts per request whose answer is cached (100 vectors of 1,024 floats stay well under a cache entry's size). */
const MAX_CACHED_INPUTS = 100;

interface CachedEmbeddings {
  vectors: number[][];
  promptTokens: number;
}

function responseOf({ vectors, promptTokens }: CachedEmbeddings, model: string, encoding: "float" | "base64"): EmbeddingsResponse {
  return {
    object: "list",
    data: vectors.map((vector, index) => ({ object: "embedding", index, embedding: encoding === "base64" ? base64Float32(vector) : vector })),
    model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}

function textsOf(input: z.output<typeof EmbeddingsRequest>["input"]): string[] {
  if (typeof input === "string") return [input];
  if (input.every((item): item is string => typeof item === "string")) return input;
  // Token arrays are tokenizer-specific (OpenAI's cl100k); no Workers AI model reads them.
  throw invalidParam("input", "Invalid value for 'input': token arrays are not supported; send text.");
}

/** Little-endian float32 bytes, base64: what OpenAI sends for encoding_format "base64". */
function base64Float32(vector: readonly number[]): string {
  const bytes = new Uint8Array(new Float32Array(vector).buffer);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
