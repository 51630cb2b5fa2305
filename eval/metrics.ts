// Ranking metrics with the conventions of trec_eval's ndcg_cut / recall / recip_rank,
// as BEIR computes them through pytrec_eval, so numbers compare with published ones:
// - nDCG@k: gain = the relevance grade itself (linear, not 2^grade - 1), discount
//   1 / log2(rank + 1) with ranks from 1; the ideal ranking sorts every judged grade > 0
//   of the query (judged, not only retrieved) and is cut at k as well.
// - Recall@k and MRR@k count a document as relevant when its grade is > 0.
// - A query with no relevant documents scores 0 everywhere (trec_eval does the same);
//   evaluate() leaves such queries out rather than averaging zeros in.
// - `ranked` is taken in the order given (ties in score were already broken by the
//   search engine); an id repeated lower down earns nothing the second time.

/** Corpus id -> relevance grade for one query. Grades <= 0 mean judged not relevant. */
export type Qrels = ReadonlyMap<string, number>;

export function ndcgAt(k: number, ranked: readonly string[], qrels: Qrels): number {
  checkCutoff(k);
  const ideal = relevantGrades(qrels)
    .sort((a, b) => b - a)
    .slice(0, k);
  const idealDcg = ideal.reduce((sum, grade, i) => sum + grade / Math.log2(i + 2), 0);
  if (idealDcg === 0) return 0;
  const dcg = hits(k, ranked, qrels).reduce((sum, hit) => sum + hit.grade / Math.log2(hit.rank + 1), 0);
  return dcg / idealDcg;
}

export function recallAt(k: number, ranked: readonly string[], qrels: Qrels): number {
  checkCutoff(k);
  const relevant = relevantGrades(qrels).length;
  if (relevant === 0) return 0;
  return hits(k, ranked, qrels).length / relevant;
}

/** Reciprocal rank of the first relevant document within the top k, 0 when there is none. */
export function mrrAt(k: number, ranked: readonly string[], qrels: Qrels): number {
  checkCutoff(k);
  const first = hits(k, ranked, qrels)[0];
  return first === undefined ? 0 : 1 / first.rank;
}

/**
 * The p-th percentile (0..100) with linear interpolation between closest ranks
 * (numpy's default, Excel's PERCENTILE.INC), so p50 of an even count is the mean of the middle two.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError("percentile of an empty list");
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const position = (p / 100) * (sorted.length - 1);
  const below = sorted[Math.floor(position)];
  const above = sorted[Math.ceil(position)];
  if (below === undefined || above === undefined) throw new RangeError("percentile index out of range");
  return below + (above - below) * (position - Math.floor(position));
}

/**
 * Search answers rank chunks, several per document; metrics rank documents. A document
 * takes the rank of its best (first) chunk. A document the map does not know keeps its
 * place under an `unmapped:` id, which can never be relevant, so it still pushes the
 * documents below it down as it did in the answer.
 */
export function dedupeToDocuments(results: readonly { documentId: string }[], docIdToCorpusId: ReadonlyMap<string, string>): string[] {
  const ranked: string[] = [];
  const seen = new Set<string>();
  for (const { documentId } of results) {
    const id = docIdToCorpusId.get(documentId) ?? `unmapped:${documentId}`;
    if (seen.has(id)) continue;
    seen.add(id);
    ranked.push(id);
  }
  return ranked;
}

function checkCutoff(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`cutoff k must be a positive integer, got ${k}`);
}

function relevantGrades(qrels: Qrels): number[] {
  return [...qrels.values()].filter((grade) => grade > 0);
}

/** Relevant documents within the top k, by 1-based rank; a repeated id counts at its first rank only. */
function hits(k: number, ranked: readonly string[], qrels: Qrels): { rank: number; grade: number }[] {
  const seen = new Set<string>();
  const found: { rank: number; grade: number }[] = [];
  ranked.slice(0, k).forEach((id, i) => {
    const grade = qrels.get(id) ?? 0;
    if (grade > 0 && !seen.has(id)) found.push({ rank: i + 1, grade });
    seen.add(id);
  });
  return found;
}
