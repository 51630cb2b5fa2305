// POST /v1/embeddings as OpenAI answers it for text-embedding-3-*: float
// arrays or base64 of little-endian float32, `dimensions` to shorten,
// usage.prompt_tokens. Vectors are the hashed-term stand-in of embedding.ts.
import { estimateTokens } from "../completion";
import { embed } from "../embedding";
import { OpenAiErrors } from "./errors";

const MODELS: Readonly<Record<string, number>> = { "text-embedding-3-small": 1536, "text-embedding-3-large": 3072 };
const MAX_INPUTS = 2048;

export function embeddings(body: Record<string, unknown>): Response {
  const model = typeof body["model"] === "string" ? body["model"] : "";
  const native = Object.hasOwn(MODELS, model) ? MODELS[model] : undefined;
  if (native === undefined) return OpenAiErrors.noSuchModel(model);
  const input = body["input"];
  const texts = typeof input === "string" ? [input] : Array.isArray(input) && input.every((t) => typeof t === "string") ? (input as string[]) : undefined;
  if (!texts || texts.length === 0) return OpenAiErrors.invalid("'input' : input must be a string or an array of strings", "input");
  if (texts.length > MAX_INPUTS) return OpenAiErrors.invalid(`'input' : maximum ${MAX_INPUTS} inputs`, "input");
  if (texts.some((t) => t === "")) return OpenAiErrors.invalid("'input' cannot be an empty string.", "input");
  const dimensions = body["dimensions"] === undefined ? native : body["dimensions"];
  if (typeof dimensions !== "number" || !Number.isInteger(dimensions) || dimensions < 1 || dimensions > native) {
    return OpenAiErrors.invalid(`Invalid 'dimensions': must be an integer between 1 and ${native}.`, "dimensions");
  }
  const base64 = body["encoding_format"] === "base64";
  const data = texts.map((text, index) => {
    const vector = shorten(embed(text, { model, dimensions: native, pooling: "mean" }), dimensions);
    return { object: "embedding", index, embedding: base64 ? toBase64(vector) : vector };
  });
  const tokens = texts.reduce((sum, text) => sum + estimateTokens(text), 0);
  return Response.json({ object: "list", data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
}

/** Truncate and re-normalise, as text-embedding-3 does for `dimensions`. */
function shorten(vector: number[], dimensions: number): number[] {
  const kept = vector.slice(0, dimensions);
  const norm = Math.hypot(...kept) || 1;
  return kept.map((x) => x / norm);
}

function toBase64(vector: readonly number[]): string {
  const bytes = new Uint8Array(new Float32Array(vector).buffer);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
