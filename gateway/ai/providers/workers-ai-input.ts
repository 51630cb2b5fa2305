// OpenAI chat request -> the input of a Workers AI text-generation model.
// Parameters were checked against the model's row beforehand, so everything
// here is something the model takes. Llama-family models (`workers-ai`
// output) read a tool call in the history as the JSON they emit for one;
// the OpenAI-shaped models take OpenAI's messages as they are.
import { type ChatMessage, type ChatRequest, maxTokensOf, textOf } from "../chat-request";
import type { ChatModel } from "../models";

export interface WorkersAiMessage {
  role: "system" | "user" | "assistant" | "tool";
  content: string;
  tool_call_id?: string;
  tool_calls?: unknown;
}

export type WorkersAiInput = Record<string, unknown> & { messages: WorkersAiMessage[] };

export function workersAiInput(model: ChatModel, request: ChatRequest, stream: boolean): WorkersAiInput {
  const openAiShaped = model.output === "chat-completions";
  const input: WorkersAiInput = { messages: request.messages.map((m) => messageOf(m, openAiShaped)) };
  const maxTokens = maxTokensOf(request);
  if (maxTokens !== undefined) input["max_tokens"] = maxTokens;
  for (const key of ["temperature", "top_p", "seed", "presence_penalty", "frequency_penalty", "tool_choice"] as const) {
    const value = request[key];
    if (value !== undefined && value !== null) input[key] = value;
  }
  if (request.stop != null) input["stop"] = request.stop;
  if (request.tools) input["tools"] = request.tools;
  const format = request.response_format;
  // Workers AI's JSON mode: { type: "json_schema", json_schema: <the JSON schema itself> }.
  if (format?.type === "json_object") input["response_format"] = { type: "json_object" };
  if (format?.type === "json_schema") input["response_format"] = { type: "json_schema", json_schema: format.json_schema.schema ?? {} };
  if (stream) input["stream"] = true;
  return input;
}

function messageOf(message: ChatMessage, openAiShaped: boolean): WorkersAiMessage {
  switch (message.role) {
    case "developer":
      return { role: "system", content: textOf(message.content) };
    case "system":
    case "user":
      return { role: message.role, content: textOf(message.content) };
    case "tool":
      return { role: "tool", content: textOf(message.content), tool_call_id: message.tool_call_id };
    case "assistant": {
      const content = textOf(message.content);
      const calls = message.tool_calls ?? [];
      if (calls.length === 0) return { role: "assistant", content };
      if (openAiShaped) return { role: "assistant", content, tool_calls: calls };
      const emitted = calls.map((call) => ({ name: call.function.name, arguments: parseArguments(call.function.arguments) }));
      return { role: "assistant", content: JSON.stringify(emitted.length === 1 ? emitted[0] : emitted) };
    }
  }
}

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
