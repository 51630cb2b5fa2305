import { jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { parseEvalArgs } from "../../eval/cli-args";
import { freshTenantName, mintDevToken, tenantOfToken } from "../../eval/dev-token";
import { formatIngestProgress } from "../../eval/report";
import { progressLine } from "../../scripts/progress-line";

describe("parseEvalArgs", () => {
  it("applies the documented defaults", () => {
    expect(parseEvalArgs(["--dataset", "eval/collection"])).toEqual({
      ok: true,
      value: {
        dataset: "eval/collection",
        url: "http://localhost:8787",
        urlSource: "the local default",
        k: 10,
        mode: "hybrid",
        concurrency: 8,
        token: null,
        reuseTenant: null,
        timeoutSeconds: 1800,
        json: false,
        help: false,
      },
    });
  });

  it("reads every option, as --name value or --name=value", () => {
    const parsed = parseEvalArgs([
      "--dataset=d",
      "--url",
      "https://gw.example.com",
      "--k",
      "5",
      "--mode=vector",
      "--concurrency",
      "16",
      "--token",
      "abc",
      "--reuse-tenant",
      "eval-1",
      "--timeout",
      "60",
      "--json",
    ]);
    expect(parsed).toEqual({
      ok: true,
      value: { dataset: "d", url: "https://gw.example.com", urlSource: "--url", k: 5, mode: "vector", concurrency: 16, token: "abc", reuseTenant: "eval-1", timeoutSeconds: 60, json: true, help: false },
    });
  });

  it.each([
    [[], "--dataset is required"],
    [["--dataset"], "--dataset needs a value"],
    [["--dataset", "--json"], "--dataset needs a value"],
    [["--dataset", "d", "--mode", "semantic"], '--mode must be one of hybrid, keyword, vector, got "semantic"'],
    [["--dataset", "d", "--k", "0"], '--k must be a positive integer, got "0"'],
    [["--dataset", "d", "--concurrency", "2.5"], '--concurrency must be a positive integer, got "2.5"'],
    [["--dataset", "d", "--url", "localhost"], '--url is not an http(s) URL: "localhost"'],
    [["--dataset", "d", "--verbose"], "unknown option --verbose"],
    [["--dataset", "d", "extra"], 'unexpected argument "extra"'],
    [["--dataset", "d", "--json=yes"], "--json takes no value"],
  ])("rejects %j: %s", (argv, message) => {
    expect(parseEvalArgs(argv)).toEqual({ ok: false, error: message });
  });

  it("takes the gateway from GATEWAY_URL when --url is not given, and --url over it", () => {
    const env = { GATEWAY_URL: "https://gw.example.com" };
    expect(parseEvalArgs(["--dataset", "d"], env)).toMatchObject({ ok: true, value: { url: "https://gw.example.com", urlSource: "GATEWAY_URL" } });
    expect(parseEvalArgs(["--dataset", "d", "--url", "http://127.0.0.1:9"], env)).toMatchObject({ ok: true, value: { url: "http://127.0.0.1:9", urlSource: "--url" } });
    expect(parseEvalArgs(["--dataset", "d"], { GATEWAY_URL: "gw" })).toEqual({ ok: false, error: 'GATEWAY_URL is not an http(s) URL: "gw"' });
  });

  it("refuses an option given twice", () => {
    expect(parseEvalArgs(["--dataset", "d", "--k", "3", "--k", "4"])).toEqual({ ok: false, error: "--k is given twice" });
  });

  it("answers --help without requiring anything else", () => {
    expect(parseEvalArgs(["--help"])).toMatchObject({ ok: true, value: { help: true } });
  });
});

describe("dev tokens", () => {
  it("signs an HS256 token for the tenant that the gateway's checks accept", async () => {
    const secret = "a-development-secret-of-32-bytes-or-more";
    const token = await mintDevToken(secret, { tenant: "eval-x", issuer: "https://issuer.test", audience: "rag" });
    const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(secret), { issuer: "https://issuer.test", audience: "rag" });
    expect(protectedHeader.alg).toBe("HS256");
    expect(payload).toMatchObject({ tenant: "eval-x", sub: "eval" });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(6 * 3600);
    expect(tenantOfToken(token)).toBe("eval-x");
    expect(tenantOfToken("not a token")).toBeNull();
  });

  it("names fresh tenants by time, within the gateway's tenant pattern", () => {
    const name = freshTenantName(new Date("2026-11-05T14:30:12.345Z"), () => 0.5);
    expect(name).toBe("eval-20261105-143012-i000");
    expect(name).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);
  });
});

describe("progress display", () => {
  it("shows uploads, readiness, failures and rate", () => {
    expect(formatIngestProgress({ total: 5000, uploaded: 1200, ready: 800, failed: 0, elapsedMs: 20_000 })).toBe(
      "uploaded 1200/5000  ready 800/5000  40.0 docs/s  20 s",
    );
    expect(formatIngestProgress({ total: 10, uploaded: 10, ready: 9, failed: 1, elapsedMs: 0 })).toContain("failed 1");
  });

  it("redraws one line on a terminal and prints sparingly into a log", () => {
    const terminal: string[] = [];
    const onTerminal = progressLine({ isTTY: true, write: (text) => void terminal.push(text) });
    onTerminal.update("a");
    onTerminal.update("b");
    onTerminal.finish();
    expect(terminal).toEqual(["\r\x1b[2Ka", "\r\x1b[2Kb", "\r\x1b[2Kb\n"]);

    const log: string[] = [];
    let now = 0;
    const intoLog = progressLine({ isTTY: false, write: (text) => void log.push(text) }, 5000, () => now);
    for (const step of ["1", "2", "3"]) {
      intoLog.update(step);
      now += 3000;
    }
    intoLog.finish("done");
    expect(log).toEqual(["1\n", "3\n", "done\n"]);
  });

  it("does not repeat the last line, nor draw an empty one", () => {
    const log: string[] = [];
    const intoLog = progressLine({ isTTY: false, write: (text) => void log.push(text) });
    intoLog.update("only");
    intoLog.finish();
    expect(log).toEqual(["only\n"]);
    const terminal: string[] = [];
    progressLine({ isTTY: true, write: (text) => void terminal.push(text) }).finish();
    expect(terminal).toEqual([]);
  });
});
