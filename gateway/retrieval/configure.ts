// Builds the retrieval dependencies from the gateway's bindings and vars.
import { isEmbeddingModel, workersAiEmbedder } from "../../shared/embeddings";
import { ApiError } from "../errors";
import { workersAiReranker } from "./rerank";
import type { SearchDeps } from "./search";

export function searchDeps(env: GatewayEnv): SearchDeps {
  const model = env.EMBEDDING_MODEL || "@cf/baai/bge-base-en-v1.5";
  if (!isEmbeddingModel(model)) throw new ApiError("server_misconfigured", "The server's embedding model is misconfigured.");
  let rerank: SearchDeps["rerank"];
  if (env.RERANK_MODEL === "@cf/baai/bge-reranker-base") rerank = workersAiReranker(env.AI, env.RERANK_MODEL);
  else if (env.RERANK_MODEL) throw new ApiError("server_misconfigured", "The server's rerank model is not supported.");
  return { db: env.DB, index: env.VECTORIZE, embed: workersAiEmbedder(env.AI, model), rerank };
}
