// query()/queryById() options, checked the way the binding and the service
// check them. Defaults are the service's: topK 5, no values, no metadata.
import { compileFilter, type CompiledFilter } from "./metadata-filter";
import { validateNamespace } from "./vector-input";
import { VectorizeErrors } from "./vectorize-errors";

export type MetadataLevel = "none" | "indexed" | "all";

export interface QueryPlan {
  topK: number;
  namespace: string | undefined;
  returnValues: boolean;
  returnMetadata: MetadataLevel;
  filter: CompiledFilter | undefined;
}

const DEFAULT_TOP_K = 5;
const MAX_TOP_K = 100;
// /vectorize/platform/limits/: "Maximum returned results (topK) with values or metadata: 20".
const MAX_TOP_K_WITH_PAYLOAD = 20;
const LEVELS: readonly MetadataLevel[] = ["none", "indexed", "all"];

export function planQuery(options: unknown): QueryPlan {
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw VectorizeErrors.unparseableQuery("options: expected an object");
  }
  const { topK, namespace, returnValues, returnMetadata, filter } = (options ?? {}) as Partial<
    Record<"topK" | "namespace" | "returnValues" | "returnMetadata" | "filter", unknown>
  >;
  const plan: QueryPlan = {
    topK: topKOf(topK),
    namespace: validateNamespace("VECTOR_QUERY", namespace),
    returnValues: returnValuesOf(returnValues),
    returnMetadata: metadataLevel(returnMetadata),
    filter: filter === undefined ? undefined : compileFilter(filter),
  };
  if ((plan.returnValues || plan.returnMetadata === "all") && plan.topK > MAX_TOP_K_WITH_PAYLOAD) {
    throw VectorizeErrors.topKWithPayload(MAX_TOP_K_WITH_PAYLOAD, plan.topK);
  }
  return plan;
}

function topKOf(topK: unknown): number {
  if (topK === undefined) return DEFAULT_TOP_K;
  if (typeof topK !== "number") throw VectorizeErrors.unparseableQuery("topK: invalid type, expected an integer");
  if (!Number.isInteger(topK) || topK < 1 || topK > MAX_TOP_K) throw VectorizeErrors.topK(topK);
  return topK;
}

function returnValuesOf(returnValues: unknown): boolean {
  if (returnValues === undefined) return false;
  if (typeof returnValues !== "boolean") throw VectorizeErrors.unparseableQuery("returnValues: invalid type, expected a boolean");
  return returnValues;
}

/**
 * The binding (vectorize-api.ts) maps `true` to "all", rejects unknown truthy
 * values itself, and sends any falsy value other than undefined as it is,
 * which the service cannot parse: `returnMetadata: false` fails in production.
 */
function metadataLevel(returnMetadata: unknown): MetadataLevel {
  if (returnMetadata === undefined) return "none";
  if (returnMetadata === true) return "all";
  const level = LEVELS.find((l) => l === returnMetadata);
  if (level) return level;
  if (returnMetadata) {
    throw new Error(`Invalid returnMetadata option. Expected: true, false, "none", "indexed" or "all"; got: ${String(returnMetadata)}`);
  }
  throw VectorizeErrors.unparseableQuery("returnMetadata: expected value");
}
