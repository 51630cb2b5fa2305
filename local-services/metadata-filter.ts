// Query metadata filters, with the rules of /vectorize/reference/metadata-filtering/:
// a non-empty object under 2048 bytes of compact JSON; keys non-empty, at most
// 512 characters, no `"`, not starting with `$` (a dot means nesting); values
// a scalar (implicit $eq) or an object of $eq $ne $lt $lte $gt $gte $in $nin.
// Several keys, or several operators on one key, all have to hold.
import type { IndexedMetadata, IndexedValue } from "./metadata-index";
import { utf8Length } from "./utf8";
import { VectorizeErrors } from "./vectorize-errors";

type Scalar = string | number | boolean | null;
type Clause =
  | { property: string; op: "$eq" | "$ne"; operand: Scalar }
  | { property: string; op: "$lt" | "$lte" | "$gt" | "$gte"; operand: string | number }
  | { property: string; op: "$in" | "$nin"; operand: readonly IndexedValue[] };

export type CompiledFilter = readonly Clause[];

const MAX_FILTER_BYTES = 2048;
const MAX_KEY_LENGTH = 512;
const RANGE_OPS = ["$lt", "$lte", "$gt", "$gte"] as const;

export function compileFilter(filter: unknown): CompiledFilter {
  if (!isPlainObject(filter) || Object.keys(filter).length === 0) throw bad("filter must be a non-empty object");
  if (utf8Length(JSON.stringify(filter)) >= MAX_FILTER_BYTES) throw bad(`filter must be smaller than ${MAX_FILTER_BYTES} bytes of JSON`);
  const clauses: Clause[] = [];
  for (const [property, value] of Object.entries(filter)) {
    if (property === "" || property.length > MAX_KEY_LENGTH || property.includes('"') || property.startsWith("$")) {
      throw bad(`invalid filter key ${JSON.stringify(property)}`);
    }
    if (isScalar(value)) clauses.push({ property, op: "$eq", operand: value });
    else if (isPlainObject(value) && Object.keys(value).length > 0) {
      for (const [op, operand] of Object.entries(value)) clauses.push(clause(property, op, operand));
    } else throw bad(`invalid filter value for key ${JSON.stringify(property)}`);
  }
  return clauses;
}

function clause(property: string, op: string, operand: unknown): Clause {
  if ((op === "$eq" || op === "$ne") && isScalar(operand)) return { property, op, operand };
  const rangeOp = RANGE_OPS.find((r) => r === op);
  if (rangeOp && (typeof operand === "string" || (typeof operand === "number" && Number.isFinite(operand)))) {
    return { property, op: rangeOp, operand };
  }
  if ((op === "$in" || op === "$nin") && Array.isArray(operand) && operand.every(isIndexable)) {
    return { property, op, operand: operand.filter(isIndexable) };
  }
  throw bad(`invalid filter operator or operand: ${JSON.stringify({ [op]: operand })} for key ${JSON.stringify(property)}`);
}

/**
 * Whether a vector passes the filter. A clause on a property that has no
 * metadata index never holds: real Vectorize answers such a query with no
 * matches rather than an error.
 */
export function matchesFilter(filter: CompiledFilter, indexed: IndexedMetadata, indexedProperties: ReadonlySet<string>): boolean {
  return filter.every((c) => indexedProperties.has(c.property) && holds(c, indexed.get(c.property)));
}

function holds(c: Clause, value: IndexedValue | undefined): boolean {
  switch (c.op) {
    case "$eq":
      return c.operand === null ? value === undefined : value === c.operand;
    case "$ne":
      return c.operand === null ? value !== undefined : value !== c.operand;
    case "$in":
      return value !== undefined && c.operand.includes(value);
    case "$nin":
      return value === undefined || !c.operand.includes(value);
    default:
      // Ranges compare numbers with numbers and strings with strings (lexicographically), nothing else.
      if (typeof value === "number" && typeof c.operand === "number") return compare(c.op, value, c.operand);
      if (typeof value === "string" && typeof c.operand === "string") return compare(c.op, value, c.operand);
      return false;
  }
}

function compare<T extends string | number>(op: (typeof RANGE_OPS)[number], a: T, b: T): boolean {
  if (op === "$lt") return a < b;
  if (op === "$lte") return a <= b;
  if (op === "$gt") return a > b;
  return a >= b;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isIndexable(v: unknown): v is IndexedValue {
  return typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v));
}

function isScalar(v: unknown): v is Scalar {
  return v === null || isIndexable(v);
}

function bad(detail: string): Error {
  return VectorizeErrors.unparseableQuery(`filter: ${detail}`);
}
