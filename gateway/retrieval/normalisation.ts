// Putting one retriever's scores on a 0..1 scale before they are combined
// (Bruch, Gai & Ingber, "An Analysis of Fusion Functions for Hybrid
// Retrieval", ACM TOIS 2023, section 4):
// - min-max: (s - min) / (max - min) over the list. Each list spans all of
//   0..1, so a weight says directly how much each retriever may move the order.
// - theoretical min-max (TMM): (s - floor) / (max - floor), the floor being
//   the lowest score the function can give (cosine similarity -1, BM25 0). A
//   chunk's value no longer depends on which chunk happened to come last, i.e.
//   on how deep the list was cut; but a retriever whose scores sit far above
//   its floor spans little of 0..1 and moves the order less than its weight says.
// A chunk a list did not return scores 0 for it either way.
import type { RetrievalSource, Ranked } from "./types";

export type Normalisation = "minmax" | "tmm";

/** The theoretical minimum of each retriever's score: cosine similarity, negated FTS5 BM25. */
export const SCORE_FLOOR: Readonly<Record<RetrievalSource, number>> = { vector: -1, keyword: 0 };

export function normalised(list: readonly Ranked[], normalisation: Normalisation, floor: number): Ranked[] {
  return normalisation === "tmm" ? theoreticalMinMaxNormalised(list, floor) : minMaxNormalised(list);
}

/** Scores mapped onto [0, 1] over the list (all 1 when they are equal); an id listed twice keeps its best. */
export function minMaxNormalised(list: readonly Ranked[]): Ranked[] {
  const { min, max } = range(list);
  return bestOf(list, (score) => (max > min ? (score - min) / (max - min) : 1));
}

/** Scores mapped onto [0, 1] between the score's floor and the list's best (all 0 when the best is the floor). */
export function theoreticalMinMaxNormalised(list: readonly Ranked[], floor: number): Ranked[] {
  const { max } = range(list);
  // Clamped: a score below its documented floor is a bug upstream, not a reason to go negative.
  return bestOf(list, (score) => (max > floor ? (Math.max(score, floor) - floor) / (max - floor) : 0));
}

function range(list: readonly Ranked[]): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const { score } of list) {
    min = Math.min(min, score);
    max = Math.max(max, score);
  }
  return { min, max };
}

function bestOf(list: readonly Ranked[], scale: (score: number) => number): Ranked[] {
  const best = new Map<string, number>();
  for (const { id, score } of list) best.set(id, Math.max(best.get(id) ?? -Infinity, scale(score)));
  return [...best].map(([id, score]) => ({ id, score }));
}
