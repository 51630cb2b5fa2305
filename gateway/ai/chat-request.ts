// The body of POST /v1/chat/completions: OpenAI's parameters that this
// gateway understands. Anything else is refused (as OpenAI refuses an
// unrecognized argument) rather than silently dropped; whether the chosen
// model can honour each parameter is checked later, against its row in models.ts.
import { z } from "zod";

const TextPart = z.object({ type: z.literal("text"), text: z.string() });
const Content = z.union([z.string(), z.array(TextPart).min(1)]);

const ToolCall = z.object({
  id: z.string().min(1),
  type: z.literal("function"),
  function: z.object({ name: z.string().min(1), arguments: z.string() }),
});

const Message = z.discriminatedUnion("role", [
  z.object({ role: z.enum(["system", "developer"]), content: Content, name: z.string().optional() }),
  z.object({ role: z.literal("user"), content: Content, name: z.string().optional() }),
  z.object({
    role: z.literal("assistant"),
    content: Content.nullable().optional(),
    tool_calls: z.array(ToolCall).optional(),
    name: z.string().optional(),
    refusal: z.string().nullable().optional(),
  }),
  z.object({ role: z.literal("tool"), content: Content, tool_call_id: z.string().min(1) }),
]);

const Tool = z.object({
  type: z.literal("function"),
  function: z.object({
    name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1 to 64 letters, digits, '_' or '-'"),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullable().optional(),
  }),
});

const ToolChoice = z.union([
  z.enum(["none", "auto", "required"]),
  z.object({ type: z.literal("function"), function: z.object({ name: z.string().min(1) }) }),
]);

const ResponseFormat = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }),
  z.object({ type: z.literal("json_object") }),
  z.object({
    type: z.literal("json_schema"),
    json_schema: z.object({ name: z.string().min(1), schema: z.record(z.string(), z.unknown()).optional(), strict: z.boolean().nullable().optional(), description: z.string().optional() }),
  }),
]);

export const ChatRequestSchema = z.strictObject({
  model: z.string().min(1).default("auto"),
  messages: z.array(Message).min(1, "must hold at least one message"),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  max_tokens: z.number().int().min(1).nullable().optional(),
  max_completion_tokens: z.number().int().min(1).nullable().optional(),
  stop: z.union([z.string(), z.array(z.string()).min(1).max(4)]).nullable().optional(),
  seed: z.number().int().nullable().optional(),
  response_format: ResponseFormat.optional(),
  tools: z.array(Tool).min(1).max(128).optional(),
  tool_choice: ToolChoice.optional(),
  parallel_tool_calls: z.boolean().optional(),
  presence_penalty: z.number().min(-2).max(2).nullable().optional(),
  frequency_penalty: z.number().min(-2).max(2).nullable().optional(),
  n: z.number().int().min(1).max(8).nullable().optional(),
  user: z.string().max(256).optional(),
  stream: z.boolean().nullable().optional(),
  stream_options: z.strictObject({ include_usage: z.boolean().optional() }).nullable().optional(),
});

export type ChatRequest = z.infer<typeof ChatRequestSchema>;
export type ChatMessage = ChatRequest["messages"][number];
export type ChatTool = NonNullable<ChatRequest["tools"]>[number];

/** The text of a message's content: a string, or its text parts joined. */
export function textOf(content: ChatMessage["content"]): string {
  if (content == null) return "";
  return typeof content === "string" ? content : content.map((part) => part.text).join("\n");
}

/** The output cap the caller asked for, under either name. */
export function maxTokensOf(request: ChatRequest): number | undefined {
  return request.max_completion_tokens ?? request.max_tokens ?? undefined;
}
