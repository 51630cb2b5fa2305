// Reciprocal rank fusion rewards agreement: a chunk both retrievers find ranks
// above chunks that only one of them ranks a little higher. (Order only, not
// scores: the constants may change.)
import { describe, expect, it } from "vitest";
import { reciprocalRankFusion } from "../../gateway/retrieval/fusion";

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
