// Validation of what callers hand to insert/upsert/deleteByIds/getByIds,
// against the limits of /vectorize/platform/limits/ and the per-call id caps
// measured on the live service (20 for getByIds, 100 for deleteByIds).
import { isWellFormed, utf8Length } from "./utf8";
import { VectorizeErrors, type VectorizeOperation } from "./vectorize-errors";

/** A vector as the index stores it; metadata kept as its JSON text. */
export interface StoredVector {
  id: string;
  namespace: string | undefined;
  values: Float32Array;
  metadata: string | undefined;
}

export const MAX_VECTORS_PER_WRITE = 1000;
export const MAX_IDS_PER_GET = 20;
export const MAX_IDS_PER_DELETE = 100;
const MAX_ID_BYTES = 64;
const MAX_NAMESPACE_BYTES = 64;
const MAX_METADATA_BYTES = 10 * 1024;

export function validateWrite(op: "VECTOR_INSERT" | "VECTOR_UPSERT", vectors: unknown, dimensions: number): StoredVector[] {
  if (!Array.isArray(vectors) || vectors.length === 0) throw VectorizeErrors.unparseableWrite(op, "expected a non-empty array of vectors");
  if (vectors.length > MAX_VECTORS_PER_WRITE) throw VectorizeErrors.tooManyVectors(op, MAX_VECTORS_PER_WRITE, vectors.length);
  return vectors.map((v: unknown) => validateVector(op, v, dimensions));
}

function validateVector(op: "VECTOR_INSERT" | "VECTOR_UPSERT", v: unknown, dimensions: number): StoredVector {
  if (typeof v !== "object" || v === null) throw VectorizeErrors.unparseableWrite(op, "each vector must be an object");
  const { id, values, namespace, metadata } = v as Partial<Record<"id" | "values" | "namespace" | "metadata", unknown>>;
  const checkedId = validateId(op, id);
  const floats = toFloats(values);
  if (!floats) throw VectorizeErrors.unparseableWrite(op, `values of id=${JSON.stringify(checkedId)} must be an array of finite numbers`);
  if (floats.length !== dimensions) throw VectorizeErrors.vectorDimensions(op, checkedId, dimensions, floats.length);
  return {
    id: checkedId,
    namespace: validateNamespace(op, namespace),
    values: floats,
    metadata: metadataJson(op, checkedId, metadata),
  };
}

export function validateIds(op: VectorizeOperation, ids: unknown, max: number): string[] {
  if (!Array.isArray(ids)) throw VectorizeErrors.unparseableWrite(op, "ids must be an array of strings");
  if (ids.length > max) throw VectorizeErrors.tooManyIds(op, max, ids.length);
  return ids.map((id: unknown) => validateId(op, id));
}

function validateId(op: VectorizeOperation, id: unknown): string {
  if (typeof id !== "string" || !isWellFormed(id)) throw VectorizeErrors.unparseableWrite(op, "id must be a string of valid UTF-8");
  if (id === "") throw VectorizeErrors.emptyId(op);
  const bytes = utf8Length(id);
  if (bytes > MAX_ID_BYTES) throw VectorizeErrors.idTooLong(op, bytes);
  return id;
}

/** Undefined and "" both mean "no namespace". */
export function validateNamespace(op: VectorizeOperation, namespace: unknown): string | undefined {
  if (namespace === undefined || namespace === "") return undefined;
  if (typeof namespace !== "string" || !isWellFormed(namespace)) {
    throw op === "VECTOR_QUERY"
      ? VectorizeErrors.unparseableQuery("namespace: expected a string")
      : VectorizeErrors.unparseableWrite(op, "namespace must be a string");
  }
  const bytes = utf8Length(namespace);
  if (bytes > MAX_NAMESPACE_BYTES) throw VectorizeErrors.namespaceTooLong(op, bytes);
  return namespace;
}

function metadataJson(op: VectorizeOperation, id: string, metadata: unknown): string | undefined {
  if (metadata === undefined || metadata === null) return undefined;
  if (typeof metadata !== "object" || Array.isArray(metadata)) throw VectorizeErrors.unparseableWrite(op, `metadata of id=${JSON.stringify(id)} must be an object`);
  // JSON.stringify would turn a lone surrogate into an escape the service cannot decode.
  if (!allStringsWellFormed(metadata)) throw VectorizeErrors.unparseableWrite(op, `metadata of id=${JSON.stringify(id)} is not valid UTF-8`);
  const json = JSON.stringify(metadata);
  const bytes = utf8Length(json);
  if (bytes > MAX_METADATA_BYTES) throw VectorizeErrors.metadataTooLarge(op, id, bytes);
  return json;
}

function allStringsWellFormed(value: unknown): boolean {
  if (typeof value === "string") return isWellFormed(value);
  if (typeof value !== "object" || value === null) return true;
  return Object.entries(value).every(([k, v]) => isWellFormed(k) && allStringsWellFormed(v));
}

/** number[] / Float32Array / Float64Array of finite numbers; undefined for anything else (NaN would reach the service as null). */
export function toFloats(values: unknown): Float32Array | undefined {
  let numbers: ArrayLike<unknown>;
  if (Array.isArray(values)) numbers = values;
  else if (values instanceof Float32Array || values instanceof Float64Array) numbers = values;
  else return undefined;
  const out = new Float32Array(numbers.length);
  for (let i = 0; i < numbers.length; i++) {
    const n = numbers[i];
    if (typeof n !== "number" || !Number.isFinite(n)) return undefined;
    out[i] = n;
  }
  return out;
}
