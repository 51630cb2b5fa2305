// Embedding and rerank functions that meter themselves: each call becomes a
// usage record. Workers AI reports no token counts for these models, so
// tokens are counted with the bge tokenizer estimate (shared/token-estimate.ts).
import type { Embed } from "../../shared/embeddings";
import { estimateTokens } from "../../shared/token-estimate";
import type { Rerank } from "../retrieval/rerank";
import type { RequestMeter } from "./request-meter";

const tokensOf = (texts: readonly string[]) => texts.reduce((n, t) => n + estimateTokens(t), 0);

export function meteredEmbed(embed: Embed, meter: RequestMeter, model: string, options: { answers: boolean }): Embed {
  let answered = false;
  return async (texts) => {
    const started = Date.now();
    // Only the first call stands for the request; later ones are calls behind it.
    const answers = options.answers && !answered;
    answered = true;
    try {
      const vectors = await embed(texts);
      meter.call({ provider: "workers-ai", model, inputTokens: tokensOf(texts), outputTokens: 0, latencyMs: Date.now() - started, answers });
      return vectors;
    } catch (error) {
      // A failed call is recorded without tokens: providers do not bill failures.
      meter.call({ provider: "workers-ai", model, inputTokens: 0, outputTokens: 0, latencyMs: Date.now() - started, answers, outcome: "error" });
      throw error;
    }
  };
}

export function meteredRerank(rerank: Rerank, meter: RequestMeter, model: string): Rerank {
  return async (query, texts) => {
    const started = Date.now();
    const inputTokens = estimateTokens(query) * texts.length + tokensOf(texts);
    try {
      const scores = await rerank(query, texts);
      meter.call({ provider: "workers-ai", model, inputTokens, outputTokens: 0, latencyMs: Date.now() - started, answers: false });
      return scores;
    } catch (error) {
      meter.call({ provider: "workers-ai", model, inputTokens: 0, outputTokens: 0, latencyMs: Date.now() - started, answers: false, outcome: "error" });
      throw error;
    }
  };
}
