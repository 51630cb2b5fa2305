// Semantic retrieval: the query's embedding against the tenant's Vectorize
// namespace. Either call can fail (Workers AI busy, Vectorize down): that is a
// value here, so hybrid search can carry on with keywords alone.
import type { Embed } from "../../shared/embeddings";
import { err, ok, type Result } from "../../shared/result";
import { type DependencyFailure, dependencyFailure } from "../dependency-failure";
import type { Ranked } from "./types";

// Vectorize's topK limit without values or metadata.
export const MAX_VECTOR_TOP_K = 100;

export async function vectorSearch(
  index: Vectorize,
  embed: Embed,
  tenantId: string,
  query: string,
  options: { limit: number; documentIds?: readonly string[] | undefined },
): Promise<Result<Ranked[], DependencyFailure>> {
  let vector: number[] | undefined;
  try {
    [vector] = await embed([query]);
  } catch (error) {
    return err(dependencyFailure("embedding model", error));
  }
  if (!vector) return err(dependencyFailure("embedding model", "the embedding model returned no vector for the query"));
  try {
    const { matches } = await index.query(vector, {
      topK: Math.min(options.limit, MAX_VECTOR_TOP_K),
      namespace: tenantId,
      // Needs the metadata index on documentId (see README, Deploy).
      ...(options.documentIds?.length ? { filter: { documentId: { $in: [...options.documentIds] } } } : {}),
    });
    return ok(matches.map((m) => ({ id: m.id, score: m.score })));
  } catch (error) {
    return err(dependencyFailure("vector index", error));
  }
}
