// What the gateway relies on in an OpenAI-compatible upstream's answers,
// checked before use: the upstream is untrusted, and a malformed answer must
// become a provider failure (and a fallback), never a crash or a hung stream.
// Fields beyond these pass through untouched.
import { z } from "zod";

const ToolCall = z.looseObject({ id: z.string(), type: z.literal("function"), function: z.looseObject({ name: z.string(), arguments: z.string() }) });
const FinishReason = z.enum(["stop", "length", "tool_calls", "content_filter", "function_call"]);

export const UpstreamCompletion = z.looseObject({
  id: z.string(),
  object: z.literal("chat.completion"),
  created: z.number(),
  model: z.string(),
  choices: z
    .array(
      z.looseObject({
        index: z.number().int(),
        message: z.looseObject({ role: z.literal("assistant"), content: z.string().nullable(), tool_calls: z.array(ToolCall).optional() }),
        finish_reason: FinishReason,
      }),
    )
    .min(1),
});

const ToolCallDelta = z.looseObject({
  index: z.number().int().min(0),
  id: z.string().optional(),
  type: z.literal("function").optional(),
  function: z.looseObject({ name: z.string().optional(), arguments: z.string().optional() }).optional(),
});

export const UpstreamChunk = z.looseObject({
  id: z.string(),
  object: z.literal("chat.completion.chunk"),
  created: z.number(),
  model: z.string(),
  choices: z.array(
    z.looseObject({
      index: z.number().int(),
      delta: z.looseObject({ content: z.string().nullable().optional(), tool_calls: z.array(ToolCallDelta).optional() }),
      finish_reason: FinishReason.nullable().optional(),
    }),
  ),
});
