// How `model: "auto"` is decided: a request is `complex` (sent to the complex
// model, OpenAI by default) when any test below fires, else `simple` (a
// Workers AI model). The thresholds are the AI_ROUTING_RULE setting (JSON);
// every field has a default. The first test that fires is the reason given
// in X-Model-Route.
import { z } from "zod";
import { type ChatRequest, textOf } from "./chat-request";

export const RoutingRuleSchema = z.strictObject({
  /** Honour an `X-Complexity: simple|complex` request header. */
  honourHint: z.boolean().default(true),
  /** Requests with tools are complex. */
  toolsAreComplex: z.boolean().default(true),
  /** More messages than this (system included) is complex. */
  maxSimpleMessages: z.number().int().min(1).default(8),
  /** More characters of message text than this is complex. */
  maxSimpleChars: z.number().int().min(1).default(6_000),
  /** A code fence (```) or code-looking lines in the last user message are complex. */
  codeIsComplex: z.boolean().default(true),
  /** Phrases (case-insensitive) in the last user message that ask for reasoning. */
  reasoningMarkers: z
    .array(z.string().min(1))
    .default(["step by step", "prove", "derive", "analyze", "analyse", "think carefully", "trade-offs", "tradeoffs", "root cause", "compare and contrast"]),
});

export type RoutingRule = z.output<typeof RoutingRuleSchema>;

export type Complexity = "simple" | "complex";
export type RouteReason = "hint" | "tools" | "long_conversation" | "long_input" | "code" | "reasoning_marker" | "short";

export interface Classification {
  complexity: Complexity;
  reason: RouteReason;
}

const CODE_LINE = /^\s*(def |class |function |const |let |import |#include|public |SELECT |for \(|if \(|return |\}|\{)/im;

export function classify(request: ChatRequest, rule: RoutingRule, hint: string | undefined): Classification {
  const normalizedHint = hint?.trim().toLowerCase();
  if (rule.honourHint && (normalizedHint === "simple" || normalizedHint === "complex")) return { complexity: normalizedHint, reason: "hint" };
  if (rule.toolsAreComplex && (request.tools?.length ?? 0) > 0) return { complexity: "complex", reason: "tools" };
  if (request.messages.length > rule.maxSimpleMessages) return { complexity: "complex", reason: "long_conversation" };
  const chars = request.messages.reduce((sum, m) => sum + textOf(m.content).length, 0);
  if (chars > rule.maxSimpleChars) return { complexity: "complex", reason: "long_input" };
  const last = textOf(request.messages.findLast((m) => m.role === "user")?.content ?? "");
  if (rule.codeIsComplex && (last.includes("```") || CODE_LINE.test(last))) return { complexity: "complex", reason: "code" };
  const lower = last.toLowerCase();
  if (rule.reasoningMarkers.some((marker) => lower.includes(marker.toLowerCase()))) return { complexity: "complex", reason: "reasoning_marker" };
  return { complexity: "simple", reason: "short" };
}
