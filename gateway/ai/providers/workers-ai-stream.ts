// A streamed Workers AI answer (its `data:` payloads) -> OpenAI
// chat.completion.chunk objects: a role chunk, content and tool-call deltas
// (each call with its own `index`), then a closing chunk whose finish_reason
// is always set. Both shapes arrive, by model family:
//   {"response":"piece"} ... {"response":"","tool_calls":[...]} ... {"response":"","usage":{...}}
//   {"object":"chat.completion.chunk","choices":[{"delta":{...},"finish_reason":...}]} ... {"response":"","usage":{...}}
import { isRecord } from "../json";
import type { ChatCompletionChunk, ChunkChoice, FinishReason, ToolCallDelta, Usage } from "../openai-types";
import { completionId, toolCallId, unixNow } from "../openai-types";
import { finishReasonOf, inferFinishReason, toolCallsOf, usageOf } from "./workers-ai-output";

export interface ChunkStream {
  chunks: AsyncGenerator<ChatCompletionChunk>;
  usage(): Usage | undefined;
}

export function openAiChunks(payloads: AsyncIterable<string>, model: string, maxTokens: number | undefined): ChunkStream {
  const id = completionId();
  const created = unixNow();
  let usage: Usage | undefined;
  const chunk = (delta: ChunkChoice["delta"], finish: FinishReason | null = null): ChatCompletionChunk => ({
    id,
    object: "chat.completion.chunk",
    created,
    model,
    system_fingerprint: null,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    usage: null,
  });

  async function* chunks(): AsyncGenerator<ChatCompletionChunk> {
    let finish: FinishReason | undefined;
    let calls = 0;
    yield chunk({ role: "assistant", content: "" });
    for await (const payload of payloads) {
      const event: unknown = JSON.parse(payload);
      if (!isRecord(event)) continue;
      usage = usageOf(event["usage"]) ?? usage;
      const choices = event["choices"];
      if (Array.isArray(choices)) {
        const choice: unknown = choices[0];
        if (!isRecord(choice)) continue;
        finish = finishReasonOf(choice["finish_reason"]) ?? finish;
        const delta = isRecord(choice["delta"]) ? choice["delta"] : {};
        if (typeof delta["content"] === "string" && delta["content"] !== "") yield chunk({ content: delta["content"] });
        const toolDeltas = toolCallDeltasOf(delta["tool_calls"], calls);
        if (toolDeltas.length > 0) {
          calls = Math.max(calls, ...toolDeltas.map((d) => d.index + 1));
          yield chunk({ tool_calls: toolDeltas });
        }
        continue;
      }
      const response = event["response"];
      if (typeof response === "string" && response !== "") yield chunk({ content: response });
      for (const call of toolCallsOf(event["tool_calls"])) {
        yield chunk({ tool_calls: [{ index: calls++, id: call.id, type: "function", function: call.function }] });
      }
    }
    const counted = usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
    yield chunk({}, finish ?? inferFinishReason(calls > 0, counted, usage ? maxTokens : undefined));
  }

  return { chunks: chunks(), usage: () => usage };
}

/** OpenAI-shaped tool-call deltas, kept as they are; an id and index are supplied when a model leaves them out. */
function toolCallDeltasOf(raw: unknown, next: number): ToolCallDelta[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((item: unknown, i): ToolCallDelta[] => {
    if (!isRecord(item)) return [];
    const index = typeof item["index"] === "number" ? item["index"] : next + i;
    const fn = isRecord(item["function"]) ? item["function"] : {};
    const delta: ToolCallDelta = { index };
    if (typeof item["id"] === "string") delta.id = item["id"];
    else if (typeof fn["name"] === "string") delta.id = toolCallId();
    if (typeof fn["name"] === "string") delta.type = "function";
    const name = typeof fn["name"] === "string" ? fn["name"] : undefined;
    const args = typeof fn["arguments"] === "string" ? fn["arguments"] : fn["arguments"] === undefined ? undefined : JSON.stringify(fn["arguments"]);
    if (name !== undefined || args !== undefined) delta.function = { ...(name !== undefined ? { name } : {}), ...(args !== undefined ? { arguments: args } : {}) };
    return [delta];
  });
}
