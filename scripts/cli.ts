// The command line of every script (token, soak, dlq:replay, eval, bench):
// one parser with one set of messages, and one rule for the gateway's URL.
// Pure: a script turns an error value into one line on stderr and exit code 2.
import { err, ok, type Result } from "../shared/result";

export interface OptionSpec {
  type: "string" | "boolean";
  /** A string option that may be given more than once. */
  multiple?: boolean;
}

export interface ParsedOptions {
  /** Every value of each string option, in order. */
  values: Map<string, string[]>;
  flags: Set<string>;
}

/** `--name value`, `--name=value` and boolean `--name`; anything else is an error naming it. */
export function parseOptions(argv: readonly string[], spec: Readonly<Record<string, OptionSpec>>): Result<ParsedOptions, string> {
  const values = new Map<string, string[]>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const match = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/s.exec(arg);
    const name = match?.[1];
    if (name === undefined) return err(`unexpected argument "${arg}"`);
    const option = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (!option) return err(`unknown option --${name}`);
    if (option.type === "boolean") {
      if (match?.[2] !== undefined) return err(`--${name} takes no value`);
      flags.add(name);
      continue;
    }
    const value = match?.[2] ?? argv[++i];
    if (value === undefined || (match?.[2] === undefined && value.startsWith("--"))) return err(`--${name} needs a value`);
    const previous = values.get(name);
    if (previous && !option.multiple) return err(`--${name} is given twice`);
    values.set(name, [...(previous ?? []), value]);
  }
  return ok({ values, flags });
}

export const one = (parsed: ParsedOptions, name: string): string | undefined => parsed.values.get(name)?.[0];

export function positiveInteger(parsed: ParsedOptions, name: string, fallback: number): Result<number, string> {
  const raw = one(parsed, name);
  if (raw === undefined) return ok(fallback);
  return /^[1-9]\d*$/.test(raw) ? ok(Number(raw)) : err(`--${name} must be a positive integer, got "${raw}"`);
}

export const DEFAULT_GATEWAY_URL = "http://localhost:8787";

export interface GatewayTarget {
  url: string;
  /** Where the URL came from, for messages: "--url", "GATEWAY_URL" or "the local default". */
  source: string;
}

/** `--url`, else the GATEWAY_URL environment variable, else the local stack. */
export function gatewayTarget(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): Result<GatewayTarget, string> {
  const fromEnv = env["GATEWAY_URL"] || undefined;
  const target = flag !== undefined ? { url: flag, source: "--url" } : fromEnv ? { url: fromEnv, source: "GATEWAY_URL" } : { url: DEFAULT_GATEWAY_URL, source: "the local default" };
  if (!URL.canParse(target.url) || !/^https?:$/.test(new URL(target.url).protocol)) {
    return err(`${target.source === "--url" ? "--url" : target.source} is not an http(s) URL: "${target.url}"`);
  }
  return ok(target);
}

/** One line for a gateway that did not answer, naming where its URL came from. */
export function unreachable(target: GatewayTarget, error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const detail = cause instanceof Error ? (("code" in cause && typeof cause.code === "string" ? cause.code : "") || cause.message) : String(cause);
  const hint = target.source === "the local default" ? " (is `npm run dev` running? set --url or GATEWAY_URL for another gateway)" : "";
  return `cannot reach the gateway at ${target.url} (from ${target.source}): ${detail}${hint}`;
}

export function isLocalUrl(url: string): boolean {
  const host = new URL(url).hostname;
  return host === "localhost" || host === "127.0.0.1" || host === "[::1]" || host.endsWith(".localhost");
}

/** A script's expected way out: one line on stderr and this exit code (2 for usage, 1 for a failure). */
export class Stop extends Error {
  constructor(message: string, readonly code: number) {
    super(message);
  }
}

/** Runs a script's body, turning a Stop into its line and exit code; anything else is a bug and propagates. */
export async function runStoppable(name: string, stderr: { write(text: string): unknown }, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    stderr.write(`${name}: ${error.message}\n`);
    return error.code;
  }
}
