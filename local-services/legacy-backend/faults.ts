// Fault injection for the stand-in legacy backend, like LOCAL_AI_FAULTS for Workers AI.
//
// Format: comma-separated "<kind>:<probability>[@<path substring>]" entries.
//   500 | 502 | 503 | 504   answer with that status (a JSON error body)
//   reset                   destroy the connection without answering (a crashed backend)
//   hang                    never answer (a stuck backend; the gateway's timeout must fire)
//   delay=<ms>              wait that long, then answer normally (a slow backend)
// "@<text>" limits an entry to requests whose path contains <text>. The first
// entry that fires decides. Control endpoints and /healthz are never faulted
// (the health of the process is set with PUT /__control/health).
// Examples: "503:0.5" fails half the requests; "delay=2000:1@/api/billing" slows billing;
// "reset:1" makes this instance look down.

export type FaultKind = { kind: "status"; status: number } | { kind: "reset" } | { kind: "hang" } | { kind: "delay"; ms: number };

export interface Fault {
  fault: FaultKind;
  probability: number;
  match?: string;
}

export function parseFaults(spec: string): Fault[] {
  return spec
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .map((entry) => {
      const match = /^([a-z0-9=]+)\s*:\s*([0-9.]+)(?:@(.+))?$/.exec(entry);
      const fault = match?.[1] === undefined ? undefined : kind(match[1]);
      const probability = Number(match?.[2]);
      if (!fault || !(probability >= 0 && probability <= 1)) {
        throw new Error(`legacy-backend: bad fault ${JSON.stringify(entry)}; expected "<500|502|503|504|reset|hang|delay=<ms>>:<probability 0..1>[@path]"`);
      }
      return match?.[3] === undefined ? { fault, probability } : { fault, probability, match: match[3] };
    });
}

function kind(text: string): FaultKind | undefined {
  if (/^(500|502|503|504)$/.test(text)) return { kind: "status", status: Number(text) };
  if (text === "reset") return { kind: "reset" };
  if (text === "hang") return { kind: "hang" };
  const delay = /^delay=(\d{1,6})$/.exec(text);
  return delay?.[1] === undefined ? undefined : { kind: "delay", ms: Number(delay[1]) };
}

export function drawFault(faults: readonly Fault[], path: string, random: () => number = Math.random): FaultKind | undefined {
  return faults.find((f) => (f.match === undefined || path.includes(f.match)) && random() < f.probability)?.fault;
}
