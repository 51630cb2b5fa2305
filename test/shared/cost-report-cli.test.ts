// cost:report's command line: the shared parser's rules (scripts/cli.ts), one line and exit code 2 for bad usage.
import { describe, expect, it } from "vitest";
import { parseArgs } from "../../scripts/cost-report";
import { Stop } from "../../scripts/cli";

const usageError = (argv: string[], env: Record<string, string> = {}) => {
  try {
    parseArgs(argv, env);
  } catch (error) {
    if (error instanceof Stop) return { message: error.message, code: error.code };
    throw error;
  }
  return null;
};

describe("cost:report arguments", () => {
  it("defaults to the local stack and ten million requests, and takes GATEWAY_URL when --url is absent", () => {
    expect(parseArgs([], {})).toMatchObject({ url: "http://localhost:8787", requests: 10_000_000, json: false, token: undefined });
    expect(parseArgs([], { GATEWAY_URL: "https://gw.example.com/" })).toMatchObject({ url: "https://gw.example.com" });
    expect(parseArgs(["--url=http://127.0.0.1:8850", "--requests", "2000000", "--json", "--from", "2026-11-01"], { GATEWAY_URL: "https://ignored.example" })).toMatchObject({
      url: "http://127.0.0.1:8850",
      requests: 2_000_000,
      json: true,
      from: "2026-11-01",
    });
    expect(parseArgs(["--help"], {})).toBe("help");
  });

  it.each([
    [["--bogus"], "unknown option --bogus (npm run cost:report -- --help for usage)"],
    [["--requests", "0"], '--requests must be a positive integer, got "0"'],
    [["--url", "localhost"], '--url is not an http(s) URL: "localhost"'],
    [["--token"], "--token needs a value (npm run cost:report -- --help for usage)"],
  ])("%j is a usage error: %s", (argv, message) => {
    expect(usageError(argv)).toEqual({ message, code: 2 });
  });
});
