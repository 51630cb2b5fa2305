// Token counts for models that report none, so usage is never claimed as zero:
// the same conservative estimate the chunker uses for bge (shared/token-estimate.ts).
import { estimateTokens } from "../../shared/token-estimate";
import { type ChatMessage, textOf } from "./chat-request";
import type { Usage } from "./openai-types";

/** Per-message overhead of chat templates (role markers), as OpenAI counts it. */
const TOKENS_PER_MESSAGE = 4;

export function estimatePromptTokens(messages: readonly ChatMessage[]): number {
  return messages.reduce((sum, message) => sum + TOKENS_PER_MESSAGE + estimateTokens(textOf(message.content)), 0);
}

export function estimateUsage(messages: readonly ChatMessage[], completion: string): Usage {
  const prompt = estimatePromptTokens(messages);
  const output = estimateTokens(completion);
  return { prompt_tokens: prompt, completion_tokens: output, total_tokens: prompt + output };
}
