// A Workers AI text-generation answer -> OpenAI's chat.completion. Two shapes
// arrive, by model family:
//   { response, tool_calls: [{ name, arguments }], usage }       Llama, Mistral
//   { object: "chat.completion", choices: [{ message, finish_reason }], usage }   GLM, Gemma 4, Qwen 3
// `response` is an object, not a string, when JSON mode parsed it. Usage is
// estimated when the model reports none, and finish_reason is always set.
import { isRecord } from "../json";
import type { ChatCompletion, FinishReason, ToolCall, Usage } from "../openai-types";
import { completionId, toolCallId, unixNow } from "../openai-types";

export interface Draft {
  content: string | null;
  toolCalls: ToolCall[];
  finishReason: FinishReason | undefined;
  usage: Usage | undefined;
}

/** What a non-streamed answer says, in either shape; undefined when it is neither. */
export function draftOf(output: unknown): Draft | undefined {
  if (!isRecord(output)) return undefined;
  const usage = usageOf(output["usage"]);
  const choices = output["choices"];
  if (Array.isArray(choices)) {
    const choice: unknown = choices[0];
    if (!isRecord(choice) || !isRecord(choice["message"])) return undefined;
    const message = choice["message"];
    return {
      content: typeof message["content"] === "string" ? message["content"] : null,
      toolCalls: toolCallsOf(message["tool_calls"]),
      finishReason: finishReasonOf(choice["finish_reason"]),
      usage,
    };
  }
  if (!("response" in output) && !("tool_calls" in output)) return undefined;
  const response = output["response"];
  const content = typeof response === "string" ? response : response == null ? null : JSON.stringify(response);
  return { content, toolCalls: toolCallsOf(output["tool_calls"]), finishReason: undefined, usage };
}

export function chatCompletionOf(draft: Draft, model: string, usage: Usage, maxTokens: number | undefined): ChatCompletion {
  const toolCalls = draft.toolCalls;
  return {
    id: completionId(),
    object: "chat.completion",
    created: unixNow(),
    model,
    system_fingerprint: null,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: toolCalls.length > 0 && !draft.content ? null : (draft.content ?? ""), refusal: null, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) },
        logprobs: null,
        finish_reason: draft.finishReason ?? inferFinishReason(toolCalls.length > 0, usage, maxTokens),
      },
    ],
    usage,
  };
}

export function inferFinishReason(calledTools: boolean, usage: Usage, maxTokens: number | undefined): FinishReason {
  if (calledTools) return "tool_calls";
  return maxTokens !== undefined && usage.completion_tokens >= maxTokens ? "length" : "stop";
}

/** Tool calls in either shape: OpenAI's, or Workers AI's { name, arguments: object }. */
export function toolCallsOf(raw: unknown): ToolCall[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((call: unknown): ToolCall[] => {
    if (!isRecord(call)) return [];
    const fn = isRecord(call["function"]) ? call["function"] : call;
    const name = fn["name"];
    if (typeof name !== "string") return [];
    const args = fn["arguments"] ?? fn["parameters"] ?? {};
    const id = typeof call["id"] === "string" ? call["id"] : toolCallId();
    return [{ id, type: "function", function: { name, arguments: typeof args === "string" ? args : JSON.stringify(args) } }];
  });
}

export function usageOf(raw: unknown): Usage | undefined {
  if (!isRecord(raw)) return undefined;
  const prompt = raw["prompt_tokens"];
  const completion = raw["completion_tokens"];
  if (typeof prompt !== "number" || typeof completion !== "number") return undefined;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

export function finishReasonOf(raw: unknown): FinishReason | undefined {
  return raw === "stop" || raw === "length" || raw === "tool_calls" || raw === "content_filter" ? raw : undefined;
}
