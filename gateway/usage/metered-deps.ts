// Retrieval dependencies whose AI calls are metered for the current request.
import type { SearchDeps } from "../retrieval/search";
import { meteredEmbed, meteredRerank } from "./metered";
import type { RequestMeter } from "./request-meter";

export function meteredSearchDeps(deps: SearchDeps, meter: RequestMeter, env: Pick<GatewayEnv, "EMBEDDING_MODEL" | "RERANK_MODEL">, options: { embeddingAnswers: boolean }): SearchDeps {
  return {
    ...deps,
    embed: meteredEmbed(deps.embed, meter, env.EMBEDDING_MODEL || "@cf/baai/bge-base-en-v1.5", { answers: options.embeddingAnswers }),
    rerank: deps.rerank && meteredRerank(deps.rerank, meter, env.RERANK_MODEL),
  };
}
