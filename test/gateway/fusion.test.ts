// Fusion of the vector and keyword rankings, and its settings. Reciprocal rank
// fusion rewards agreement: a chunk both retrievers find ranks above chunks
// that only one of them ranks a little higher. (Order only, not scores: the
// constants may change.)
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { askSettings } from "../../gateway/answer/configure";
import { searchSettings } from "../../gateway/retrieval/configure";
import { convexCombination, fuse, reciprocalRankFusion } from "../../gateway/retrieval/fusion";
import { DEFAULT_FUSION, parseFusionSettings } from "../../gateway/retrieval/fusion-settings";
import { minMaxNormalised, theoreticalMinMaxNormalised } from "../../gateway/retrieval/normalisation";

const list = (...ids: string[]) => ids.map((id, i) => ({ id, score: 1 - i / 10 }));

describe("reciprocal rank fusion", () => {
  it("puts a chunk found by both retrievers above ones found by one, even ranked a little higher", () => {
    const fused = reciprocalRankFusion([list("vector-only", "both"), list("keyword-only", "both")]);
    expect(fused[0]?.id).toBe("both");
    expect(fused.map((r) => r.id).sort()).toEqual(["both", "keyword-only", "vector-only"]);
  });

  it("ranks agreement lower down above a lone first place once enough lists agree", () => {
    const fused = reciprocalRankFusion([list("a", "b", "c"), list("d", "e", "c"), list("f", "g", "c")]);
    expect(fused[0]?.id).toBe("c");
  });

  it("keeps each list's own order when the lists do not overlap", () => {
    const fused = reciprocalRankFusion([list("v1", "v2", "v3"), []]);
    expect(fused.map((r) => r.id)).toEqual(["v1", "v2", "v3"]);
  });
});

const ids = (list: { id: string }[]) => list.map((r) => r.id);

describe("min-max normalisation", () => {
  it("maps a list's scores onto [0, 1], best to 1 and worst to 0", () => {
    expect(minMaxNormalised([{ id: "a", score: 12 }, { id: "b", score: 7 }, { id: "c", score: 2 }])).toEqual([
      { id: "a", score: 1 },
      { id: "b", score: 0.5 },
      { id: "c", score: 0 },
    ]);
  });

  it("gives equal scores (and a single result) 1, and an empty list nothing", () => {
    expect(minMaxNormalised([{ id: "a", score: 0.3 }])).toEqual([{ id: "a", score: 1 }]);
    expect(minMaxNormalised([{ id: "a", score: 2 }, { id: "b", score: 2 }]).map((r) => r.score)).toEqual([1, 1]);
    expect(minMaxNormalised([])).toEqual([]);
  });
});

describe("theoretical min-max normalisation", () => {
  it("maps scores between the score's floor (0) and the list's best (1)", () => {
    expect(theoreticalMinMaxNormalised([{ id: "a", score: 0.5 }, { id: "b", score: 0.2 }], -1)).toEqual([
      { id: "a", score: 1 },
      { id: "b", score: 1.2 / 1.5 },
    ]);
    expect(theoreticalMinMaxNormalised([{ id: "a", score: 8 }, { id: "b", score: 2 }], 0)).toEqual([
      { id: "a", score: 1 },
      { id: "b", score: 0.25 },
    ]);
  });

  it("gives a chunk the same value however deep the list was cut, which min-max does not", () => {
    const top = [{ id: "a", score: 9 }, { id: "b", score: 6 }, { id: "c", score: 4 }];
    const deeper = [...top, { id: "d", score: 1 }];
    const value = (list: { id: string; score: number }[], id: string) => list.find((r) => r.id === id)?.score;
    expect(value(theoreticalMinMaxNormalised(deeper, 0), "b")).toBe(value(theoreticalMinMaxNormalised(top, 0), "b"));
    expect(value(minMaxNormalised(deeper), "b")).not.toBe(value(minMaxNormalised(top), "b"));
  });

  it("never goes below 0 for a score under the floor, nor divides by zero when the best is the floor", () => {
    expect(theoreticalMinMaxNormalised([{ id: "a", score: 0.4 }, { id: "b", score: -1.5 }], -1)).toEqual([
      { id: "a", score: 1 },
      { id: "b", score: 0 },
    ]);
    expect(theoreticalMinMaxNormalised([{ id: "a", score: 0 }, { id: "b", score: 0 }], 0)).toEqual([
      { id: "a", score: 0 },
      { id: "b", score: 0 },
    ]);
    expect(theoreticalMinMaxNormalised([], 0)).toEqual([]);
  });

  it("is what fuse() uses with normalisation tmm: cosine from -1, BM25 from 0", () => {
    const vector = [{ id: "v1", score: 0.5 }, { id: "both", score: 0.2 }];
    const keyword = [{ id: "k1", score: 10 }, { id: "both", score: 5 }];
    const settings = { method: "convex", vectorWeight: 0.5, normalisation: "tmm", rrfK: 60 } as const;
    const score = Object.fromEntries(fuse(vector, keyword, settings).map((r) => [r.id, r.score]));
    expect(score.both).toBeCloseTo(0.5 * (1.2 / 1.5) + 0.5 * 0.5);
    expect(score.v1).toBeCloseTo(0.5);
    expect(score.k1).toBeCloseTo(0.5);
    // Min-max puts each list's last chunk at 0, level with what the list did not find.
    const minmax = Object.fromEntries(fuse(vector, keyword, { ...settings, normalisation: "minmax" }).map((r) => [r.id, r.score]));
    expect(minmax.both).toBeCloseTo(0);
  });
});

describe("convex combination", () => {
  // The vector side barely separates its candidates; the keyword side is sure.
  const vector = [
    { id: "v1", score: 0.31 },
    { id: "k1", score: 0.3 },
    { id: "v2", score: 0.29 },
  ];
  const keyword = [
    { id: "k1", score: 20 },
    { id: "k2", score: 4 },
    { id: "v2", score: 2 },
  ];

  it("weights each list's normalised scores and sums them", () => {
    const fused = convexCombination([vector, keyword], [0.5, 0.5]);
    const score = Object.fromEntries(fused.map((r) => [r.id, r.score]));
    expect(score.k1).toBeCloseTo(0.5 * 0.5 + 0.5 * 1);
    expect(score.v1).toBeCloseTo(0.5 * 1);
    expect(score.v2).toBeCloseTo(0.5 * 0 + 0.5 * 0);
    expect(score.k2).toBeCloseTo(0.5 * (2 / 18));
    expect(ids(fused)).toEqual(["k1", "v1", "k2", "v2"]);
  });

  it("follows one list alone at weight 1 or 0", () => {
    // Each list's last result normalises to 0, level with what it did not find.
    expect(ids(fuse(vector, keyword, { ...DEFAULT_FUSION, vectorWeight: 1 })).slice(0, 2)).toEqual(["v1", "k1"]);
    expect(ids(fuse(vector, keyword, { ...DEFAULT_FUSION, vectorWeight: 0 })).slice(0, 2)).toEqual(["k1", "k2"]);
  });

  it("keeps a chunk found by one retriever only, scored 0 by the other", () => {
    expect(ids(convexCombination([vector, []], [0.5, 0.5]))).toEqual(["v1", "k1", "v2"]);
  });
});

describe("weighted reciprocal rank fusion", () => {
  it("adds weight / (k + rank) from every list, ranks from 1", () => {
    const fused = reciprocalRankFusion(
      [
        [{ id: "a", score: 9 }, { id: "b", score: 1 }],
        [{ id: "b", score: 5 }],
      ],
      60,
      [1, 3],
    );
    expect(fused).toEqual([
      { id: "b", score: 1 / 62 + 3 / 61 },
      { id: "a", score: 1 / 61 },
    ]);
  });

  it("is the method fuse() uses with method rrf", () => {
    const vector = [{ id: "a", score: 0.9 }, { id: "b", score: 0.1 }];
    const keyword = [{ id: "b", score: 3 }, { id: "c", score: 1 }];
    expect(ids(fuse(vector, keyword, { method: "rrf", vectorWeight: 0.5, normalisation: "minmax", rrfK: 60 }))).toEqual(["b", "a", "c"]);
  });
});

describe("fusion settings", () => {
  it("defaults to a min-max convex combination, vector weight 0.56, when nothing is set", () => {
    expect(parseFusionSettings({})).toEqual({ ok: true, value: DEFAULT_FUSION });
    expect(parseFusionSettings({ HYBRID_FUSION: "", HYBRID_VECTOR_WEIGHT: " ", HYBRID_NORMALISATION: "", HYBRID_RRF_K: "" })).toEqual({
      ok: true,
      value: DEFAULT_FUSION,
    });
    expect(DEFAULT_FUSION).toEqual({ method: "convex", vectorWeight: 0.56, normalisation: "minmax", rrfK: 60 });
  });

  it("parses the four settings", () => {
    expect(parseFusionSettings({ HYBRID_FUSION: "rrf", HYBRID_VECTOR_WEIGHT: "0.7", HYBRID_NORMALISATION: "tmm", HYBRID_RRF_K: "20" })).toEqual({
      ok: true,
      value: { method: "rrf", vectorWeight: 0.7, normalisation: "tmm", rrfK: 20 },
    });
  });

  it("refuses bad values, naming the setting", () => {
    for (const [vars, name] of [
      [{ HYBRID_FUSION: "max" }, "HYBRID_FUSION"],
      [{ HYBRID_VECTOR_WEIGHT: "1.5" }, "HYBRID_VECTOR_WEIGHT"],
      [{ HYBRID_VECTOR_WEIGHT: "half" }, "HYBRID_VECTOR_WEIGHT"],
      [{ HYBRID_RRF_K: "0" }, "HYBRID_RRF_K"],
      [{ HYBRID_NORMALISATION: "zscore" }, "HYBRID_NORMALISATION"],
    ] as const) {
      const parsed = parseFusionSettings(vars);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.error).toContain(name);
    }
  });
});

describe("fusion settings in the cache key", () => {
  // Everything that changes a search's order must change the settings its cached answer is keyed on.
  const base = { ...env, HYBRID_FUSION: "convex", HYBRID_VECTOR_WEIGHT: "0.56", HYBRID_NORMALISATION: "minmax", HYBRID_RRF_K: "60" };
  it.each([
    ["HYBRID_FUSION", "rrf"],
    ["HYBRID_VECTOR_WEIGHT", "0.3"],
    ["HYBRID_NORMALISATION", "tmm"],
    ["HYBRID_RRF_K", "20"],
    ["EMBEDDING_MODEL", "@cf/baai/bge-large-en-v1.5"],
    ["RERANK_MODEL", "@cf/baai/bge-reranker-base"],
  ] as const)("changes with %s", (name, value) => {
    expect(searchSettings({ ...base, [name]: value })).not.toEqual(searchSettings(base));
    expect(askSettings({ ...base, [name]: value })).not.toEqual(askSettings(base));
  });
});
