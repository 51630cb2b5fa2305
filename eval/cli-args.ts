// The command line of `npm run eval`, parsed into a value or a usage error.
import { err, ok, type Result } from "../shared/result";
import { SEARCH_MODES, type SearchMode } from "./gateway-client";

export const USAGE = `usage: npm run eval -- --dataset DIR [options]

  --dataset DIR         a BEIR-format directory (corpus.jsonl, queries.jsonl, qrels/test.tsv),
                        e.g. eval/collection
  --url URL             the gateway (default http://localhost:8787)
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
  k: number;
  mode: SearchMode;
  concurrency: number;
  token: string | null;
  reuseTenant: string | null;
  timeoutSeconds: number;
  json: boolean;
  help: boolean;
}

const VALUE_OPTIONS = ["dataset", "url", "k", "mode", "concurrency", "token", "reuse-tenant", "timeout"] as const;
const FLAG_OPTIONS = ["json", "help"] as const;
type ValueOption = (typeof VALUE_OPTIONS)[number];

export function parseEvalArgs(argv: readonly string[]): Result<EvalArgs, string> {
  const values = new Map<ValueOption, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    const name = match?.[1];
    if (name === undefined) return err(`unexpected argument "${arg}"`);
    if (isOneOf(FLAG_OPTIONS, name)) {
      if (match?.[2] !== undefined) return err(`--${name} takes no value`);
      flags.add(name);
      continue;
    }
    if (!isOneOf(VALUE_OPTIONS, name)) return err(`unknown option --${name}`);
    const value = match?.[2] ?? argv[++i];
    if (value === undefined || (match?.[2] === undefined && value.startsWith("--"))) return err(`--${name} needs a value`);
    values.set(name, value);
  }
  if (flags.has("help")) return ok({ ...defaults(), help: true });

  const dataset = values.get("dataset");
  if (!dataset) return err("--dataset is required");
  const mode = values.get("mode") ?? "hybrid";
  if (!isOneOf(SEARCH_MODES, mode)) return err(`--mode must be one of ${SEARCH_MODES.join(", ")}, got "${mode}"`);
  const k = positiveInteger(values, "k", 10);
  if (!k.ok) return k;
  const concurrency = positiveInteger(values, "concurrency", 8);
  if (!concurrency.ok) return concurrency;
  const timeout = positiveInteger(values, "timeout", 1800);
  if (!timeout.ok) return timeout;

  const url = values.get("url") ?? defaults().url;
  if (!URL.canParse(url)) return err(`--url is not a URL: "${url}"`);
  return ok({
    dataset,
    url,
    k: k.value,
    mode,
    concurrency: concurrency.value,
    token: values.get("token") ?? null,
    reuseTenant: values.get("reuse-tenant") ?? null,
    timeoutSeconds: timeout.value,
    json: flags.has("json"),
    help: false,
  });
}

function defaults(): EvalArgs {
  return {
    dataset: "",
    url: "http://localhost:8787",
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

function positiveInteger(values: Map<ValueOption, string>, name: ValueOption, fallback: number): Result<number, string> {
  const raw = values.get(name);
  if (raw === undefined) return ok(fallback);
  return /^[1-9]\d*$/.test(raw) ? ok(Number(raw)) : err(`--${name} must be a positive integer, got "${raw}"`);
}

function isOneOf<T extends string>(options: readonly T[], value: string): value is T {
  return (options as readonly string[]).includes(value);
}
