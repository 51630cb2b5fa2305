import { describe, expect, it } from "vitest";
import { dedupeToDocuments, mrrAt, ndcgAt, percentile, recallAt } from "../../eval/metrics";

// a answers the query, b and d are related, c was judged and found not relevant.
const qrels = new Map([
  ["a", 2],
  ["b", 1],
  ["c", 0],
  ["d", 1],
]);
// Ideal ranking a, b, d: 2/log2(2) + 1/log2(3) + 1/log2(4).
const IDEAL_DCG = 2 + 1 / Math.log2(3) + 0.5;

describe("ndcgAt", () => {
  it("is 1 for the ideal ranking, whatever follows it", () => {
    expect(ndcgAt(10, ["a", "b", "d"], qrels)).toBeCloseTo(1, 12);
    expect(ndcgAt(10, ["a", "d", "b", "c", "x"], qrels)).toBeCloseTo(1, 12);
  });

  it("matches a hand computation: graded gains, log2 discount, ideal from the qrels", () => {
    // a at rank 2, b at rank 4: (2/log2(3) + 1/log2(5)) / IDEAL_DCG
    expect(ndcgAt(10, ["x", "a", "c", "b"], qrels)).toBeCloseTo(0.5405857679, 9);
  });

  it("cuts both the ranking and the ideal at k", () => {
    // Within the top 2 only a counts; the ideal top 2 is a, b.
    expect(ndcgAt(2, ["x", "a", "c", "b"], qrels)).toBeCloseTo(0.4796249331, 9);
  });

  it("uses the grade itself as the gain (trec_eval), not 2^grade - 1", () => {
    const graded = new Map([
      ["a", 3],
      ["b", 1],
    ]);
    // (1 + 3/log2(3)) / (3 + 1/log2(3)); the exponential form would give 0.7098.
    expect(ndcgAt(10, ["b", "a"], graded)).toBeCloseTo(0.7967075810, 9);
  });

  it("takes the ideal from every judged document, not only the retrieved ones, when k exceeds the list", () => {
    expect(ndcgAt(100, ["a"], qrels)).toBeCloseTo(2 / IDEAL_DCG, 12);
    expect(ndcgAt(100, [], qrels)).toBe(0);
  });

  it("gives nothing for a document repeated lower down, which still takes up its rank", () => {
    expect(ndcgAt(10, ["a", "a", "b"], qrels)).toBeCloseTo((2 + 1 / Math.log2(4)) / IDEAL_DCG, 12);
  });

  it("scores tied grades the same in either order", () => {
    expect(ndcgAt(10, ["a", "d", "b"], qrels)).toBeCloseTo(ndcgAt(10, ["a", "b", "d"], qrels), 12);
    expect(ndcgAt(2, ["x", "d"], qrels)).toBeCloseTo(ndcgAt(2, ["x", "b"], qrels), 12);
  });

  it("is 0 when the query has no relevant document", () => {
    expect(ndcgAt(10, ["c", "x"], new Map([["c", 0]]))).toBe(0);
    expect(ndcgAt(10, ["c"], new Map())).toBe(0);
  });

  it("rejects a cutoff that is not a positive integer", () => {
    expect(() => ndcgAt(0, ["a"], qrels)).toThrow(RangeError);
    expect(() => recallAt(1.5, ["a"], qrels)).toThrow(RangeError);
    expect(() => mrrAt(-1, ["a"], qrels)).toThrow(RangeError);
  });
});

describe("recallAt", () => {
  it("counts documents graded above 0 within the top k", () => {
    expect(recallAt(3, ["x", "a", "c", "b"], qrels)).toBeCloseTo(1 / 3, 12);
    expect(recallAt(4, ["x", "a", "c", "b"], qrels)).toBeCloseTo(2 / 3, 12);
    expect(recallAt(10, ["d", "b", "a"], qrels)).toBe(1);
  });

  it("does not count a judged-irrelevant document, nor a repeat twice", () => {
    expect(recallAt(10, ["c", "a", "a", "a"], qrels)).toBeCloseTo(1 / 3, 12);
  });

  it("handles k larger than the list and the no-relevant-document case", () => {
    expect(recallAt(100, ["b"], qrels)).toBeCloseTo(1 / 3, 12);
    expect(recallAt(100, ["a"], new Map([["a", 0]]))).toBe(0);
  });
});

describe("mrrAt", () => {
  it("is the reciprocal rank of the first relevant document, of any grade", () => {
    expect(mrrAt(10, ["a"], qrels)).toBe(1);
    expect(mrrAt(10, ["x", "c", "d", "a"], qrels)).toBeCloseTo(1 / 3, 12);
  });

  it("is 0 when the first relevant document is below k, or there is none", () => {
    expect(mrrAt(2, ["x", "c", "d"], qrels)).toBe(0);
    expect(mrrAt(10, ["x", "c"], qrels)).toBe(0);
    expect(mrrAt(10, [], new Map())).toBe(0);
  });
});

describe("percentile", () => {
  it("interpolates linearly between closest ranks", () => {
    expect(percentile([4, 1, 3, 2], 50)).toBe(2.5);
    // position 0.95 * 3 = 2.85: 3 + 0.85 * (4 - 3)
    expect(percentile([1, 2, 3, 4], 95)).toBeCloseTo(3.85, 12);
    expect(percentile([10, 20, 30], 50)).toBe(20);
  });

  it("gives the extremes at 0 and 100, and the value itself for one value", () => {
    expect(percentile([5, 9, 7], 0)).toBe(5);
    expect(percentile([5, 9, 7], 100)).toBe(9);
    expect(percentile([42], 95)).toBe(42);
  });

  it("does not reorder the caller's array", () => {
    const values = [3, 1, 2];
    percentile(values, 50);
    expect(values).toEqual([3, 1, 2]);
  });

  it("rejects an empty list and p outside 0..100", () => {
    expect(() => percentile([], 50)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
});

describe("dedupeToDocuments", () => {
  const map = new Map([
    ["doc_1", "a"],
    ["doc_2", "b"],
    ["doc_3", "b"],
  ]);

  it("ranks each document where its first chunk is", () => {
    const chunks = [{ documentId: "doc_2" }, { documentId: "doc_1" }, { documentId: "doc_2" }, { documentId: "doc_1" }];
    expect(dedupeToDocuments(chunks, map)).toEqual(["b", "a"]);
  });

  it("keeps unknown documents in place under an id that cannot be relevant", () => {
    const ranked = dedupeToDocuments([{ documentId: "doc_9" }, { documentId: "doc_1" }, { documentId: "doc_9" }], map);
    expect(ranked).toEqual(["unmapped:doc_9", "a"]);
    expect(mrrAt(10, ranked, qrels)).toBe(0.5);
  });

  it("merges two API documents that stand for the same corpus id", () => {
    expect(dedupeToDocuments([{ documentId: "doc_3" }, { documentId: "doc_2" }, { documentId: "doc_1" }], map)).toEqual(["b", "a"]);
  });

  it("returns an empty ranking for no results", () => {
    expect(dedupeToDocuments([], map)).toEqual([]);
  });
});
