// Reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009): each list
// adds 1 / (k + rank) for the items it ranks. It needs no score calibration
// between BM25 and cosine, which live on unrelated scales.
import type { Ranked } from "./types";

const RRF_K = 60;

export function reciprocalRankFusion(lists: readonly (readonly Ranked[])[], k = RRF_K): Ranked[] {
  const fused = new Map<string, number>();
  for (const list of lists) {
    list.forEach((item, rank) => fused.set(item.id, (fused.get(item.id) ?? 0) + 1 / (k + rank + 1)));
  }
  return [...fused].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
}
