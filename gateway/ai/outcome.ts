// One structured log line per provider call (every attempt, fallbacks
// included). Usage and cost are metered beside it (gateway/usage/), summed
// into rollups: nothing here is stored per request.
import type { FailureKind } from "./providers/provider";
import type { Provider } from "./models";

export interface AiCallOutcome {
  requestId: string;
  tenantId: string;
  kind: "chat" | "embeddings";
  provider: Provider;
  model: string;
  stream: boolean;
  experiment: string | null;
  variant: string | null;
  inputTokens: number;
  outputTokens: number;
  /** True when the provider reported no usage and the counts are estimates. */
  tokensEstimated: boolean;
  latencyMs: number;
  outcome: "ok" | "failed" | "cancelled";
  failure: FailureKind | null;
}

export type OutcomeSink = (outcome: AiCallOutcome) => void;

export const logOutcome: OutcomeSink = (outcome) => {
  console.log(JSON.stringify({ event: "ai_call", ...outcome }));
};
