/** A chunk (by its id, which is also its vector id) and how well it matched, higher is better. */
export interface Ranked {
  id: string;
  score: number;
}

export type RetrievalSource = "vector" | "keyword";
export type SearchMode = "hybrid" | RetrievalSource;
/** A part of search that can fail and be left out: the vector retriever or the reranker. */
export type Degraded = "vector" | "rerank";

/** A chunk as search returns it to clients. */
export interface SearchResult {
  documentId: string;
  filename: string;
  chunkIndex: number;
  pages: number[];
  text: string;
  score: number;
  sources: RetrievalSource[];
}

export interface SearchHit extends SearchResult {
  /** Cosine similarity from the vector search, when it found this chunk. */
  vectorScore: number | null;
}
