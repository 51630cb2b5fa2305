// A completion in the OpenAI chat-completions shape that glm-4.7-flash,
// gemma-4-26b-a4b-it and qwen3-30b-a3b-fp8 return through the binding:
//   { id, object: "chat.completion", created, model, choices: [{ index, message, finish_reason, logprobs }], usage }
// Streamed, as the live binding sends it: a role chunk, content deltas, a
// finish_reason chunk, then Workers AI's own closing {"response":"","usage"}
// event and [DONE]. (Live chunks also carry incremental usage and a "p"
// padding field; both are left out.)
import type { Completion, Usage } from "./completion";
import { piecesOf } from "./completion";

export interface ChatCompletionOutput {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: {
    index: number;
    message: { role: "assistant"; content: string; refusal: null };
    finish_reason: Completion["finishReason"];
    logprobs: null;
  }[];
  usage: Usage;
}

export function chatCompletionOutput({ model, text, finishReason, usage }: Completion): ChatCompletionOutput {
  return {
    ...envelope(model),
    object: "chat.completion",
    choices: [{ index: 0, message: { role: "assistant", content: text, refusal: null }, finish_reason: finishReason, logprobs: null }],
    usage,
  };
}

export function* chatCompletionEvents({ model, text, finishReason, usage }: Completion): Generator<string> {
  const head = { ...envelope(model), object: "chat.completion.chunk" };
  const chunk = (delta: object, finish: Completion["finishReason"] | null) =>
    JSON.stringify({ ...head, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] });
  yield chunk({ role: "assistant", content: "" }, null);
  for (const piece of piecesOf(text)) yield chunk({ content: piece }, null);
  yield chunk({}, finishReason);
  yield JSON.stringify({ response: "", usage });
  yield "[DONE]";
}

function envelope(model: string) {
  return { id: crypto.randomUUID().replaceAll("-", ""), created: Math.floor(Date.now() / 1000), model };
}
