// Stand-in for a Vectorize (V2) index binding: the same methods, limits and
// error messages, so code written against `Vectorize` runs unchanged. It
// validates each call, then hands it to the index's Durable Object.
import { WorkerEntrypoint } from "cloudflare:workers";
import { indexConfig, type IndexConfig } from "./config";
import { planQuery } from "./query-options";
import { MAX_IDS_PER_DELETE, MAX_IDS_PER_GET, toFloats, validateIds, validateWrite } from "./vector-input";
import type { LocalIndexInfo, LocalVectorIndex } from "./vector-index";
import { VectorizeErrors } from "./vectorize-errors";

export class LocalVectorize extends WorkerEntrypoint<LocalServicesEnv> {
  async describe(): Promise<LocalIndexInfo> {
    return this.index().stub.describe();
  }

  async query(vector: VectorFloatArray | number[], options?: VectorizeQueryOptions): Promise<VectorizeMatches> {
    const { config, stub } = this.index();
    const plan = planQuery(options);
    const values = toFloats(vector);
    if (!values) throw VectorizeErrors.unparseableQuery("vector: expected an array of finite numbers");
    if (values.length !== config.dimensions) throw VectorizeErrors.queryDimensions(config.dimensions, values.length);
    return stub.query(values, plan);
  }

  async queryById(vectorId: string, options?: VectorizeQueryOptions): Promise<VectorizeMatches> {
    const { stub } = this.index();
    const plan = planQuery(options);
    const [id = ""] = validateIds("VECTOR_QUERY", [vectorId], 1);
    return stub.queryById(id, plan);
  }

  async insert(vectors: VectorizeVector[]): Promise<VectorizeAsyncMutation> {
    const { config, stub } = this.index();
    return stub.write("insert", validateWrite("VECTOR_INSERT", vectors, config.dimensions));
  }

  async upsert(vectors: VectorizeVector[]): Promise<VectorizeAsyncMutation> {
    const { config, stub } = this.index();
    return stub.write("upsert", validateWrite("VECTOR_UPSERT", vectors, config.dimensions));
  }

  async deleteByIds(ids: string[]): Promise<VectorizeAsyncMutation> {
    return this.index().stub.remove(validateIds("VECTOR_DELETE", ids, MAX_IDS_PER_DELETE));
  }

  async getByIds(ids: string[]): Promise<VectorizeVector[]> {
    return this.index().stub.getByIds(validateIds("VECTOR_GET", ids, MAX_IDS_PER_GET));
  }

  private index(): { config: IndexConfig; stub: DurableObjectStub<LocalVectorIndex> } {
    const config = indexConfig(this.env);
    return { config, stub: this.env.VECTOR_INDEX.getByName(config.name) };
  }
}
