// Semantic retrieval: the query's embedding against the tenant's Vectorize namespace.
import type { Embed } from "../../shared/embeddings";
import type { Ranked } from "./types";

// Vectorize's topK limit without values or metadata.
export const MAX_VECTOR_TOP_K = 100;

export async function vectorSearch(
  index: Vectorize,
  embed: Embed,
  tenantId: string,
  query: string,
  options: { limit: number; documentIds?: readonly string[] | undefined },
): Promise<Ranked[]> {
  const [vector] = await embed([query]);
  if (!vector) throw new Error("the embedding model returned no vector for the query");
  const { matches } = await index.query(vector, {
    topK: Math.min(options.limit, MAX_VECTOR_TOP_K),
    namespace: tenantId,
    // Needs the metadata index on documentId (see README, Deploy).
    ...(options.documentIds?.length ? { filter: { documentId: { $in: [...options.documentIds] } } } : {}),
  });
  return matches.map((m) => ({ id: m.id, score: m.score }));
}
