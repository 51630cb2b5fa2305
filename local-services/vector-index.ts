// One emulated Vectorize index. Writes are accepted at once and become visible
// LOCAL_VECTORIZE_LAG_MS later, in the order they were accepted, like real
// Vectorize mutations; every call first applies the writes that are due.
// Callers validate input first (vectorize.ts); this class trusts it.
import { DurableObject } from "cloudflare:workers";
import { indexConfig, type IndexConfig } from "./config";
import * as storage from "./index-storage";
import { indexedMetadata } from "./metadata-index";
import type { QueryPlan } from "./query-options";
import type { StoredVector } from "./vector-input";
import { VectorStore } from "./vector-store";

/** describe() as the service answers it: an ISO datetime and a mutation UUID (workers-types says number; it is not). */
export interface LocalIndexInfo {
  vectorCount: number;
  dimensions: number;
  processedUpToDatetime: string | null;
  processedUpToMutation: string | null;
}

// Vectors read from storage between two pauses while the index loads (a few ms of work).
const LOAD_SLICE = 2000;

export class LocalVectorIndex extends DurableObject<LocalServicesEnv> {
  private readonly config: IndexConfig;
  private readonly sql: SqlStorage;
  private store: VectorStore | undefined;

  constructor(ctx: DurableObjectState, env: LocalServicesEnv) {
    super(ctx, env);
    this.config = indexConfig(env);
    this.sql = ctx.storage.sql;
    storage.createSchema(this.sql);
    storage.pinDimensions(this.sql, this.config.dimensions, this.config.name);
    // A persisted local index grows with every `npm run dev` session (100k
    // vectors are hundreds of MB): loaded in one go at the first write after a
    // restart, it held the whole local process, gateway included, for seconds.
    // Loaded in slices instead, while this object alone waits for it.
    void ctx.blockConcurrencyWhile(async () => {
      this.store = await this.loadInSlices();
    });
  }

  write(kind: "insert" | "upsert", vectors: StoredVector[]): VectorizeAsyncMutation {
    return this.accept(kind, vectors);
  }

  remove(ids: string[]): VectorizeAsyncMutation {
    return this.accept("delete", ids);
  }

  query(vector: Float32Array, plan: QueryPlan): VectorizeMatches {
    const store = this.visible();
    const hits = store.search(vector, plan);
    const metadata = plan.returnMetadata === "all" ? storage.metadataOf(this.sql, hits.map((h) => h.id)) : new Map<string, string>();
    const matches = hits.map(({ id, score }): VectorizeMatch => {
      const entry = store.entry(id);
      const match: VectorizeMatch = { id, score };
      if (entry?.namespace !== undefined) match.namespace = entry.namespace;
      if (plan.returnValues && entry) match.values = Array.from(entry.values);
      if (plan.returnMetadata === "indexed" && entry) match.metadata = Object.fromEntries(entry.indexed);
      const all = plan.returnMetadata === "all" ? parseMetadata(metadata.get(id)) : undefined;
      if (all) match.metadata = all;
      return match;
    });
    return { matches, count: matches.length };
  }

  /** An id that is not (yet) visible finds nothing. */
  queryById(id: string, plan: QueryPlan): VectorizeMatches {
    const entry = this.visible().entry(id);
    return entry ? this.query(entry.values, plan) : { matches: [], count: 0 };
  }

  getByIds(ids: string[]): VectorizeVector[] {
    const store = this.visible();
    const unique = [...new Set(ids)].filter((id) => store.has(id));
    const metadata = storage.metadataOf(this.sql, unique);
    return unique.flatMap((id) => {
      const entry = store.entry(id);
      if (!entry) return [];
      const vector: VectorizeVector = { id, values: Array.from(entry.values) };
      const all = parseMetadata(metadata.get(id));
      if (all) vector.metadata = all;
      if (entry.namespace !== undefined) vector.namespace = entry.namespace;
      return [vector];
    });
  }

  describe(): LocalIndexInfo {
    const store = this.visible();
    const last = storage.lastApplied(this.sql);
    return {
      vectorCount: store.size,
      dimensions: this.config.dimensions,
      processedUpToDatetime: last ? new Date(last.applyAt).toISOString() : null,
      processedUpToMutation: last?.mutationId ?? null,
    };
  }

  private accept(kind: storage.MutationKind, payload: StoredVector[] | string[]): VectorizeAsyncMutation {
    // Apply what is due now, so a long run of writes with no read in between
    // (an ingestion) does not leave thousands of vectors to apply in one
    // synchronous stretch at its first read, stalling every worker of the local process.
    this.visible();
    const mutationId = crypto.randomUUID();
    this.ctx.storage.transactionSync(() =>
      storage.appendMutation(this.sql, { mutationId, kind, applyAt: Date.now() + this.config.lagMs }, payload),
    );
    return { mutationId };
  }

  /** The in-memory view of what queries may see, after applying every mutation that is due. */
  private visible(): VectorStore {
    const store = this.store ?? this.load();
    try {
      for (const mutation of storage.dueMutations(this.sql, Date.now())) {
        this.ctx.storage.transactionSync(() => {
          for (const row of storage.pendingRows(this.sql, mutation.seq)) this.apply(store, mutation.kind, row);
          storage.markApplied(this.sql, mutation.seq);
        });
      }
    } catch (error) {
      // The transaction rolled back but the memory view may be half-applied: rebuild it next time.
      this.store = undefined;
      throw error;
    }
    return store;
  }

  /** insert keeps an existing vector; upsert replaces it whole; delete of a missing id is a no-op. */
  private apply(store: VectorStore, kind: storage.MutationKind, row: storage.VectorRow): void {
    if (kind === "delete") {
      storage.deleteVector(this.sql, row.id);
      store.remove(row.id);
      return;
    }
    if (kind === "insert" && store.has(row.id)) return;
    const indexed = indexedMetadata(this.config.metadataIndexes, parseMetadata(row.metadata));
    storage.writeVector(this.sql, row, indexed);
    store.put(row.id, row.namespace, row.values, indexed);
  }

  private async loadInSlices(): Promise<VectorStore> {
    const store = this.emptyStore();
    for (let after = 0; ; ) {
      const page = storage.vectorPage(this.sql, after, LOAD_SLICE);
      for (const row of page) store.put(row.id, row.namespace, row.values, row.indexed);
      const last = page.at(-1);
      if (page.length < LOAD_SLICE || last === undefined) return store;
      after = last.rowid;
      // A timer lets the runtime read its sockets: see ingest-consumer/yield-to-loop.ts.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }

  private emptyStore(): VectorStore {
    return new VectorStore(this.config.dimensions, this.config.metric, new Set(this.config.metadataIndexes.map((i) => i.property)));
  }

  private load(): VectorStore {
    const store = this.emptyStore();
    for (const row of storage.allVectors(this.sql)) store.put(row.id, row.namespace, row.values, row.indexed);
    this.store = store;
    return store;
  }
}

function parseMetadata(json: string | undefined): Record<string, VectorizeVectorMetadata> | undefined {
  return json === undefined ? undefined : (JSON.parse(json) as Record<string, VectorizeVectorMetadata>);
}
