// The emulated Vectorize index, read from the worker's vars. A bad value
// fails every call loudly: a silently defaulted setting would make the local
// index disagree with the real one without anyone noticing.

export type MetadataIndexType = "string" | "number" | "boolean";

/** A metadata index, as created with `wrangler vectorize create-metadata-index`. */
export interface MetadataIndex {
  property: string;
  type: MetadataIndexType;
}

export interface IndexConfig {
  name: string;
  dimensions: number;
  metric: VectorizeDistanceMetric;
  lagMs: number;
  metadataIndexes: MetadataIndex[];
}

// Real Vectorize limits: 1536 dimensions per vector, 10 metadata indexes per index.
const MAX_DIMENSIONS = 1536;
const MAX_METADATA_INDEXES = 10;
const METRICS: readonly VectorizeDistanceMetric[] = ["cosine", "euclidean", "dot-product"];
const INDEX_TYPES: readonly MetadataIndexType[] = ["string", "number", "boolean"];

export function indexConfig(env: LocalServicesEnv): IndexConfig {
  return {
    name: nonEmpty("LOCAL_VECTORIZE_INDEX_NAME", env.LOCAL_VECTORIZE_INDEX_NAME),
    dimensions: integerIn("LOCAL_VECTORIZE_DIMENSIONS", env.LOCAL_VECTORIZE_DIMENSIONS, 1, MAX_DIMENSIONS),
    metric: metric(env.LOCAL_VECTORIZE_METRIC),
    lagMs: integerIn("LOCAL_VECTORIZE_LAG_MS", env.LOCAL_VECTORIZE_LAG_MS, 0, 600_000),
    metadataIndexes: metadataIndexes(env.LOCAL_VECTORIZE_METADATA_INDEXES),
  };
}

function nonEmpty(name: string, value: string | undefined): string {
  const trimmed = value?.trim() ?? "";
  if (trimmed === "") throw new Error(`local-services: ${name} must be set`);
  return trimmed;
}

function integerIn(name: string, value: string | undefined, min: number, max: number): number {
  const n = Number(value?.trim());
  if (value === undefined || value.trim() === "" || !Number.isInteger(n) || n < min || n > max) {
    throw new Error(`local-services: ${name} must be an integer in [${min}, ${max}], got ${JSON.stringify(value)}`);
  }
  return n;
}

function metric(value: string | undefined): VectorizeDistanceMetric {
  const found = METRICS.find((m) => m === value?.trim());
  if (!found) throw new Error(`local-services: LOCAL_VECTORIZE_METRIC must be one of ${METRICS.join(", ")}, got ${JSON.stringify(value)}`);
  return found;
}

/** "documentId:string, page:number" -> indexes; an empty value means no metadata indexes. */
export function metadataIndexes(value: string | undefined): MetadataIndex[] {
  const entries = (value ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (entries.length > MAX_METADATA_INDEXES) {
    throw new Error(`local-services: LOCAL_VECTORIZE_METADATA_INDEXES has ${entries.length} entries; Vectorize allows ${MAX_METADATA_INDEXES}`);
  }
  return entries.map((entry) => {
    const [property = "", typeName = "string", ...rest] = entry.split(":").map((s) => s.trim());
    const type = INDEX_TYPES.find((t) => t === typeName);
    if (property === "" || !type || rest.length > 0) {
      throw new Error(`local-services: bad LOCAL_VECTORIZE_METADATA_INDEXES entry ${JSON.stringify(entry)}; expected "property" or "property:string|number|boolean"`);
    }
    return { property, type };
  });
}
