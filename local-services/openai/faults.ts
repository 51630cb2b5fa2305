// Failures on demand for the local OpenAI: a marker anywhere in the input
// text makes the call fail as the real API does, so tests and a developer can
// drive the gateway's fallback offline.
//   [[openai:429]]   429 rate_limit_exceeded
//   [[openai:500]]   500 server_error
//   [[openai:slow]]  answers only after LOCAL_OPENAI_SLOW_MS (default 10 s)
import { OpenAiErrors } from "./errors";

export type Fault = "429" | "500" | "slow";

export function faultIn(texts: readonly string[]): Fault | undefined {
  for (const fault of ["429", "500", "slow"] as const) if (texts.some((text) => text.includes(`[[openai:${fault}]]`))) return fault;
  return undefined;
}

export async function applyFault(fault: Fault | undefined, model: string, slowMs: number): Promise<Response | undefined> {
  if (fault === "429") return OpenAiErrors.rateLimited(model);
  if (fault === "500") return OpenAiErrors.server();
  if (fault === "slow") await new Promise((resolve) => setTimeout(resolve, slowMs));
  return undefined;
}
