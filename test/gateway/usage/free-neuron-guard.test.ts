// The deployment-wide guard: the tenants' meters report their Workers AI
// Neurons per day to one NeuronAllowance as they flush; once the day's total
// reaches the free allocation, chains put models off Workers AI first.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { forgetNeuronAllowance, freeNeuronsSpent, withinFreeAllocation } from "../../../gateway/usage/free-neuron-guard";
import { uniqueTenant } from "../../helpers/tokens";
import { flushUsage, json, meterOf, send } from "../../helpers/usage";

const allowance = () => env.NEURON_ALLOWANCE.get(env.NEURON_ALLOWANCE.idFromName("account"));
const today = () => new Date().toISOString().slice(0, 10);
const guarded = (dailyNeurons: number): GatewayEnv => ({ ...env, USAGE_CONFIG: JSON.stringify({ settleDelayMs: 200, freeNeuronGuard: { enabled: true, dailyNeurons } }) });

describe("free Neuron guard", () => {
  afterEach(() => forgetNeuronAllowance());

  it("adds up every tenant's Workers AI Neurons of the day as their meters flush", async () => {
    const before = await allowance().used(today());
    const tenants = [uniqueTenant("guard"), uniqueTenant("guard")];
    let neurons = 0;
    for (const tenant of tenants) {
      const sent = await send("/v1/search", { ...json({ query: "green tea steeping time", mode: "vector" }), tokenOptions: { tenant }, env: { USAGE_CONFIG: guarded(1e9).USAGE_CONFIG } });
      expect(sent.response.status).toBe(200);
      await sent.settled;
      neurons += (await meterOf(tenant).pending()).reduce((n, r) => n + r.neurons, 0);
      await flushUsage(tenant);
    }
    expect(neurons).toBeGreaterThan(0);
    expect(await allowance().used(today())).toBeCloseTo(before + neurons, 9);
  });

  it("leaves the allowance alone when the guard is off (its writes are only worth it when read)", async () => {
    const before = await allowance().used(today());
    const tenant = uniqueTenant("noguard");
    const sent = await send("/v1/search", { ...json({ query: "green tea steeping time", mode: "vector" }), tokenOptions: { tenant } });
    await sent.settled;
    await flushUsage(tenant);
    expect(await allowance().used(today())).toBe(before);
  });

  it("says the allocation is spent once the day's Neurons reach it, and never when it is off", async () => {
    await allowance().add(today(), 5);
    const used = await allowance().used(today());
    expect(await freeNeuronsSpent(guarded(used + 1000))).toBe(false);
    forgetNeuronAllowance();
    expect(await freeNeuronsSpent(guarded(used))).toBe(true);
    forgetNeuronAllowance();
    expect(await freeNeuronsSpent({ ...env, USAGE_CONFIG: "" })).toBe(false);
  });

  it("routes to the next model off Workers AI once spent, keeping Workers AI as the last resort", () => {
    const chain = [
      { provider: "workers-ai" as const, model: "@cf/meta/llama-3.3-70b-instruct-fp8-fast" },
      { provider: "workers-ai" as const, model: "@cf/meta/llama-3.1-8b-instruct-fast" },
      { provider: "openai" as const, model: "gpt-4o-mini" },
    ];
    expect(withinFreeAllocation(chain, false).map((m) => m.model)).toEqual(chain.map((m) => m.model));
    expect(withinFreeAllocation(chain, true).map((m) => m.model)).toEqual(["gpt-4o-mini", "@cf/meta/llama-3.3-70b-instruct-fp8-fast", "@cf/meta/llama-3.1-8b-instruct-fast"]);
  });
});
