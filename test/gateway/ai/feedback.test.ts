// Feedback by signed receipt: a chat completion's id (whole or streamed, the
// real openai SDK reading it) takes feedback from its own tenant only; an
// altered, foreign or unknown id is 404; feedback again replaces; without
// RECEIPT_SECRET chat still answers and feedback says what is misconfigured.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { FeedbackResponse } from "../../../gateway/ai/routes/feedback";
import type { ExperimentsReportResponse } from "../../../gateway/ai/routes/experiments-report";
import { authed, call, expectError } from "../../helpers/api";
import { chatRequest, route } from "../../helpers/chat";
import { userInVariant } from "../../helpers/experiments";
import { openai } from "../../helpers/openai";
import { token, uniqueTenant } from "../../helpers/tokens";
import { json, send } from "../../helpers/usage";

const RECEIPT = /^chatcmpl-[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/;

const feedback = (tenant: string, body: unknown) =>
  authed(tenant, "/v1/feedback", { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });

async function storedFeedback(tenant: string) {
  const { results } = await env.DB.prepare("SELECT request_id, experiment, variant, model, score, comment FROM ai_feedback WHERE tenant_id = ?").bind(tenant).all();
  return results;
}

describe("feedback on a chat completion, by its id", () => {
  it("takes the completion id the openai SDK returns, and attributes it to the request's experiment, variant and model", async () => {
    const tenant = uniqueTenant();
    const user = await userInVariant(tenant, "glm");
    const client = await openai(tenant);
    const { data, response } = await client.chat.completions.create({ model: "auto", user, messages: [{ role: "user", content: "hello there" }] }).withResponse();
    expect(data.id).toMatch(RECEIPT);
    expect(data.id.length).toBeLessThan(200);
    const requestId = response.headers.get("X-Request-Id") ?? "";
    const sent = await feedback(tenant, { id: data.id, score: 1, comment: "great" });
    expect(sent.status).toBe(200);
    expect(await sent.json<FeedbackResponse>()).toEqual({
      id: data.id,
      requestId,
      experiment: "simple-model",
      variant: "glm",
      model: route(response).model,
      score: 1,
      recorded: true,
    });
    expect(await storedFeedback(tenant)).toEqual([{ request_id: requestId, experiment: "simple-model", variant: "glm", model: "@cf/zai-org/glm-4.7-flash", score: 1, comment: "great" }]);
  });

  it("gives every chunk of a stream the same receipt, which takes feedback", async () => {
    const tenant = uniqueTenant();
    const client = await openai(tenant);
    const stream = await client.chat.completions.create({ model: "auto", messages: [{ role: "user", content: "Say something about tea." }], stream: true, stream_options: { include_usage: true } });
    const ids = new Set<string>();
    for await (const chunk of stream) ids.add(chunk.id);
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    expect(id).toMatch(RECEIPT);
    expect((await feedback(tenant, { id, score: -1 })).status).toBe(200);
  });

  it("answers 404 request_not_found for another tenant's receipt, an altered one and an unknown id", async () => {
    const tenant = uniqueTenant();
    const other = uniqueTenant();
    const [mine, theirs] = await Promise.all(
      [tenant, other].map(async (t) => (await (await openai(t)).chat.completions.create({ model: "auto", messages: [{ role: "user", content: "hi" }] })).id),
    );
    if (mine === undefined || theirs === undefined) throw new Error("no completions");
    // Each tenant's receipt is valid for its own tenant...
    expect((await feedback(tenant, { id: mine, score: 1 })).status).toBe(200);
    expect((await feedback(other, { id: theirs, score: 1 })).status).toBe(200);
    // ...and for no other.
    await expectError(await feedback(other, { id: mine, score: -1 }), 404, "request_not_found");
    await expectError(await feedback(tenant, { id: theirs, score: -1 }), 404, "request_not_found");
    const [payload = "", mac = ""] = mine.slice("chatcmpl-".length).split(".");
    const [theirPayload = ""] = theirs.slice("chatcmpl-".length).split(".");
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1);
    for (const id of [
      `chatcmpl-${flip(payload, 5)}.${mac}`, // an altered payload
      `chatcmpl-${payload}.${flip(mac, 3)}`, // an altered signature
      `chatcmpl-${theirPayload}.${mac}`, // another request's payload under this signature
      `chatcmpl-${payload}.${mac.slice(0, 10)}`, // a shortened signature
      "chatcmpl-3f2a9c0e1b7d4e5f8a6b9c0d1e2f3a4b", // a plain OpenAI-style id
      "req-unknown",
      "chatcmpl-%%%.###",
    ]) {
      await expectError(await feedback(tenant, { id, score: 0 }), 404, "request_not_found");
    }
    // The other tenant's feedback stayed as it was, and nothing was recorded for the refused ones.
    expect((await storedFeedback(other)).map((r) => r["score"])).toEqual([1]);
    expect((await storedFeedback(tenant)).map((r) => r["score"])).toEqual([1]);
  });

  it("refuses a bad body with invalid_request, including the retired requestId field", async () => {
    const tenant = uniqueTenant();
    const id = (await (await openai(tenant)).chat.completions.create({ model: "auto", messages: [{ role: "user", content: "hi" }] })).id;
    await expectError(await feedback(tenant, { id, score: 2 }), 400, "invalid_request");
    await expectError(await feedback(tenant, { id }), 400, "invalid_request");
    const retired = await expectError(await feedback(tenant, { requestId: "88e1261a", score: 1 }), 400, "invalid_request");
    expect(retired.error.message).toBe("json `requestId`: is no longer accepted: send the chat completion's id as `id`");
    await expectError(await feedback(tenant, { id, score: 1, comment: "x".repeat(2001) }), 400, "invalid_request");
  });

  it("replaces earlier feedback on the same request: it counts once, with the last score", async () => {
    const tenant = uniqueTenant();
    const user = await userInVariant(tenant, "control");
    const response = await chatRequest(tenant, { user, messages: [{ role: "user", content: "hello again" }] });
    const { id } = await response.json<{ id: string }>();
    for (const score of [1, 0.5, -1]) expect((await feedback(tenant, { id, score })).status).toBe(200);
    // Sent concurrently too: still one row.
    const again = await Promise.all([0, 0.25, 0.75].map((score) => feedback(tenant, { id, score })));
    expect(again.map((r) => r.status)).toEqual([200, 200, 200]);
    expect((await feedback(tenant, { id, score: -0.5, comment: "changed my mind" })).status).toBe(200);
    expect(await storedFeedback(tenant)).toEqual([expect.objectContaining({ score: -0.5, comment: "changed my mind" })]);
    const admin = await token({ tenant: "operator", role: "admin" });
    const report = await (await call(`/v1/admin/experiments?tenant=${tenant}`, { headers: { Authorization: `Bearer ${admin}` } })).json<ExperimentsReportResponse>();
    const control = report.experiments.find((e) => e.experiment === "simple-model")?.variants.find((v) => v.variant === "control");
    expect(control?.feedback).toEqual({ count: 1, mean: -0.5 });
  });

  it("answers 503 with Retry-After when D1 cannot save the feedback or be read for the report", async () => {
    const tenant = uniqueTenant();
    const { id } = await (await openai(tenant)).chat.completions.create({ model: "auto", messages: [{ role: "user", content: "hi" }] });
    const down = {
      prepare: () => {
        throw new Error("D1 down");
      },
    } as unknown as D1Database;
    const sent = await send("/v1/feedback", { ...json({ id, score: 1 }), tokenOptions: { tenant }, env: { DB: down } });
    await expectError(sent.response, 503, "service_unavailable");
    expect(sent.response.headers.get("Retry-After")).toBe("10");
    const report = await send(`/v1/admin/experiments?tenant=${tenant}`, { tokenOptions: { tenant: "operator", role: "admin" }, env: { DB: down } });
    await expectError(report.response, 503, "service_unavailable");
    expect(report.response.headers.get("Retry-After")).toBe("10");
    await Promise.all([sent.settled, report.settled]);
    expect(await storedFeedback(tenant)).toEqual([]);
  });

  it("gives a cached answer this request's own receipt", async () => {
    const tenant = uniqueTenant();
    const body = { model: "@cf/meta/llama-3.1-8b-instruct-fast", temperature: 0, messages: [{ role: "user", content: "Name a tea." }] };
    const first = await chatRequest(tenant, body);
    const second = await chatRequest(tenant, body);
    expect(second.headers.get("X-Cache")).toMatch(/^HIT/);
    const [a, b] = await Promise.all([first.json<{ id: string }>(), second.json<{ id: string }>()]);
    expect(b.id).toMatch(RECEIPT);
    expect(b.id).not.toBe(a.id);
    const sent = await feedback(tenant, { id: b.id, score: 1 });
    expect((await sent.json<FeedbackResponse>()).requestId).toBe(second.headers.get("X-Request-Id"));
  });
});

describe("without a usable RECEIPT_SECRET", () => {
  for (const [name, secret] of [
    ["unset", ""],
    ["too short", "short-secret"],
  ] as const) {
    it(`(${name}) chat answers with a plain id and feedback is server_misconfigured naming the setting`, async () => {
      const tenant = uniqueTenant();
      const chat = await send("/v1/chat/completions", { ...json({ model: "auto", messages: [{ role: "user", content: "hi" }] }), tokenOptions: { tenant }, env: { RECEIPT_SECRET: secret } });
      expect(chat.response.status).toBe(200);
      const { id } = await chat.response.json<{ id: string }>();
      expect(id).toMatch(/^chatcmpl-[a-f0-9]+$/);
      await chat.settled;
      const sent = await send("/v1/feedback", { ...json({ id, score: 1 }), tokenOptions: { tenant }, env: { RECEIPT_SECRET: secret } });
      const body = await expectError(sent.response, 500, "server_misconfigured");
      expect(body.error.message).toContain("RECEIPT_SECRET");
    });
  }
});
