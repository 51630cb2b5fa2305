// Optional second stage: a cross-encoder (bge-reranker-base) rescoring the
// fused candidates against the query.

/** Relevance of each text to the query, aligned with `texts`. */
export type Rerank = (query: string, texts: readonly string[]) => Promise<number[]>;

export function workersAiReranker(ai: Ai, model: "@cf/baai/bge-reranker-base"): Rerank {
  return async (query, texts) => {
    // workers-types leaves `query` out of this model's input type; the model requires it.
    const input = { query, contexts: texts.map((text) => ({ text })), top_k: texts.length } as Ai_Cf_Baai_Bge_Reranker_Base_Input;
    const output = await ai.run(model, input);
    // A text the model left unscored ranks last (scores are probabilities, 0..1).
    const scores = new Array<number>(texts.length).fill(0);
    for (const item of output.response ?? []) {
      if (item.id !== undefined && item.id >= 0 && item.id < texts.length) scores[item.id] = item.score ?? 0;
    }
    return scores;
  };
}
