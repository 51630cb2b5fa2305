// Text generation through Workers AI: one answer, or a stream of pieces.
import { type DependencyFailure, dependencyFailure } from "../dependency-failure";
import type { ChatMessage } from "./prompt";

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

export interface Completion {
  text: string;
  usage: Usage;
  /** What the service says it ran, else the configured name. */
  model: string;
}

export type StreamEvent = { type: "delta"; text: string } | { type: "usage"; usage: Usage } | { type: "model"; model: string };

export interface ChatModel {
  name: string;
  complete(messages: ChatMessage[]): Promise<Completion>;
  /** Pieces as they are generated; cancelling the iteration (break/return) cancels the generation. */
  stream(messages: ChatMessage[]): Promise<AsyncGenerator<StreamEvent>>;
}

/** Raised for failures of the model service, as opposed to bugs here. */
export class ModelError extends Error {
  override name = "ModelError";
  constructor(readonly failure: DependencyFailure) {
    super(failure.message);
  }
}

export const MAX_OUTPUT_TOKENS = 1024;

// Workers AI answers in one of two shapes, by model family: `{ response }`
// (Llama, Mistral) or OpenAI's chat completion (GLM, Gemma 4, Qwen 3).
interface RawOutput {
  response?: unknown;
  choices?: { message?: { content?: unknown }; delta?: { content?: unknown } }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
  model?: unknown;
}

function textOf(output: RawOutput): string | undefined {
  const choice = output.choices?.[0];
  const text = output.response ?? choice?.message?.content ?? choice?.delta?.content;
  return typeof text === "string" ? text : undefined;
}

// The configured model is any current instruct model; workers-types only knows
// names at compile time, and all of them share this input and output shape.
type ChatAi = { run(model: string, input: object): Promise<unknown> };

export function workersAiChatModel(ai: Ai, name: string): ChatModel {
  // Called as a method: a service-binding stub cannot be re-bound as `this`.
  const chat = ai as unknown as ChatAi;
  const call = async (input: object): Promise<unknown> => {
    try {
      return await chat.run(name, input);
    } catch (error) {
      throw asModelError(error);
    }
  };
  return {
    name,
    async complete(messages) {
      const output = (await call({ messages, max_tokens: MAX_OUTPUT_TOKENS, temperature: 0.2 })) as RawOutput;
      const text = textOf(output);
      if (text === undefined) throw new ModelError(dependencyFailure("answer model", "the model returned no text"));
      return {
        text,
        usage: usageOf(output.usage, messages, text),
        model: typeof output.model === "string" ? output.model : name,
      };
    },
    async stream(messages) {
      const output = await call({ messages, max_tokens: MAX_OUTPUT_TOKENS, temperature: 0.2, stream: true });
      if (!(output instanceof ReadableStream)) throw new ModelError(dependencyFailure("answer model", "the model did not stream"));
      return readServerSentEvents(output as ReadableStream<Uint8Array>);
    },
  };
}

/** Workers AI streams `data: {...}` events (either shape), maybe a final usage, then `data: [DONE]`. */
async function* readServerSentEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<StreamEvent> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<string>;
      try {
        chunk = await reader.read();
      } catch (error) {
        // The connection to Workers AI broke part way: a model failure like any other.
        throw asModelError(error);
      }
      const { done, value } = chunk;
      if (done) return;
      buffer += value;
      let newline: number;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (!line.startsWith("data:")) continue;
        const data = line.slice(5).trim();
        if (data === "[DONE]") return;
        const event = parseEvent(data);
        const text = textOf(event);
        // What the service says it ran, as the JSON answer reports it.
        if (typeof event.model === "string") yield { type: "model", model: event.model };
        if (text) yield { type: "delta", text };
        if (event.usage) {
          yield { type: "usage", usage: { inputTokens: event.usage.prompt_tokens ?? 0, outputTokens: event.usage.completion_tokens ?? 0 } };
        }
      }
    }
  } finally {
    // Reached on [DONE], on error, and when the consumer stops early: the last stops the generation.
    await reader.cancel().catch(() => {});
  }
}

function parseEvent(data: string): RawOutput {
  try {
    return JSON.parse(data) as RawOutput;
  } catch {
    throw new ModelError(dependencyFailure("answer model", "the model streamed an event that is not JSON"));
  }
}

function usageOf(raw: RawOutput["usage"], messages: ChatMessage[], answer: string): Usage {
  if (raw?.prompt_tokens !== undefined && raw.completion_tokens !== undefined) {
    return { inputTokens: raw.prompt_tokens, outputTokens: raw.completion_tokens };
  }
  return estimateUsage(messages, answer);
}

/** For models that report no usage: ~4 characters a token, rather than claiming zero. */
export function estimateUsage(messages: readonly ChatMessage[], answer: string): Usage {
  const chars = messages.reduce((n, m) => n + m.content.length, 0);
  return { inputTokens: Math.ceil(chars / 4), outputTokens: Math.ceil(answer.length / 4) };
}

function asModelError(error: unknown): ModelError {
  return new ModelError(dependencyFailure("answer model", error));
}
