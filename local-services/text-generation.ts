// Text generation for the instruct models in text-generation-models.ts: the
// input is checked as the service checks it (schema, then context window),
// the answer comes from extractive-answer.ts, and it is returned in the
// model family's shape, whole or as a stream of server-sent events.
import { AiErrors } from "./ai-errors";
import { chatCompletionEvents, chatCompletionOutput, type ChatCompletionOutput } from "./chat-completion-output";
import { parseChatInput, type ChatMessage } from "./chat-input";
import { completionOf, estimateTokens } from "./completion";
import { extractiveAnswer } from "./extractive-answer";
import { sseStream } from "./sse";
import type { TextGenerationModel } from "./text-generation-models";
import { workersAiEvents, workersAiOutput, type WorkersAiTextOutput } from "./workers-ai-output";

export type TextGenerationOutput = WorkersAiTextOutput | ChatCompletionOutput | ReadableStream<Uint8Array>;

/** Slow enough for a reader to see pieces arrive one by one, fast enough for tests. */
export const STREAM_DELAY_MS = 15;

export interface PreparedGeneration {
  /** What LOCAL_AI_FAULTS' @text entries match against. */
  texts: string[];
  generate(): TextGenerationOutput;
}

export function prepareTextGeneration(model: string, spec: TextGenerationModel, inputs: unknown): PreparedGeneration {
  const { messages, maxTokens: requested, stream } = parseChatInput(inputs, { nullable: spec.format === "chat-completions" });
  const texts = messages.map(({ content }) => content);
  const promptTokens = texts.reduce((sum, text) => sum + estimateTokens(text), 0);
  const maxTokens = requested ?? spec.defaultMaxTokens;
  const estimated = promptTokens + (maxTokens ?? 0);
  if (estimated > spec.contextWindow) throw AiErrors.contextWindow(estimated, spec.contextWindow);
  return {
    texts,
    generate() {
      const completion = completionOf(model, extractiveAnswer(lastUserMessage(messages)), promptTokens, maxTokens);
      if (spec.format === "workers-ai") {
        return stream ? sseStream(workersAiEvents(completion), STREAM_DELAY_MS) : workersAiOutput(completion);
      }
      return stream ? sseStream(chatCompletionEvents(completion), STREAM_DELAY_MS) : chatCompletionOutput(completion);
    },
  };
}

/** The turn being answered; earlier turns and the system rules do not hold the sources. */
function lastUserMessage(messages: readonly ChatMessage[]): string {
  return messages.findLast(({ role }) => role === "user")?.content ?? "";
}
