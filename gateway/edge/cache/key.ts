// The cache key: everything that changes the answer. Two requests share an
// entry only if tenant, route, normalised body, settings and corpus version
// all match; the body is the validated one (defaults filled in, strings
// trimmed), with object keys sorted, so spelling a default out or reordering
// fields still hits.
import { sha256Hex } from "../../../shared/sha256";

/** Bump when the shape of cached values changes, so a deploy never reads old entries as new. */
const FORMAT = 1;

export interface CacheKeyParts {
  tenantId: string;
  route: string;
  body: unknown;
  /** Models and retrieval settings in force. */
  settings: Record<string, string | number | boolean>;
  corpusVersion: number;
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export async function cacheKey(parts: CacheKeyParts): Promise<string> {
  return sha256Hex(new TextEncoder().encode(canonicalJson({ format: FORMAT, ...parts })));
}
