// A provider call of the OpenAI-compatible routes (gateway/ai/outcome.ts),
// as a usage record of the request's meter. `answers`: the call whose result
// the client got (the last of a fallback chain); failed attempts before it
// are calls behind the request.
import type { Provider } from "../../shared/usage/prices";
import type { RequestMeter } from "./request-meter";

export interface ProviderCall {
  provider: Provider;
  model: string;
  variant: string | null;
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
  outcome: "ok" | "failed" | "cancelled";
}

export function meterProviderCall(meter: RequestMeter, call: ProviderCall, answers: boolean): void {
  meter.call({
    provider: call.provider,
    model: call.model,
    variant: call.variant ?? "",
    inputTokens: call.inputTokens,
    outputTokens: call.outputTokens,
    latencyMs: call.latencyMs,
    outcome: call.outcome === "failed" ? "error" : call.outcome,
    answers,
  });
}
