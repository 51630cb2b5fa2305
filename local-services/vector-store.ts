// The visible vectors of the index, decoded and held in memory per namespace,
// so that a brute-force query over ~20,000 vectors of 768 dimensions takes
// tens of milliseconds instead of re-reading every blob from SQLite.
import { matchesFilter, type CompiledFilter } from "./metadata-filter";
import type { IndexedMetadata } from "./metadata-index";
import { NamespaceShard } from "./namespace-shard";
import { selectTop, type Hit } from "./top-k";

export type { Hit } from "./top-k";

export interface SearchPlan {
  topK: number;
  namespace: string | undefined;
  filter: CompiledFilter | undefined;
}

// Vectors without a namespace live in their own shard under this key.
const NO_NAMESPACE = "";

export class VectorStore {
  private readonly shards = new Map<string, NamespaceShard>();
  private readonly namespaceOf = new Map<string, string>();

  constructor(
    private readonly dimensions: number,
    private readonly metric: VectorizeDistanceMetric,
    private readonly indexedProperties: ReadonlySet<string>,
  ) {}

  get size(): number {
    return this.namespaceOf.size;
  }

  has(id: string): boolean {
    return this.namespaceOf.has(id);
  }

  /** A vector id is unique across the whole index: writing it in another namespace moves it. */
  put(id: string, namespace: string | undefined, values: Float32Array, indexed: IndexedMetadata): void {
    const key = namespace ?? NO_NAMESPACE;
    if (this.namespaceOf.get(id) !== key) this.remove(id);
    let shard = this.shards.get(key);
    if (!shard) {
      shard = new NamespaceShard(this.dimensions);
      this.shards.set(key, shard);
    }
    shard.set(id, values, indexed);
    this.namespaceOf.set(id, key);
  }

  remove(id: string): void {
    const key = this.namespaceOf.get(id);
    if (key === undefined) return;
    this.shards.get(key)?.remove(id);
    this.namespaceOf.delete(id);
  }

  entry(id: string): { namespace: string | undefined; values: Float32Array; indexed: IndexedMetadata } | undefined {
    const key = this.namespaceOf.get(id);
    const found = key === undefined ? undefined : this.shards.get(key)?.get(id);
    if (key === undefined || !found) return undefined;
    return { namespace: key === NO_NAMESPACE ? undefined : key, ...found };
  }

  /** The namespace narrows the search first, then the filter, then the top K are taken (as in Vectorize). */
  search(query: Float32Array, plan: SearchPlan): Hit[] {
    const { filter } = plan;
    // A clause on an unindexed property matches nothing, so neither can the query.
    if (filter?.some((c) => !this.indexedProperties.has(c.property))) return [];
    const shards = plan.namespace === undefined ? [...this.shards.values()] : [this.shards.get(plan.namespace)];
    const accept = filter ? (indexed: IndexedMetadata) => matchesFilter(filter, indexed, this.indexedProperties) : undefined;
    return selectTop(
      shards.flatMap((shard) => (shard ? [shard] : [])),
      query,
      this.metric,
      plan.topK,
      accept,
    );
  }
}
