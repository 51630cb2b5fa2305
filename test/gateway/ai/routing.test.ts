// model "auto": the routing rule's decisions, unit by unit and as the
// X-Model-Route header of real requests.
import { describe, expect, it } from "vitest";
import { ChatRequestSchema } from "../../../gateway/ai/chat-request";
import { classify, RoutingRuleSchema } from "../../../gateway/ai/routing-rule";
import { ask, chatRequest, route } from "../../helpers/chat";
import { userInVariant } from "../../helpers/experiments";
import { uniqueTenant } from "../../helpers/tokens";

const rule = RoutingRuleSchema.parse({});
const req = (messages: { role: "user" | "system" | "assistant"; content: string }[], extra: Record<string, unknown> = {}) =>
  ChatRequestSchema.parse({ messages, ...extra });
const user = (content: string) => [{ role: "user" as const, content }];
const tool = { type: "function", function: { name: "lookup", parameters: { type: "object", properties: { q: { type: "string" } } } } };

describe("the routing rule", () => {
  it("classifies each signal, the first that fires giving the reason", () => {
    expect(classify(req(user("What is the capital of France?")), rule, undefined)).toEqual({ complexity: "simple", reason: "short" });
    expect(classify(req(user("hi"), { tools: [tool] }), rule, undefined)).toEqual({ complexity: "complex", reason: "tools" });
    const long = Array.from({ length: 9 }, (_, i) => ({ role: i % 2 ? ("assistant" as const) : ("user" as const), content: "ok" }));
    expect(classify(req(long), rule, undefined)).toEqual({ complexity: "complex", reason: "long_conversation" });
    expect(classify(req(user("word ".repeat(1300))), rule, undefined)).toEqual({ complexity: "complex", reason: "long_input" });
    expect(classify(req(user("Fix this:\n```js\nlet x = 1\n```")), rule, undefined)).toEqual({ complexity: "complex", reason: "code" });
    expect(classify(req(user("def add(a, b):\n    return a + b")), rule, undefined)).toEqual({ complexity: "complex", reason: "code" });
    expect(classify(req(user("Please analyze the trade-offs of tea vs coffee")), rule, undefined)).toEqual({ complexity: "complex", reason: "reasoning_marker" });
    // The hint wins over everything else, both ways.
    expect(classify(req(user("hi"), { tools: [tool] }), rule, "simple")).toEqual({ complexity: "simple", reason: "hint" });
    expect(classify(req(user("hi")), rule, " Complex ")).toEqual({ complexity: "complex", reason: "hint" });
    expect(classify(req(user("hi")), rule, "banana")).toEqual({ complexity: "simple", reason: "short" });
  });

  it("is configurable: thresholds, markers, the hint and tools can all be changed", () => {
    const custom = RoutingRuleSchema.parse({ honourHint: false, toolsAreComplex: false, maxSimpleMessages: 1, reasoningMarkers: ["ponder"], codeIsComplex: false });
    expect(classify(req(user("hi")), custom, "complex")).toEqual({ complexity: "simple", reason: "short" });
    expect(classify(req(user("hi"), { tools: [tool] }), custom, undefined)).toEqual({ complexity: "simple", reason: "short" });
    expect(classify(req([...user("a"), ...user("b")]), custom, undefined)).toEqual({ complexity: "complex", reason: "long_conversation" });
    expect(classify(req(user("ponder this")), custom, undefined).reason).toBe("reasoning_marker");
    expect(classify(req(user("analyze this step by step")), custom, undefined).reason).toBe("short");
    expect(classify(req(user("```code```")), custom, undefined).reason).toBe("short");
    expect(() => RoutingRuleSchema.parse({ maxSimpleMessages: 0 })).toThrow();
    expect(() => RoutingRuleSchema.parse({ typo: true })).toThrow();
  });
});

describe("routing real requests", () => {
  it("sends simple requests to Workers AI and complex ones to OpenAI, saying why", async () => {
    const tenant = uniqueTenant();
    const simple = await chatRequest(tenant, ask("What is green tea?"));
    expect(simple.status).toBe(200);
    expect(route(simple)).toMatchObject({ class: "simple", reason: "short", provider: "workers-ai" });

    const hinted = await chatRequest(tenant, ask("What is green tea?"), { "X-Complexity": "complex" });
    expect(route(hinted)).toEqual({ class: "complex", reason: "hint", model: "gpt-4.1-mini", provider: "openai" });

    const tools = await chatRequest(tenant, ask("look up tea", { tools: [tool] }));
    expect(route(tools)).toEqual({ class: "complex", reason: "tools", model: "gpt-4.1-mini", provider: "openai" });

    const code = await chatRequest(tenant, ask("Why does this fail?\n```ts\nconst x: number = 'a'\n```"));
    expect(route(code)).toMatchObject({ class: "complex", reason: "code", provider: "openai" });
  });

  it("serves an explicit model as asked, by id or alias, without routing", async () => {
    const tenant = uniqueTenant();
    const byAlias = await chatRequest(tenant, { model: "llama-3.3-70b", messages: [{ role: "user", content: "Analyze step by step: hi" }] });
    expect(byAlias.status).toBe(200);
    expect(route(byAlias)).toEqual({ class: "explicit", reason: "requested", model: "@cf/meta/llama-3.3-70b-instruct-fp8-fast", provider: "workers-ai" });
    const body = await byAlias.json<{ model: string }>();
    expect(body.model).toBe("@cf/meta/llama-3.3-70b-instruct-fp8-fast");
  });

  it("skips chain models that cannot honour a parameter (stop on auto goes to a model that takes it)", async () => {
    const tenant = uniqueTenant();
    // Llama 3.1 8B (the simple model, and the experiment's control) and Llama 3.3 70B take no `stop`:
    // the first chain model that does serves; the experiment's glm variant takes it itself.
    const control = await chatRequest(tenant, ask("What is tea?", { stop: ["\n\n"], user: await userInVariant(tenant, "control") }));
    expect(control.status).toBe(200);
    expect(route(control)).toEqual({ class: "simple", reason: "short", model: "gpt-4.1-mini", provider: "openai" });
    const glm = await chatRequest(tenant, ask("What is tea?", { stop: ["\n\n"], user: await userInVariant(tenant, "glm") }));
    expect(route(glm)).toEqual({ class: "simple", reason: "short", model: "@cf/zai-org/glm-4.7-flash", provider: "workers-ai" });
  });
});
