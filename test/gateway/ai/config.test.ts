// The AI settings: defaults, and errors that name the bad setting.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { aiConfig } from "../../../gateway/ai/config";
import { ApiError } from "../../../gateway/errors";

const withVars = (vars: Record<string, string>): GatewayEnv => ({ ...env, ...vars });

describe("AI settings", () => {
  it("fills defaults for empty values and turns OpenAI off without a key", () => {
    const config = aiConfig(withVars({ AI_SIMPLE_MODEL: "", AI_FALLBACK_CHAIN: "", AI_EXPERIMENTS: "", OPENAI_API_KEY: "" }));
    expect(config.simpleModel).toBe("@cf/meta/llama-3.1-8b-instruct-fast");
    expect(config.fallbackChain).toEqual(["@cf/meta/llama-3.1-8b-instruct-fast", "@cf/meta/llama-3.3-70b-instruct-fp8-fast", "gpt-4.1-mini"]);
    expect(config.experiments).toEqual([]);
    expect(config.openai).toBeUndefined();
    expect(config.routing.maxSimpleMessages).toBe(8);
  });

  it.each([
    ["AI_TIMEOUT_MS", "soon"],
    ["AI_SIMPLE_MODEL", "@cf/meta/llama-2-7b-chat-int8"],
    ["AI_FALLBACK_CHAIN", "@cf/meta/llama-3.1-8b-instruct-fast,not-a-model"],
    ["AI_EXPERIMENTS", "{not json"],
    ["AI_ROUTING_RULE", '{"maxSimpleMessages":"many"}'],
    ["OPENAI_BASE_URL", "ftp://example.com"],
  ])("refuses a bad %s, naming it", (name, value) => {
    let thrown: unknown;
    try {
      aiConfig(withVars({ [name]: value }));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ApiError);
    expect((thrown as ApiError).code).toBe("server_misconfigured");
    expect((thrown as ApiError).message).toContain(name);
  });
});
