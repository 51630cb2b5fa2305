import { describe, expect, it } from "vitest";
import { type BeirCollection, buildCollection } from "../../eval/beir";
import corpusFile from "../../eval/collection/corpus.jsonl?raw";
import qrelsFile from "../../eval/collection/qrels/test.tsv?raw";
import queriesFile from "../../eval/collection/queries.jsonl?raw";
import { formatReport, summaryJson } from "../../eval/report";
import { evaluate, type SearchFn } from "../../eval/run";

const collection = buildCollection({ corpus: corpusFile, queries: queriesFile, qrels: qrelsFile });
// As after an ingest: the API names documents doc_<corpus id>.
const corpusIdOf = new Map(collection.corpus.map((doc) => [`doc_${doc.id}`, doc.id]));
const queryIdOf = new Map(collection.queries.map((query) => [query.text, query.id]));

/** Answers with the judged documents, best grade first, two chunks each, as a perfect engine would. */
const oracle: SearchFn = async (text) => {
  const judged = [...(collection.qrels.get(queryIdOf.get(text) ?? "")?.entries() ?? [])].sort((a, b) => b[1] - a[1]);
  return judged.flatMap(([corpusId]) => [{ documentId: `doc_${corpusId}` }, { documentId: `doc_${corpusId}` }]);
};

/** A clock that moves only while a search runs: query i takes i + 1 ms. */
function steppingClock() {
  let time = 0;
  let calls = 0;
  return () => {
    calls++;
    if (calls % 2 === 0) time += calls / 2;
    return time;
  };
}

describe("evaluate", () => {
  it("scores a perfect engine 1 everywhere, chunk repeats and all", async () => {
    const evaluation = await evaluate(collection, oracle, { k: 10, corpusIdOf });
    expect(evaluation).toMatchObject({ k: 10, recallK: 100, ndcg: 1, recall: 1, mrr: 1, skipped: [] });
    expect(evaluation.queries).toHaveLength(28);
  });

  it("scores an engine that finds nothing 0 everywhere", async () => {
    const evaluation = await evaluate(collection, async () => [], { k: 10, corpusIdOf });
    expect(evaluation).toMatchObject({ ndcg: 0, recall: 0, mrr: 0 });
  });

  it("averages per-query scores: an engine that puts one unknown document first halves MRR", async () => {
    const evaluation = await evaluate(collection, async (text) => [{ documentId: "doc_elsewhere" }, ...(await oracle(text))], { k: 10, corpusIdOf });
    expect(evaluation.mrr).toBe(0.5);
    expect(evaluation.recall).toBe(1);
    expect(evaluation.queries[0]?.ranked[0]).toBe("unmapped:doc_elsewhere");
  });

  it("measures each search call and reports p50 and p95 of those latencies", async () => {
    const evaluation = await evaluate(collection, oracle, { k: 10, corpusIdOf, now: steppingClock() });
    expect(evaluation.queries.map((outcome) => outcome.latencyMs)).toEqual(Array.from({ length: 28 }, (_, i) => i + 1));
    expect(evaluation.p50Ms).toBe(14.5);
    expect(evaluation.p95Ms).toBeCloseTo(26.65, 9);
  });

  it("runs queries one at a time, in file order, and reports progress", async () => {
    let inFlight = 0;
    const seen: string[] = [];
    const progress: number[] = [];
    await evaluate(
      collection,
      async (text) => {
        inFlight++;
        expect(inFlight).toBe(1);
        seen.push(queryIdOf.get(text) ?? text);
        await new Promise((resolve) => setTimeout(resolve, 1));
        inFlight--;
        return [];
      },
      { k: 10, corpusIdOf, onQuery: (done) => progress.push(done) },
    );
    expect(seen).toEqual(collection.queries.map((query) => query.id));
    expect(progress).toEqual(Array.from({ length: 28 }, (_, i) => i + 1));
  });

  it("skips queries without qrels or with nothing graded above 0, and reports the latter", async () => {
    const small: BeirCollection = {
      ...collection,
      queries: [
        { id: "judged", text: "a" },
        { id: "zeros", text: "b" },
        { id: "unjudged", text: "c" },
      ],
      qrels: new Map([
        ["judged", new Map([["d01", 2]])],
        ["zeros", new Map([["d02", 0]])],
      ]),
    };
    const asked: string[] = [];
    const evaluation = await evaluate(small, async (text) => (asked.push(text), [{ documentId: "doc_d01" }]), { k: 10, corpusIdOf });
    expect(asked).toEqual(["a"]);
    expect(evaluation.skipped).toEqual(["zeros"]);
    expect(evaluation.ndcg).toBe(1);
  });

  it("refuses a collection with nothing to find", async () => {
    await expect(evaluate({ ...collection, qrels: new Map() }, oracle, { k: 10, corpusIdOf })).rejects.toThrow(/no query with a relevant document/);
  });
});

describe("report", () => {
  const context = { dataset: "eval/collection", mode: "hybrid", documents: 42, tenant: "eval-x", topK: 50, searchRetries: 0 };

  it("writes the JSON summary with exactly the documented keys, in order, for k = 10", async () => {
    const evaluation = await evaluate(collection, oracle, { k: 10, corpusIdOf, now: steppingClock() });
    const summary = summaryJson(evaluation, context);
    expect(Object.keys(summary)).toEqual(["ndcg@10", "recall@100", "mrr@10", "p50Ms", "p95Ms", "mode", "documents", "queries"]);
    expect(summary).toEqual({ "ndcg@10": 1, "recall@100": 1, "mrr@10": 1, p50Ms: 14.5, p95Ms: 26.7, mode: "hybrid", documents: 42, queries: 28 });
  });

  it("names the nDCG and MRR keys after another k", async () => {
    const evaluation = await evaluate(collection, oracle, { k: 5, corpusIdOf });
    expect(Object.keys(summaryJson(evaluation, context))).toEqual(["ndcg@5", "recall@100", "mrr@5", "p50Ms", "p95Ms", "mode", "documents", "queries"]);
  });

  it("prints the metrics, the recall caveat and the weakest queries", async () => {
    const evaluation = await evaluate(collection, async (text) => (queryIdOf.get(text) === "q05" ? [] : oracle(text)), { k: 10, corpusIdOf });
    const text = formatReport(evaluation, context);
    expect(text).toMatch(/nDCG@10 +0\.9643/);
    expect(text).toContain("at most 50 chunks");
    expect(text).toMatch(/Weakest queries by nDCG@10:\n {2}q05 +nDCG 0\.000/);
  });
});
