// X-Model-Route: what served a request and why, e.g.
//   class=simple; reason=short; model=@cf/meta/llama-3.1-8b-instruct-fast; provider=workers-ai
//   class=complex; reason=tools; model=@cf/meta/llama-3.3-70b-instruct-fp8-fast; provider=workers-ai; fallback=gpt-4.1-mini:breaker_open
//   class=explicit; reason=requested; model=gpt-4o; provider=openai
// `fallback` lists the models tried (or skipped) before the one that served.
import { variantKey } from "./experiments";
import type { Attempt } from "./fallback";
import type { ChatModel } from "./models";
import type { Plan } from "./plan";

export function routeHeader(plan: Pick<Plan, "complexity" | "reason">, served: ChatModel | undefined, attempts: readonly Attempt[]): string {
  const parts = [`class=${plan.complexity}`, `reason=${plan.reason}`];
  if (served) parts.push(`model=${served.id}`, `provider=${served.provider}`);
  if (attempts.length > 0) parts.push(`fallback=${attempts.map((a) => `${a.model}:${a.failure}`).join(",")}`);
  return parts.join("; ");
}

export function experimentHeader(plan: Pick<Plan, "assignment">): Record<string, string> {
  return plan.assignment ? { "X-Experiment-Variant": variantKey(plan.assignment) } : {};
}
