// Builds the retrieval dependencies from the gateway's bindings and vars.
import { isEmbeddingModel, workersAiEmbedder } from "../../shared/embeddings";
import { ApiError } from "../errors";
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
  return { db: env.DB, index: env.VECTORIZE, embed: workersAiEmbedder(env.AI, model), rerank };
}
