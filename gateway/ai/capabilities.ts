// Whether a model can honour every parameter of a request. A parameter it
// cannot honour is refused with a 400 naming it, never dropped.
import { type ChatRequest, maxTokensOf } from "./chat-request";
import type { ChatModel, ChatParameter } from "./models";
import { invalidParam, type OpenAiError, unsupportedParam } from "./openai-error";

const set = (value: unknown) => value !== undefined && value !== null;

/** The parameters a request uses, by the name models.ts lists them under. */
function usedParameters(request: ChatRequest): ChatParameter[] {
  const used: ChatParameter[] = [];
  const simple = ["temperature", "top_p", "seed", "stop", "tools", "presence_penalty", "frequency_penalty", "parallel_tool_calls"] as const;
  for (const key of simple) if (set(request[key])) used.push(key);
  if (maxTokensOf(request) !== undefined) used.push("max_tokens");
  // "text" is every model's default; asking for it asks for nothing.
  if (request.response_format && request.response_format.type !== "text") used.push("response_format");
  // "auto" is what a model with tools does anyway.
  if (request.tool_choice !== undefined && request.tool_choice !== "auto") used.push("tool_choice");
  if (set(request.n) && request.n !== 1) used.push("n");
  return used;
}

/** Why this model cannot serve the request, or undefined when it can. */
export function incapability(model: ChatModel, request: ChatRequest): OpenAiError | undefined {
  const missing = usedParameters(request).find((p) => !model.supports.has(p));
  if (missing) return unsupportedParam(missing === "max_tokens" && request.max_completion_tokens != null ? "max_completion_tokens" : missing, model.id);
  const maxTokens = maxTokensOf(request);
  if (maxTokens !== undefined && maxTokens > model.maxOutputTokens) {
    const param = request.max_completion_tokens != null ? "max_completion_tokens" : "max_tokens";
    return invalidParam(param, `${param} is too large: ${maxTokens}. Model ${model.id} supports at most ${model.maxOutputTokens} output tokens.`);
  }
  return undefined;
}
