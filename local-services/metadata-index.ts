// What a vector contributes to the index's metadata indexes. Real Vectorize
// only filters on these values: a property without a metadata index, or a
// value of another type than its index, is invisible to filters.
import type { MetadataIndex } from "./config";
import { truncateUtf8 } from "./utf8";

export type IndexedValue = string | number | boolean;
/** Indexed property name -> indexed value; properties the vector lacks are absent. */
export type IndexedMetadata = ReadonlyMap<string, IndexedValue>;

// String indexes hold only the first 64 bytes of a value.
const INDEXED_STRING_BYTES = 64;

export function indexedMetadata(indexes: readonly MetadataIndex[], metadata: unknown): IndexedMetadata {
  const indexed = new Map<string, IndexedValue>();
  for (const { property, type } of indexes) {
    const value = lookup(metadata, property);
    if (type === "string" && typeof value === "string") indexed.set(property, truncateUtf8(value, INDEXED_STRING_BYTES));
    else if (type === "number" && typeof value === "number" && Number.isFinite(value)) indexed.set(property, value);
    else if (type === "boolean" && typeof value === "boolean") indexed.set(property, value);
  }
  return indexed;
}

/** A dot in a property name reaches into nested objects: "pandas.nice" reads { pandas: { nice } }. */
function lookup(metadata: unknown, path: string): unknown {
  let current = metadata;
  for (const key of path.split(".")) {
    if (typeof current !== "object" || current === null || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
