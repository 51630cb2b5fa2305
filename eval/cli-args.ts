// The command line of `npm run eval`, parsed into a value or a usage error.
import { DEFAULT_GATEWAY_URL, gatewayTarget, one, type OptionSpec, parseOptions, positiveInteger } from "../scripts/cli";
import { err, ok, type Result } from "../shared/result";
import { SEARCH_MODES, type SearchMode } from "./gateway-client";

export const USAGE = `usage: npm run eval -- --dataset DIR [options]

  --dataset DIR         a BEIR-format directory (corpus.jsonl, queries.jsonl, qrels/test.tsv),
                        e.g. eval/collection
  --url URL             the gateway (default: $GATEWAY_URL, else http://localhost:8787)
  --k N                 cutoff for nDCG and MRR (default 10)
  --mode MODE           hybrid | keyword | vector (default hybrid)
  --concurrency N       uploads in flight (default 8)
  --token JWT           a token for an empty tenant (needed when --url is not local)
  --reuse-tenant NAME   skip ingest and search a tenant an earlier run filled
                        (its name is printed at the start of that run)
  --timeout SECONDS     give up waiting for documents to be ready (default 1800)
  --json                end stdout with one JSON line of the results
  --help`;

export interface EvalArgs {
  dataset: string;
  url: string;
  /** Where `url` came from (see scripts/cli.ts), for messages. */
  urlSource: string;
  k: number;
  mode: SearchMode;
  concurrency: number;
  token: string | null;
  reuseTenant: string | null;
  timeoutSeconds: number;
  json: boolean;
  help: boolean;
}

const OPTIONS: Record<string, OptionSpec> = {
  dataset: { type: "string" },
  url: { type: "string" },
  k: { type: "string" },
  mode: { type: "string" },
  concurrency: { type: "string" },
  token: { type: "string" },
  "reuse-tenant": { type: "string" },
  timeout: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean" },
};

export function parseEvalArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): Result<EvalArgs, string> {
  const parsed = parseOptions(argv, OPTIONS);
  if (!parsed.ok) return parsed;
  const options = parsed.value;
  if (options.flags.has("help")) return ok({ ...defaults(), help: true });

  const dataset = one(options, "dataset");
  if (!dataset) return err("--dataset is required");
  const mode = one(options, "mode") ?? "hybrid";
  if (!isOneOf(SEARCH_MODES, mode)) return err(`--mode must be one of ${SEARCH_MODES.join(", ")}, got "${mode}"`);
  const k = positiveInteger(options, "k", 10);
  if (!k.ok) return k;
  const concurrency = positiveInteger(options, "concurrency", 8);
  if (!concurrency.ok) return concurrency;
  const timeout = positiveInteger(options, "timeout", 1800);
  if (!timeout.ok) return timeout;
  const target = gatewayTarget(one(options, "url"), env);
  if (!target.ok) return target;
  return ok({
    dataset,
    url: target.value.url,
    urlSource: target.value.source,
    k: k.value,
    mode,
    concurrency: concurrency.value,
    token: one(options, "token") ?? null,
    reuseTenant: one(options, "reuse-tenant") ?? null,
    timeoutSeconds: timeout.value,
    json: options.flags.has("json"),
    help: false,
  });
}

function defaults(): EvalArgs {
  return {
    dataset: "",
    url: DEFAULT_GATEWAY_URL,
    urlSource: "the local default",
    k: 10,
    mode: "hybrid",
    concurrency: 8,
    token: null,
    reuseTenant: null,
    timeoutSeconds: 1800,
    json: false,
    help: false,
  };
}

function isOneOf<T extends string>(options: readonly T[], value: string): value is T {
  return (options as readonly string[]).includes(value);
}
