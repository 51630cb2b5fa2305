// Errors shaped like the ones the real Vectorize binding throws. The binding
// (workerd src/cloudflare/internal/vectorize-api.ts) turns a failed call into
//   new Error(`${OPERATION}_ERROR (code = ${code}): ${message}`, { cause })
// so callers can only tell failures apart by that text; keep it identical.
//
// Codes and wording come from errors reported against the live service where
// we found them (40006, 40007 for ids, 40008, 40012, 40023, 40025 with
// returned values/metadata, 40026); the rest are marked "approximated" and
// only promise the operation prefix.

export type VectorizeOperation = "VECTOR_QUERY" | "VECTOR_INSERT" | "VECTOR_UPSERT" | "VECTOR_GET" | "VECTOR_DELETE";

export function vectorizeError(operation: VectorizeOperation, code: number, message: string): Error {
  return new Error(`${operation}_ERROR (code = ${code}): ${message}`, { cause: new Error(message) });
}

export const VectorizeErrors = {
  queryDimensions: (expected: number, got: number) =>
    vectorizeError("VECTOR_QUERY", 40006, `invalid query vector, expected ${expected} dimensions, and got ${got} dimensions`),
  vectorDimensions: (op: VectorizeOperation, id: string, expected: number, got: number) =>
    vectorizeError(op, 40012, `invalid vector for id=${JSON.stringify(id)}, expected ${expected} dimensions, and got ${got} dimensions`),
  tooManyIds: (op: VectorizeOperation, max: number, got: number) =>
    vectorizeError(op, 40007, `too many ids in payload; max id count is ${max}, got ${got}`),
  // Approximated: the live code/wording for an oversized write batch was not found.
  tooManyVectors: (op: VectorizeOperation, max: number, got: number) =>
    vectorizeError(op, 40007, `too many vectors in payload; max vector count is ${max}, got ${got}`),
  idTooLong: (op: VectorizeOperation, bytes: number) => vectorizeError(op, 40008, `id too long; max is 64 bytes, got ${bytes} bytes`),
  // Approximated.
  emptyId: (op: VectorizeOperation) => vectorizeError(op, 40008, "id must be a non-empty string"),
  unparseableWrite: (op: VectorizeOperation, detail: string) =>
    op === "VECTOR_INSERT" || op === "VECTOR_UPSERT"
      ? vectorizeError(op, 40023, `failed to parse ${op === "VECTOR_INSERT" ? "insert" : "upsert"} vectors request in json format: ${detail}`)
      : vectorizeError(op, 40026, `Failed to parse the request body as JSON: ${detail}`),
  // Approximated.
  metadataTooLarge: (op: VectorizeOperation, id: string, bytes: number) =>
    vectorizeError(op, 40009, `metadata too large for id=${JSON.stringify(id)}; max is 10240 bytes, got ${bytes} bytes`),
  // Approximated.
  namespaceTooLong: (op: VectorizeOperation, bytes: number) =>
    vectorizeError(op, 40010, `namespace too long; max is 64 bytes, got ${bytes} bytes`),
  topKWithPayload: (max: number, got: number) =>
    vectorizeError(
      "VECTOR_QUERY",
      40025,
      `with returnValues=true or returnMetadata=all, max top K is ${max}, but got ${got}; for a top K up to 100, retry with returnValues=false and returnMetadata=indexed`,
    ),
  // "max top K is 100" is the live wording; the code and the rest are approximated.
  topK: (got: number) =>
    vectorizeError("VECTOR_QUERY", 40025, got > 100 ? `max top K is 100, but got ${got}` : `invalid top K, must be an integer from 1 to 100, but got ${got}`),
  unparseableQuery: (detail: string) => vectorizeError("VECTOR_QUERY", 40026, `Failed to parse the request body as JSON: ${detail}`),
} as const;
