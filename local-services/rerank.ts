// The stand-in for @cf/baai/bge-reranker-base: a relevance in [0, 1] for each
// context, from BM25-style idf-weighted coverage of the query's content words
// through a sigmoid (the real cross-encoder's logit also goes through one).
// A context sharing none of them scores sigmoid(-6) ~ 0.0025 and always ranks
// below one that shares any.
import { contentWords } from "./content-words";
import { MAX_TOKENS } from "./embedding";
import type { RerankRequest } from "./rerank-input";
import { tokenize } from "./tokenize";

export interface RerankOutput {
  response: { id: number; score: number }[];
}

const LOGIT_AT_NO_OVERLAP = -6;
const LOGIT_PER_COVERAGE = 11;

export function rerank({ query, contexts, topK }: RerankRequest): RerankOutput {
  const scores = relevance(query, contexts);
  const ranked = scores.map((score, id) => ({ id, score })).sort((a, b) => b.score - a.score || a.id - b.id);
  return { response: topK === undefined ? ranked : ranked.slice(0, topK) };
}

function relevance(query: string, contexts: readonly string[]): number[] {
  const queryTokens = tokenize(query);
  const terms = new Set(contentWords(query));
  // A query of stopwords only ("what is this?") still has to rank something.
  if (terms.size === 0) for (const token of queryTokens) terms.add(token);
  // The cross-encoder reads query and passage as one 512-token pair and drops the rest of the passage.
  const budget = Math.max(0, MAX_TOKENS - queryTokens.length);
  const passages = contexts.map((text) => new Set(tokenize(text).slice(0, budget)));
  const weights = [...terms].map((term) => ({ term, idf: idf(passages.filter((p) => p.has(term)).length, passages.length) }));
  const total = weights.reduce((sum, { idf }) => sum + idf, 0);
  return passages.map((passage) => {
    const covered = weights.reduce((sum, { term, idf }) => sum + (passage.has(term) ? idf : 0), 0);
    const coverage = total === 0 ? 0 : covered / total;
    return sigmoid(LOGIT_AT_NO_OVERLAP + LOGIT_PER_COVERAGE * coverage);
  });
}

/** BM25's idf, always positive so a word in every passage still counts a little. */
function idf(documentFrequency: number, documents: number): number {
  return Math.log(1 + (documents - documentFrequency + 0.5) / (documentFrequency + 0.5));
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}
