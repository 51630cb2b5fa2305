// Builds the retrieval dependencies from the gateway's bindings and vars.
import { isEmbeddingModel, workersAiEmbedder } from "../../shared/embeddings";
import { ApiError } from "../errors";
import { parseFusionSettings } from "./fusion-settings";
import { workersAiReranker } from "./rerank";
import type { SearchDeps } from "./search";

export function searchDeps(env: GatewayEnv): SearchDeps {
  const model = env.EMBEDDING_MODEL || "@cf/baai/bge-base-en-v1.5";
  if (!isEmbeddingModel(model)) {
    throw new ApiError("server_misconfigured", `The server is misconfigured: EMBEDDING_MODEL is ${model}, not a bge embedding model this project supports.`);
  }
  let rerank: SearchDeps["rerank"];
  if (env.RERANK_MODEL === "@cf/baai/bge-reranker-base") rerank = workersAiReranker(env.AI, env.RERANK_MODEL);
  else if (env.RERANK_MODEL) {
    throw new ApiError("server_misconfigured", `The server is misconfigured: RERANK_MODEL is ${env.RERANK_MODEL}; use @cf/baai/bge-reranker-base or leave it empty.`);
  }
  const fusion = parseFusionSettings({
    HYBRID_FUSION: env.HYBRID_FUSION,
    HYBRID_VECTOR_WEIGHT: env.HYBRID_VECTOR_WEIGHT,
    HYBRID_NORMALISATION: env.HYBRID_NORMALISATION,
    HYBRID_RRF_K: env.HYBRID_RRF_K,
  });
  if (!fusion.ok) throw new ApiError("server_misconfigured", `The server is misconfigured: ${fusion.error}.`);
  return { db: env.DB, index: env.VECTORIZE, embed: workersAiEmbedder(env.AI, model), rerank, fusion: fusion.value };
}

/**
 * The settings that change a search's results: part of its cache key. The
 * fusion part is the parsed settings themselves, so a new one cannot be left out.
 */
export function searchSettings(env: GatewayEnv): Record<string, string | number> {
  return {
    embeddingModel: env.EMBEDDING_MODEL || "@cf/baai/bge-base-en-v1.5",
    rerankModel: env.RERANK_MODEL || "",
    ...searchDeps(env).fusion,
  };
}
