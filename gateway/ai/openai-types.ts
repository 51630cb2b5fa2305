// OpenAI's response objects, as this gateway sends them (platform.openai.com/docs/api-reference/chat/object).
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter";

export interface ToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export interface ChatCompletion {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  system_fingerprint: string | null;
  choices: {
    index: number;
    message: { role: "assistant"; content: string | null; refusal: null; tool_calls?: ToolCall[] };
    logprobs: null;
    finish_reason: FinishReason;
  }[];
  usage: Usage;
}

export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: "function";
  function?: { name?: string; arguments?: string };
}

export interface ChunkChoice {
  index: number;
  delta: { role?: "assistant"; content?: string | null; refusal?: null; tool_calls?: ToolCallDelta[] };
  logprobs: null;
  finish_reason: FinishReason | null;
}

export interface ChatCompletionChunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  system_fingerprint: string | null;
  choices: ChunkChoice[];
  usage?: Usage | null;
}

export const completionId = () => `chatcmpl-${crypto.randomUUID().replaceAll("-", "")}`;
export const unixNow = () => Math.floor(Date.now() / 1000);
export const toolCallId = () => `call_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
