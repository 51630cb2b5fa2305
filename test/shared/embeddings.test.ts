// The embedder splits its input into Workers AI's 100-text calls and keeps the order.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_TEXTS_PER_EMBEDDING_CALL, workersAiEmbedder } from "../../shared/embeddings";
import { interceptedAi } from "../helpers/ai";

describe("workersAiEmbedder", () => {
  it("embeds more than 100 texts in calls of at most 100, in order", async () => {
    const sizes: number[] = [];
    const ai = interceptedAi((_, [, input]) => {
      const text = (input as { text?: unknown }).text;
      if (Array.isArray(text)) sizes.push(text.length);
    });
    const texts = Array.from({ length: 250 }, (_, i) => `text number ${i} about topic${i}`);
    const vectors = await workersAiEmbedder(ai, "@cf/baai/bge-base-en-v1.5")(texts);

    expect(sizes).toEqual([100, 100, 50]);
    expect(MAX_TEXTS_PER_EMBEDDING_CALL).toBe(100);
    expect(vectors).toHaveLength(250);
    // Each vector is the one its own text gets alone: nothing shifted between calls.
    const alone = await workersAiEmbedder(env.AI, "@cf/baai/bge-base-en-v1.5")([texts[137] ?? ""]);
    expect(vectors[137]).toEqual(alone[0]);
  });
});
