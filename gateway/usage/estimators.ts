// What an AI request may cost, estimated from its JSON body before any call,
// to reserve against the tenant's budget. Generous on purpose: settlement
// gives back what was not used, while a low estimate would let concurrent
// requests overshoot. null: nothing to reserve (no AI call, or a body the
// route will reject anyway).
import { DEFAULT_CHUNKING } from "../../shared/chunking";
import { estimateTokens } from "../../shared/token-estimate";
import { costOf } from "../../shared/usage/cost";
import { priceOf } from "../../shared/usage/prices";
import type { UsageRoute } from "../../shared/usage/record";
import { MAX_OUTPUT_TOKENS } from "../answer/chat-model";
import type { Amount } from "./budget-ledger";
import { chatEstimate, embeddingEstimate, plus } from "./estimate";

// The rules and the source markup around an ask's chunks, in tokens.
const ASK_PROMPT_OVERHEAD_TOKENS = 400;
const ASK_DEFAULT_TOP_K = 6;
// A chat request that sets no limit may produce this much (OpenAI's and most Workers AI models' practical default ceiling).
const CHAT_DEFAULT_MAX_TOKENS = 4096;

type Body = Record<string, unknown>;
const isBody = (value: unknown): value is Body => typeof value === "object" && value !== null && !Array.isArray(value);
const text = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value ?? ""));

export function estimateRequest(route: UsageRoute, body: unknown, env: Pick<GatewayEnv, "EMBEDDING_MODEL" | "ANSWER_MODEL">): Amount | null {
  if (!isBody(body)) return null;
  const embeddingModel = env.EMBEDDING_MODEL || "@cf/baai/bge-base-en-v1.5";
  switch (route) {
    case "search":
      if (typeof body["query"] !== "string" || body["mode"] === "keyword") return null;
      return embeddingEstimate(embeddingModel, [body["query"]]);
    case "ask": {
      if (typeof body["question"] !== "string") return null;
      const topK = typeof body["topK"] === "number" && body["topK"] > 0 ? Math.min(body["topK"], 20) : ASK_DEFAULT_TOP_K;
      const prompt = estimateTokens(body["question"]) + topK * DEFAULT_CHUNKING.maxTokens + ASK_PROMPT_OVERHEAD_TOKENS;
      const model = env.ANSWER_MODEL || "@cf/meta/llama-3.3-70b-instruct-fp8-fast";
      return plus(embeddingEstimate(embeddingModel, [body["question"]]), chatEstimate("workers-ai", model, prompt, MAX_OUTPUT_TOKENS));
    }
    case "chat": {
      if (!Array.isArray(body["messages"])) return null;
      const prompt = body["messages"].reduce((n: number, m: unknown) => n + 4 + estimateTokens(text(isBody(m) ? m["content"] : m)), 0);
      const limit = [body["max_completion_tokens"], body["max_tokens"]].find((v): v is number => typeof v === "number" && v > 0);
      const output = limit ?? CHAT_DEFAULT_MAX_TOKENS;
      // The router may pick either provider: reserve as the dearer of both would cost.
      const onWorkersAi = chatEstimate("workers-ai", modelOr(body["model"], "workers-ai"), prompt, output);
      const onOpenAi = chatEstimate("openai", modelOr(body["model"], "openai"), prompt, output);
      return { usd: Math.max(onWorkersAi.usd, onOpenAi.usd), neurons: onWorkersAi.neurons, tokens: prompt + output };
    }
    case "embeddings": {
      const input = body["input"];
      const texts = typeof input === "string" ? [input] : Array.isArray(input) ? input.map(text) : null;
      if (!texts) return null;
      const model = typeof body["model"] === "string" && body["model"] !== "auto" ? body["model"] : embeddingModel;
      const tokens = texts.reduce((n, t) => n + estimateTokens(t), 0);
      const provider = model.startsWith("@cf/") ? "workers-ai" : "openai";
      return { ...costOf(provider, model, { inputTokens: tokens, outputTokens: 0 }), tokens };
    }
    default:
      return null;
  }
}

/** The named model when the table prices it for this provider, else the provider's dearest. */
function modelOr(name: unknown, provider: "workers-ai" | "openai"): string {
  const model = typeof name === "string" ? name : "";
  return priceOf(provider, model) === priceOf(provider, "") ? "" : model;
}
