// Fault injection for the local Workers AI, driven by LOCAL_AI_FAULTS.
//
// Format: comma-separated "<kind>:<probability>[@<text>][#<model>]" entries, probability in [0, 1].
//   429 or 3040  out of capacity: "3040: Capacity temporarily exceeded, please try again." (HTTP 429)
//   3036         daily free allocation used up: "3036: You have used up your daily free allocation ..." (HTTP 429)
//   500 or 3043  internal error: "3043: Internal server error" (HTTP 500)
//   slow         the call answers only after LOCAL_AI_SLOW_MS (a caller's timeout fires first)
// With "@<text>", the entry applies only to calls where some input text (a
// text to embed, a message's content, a rerank query or context) contains
// <text>: one poisoned document fails while the rest go through. With
// "#<model>", only calls to that model (one model out of capacity while
// another serves).
// Examples: "429:0.3" fails 30% of calls for lack of capacity; "429:0.2,500:0.05"
// adds 5% internal errors; "429:1@POISON" fails every call with "POISON" in its input. Entries are drawn independently, in order, and the
// first that fires fails the call; the errors are thrown exactly as the real
// binding throws them (see ai-errors.ts). Empty or unset: no faults.
// A malformed value fails every call, so a typo cannot silently turn faults off.
import { AiErrors } from "./ai-errors";

export interface Fault {
  kind: FaultKind;
  probability: number;
  /** Only calls with an input text containing this. */
  match?: string;
  /** Only calls to this model. */
  model?: string;
}

type FaultKind = "capacity" | "daily-allocation" | "internal" | "slow";

const KINDS: Readonly<Record<string, FaultKind>> = {
  "429": "capacity",
  "3040": "capacity",
  "3036": "daily-allocation",
  "500": "internal",
  "3043": "internal",
  slow: "slow",
};

export function parseFaults(spec: string | undefined): Fault[] {
  return (spec ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .map((entry) => {
      const match = /^(\d+|slow)\s*:\s*([0-9.]+)(?:@([^#]+))?(?:#(.+))?$/.exec(entry);
      const kind = match?.[1] === undefined ? undefined : KINDS[match[1]];
      const probability = Number(match?.[2]);
      if (!kind || !(probability >= 0 && probability <= 1)) {
        throw new Error(
          `local-services: bad LOCAL_AI_FAULTS entry ${JSON.stringify(entry)}; expected "<429|3040|3036|500|3043|slow>:<probability 0..1>[@text]"`,
        );
      }
      const fault: Fault = { kind, probability };
      if (match?.[3] !== undefined) fault.match = match[3];
      if (match?.[4] !== undefined) fault.model = match[4];
      return fault;
    });
}

/** The error to throw for a call whose input texts are `texts`, if any. `random` returns values in [0, 1). */
export function drawFault(faults: readonly Fault[], texts: readonly string[], random: () => number = Math.random, model?: string): Error | undefined {
  const applies = (fault: Fault) => appliesTo(fault, texts, model);
  const fired = faults.find((fault) => fault.kind !== "slow" && applies(fault) && random() < fault.probability);
  if (!fired) return undefined;
  switch (fired.kind) {
    case "slow":
      return undefined;
    case "capacity":
      return AiErrors.capacity();
    case "daily-allocation":
      return AiErrors.dailyAllocation();
    case "internal":
      return AiErrors.internal();
  }
}

/** Whether a `slow` entry fires for this call. */
export function drawSlowdown(faults: readonly Fault[], texts: readonly string[], model?: string, random: () => number = Math.random): boolean {
  return faults.some((fault) => fault.kind === "slow" && appliesTo(fault, texts, model) && random() < fault.probability);
}

function appliesTo(fault: Fault, texts: readonly string[], model: string | undefined): boolean {
  if (fault.model !== undefined && fault.model !== model) return false;
  return fault.match === undefined || texts.some((text) => text.includes(fault.match ?? ""));
}
