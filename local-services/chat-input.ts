// The input schema shared by the instruct models (cloudflare-docs
// workers-ai-models/llama-3.3-70b-instruct-fp8-fast.json and siblings), as
// far as the local model reads it: oneOf
//   { prompt: string (minLength 1), ... }
//   { messages: [{ role, content }], ... }
// with max_tokens (integer), temperature (number, 0..5) and stream (boolean).
// The OpenAI-style models also take null for the optional fields.
// Stricter than the service in two ways, each a caller's bug: an empty
// `messages`, and a role other than system, user, assistant or tool.
import { AiErrors } from "./ai-errors";
import { isRecord, jsonType } from "./json-type";

const ROLES = ["system", "user", "assistant", "tool"] as const;
export type Role = (typeof ROLES)[number];

export interface ChatMessage {
  role: Role;
  content: string;
}

export interface ChatRequest {
  /** A `prompt` arrives here as one user message. */
  messages: ChatMessage[];
  maxTokens: number | undefined;
  stream: boolean;
}

const schemaError = (detail: string) => AiErrors.schema(`oneOf at '/' not met, 0 matches: ${detail}`);

export function parseChatInput(inputs: unknown, { nullable }: { nullable: boolean }): ChatRequest {
  if (!isRecord(inputs)) throw schemaError(`Type mismatch of '/', '${jsonType(inputs)}' not in 'object'`);
  const optional = (key: string) => (nullable && inputs[key] === null ? undefined : inputs[key]);
  const { prompt, messages, requests } = inputs;
  if (requests !== undefined && prompt === undefined && messages === undefined) {
    throw new Error("local-services: the asynchronous batch API ({ requests: [...] }, queueRequest) is not emulated; send { messages } instead");
  }
  if (prompt !== undefined && messages !== undefined) throw AiErrors.schema("oneOf at '/' not met, 2 matches: send either 'prompt' or 'messages'");
  if (prompt === undefined && messages === undefined) {
    throw schemaError("required properties at '/' are 'prompt'; required properties at '/' are 'messages'");
  }
  const stream = optional("stream");
  if (stream !== undefined && typeof stream !== "boolean") throw schemaError(`Type mismatch of '/stream', '${jsonType(stream)}' not in 'boolean'`);
  const temperature = optional("temperature");
  if (temperature !== undefined && (typeof temperature !== "number" || temperature < 0 || temperature > 5)) {
    throw schemaError(`Value at '/temperature' is not a number in [0, 5]`);
  }
  return {
    messages: prompt === undefined ? messagesOf(messages) : [{ role: "user", content: nonEmpty(prompt, "/prompt") }],
    maxTokens: maxTokensOf(optional("max_tokens")),
    stream: stream === true,
  };
}

function messagesOf(messages: unknown): ChatMessage[] {
  if (!Array.isArray(messages)) throw schemaError(`Type mismatch of '/messages', '${jsonType(messages)}' not in 'array'`);
  if (messages.length === 0) throw schemaError("Array at '/messages' has no items");
  return messages.map((message: unknown, i) => {
    const path = `/messages/${i}`;
    if (!isRecord(message)) throw schemaError(`Type mismatch of '${path}', '${jsonType(message)}' not in 'object'`);
    const { role, content } = message;
    if (role === undefined || content === undefined) throw schemaError(`required properties at '${path}' are 'role,content'`);
    if (!isRole(role)) throw schemaError(`Value at '${path}/role' is not one of enum '${ROLES.join(",")}'`);
    return { role, content: contentOf(content, `${path}/content`) };
  });
}

function isRole(value: unknown): value is Role {
  return ROLES.some((role) => role === value);
}

/** A string, or text parts [{ type: "text", text }] (joined), as the newer schemas allow. */
function contentOf(content: unknown, path: string): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) throw schemaError(`Type mismatch of '${path}', '${jsonType(content)}' not in 'string,array'`);
  return content
    .map((part: unknown, i) => {
      if (!isRecord(part) || typeof part.text !== "string") throw schemaError(`Type mismatch of '${path}/${i}/text', not a string`);
      return part.text;
    })
    .join("\n");
}

function maxTokensOf(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value)) throw schemaError(`Type mismatch of '/max_tokens', '${jsonType(value)}' not in 'integer'`);
  // The schema sets no minimum, but asking for no answer at all is a caller's bug.
  if (value < 1) throw schemaError("Value at '/max_tokens' is less than minimum 1");
  return value;
}

function nonEmpty(value: unknown, path: string): string {
  if (typeof value !== "string") throw schemaError(`Type mismatch of '${path}', '${jsonType(value)}' not in 'string'`);
  if (value.length === 0) throw schemaError(`String at '${path}' is shorter than minLength 1`);
  return value;
}
