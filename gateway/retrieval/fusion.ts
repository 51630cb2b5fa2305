// Fusing the vector and keyword rankings of one query into one ranking.
//
// - Convex combination (the default; Bruch, Gai & Ingber, "An Analysis of
//   Fusion Functions for Hybrid Retrieval", ACM TOIS 2023): each list's scores
//   are normalised to 0..1 (normalisation.ts: min-max by default, or
//   theoretical min-max), a chunk absent from a list scores 0 there, and
//   fused = w * vector + (1 - w) * keyword. Unlike ranks, normalised scores
//   keep how far apart the candidates are, so a retriever that barely
//   separates its top from its tail moves the result little.
// - Reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009), weighted:
//   each list adds weight / (k + rank). Kept for comparison and as a setting.
import type { FusionSettings } from "./fusion-settings";
import { minMaxNormalised, normalised, SCORE_FLOOR } from "./normalisation";
import type { Ranked } from "./types";

const RRF_K = 60;

export function fuse(vector: readonly Ranked[], keyword: readonly Ranked[], settings: FusionSettings): Ranked[] {
  const weights = [settings.vectorWeight, 1 - settings.vectorWeight];
  if (settings.method === "rrf") return reciprocalRankFusion([vector, keyword], settings.rrfK, weights);
  const { normalisation } = settings;
  return combine([normalised(vector, normalisation, SCORE_FLOOR.vector), normalised(keyword, normalisation, SCORE_FLOOR.keyword)], weights);
}

export function reciprocalRankFusion(lists: readonly (readonly Ranked[])[], k = RRF_K, weights?: readonly number[]): Ranked[] {
  const fused = new Map<string, number>();
  lists.forEach((list, i) => {
    const weight = weights?.[i] ?? 1;
    list.forEach((item, rank) => fused.set(item.id, (fused.get(item.id) ?? 0) + weight / (k + rank + 1)));
  });
  return sorted(fused);
}

/** Convex combination of lists, each min-max normalised first. */
export function convexCombination(lists: readonly (readonly Ranked[])[], weights: readonly number[]): Ranked[] {
  return combine(lists.map(minMaxNormalised), weights);
}

/** Weighted sum of already normalised lists; a chunk only the other list found scores 0 here, which the sum already says. */
export function combine(lists: readonly (readonly Ranked[])[], weights: readonly number[]): Ranked[] {
  const fused = new Map<string, number>();
  lists.forEach((list, i) => {
    const weight = weights[i] ?? 0;
    for (const item of list) fused.set(item.id, (fused.get(item.id) ?? 0) + weight * item.score);
  });
  return sorted(fused);
}

function sorted(scores: Map<string, number>): Ranked[] {
  return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
}
