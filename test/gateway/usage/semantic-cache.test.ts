// The semantic cache for /v1/ask: a paraphrase of a question already
// answered gets the stored answer without a model call; a question that only
// shares words with it does not; the cache is per tenant, per corpus
// version, and opt-in.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { AskResponse } from "../../../gateway/routes/ask";
import { uploadOk, waitUntilSettled } from "../../helpers/api";
import { parseSse } from "../../helpers/sse";
import { uniqueTenant } from "../../helpers/tokens";
import { json, meterOf, send, usageConfig } from "../../helpers/usage";

const TEA = "# Tea\n\nGreen tea is steeped at 80 degrees Celsius for two minutes. Black tea takes boiling water and four minutes.";
const QUESTION = "How long is green tea steeped?";
// Cosine similarity to QUESTION under the local embedding stand-in: 0.90 and 0.74.
const PARAPHRASE = "Green tea: how long is it steeped?";
const LOOK_ALIKE = "How long is black tea steeped?";

const isChat = (input: unknown) => typeof input === "object" && input !== null && "messages" in input;

/** Workers AI that counts the answer model's calls. */
function countingAi(): { ai: Ai; chatCalls: () => number } {
  let calls = 0;
  const run = (model: string, input: unknown, options?: unknown) => {
    if (isChat(input)) calls++;
    return (env.AI.run as (...args: unknown[]) => unknown)(model, input, options);
  };
  return { ai: { run } as unknown as Ai, chatCalls: () => calls }; // Only `run` is used by the gateway.
}

async function readyTenant(prefix: string): Promise<string> {
  const tenant = uniqueTenant(prefix);
  const doc = await uploadOk(tenant, TEA, { contentType: "text/markdown", filename: "tea.md" });
  await waitUntilSettled(tenant, doc.id);
  return tenant;
}

function ask(tenant: string, question: string, config: Partial<GatewayEnv>, ai: Ai, extra: Record<string, unknown> = {}) {
  return send("/v1/ask", { ...json({ question, ...extra }), tokenOptions: { tenant }, env: { ...config, AI: ai } });
}

describe("semantic cache", () => {
  let tenant: string;
  let config: Partial<GatewayEnv>;
  beforeAll(async () => {
    tenant = await readyTenant("sem");
    config = usageConfig({ semanticCache: { tenants: [tenant], minSimilarity: 0.85 } });
  });

  it("answers a paraphrase from the cache, without calling the model, and records it as free", async () => {
    const { ai, chatCalls } = countingAi();
    const first = await ask(tenant, QUESTION, config, ai);
    expect(first.response.headers.get("X-Cache")).not.toBe("HIT-SEMANTIC");
    const original = await first.response.json<AskResponse>();
    expect(original.answer).toMatch(/two minutes/);
    await first.settled;
    expect(chatCalls()).toBe(1);

    const second = await ask(tenant, PARAPHRASE, config, ai);
    expect(second.response.headers.get("X-Cache")).toBe("HIT-SEMANTIC");
    expect(await second.response.json<AskResponse>()).toEqual(original);
    expect(chatCalls()).toBe(1);
    await second.settled;
    const hit = (await meterOf(tenant).pending()).find((r) => r.semanticHits > 0);
    expect(hit).toMatchObject({ route: "ask", provider: "none", requests: 1, calls: 0, semanticHits: 1, usd: 0, neurons: 0 });
  });

  it("does not answer a question that merely shares words with a cached one", async () => {
    const { ai, chatCalls } = countingAi();
    const sent = await ask(tenant, LOOK_ALIKE, config, ai);
    expect(sent.response.headers.get("X-Cache")).not.toBe("HIT-SEMANTIC");
    expect((await sent.response.json<AskResponse>()).answer).toMatch(/four minutes/);
    expect(chatCalls()).toBe(1);
    await sent.settled;
  });

  it("replays a cached answer as the same server-sent events", async () => {
    const { ai, chatCalls } = countingAi();
    const sent = await ask(tenant, PARAPHRASE, config, ai, { stream: true });
    expect(sent.response.headers.get("X-Cache")).toBe("HIT-SEMANTIC");
    const events = parseSse(await sent.response.text());
    expect(events.map((e) => e.event)).toEqual(["sources", "delta", "done"]);
    expect((events[2]?.data as AskResponse).answer).toMatch(/two minutes/);
    expect(chatCalls()).toBe(0);
    await sent.settled;
  });

  it("never serves one tenant's answer to another, nor to a tenant that did not opt in", async () => {
    const other = await readyTenant("sem-other");
    const { ai, chatCalls } = countingAi();
    const both = usageConfig({ semanticCache: { tenants: [tenant, other], minSimilarity: 0.85 } });
    const sent = await ask(other, PARAPHRASE, both, ai);
    expect(sent.response.headers.get("X-Cache")).not.toBe("HIT-SEMANTIC");
    expect(chatCalls()).toBe(1);
    await sent.settled;
    const optedOut = await ask(tenant, PARAPHRASE, usageConfig({}), ai);
    expect(optedOut.response.headers.get("X-Cache")).not.toBe("HIT-SEMANTIC");
    expect(chatCalls()).toBe(2);
    await optedOut.settled;
  });

  it("stops serving an answer once the corpus it came from changes", async () => {
    const own = await readyTenant("sem-version");
    const ownConfig = usageConfig({ plans: { default: { semanticCache: true } }, semanticCache: { minSimilarity: 0.85 } });
    const { ai, chatCalls } = countingAi();
    await (await ask(own, QUESTION, ownConfig, ai)).settled;
    const hit = await ask(own, PARAPHRASE, ownConfig, ai);
    expect(hit.response.headers.get("X-Cache")).toBe("HIT-SEMANTIC");
    const doc = await uploadOk(own, "# Tea, revised\n\nGreen tea is now steeped for three minutes.", { contentType: "text/markdown", filename: "tea2.md" });
    await waitUntilSettled(own, doc.id);
    const after = await ask(own, PARAPHRASE, ownConfig, ai);
    expect(after.response.headers.get("X-Cache")).not.toBe("HIT-SEMANTIC");
    expect(chatCalls()).toBe(2);
    await after.settled;
  });
});
