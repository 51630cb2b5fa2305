// The per-provider circuit breaker: opens after consecutive failures, lets
// one trial through after the cooldown, closes on its success and re-opens
// on its failure; and the same seen from outside through X-Model-Route.
import { describe, expect, it } from "vitest";
import { CircuitBreakers } from "../../../gateway/ai/breaker";
import { SIMPLE_MODEL, WORKERS_AI_ERROR } from "../../fixtures/ai-markers";
import { chatRequest, route } from "../../helpers/chat";
import { userInVariant } from "../../helpers/experiments";
import { uniqueTenant } from "../../helpers/tokens";

function breakersAt(start = 0) {
  const clock = { now: start };
  const breakers = new CircuitBreakers(() => ({ failures: 3, cooldownMs: 1000 }), () => clock.now);
  return { breakers, clock };
}

describe("circuit breaker states", () => {
  it("opens after N consecutive failures, not N failures broken by a success", () => {
    const { breakers } = breakersAt();
    breakers.failure("workers-ai");
    breakers.failure("workers-ai");
    breakers.success("workers-ai");
    breakers.failure("workers-ai");
    breakers.failure("workers-ai");
    expect(breakers.state("workers-ai")).toBe("closed");
    breakers.failure("workers-ai");
    expect(breakers.state("workers-ai")).toBe("open");
    expect(breakers.admit("workers-ai")).toBe(false);
    // Per provider: OpenAI is untouched.
    expect(breakers.state("openai")).toBe("closed");
    expect(breakers.admit("openai")).toBe(true);
  });

  it("after the cooldown admits exactly one trial among many concurrent callers; success closes", async () => {
    const { breakers, clock } = breakersAt();
    for (let i = 0; i < 3; i++) breakers.failure("openai");
    clock.now = 999;
    expect(breakers.admit("openai")).toBe(false);
    clock.now = 1000;
    expect(breakers.state("openai")).toBe("half-open");
    const admitted = await Promise.all(Array.from({ length: 20 }, async () => breakers.admit("openai")));
    expect(admitted.filter(Boolean)).toHaveLength(1);
    breakers.success("openai");
    expect(breakers.state("openai")).toBe("closed");
    expect(breakers.admit("openai")).toBe(true);
  });

  it("re-opens for another cooldown when the trial fails; a neutral trial frees the slot", () => {
    const { breakers, clock } = breakersAt();
    for (let i = 0; i < 3; i++) breakers.failure("workers-ai");
    clock.now = 1500;
    expect(breakers.admit("workers-ai")).toBe(true);
    breakers.failure("workers-ai");
    expect(breakers.state("workers-ai")).toBe("open");
    clock.now = 2499;
    expect(breakers.admit("workers-ai")).toBe(false);
    clock.now = 2500;
    expect(breakers.admit("workers-ai")).toBe(true);
    expect(breakers.admit("workers-ai")).toBe(false);
    breakers.neutral("workers-ai");
    expect(breakers.admit("workers-ai")).toBe(true);
  });
});

describe("the breaker seen through requests", () => {
  it("skips Workers AI once it failed AI_BREAKER_FAILURES times in a row, and closes after the cooldown", async () => {
    const tenant = uniqueTenant();
    const user = await userInVariant(tenant, "control");
    const explicit = (content: string) => chatRequest(tenant, { model: SIMPLE_MODEL, messages: [{ role: "user", content }] });
    // AI_BREAKER_FAILURES is 4 in the test project.
    for (let i = 0; i < 4; i++) {
      const failed = await explicit(`fail ${WORKERS_AI_ERROR}`);
      expect(failed.status).toBe(503);
      expect(route(failed).fallback).toBe(`${SIMPLE_MODEL}:error`);
    }
    // Open: a healthy request is not even sent to Workers AI...
    const skipped = await explicit("healthy");
    expect(skipped.status).toBe(503);
    expect(route(skipped).fallback).toBe(`${SIMPLE_MODEL}:breaker_open`);
    // ...and `auto` goes straight to OpenAI.
    const routed = await chatRequest(tenant, { model: "auto", user, messages: [{ role: "user", content: "healthy" }] });
    expect(routed.status).toBe(200);
    expect(route(routed)).toMatchObject({ provider: "openai", fallback: `${SIMPLE_MODEL}:breaker_open,@cf/meta/llama-3.3-70b-instruct-fp8-fast:breaker_open` });
    // After AI_BREAKER_COOLDOWN_MS (1.5 s) one trial goes through; it succeeds and closes the breaker.
    await new Promise((resolve) => setTimeout(resolve, 1600));
    const trial = await explicit("healthy");
    expect(trial.status).toBe(200);
    expect(route(trial)).not.toHaveProperty("fallback");
    const after = await chatRequest(tenant, { model: "auto", user, messages: [{ role: "user", content: "healthy" }] });
    expect(route(after)).toMatchObject({ provider: "workers-ai", model: SIMPLE_MODEL });
  });
});
