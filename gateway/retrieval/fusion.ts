// Fusing the vector and keyword rankings of one query into one ranking.
//
// - Convex combination (the default; Bruch, Gai & Ingber, "An Analysis of Fusion
//   Functions for Hybrid Retrieval", ACM TOIS 2023): each list's scores are
//   min-max normalised to [0, 1] over that list, a chunk absent from a list
//   scores 0 there, and fused = w * vector + (1 - w) * keyword. Unlike ranks,
//   normalised scores keep how far apart the candidates are, so a retriever
//   that barely separates its top from its tail moves the result little.
// - Reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009), weighted:
//   each list adds weight / (k + rank). Kept for comparison and as a setting.
import type { FusionSettings } from "./fusion-settings";
import type { Ranked } from "./types";

const RRF_K = 60;

export function fuse(vector: readonly Ranked[], keyword: readonly Ranked[], settings: FusionSettings): Ranked[] {
  const weights = [settings.vectorWeight, 1 - settings.vectorWeight];
  return settings.method === "rrf"
    ? reciprocalRankFusion([vector, keyword], settings.rrfK, weights)
    : convexCombination([vector, keyword], weights);
}

export function reciprocalRankFusion(lists: readonly (readonly Ranked[])[], k = RRF_K, weights?: readonly number[]): Ranked[] {
  const fused = new Map<string, number>();
  lists.forEach((list, i) => {
    const weight = weights?.[i] ?? 1;
    list.forEach((item, rank) => fused.set(item.id, (fused.get(item.id) ?? 0) + weight / (k + rank + 1)));
  });
  return sorted(fused);
}

export function convexCombination(lists: readonly (readonly Ranked[])[], weights: readonly number[]): Ranked[] {
  const fused = new Map<string, number>();
  lists.forEach((list, i) => {
    const weight = weights[i] ?? 0;
    for (const item of minMaxNormalised(list)) fused.set(item.id, (fused.get(item.id) ?? 0) + weight * item.score);
    // A chunk only the other list found scores 0 here: the sum already says so.
  });
  return sorted(fused);
}

/** Scores mapped onto [0, 1] over the list (all 1 when they are equal); an id listed twice keeps its best. */
export function minMaxNormalised(list: readonly Ranked[]): Ranked[] {
  if (list.length === 0) return [];
  let min = Infinity;
  let max = -Infinity;
  for (const { score } of list) {
    min = Math.min(min, score);
    max = Math.max(max, score);
  }
  const best = new Map<string, number>();
  for (const { id, score } of list) {
    const normalised = max > min ? (score - min) / (max - min) : 1;
    best.set(id, Math.max(best.get(id) ?? 0, normalised));
  }
  return [...best].map(([id, score]) => ({ id, score }));
}

function sorted(scores: Map<string, number>): Ranked[] {
  return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
}
