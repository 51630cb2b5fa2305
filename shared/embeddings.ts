// Text embedding through Workers AI (or anything with its `run` contract).
import { inBatches } from "./batching";

/** Embedding models this project can use, with their vector dimensions (the Vectorize index must match). */
export const EMBEDDING_MODELS = {
  "@cf/baai/bge-small-en-v1.5": 384,
  "@cf/baai/bge-base-en-v1.5": 768,
  "@cf/baai/bge-large-en-v1.5": 1024,
} as const;
export type EmbeddingModel = keyof typeof EMBEDDING_MODELS;

export function isEmbeddingModel(name: string): name is EmbeddingModel {
  return Object.hasOwn(EMBEDDING_MODELS, name);
}

/** Workers AI takes at most 100 texts per embedding call. */
export const MAX_TEXTS_PER_EMBEDDING_CALL = 100;

export type Embed = (texts: readonly string[]) => Promise<number[][]>;

export function workersAiEmbedder(ai: Ai, model: EmbeddingModel): Embed {
  const dimensions = EMBEDDING_MODELS[model];
  return async (texts) => {
    const vectors: number[][] = [];
    for (const batch of inBatches(texts, MAX_TEXTS_PER_EMBEDDING_CALL)) {
      const output = await ai.run(model, { text: batch });
      const data = "data" in output ? output.data : undefined;
      // A wrong shape here would poison the index; fail loudly instead.
      if (!data || data.length !== batch.length || data.some((v) => v.length !== dimensions)) {
        throw new Error(`embedding model ${model} returned ${data?.length ?? "no"} vectors for ${batch.length} texts`);
      }
      vectors.push(...data);
    }
    return vectors;
  };
}
