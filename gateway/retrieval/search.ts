// Hybrid retrieval: vector and keyword candidates fused (fusion.ts),
// re-checked in D1 (tenant, ready documents), optionally reranked. When the
// vector side or the reranker fails, the search goes on without it and says
// so in `degraded`; vector-only search has nothing to go on and fails.
import type { Embed } from "../../shared/embeddings";
import { type DependencyFailure, dependencyError, dependencyFailure } from "../dependency-failure";
import { loadReadyChunks } from "./chunks";
import { fuse } from "./fusion";
import { DEFAULT_FUSION, type FusionSettings } from "./fusion-settings";
import { keywordSearch } from "./keyword";
import type { Rerank } from "./rerank";
import type { Degraded, Ranked, SearchHit, SearchMode } from "./types";
import { MAX_VECTOR_TOP_K, vectorSearch } from "./vector";

export interface SearchDeps {
  db: D1Database;
  index: Vectorize;
  embed: Embed;
  rerank?: Rerank | undefined;
  fusion?: FusionSettings | undefined;
}

export interface SearchRequest {
  query: string;
  topK: number;
  documentIds?: readonly string[] | undefined;
  mode: SearchMode;
}

// The reranker reads every candidate it is given: keep its input small, but
// never smaller than what the caller asked for.
const RERANK_CANDIDATES = 30;

export interface SearchOutcome {
  hits: SearchHit[];
  /** The parts that failed and were left out, with why; empty when none. */
  degraded: { part: Degraded; failure: DependencyFailure }[];
}

export async function search(deps: SearchDeps, tenantId: string, request: SearchRequest): Promise<SearchOutcome> {
  // Each retriever looks deeper than topK so fusion has something to fuse.
  const depth = Math.min(MAX_VECTOR_TOP_K, Math.max(request.topK * 4, 40));
  const options = { limit: depth, documentIds: request.documentIds };
  const [vectorResult, keyword] = await Promise.all([
    request.mode === "keyword" ? null : vectorSearch(deps.index, deps.embed, tenantId, request.query, options),
    request.mode === "vector" ? [] : keywordSearch(deps.db, tenantId, request.query, options),
  ]);
  const degraded: SearchOutcome["degraded"] = [];
  let vector: Ranked[] = [];
  if (vectorResult?.ok) vector = vectorResult.value;
  else if (vectorResult) {
    if (request.mode === "vector") throw dependencyError(vectorResult.error, vectorResult.error.dependency === "embedding model" ? "EMBEDDING_MODEL" : undefined);
    degraded.push({ part: "vector", failure: vectorResult.error });
  }
  const ranked = request.mode === "hybrid" ? fuse(vector, keyword, deps.fusion ?? DEFAULT_FUSION) : request.mode === "vector" ? vector : keyword;

  const chunks = await loadReadyChunks(deps.db, tenantId, ranked.map((r) => r.id));
  const vectorScores = new Map(vector.map((r) => [r.id, r.score]));
  const keywordIds = new Set(keyword.map((r) => r.id));
  let hits: SearchHit[] = ranked.flatMap((r: Ranked) => {
    const chunk = chunks.get(r.id);
    if (!chunk) return [];
    const vectorScore = vectorScores.get(r.id) ?? null;
    return [
      {
        documentId: chunk.documentId,
        filename: chunk.filename,
        chunkIndex: chunk.chunkIndex,
        pages: pageRange(chunk.pageStart, chunk.pageEnd),
        text: chunk.text,
        score: r.score,
        sources: [...(vectorScore !== null ? (["vector"] as const) : []), ...(keywordIds.has(r.id) ? (["keyword"] as const) : [])],
        vectorScore,
      },
    ];
  });

  if (deps.rerank && hits.length > 1) {
    const candidates = hits.slice(0, Math.max(RERANK_CANDIDATES, request.topK));
    try {
      const scores = await deps.rerank(request.query, candidates.map((h) => h.text));
      hits = candidates.map((hit, i) => ({ ...hit, score: scores[i] ?? 0 })).sort((a, b) => b.score - a.score);
    } catch (error) {
      // The fused order stands: a good answer, only not the best one.
      degraded.push({ part: "rerank", failure: dependencyFailure("reranker", error) });
    }
  }
  return { hits: hits.slice(0, request.topK), degraded };
}

function pageRange(start: number, end: number): number[] {
  return Array.from({ length: Math.max(1, end - start + 1) }, (_, i) => start + i);
}
