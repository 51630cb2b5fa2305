// Runs every judged query of a collection through a search function, one at a time,
// and scores the document rankings. Shared by `npm run eval` and workerd tests: the
// caller decides how searching happens (HTTP, exports.default.fetch, a fake).
import type { BeirCollection } from "./beir";
import { dedupeToDocuments, mrrAt, ndcgAt, percentile, recallAt } from "./metrics";

export interface SearchHit {
  documentId: string;
}

export type SearchFn = (query: string) => Promise<readonly SearchHit[]>;

export interface EvaluateOptions {
  /** Cutoff for nDCG and MRR. */
  k: number;
  /** Cutoff for recall; the ranking can hold no more documents than the search returned. */
  recallK?: number;
  /** The API's document id -> the collection's corpus id. */
  corpusIdOf: ReadonlyMap<string, string>;
  /** Called after each query, for progress displays. */
  onQuery?: (done: number, total: number) => void;
  /** Milliseconds; injectable so tests can pin latencies. */
  now?: () => number;
}

export interface QueryOutcome {
  queryId: string;
  ndcg: number;
  recall: number;
  mrr: number;
  latencyMs: number;
  /** Corpus ids as ranked, best first. */
  ranked: string[];
}

export interface Evaluation {
  k: number;
  recallK: number;
  /** Means over the evaluated queries. */
  ndcg: number;
  recall: number;
  mrr: number;
  p50Ms: number;
  p95Ms: number;
  queries: QueryOutcome[];
  /** Queries with qrels but no document graded > 0: nothing to find, so not scored. */
  skipped: string[];
}

export const DEFAULT_RECALL_K = 100;

export async function evaluate(collection: BeirCollection, search: SearchFn, options: EvaluateOptions): Promise<Evaluation> {
  const recallK = options.recallK ?? DEFAULT_RECALL_K;
  const now = options.now ?? (() => performance.now());
  const judged = collection.queries.flatMap((query) => {
    const qrels = collection.qrels.get(query.id);
    return qrels ? [{ query, qrels }] : [];
  });
  const scorable = judged.filter(({ qrels }) => [...qrels.values()].some((grade) => grade > 0));
  if (scorable.length === 0) throw new Error("the collection has no query with a relevant document");

  const outcomes: QueryOutcome[] = [];
  // One query at a time: latency should be the API's, not contention between our own calls.
  for (const { query, qrels } of scorable) {
    const started = now();
    const hits = await search(query.text);
    const latencyMs = now() - started;
    const ranked = dedupeToDocuments(hits, options.corpusIdOf);
    outcomes.push({
      queryId: query.id,
      ndcg: ndcgAt(options.k, ranked, qrels),
      recall: recallAt(recallK, ranked, qrels),
      mrr: mrrAt(options.k, ranked, qrels),
      latencyMs,
      ranked,
    });
    options.onQuery?.(outcomes.length, scorable.length);
  }

  const latencies = outcomes.map((outcome) => outcome.latencyMs);
  return {
    k: options.k,
    recallK,
    ndcg: mean(outcomes.map((outcome) => outcome.ndcg)),
    recall: mean(outcomes.map((outcome) => outcome.recall)),
    mrr: mean(outcomes.map((outcome) => outcome.mrr)),
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    queries: outcomes,
    skipped: judged.filter((entry) => !scorable.includes(entry)).map(({ query }) => query.id),
  };
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}
